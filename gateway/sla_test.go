package gateway_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/gateway"
	"github.com/sellergate/sellergate/quarantine"
	"github.com/sellergate/sellergate/queue"
	"github.com/sellergate/sellergate/sla"
	"github.com/sellergate/sellergate/store"
)

// startWithBuyerMessage starts a gateway with an SLA tracker and delivers
// a DKIM-verified buyer message about order 302-1234567-7654321: its
// thread's clock runs.
func startWithBuyerMessage(t *testing.T) (*env, *sla.Tracker, string) {
	t.Helper()
	var tr *sla.Tracker
	e := startEnvOpts(t, inboundConfig, func(o *gateway.Options, e *env) {
		tr = sla.New(e.st, e.st, sla.Config{}, nil, nil, nil, nil)
		o.SLA, o.Exceptions, o.Activity, o.Threads = tr, tr, tr, e.st
	})
	if err := deliverInbound(t, e, "bounces@amazon.de", amazonMessage(t, e, "amazon.de", buyerAddr)); err != nil {
		t.Fatal(err)
	}
	st, _ := tr.Status(context.Background())
	if len(st) != 1 || st[0].Buyer != buyerAddr || st[0].OrderID != "302-1234567-7654321" {
		t.Fatalf("open threads after the buyer message: %+v", st)
	}
	return e, tr, st[0].Thread
}

// TestSLAThroughTheGateway: a DKIM-verified buyer message on the inbound
// listener starts the thread's clock; a refused draft stops nothing and
// its refusal says how much of the 24 hours is left; the relayed reply
// stops the clock.
func TestSLAThroughTheGateway(t *testing.T) {
	e, tr, thread := startWithBuyerMessage(t)
	ctx := context.Background()

	c := e.login()
	err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Re: Frage zu Bestellung 302-1234567-7654321", "Besuchen Sie www.meinshop.de"))
	if smtpCode(err) != 550 || !strings.Contains(err.Error(), "der 24 Stunden") {
		t.Fatalf("refused draft: %v, want a 550 saying how much time is left", err)
	}
	if _, ok := tr.TimeLeft(ctx, thread); !ok {
		t.Fatal("a refused draft stopped the clock")
	}
	if st, _ := tr.Status(ctx); len(st) != 1 || st[0].LastAgent != agentLogin {
		t.Errorf("sla status last agent after the draft: %+v", st)
	}
	c.Reset()
	if err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Re: Frage", "Ihr Paket kommt morgen an.")); err != nil {
		t.Fatal(err)
	}
	if _, ok := tr.TimeLeft(ctx, thread); ok {
		t.Error("the relayed reply did not stop the clock")
	}
}

// TestReplyStopsTheClockOfAPurgedBuyerMessage: the buyer message's body
// was purged under retention, its record stays: the reply still stops the
// thread's clock (only a thread without any buyer message on record has
// none to stop).
func TestReplyStopsTheClockOfAPurgedBuyerMessage(t *testing.T) {
	e, tr, thread := startWithBuyerMessage(t)
	ctx := context.Background()
	if n, err := e.st.Purge(ctx, time.Now().Add(time.Hour)); err != nil || n == 0 {
		t.Fatalf("purge: %d, %v", n, err)
	}
	c := e.login()
	if err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Re: Frage zu Bestellung 302-1234567-7654321", "Ihr Paket kommt morgen an.")); err != nil {
		t.Fatal(err)
	}
	if _, ok := tr.TimeLeft(ctx, thread); ok {
		t.Error("the relayed reply did not stop the clock of a thread whose buyer message was purged")
	}
}

