// Package gateway is sellergate's SMTP side: the submission listeners agents
// send through, the inbound listener for mail from Amazon, the relay to the
// next hop and DKIM signing. Every outgoing message flows one way: listener
// → parse once → policy → store → relay → answer.
package gateway

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/sellergate/sellergate/config"
	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/internal/limit"
	"github.com/sellergate/sellergate/store"
	"github.com/sellergate/sellergate/tlscert"
	"golang.org/x/crypto/acme/autocert"
)

// Checker is the policy seam: it judges one parsed outgoing message.
type Checker interface {
	Check(m *filter.Message, env filter.Envelope) filter.Verdict
	// ExceptionsEnabled reports whether the policy runs the off-Amazon
	// exception protocol (else no message needs its thread's exception
	// looked up).
	ExceptionsEnabled() bool
	// ProactiveWindow is how long a buyer's message keeps a thread
	// answered; ok is false when the proactive rules are off.
	ProactiveWindow() (window time.Duration, ok bool)
}

// OptOutRecorder records that a buyer opted out.
type OptOutRecorder interface {
	SetOptOut(ctx context.Context, buyer string, out bool, source string, at time.Time) error
}

// ThreadFacts tells what the trail says of a thread: whether the buyer
// wrote within the window, and how many review requests went out.
type ThreadFacts interface {
	ThreadFacts(ctx context.Context, buyer, order, textNote string, since time.Time) (store.ThreadFacts, error)
}

// ExceptionEvents runs the off-Amazon exception protocol of a thread.
type ExceptionEvents interface {
	LiveException(ctx context.Context, thread string) (kind, state string)
	ExceptionMessageSent(ctx context.Context, rec *store.Record) error
	ExceptionSummarySent(ctx context.Context, rec *store.Record) error
}

// AgentActivity hears of an agent's refused or held messages in a thread
// (the SLA clock shows the agent is working on it).
type AgentActivity interface {
	AgentActivity(ctx context.Context, rec *store.Record) error
}

// ThreadFinder names the thread a message to a buyer about an order
// belongs to, as the store assigns it.
type ThreadFinder interface {
	ThreadFor(ctx context.Context, buyer, order string) (string, error)
}

// SLAEvents is the SLA seam: the gateway reports buyer messages that start
// a thread's clock and replies that stop it.
type SLAEvents interface {
	// BuyerMessage is called for an inbound message whose Amazon DKIM
	// signature verified, after it was recorded.
	BuyerMessage(ctx context.Context, rec *store.Record) error
	// ReplyRelayed is called when the next hop accepted a reply to a buyer.
	ReplyRelayed(ctx context.Context, rec *store.Record) error
	// TimeLeft returns how much of the 24 hours is left to answer the
	// thread; ok is false when no clock is running for it.
	TimeLeft(ctx context.Context, thread string) (left time.Duration, ok bool)
}

// Options are what a Gateway is built from. Config and Store are required.
type Options struct {
	Config  *config.Config
	Store   store.Store
	Checker Checker
	SLA     SLAEvents
	// Registry receives the gateway's metrics; nil means a private registry.
	Registry prometheus.Registerer
	Logger   *slog.Logger
	// Now is the clock (tests move it); nil means time.Now.
	Now func() time.Time
	// LookupTXT resolves DKIM keys for inbound verification; nil means DNS.
	LookupTXT func(domain string) ([]string, error)
	// TLSConfig overrides the certificate from the configuration (tests).
	TLSConfig *tls.Config
	// Held is called after a message the policy quarantined was recorded
	// (the operations side tells the agent).
	Held func(rec *store.Record)
	// Exceptions and Threads run the off-Amazon exception protocol; nil
	// either: off.
	Exceptions ExceptionEvents
	Threads    ThreadFinder
	// Facts, when set, lets the proactive rules apply (messages the seller
	// starts); nil: every message is judged as a reply.
	Facts ThreadFacts
	// OptOuts, when set, records Amazon's notices that a buyer opted out
	// of messages the seller starts (received by the inbound listener).
	OptOuts OptOutRecorder
	// Activity hears of refused and held messages; nil: nobody.
	Activity AgentActivity
	// RelayCounter, when set, holds the daily cap across restarts and
	// gateways; nil: the gateway counts what it relayed itself.
	RelayCounter store.RelayCounter
	// Allowance, when set (a store several gateways share), counts each
	// account's daily cap in the store, place by place, so that together
	// they relay the cap and not more; nil: each gateway counts its own.
	Allowance store.Allowance
	// BuyerMessages, when set, finds the buyer message a reply answers:
	// the policy then knows the buyer's words by what the buyer wrote,
	// whatever the agent's client made of the quote. Nil: quotes are
	// recognised by their structure alone.
	BuyerMessages store.BuyerMessages
}

