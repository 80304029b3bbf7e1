// Package sla holds each buyer thread's 24-hour reply clock: a verified
// buyer message starts it, a reply the next hop accepted stops it, alerts
// fire before a breach, and a breach is recorded and counted. Seller
// holidays do not stop Amazon's clock, so nothing here pauses it.
package sla

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/sellergate/sellergate/marketplace"
	"github.com/sellergate/sellergate/store"
)

// Deadline is Amazon's expected response time, every day of the week.
const Deadline = 24 * time.Hour

// Config configures the tracker.
type Config struct {
	// Thresholds are the alert points before the deadline (e.g. 18h, 22h);
	// the deadline itself is always added as the breach.
	Thresholds []time.Duration
	// SweepInterval is how often due alerts are looked for (default 1m).
	SweepInterval time.Duration
}

// Alert is one notification about a thread.
type Alert struct {
	// Kind is "threshold", "breach", "summary_pending" or "test" (sent
	// by hand to try the channels).
	Kind      string        `json:"kind"`
	Clock     store.Clock   `json:"thread"`
	Threshold time.Duration `json:"-"`
	// Elapsed is how long the buyer has been waiting.
	Elapsed time.Duration `json:"-"`
	// Left is the time left before the 24-hour deadline (negative after it).
	Left time.Duration `json:"-"`
	At   time.Time     `json:"at"`
}

// Notifier delivers alerts (a webhook, an e-mail to the team).
type Notifier interface {
	Notify(ctx context.Context, a Alert) error
}

// Store is what the tracker keeps its clocks and exceptions in.
type Store interface {
	store.SLAStore
	store.ExceptionStore
}

// Tracker implements the gateway's SLA seam on top of the store.
type Tracker struct {
	st        Store
	audit     store.Store
	cfg       Config
	points    []time.Duration // thresholds and the deadline, ascending
	notifiers []Notifier
	now       func() time.Time
	log       *slog.Logger

	metrics *metrics
	mu      sync.Mutex
	seen    map[string]bool // marketplaces with series, so empty ones drop to 0
}

// New returns a tracker. now may be nil for time.Now; reg may be nil.
func New(st Store, audit store.Store, cfg Config, notifiers []Notifier, reg prometheus.Registerer, log *slog.Logger, now func() time.Time) *Tracker {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	if cfg.SweepInterval == 0 {
		cfg.SweepInterval = time.Minute
	}
	points := []time.Duration{Deadline}
	for _, t := range cfg.Thresholds {
		if t > 0 && t < Deadline {
			points = append(points, t)
		}
	}
	sort.Slice(points, func(i, j int) bool { return points[i] < points[j] })
	t := &Tracker{st: st, audit: audit, cfg: cfg, points: points, notifiers: notifiers, now: now, log: log,
		metrics: newMetrics(reg), seen: map[string]bool{}}
	t.zeroSeries()
	return t
}

// zeroSeries exports every series at zero from the start, for each
// marketplace and threshold: dashboards and alert rules see 0, not "No
// data", before the first buyer message.
func (t *Tracker) zeroSeries() {
	for _, m := range marketplace.All {
		name := m.Name()
		t.seen[name] = true
		t.metrics.open.WithLabelValues(name).Set(0)
		t.metrics.oldest.WithLabelValues(name).Set(0)
		t.metrics.breaches.WithLabelValues(name)
		t.metrics.response.WithLabelValues(name)
	}
	for _, p := range t.points {
		t.metrics.alerts.WithLabelValues(p.String())
	}
}

// Marketplace returns the marketplace of a buyer address: "amazon.de" for
// …@marketplace.amazon.de.
func Marketplace(buyer string) string {
	m, _ := marketplace.Of(buyer)
	return m.Name()
}

// nextAlert is when the first threshold not yet fired is due.
func (t *Tracker) nextAlert(since time.Time, fired []int64) time.Time {
	done := map[int64]bool{}
	for _, f := range fired {
		done[f] = true
	}
	for _, p := range t.points {
		if !done[int64(p/time.Second)] {
			return since.Add(p)
		}
	}
	return time.Time{}
}

// BuyerMessage starts the thread's clock (or keeps it running). The same
// Message-ID delivered twice changes nothing.
func (t *Tracker) BuyerMessage(ctx context.Context, rec *store.Record) error {
	c := store.Clock{
		Thread: rec.Thread, Buyer: rec.Buyer, OrderID: rec.OrderID,
		Marketplace: Marketplace(rec.Buyer), Since: rec.Time, State: store.ClockOpen,
	}
	c.NextAlert = t.nextAlert(c.Since, nil)
	started, err := t.st.StartClock(ctx, c, rec.MessageID)
	if err != nil {
		return fmt.Errorf("starting SLA clock: %w", err)
	}
	if started {
		t.log.Info("SLA clock started", "thread", rec.Thread, "buyer", rec.Buyer, "order", rec.OrderID)
	}
	return nil
}

