package gateway_test

import (
	"encoding/base64"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"

	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/gateway"
)

// rawSession opens a plain-text SMTP session on the development listener,
// authenticated as the agent, for commands a well-behaved client would
// never send.
func rawSession(t *testing.T, e *env) *textproto.Conn {
	t.Helper()
	nc, err := net.Dial("tcp", e.devAddr)
	if err != nil {
		t.Fatal(err)
	}
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	c := textproto.NewConn(nc)
	t.Cleanup(func() { c.Close() })
	expect(t, c, "", 220)
	expect(t, c, "EHLO attacker.test", 250)
	expect(t, c, "AUTH PLAIN "+base64.StdEncoding.EncodeToString([]byte("\x00"+agentLogin+"\x00"+agentPassword)), 235)
	return c
}

// expect sends cmd (none when "") and reads a reply, failing unless its
// code is code; it returns the reply's text.
func expect(t *testing.T, c *textproto.Conn, cmd string, code int) string {
	t.Helper()
	if cmd != "" {
		if err := c.PrintfLine("%s", cmd); err != nil {
			t.Fatal(err)
		}
	}
	got, msg, err := c.ReadResponse(code)
	if err != nil {
		t.Fatalf("%q: %d %s (%v), want %d", cmd, got, msg, err, code)
	}
	return msg
}

// Only a plain dot-atom address at an Amazon relay domain may pass: a
// second '@' or a quoted local part could be read otherwise by the next
// hop, and is refused with 501 5.1.3.
func TestAmbiguousRecipientsRefused(t *testing.T) {
	e := startEnv(t, "")
	c := rawSession(t, e)
	expect(t, c, "MAIL FROM:<"+agentAddr+">", 250)
	for _, rcpt := range []string{
		"<victim@evil.example@marketplace.amazon.de>",
		`<"victim@evil.example"@marketplace.amazon.de>`,
		`<"a b"@marketplace.amazon.de>`,
		"<a..b@marketplace.amazon.de>",
	} {
		if msg := expect(t, c, "RCPT TO:"+rcpt, 501); !strings.HasPrefix(msg, "5.") {
			t.Errorf("RCPT TO:%s: %q, want an enhanced code 5.x.x", rcpt, msg)
		}
	}
	// The session goes on: a plain buyer address is accepted.
	expect(t, c, "RCPT TO:<"+buyerAddr+">", 250)
}

// The author is the agent, once: a second From (someone else's after the
// agent's), a From with two mailboxes, or a Sender naming someone else is
// refused, and nothing reaches the next hop.
func TestOneAuthorOnly(t *testing.T) {
	e := startEnv(t, "")
	body := "To: " + buyerAddr + "\r\nSubject: Re: order\r\nMessage-ID: <x@seller.test>\r\n\r\nIt left today.\r\n"
	for name, head := range map[string]string{
		"second From":        "From: <" + agentAddr + ">\r\nFrom: <ceo@other-shop.example>\r\n",
		"two mailboxes":      "From: <" + agentAddr + ">, <ceo@other-shop.example>\r\n",
		"foreign Sender":     "From: <" + agentAddr + ">\r\nSender: <ceo@other-shop.example>\r\n",
		"two Sender headers": "From: <" + agentAddr + ">\r\nSender: <" + agentAddr + ">\r\nSender: <x@other.example>\r\n",
	} {
		err := send(e.login(), agentAddr, []string{buyerAddr}, []byte(head+body))
		if code := smtpCode(err); code != 550 {
			t.Errorf("%s: %v, want 550", name, err)
		}
	}
	if err := send(e.login(), agentAddr, []string{buyerAddr}, []byte("From: <"+agentAddr+">\r\nSender: <"+agentAddr+">\r\n"+body)); err != nil {
		t.Errorf("the agent as From and Sender: %v", err)
	}
	if n := len(e.hop.Received()); n != 1 {
		t.Errorf("next hop got %d messages, want only the last", n)
	}
}

