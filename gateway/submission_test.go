package gateway_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/gateway"
)

func TestRelaysSignedMessageByteIdentical(t *testing.T) {
	e := startEnv(t, "")
	c := e.login()
	msg := message(agentAddr, buyerAddr, "Your order 302-1234567-7654321", "Hello,\nyour parcel left our warehouse today.\n\nKind regards")
	if err := send(c, agentAddr, []string{buyerAddr}, msg); err != nil {
		t.Fatalf("send: %v", err)
	}
	got := e.hop.Received()
	if len(got) != 1 {
		t.Fatalf("next hop got %d messages, want 1", len(got))
	}
	m := got[0]
	if m.From != agentAddr || len(m.To) != 1 || m.To[0] != buyerAddr {
		t.Errorf("envelope = %s -> %v", m.From, m.To)
	}
	// The gateway adds exactly one DKIM-Signature field in front; the rest
	// is byte-identical.
	if !bytes.HasPrefix(m.Data, []byte("DKIM-Signature:")) {
		t.Fatalf("relayed message does not start with a DKIM signature:\n%s", m.Data)
	}
	if !bytes.HasSuffix(m.Data, msg) {
		t.Errorf("relayed message is not the original after the signature:\n%s", m.Data)
	}
	if sig := m.Data[:len(m.Data)-len(msg)]; bytes.Count(sig, []byte("DKIM-Signature")) != 1 {
		t.Errorf("prefix is not one signature: %q", sig)
	}
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(m.Data), &dkim.VerifyOptions{LookupTXT: e.lookupTXT})
	if err != nil || len(vs) != 1 {
		t.Fatalf("dkim verify: %v (%d signatures)", err, len(vs))
	}
	if vs[0].Err != nil || vs[0].Domain != "seller.test" {
		t.Errorf("signature for %s: %v", vs[0].Domain, vs[0].Err)
	}
}

func TestAuthRequired(t *testing.T) {
	e := startEnv(t, "")
	c := e.dial()
	err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "x", "y"))
	if smtpCode(err) != 530 {
		t.Fatalf("unauthenticated MAIL: %v, want 530", err)
	}
	if n := len(e.hop.Received()); n != 0 {
		t.Errorf("next hop got %d messages", n)
	}
}