// ReplyRelayed stops the thread's clock and records the response time.
func (t *Tracker) ReplyRelayed(ctx context.Context, rec *store.Record) error {
	c, err := t.st.StopClock(ctx, store.Stop{Thread: rec.Thread, At: rec.Time, How: "reply", By: rec.Agent, QueueID: rec.QueueID})
	if err != nil {
		return fmt.Errorf("stopping SLA clock: %w", err)
	}
	if c != nil {
		took := rec.Time.Sub(c.Since)
		t.metrics.response.WithLabelValues(c.Marketplace).Observe(took.Seconds())
		t.log.Info("SLA clock stopped", "thread", rec.Thread, "response", took.Round(time.Second).String(), "agent", rec.Agent)
	}
	return nil
}

// AgentActivity notes who last wrote in an open thread (shown by status).
func (t *Tracker) AgentActivity(ctx context.Context, rec *store.Record) error {
	if rec.Thread == "" || rec.Agent == "" {
		return nil
	}
	return t.st.TouchClock(ctx, rec.Thread, rec.Agent)
}

// Dismiss marks the thread's buyer message as needing no reply: the clock
// stops and the dismissal is an audit record.
func (t *Tracker) Dismiss(ctx context.Context, thread, reason, by string) (*store.Clock, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, fmt.Errorf("a dismissal needs a reason")
	}
	now := t.now()
	c, err := t.st.StopClock(ctx, store.Stop{Thread: thread, At: now, How: "dismissed", By: by, Reason: reason})
	if err != nil {
		return nil, fmt.Errorf("dismissing: %w", err)
	}
	if c == nil {
		return nil, fmt.Errorf("thread %s has no open clock", thread)
	}
	rec := &store.Record{Time: now, Kind: KindSLA, Direction: store.Inbound, Agent: by, Buyer: c.Buyer,
		OrderID: c.OrderID, Thread: thread, Status: "dismissed", Note: reason}
	if err := t.audit.Append(ctx, rec); err != nil {
		return c, fmt.Errorf("recording dismissal: %w", err)
	}
	return c, nil
}

// KindSLA marks audit records of SLA events (dismissals, breaches).
const KindSLA store.Kind = "sla"

// TimeLeft returns how much of the 24 hours is left for the thread's open
// clock; ok is false when the thread has none.
func (t *Tracker) TimeLeft(ctx context.Context, thread string) (left time.Duration, ok bool) {
	c, err := t.st.OpenClock(ctx, thread)
	if err != nil || c == nil {
		return 0, false
	}
	return c.Since.Add(Deadline).Sub(t.now()), true
}

// Sweep fires every alert that is due, once per thread and threshold even
// with several gateways on one store, and records breaches. A clock that
// crossed thresholds while the gateway was down fires them now.
func (t *Tracker) Sweep(ctx context.Context) (int, error) {
	now := t.now()
	due, err := t.st.DueClocks(ctx, now)
	if err != nil {
		return 0, fmt.Errorf("SLA sweep: %w", err)
	}
	fired := 0
	for _, c := range due {
		for _, p := range t.points {
			sec := int64(p / time.Second)
			if c.Since.Add(p).After(now) || contains(c.Fired, sec) {
				continue
			}
			c.Fired = append(c.Fired, sec)
			ok, err := t.st.ClaimAlert(ctx, c.Thread, sec, t.nextAlert(c.Since, c.Fired))
			if err != nil {
				return fired, fmt.Errorf("SLA sweep: %w", err)
			}
			if !ok {
				continue // another gateway fired it
			}
			fired++
			a := Alert{Kind: "threshold", Clock: c, Threshold: p, Elapsed: now.Sub(c.Since), Left: c.Since.Add(Deadline).Sub(now), At: now}
			if p == Deadline {
				a.Kind = "breach"
				t.metrics.breaches.WithLabelValues(c.Marketplace).Inc()
				rec := &store.Record{Time: now, Kind: KindSLA, Direction: store.Inbound, Buyer: c.Buyer,
					OrderID: c.OrderID, Thread: c.Thread, Status: "breach", Note: "no reply within 24 hours"}
				if err := t.audit.Append(ctx, rec); err != nil {
					t.log.Error("recording SLA breach", "thread", c.Thread, "err", err)
				}
			}
			if c.State == store.ClockSummaryPending {
				a.Kind = "summary_pending"
			}
			t.metrics.alerts.WithLabelValues(p.String()).Inc()
			t.notify(ctx, a)
		}
	}
	return fired, t.refreshGauges(ctx)
}