// Gateway runs the SMTP listeners.
type Gateway struct {
	// cfg is the configuration the listeners were started with; settings
	// that can change live are read from live instead.
	cfg     *config.Config
	live    atomic.Pointer[live]
	store   store.Store
	sla     SLAEvents
	log     *slog.Logger
	now     func() time.Time
	lookup  func(string) ([]string, error)
	tls     *tls.Config
	metrics *metrics

	relay        Relay
	inboundRelay Relay
	// certs is the certificate in force, renewed without a restart (nil
	// with Options.TLSConfig or without TLS).
	certs *tlscert.Pair
	// acme obtains and renews the certificate (tls.acme), nil otherwise.
	acme        *autocert.Manager
	authFail    *limit.Failures[netip.Addr]
	authAccount *limit.Failures[string]
	sessionRate *rateLimiter
	conns       *connLimiter
	daily       *dailyCounter
	ownDomains  map[string]bool
	amazonDKIM  []string

	held       func(rec *store.Record)
	buyerMsgs  store.BuyerMessages
	exceptions ExceptionEvents
	threads    ThreadFinder
	activity   AgentActivity
	relayCount store.RelayCounter
	allowance  store.Allowance
	facts      ThreadFacts
	optOuts    OptOutRecorder
	// large admits messages spilled to disk, a few at a time.
	large    chan struct{}
	servers  []*smtp.Server
	addrs    []net.Addr
	draining atomic.Bool

	readiness probeCache

	mu       sync.Mutex
	sessions map[*session]struct{}
	// stop ends the gateway's background work.
	stop     chan struct{}
	stopOnce sync.Once
}

