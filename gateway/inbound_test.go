package gateway_test

import (
	"bytes"
	"crypto"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-smtp"

	"github.com/sellergate/sellergate/gateway"
	"github.com/sellergate/sellergate/internal/testutil"
)

const inboundConfig = `inbound:
  listen: 127.0.0.1:0
  domains: [seller.test]
  forward: smtp://FORWARD_ADDR
`

// amazonMessage is a buyer message as Amazon relays it, DKIM-signed for
// signDomain with a key the test resolver publishes.
func amazonMessage(t *testing.T, e *env, signDomain, from string) []byte {
	t.Helper()
	return amazonMessageWith(t, e, signDomain, from, "Wann kommt mein Paket an?\r\n")
}

// amazonMessageWith is amazonMessage with the buyer's text.
func amazonMessageWith(t *testing.T, e *env, signDomain, from, text string) []byte {
	t.Helper()
	pemKey, txt, err := gateway.GenerateDKIMKey("ed25519")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := e.dir + "/amazon-" + signDomain + ".key"
	testutil.WriteFile(t, keyFile, pemKey)
	key, err := gateway.LoadDKIMKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	e.dkimTXT["amz._domainkey."+signDomain] = txt
	msg := "From: \"Buyer\" <" + from + ">\r\nTo: support@seller.test\r\n" +
		"Subject: Frage zu Bestellung 302-1234567-7654321\r\nMessage-ID: <buyer-1@amazon.de>\r\n" +
		"Date: Mon, 02 Nov 2026 08:12:00 +0000\r\n\r\n" + text
	var signed bytes.Buffer
	err = dkim.Sign(&signed, strings.NewReader(msg), &dkim.SignOptions{Domain: signDomain, Selector: "amz", Signer: key, Hash: crypto.SHA256})
	if err != nil {
		t.Fatal(err)
	}
	return signed.Bytes()
}

func deliverInbound(t *testing.T, e *env, from string, msg []byte) error {
	t.Helper()
	c, err := smtp.Dial(e.inAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.SendMail(from, []string{"support@seller.test"}, bytes.NewReader(msg))
}

func TestInboundBuyerMessageStartsClockAndIsForwarded(t *testing.T) {
	e := startEnv(t, inboundConfig)
	msg := amazonMessage(t, e, "amazon.de", buyerAddr)
	if err := deliverInbound(t, e, "bounces@amazon.de", msg); err != nil {
		t.Fatalf("inbound: %v", err)
	}
	if b, _ := e.sla.counts(); b != 1 {
		t.Fatalf("SLA buyer events = %d, want 1", b)
	}
	e.sla.mu.Lock()
	rec := e.sla.buyer[0]
	e.sla.mu.Unlock()
	if rec.Buyer != buyerAddr || rec.OrderID != "302-1234567-7654321" {
		t.Errorf("buyer record: buyer %q order %q", rec.Buyer, rec.OrderID)
	}
	got := e.fwd.Received()
	if len(got) != 1 || !bytes.Equal(got[0].Data, msg) {
		t.Fatalf("forwarded %d messages (identical: %v)", len(got), len(got) == 1 && bytes.Equal(got[0].Data, msg))
	}
}

func TestInboundUnverifiedIsNotABuyerMessage(t *testing.T) {
	e := startEnv(t, inboundConfig)
	// Signed, but by a domain that is not Amazon's.
	forged := amazonMessage(t, e, "evil.test", buyerAddr)
	if err := deliverInbound(t, e, "x@evil.test", forged); err != nil {
		t.Fatalf("inbound: %v", err)
	}
	// Not signed at all.
	plain := []byte("From: <" + buyerAddr + ">\r\nTo: support@seller.test\r\nSubject: hi\r\n\r\nhello\r\n")
	if err := deliverInbound(t, e, "x@evil.test", plain); err != nil {
		t.Fatalf("inbound: %v", err)
	}
	if b, _ := e.sla.counts(); b != 0 {
		t.Errorf("SLA buyer events = %d for unverified mail, want 0", b)
	}
	if n := len(e.fwd.Received()); n != 2 {
		t.Errorf("forwarded %d messages, want 2 (recorded and forwarded all the same)", n)
	}
}

func TestInboundOnlyOwnDomains(t *testing.T) {
	e := startEnv(t, inboundConfig)
	c, err := smtp.Dial(e.inAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.SendMail("a@b.test", []string{"victim@elsewhere.test"}, strings.NewReader("Subject: x\r\n\r\nx\r\n"))
	if smtpCode(err) != 550 {
		t.Errorf("inbound relay attempt: %v, want 550", err)
	}
	if ok, _ := c.Extension("AUTH"); ok {
		t.Error("inbound listener offers AUTH")
	}
}

func TestInboundCopyModeOnlyRecords(t *testing.T) {
	e := startEnv(t, strings.Replace(inboundConfig, "  forward: smtp://FORWARD_ADDR\n", "  mode: copy\n", 1))
	if err := deliverInbound(t, e, "bounces@amazon.de", amazonMessage(t, e, "amazon.de", buyerAddr)); err != nil {
		t.Fatal(err)
	}
	if b, _ := e.sla.counts(); b != 1 {
		t.Errorf("SLA buyer events = %d, want 1", b)
	}
	if n := len(e.fwd.Received()); n != 0 {
		t.Errorf("copy mode forwarded %d messages", n)
	}
}

// TestReplyRelayedReachesSLASeam: only a relayed reply to a thread with a
// buyer message on record stops a clock; a thread without one has none.
func TestReplyRelayedReachesSLASeam(t *testing.T) {
	e := startEnv(t, inboundConfig)
	c := e.login()
	if err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Re: 302-1234567-7654321", "It ships today.")); err != nil {
		t.Fatal(err)
	}
	if _, r := e.sla.counts(); r != 0 {
		t.Fatalf("SLA reply events = %d before any buyer message, want 0", r)
	}
	if err := deliverInbound(t, e, "bounces@amazon.de", amazonMessage(t, e, "amazon.de", buyerAddr)); err != nil {
		t.Fatal(err)
	}
	c.Reset()
	if err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Re: 302-1234567-7654321", "It ships today.")); err != nil {
		t.Fatal(err)
	}
	e.hop.Set(&smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 0, 0}, Message: "no"}, 0)
	c.Reset()
	send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Re: 302-1234567-7654321", "Second try."))
	if _, r := e.sla.counts(); r != 1 {
		t.Errorf("SLA reply events = %d, want 1 (only the relayed one)", r)
	}
}
