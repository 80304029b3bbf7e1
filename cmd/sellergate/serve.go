package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sellergate/sellergate/admin"
	"github.com/sellergate/sellergate/config"
	"github.com/sellergate/sellergate/console"
	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/gateway"
	"github.com/sellergate/sellergate/quarantine"
	"github.com/sellergate/sellergate/sla"
	"github.com/sellergate/sellergate/store"
)

// runServe runs the gateway until SIGTERM or SIGINT.
// gcPercent is the garbage collector's target when GOGC is not set: a
// gateway's live heap is small and its garbage is per message, so collecting
// half as often costs little memory (48 to 55 MB with 500 idle sessions)
// and 5-12 % less CPU per message (bench/relay.sh load, alternating runs).
const gcPercent = 200

// tuneGC sets gcPercent unless the operator set GOGC.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := verbFlags("serve", "", stderr)
	cfgPath := fs.String("config", "", "configuration file (default: the embedded example)")
	if code, ok := parseFlags(fs, args, stdout); !ok {
		return code
	}
	// Take SIGHUP before anything listens: its default action would end
	// the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	log := newLogger(cfg, stderr)
	for _, w := range cfg.Warnings {
		log.Warn("config: " + w)
	}
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := serve(ctx, *cfgPath, cfg, log, hup); err != nil {
		log.Error("sellergate stopped", "err", err)
		return 1
	}
	return 0
}

// loadConfig reads path, or the embedded example when path is empty.
func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Parse("example.yaml (embedded)", config.Example)
	}
	return config.Load(path)
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openStore opens the audit store the configuration names.
func openStore(ctx context.Context, cfg *config.Config) (*store.SQL, error) {
	return store.Open(ctx, store.Options{
		Driver:             cfg.Store.Driver,
		Path:               cfg.Store.Path,
		DSN:                cfg.Store.StoreDSN(),
		CheckpointInterval: cfg.Store.CheckpointInterval,
		Retention:          cfg.Store.Retention,
	})
}

// newTracker builds the SLA tracker and its notifiers from the configuration.
func newTracker(cfg *config.Config, st *store.SQL, reg prometheus.Registerer, log *slog.Logger, send sla.Mailer) *sla.Tracker {
	var notifiers []sla.Notifier
	if w := cfg.SLA.Webhook; w != nil {
		notifiers = append(notifiers, &sla.Webhook{URL: w.URL, Format: w.Format})
	}
	if e := cfg.SLA.Email; e != nil && send != nil {
		notifiers = append(notifiers, &sla.Email{From: e.From, To: e.To, Send: send})
	}
	return sla.New(st, st, sla.Config{Thresholds: cfg.SLA.Thresholds, SweepInterval: cfg.SLA.SweepInterval},
		notifiers, reg, log, nil)
}

// openForCommand loads the configuration and opens its store for an
// admin command; on failure it says why and returns the exit status.
func openForCommand(cfgPath string, stderr io.Writer) (*config.Config, *store.SQL, int) {
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, nil, 2
	}
	st, err := openStore(context.Background(), cfg)
	if err != nil {
		fmt.Fprintln(stderr, "opening store:", err)
		return nil, nil, 2
	}
	return cfg, st, 0
}

// loadPolicy reads the policy file the configuration names, or the default.
func loadPolicy(cfg *config.Config) (*filter.Policy, error) {
	if cfg.Policy == "" {
		return filter.DefaultPolicy(), nil
	}
	return filter.LoadPolicy(cfg.Policy)
}