// New builds a gateway; it opens no socket until Start.
func New(o Options) (*Gateway, error) {
	cfg := o.Config
	g := &Gateway{
		cfg:        cfg,
		store:      o.Store,
		sla:        o.SLA,
		log:        o.Logger,
		now:        o.Now,
		lookup:     o.LookupTXT,
		tls:        o.TLSConfig,
		held:       o.Held,
		buyerMsgs:  o.BuyerMessages,
		exceptions: o.Exceptions,
		threads:    o.Threads,
		activity:   o.Activity,
		relayCount: o.RelayCounter,
		allowance:  o.Allowance,
		facts:      o.Facts,
		optOuts:    o.OptOuts,
		large:      make(chan struct{}, max(cfg.Limits.LargeConcurrency, 1)),
		conns:      newConnLimiter(cfg.Limits.ConnectionsPerIP, cfg.Limits.MaxConnections),
		sessions:   map[*session]struct{}{},
		stop:       make(chan struct{}),
	}
	if g.log == nil {
		g.log = slog.Default()
	}
	if g.now == nil {
		g.now = time.Now
	}
	reg := o.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	g.metrics = newMetrics(reg)
	g.authFail = limit.NewFailures[netip.Addr](cfg.Limits.AuthFailuresPerMinute, g.now)
	g.authAccount = limit.NewFailures[string](cfg.Limits.AuthFailuresPerAccount, g.now)
	g.sessionRate = newRateLimiter(cfg.Limits.SessionsPerIPPerMinute, g.now)
	g.daily = newDailyCounter(g.now)
	checker := o.Checker
	if checker == nil {
		checker = filter.NewEngine(filter.DefaultPolicy())
	}
	lv, err := newLive(cfg, checker)
	if err != nil {
		return nil, err
	}
	g.live.Store(lv)
	if g.sla == nil {
		g.sla = logSLA{g.log}
	}
	switch {
	case g.tls != nil || cfg.TLS == nil:
	case cfg.TLS.ACME != nil:
		if g.acme, err = newACME(cfg.TLS.ACME); err != nil {
			return nil, err
		}
		g.tls = acmeTLS(g.acme, cfg.TLS.ACME.Domains)
	default:
		if g.certs, err = tlscert.Load(cfg.TLS.Cert, cfg.TLS.Key); err != nil {
			return nil, err
		}
		g.tls = &tls.Config{GetCertificate: g.certs.GetCertificate, MinVersion: tls.VersionTLS12}
	}
	if g.tls != nil {
		// Count handshakes: started at the ClientHello, ok when complete.
		base := g.tls.Clone()
		if upstreamCertPins(cfg) {
			// Upstreams known by their client certificate present one;
			// the gateway checks its key against the pins (agents send
			// none and are not asked to).
			base.ClientAuth = tls.RequestClientCert
		}
		m := g.metrics
		base.VerifyConnection = func(tls.ConnectionState) error {
			m.tlsHandshakes.WithLabelValues("ok").Inc()
			return nil
		}
		g.tls = base.Clone()
		g.tls.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
			m.tlsHandshakes.WithLabelValues("started").Inc()
			return base, nil
		}
	}
	if g.relay, err = NewRelay(&cfg.Relay, cfg.Relay.URL, cfg.Hostname); err != nil {
		return nil, err
	}
	if in := cfg.Inbound; in != nil && in.Mode == "forward" {
		// The seller's mailbox: the relay's timeouts and CA, not its credentials.
		fwd := config.Relay{Timeout: cfg.Relay.Timeout, Pool: cfg.Relay.Pool, CAFile: cfg.Relay.CAFile}
		if g.inboundRelay, err = NewRelay(&fwd, in.Forward, cfg.Hostname); err != nil {
			return nil, err
		}
	}
	g.ownDomains = map[string]bool{}
	if in := cfg.Inbound; in != nil {
		for _, d := range in.Domains {
			g.ownDomains[strings.ToLower(d)] = true
		}
		g.amazonDKIM = append(g.amazonDKIM, in.TrustedDKIMDomains...)
		if err := g.useTestKeys(in.TestKeys); err != nil {
			return nil, err
		}
	}
	for _, d := range config.AmazonRelayDomains {
		g.amazonDKIM = append(g.amazonDKIM, strings.TrimPrefix(d, "marketplace."))
	}
	return g, nil
}

// SetChecker replaces the policy for sessions that start from now on.
func (g *Gateway) SetChecker(c Checker) {
	lv := *g.live.Load()
	lv.checker = c
	g.live.Store(&lv)
}

// Start binds every configured listener and serves them in the background.
func (g *Gateway) Start() error {
	// Today's counts first: a restart does not reset the daily cap.
	g.countDaily(g.stop)
	for _, l := range g.cfg.Submission {
		kind := "submission"
		if l.Mode == "implicit" {
			kind = "submissions"
		}
		if err := g.listen(l.Listen, kind, l.Mode == "implicit", l.InsecureDevelopment); err != nil {
			g.closeAll()
			return err
		}
	}
	if in := g.cfg.Inbound; in != nil {
		if err := g.listen(in.Listen, "inbound", false, false); err != nil {
			g.closeAll()
			return err
		}
	}
	return nil
}

// Addrs returns the bound addresses in configuration order: submission
// listeners, then the inbound listener.
func (g *Gateway) Addrs() []net.Addr { return g.addrs }