func TestAuthRefusedBeforeTLS(t *testing.T) {
	e := startEnv(t, "")
	c, err := smtp.Dial(e.subAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension("AUTH"); ok {
		t.Error("AUTH is advertised before STARTTLS")
	}
	if ok, _ := c.Extension("STARTTLS"); !ok {
		t.Error("STARTTLS is not advertised")
	}
	err = c.Auth(sasl.NewPlainClient("", agentLogin, agentPassword))
	if err == nil {
		t.Fatal("AUTH PLAIN without TLS succeeded")
	}
	// The development listener, marked loopback-only, allows it.
	d, err := smtp.Dial(e.devAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Auth(sasl.NewPlainClient("", agentLogin, agentPassword)); err != nil {
		t.Fatalf("AUTH on the development listener: %v", err)
	}
}

func TestWrongPasswordAndLockout(t *testing.T) {
	e := startEnv(t, "limits: {auth_failures_per_minute: 3}\n")
	c := e.dial()
	err := c.Auth(sasl.NewPlainClient("", agentLogin, "wrong"))
	if smtpCode(err) != 535 {
		t.Fatalf("wrong password: %v, want 535", err)
	}
	for i := 0; i < 2; i++ {
		c := e.dial()
		err = c.Auth(sasl.NewPlainClient("", agentLogin, "wrong"))
	}
	if smtpCode(err) != 421 {
		t.Errorf("third failure within a minute: %v, want 421", err)
	}
	// The address is paused: a new connection is turned away at once.
	conn, err := net.Dial("tcp", e.subAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	line, _ := textproto.NewReader(newBufReader(conn)).ReadLine()
	if !strings.HasPrefix(line, "421 ") {
		t.Errorf("greeting after lockout = %q, want 421", line)
	}
}

func TestLoginMechanism(t *testing.T) {
	e := startEnv(t, "")
	c := e.dial()
	if err := c.Auth(&loginClient{user: agentLogin, pass: agentPassword}); err != nil {
		t.Fatalf("AUTH LOGIN: %v", err)
	}
	if err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Re: question", "Yes, it fits.")); err != nil {
		t.Fatalf("send after AUTH LOGIN: %v", err)
	}
}

func TestCannotSendAsAnotherSeller(t *testing.T) {
	e := startEnv(t, "")
	c := e.login()
	err := send(c, otherAddr, []string{buyerAddr}, message(otherAddr, buyerAddr, "x", "y"))
	if smtpCode(err) != 550 || enhanced(err) != "5.7.1" {
		t.Errorf("foreign envelope sender: %v, want 550 5.7.1", err)
	}
	c.Reset()
	// Envelope is fine, the From header is not.
	err = send(c, agentAddr, []string{buyerAddr}, message(otherAddr, buyerAddr, "x", "y"))
	if smtpCode(err) != 550 || !strings.Contains(err.Error(), otherAddr) {
		t.Errorf("foreign From header: %v, want 550 naming %s", err, otherAddr)
	}
	if n := len(e.hop.Received()); n != 0 {
		t.Errorf("next hop got %d messages", n)
	}
}

// A message refused by the policy leaves nothing at the next hop, and the
// messages after it, on the same session and the same pooled next-hop
// connection, go through whole.
func TestRefusedMessageLeavesNextHopClean(t *testing.T) {
	e := startEnv(t, "")
	c := e.login()
	for i, body := range []string{"Visit www.myshop-example.com for more!", "Your parcel left today.", "Please leave us 5 stars!", "Tracking follows."} {
		err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, fmt.Sprintf("m%d", i), body))
		if refused := i%2 == 0; refused != (smtpCode(err) == 550) {
			t.Fatalf("message %d (%q): %v", i, body, err)
		}
	}
	got := e.hop.Received()
	if len(got) != 2 || !strings.Contains(string(got[0].Data), "Your parcel left today.") || !strings.Contains(string(got[1].Data), "Tracking follows.") {
		t.Fatalf("next hop received %d messages, want the 2 compliant ones", len(got))
	}
	for _, m := range got {
		if m.From != agentAddr || len(m.To) != 1 || m.To[0] != buyerAddr {
			t.Errorf("next hop got envelope %s -> %v, want %s -> [%s]", m.From, m.To, agentAddr, buyerAddr)
		}
	}
	// Refused messages leave the pooled next-hop session alone: one
	// connection carried both deliveries.
	if n := e.hop.Connections(); n != 1 {
		t.Errorf("next hop saw %d connections, want 1 reused throughout", n)
	}
}

// A refusal does not wait on the next hop: the agent reads why its
// message was refused at once even when the next hop hangs.
func TestRefusalDoesNotWaitForStuckNextHop(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accepts and says nothing, as a next hop that hung
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	e := startEnvOpts(t, "", func(o *gateway.Options, _ *env) {
		o.Config.Relay.URL = "smtp://" + ln.Addr().String() // relay timeout: 2s
	})
	c := e.login()
	start := time.Now()
	err = send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "x", "Please leave us 5 stars!"))
	if smtpCode(err) != 550 {
		t.Fatalf("violating message with a hung next hop: %v, want 550", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("refusal took %v: it waited for the hung next hop (relay timeout 2s)", d)
	}
	c.Reset()
	err = send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "x", "Your parcel left today."))
	if smtpCode(err) != 451 {
		t.Errorf("compliant message with a hung next hop: %v, want 451", err)
	}
}