// serve runs the gateway and the metrics listener until ctx ends, then
// shuts down gracefully. cfgPath ("" for the embedded example) is re-read
// on SIGHUP and when it changes.
func serve(ctx context.Context, cfgPath string, cfg *config.Config, log *slog.Logger, hup <-chan os.Signal) error {
	policy, err := preflight(cfg)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return fmt.Errorf("opening store: %w", err)
	}
	defer st.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name:        "sellergate_build_info",
		Help:        "Build information; always 1.",
		ConstLabels: prometheus.Labels{"version": version},
	}, func() float64 { return 1 }))

	var gw *gateway.Gateway
	tracker := newTracker(cfg, st, reg, log, func(ctx context.Context, from string, to []string, msg []byte) error {
		return gw.Send(ctx, from, to, msg)
	})
	held := newQuarantine(cfg, st)
	q, err := newQueue(cfg, st, tracker, held, func() *gateway.Gateway { return gw }, reg, log)
	if err != nil {
		return err
	}
	held.Queue = q
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "sellergate_quarantine_messages",
		Help: "Messages held for review without a decision.",
	}, func() float64 {
		n, err := st.CountHeld(context.Background())
		if err != nil {
			return -1
		}
		return float64(n)
	}))
	// The policy in force: the gateway's, and the admin API's for its checks.
	var engine atomic.Pointer[filter.Engine]
	engine.Store(filter.NewEngine(policy))
	gw, err = gateway.New(gateway.Options{
		Config:  cfg,
		Store:   st,
		Checker: engine.Load(),
		SLA:     tracker,
		// The tracker runs the exception protocol and hears of agents'
		// work; the store names threads, counts the day's messages and
		// finds the buyer message a reply answers.
		Exceptions:    tracker,
		Activity:      tracker,
		Threads:       st,
		Facts:         st,
		OptOuts:       st,
		RelayCounter:  st,
		Allowance:     sharedAllowance(cfg, st),
		BuyerMessages: st,
		Registry:      reg,
		Logger:        log,
		Held: func(rec *store.Record) {
			n := quarantine.NoticeHeld
			if _, ok := (quarantine.Held{Record: rec}).Appeal(); ok {
				n = quarantine.NoticeAppeal
			}
			if err := held.Notify(rec, n, ""); err != nil {
				log.Error("queueing the held-message notice", "queue", rec.QueueID, "err", err)
			}
		},
	})
	if err != nil {
		return err
	}
	held.Appeals = gw.CountAppeal

	go tracker.Run(ctx)
	go q.Run(ctx)
	if err := gw.Start(); err != nil {
		return err
	}
	var httpSrv *http.Server
	if cfg.Metrics.Listen != "" {
		ln, err := net.Listen("tcp", cfg.Metrics.Listen)
		if err != nil {
			gw.Shutdown(context.Background())
			return fmt.Errorf("metrics listener: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
		if cfg.Metrics.Pprof {
			mux.Handle("/debug/pprof/", loopbackOnly(http.HandlerFunc(pprof.Index)))
			mux.Handle("/debug/pprof/profile", loopbackOnly(http.HandlerFunc(pprof.Profile)))
		}
		mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
		mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
			if err := gw.Ready(r.Context()); err != nil {
				http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
				return
			}
			fmt.Fprintln(w, "ready")
		})
		httpSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("metrics listener stopped", "err", err)
			}
		}()
		log.Info("listening", "listener", "metrics", "addr", ln.Addr().String())
	}
	rl := newReloader(cfgPath, gw, &engine, cfg, reg, log)
	go rl.run(ctx, 2*time.Second, hup)
	if cfg.Admin.Listen != "" {
		api := &admin.API{
			Tokens: cfg.Admin.AllTokens(), Quarantine: held, SLA: tracker, Audit: st, Log: log,
			Engine: engine.Load,
		}
		api.ExceptionKind = func(kind string) bool { return api.Engine().Policy().ExceptionKind(kind) }
		api.Thread = func(ctx context.Context, thread string) (func(*filter.Message) (string, *filter.ThreadFacts), error) {
			return threadFromTrail(ctx, st, thread, api.Engine().Policy(), "")
		}
		ln, err := net.Listen("tcp", cfg.Admin.Listen)
		if err != nil {
			gw.Shutdown(context.Background())
			return fmt.Errorf("admin listener: %w", err)
		}
		con, err := newConsole(cfg, rl, st, held, tracker, gw, api, log)
		if err != nil {
			gw.Shutdown(context.Background())
			return err
		}
		mux := http.NewServeMux()
		mux.Handle("/v1/", api.Handler())
		mux.Handle("/", con.Handler())
		adminSrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			var err error
			if cfg.Admin.TLS {
				// The gateway's certificate in force, renewed with it.
				adminSrv.TLSConfig = &tls.Config{GetCertificate: gw.GetCertificate, MinVersion: tls.VersionTLS12}
				err = adminSrv.ServeTLS(ln, "", "")
			} else {
				err = adminSrv.Serve(ln)
			}
			if err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("admin listener stopped", "err", err)
			}
		}()
		defer adminSrv.Close()
		log.Info("listening", "listener", "admin", "addr", ln.Addr().String(), "tls", cfg.Admin.TLS)
	}
	if t := cfg.TLS; t != nil && t.ACME != nil && t.ACME.HTTPListen != "" {
		stop, err := serveACMEChallenges(t.ACME.HTTPListen, gw.ACMEHandler(), log)
		if err != nil {
			gw.Shutdown(context.Background())
			return err
		}
		defer stop()
	}
	log.Info("sellergate ready", "version", version, "relay", cfg.Relay.URL, "store", cfg.Store.Driver)
	<-ctx.Done()
	log.Info("shutting down", "deadline", cfg.Limits.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.Limits.ShutdownTimeout)
	defer cancel()
	err = gw.Shutdown(sctx)
	if httpSrv != nil {
		httpSrv.Shutdown(sctx)
	}
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	log.Info("stopped")
	return nil
}