// TestExceptionProtocolEndToEnd: refused without an exception; refused
// with one but without the return-to-Amazon statement; relayed when
// complete; summary pending until the [summary] message (tag removed
// before relaying); every step in the audit trail.
func TestExceptionProtocolEndToEnd(t *testing.T) {
	policyFile := filepath.Join(t.TempDir(), "policy.yaml")
	os.WriteFile(policyFile, []byte("exceptions:\n  enabled: true\n  kinds:\n    technical-support-media: {domains: [upload.example-files.com]}\n"), 0o600)
	p, err := filter.LoadPolicy(policyFile)
	if err != nil {
		t.Fatal(err)
	}
	var tr *sla.Tracker
	e := startEnvOpts(t, inboundConfig, func(o *gateway.Options, e *env) {
		tr = sla.New(e.st, e.st, sla.Config{}, nil, nil, nil, nil)
		o.SLA, o.Exceptions, o.Activity, o.Threads = tr, tr, tr, e.st
		o.Checker = filter.NewEngine(p)
	})
	ctx := context.Background()
	if err := deliverInbound(t, e, "bounces@amazon.de", amazonMessage(t, e, "amazon.de", buyerAddr)); err != nil {
		t.Fatal(err)
	}
	st, _ := tr.Status(ctx)
	thread := st[0].Thread
	subject := "Re: Frage zu Bestellung 302-1234567-7654321"
	complete := "Weil das Video zu groß für die Nachrichten ist, laden Sie es bitte über diesen Link hoch: https://upload.example-files.com/s/42\nDas Ergebnis teilen wir Ihnen dann hier im Amazon-Postfach mit, in diesem Amazon-Thread."
	noReturn := "Weil das Video zu groß ist, laden Sie es bitte hoch: https://upload.example-files.com/s/42"
	c := e.login()

	if err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, subject, complete)); smtpCode(err) != 550 {
		t.Fatalf("without an exception: %v, want 550", err)
	}
	c.Reset()
	if err := tr.OpenException(ctx, thread, "technical-support-media", "buyer's defect video is 200 MB", agentLogin); err != nil {
		t.Fatal(err)
	}
	err = send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, subject, noReturn))
	if smtpCode(err) != 550 || !strings.Contains(err.Error(), "statement missing: return") {
		t.Fatalf("missing return statement: %v", err)
	}
	c.Reset()
	if err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, subject, complete)); err != nil {
		t.Fatalf("complete exception message: %v", err)
	}
	if _, state := tr.LiveException(ctx, thread); state != store.ExceptionSummaryPending {
		t.Fatalf("exception state %q after the message, want summary_pending", state)
	}
	st, _ = tr.Status(ctx)
	if len(st) != 1 || st[0].State != store.ClockSummaryPending {
		t.Fatalf("sla status: %+v, want the thread summary pending", st)
	}
	c.Reset()
	summary := "Nach Prüfung Ihres Videos haben wir den vollen Betrag erstattet; es ist nichts weiter nötig."
	if err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "[summary] "+subject, summary)); err != nil {
		t.Fatalf("summary: %v", err)
	}
	if kind, _ := tr.LiveException(ctx, thread); kind != "" {
		t.Error("exception still live after the summary")
	}
	if st, _ := tr.Status(ctx); len(st) != 0 {
		t.Errorf("threads still open after the summary: %+v", st)
	}
	got := e.hop.Received()
	last := string(got[len(got)-1].Data)
	if strings.Contains(last, "[summary]") || !strings.Contains(last, "Subject: "+subject) {
		t.Errorf("relayed summary still carries the tag or lost its subject:\n%s", last)
	}
	recs, _ := e.st.Search(ctx, store.Query{Thread: thread, Kind: store.KindException})
	var steps []string
	for _, r := range recs {
		steps = append(steps, r.Status)
	}
	if strings.Join(steps, ",") != "opened technical-support-media,message sent,closed" {
		t.Errorf("exception steps in the audit trail: %v", steps)
	}
	var bundle bytes.Buffer
	if _, err := store.Export(ctx, e.st, store.Query{Order: "302-1234567-7654321"}, &bundle); err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(bundle.Bytes()), int64(bundle.Len()))
	for _, f := range zr.File {
		if f.Name == "timeline.html" {
			rc, _ := f.Open()
			page, _ := io.ReadAll(rc)
			for _, want := range []string{"exception opened technical-support-media: buyer&#39;s defect video is 200 MB", "exception message sent", "exception closed", "REFUSED — NEVER SENT"} {
				if !strings.Contains(string(page), want) {
					t.Errorf("the order's export lacks %q", want)
				}
			}
		}
	}
}

// TestHeldReplyStopsClockOnlyWhenRelayed: a quarantined reply leaves the
// buyer's clock running; released, the queue relays it and only then the
// clock stops. A release the next hop refuses for good tells the agent.
func TestHeldReplyStopsClockOnlyWhenRelayed(t *testing.T) {
	p, err := filter.ParsePolicy("p.yaml", []byte("actions:\n  promotion: quarantine\n"))
	if err != nil {
		t.Fatal(err)
	}
	var tr *sla.Tracker
	e := startEnvOpts(t, inboundConfig, func(o *gateway.Options, e *env) {
		tr = sla.New(e.st, e.st, sla.Config{}, nil, nil, nil, nil)
		o.SLA, o.Exceptions, o.Activity, o.Threads = tr, tr, tr, e.st
		o.Checker = filter.NewEngine(p)
	})
	ctx := context.Background()
	svc, q, thread := heldWithClock(t, e, tr)
	c := e.login()
	for i := 0; i < 2; i++ {
		if err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Re: Frage zu Bestellung 302-1234567-7654321", fmt.Sprintf("Abonnieren Sie unseren Newsletter! (%d)", i))); err != nil {
			t.Fatalf("held reply: %v", err)
		}
		c.Reset()
	}
	if _, ok := tr.TimeLeft(ctx, thread); !ok {
		t.Fatal("a held reply stopped the clock")
	}
	held, _ := svc.List(ctx)
	if len(held) != 2 {
		t.Fatalf("held: %d", len(held))
	}
	// The first release: the next hop refuses it for good; the agent is told.
	e.hop.Set(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "not authorized"}, 0)
	if err := svc.Release(ctx, held[0].QueueID, "lisa"); err != nil {
		t.Fatal(err)
	}
	q.RunDue(ctx)
	items := q.Items()
	if len(items) != 1 || items[0].To[0] != agentAddr || items[0].Meta[quarantine.MetaKind] != "notice" {
		t.Fatalf("after a permanent failure the queue holds %+v, want the agent's notice", items)
	}
	if _, ok := tr.TimeLeft(ctx, thread); !ok {
		t.Fatal("a failed release stopped the clock")
	}
	// The second release goes through: now the clock stops.
	e.hop.Set(nil, 0)
	if err := svc.Release(ctx, held[1].QueueID, "lisa"); err != nil {
		t.Fatal(err)
	}
	q.RunDue(ctx)
	if _, ok := tr.TimeLeft(ctx, thread); ok {
		t.Error("the relayed release did not stop the clock")
	}
}