func TestNextHopRecipientRefusalPassedBack(t *testing.T) {
	e := startEnv(t, "")
	e.hop.SetRcpt(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Recipient address rejected: unknown buyer"})
	c := e.login()
	err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "x", "Thanks."))
	if smtpCode(err) != 550 || !strings.Contains(err.Error(), "unknown buyer") {
		t.Errorf("next hop refused the recipient: client got %v", err)
	}
	if got := e.hop.Received(); len(got) != 0 {
		t.Errorf("next hop received %d messages", len(got))
	}
	e.hop.SetRcpt(nil)
	c.Reset()
	if err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "x", "Thanks.")); err != nil {
		t.Errorf("after the next hop takes the recipient again: %v", err)
	}
}

func TestOnlyAmazonRecipients(t *testing.T) {
	e := startEnv(t, "")
	c := e.login()
	for _, rcpt := range []string{"someone@gmail.com", "x@marketplace.amazon.de.evil.test", "x@amazon.de"} {
		err := send(c, agentAddr, []string{rcpt}, message(agentAddr, rcpt, "x", "y"))
		if smtpCode(err) != 550 || enhanced(err) != "5.7.1" {
			t.Errorf("RCPT %s: %v, want 550 5.7.1", rcpt, err)
		}
		c.Reset()
	}
	for _, rcpt := range []string{"abc@marketplace.amazon.co.jp", "abc@MARKETPLACE.AMAZON.COM.AU"} {
		if err := send(c, agentAddr, []string{rcpt}, message(agentAddr, rcpt, "x", "Thanks for your question.")); err != nil {
			t.Errorf("RCPT %s: %v", rcpt, err)
		}
	}
}

func TestMessageTooBig(t *testing.T) {
	e := startEnv(t, "")
	c := e.login()
	big := message(agentAddr, buyerAddr, "big", strings.Repeat("0123456789 abcdefghij\n", 12000))
	err := send(c, agentAddr, []string{buyerAddr}, big)
	if smtpCode(err) != 552 {
		t.Errorf("300 KB message with a 200 KB limit: %v, want 552", err)
	}
	if n := len(e.hop.Received()); n != 0 {
		t.Errorf("next hop got %d messages", n)
	}
}

func TestSpilledMessageRelayedIntact(t *testing.T) {
	e := startEnv(t, "")
	c := e.login()
	// 100 KB is above the 4 KB spool_memory of the test config.
	msg := message(agentAddr, buyerAddr, "Manual", strings.Repeat("Step: turn the knob clockwise.\n", 3300))
	if err := send(c, agentAddr, []string{buyerAddr}, msg); err != nil {
		t.Fatal(err)
	}
	got := e.hop.Received()
	if len(got) != 1 || !bytes.HasSuffix(got[0].Data, msg) {
		t.Fatalf("spilled message not relayed intact")
	}
}

func TestNextHopRefusalPassedBack(t *testing.T) {
	e := startEnv(t, "")
	e.hop.Set(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Sender address is not authorized for Buyer-Seller Messaging"}, 0)
	c := e.login()
	err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "x", "Thanks."))
	if smtpCode(err) != 550 || !strings.Contains(err.Error(), "not authorized for Buyer-Seller Messaging") {
		t.Errorf("next hop 550: client got %v", err)
	}
	e.hop.Set(&smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "Mailbox full"}, 0)
	c.Reset()
	err = send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "x", "Thanks."))
	if smtpCode(err) != 452 || !strings.Contains(err.Error(), "Mailbox full") {
		t.Errorf("next hop 452: client got %v", err)
	}
}

func TestNextHopDownAnswers451(t *testing.T) {
	e := startEnv(t, "")
	e.hop.Srv.Close()
	c := e.login()
	err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "x", "Thanks."))
	if smtpCode(err) != 451 {
		t.Fatalf("next hop down: %v, want 451", err)
	}
	if !strings.Contains(err.Error(), "nothing was sent") {
		t.Errorf("451 text does not say nothing was sent: %v", err)
	}
	// The next hop's address is for the operator's log, not the agent.
	host, port, _ := net.SplitHostPort(e.hop.Addr)
	if strings.Contains(err.Error(), host+":"+port) || strings.Contains(err.Error(), "dial") {
		t.Errorf("451 shows the next hop's internal address: %v", err)
	}
}

