package sla

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/emersion/go-smtp"

	sgtestutil "github.com/sellergate/sellergate/internal/testutil"
	"github.com/sellergate/sellergate/store"
)

// clock is the tests' controllable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// hook is a real HTTP webhook receiver.
type hook struct {
	mu    sync.Mutex
	got   []map[string]any
	srv   *httptest.Server
	kinds []string
}

func newHook(t *testing.T) *hook {
	h := &hook{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		h.mu.Lock()
		h.got = append(h.got, m)
		h.mu.Unlock()
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) count() int { h.mu.Lock(); defer h.mu.Unlock(); return len(h.got) }

func openStore(t *testing.T, path string) *store.SQL {
	t.Helper()
	s, err := store.Open(context.Background(), store.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newTracker(s *store.SQL, c *clock, h *hook, reg prometheus.Registerer) *Tracker {
	return New(s, s, Config{Thresholds: []time.Duration{18 * time.Hour, 22 * time.Hour}},
		[]Notifier{&Webhook{URL: h.srv.URL}}, reg, nil, c.now)
}

const buyer = "q1w2e3r4@marketplace.amazon.de"

// buyerMessage records an inbound buyer message and reports it, as the
// gateway does.
func buyerMessage(t *testing.T, s *store.SQL, tr *Tracker, c *clock, id string) *store.Record {
	t.Helper()
	r := &store.Record{Time: c.now(), Kind: store.KindMessage, Direction: store.Inbound, Buyer: buyer,
		OrderID: "302-1234567-7654321", MessageID: id, Status: store.StatusRecorded, Verdict: "buyer"}
	if err := s.Append(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if err := tr.BuyerMessage(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r
}

func reply(t *testing.T, s *store.SQL, tr *Tracker, c *clock) {
	t.Helper()
	r := &store.Record{Time: c.now(), Kind: store.KindMessage, Direction: store.Outbound, Agent: "anna", Buyer: buyer, Status: store.StatusAccepted}
	if err := s.Append(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if err := tr.ReplyRelayed(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

func TestClockStartsOnceStopsOnReply(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	c := &clock{t: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)}
	reg := prometheus.NewRegistry()
	tr := newTracker(s, c, newHook(t), reg)
	ctx := context.Background()
	r := buyerMessage(t, s, tr, c, "m1@amazon.de")
	c.add(time.Hour)
	buyerMessage(t, s, tr, c, "m1@amazon.de") // delivered twice
	buyerMessage(t, s, tr, c, "m2@amazon.de") // a second message keeps the clock
	left, ok := tr.TimeLeft(ctx, r.Thread)
	if !ok || left != 23*time.Hour {
		t.Fatalf("time left = %v %v, want 23h from the first message", left, ok)
	}
	st, _ := tr.Status(ctx)
	if len(st) != 1 || st[0].Marketplace != "amazon.de" || st[0].OrderID != "302-1234567-7654321" {
		t.Fatalf("status = %+v", st)
	}
	c.add(2 * time.Hour)
	reply(t, s, tr, c)
	if _, ok := tr.TimeLeft(ctx, r.Thread); ok {
		t.Error("clock still running after the reply")
	}
	if got := responses(t, reg, "amazon.de"); got != 1 {
		t.Errorf("replies counted in amazon.de's response histogram: %d, want 1", got)
	}
	if got := responses(t, reg, "amazon.fr"); got != 0 {
		t.Errorf("replies counted in amazon.fr's response histogram: %d, want 0", got)
	}
}

func TestDismissStopsWithReasonOnRecord(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	c := &clock{t: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)}
	tr := newTracker(s, c, newHook(t), nil)
	r := buyerMessage(t, s, tr, c, "m1@amazon.de")
	if _, err := tr.Dismiss(context.Background(), r.Thread, "", "anna"); err == nil {
		t.Error("dismissal without a reason accepted")
	}
	if _, err := tr.Dismiss(context.Background(), r.Thread, "buyer only said thank you", "anna"); err != nil {
		t.Fatal(err)
	}
	if _, ok := tr.TimeLeft(context.Background(), r.Thread); ok {
		t.Error("clock running after dismissal")
	}
	recs, _ := s.Search(context.Background(), store.Query{Thread: r.Thread, Kind: KindSLA})
	if len(recs) != 1 || recs[0].Status != "dismissed" || recs[0].Note != "buyer only said thank you" || recs[0].Agent != "anna" {
		t.Errorf("dismissal record: %+v", recs)
	}
}

// TestAlertsFireOnceEachAcrossRestart: 18h and 22h alerts reach the webhook
// once each, a restart in between does not repeat them, a threshold crossed
// while the gateway was down fires when it comes back, and the 24h breach
// is counted and recorded.
func TestAlertsFireOnceEachAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	s := openStore(t, path)
	c := &clock{t: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)}
	h := newHook(t)
	reg := prometheus.NewRegistry()
	tr := newTracker(s, c, h, reg)
	ctx := context.Background()
	r := buyerMessage(t, s, tr, c, "m1@amazon.de")
	c.add(17 * time.Hour)
	tr.Sweep(ctx)
	if h.count() != 0 {
		t.Fatalf("alert before 18h")
	}
	c.add(90 * time.Minute) // 18.5h
	tr.Sweep(ctx)
	tr.Sweep(ctx)
	if h.count() != 1 {
		t.Fatalf("after 18.5h: %d alerts, want 1", h.count())
	}
	// Restart: a new tracker on the reopened store. The gateway was down
	// past 22h; the 22h alert fires once on the first sweep.
	s.Close()
	s2 := openStore(t, path)
	c.add(4 * time.Hour) // 22.5h
	tr2 := newTracker(s2, c, h, prometheus.NewRegistry())
	tr2.Sweep(ctx)
	tr2.Sweep(ctx)
	if h.count() != 2 {
		t.Fatalf("after restart at 22.5h: %d alerts, want 2", h.count())
	}
	c.add(2 * time.Hour) // 24.5h: breach
	tr2.Sweep(ctx)
	if h.count() != 3 || h.got[2]["kind"] != "breach" || h.got[1]["kind"] != "threshold" {
		t.Fatalf("alerts: %+v", h.got)
	}
	if !strings.Contains(h.got[2]["text"].(string), "SLA breach") || h.got[2]["buyer"] != buyer {
		t.Errorf("breach payload: %+v", h.got[2])
	}
	if v := testutil.ToFloat64(tr2.metrics.breaches.WithLabelValues("amazon.de")); v != 1 {
		t.Errorf("breaches_total = %v", v)
	}
	recs, _ := s2.Search(ctx, store.Query{Thread: r.Thread, Kind: KindSLA})
	if len(recs) != 1 || recs[0].Status != "breach" {
		t.Errorf("breach record: %+v", recs)
	}
}

// TestRealTimeShortDurations runs the tracker's own loop with real time and
// thresholds of milliseconds.
func TestRealTimeShortDurations(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	h := newHook(t)
	tr := New(s, s, Config{Thresholds: []time.Duration{50 * time.Millisecond}, SweepInterval: 20 * time.Millisecond},
		[]Notifier{&Webhook{URL: h.srv.URL, Format: "slack"}}, nil, nil, nil)
	r := &store.Record{Time: time.Now(), Kind: store.KindMessage, Direction: store.Inbound, Buyer: buyer, MessageID: "rt@amazon.de"}
	s.Append(context.Background(), r)
	tr.BuyerMessage(context.Background(), r)
	ctx, cancel := context.WithCancel(context.Background())
	go tr.Run(ctx)
	defer cancel()
	deadline := time.Now().Add(5 * time.Second)
	for h.count() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if h.count() != 1 || !strings.Contains(h.got[0]["text"].(string), "SLA warning") {
		t.Fatalf("slack alert: %+v", h.got)
	}
}

func TestTwoTrackersOnePostgresFireOnce(t *testing.T) {
	dsn := os.Getenv("SELLERGATE_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must run the PostgreSQL tests")
		}
		t.Skip("SELLERGATE_TEST_POSTGRES is not set")
	}
	dsn = freshDB(t, dsn)
	open := func() *store.SQL {
		s, err := store.Open(context.Background(), store.Options{Driver: "postgres", DSN: dsn})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	c := &clock{t: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)}
	h := newHook(t)
	ta, tb := newTracker(a, c, h, nil), newTracker(b, c, h, nil)
	for i := 0; i < 20; i++ {
		r := &store.Record{Time: c.now(), Kind: store.KindMessage, Direction: store.Inbound,
			Buyer: strings.Replace(buyer, "q1", string(rune('a'+i)), 1), MessageID: string(rune('a'+i)) + "@amazon.de"}
		a.Append(context.Background(), r)
		ta.BuyerMessage(context.Background(), r)
	}
	c.add(23 * time.Hour)
	var wg sync.WaitGroup
	for _, tr := range []*Tracker{ta, tb, ta, tb} {
		wg.Add(1)
		go func() { defer wg.Done(); tr.Sweep(context.Background()) }()
	}
	wg.Wait()
	if h.count() != 40 { // 20 threads × (18h, 22h)
		t.Errorf("two gateways fired %d alerts, want 40 (each once)", h.count())
	}
}

// TestEmailAlertGoesThroughSMTP sends the alert e-mail to a real SMTP
// server, as the gateway's relay would.
func TestEmailAlertGoesThroughSMTP(t *testing.T) {
	hop := sgtestutil.StartNextHop(t, nil)
	s := openStore(t, filepath.Join(t.TempDir(), "a.db"))
	c := &clock{t: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)}
	send := func(ctx context.Context, from string, to []string, msg []byte) error {
		c, err := smtp.Dial(hop.Addr)
		if err != nil {
			return err
		}
		defer c.Close()
		return c.SendMail(from, to, bytes.NewReader(msg))
	}
	tr := New(s, s, Config{Thresholds: []time.Duration{18 * time.Hour}},
		[]Notifier{&Email{From: "sellergate@seller.test", To: "team@seller.test", Send: send, Now: c.now}}, nil, nil, c.now)
	buyerMessage(t, s, tr, c, "m1@amazon.de")
	c.add(19 * time.Hour)
	tr.Sweep(context.Background())
	got := hop.Received()
	if len(got) != 1 || got[0].To[0] != "team@seller.test" || !strings.Contains(string(got[0].Data), "SLA warning") || !strings.Contains(string(got[0].Data), buyer) {
		t.Fatalf("alert mail: %+v", got)
	}
}

// responses is how many replies the response histogram counted for a
// marketplace.
func responses(t *testing.T, reg *prometheus.Registry, market string) uint64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "sellergate_sla_response_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "marketplace" && l.GetValue() == market {
					return m.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	t.Fatalf("no response histogram series for %s", market)
	return 0
}

// Every series is exported at zero before the first buyer message, so a
// dashboard shows 0 and not "No data".
func TestSeriesExportedAtZero(t *testing.T) {
	reg := prometheus.NewRegistry()
	New(nil, nil, Config{Thresholds: []time.Duration{18 * time.Hour}}, nil, reg, nil, nil)
	for _, name := range []string{"sellergate_sla_open_threads", "sellergate_sla_oldest_unanswered_seconds", "sellergate_sla_breaches_total", "sellergate_sla_response_seconds", "sellergate_sla_alerts_total"} {
		if n := testutil.CollectAndCount(reg, name); n == 0 {
			t.Errorf("%s is not exported before the first buyer message", name)
		}
	}
	if got := responses(t, reg, "amazon.co.jp"); got != 0 {
		t.Errorf("amazon.co.jp response count = %d", got)
	}
}
