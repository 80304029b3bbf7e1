package gateway_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sellergate/sellergate/gateway"
	"github.com/sellergate/sellergate/sla"
	"github.com/sellergate/sellergate/store"
)

// TestSLAThroughTheGateway: a DKIM-verified buyer message on the inbound
// listener starts the thread's clock; a refused draft stops nothing and
// its refusal says how much of the 24 hours is left; the relayed reply
// stops the clock.
func TestSLAThroughTheGateway(t *testing.T) {
	var tr *sla.Tracker
	e := startEnvOpts(t, inboundConfig, func(o *gateway.Options, e *env) {
		tr = sla.New(e.st.(store.SLAStore), e.st, sla.Config{}, nil, nil, nil, nil)
		o.SLA = tr
	})
	ctx := context.Background()
	if err := deliverInbound(t, e, "bounces@amazon.de", amazonMessage(t, e, "amazon.de", buyerAddr)); err != nil {
		t.Fatal(err)
	}
	st, _ := tr.Status(ctx)
	if len(st) != 1 || st[0].Buyer != buyerAddr || st[0].OrderID != "302-1234567-7654321" {
		t.Fatalf("open threads after the buyer message: %+v", st)
	}
	thread := st[0].Thread

	c := e.login()
	err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Re: Frage zu Bestellung 302-1234567-7654321", "Besuchen Sie www.meinshop.de"))
	if smtpCode(err) != 550 || !strings.Contains(err.Error(), "of the 24 hours left") {
		t.Fatalf("refused draft: %v, want a 550 saying how much time is left", err)
	}
	if _, ok := tr.TimeLeft(ctx, thread); !ok {
		t.Fatal("a refused draft stopped the clock")
	}
	c.Reset()
	if err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Re: Frage", "Ihr Paket kommt morgen an.")); err != nil {
		t.Fatal(err)
	}
	if _, ok := tr.TimeLeft(ctx, thread); ok {
		t.Error("the relayed reply did not stop the clock")
	}
}
