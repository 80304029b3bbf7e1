package gateway_test

import (
	"strings"
	"testing"

	"github.com/sellergate/sellergate/gateway"
)

// withFacts wires the trail's thread facts as the binary does.
func withFacts(o *gateway.Options, e *env) { o.Facts = e.st }

// A message the seller starts needs the Amazon order ID: refused naming
// proactive.order-id without it, relayed with it; once the buyer wrote,
// a reply needs none.
func TestProactiveNeedsOrderID(t *testing.T) {
	e := startEnvOpts(t, inboundConfig, withFacts)
	err := send(e.login(), agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Your lamp", "Hello, your lamp left our warehouse today."))
	if smtpCode(err) != 550 || !strings.Contains(err.Error(), "proactive.order-id") {
		t.Fatalf("proactive message without order ID: %v, want 550 naming proactive.order-id", err)
	}
	if err := send(e.login(), agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Your order 302-1234567-7654321", "Hello, your lamp left our warehouse today.")); err != nil {
		t.Fatalf("proactive message with order ID: %v", err)
	}
	if err := deliverInbound(t, e, "bounces@amazon.de", amazonMessage(t, e, "amazon.de", buyerAddr)); err != nil {
		t.Fatal(err)
	}
	if err := send(e.login(), agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Re: your question", "It arrives tomorrow.")); err != nil {
		t.Errorf("a reply after the buyer wrote, without order ID: %v", err)
	}
}

// A review may be requested once per order: the second request for the
// same order is refused, also by a gateway started anew on the same
// store; another order may have its own.
func TestReviewRequestedOncePerOrder(t *testing.T) {
	e := startEnvOpts(t, "", withFacts)
	ask := "Hello, we hope the lamp works well. Would you share your experience with a review on Amazon?"
	if err := send(e.login(), agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Your order 302-1234567-7654321", ask)); err != nil {
		t.Fatalf("first review request: %v", err)
	}
	err := send(e.login(), agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Your order 302-1234567-7654321", ask))
	if smtpCode(err) != 550 || !strings.Contains(err.Error(), "proactive.review-repeat") {
		t.Fatalf("second review request for the order: %v, want 550 naming proactive.review-repeat", err)
	}
	// A restart: the count is the trail's.
	e.restart(gateway.Options{Facts: e.st})
	err = send(e.login(), agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Your order 302-1234567-7654321", ask))
	if smtpCode(err) != 550 || !strings.Contains(err.Error(), "proactive.review-repeat") {
		t.Errorf("after a restart: %v, want 550 naming proactive.review-repeat", err)
	}
	if err := send(e.login(), agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Your order 302-7654321-1234567", "About the kettle of your second order: "+ask)); err != nil {
		t.Errorf("a review request for another order: %v", err)
	}
}

// Amazon's notice that a buyer opted out, received by the inbound
// listener, keeps proactive messages from that buyer: refused naming
// proactive.opted-out, unless the subject is marked [Important].
func TestOptOutNoticeStopsProactiveMessages(t *testing.T) {
	e := startEnvOpts(t, inboundConfig, func(o *gateway.Options, e *env) { o.Facts, o.OptOuts = e.st, e.st })
	notice := "Your message to " + buyerAddr + " about order 302-1234567-7654321 was not delivered: the buyer has opted out of receiving messages from sellers that are not critical to the order.\r\n"
	msg := amazonMessageWith(t, e, "amazon.de", "no-reply@amazon.de", notice)
	if err := deliverInbound(t, e, "bounces@amazon.de", msg); err != nil {
		t.Fatalf("inbound notice: %v", err)
	}
	err := send(e.login(), agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Your order 302-1234567-7654321", "Hello, how do you like the lamp?"))
	if smtpCode(err) != 550 || !strings.Contains(err.Error(), "proactive.opted-out") {
		t.Fatalf("proactive message to a buyer who opted out: %v, want 550 naming proactive.opted-out", err)
	}
	if err := send(e.login(), agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "[Important] Your order 302-1234567-7654321: recall", "Please stop using the lamp: the manufacturer recalls it.")); err != nil {
		t.Errorf("an [Important] message to a buyer who opted out: %v", err)
	}
}

// The same proactive text to the same buyer twice within a day is refused;
// another text, or another buyer, goes.
func TestSameProactiveTextTwiceRefused(t *testing.T) {
	e := startEnvOpts(t, "", withFacts)
	text := "Hello, your order has shipped and will arrive on Friday."
	if err := send(e.login(), agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Your order 302-1234567-7654321", text)); err != nil {
		t.Fatalf("first: %v", err)
	}
	err := send(e.login(), agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Re: your order 302-1234567-7654321", text))
	if smtpCode(err) != 550 || !strings.Contains(err.Error(), "proactive.repeat") {
		t.Errorf("the same text again: %v, want 550 naming proactive.repeat", err)
	}
	if err := send(e.login(), agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Your order 302-1234567-7654321", text+" Tracking is on the order page.")); err != nil {
		t.Errorf("another text: %v", err)
	}
}