// TestReleasedAppealStopsTheClock: an agent's appeal of a refused reply is
// held while the buyer's clock runs; released, it reaches the next hop
// once, without the tag and the reason line, and only then the clock
// stops.
func TestReleasedAppealStopsTheClock(t *testing.T) {
	var tr *sla.Tracker
	e := startEnvOpts(t, inboundConfig, func(o *gateway.Options, e *env) {
		tr = sla.New(e.st, e.st, sla.Config{}, nil, nil, nil, nil)
		o.SLA, o.Exceptions, o.Activity, o.Threads = tr, tr, tr, e.st
	})
	ctx := context.Background()
	svc, q, thread := heldWithClock(t, e, tr)
	const text = "Herr Brennwerk ruft Sie gern zurück: 0611 4470 28."
	c := e.login()
	if err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Re: Bestellung 302-1234567-7654321", text)); smtpCode(err) != 550 {
		t.Fatalf("the reply: %v, want a refusal", err)
	}
	c.Reset()
	appeal := message(agentAddr, buyerAddr, "[appeal] Re: Bestellung 302-1234567-7654321", "Reason: the manufacturer's hotline\r\n"+text)
	if err := send(c, agentAddr, []string{buyerAddr}, appeal); err != nil {
		t.Fatalf("the appeal: %v, want 250 held", err)
	}
	if _, ok := tr.TimeLeft(ctx, thread); !ok {
		t.Fatal("a held appeal stopped the clock")
	}
	held, _ := svc.List(ctx)
	if len(held) != 1 {
		t.Fatalf("held: %d, want the appeal", len(held))
	}
	before := len(e.hop.Received())
	if err := svc.Release(ctx, held[0].QueueID, "lisa"); err != nil {
		t.Fatal(err)
	}
	q.RunDue(ctx)
	got := e.hop.Received()[before:]
	if len(got) != 1 || !bytes.Contains(got[0].Data, []byte("Brennwerk")) {
		t.Fatalf("after the release the next hop got %d messages, want the appeal once", len(got))
	}
	if bytes.Contains(got[0].Data, []byte("[appeal]")) || bytes.Contains(got[0].Data, []byte("Reason:")) {
		t.Errorf("the released appeal still carries its tag or reason:\n%s", got[0].Data)
	}
	if _, ok := tr.TimeLeft(ctx, thread); ok {
		t.Error("the released appeal did not stop the clock")
	}
}

// heldWithClock is the quarantine service and delivery queue of a gateway
// with an SLA tracker, and the thread whose clock a verified buyer
// message has started.
func heldWithClock(t *testing.T, e *env, tr *sla.Tracker) (*quarantine.Service, *queue.Queue, string) {
	t.Helper()
	ctx := context.Background()
	svc := &quarantine.Service{Store: e.st, From: "postmaster@gw.test"}
	q, err := queue.Open(queue.Options{Dir: t.TempDir(),
		Deliver: func(ctx context.Context, it *queue.Item, body io.Reader) (string, error) {
			return e.gw.DeliverQueued(ctx, it.From, it.To, body)
		},
		Delivered: func(it *queue.Item, reply string) { svc.Delivered(ctx, tr, it, reply) },
		Failed:    func(it *queue.Item, err error) { svc.Failed(ctx, it, err) },
	})
	if err != nil {
		t.Fatal(err)
	}
	svc.Queue = q
	if err := deliverInbound(t, e, "bounces@amazon.de", amazonMessage(t, e, "amazon.de", buyerAddr)); err != nil {
		t.Fatal(err)
	}
	st, _ := tr.Status(ctx)
	if len(st) != 1 {
		t.Fatalf("open threads after the buyer message: %+v", st)
	}
	return svc, q, st[0].Thread
}