func (g *Gateway) listen(addr, kind string, implicitTLS, insecure bool) error {
	// No TCP keepalive: the command and data timeouts end a session whose
	// client went silent; keepalive would only add four system calls to
	// every connection.
	lc := net.ListenConfig{KeepAlive: -1}
	ln, err := lc.Listen(context.Background(), "tcp", addr)
	if err != nil {
		return fmt.Errorf("%s listener: %w", kind, err)
	}
	g.addrs = append(g.addrs, ln.Addr())
	var l net.Listener = &limitListener{Listener: ln, g: g, plain: !implicitTLS}
	if implicitTLS {
		l = tls.NewListener(l, g.tls)
	}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return g.newSession(c, kind)
	}))
	s.Domain = g.cfg.Hostname
	s.ReadTimeout = g.cfg.Limits.CommandTimeout
	s.WriteTimeout = g.cfg.Limits.CommandTimeout
	s.MaxMessageBytes = int64(g.cfg.Limits.MaxMessageSize)
	s.MaxRecipients = g.cfg.Limits.MaxRecipients
	s.EnableSMTPUTF8 = true
	s.ErrorLog = slogPrintf{g.log.With("listener", kind)}
	if !implicitTLS {
		s.TLSConfig = g.tls
	}
	s.AllowInsecureAuth = insecure
	g.servers = append(g.servers, s)
	g.metrics.sessions.WithLabelValues(kind)
	go func() {
		if err := s.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			g.log.Error("listener stopped", "listener", kind, "addr", addr, "err", err)
		}
	}()
	g.log.Info("listening", "listener", kind, "addr", ln.Addr().String(), "tls", tlsMode(implicitTLS, g.tls != nil))
	return nil
}

func tlsMode(implicit, haveCert bool) string {
	switch {
	case implicit:
		return "implicit"
	case haveCert:
		return "starttls"
	}
	return "none"
}

// Shutdown stops accepting connections, lets transactions in flight finish
// until ctx ends, then closes what is left.
func (g *Gateway) Shutdown(ctx context.Context) error {
	g.draining.Store(true)
	done := make(chan struct{})
	go func() {
		var wg sync.WaitGroup
		for _, s := range g.servers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.Shutdown(ctx)
			}()
		}
		wg.Wait()
		close(done)
	}()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		g.closeIdle()
		select {
		case <-done:
			return g.closeAll()
		case <-ctx.Done():
			g.log.Warn("shutdown deadline reached, closing sessions in flight")
			g.closeAll()
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// closeIdle closes sessions that are not in a transaction.
func (g *Gateway) closeIdle() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for s := range g.sessions {
		if !s.busy.Load() {
			s.conn.Conn().Close()
		}
	}
}

func (g *Gateway) closeAll() error {
	g.stopOnce.Do(func() { close(g.stop) })
	for _, s := range g.servers {
		s.Close()
	}
	var errs []error
	if g.relay != nil {
		errs = append(errs, g.relay.Close())
	}
	if g.inboundRelay != nil {
		errs = append(errs, g.inboundRelay.Close())
	}
	return errors.Join(errs...)
}

// newQueueID returns a short random id that names a message in logs, SMTP
// replies and the audit record.
func newQueueID() string {
	var b [8]byte
	rand.Read(b[:])
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
}

// remoteIP returns the client's address.
func remoteIP(c net.Conn) netip.Addr {
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		if ip, ok := netip.AddrFromSlice(ta.IP); ok {
			return ip.Unmap()
		}
	}
	return netip.Addr{}
}

// limitListener refuses connections over the per-IP limit and from
// addresses paused after too many AUTH failures.
type limitListener struct {
	net.Listener
	g     *Gateway
	plain bool
}

