package main

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/sellergate/sellergate/config"
	"github.com/sellergate/sellergate/console"
	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/gateway"
)

// reloader puts a changed configuration or policy file in force, on SIGHUP
// and when either file changes, and a renewed TLS certificate when its
// files change (SIGHUP reads it again too). The new files are validated completely
// first; on any error the old configuration stays and the error is logged
// with file and line.
type reloader struct {
	path string // "" for the embedded example: nothing to watch
	gw   *gateway.Gateway
	// engine is the policy in force, for the admin API's checks.
	engine  *atomic.Pointer[filter.Engine]
	log     *slog.Logger
	reloads *prometheus.CounterVec
	lastOK  prometheus.Gauge
	stamps  map[string]time.Time

	// cfg is the configuration in force; last, the last reload's outcome
	// (the console shows both).
	cfg  atomic.Pointer[config.Config]
	mu   sync.Mutex
	last console.ReloadStatus
}

// status returns the last reload's outcome.
func (r *reloader) status() console.ReloadStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

func (r *reloader) record(why string, err error) {
	r.mu.Lock()
	r.last = console.ReloadStatus{Time: time.Now(), Trigger: why, Err: err}
	r.mu.Unlock()
}

func newReloader(path string, gw *gateway.Gateway, engine *atomic.Pointer[filter.Engine], cfg *config.Config, reg prometheus.Registerer, log *slog.Logger) *reloader {
	f := promauto.With(reg)
	r := &reloader{path: path, gw: gw, engine: engine, log: log,
		reloads: f.NewCounterVec(prometheus.CounterOpts{Name: "sellergate_config_reloads_total",
			Help: "Configuration reloads, by result (success, failure)."}, []string{"result"}),
		lastOK: f.NewGauge(prometheus.GaugeOpts{Name: "sellergate_config_last_reload_success",
			Help: "1 when the last reload succeeded (or none was tried), 0 when it failed."}),
	}
	r.reloads.WithLabelValues("success")
	r.reloads.WithLabelValues("failure")
	r.lastOK.Set(1)
	r.stamps = r.fileStamps(cfg)
	r.cfg.Store(cfg)
	return r
}

// fileStamps returns the modification times of the files a reload reads.
func (r *reloader) fileStamps(cfg *config.Config) map[string]time.Time {
	m := map[string]time.Time{}
	for _, f := range []string{r.path, cfg.Policy} {
		if f == "" {
			continue
		}
		if fi, err := os.Stat(f); err == nil {
			m[f] = fi.ModTime()
		}
	}
	return m
}

func (r *reloader) changed() bool {
	for f, t := range r.stamps {
		fi, err := os.Stat(f)
		if err == nil && !fi.ModTime().Equal(t) {
			return true
		}
	}
	return false
}

// reload validates and applies the files; it returns whether it succeeded.
func (r *reloader) reload(why string) bool {
	cfg, err := loadConfig(r.path)
	var policy *filter.Policy
	if err == nil {
		policy, err = loadPolicy(cfg)
	}
	if err != nil {
		r.reloads.WithLabelValues("failure").Inc()
		r.lastOK.Set(0)
		r.log.Error("reload failed, the previous configuration stays in force", "trigger", why, "err", err)
		r.record(why, err)
		return false
	}
	engine := filter.NewEngine(policy)
	restart, err := r.gw.Reload(cfg, engine)
	if err != nil {
		r.reloads.WithLabelValues("failure").Inc()
		r.lastOK.Set(0)
		r.log.Error("reload failed, the previous configuration stays in force", "trigger", why, "err", err)
		r.record(why, err)
		return false
	}
	r.engine.Store(engine)
	r.cfg.Store(cfg)
	r.record(why, nil)
	r.stamps = r.fileStamps(cfg)
	r.reloads.WithLabelValues("success").Inc()
	r.lastOK.Set(1)
	r.log.Info("configuration reloaded", "trigger", why)
	for _, w := range cfg.Warnings {
		r.log.Warn("config: " + w)
	}
	if len(restart) > 0 {
		r.log.Warn("some changes need a restart and are not in force yet", "settings", restart)
	}
	return true
}

// run reloads on SIGHUP (hup) and when a file changes, until ctx ends.
func (r *reloader) run(ctx context.Context, poll time.Duration, hup <-chan os.Signal) {
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			r.reload("SIGHUP")
		case <-tick.C:
			// A renewed certificate (certbot, an ACME client) is put in
			// force as soon as its files change.
			if renewed, err := r.gw.ReloadCertificate(); err != nil {
				r.log.Error("the renewed certificate cannot be loaded, the previous one stays in force", "err", err)
			} else if renewed {
				r.log.Info("TLS certificate renewed")
			}
			if r.changed() {
				// Remember the new stamps even if the files are broken, so a
				// broken file is reported once, not every tick.
				r.reload("file changed")
				for f := range r.stamps {
					if fi, err := os.Stat(f); err == nil {
						r.stamps[f] = fi.ModTime()
					}
				}
			}
		}
	}
}