func TestNextHopSlowerThanTimeout(t *testing.T) {
	e := startEnv(t, "")
	e.hop.Set(nil, 4*time.Second) // relay timeout is 2s
	c := e.login()
	start := time.Now()
	err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "x", "Thanks."))
	if smtpCode(err) != 451 {
		t.Fatalf("slow next hop: %v, want 451", err)
	}
	if d := time.Since(start); d > 3500*time.Millisecond {
		t.Errorf("gave up after %v, want about the 2s relay timeout", d)
	}
}

func TestClientDisconnectMidDataRelaysNothing(t *testing.T) {
	e := startEnv(t, "")
	conn, err := tls.Dial("tcp", e.subAddr, e.pki.ClientTLS())
	if err == nil {
		conn.Close() // the listener speaks STARTTLS, not implicit TLS
	}
	c := e.login()
	if err := c.Mail(agentAddr, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt(buyerAddr, nil); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("From: <" + agentAddr + ">\r\nTo: <" + buyerAddr + ">\r\nSubject: half\r\n\r\nhalf a message"))
	c.Close() // no final dot
	time.Sleep(300 * time.Millisecond)
	if n := len(e.hop.Received()); n != 0 {
		t.Errorf("next hop got %d messages from an interrupted DATA", n)
	}
}

func TestShutdownLetsTransactionFinish(t *testing.T) {
	e := startEnv(t, "")
	e.hop.Set(nil, 700*time.Millisecond)
	idle := e.login() // a session with no transaction: closed at shutdown
	c := e.login()
	result := make(chan error, 1)
	go func() {
		result <- send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "x", "Thanks."))
	}()
	time.Sleep(200 * time.Millisecond) // the message is at the slow next hop now
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.gw.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if err := <-result; err != nil {
		t.Errorf("transaction in flight during shutdown: %v", err)
	}
	if n := len(e.hop.Received()); n != 1 {
		t.Errorf("next hop got %d messages, want 1", n)
	}
	if err := idle.Noop(); err == nil {
		t.Error("idle session still open after shutdown")
	}
	if _, err := net.DialTimeout("tcp", e.subAddr, time.Second); err == nil {
		t.Error("listener still accepts after shutdown")
	}
}

func TestRecipientLimit(t *testing.T) {
	e := startEnv(t, "limits: {max_recipients: 2}\n")
	c := e.login()
	if err := c.Mail(agentAddr, nil); err != nil {
		t.Fatal(err)
	}
	for i, r := range []string{"a@marketplace.amazon.de", "b@marketplace.amazon.de", "c@marketplace.amazon.de"} {
		err := c.Rcpt(r, nil)
		if i < 2 && err != nil {
			t.Fatalf("rcpt %d: %v", i, err)
		}
		if i == 2 && smtpCode(err) != 452 {
			t.Errorf("third recipient with max_recipients 2: %v, want 452", err)
		}
	}
}

func TestDailyLimit(t *testing.T) {
	e := startEnv(t, "")
	e.cfg.Accounts[0].DailyLimit = 2
	c := e.login()
	for i := 0; i < 3; i++ {
		err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "x", "Thanks."))
		if i < 2 && err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if i == 2 && (smtpCode(err) != 452 || !strings.Contains(err.Error(), "daily_limit")) {
			t.Errorf("third message with daily_limit 2: %v, want 452 naming daily_limit", err)
		}
	}
}

// The daily cap counts what the store holds: a restart does not reset it.
func TestDailyLimitHoldsAcrossRestart(t *testing.T) {
	e := startEnv(t, "")
	e.cfg.Accounts[0].DailyLimit = 2
	c := e.login()
	for i := 0; i < 2; i++ {
		if err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "x", "Thanks.")); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	c.Close()
	e.restart(gateway.Options{RelayCounter: e.st})
	c = e.login()
	err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "x", "Thanks."))
	if smtpCode(err) != 452 || !strings.Contains(err.Error(), "daily_limit") {
		t.Errorf("third message after a restart with daily_limit 2: %v, want 452 naming daily_limit", err)
	}
}