// Accept returns the next connection within the limits.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := remoteIP(c)
		var why string
		switch {
		case l.g.authFail.Blocked(ip):
			why = "Too many authentication failures from your address, try again in a minute"
			l.g.metrics.limitHits.WithLabelValues("auth_failures_per_minute").Inc()
		case !l.g.sessionRate.allow(ip):
			why = fmt.Sprintf("Too many new sessions from your address, slow down (limits: sessions_per_ip_per_minute = %d)", l.g.cfg.Limits.SessionsPerIPPerMinute)
			l.g.metrics.limitHits.WithLabelValues("sessions_per_ip_per_minute").Inc()
		default:
			switch l.g.conns.acquire(ip) {
			case connsPerIP:
				why = fmt.Sprintf("Too many connections from your address (limits: connections_per_ip = %d)", l.g.cfg.Limits.ConnectionsPerIP)
				l.g.metrics.limitHits.WithLabelValues("connections_per_ip").Inc()
			case connsTotal:
				why = fmt.Sprintf("Too many connections to the gateway, try again later (limits: max_connections = %d)", l.g.cfg.Limits.MaxConnections)
				l.g.metrics.limitHits.WithLabelValues("max_connections").Inc()
			}
		}
		if why != "" {
			go func() {
				if l.plain {
					c.SetWriteDeadline(time.Now().Add(5 * time.Second))
					fmt.Fprintf(c, "%d %d.%d.%d %s\r\n", codeServiceUnavailable, ecTooManyConns[0], ecTooManyConns[1], ecTooManyConns[2], why)
				}
				c.Close()
			}()
			continue
		}
		return &limitedConn{Conn: c, release: func() { l.g.conns.release(ip) }}, nil
	}
}

type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}

// connLimiter counts open connections per client network and in all.
type connLimiter struct {
	perIP, total int
	mu           sync.Mutex
	n            map[netip.Prefix]int
	all          int
}

// Outcomes of connLimiter.acquire.
const (
	connsOK    = iota
	connsPerIP // the client has too many
	connsTotal // the gateway has too many
)

func newConnLimiter(perIP, total int) *connLimiter {
	return &connLimiter{perIP: perIP, total: total, n: map[netip.Prefix]int{}}
}

func (l *connLimiter) acquire(ip netip.Addr) int {
	k := clientNet(ip)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.total > 0 && l.all >= l.total:
		return connsTotal
	case l.perIP > 0 && l.n[k] >= l.perIP:
		return connsPerIP
	}
	l.n[k]++
	l.all++
	return connsOK
}

func (l *connLimiter) release(ip netip.Addr) {
	k := clientNet(ip)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all--
	if l.n[k]--; l.n[k] <= 0 {
		delete(l.n, k)
	}
}

// dailyCounter counts relayed messages per account and UTC day. With a
// store that counts (store.RelayCounter) the count is the store's, read
// at start and every refreshEvery, plus what this gateway relayed and has
// in flight since: the cap holds across restarts, and across gateways
// sharing a store up to a refresh's lag.
type dailyCounter struct {
	now func() time.Time
	mu  sync.Mutex
	day string
	// base is the store's count per account at the last refresh; done is
	// what this gateway relayed since, inflight what it is relaying.
	base, done, inflight map[string]int
}

// refreshEvery is how often the daily counts are read from the store.
const refreshEvery = time.Minute

func newDailyCounter(now func() time.Time) *dailyCounter {
	return &dailyCounter{now: now, base: map[string]int{}, done: map[string]int{}, inflight: map[string]int{}}
}

// today starts a new day's counts when the UTC day changed; d.mu is held.
func (d *dailyCounter) today() {
	if day := d.now().UTC().Format(time.DateOnly); day != d.day {
		d.day, d.base, d.done = day, map[string]int{}, map[string]int{}
	}
}

// reserve takes one message from account's allowance; false when the limit
// is reached. The reservation ends with sent or release.
func (d *dailyCounter) reserve(account string, limit int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.today()
	if limit > 0 && d.base[account]+d.done[account]+d.inflight[account] >= limit {
		return false
	}
	d.inflight[account]++
	return true
}