func contains(xs []int64, x int64) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func (t *Tracker) notify(ctx context.Context, a Alert) {
	t.log.Warn("SLA alert", "kind", a.Kind, "thread", a.Clock.Thread, "buyer", a.Clock.Buyer,
		"order", a.Clock.OrderID, "waiting", a.Elapsed.Round(time.Minute).String())
	for _, n := range t.notifiers {
		if err := n.Notify(ctx, a); err != nil {
			t.log.Error("SLA notification failed", "thread", a.Clock.Thread, "err", err)
		}
	}
}

// refreshGauges sets the open-thread gauges per marketplace.
func (t *Tracker) refreshGauges(ctx context.Context) error {
	stats, err := t.st.ClockStats(ctx)
	if err != nil {
		return err
	}
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	open := map[string]store.ClockStat{}
	pending := 0
	for _, st := range stats {
		open[st.Marketplace] = st
		t.seen[st.Marketplace] = true
		pending += st.SummaryPending
	}
	for m := range t.seen {
		st, ok := open[m]
		t.metrics.open.WithLabelValues(m).Set(float64(st.Open))
		age := 0.0
		if ok {
			age = now.Sub(st.Oldest).Seconds()
		}
		t.metrics.oldest.WithLabelValues(m).Set(age)
	}
	t.metrics.pending.Set(float64(pending))
	return nil
}

// Run sweeps until ctx ends, starting with one sweep at once so alerts due
// while the gateway was down fire on start.
func (t *Tracker) Run(ctx context.Context) {
	tick := time.NewTicker(t.cfg.SweepInterval)
	defer tick.Stop()
	for {
		if _, err := t.Sweep(ctx); err != nil && ctx.Err() == nil {
			t.log.Error("SLA sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Status is one line of `sellergate sla status`.
type Status struct {
	store.Clock
	Left time.Duration `json:"-"`
	// LeftSeconds is Left for JSON.
	LeftSeconds int64 `json:"time_left_seconds"`
}

// Status lists open threads, least time left first.
func (t *Tracker) Status(ctx context.Context) ([]Status, error) {
	clocks, err := t.st.OpenClocks(ctx)
	if err != nil {
		return nil, err
	}
	now := t.now()
	out := make([]Status, len(clocks))
	for i, c := range clocks {
		left := c.Since.Add(Deadline).Sub(now)
		out[i] = Status{Clock: c, Left: left, LeftSeconds: int64(left / time.Second)}
	}
	// OpenClocks is oldest first, which is least time left first.
	return out, nil
}

type metrics struct {
	open     *prometheus.GaugeVec
	oldest   *prometheus.GaugeVec
	response *prometheus.HistogramVec
	breaches *prometheus.CounterVec
	alerts   *prometheus.CounterVec
	pending  prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	f := promauto.With(reg)
	return &metrics{
		open: f.NewGaugeVec(prometheus.GaugeOpts{Name: "sellergate_sla_open_threads",
			Help: "Buyer threads waiting for a reply, by marketplace."}, []string{"marketplace"}),
		oldest: f.NewGaugeVec(prometheus.GaugeOpts{Name: "sellergate_sla_oldest_unanswered_seconds",
			Help: "Age of the oldest unanswered buyer message, by marketplace."}, []string{"marketplace"}),
		response: f.NewHistogramVec(prometheus.HistogramOpts{Name: "sellergate_sla_response_seconds",
			Help:    "Time from a buyer message to the reply that stopped its clock, by marketplace.",
			Buckets: []float64{300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 18 * 3600, 22 * 3600, 24 * 3600, 48 * 3600}},
			[]string{"marketplace"}),
		breaches: f.NewCounterVec(prometheus.CounterOpts{Name: "sellergate_sla_breaches_total",
			Help: "Buyer messages not answered within 24 hours, by marketplace."}, []string{"marketplace"}),
		alerts: f.NewCounterVec(prometheus.CounterOpts{Name: "sellergate_sla_alerts_total",
			Help: "SLA alerts fired, by threshold."}, []string{"threshold"}),
		pending: f.NewGauge(prometheus.GaugeOpts{Name: "sellergate_sla_exception_closing_due",
			Help: "Threads whose off-Amazon exception still waits for its closing summary."}),
	}
}