// sharedAllowance is the store's count of the daily caps when gateways
// may share the store (PostgreSQL); one gateway on SQLite counts its own.
func sharedAllowance(cfg *config.Config, st *store.SQL) store.Allowance {
	if cfg.Store.Driver == "postgres" {
		return st
	}
	return nil
}

// newConsole is the web console on the admin listener, with the same
// store, services and policy as the gateway.
func newConsole(cfg *config.Config, rl *reloader, st *store.SQL, held *quarantine.Service, tracker *sla.Tracker, gw *gateway.Gateway, api *admin.API, log *slog.Logger) (*console.Console, error) {
	policyFile := cfg.Policy
	return console.New(console.Options{
		Credentials: func() ([]config.User, []config.Agent) {
			c := rl.cfg.Load()
			return c.Admin.Users, c.Agents
		},
		Quarantine: held, Clocks: tracker, Trail: st,
		Engine: api.Engine, Thread: api.Thread,
		Health: func(ctx context.Context) []console.Health {
			return []console.Health{{Name: "store", Err: st.Check(ctx)}, {Name: "next hop", Err: gw.Ready(ctx)}}
		},
		Reload: rl.status, PolicyFile: policyFile,
		Thresholds:    cfg.SLA.Thresholds,
		FailuresPerIP: cfg.Limits.AuthFailuresPerMinute, FailuresPerLogin: cfg.Limits.AuthFailuresPerAccount,
		Secure: cfg.Admin.TLS, Log: log,
	})
}

// loopbackOnly serves h to clients on the gateway's own machine only.
func loopbackOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			http.Error(w, "the profiler answers loopback clients only", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// newQuarantine is the service for held messages, its notices in each
// agent's language.
func newQuarantine(cfg *config.Config, st *store.SQL) *quarantine.Service {
	return &quarantine.Service{Store: st, From: "postmaster@" + cfg.Hostname, AppealTag: cfg.AppealTag,
		Language: func(r *store.Record) string { return agentLanguage(cfg, st, r) }}
}

// agentLanguage is the language of the agent who sent r: configured for
// the agent, else the one the held message is written in.
func agentLanguage(cfg *config.Config, st *store.SQL, r *store.Record) string {
	for _, a := range cfg.Agents {
		if a.Login == r.Agent && a.Language != "" {
			return a.Language
		}
	}
	raw, err := st.Body(context.Background(), r.ID)
	if err != nil {
		return "en"
	}
	m, err := filter.Parse(bytes.NewReader(raw))
	if err != nil {
		return "en"
	}
	return filter.WrittenIn(m, r.Rcpt)
}

// serveACMEChallenges answers the ACME CA's HTTP-01 challenges on addr
// (port 80 as the CA reaches it); other requests are redirected to HTTPS.
func serveACMEChallenges(addr string, h http.Handler, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("acme http_listen: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("ACME challenge listener stopped", "err", err)
		}
	}()
	log.Info("listening", "listener", "acme-http-01", "addr", ln.Addr().String())
	return func() { srv.Close() }, nil
}