// sent ends a reservation whose message the next hop accepted.
func (d *dailyCounter) sent(account string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.inflight[account]--
	d.today()
	d.done[account]++
}

// release gives back a reservation: nothing was sent.
func (d *dailyCounter) release(account string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.inflight[account]--
}

// refresh reads today's counts per agent from the store and adds them up
// per account (accountOf maps an agent to its account, "" for none).
func (d *dailyCounter) refresh(ctx context.Context, rc store.RelayCounter, accountOf func(agent string) string) error {
	midnight := d.now().UTC().Truncate(24 * time.Hour)
	byAgent, err := rc.RelayedSince(ctx, midnight)
	if err != nil {
		return fmt.Errorf("daily counts: %w", err)
	}
	base := map[string]int{}
	for agent, n := range byAgent {
		if a := accountOf(agent); a != "" {
			base[a] += n
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.today()
	if d.day != midnight.Format(time.DateOnly) {
		return nil // the day turned while counting
	}
	d.base, d.done = base, map[string]int{}
	return nil
}

// accountOf returns the account an agent (a login, or "network:CIDR" for a
// trusted network) writes for, by the live configuration.
func (lv *live) accountOf(agent string) string {
	for _, a := range lv.cfg.Agents {
		if a.Login == agent {
			return a.Account
		}
	}
	for _, tn := range lv.cfg.TrustedNetworks {
		if "network:"+tn.Prefix.String() == agent {
			return tn.Account
		}
	}
	// An upstream's sender address counts for the upstream's account.
	if at := strings.LastIndexByte(agent, '@'); at > 0 {
		for _, u := range lv.cfg.Upstreams {
			for _, d := range u.Domains {
				if strings.EqualFold(d, agent[at+1:]) {
					return u.Account
				}
			}
		}
	}
	return ""
}

// storeCtx bounds a store call made while a client waits for its answer
// (store: timeout): a database that does not answer costs the client a
// 451, never a session that hangs until the network gives up.
func (g *Gateway) storeCtx() (context.Context, context.CancelFunc) {
	d := g.cfg.Store.Timeout
	if d <= 0 {
		d = config.DefaultStoreTimeout // a configuration built without config.Load
	}
	return context.WithTimeout(context.Background(), d)
}

// countDaily keeps the daily counter in step with the store until stop is
// closed; the first read happens before it returns.
func (g *Gateway) countDaily(stop <-chan struct{}) {
	rc := g.relayCount
	if rc == nil {
		return
	}
	read := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := g.daily.refresh(ctx, rc, g.live.Load().accountOf); err != nil {
			g.log.Warn("reading the daily message counts", "err", err)
		}
	}
	read()
	go func() {
		tick := time.NewTicker(refreshEvery)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				read()
			}
		}
	}()
}

// logSLA is the SLA seam's stand-in until the SLA tracker is configured: it
// logs the events.
type logSLA struct{ log *slog.Logger }

func (l logSLA) BuyerMessage(_ context.Context, r *store.Record) error {
	l.log.Info("buyer message", "queue", r.QueueID, "buyer", r.Buyer, "order", r.OrderID)
	return nil
}

func (l logSLA) ReplyRelayed(_ context.Context, r *store.Record) error {
	l.log.Info("reply relayed", "queue", r.QueueID, "buyer", r.Buyer, "order", r.OrderID)
	return nil
}

func (l logSLA) TimeLeft(context.Context, string) (time.Duration, bool) { return 0, false }

// slogPrintf adapts slog to go-smtp's Logger.
type slogPrintf struct{ log *slog.Logger }

func (s slogPrintf) Printf(format string, v ...any) { s.log.Warn(fmt.Sprintf(format, v...)) }
func (s slogPrintf) Println(v ...any)               { s.log.Warn(fmt.Sprint(v...)) }