func TestConnectionsPerIP(t *testing.T) {
	e := startEnv(t, "limits: {connections_per_ip: 2}\n")
	for i := 0; i < 2; i++ {
		c, err := smtp.Dial(e.subAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Hello("x"); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := net.Dial("tcp", e.subAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	line, _ := textproto.NewReader(newBufReader(conn)).ReadLine()
	if !strings.HasPrefix(line, "421 ") || !strings.Contains(line, "connections_per_ip") {
		t.Errorf("third connection greeted with %q, want 421 naming connections_per_ip", line)
	}
}

// TestStoreDownAnswers451AndRelaysNothing: when the record cannot be made
// durable the next hop must not accept the message, and the agent is told
// to try again.
func TestStoreDownAnswers451AndRelaysNothing(t *testing.T) {
	e := startEnv(t, "")
	e.st.Close()
	c := e.login()
	err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Re: 302-1234567-7654321", "It ships today."))
	if smtpCode(err) != 451 || !strings.Contains(err.Error(), "nothing was sent") {
		t.Fatalf("store down: %v, want 451 saying nothing was sent", err)
	}
	if n := len(e.hop.Received()); n != 0 {
		t.Errorf("next hop accepted %d messages that have no record", n)
	}
}

// TestStripDeliversWithoutRemoteImages: with pixel: strip, a reply with a
// tracking pixel is delivered without it, signed over what is delivered.
func TestStripDeliversWithoutRemoteImages(t *testing.T) {
	p, err := filter.ParsePolicy("p.yaml", []byte("actions:\n  pixel: strip\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := startEnvOpts(t, "", func(o *gateway.Options, e *env) { o.Checker = filter.NewEngine(p) })
	c := e.login()
	msg := "From: <" + agentAddr + ">\r\nTo: <" + buyerAddr + ">\r\nSubject: Re: order\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Ihr Paket kommt morgen.</p><img src=\"https://track.example/o.gif\" width=\"1\" height=\"1\">\r\n"
	if err := send(c, agentAddr, []string{buyerAddr}, []byte(msg)); err != nil {
		t.Fatalf("strip: %v", err)
	}
	got := e.hop.Received()
	if len(got) != 1 {
		t.Fatalf("next hop got %d", len(got))
	}
	d := string(got[0].Data)
	if strings.Contains(d, "track.example") || !strings.Contains(d, "Ihr Paket kommt morgen.") {
		t.Errorf("delivered:\n%s", d)
	}
	vs, err := dkim.VerifyWithOptions(strings.NewReader(d), &dkim.VerifyOptions{LookupTXT: e.lookupTXT})
	if err != nil || len(vs) != 1 || vs[0].Err != nil {
		t.Errorf("signature over the stripped message: %v %v", err, vs)
	}
}

// TestRefusalInTheLanguageWritten: an agent without a configured language
// who writes English to a German buyer reads the refusal in English, one
// language throughout, and the last line counts what the lines above list.
func TestRefusalInTheLanguageWritten(t *testing.T) {
	e := startEnv(t, "")
	c := e.login()
	err := send(c, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "Re: your order 302-1234567-7654321",
		"Thanks for your patience. Please visit www.myshop-example.com for more, or call us at 030 12345678."))
	if smtpCode(err) != 550 {
		t.Fatalf("send: %v, want 550", err)
	}
	text := err.Error()
	above := strings.Count(text, "\n[")
	if strings.HasPrefix(text, "SMTP error 550: [") {
		above++
	}
	want := fmt.Sprintf("Message refused by the Amazon messaging policy (%d problems)", above+1)
	for _, want := range []string{want, fmt.Sprintf("(+%d more above.)", above), "nothing was sent"} {
		if !strings.Contains(text, want) {
			t.Errorf("refusal lacks %q:\n%s", want, text)
		}
	}
	for _, german := range []string{"Zeile", "Nachricht", "Käufer"} {
		if strings.Contains(text, german) {
			t.Errorf("German %q in the refusal of an English message:\n%s", german, text)
		}
	}
}