// Whatever line endings and NULs come in, what reaches the next hop has
// CRLF only and no NUL, so no MTA behind the gateway can find an end of
// data the gateway did not mean (SMTP smuggling), even with a policy that
// only monitors.
func TestLineEndingsLeaveAsCRLF(t *testing.T) {
	p, err := filter.ParsePolicy("monitor.yaml", []byte("monitor: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := startEnvOpts(t, "", func(o *gateway.Options, e *env) { o.Checker = filter.NewEngine(p) })
	c := rawSession(t, e)
	expect(t, c, "MAIL FROM:<"+agentAddr+">", 250)
	expect(t, c, "RCPT TO:<"+buyerAddr+">", 250)
	expect(t, c, "DATA", 354)
	msg := "From: <" + agentAddr + ">\r\nTo: " + buyerAddr + "\r\nSubject: Re: x\r\n\r\n" +
		"Hello\rbare CR\nbare LF\r\n" + // bare endings
		"a\r.\r\nMAIL FROM:<x@evil.example>\r\n" + // CR.CRLF
		"b\n.\nRCPT TO:<y@evil.example>\r\n" + // LF.LF
		"c\x00.\x00\r\nend\r\n.\r\n"
	if _, err := c.W.WriteString(msg); err != nil {
		t.Fatal(err)
	}
	c.W.Flush()
	expect(t, c, "", 250)
	got := e.hop.Received()
	if len(got) != 1 {
		t.Fatalf("next hop got %d messages, want 1", len(got))
	}
	data := string(got[0].Data)
	if strings.ContainsRune(data, 0) {
		t.Error("a NUL reached the next hop")
	}
	for i := 0; i < len(data); i++ {
		if data[i] == '\r' && (i+1 == len(data) || data[i+1] != '\n') || data[i] == '\n' && (i == 0 || data[i-1] != '\r') {
			t.Fatalf("a bare CR or LF at %d reached the next hop: %q", i, data[max(0, i-10):min(len(data), i+10)])
		}
	}
	if !strings.Contains(data, "MAIL FROM:<x@evil.example>") {
		t.Error("the smuggled text was lost instead of sent as text")
	}
}

// A client that stops in the middle of DATA gets a 451 and the connection
// closes: what it sends later is never read as commands.
func TestDataTimeoutClosesConnection(t *testing.T) {
	e := startEnv(t, "limits: {data_timeout: 300ms}")
	c := rawSession(t, e)
	expect(t, c, "MAIL FROM:<"+agentAddr+">", 250)
	expect(t, c, "RCPT TO:<"+buyerAddr+">", 250)
	expect(t, c, "DATA", 354)
	c.W.WriteString("From: <" + agentAddr + ">\r\nSubject: x\r\n\r\nhalf a message")
	c.W.Flush()
	expect(t, c, "", 451)
	// Later bytes of the message would be commands if the session went on.
	c.W.WriteString("\r\nRSET\r\nNOOP\r\n")
	c.W.Flush()
	if line, err := c.ReadLine(); err == nil {
		t.Errorf("after the data timeout the session answered %q, want a closed connection", line)
	}
	if n := len(e.hop.Received()); n != 0 {
		t.Errorf("next hop got %d messages", n)
	}
}

// greeting dials the submission listener and returns its first line.
func greeting(t *testing.T, addr string) (net.Conn, string) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(5 * time.Second))
	line, _ := textproto.NewReader(newBufReader(nc)).ReadLine()
	return nc, line
}

// The gateway caps its connections in all: past the cap a client gets a
// 421 naming the limit, and a freed slot is usable again.
func TestGlobalConnectionCap(t *testing.T) {
	e := startEnv(t, "limits: {max_connections: 3, connections_per_ip: 100}")
	var open []net.Conn
	for i := 0; i < 3; i++ {
		nc, line := greeting(t, e.subAddr)
		if !strings.HasPrefix(line, "220") {
			t.Fatalf("connection %d: %q", i+1, line)
		}
		open = append(open, nc)
	}
	if _, line := greeting(t, e.subAddr); !strings.HasPrefix(line, "421") || !strings.Contains(line, "max_connections") {
		t.Errorf("fourth connection: %q, want 421 naming max_connections", line)
	}
	open[0].Close()
	time.Sleep(200 * time.Millisecond)
	if _, line := greeting(t, e.subAddr); !strings.HasPrefix(line, "220") {
		t.Errorf("after one closed: %q, want 220", line)
	}
}

// One address may not open sessions faster than its rate.
func TestSessionRatePerAddress(t *testing.T) {
	e := startEnv(t, "limits: {sessions_per_ip_per_minute: 5}")
	for i := 0; i < 5; i++ {
		nc, line := greeting(t, e.subAddr)
		if !strings.HasPrefix(line, "220") {
			t.Fatalf("session %d: %q", i+1, line)
		}
		nc.Close()
	}
	if _, line := greeting(t, e.subAddr); !strings.HasPrefix(line, "421") || !strings.Contains(line, "sessions_per_ip_per_minute") {
		t.Errorf("sixth session within the minute: %q, want 421 naming sessions_per_ip_per_minute", line)
	}
}

// Guessing one agent's password is throttled per login, whatever the
// addresses: after the limit even the right password is not checked.
func TestAuthThrottledPerAccount(t *testing.T) {
	e := startEnv(t, "limits: {auth_failures_per_account: 3, auth_failures_per_minute: 100}")
	for i := 0; i < 3; i++ {
		err := e.dial().Auth(sasl.NewPlainClient("", agentLogin, "guess"))
		if smtpCode(err) != 535 {
			t.Fatalf("guess %d: %v, want 535", i+1, err)
		}
	}
	err := e.dial().Auth(sasl.NewPlainClient("", agentLogin, agentPassword))
	if smtpCode(err) != 421 || !strings.Contains(err.Error(), "auth_failures_per_account") {
		t.Errorf("the right password after 3 failures for the login: %v, want 421 naming auth_failures_per_account", err)
	}
	// Another agent's login is not affected.
	if err := e.dial().Auth(sasl.NewPlainClient("", "nobody-else", "x")); smtpCode(err) != 535 {
		t.Errorf("another login: %v, want 535", err)
	}
}