// Ready reports whether the gateway accepts mail: listeners bound and not
// shutting down.
func (g *Gateway) Ready(ctx context.Context) error {
	if g.draining.Load() {
		return errors.New("shutting down")
	}
	if len(g.addrs) == 0 {
		return errors.New("no listener")
	}
	// Ready only when a message could go through: the store takes its
	// record and the next hop answers. Probes are spaced out: a load
	// balancer asking every second does not open a connection each time.
	return g.readiness.get(g.now(), func() error {
		if err := g.store.Check(ctx); err != nil {
			return err
		}
		if err := g.relay.Check(ctx); err != nil {
			return fmt.Errorf("next hop: %w", err)
		}
		return nil
	})
}

// probeCache keeps a readiness probe's outcome for a few seconds.
type probeCache struct {
	mu  sync.Mutex
	at  time.Time
	err error
}

// probeEvery is how long a readiness probe's outcome stands.
const probeEvery = 5 * time.Second

// get returns the cached outcome, probing again when it is older than
// probeEvery.
func (c *probeCache) get(now time.Time, probe func() error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() && now.Sub(c.at) < probeEvery {
		return c.err
	}
	c.err, c.at = probe(), now
	return c.err
}

// CountAppeal counts an admin's decision on an appeal ("released",
// "rejected").
func (g *Gateway) CountAppeal(decision string) { g.metrics.appeals.WithLabelValues(decision).Inc() }

// Send hands a message the gateway writes itself (an SLA alert, a notice
// to an agent) to the next hop.
func (g *Gateway) Send(ctx context.Context, from string, to []string, msg []byte) error {
	_, err := g.relay.Deliver(ctx, &Delivery{QueueID: newQueueID(), From: from, To: to, Body: bytes.NewReader(msg), Size: int64(len(msg))})
	return err
}

// DeliverQueued relays a message from the delivery queue (a released
// message, a notice), DKIM-signed for its From domain.
func (g *Gateway) DeliverQueued(ctx context.Context, from string, to []string, body io.Reader) (string, error) {
	raw, err := io.ReadAll(body)
	if err != nil {
		return "", err
	}
	sig, err := g.live.Load().signer.Sign(domainOf(from), bytes.NewReader(raw))
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, g.cfg.Relay.Timeout)
	defer cancel()
	return g.relay.Deliver(ctx, &Delivery{QueueID: newQueueID(), From: from, To: to, Prefix: sig, Body: bytes.NewReader(raw), Size: int64(len(sig) + len(raw))})
}

// Checker returns the policy checker new sessions get.
func (g *Gateway) Checker() Checker { return g.live.Load().checker }

// useTestKeys makes the inbound listener take messages signed with the
// configured test keys for Amazon's (configuration allows them only on a
// loopback listener for development): their public keys are answered
// without DNS, and their domains are trusted.
func (g *Gateway) useTestKeys(keys []config.DKIMKey) error {
	if len(keys) == 0 {
		return nil
	}
	records := map[string]string{}
	for _, k := range keys {
		key, err := LoadDKIMKey(k.Key)
		if err != nil {
			return fmt.Errorf("inbound test key for %s: %w", k.Domain, err)
		}
		txt, err := DKIMRecord(key)
		if err != nil {
			return fmt.Errorf("inbound test key for %s: %w", k.Domain, err)
		}
		records[strings.ToLower(k.Selector+"._domainkey."+k.Domain)] = txt
		g.amazonDKIM = append(g.amazonDKIM, k.Domain)
	}
	next := g.lookup
	if next == nil {
		next = net.LookupTXT
	}
	g.lookup = func(name string) ([]string, error) {
		if txt, ok := records[strings.ToLower(strings.TrimSuffix(name, "."))]; ok {
			return []string{txt}, nil
		}
		return next(name)
	}
	g.log.Warn("inbound: messages signed with the test keys count as Amazon's (insecure_development)", "keys", len(keys))
	return nil
}
