package main

import (
	"bytes"
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/internal/judge"
	"github.com/sellergate/sellergate/store"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"golang.org/x/crypto/bcrypt"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/sellergate/sellergate/internal/testutil"
	_ "modernc.org/sqlite"
)

// binPath is the sellergate binary the end-to-end tests run, built once.
var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sellergate-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "sellergate")
	out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building sellergate: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// needTool skips when a client program is missing, except in CI, which
// installs them all and must fail instead.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed; .ci/run installs it", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

// syncBuffer collects a process's output for assertions while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

const (
	e2eLogin    = "anna"
	e2ePassword = "correct horse battery"
	e2eFrom     = "support@seller.test"
	e2eBuyer    = "a1b2c3d4e5f6g7@marketplace.amazon.de"
)

// gw is one sellergate process.
type gw struct {
	cmd     *exec.Cmd
	log     *syncBuffer
	sub     string
	metrics string
	dir     string
	pki     *testutil.PKI
	hop     *testutil.NextHop
	exited  chan error
}

// startGateway writes a config that relays to a test next hop and runs the
// binary on it; extra YAML is appended.
func startGateway(t *testing.T, extra string) *gw {
	t.Helper()
	return startGatewayWith(t, func(cfg string) string { return cfg + extra })
}

// startGatewayWith is startGateway with the config text passed through edit.
// A port freePort chose may be taken by another process before the gateway
// binds it: then the gateway starts again on new ports (three tries).
func startGatewayWith(t *testing.T, edit func(string) string) *gw {
	t.Helper()
	pki := testutil.NewPKI(t)
	hop := testutil.StartNextHop(t, pki)
	hash, _ := bcrypt.GenerateFromPassword([]byte(e2ePassword), bcrypt.MinCost)
	for try := 1; ; try++ {
		g := &gw{dir: t.TempDir(), pki: pki, hop: hop, log: &syncBuffer{}, exited: make(chan error, 1)}
		g.sub, g.metrics = freePort(t), freePort(t)
		cfg := fmt.Sprintf(`hostname: gw.test
tls: {cert: %q, key: %q}
submission:
  - listen: %s
accounts: [{name: seller, daily_limit: 1000000}]
agents:
  - login: %s
    password_hash: %q
    account: seller
    addresses: [%s]
relay: {url: "smtp://%s", ca_file: %q, timeout: 5s}
store: {path: audit.db}
metrics: {listen: %s}
limits: {shutdown_timeout: 5s}
`, g.pki.CertFile, g.pki.KeyFile, g.sub, e2eLogin, hash, e2eFrom, g.hop.Addr, g.pki.CAFile, g.metrics)
		cfg = edit(cfg)
		cfgFile := filepath.Join(g.dir, "sellergate.yaml")
		testutil.WriteFile(t, cfgFile, []byte(cfg))
		err := g.start(t, "serve", "--config", cfgFile)
		if err == nil {
			return g
		}
		if try == 3 || !strings.Contains(g.log.String(), "address already in use") {
			t.Fatal(err)
		}
	}
}

// run starts the binary in g.dir and waits until its first listener answers.
func (g *gw) run(t *testing.T, args ...string) {
	t.Helper()
	if err := g.start(t, args...); err != nil {
		t.Fatal(err)
	}
}

// start is run that reports a gateway that did not come up.
func (g *gw) start(t *testing.T, args ...string) error {
	t.Helper()
	g.cmd = exec.Command(binPath, args...)
	g.cmd.Dir = g.dir
	g.cmd.Stdout, g.cmd.Stderr = g.log, g.log
	if err := g.cmd.Start(); err != nil {
		return err
	}
	go func() { g.exited <- g.cmd.Wait() }()
	t.Cleanup(func() {
		g.cmd.Process.Kill()
		if t.Failed() {
			t.Logf("sellergate log:\n%s", g.log.String())
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", g.sub); err == nil {
			c.Close()
			// Started means the operations listener answers too (alive:
			// readiness also needs the next hop, which a test may have
			// taken down).
			if g.metrics == "" {
				return nil
			}
			if resp, err := http.Get("http://" + g.metrics + "/healthz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return nil
				}
			}
		}
		select {
		case err := <-g.exited:
			return fmt.Errorf("sellergate exited: %v\n%s", err, g.log.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("sellergate did not listen on %s:\n%s", g.sub, g.log.String())
}

func (g *gw) port() string { _, p, _ := net.SplitHostPort(g.sub); return p }

// login connects to the submission listener over STARTTLS and
// authenticates as login (with the agents' test password).
func (g *gw) login(t *testing.T, login string) *smtp.Client {
	t.Helper()
	c, err := smtp.DialStartTLS(g.sub, g.pki.ClientTLS())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Auth(sasl.NewPlainClient("", login, e2ePassword)); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSwaksThroughSTARTTLSAndAuth(t *testing.T) {
	swaks := needTool(t, "swaks")
	g := startGateway(t, "")
	out, err := exec.Command(swaks, "--server", "127.0.0.1", "--port", g.port(), "--tls",
		"--auth", "PLAIN", "--auth-user", e2eLogin, "--auth-password", e2ePassword,
		"--from", e2eFrom, "--to", e2eBuyer, "--h-From", "Support <"+e2eFrom+">",
		"--header", "Subject: Your order 302-1234567-7654321",
		"--body", "Hello, your parcel left our warehouse today.").CombinedOutput()
	if err != nil {
		t.Fatalf("swaks: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "<~  250 2.0.0 Relayed") {
		t.Errorf("swaks did not see the relay acknowledgement:\n%s", out)
	}
	got := g.hop.Received()
	if len(got) != 1 || got[0].To[0] != e2eBuyer || !bytes.Contains(got[0].Data, []byte("your parcel left our warehouse")) {
		t.Fatalf("next hop received %d messages", len(got))
	}
}

func TestSwaksWithoutAuthIsRefused(t *testing.T) {
	swaks := needTool(t, "swaks")
	g := startGateway(t, "")
	out, err := exec.Command(swaks, "--server", "127.0.0.1", "--port", g.port(), "--tls",
		"--from", e2eFrom, "--to", e2eBuyer, "--body", "hello").CombinedOutput()
	if err == nil {
		t.Fatalf("swaks without AUTH succeeded:\n%s", out)
	}
	if !strings.Contains(string(out), "530 5.7.0") {
		t.Errorf("want 530 5.7.0 in:\n%s", out)
	}
	if n := len(g.hop.Received()); n != 0 {
		t.Errorf("next hop got %d messages", n)
	}
}

const smtplibScript = `
import smtplib, ssl, sys
from email.message import EmailMessage
port, cafile, user, password, sender, rcpt = sys.argv[1:7]
msg = EmailMessage()
msg["From"] = "Support <%s>" % sender
msg["To"] = rcpt
msg["Subject"] = "Re: Frage zur Bestellung 302-1234567-7654321"
msg.set_content("Guten Tag,\nIhr Paket wurde heute verschickt.\nViele Grüße")
with smtplib.SMTP("127.0.0.1", int(port), timeout=20) as s:
    s.starttls(context=ssl.create_default_context(cafile=cafile))
    s.login(user, password)
    try:
        s.send_message(msg)
    except smtplib.SMTPResponseException as e:
        print("REFUSED", e.smtp_code, e.smtp_error.decode())
        sys.exit(3)
print("SENT")
`

func TestPythonSmtplibUTF8Message(t *testing.T) {
	py := needTool(t, "python3")
	g := startGateway(t, "")
	out, err := exec.Command(py, "-c", smtplibScript, g.port(), g.pki.CAFile, e2eLogin, e2ePassword, e2eFrom, e2eBuyer).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "SENT") {
		t.Fatalf("smtplib: %v\n%s", err, out)
	}
	got := g.hop.Received()
	if len(got) != 1 {
		t.Fatalf("next hop received %d messages", len(got))
	}
	if !bytes.Contains(got[0].Data, []byte("Viele Gr")) {
		t.Errorf("relayed body lost the text:\n%s", got[0].Data)
	}
}

func TestSIGTERMLetsSessionInFlightFinish(t *testing.T) {
	g := startGateway(t, "")
	g.hop.Set(nil, time.Second)
	c := g.login(t, e2eLogin)
	result := make(chan error, 1)
	go func() {
		msg := "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nSubject: Re: delivery 302-1234567-7654321\r\n\r\nIt arrives tomorrow.\r\n"
		result <- c.SendMail(e2eFrom, []string{e2eBuyer}, strings.NewReader(msg))
	}()
	time.Sleep(300 * time.Millisecond)
	if err := g.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-result; err != nil {
		t.Errorf("message in flight at SIGTERM: %v", err)
	}
	select {
	case err := <-g.exited:
		if err != nil {
			t.Errorf("sellergate exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sellergate did not exit after SIGTERM")
	}
	if n := len(g.hop.Received()); n != 1 {
		t.Errorf("next hop got %d messages, want 1", n)
	}
	if !strings.Contains(g.log.String(), "stopped") {
		t.Errorf("no clean stop in the log:\n%s", g.log.String())
	}
}

func TestBadConfigNamesFileAndLine(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "bad.yaml")
	testutil.WriteFile(t, f, []byte("submission:\n  - listen: 127.0.0.1:2587\nrelay:\n  url: maildir:out\n  timeout: 5s\n  passwrd: x\n"))
	for _, args := range [][]string{{"serve", "--config", f}, {"config", "check", f}} {
		out, err := exec.Command(binPath, args...).CombinedOutput()
		if err == nil {
			t.Errorf("%v succeeded", args)
		}
		if want := f + `:6: unknown key "passwrd"`; !strings.Contains(string(out), want) {
			t.Errorf("%v printed:\n%s\nwant %s", args, out, want)
		}
	}
}

func TestMetricsAndHealth(t *testing.T) {
	g := startGateway(t, "")
	c, err := smtp.DialStartTLS(g.sub, g.pki.ClientTLS())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Auth(sasl.NewPlainClient("", e2eLogin, "wrong password"))
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get("http://" + g.metrics + path)
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("%s: %v %v", path, resp, err)
		}
	}
	resp, err := http.Get("http://" + g.metrics + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		"sellergate_gateway_auth_failures_total 1",
		`sellergate_gateway_sessions{listener="submission"} 1`,
		"sellergate_gateway_relay_seconds",
		"sellergate_build_info",
		`sellergate_gateway_tls_handshakes_total{stage="ok"} 1`,
		"sellergate_quarantine_messages 0",
		"sellergate_sla_exception_closing_due 0",
		`sellergate_config_reloads_total{result="failure"} 0`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// TestExampleConfigWithSwaks runs `sellergate serve` with no flags, as the
// README's first command does, and sends with swaks as its walkthrough does.
func TestExampleConfigWithSwaks(t *testing.T) {
	swaks := needTool(t, "swaks")
	if c, err := net.Dial("tcp", "127.0.0.1:2587"); err == nil {
		c.Close()
		t.Skip("127.0.0.1:2587 is in use")
	}
	g := &gw{dir: t.TempDir(), log: &syncBuffer{}, exited: make(chan error, 1), sub: "127.0.0.1:2587"}
	g.run(t, "serve")
	out, err := exec.Command(swaks, "--server", "127.0.0.1:2587", "--from", "support@example-shop.test",
		"--to", "a1b2c3d4e5@marketplace.amazon.de", "--header", "Subject: Your order 302-1234567-7654321", "--body", "Your parcel left today.").CombinedOutput()
	if err != nil {
		t.Fatalf("swaks: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(g.dir, "outbox", "new", "*"))
	if len(files) != 1 {
		t.Fatalf("outbox has %d messages, want 1", len(files))
	}
	data, _ := os.ReadFile(files[0])
	if !bytes.Contains(data, []byte("Your parcel left today.")) {
		t.Errorf("outbox message:\n%s", data)
	}
	if _, err := os.Stat(filepath.Join(g.dir, "sellergate.db")); err != nil {
		t.Errorf("no audit store next to the example: %v", err)
	}
	// The README's compliant reply is a plain pass: swaks's blank lines at
	// the end are no formatting finding. The message's log line may come
	// just after swaks has its 250.
	waitFor(t, "the message's log line", func() bool { return strings.Contains(g.log.String(), "verdict=") })
	if !strings.Contains(g.log.String(), "verdict=pass") {
		t.Errorf("the compliant example was not a plain pass:\n%s", g.log.String())
	}
}

func scrape(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestReloadOnSIGHUPAndBrokenFile: a broken file keeps the old
// configuration and is counted; a good one takes effect without a restart.
func TestReloadOnSIGHUPAndBrokenFile(t *testing.T) {
	g := startGateway(t, "")
	cfgFile := filepath.Join(g.dir, "sellergate.yaml")
	good, _ := os.ReadFile(cfgFile)
	sendAs := func(from string) error {
		c := g.login(t, e2eLogin)
		msg := "From: <" + from + ">\r\nTo: <" + e2eBuyer + ">\r\nSubject: Re: size 302-1234567-7654321\r\n\r\nIt fits, says " + strings.Split(from, "@")[0] + ".\r\n"
		return c.SendMail(from, []string{e2eBuyer}, strings.NewReader(msg))
	}

	// Broken: an unknown key. The old configuration stays in force.
	testutil.WriteFile(t, cfgFile, append(append([]byte{}, good...), []byte("relay_typo: 1\n")...))
	g.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "failed reload metric", func() bool {
		return strings.Contains(scrape(t, g.metrics), `sellergate_config_reloads_total{result="failure"} 1`)
	})
	line := bytes.Count(good, []byte("\n")) + 1
	// slog's text format escapes the quotes around the key. The log line
	// comes through a pipe and may trail the metric by a moment.
	want := fmt.Sprintf(`%s:%d: unknown key \"relay_typo\"`, cfgFile, line)
	waitFor(t, "reload error with file and line in the log", func() bool {
		return strings.Contains(g.log.String(), want)
	})
	if err := sendAs(e2eFrom); err != nil {
		t.Errorf("after a broken reload the old config should stay: %v", err)
	}

	// Good: the agent may now also send as sales@seller.test, picked up by
	// the file watcher without a signal.
	testutil.WriteFile(t, cfgFile, []byte(strings.Replace(string(good), "addresses: ["+e2eFrom+"]", "addresses: ["+e2eFrom+", sales@seller.test]", 1)))
	waitFor(t, "successful reload", func() bool {
		return strings.Contains(scrape(t, g.metrics), `sellergate_config_reloads_total{result="success"} 1`)
	})
	if err := sendAs("sales@seller.test"); err != nil {
		t.Errorf("new address after reload: %v", err)
	}
}

func TestHealthCommand(t *testing.T) {
	g := startGateway(t, "")
	out, err := exec.Command(binPath, "health", "--url", "http://"+g.metrics+"/readyz").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ready") {
		t.Errorf("health: %v %s", err, out)
	}
	g.cmd.Process.Kill()
	<-g.exited
	if err := exec.Command(binPath, "health", "--url", "http://"+g.metrics+"/readyz").Run(); err == nil {
		t.Error("health succeeded with the gateway down")
	}
}

// TestPolicyRefusalWithSwaksAndSmtplib: a violating reply is refused with a
// multi-line 550 that names each problem (what Gmail shows the agent in
// the bounce), nothing reaches the next hop, and a compliant one passes.
func TestPolicyRefusalWithSwaksAndSmtplib(t *testing.T) {
	swaks := needTool(t, "swaks")
	py := needTool(t, "python3")
	g := startGateway(t, "")
	body := "Hallo, bitte bewerten Sie uns mit 5 Sternen!\nMit dem Code GUTSCHEIN10 sparen Sie auf www.meinshop.de.\nRufen Sie an: 030 12345678"
	out, err := exec.Command(swaks, "--server", "127.0.0.1", "--port", g.port(), "--tls",
		"--auth", "PLAIN", "--auth-user", e2eLogin, "--auth-password", e2ePassword,
		"--from", e2eFrom, "--to", e2eBuyer, "--h-From", "<"+e2eFrom+">", "--header", "Subject: Re: Bestellung 302-1234567-7654321",
		"--body", body).CombinedOutput()
	if err == nil {
		t.Fatalf("swaks: violating message accepted:\n%s", out)
	}
	text := string(out)
	// A German reply is refused in German: each problem on a line, the
	// first on the last line, which stands on its own.
	for _, want := range []string{"550-5.7.1 [promotion]", "550-5.7.1 [link]", "550-5.7.1 [contact]", "www.meinshop.de", "Text, Zeile 2", "550 5.7.1 Nachricht von der Amazon-Kommunikationsrichtlinie abgelehnt (4 Probleme)", "[review]"} {
		if !strings.Contains(text, want) {
			t.Errorf("swaks transcript lacks %q:\n%s", want, text)
		}
	}
	script := strings.Replace(smtplibScript, `msg.set_content("Guten Tag,\nIhr Paket wurde heute verschickt.\nViele Grüße")`,
		`msg.set_content("Guten Tag,\nfolgen Sie uns auf Instagram: @meinshop\nViele Grüße")`, 1)
	out, err = exec.Command(py, "-c", script, g.port(), g.pki.CAFile, e2eLogin, e2ePassword, e2eFrom, e2eBuyer).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "REFUSED 550") || !strings.Contains(string(out), "Instagram") {
		t.Errorf("smtplib: %v\n%s", err, out)
	}
	if n := len(g.hop.Received()); n != 0 {
		t.Errorf("next hop got %d refused messages", n)
	}
}

// TestAuditCommandsOnGatewayStore: messages go through the gateway, then
// the audit commands verify the chain, search, export the order and check
// the bundle, and a tampered store is caught.
func TestAuditCommandsOnGatewayStore(t *testing.T) {
	g := startGateway(t, "")
	c, err := smtp.DialStartTLS(g.sub, g.pki.ClientTLS())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(sasl.NewPlainClient("", e2eLogin, e2ePassword)); err != nil {
		t.Fatal(err)
	}
	order := "302-1234567-7654321"
	for _, body := range []string{"Ihr Paket kommt morgen.", "Besuchen Sie www.meinshop.de", "Gern geschehen."} {
		msg := "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nSubject: Re: Bestellung " + order + "\r\n\r\n" + body + "\r\n"
		c.SendMail(e2eFrom, []string{e2eBuyer}, strings.NewReader(msg))
	}
	c.Close()
	g.cmd.Process.Signal(syscall.SIGTERM)
	<-g.exited
	cfg := filepath.Join(g.dir, "sellergate.yaml")
	audit := func(args ...string) (string, int) {
		cmd := exec.Command(binPath, append([]string{"audit"}, args...)...)
		cmd.Dir = g.dir
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}
	if out, code := audit("verify", "--config", cfg); code != 0 || !strings.Contains(out, "chain intact: 5 records") {
		t.Errorf("verify: %d %s", code, out)
	}
	if out, code := audit("search", "--config", cfg, "--order", order, "--verdict", "reject"); code != 0 || !strings.Contains(out, "refused") {
		t.Errorf("search: %d %s", code, out)
	}
	bundle := filepath.Join(g.dir, "order.zip")
	if out, code := audit("export", "--config", cfg, "--order", order, "--out", bundle); code != 0 {
		t.Fatalf("export: %d %s", code, out)
	}
	if out, code := audit("verify", "--config", cfg, "--bundle", bundle); code != 0 || !strings.Contains(out, "matches the audit trail") {
		t.Errorf("verify --bundle: %d %s", code, out)
	}
	// Someone edits the database: both checks notice.
	db, err := sql.Open("sqlite", filepath.Join(g.dir, "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE records SET subject = 'Re: nichts passiert' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if out, code := audit("verify", "--config", cfg); code != 1 || !strings.Contains(out, "chain broken at record 2") {
		t.Errorf("verify after tampering: %d %s", code, out)
	}
	if out, code := audit("verify", "--config", cfg, "--bundle", bundle); code != 1 || !strings.Contains(out, "record 2") {
		t.Errorf("verify --bundle after tampering: %d %s", code, out)
	}
}

// TestCrashKeepsEveryAcknowledgedMessage: kill -9 the gateway while 10
// clients send; every message that got a 250 is in the store afterwards,
// the chain verifies, and nothing half-written shows.
func TestCrashKeepsEveryAcknowledgedMessage(t *testing.T) {
	g := startGateway(t, "")
	var mu sync.Mutex
	acked := map[string]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 10; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c, err := smtp.DialStartTLS(g.sub, g.pki.ClientTLS())
				if err != nil {
					return
				}
				if c.Auth(sasl.NewPlainClient("", e2eLogin, e2ePassword)) != nil {
					c.Close()
					return
				}
				id := fmt.Sprintf("crash-%d-%d@seller.test", w, i)
				msg := "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nMessage-ID: <" + id + ">\r\nSubject: Re: 302-1234567-7654321\r\n\r\nIt ships today, parcel " + strings.TrimSuffix(id, "@seller.test") + ".\r\n"
				if c.SendMail(e2eFrom, []string{e2eBuyer}, strings.NewReader(msg)) == nil {
					mu.Lock()
					acked[id] = true
					mu.Unlock()
				}
				c.Close()
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	g.cmd.Process.Signal(syscall.SIGKILL)
	<-g.exited
	close(stop)
	wg.Wait()
	mu.Lock()
	n := len(acked)
	mu.Unlock()
	if n < 10 {
		t.Fatalf("only %d messages acknowledged before the crash", n)
	}
	// Restart on the same files: the store opens, the chain verifies.
	g.exited = make(chan error, 1)
	g.run(t, "serve", "--config", filepath.Join(g.dir, "sellergate.yaml"))
	g.cmd.Process.Signal(syscall.SIGTERM)
	<-g.exited
	out, err := exec.Command(binPath, "audit", "verify", "--config", filepath.Join(g.dir, "sellergate.yaml")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "chain intact") {
		t.Fatalf("chain after kill -9: %v %s", err, out)
	}
	db, err := sql.Open("sqlite", filepath.Join(g.dir, "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT message_id FROM records WHERE kind = 'message'`)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		stored[id] = true
	}
	missing := 0
	for id := range acked {
		if !stored[id] {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged messages are missing from the store", missing, n)
	}
	t.Logf("%d messages acknowledged before kill -9, all in the store; %d message records in all", n, len(stored))
}

// TestTwoGatewaysOnePostgres: two gateway processes share one PostgreSQL
// database and take mail at the same time; the result is one consistent
// chain with every acknowledged message exactly once.
func TestTwoGatewaysOnePostgres(t *testing.T) {
	sharedPostgres(t)
	extra := "store: {driver: postgres, dsn_env: SG_TEST_DSN}\n"
	a := startGatewayStore(t, extra)
	b := startGatewayStore(t, extra)
	var mu sync.Mutex
	acked := map[string]int{}
	var wg sync.WaitGroup
	for w := 0; w < 10; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := a
			if w%2 == 1 {
				g = b
			}
			for i := 0; i < 20; i++ {
				c, err := smtp.DialStartTLS(g.sub, g.pki.ClientTLS())
				if err != nil {
					t.Error(err)
					return
				}
				c.Auth(sasl.NewPlainClient("", e2eLogin, e2ePassword))
				id := fmt.Sprintf("two-%d-%d@seller.test", w, i)
				msg := "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nMessage-ID: <" + id + ">\r\nSubject: Re: 302-1234567-7654321\r\n\r\nOk, parcel " + strings.TrimSuffix(id, "@seller.test") + ".\r\n"
				if err := c.SendMail(e2eFrom, []string{e2eBuyer}, strings.NewReader(msg)); err == nil {
					mu.Lock()
					acked[id]++
					mu.Unlock()
				} else {
					t.Errorf("%s: %v", id, err)
				}
				c.Close()
			}
		}()
	}
	wg.Wait()
	out, err := exec.Command(binPath, "audit", "verify", "--config", filepath.Join(a.dir, "sellergate.yaml")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "chain intact: 400 records") {
		t.Errorf("shared chain: %v %s", err, out)
	}
	stored := 0
	for id, n := range storedMessages(t, os.Getenv("SG_TEST_DSN")) {
		if n != 1 {
			t.Errorf("%s recorded %d times", id, n)
		}
		stored++
	}
	if len(acked) != 200 || stored != 200 {
		t.Errorf("acknowledged %d, stored %d, want 200 each", len(acked), stored)
	}
	// One review request per order, whichever gateway took the first.
	ask := func(g *gw, text string) error {
		c, err := smtp.DialStartTLS(g.sub, g.pki.ClientTLS())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Auth(sasl.NewPlainClient("", e2eLogin, e2ePassword))
		msg := "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nSubject: Your order 302-7777777-1111111\r\n\r\n" + text + "\r\n"
		return c.SendMail(e2eFrom, []string{e2eBuyer}, strings.NewReader(msg))
	}
	if err := ask(a, "Would you share your experience with a review on Amazon?"); err != nil {
		t.Fatalf("first review request through gateway A: %v", err)
	}
	if err := ask(b, "Could you please leave a review on Amazon when you have a moment?"); smtpCode(err) != 550 || !strings.Contains(err.Error(), "proactive.review-repeat") {
		t.Errorf("second review request through gateway B: %v, want 550 naming proactive.review-repeat", err)
	}
}

// startGatewayStore is startGateway with its own store settings (the
// default config line is replaced).
func startGatewayStore(t *testing.T, storeLine string) *gw {
	t.Helper()
	return startGatewayWith(t, func(cfg string) string {
		return strings.Replace(cfg, "store: {path: audit.db}\n", storeLine, 1)
	})
}

// TestQuarantineReleaseAndReject: a held message is accepted and the agent
// told; released, the running gateway's delivery queue relays it to the
// next hop; another one rejected produces the agent notice with reasons.
func TestQuarantineReleaseAndReject(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.yaml")
	testutil.WriteFile(t, policy, []byte("actions:\n  promotion: quarantine\n"))
	g := startGateway(t, "policy: "+policy+"\n")
	c := g.login(t, e2eLogin)
	for _, body := range []string{"Abonnieren Sie unseren Newsletter!", "Folgen Sie unserem Newsletter für Angebote."} {
		msg := "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nSubject: Re: 302-1234567-7654321\r\n\r\n" + body + "\r\n"
		if err := c.SendMail(e2eFrom, []string{e2eBuyer}, strings.NewReader(msg)); err != nil {
			t.Fatalf("held message: %v, want 250", err)
		}
	}
	cfg := filepath.Join(g.dir, "sellergate.yaml")
	cli := func(args ...string) string {
		out, err := exec.Command(binPath, append(args, "--config", cfg)...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	toAgent := func() []testutil.HopMsg {
		var out []testutil.HopMsg
		for _, m := range g.hop.Received() {
			if m.To[0] == e2eFrom {
				out = append(out, m)
			}
		}
		return out
	}
	waitFor(t, "the two held-message notices", func() bool { return len(toAgent()) == 2 })
	list := cli("quarantine", "list")
	ids := heldIDs(list)
	if len(ids) != 2 || !strings.HasPrefix(list, "KIND ") {
		t.Fatalf("quarantine list:\n%s", list)
	}
	if out := cli("quarantine", "show", ids[0]); !strings.Contains(out, ">>> [promotion]") {
		t.Errorf("show does not highlight the finding:\n%s", out)
	}
	cli("quarantine", "release", ids[0])
	waitFor(t, "the released message at the next hop", func() bool {
		for _, m := range g.hop.Received() {
			if m.To[0] == e2eBuyer && bytes.Contains(m.Data, []byte("Abonnieren Sie")) {
				return true
			}
		}
		return false
	})
	// The agent wrote German: every notice is German — held, released
	// (the hold notice promised it), rejected with the admin's reason.
	notice := func(what, words string, more ...string) {
		waitFor(t, what, func() bool {
			for _, m := range toAgent() {
				if bytes.Contains(m.Data, []byte(words)) {
					for _, w := range more {
						if !bytes.Contains(m.Data, []byte(w)) {
							return false
						}
					}
					return true
				}
			}
			return false
		})
	}
	notice("the German hold notice", "zur Prüfung durch einen Administrator")
	notice("the German release notice", "nach Prüfung freigegeben")
	cli("quarantine", "reject", ids[1], "--reason", "Newsletters are promotion; answer the question instead.")
	notice("the German rejection notice", "nach Prüfung abgelehnt", "answer the question instead")
	if out := cli("quarantine", "list"); strings.TrimSpace(out) != "no held messages waiting for review" {
		t.Errorf("decided messages still listed, or an empty queue not said:\n%s", out)
	}
}

// TestAdminAPI drives the admin API of the running binary over HTTP:
// missing and wrong tokens are refused; check answers like check --json;
// a quarantined message listed and released through the API arrives at
// the next hop; SLA status, audit search and export answer.
func TestAdminAPI(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.yaml")
	testutil.WriteFile(t, policy, []byte("actions:\n  promotion: quarantine\n"))
	adminAddr := freePort(t)
	token := "t0ps3cret-admin-token-123"
	g := startGateway(t, "policy: "+policy+"\nadmin: {listen: \""+adminAddr+"\", tokens: [\""+token+"\"]}\n")
	waitFor(t, "the admin listener", func() bool {
		c, err := net.Dial("tcp", adminAddr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	call := func(method, path, tok string, body io.Reader) (int, []byte) {
		req, _ := http.NewRequest(method, "http://"+adminAddr+path, body)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, data
	}
	for _, tok := range []string{"", "wrong-token-wrong-token"} {
		if code, _ := call("GET", "/v1/quarantine", tok, nil); code != http.StatusUnauthorized {
			t.Errorf("token %q: %d, want 401", tok, code)
		}
	}
	msg := "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nSubject: Re: 302-1234567-7654321\r\n\r\nBitte 5 Sterne auf www.meinshop.de\r\n"
	code, body := call("POST", "/v1/check", token, strings.NewReader(msg))
	var res struct {
		Verdict    string                      `json:"verdict"`
		Violations []struct{ Category string } `json:"violations"`
	}
	json.Unmarshal(body, &res)
	if code != 200 || res.Verdict != "reject" || len(res.Violations) < 2 {
		t.Errorf("POST /v1/check: %d %s", code, body)
	}

	c, err := smtp.DialStartTLS(g.sub, g.pki.ClientTLS())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Auth(sasl.NewPlainClient("", e2eLogin, e2ePassword))
	held := "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nSubject: Re: 302-1234567-7654321\r\n\r\nAbonnieren Sie unseren Newsletter!\r\n"
	if err := c.SendMail(e2eFrom, []string{e2eBuyer}, strings.NewReader(held)); err != nil {
		t.Fatal(err)
	}
	code, body = call("GET", "/v1/quarantine", token, nil)
	var list []struct {
		QueueID string `json:"queue_id"`
	}
	json.Unmarshal(body, &list)
	if code != 200 || len(list) != 1 {
		t.Fatalf("GET /v1/quarantine: %d %s", code, body)
	}
	// One JSON convention: snake_case names, no Go field names, no zero
	// dates, no raw reader.
	for _, bad := range []string{`"QueueID"`, `"MailFrom"`, `"Raw"`, `0001-01-01`} {
		if bytes.Contains(body, []byte(bad)) {
			t.Errorf("GET /v1/quarantine has %s: %s", bad, body)
		}
	}
	// Only appeals: none here (the message was held by the policy).
	if code, body := call("GET", "/v1/quarantine?appeals=1", token, nil); code != 200 || strings.TrimSpace(string(body)) != "[]" {
		t.Errorf("GET /v1/quarantine?appeals=1: %d %s, want an empty list", code, body)
	}
	// With a thread (now in the trail): what the trail says of it applies.
	// The buyer never wrote, so a draft without the order ID is a proactive message
	// without it; an unknown thread is a 404.
	draft := "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nSubject: Your lamp\r\n\r\nIt ships today.\r\n"
	if code, body := call("POST", "/v1/check?thread=Tnone", token, strings.NewReader(draft)); code != http.StatusNotFound {
		t.Errorf("POST /v1/check for an unknown thread: %d %s, want 404", code, body)
	}
	if code, body := call("POST", "/v1/check?thread="+store.ThreadKey(e2eBuyer, "302-1234567-7654321"), token, strings.NewReader(draft)); code != 200 || !strings.Contains(string(body), "proactive.order-id") {
		t.Errorf("POST /v1/check with the thread: %d %s, want proactive.order-id named", code, body)
	}
	if code, body := call("POST", "/v1/quarantine/"+list[0].QueueID+"/release", token, strings.NewReader(`{"by":"lisa"}`)); code != 200 {
		t.Fatalf("release: %d %s", code, body)
	}
	waitFor(t, "the released message at the next hop", func() bool {
		for _, m := range g.hop.Received() {
			if m.To[0] == e2eBuyer && bytes.Contains(m.Data, []byte("Newsletter")) {
				return true
			}
		}
		return false
	})
	if code, body := call("POST", "/v1/quarantine/"+list[0].QueueID+"/release", token, nil); code != http.StatusNotFound {
		t.Errorf("second release: %d %s, want 404", code, body)
	}
	if code, body := call("GET", "/v1/sla", token, nil); code != 200 || strings.TrimSpace(string(body)) != "[]" {
		t.Errorf("GET /v1/sla: %d %s", code, body)
	}
	if code, body := call("GET", "/v1/audit?order=302-1234567-7654321&verdict=quarantine", token, nil); code != 200 || !bytes.Contains(body, []byte(list[0].QueueID)) {
		t.Errorf("GET /v1/audit: %d %s", code, body)
	}
	if code, body := call("GET", "/v1/audit/export?order=302-1234567-7654321", token, nil); code != 200 || !bytes.HasPrefix(body, []byte("PK")) {
		t.Errorf("GET /v1/audit/export: %d %.100s", code, body)
	}
	if code, _ := call("POST", "/v1/exceptions/Tdeadbeef", token, strings.NewReader(`{"kind":"returns","note":"x"}`)); code != http.StatusUnprocessableEntity {
		t.Errorf("exception of a kind the policy does not allow: %d, want 422", code)
	}
}

// TestPolicyRuleAddedTakesEffectWithoutRestart: an admin adds a rule to
// the policy file; the next message is judged by it, no restart; a broken
// policy file leaves the rule in force and counts a failed reload.
func TestPolicyRuleAddedTakesEffectWithoutRestart(t *testing.T) {
	policy := filepath.Join(t.TempDir(), "policy.yaml")
	testutil.WriteFile(t, policy, []byte("monitor: false\n"))
	g := startGateway(t, "policy: "+policy+"\n")
	sendBody := func(body string) error {
		c, err := smtp.DialStartTLS(g.sub, g.pki.ClientTLS())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Auth(sasl.NewPlainClient("", e2eLogin, e2ePassword))
		msg := "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nSubject: Re: 302-1234567-7654321\r\n\r\n" + body + "\r\n"
		return c.SendMail(e2eFrom, []string{e2eBuyer}, strings.NewReader(msg))
	}
	if err := sendBody("It is cheaper at MegaStore."); err != nil {
		t.Fatalf("before the rule: %v", err)
	}
	testutil.WriteFile(t, policy, []byte("rules:\n  - id: no-competitor\n    category: promotion\n    phrases: [MegaStore]\n    message: Do not mention competitors.\n"))
	g.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the policy reload", func() bool {
		return strings.Contains(scrape(t, g.metrics), `sellergate_config_reloads_total{result="success"} 1`)
	})
	err := sendBody("It is cheaper at MegaStore.")
	if smtpCode(err) != 550 || !strings.Contains(err.Error(), "Do not mention competitors.") {
		t.Fatalf("after adding the rule: %v, want 550 with the rule's message", err)
	}
	testutil.WriteFile(t, policy, []byte("rules:\n  - id: broken\n    category: promotion\n    pattern: '(unclosed'\n"))
	g.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the failed reload", func() bool {
		return strings.Contains(scrape(t, g.metrics), `sellergate_config_reloads_total{result="failure"} 1`)
	})
	if err := sendBody("It is cheaper at MegaStore."); smtpCode(err) != 550 {
		t.Errorf("a broken policy file dropped the rule in force: %v", err)
	}
}

func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

// TestQueueRetriesAcrossRestart: a message released while the next hop is
// down is retried with backoff, survives a gateway restart, and arrives
// once the next hop is back.
func TestQueueRetriesAcrossRestart(t *testing.T) {
	policy := filepath.Join(t.TempDir(), "policy.yaml")
	testutil.WriteFile(t, policy, []byte("actions:\n  promotion: quarantine\n"))
	g := startGateway(t, "policy: "+policy+"\nqueue_backoff: [200ms]\n")
	c, err := smtp.DialStartTLS(g.sub, g.pki.ClientTLS())
	if err != nil {
		t.Fatal(err)
	}
	c.Auth(sasl.NewPlainClient("", e2eLogin, e2ePassword))
	held := "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nSubject: Re: 302-1234567-7654321\r\n\r\nAbonnieren Sie unseren Newsletter!\r\n"
	if err := c.SendMail(e2eFrom, []string{e2eBuyer}, strings.NewReader(held)); err != nil {
		t.Fatal(err)
	}
	c.Close()
	cfg := filepath.Join(g.dir, "sellergate.yaml")
	waitFor(t, "the held notice", func() bool { return len(g.hop.Received()) == 1 })
	out, _ := exec.Command(binPath, "quarantine", "list", "--config", cfg).CombinedOutput()
	id := heldIDs(string(out))[0]
	hopAddr := g.hop.Addr
	g.hop.Srv.Close() // the next hop goes down
	if out, err := exec.Command(binPath, "quarantine", "release", id, "--config", cfg).CombinedOutput(); err != nil {
		t.Fatalf("release: %v %s", err, out)
	}
	waitFor(t, "a failed attempt", func() bool {
		return strings.Contains(scrape(t, g.metrics), "sellergate_queue_retries_total 1") || strings.Contains(scrape(t, g.metrics), "sellergate_queue_retries_total 2")
	})
	// Restart the gateway while the message waits in the queue.
	g.cmd.Process.Signal(syscall.SIGTERM)
	<-g.exited
	g.exited = make(chan error, 1)
	g.run(t, "serve", "--config", cfg)
	back := testutil.StartNextHopAt(t, g.pki, hopAddr) // the next hop is back
	waitFor(t, "the released message at the next hop", func() bool {
		for _, m := range back.Received() {
			if m.To[0] == e2eBuyer && bytes.Contains(m.Data, []byte("Newsletter")) {
				return true
			}
		}
		return false
	})
}

// TestReadinessFollowsTheNextHop: /readyz answers 503 naming the next hop
// while it is down (every message would get 451), and the profiler is not
// served unless configured.
func TestReadinessFollowsTheNextHop(t *testing.T) {
	g := startGateway(t, "")
	if resp, err := http.Get("http://" + g.metrics + "/debug/pprof/"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("/debug/pprof/ without metrics pprof: true: %v %v, want 404", resp, err)
	}
	g.hop.Srv.Close()
	time.Sleep(6 * time.Second) // past the cached probe
	resp, err := http.Get("http://" + g.metrics + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "next hop") {
		t.Errorf("/readyz with the next hop down: %d %s, want 503 naming the next hop", resp.StatusCode, body)
	}
}

// TestBuyersOptOutByHand: an admin records an opt-out with the CLI; a
// proactive message to that buyer is refused over SMTP, and opting the
// buyer back in lets it through.
func TestBuyersOptOutByHand(t *testing.T) {
	g := startGateway(t, "")
	cfg := filepath.Join(g.dir, "sellergate.yaml")
	if out, err := exec.Command(binPath, "buyers", "opt-out", e2eBuyer, "--config", cfg, "--by", "anna").CombinedOutput(); err != nil {
		t.Fatalf("buyers opt-out: %v %s", err, out)
	}
	out, _ := exec.Command(binPath, "buyers", "list", "--config", cfg).CombinedOutput()
	if !strings.Contains(string(out), strings.ToLower(e2eBuyer)) || !strings.Contains(string(out), "anna") {
		t.Errorf("buyers list: %s", out)
	}
	send := func() error {
		c, err := smtp.DialStartTLS(g.sub, g.pki.ClientTLS())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Auth(sasl.NewPlainClient("", e2eLogin, e2ePassword))
		msg := "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nSubject: Your order 302-1234567-7654321\r\n\r\nHow do you like it?\r\n"
		return c.SendMail(e2eFrom, []string{e2eBuyer}, strings.NewReader(msg))
	}
	if err := send(); smtpCode(err) != 550 || !strings.Contains(err.Error(), "proactive.opted-out") {
		t.Errorf("proactive message after opt-out: %v, want 550 naming proactive.opted-out", err)
	}
	if out, err := exec.Command(binPath, "buyers", "opt-in", e2eBuyer, "--config", cfg).CombinedOutput(); err != nil {
		t.Fatalf("buyers opt-in: %v %s", err, out)
	}
	if err := send(); err != nil {
		t.Errorf("after opt-in: %v", err)
	}
}

// TestAppealHeldReleasedWithoutTag: a refused reply sent again with
// [appeal] and a reason line is held (250, listed first among the held
// messages with its reason), released by an admin, and arrives once at
// the next hop without the tag and the reason; the metrics count it.
func TestAppealHeldReleasedWithoutTag(t *testing.T) {
	g := startGateway(t, "")
	cfg := filepath.Join(g.dir, "sellergate.yaml")
	body := "Hallo, Herr Brennwerk ruft Sie gern zurück, erreichbar unter 0611 4470 28.\r\n"
	send := func(subject, text string) error {
		c, err := smtp.DialStartTLS(g.sub, g.pki.ClientTLS())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Auth(sasl.NewPlainClient("", e2eLogin, e2ePassword))
		msg := "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nSubject: " + subject + "\r\n\r\n" + text
		return c.SendMail(e2eFrom, []string{e2eBuyer}, strings.NewReader(msg))
	}
	if err := send("Re: 302-1234567-7654321", body); smtpCode(err) != 550 {
		t.Fatalf("the reply: %v, want a refusal", err)
	}
	if err := send("[appeal] Re: 302-1234567-7654321", "Reason: the number is the manufacturer's hotline\r\n"+body); err != nil {
		t.Fatalf("the appeal: %v, want 250 held", err)
	}
	out, _ := exec.Command(binPath, "quarantine", "list", "--appeals", "--config", cfg).CombinedOutput()
	if !strings.Contains(string(out), "\nAPPEAL ") || !strings.Contains(string(out), "manufacturer's hotline") {
		t.Fatalf("quarantine list --appeals:\n%s", out)
	}
	id := heldIDs(string(out))[0]
	if out, err := exec.Command(binPath, "quarantine", "release", id, "--config", cfg).CombinedOutput(); err != nil {
		t.Fatalf("release: %v %s", err, out)
	}
	waitFor(t, "the released appeal at the next hop", func() bool {
		for _, m := range g.hop.Received() {
			if m.To[0] == e2eBuyer && bytes.Contains(m.Data, []byte("Brennwerk")) {
				return true
			}
		}
		return false
	})
	n := 0
	for _, m := range g.hop.Received() {
		if m.To[0] != e2eBuyer || !bytes.Contains(m.Data, []byte("Brennwerk")) {
			continue
		}
		n++
		if bytes.Contains(bytes.ToLower(m.Data), []byte("[appeal]")) || bytes.Contains(m.Data, []byte("Reason:")) {
			t.Errorf("the relayed appeal still carries the tag or the reason:\n%s", m.Data)
		}
	}
	if n != 1 {
		t.Errorf("the appeal arrived %d times, want once", n)
	}
	waitFor(t, "the appeal counted", func() bool {
		m := scrape(t, g.metrics)
		return strings.Contains(m, `sellergate_appeals_total{decision="held"} 1`) && strings.Contains(m, `sellergate_appeals_total{decision="released"} 1`)
	})
	// The decided appeal is labelled data the judge reads back: released,
	// so the engine's refusal counts as a false refusal there.
	dir := filepath.Join(t.TempDir(), "appeals")
	if out, err := exec.Command(binPath, "audit", "export", "--appeals", "--out", dir, "--config", cfg).CombinedOutput(); err != nil {
		t.Fatalf("audit export --appeals: %v %s", err, out)
	}
	labels, err := judge.ReadLabels(dir)
	if err != nil || len(labels) != 1 || labels[0].Expect != "pass" {
		t.Fatalf("the exported appeal reads back as %+v, %v", labels, err)
	}
	if v, err := judge.Judge(filter.NewEngine(filter.DefaultPolicy()), labels[0]); err != nil || v.Outcome != judge.FalseRefusal {
		t.Errorf("the released appeal judged again: %+v %v, want the engine's false refusal", v, err)
	}
}

// TestCheckWithThread: sellergate check --thread says which proactive rule
// a draft would meet, as the gateway's trail says: after one review
// request went out for the order, a second draft asking again names
// proactive.review-repeat.
func TestCheckWithThread(t *testing.T) {
	g := startGateway(t, "")
	cfg := filepath.Join(g.dir, "sellergate.yaml")
	const order = "302-1234567-7654321"
	ask := "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nSubject: Your order " + order + "\r\n\r\nWould you share your experience with a review on Amazon?\r\n"
	c, err := smtp.DialStartTLS(g.sub, g.pki.ClientTLS())
	if err != nil {
		t.Fatal(err)
	}
	c.Auth(sasl.NewPlainClient("", e2eLogin, e2ePassword))
	if err := c.SendMail(e2eFrom, []string{e2eBuyer}, strings.NewReader(ask)); err != nil {
		t.Fatalf("first review request: %v", err)
	}
	c.Close()
	draft := filepath.Join(t.TempDir(), "draft.eml")
	os.WriteFile(draft, []byte(strings.Replace(ask, "Would you", "Could you perhaps", 1)), 0o644)
	out, err := exec.Command(binPath, "check", "--config", cfg, "--thread", store.ThreadKey(e2eBuyer, order), draft).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "proactive.review-repeat") {
		t.Errorf("check --thread: %v\n%s\nwant a refusal naming proactive.review-repeat", err, out)
	}
	if out, err := exec.Command(binPath, "check", draft).CombinedOutput(); err != nil {
		t.Errorf("check without the thread: %v\n%s\nwant a pass", err, out)
	}
}

// TestConfigCheckLoadsWhatServeLoads: `config check` (the systemd unit's
// ExecStartPre) fails where serve would — a broken policy file named with
// its line, a DKIM key that is not there, a placeholder admin token from
// the environment — instead of saying "ok".
func TestConfigCheckLoadsWhatServeLoads(t *testing.T) {
	dir := t.TempDir()
	example, err := exec.Command(binPath, "config", "example").Output()
	if err != nil {
		t.Fatal(err)
	}
	policy := filepath.Join(dir, "policy.yaml")
	testutil.WriteFile(t, policy, []byte("monitor: false\nactions:\n  link: reject\n  contcat: reject\n"))
	garbage := filepath.Join(dir, "garbage.pem")
	testutil.WriteFile(t, garbage, []byte("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"))
	cases := []struct {
		name, extra, env, want string
	}{
		{"policy", "policy: " + policy + "\n", "", policy + ":4"},
		{"dkim", "dkim:\n  - {domain: shop.test, selector: s1, key: " + garbage + "}\n", "", "dkim key for shop.test"},
		{"token", "admin: {listen: 127.0.0.1:9588, tokens_env: SG_TEST_TOKENS}\n", "SG_TEST_TOKENS=change-me-to-a-long-random-token", "placeholder"},
	}
	for _, c := range cases {
		f := filepath.Join(dir, "sellergate-"+c.name+".yaml")
		testutil.WriteFile(t, f, append(append([]byte{}, example...), c.extra...))
		cmd := exec.Command(binPath, "config", "check", f)
		cmd.Env = append(os.Environ(), c.env)
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), c.want) || strings.Contains(string(out), ": ok") {
			t.Errorf("%s: config check said %v:\n%s\nwant a failure naming %q", c.name, err, out, c.want)
		}
	}
	// The example itself, with its embedded policy, is fine.
	f := filepath.Join(dir, "ok.yaml")
	testutil.WriteFile(t, f, example)
	if out, err := exec.Command(binPath, "config", "check", f).CombinedOutput(); err != nil {
		t.Errorf("the example: %v\n%s", err, out)
	}
}

// TestRenewedCertificateWithoutRestart: a renewed certificate written over
// the old files is served over STARTTLS after SIGHUP, and after a file
// change alone, without a restart; the running sessions are untouched.
func TestRenewedCertificateWithoutRestart(t *testing.T) {
	g := startGateway(t, "")
	servedCert := func() []byte {
		c, err := smtp.DialStartTLS(g.sub, &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Noop(); err != nil { // the handshake happens here
			t.Fatal(err)
		}
		st, ok := c.TLSConnectionState()
		if !ok || len(st.PeerCertificates) == 0 {
			t.Fatal("no TLS after STARTTLS")
		}
		return st.PeerCertificates[0].Raw
	}
	pemDER := func(file string) []byte {
		b, _ := os.ReadFile(file)
		blk, _ := pem.Decode(b)
		if blk == nil {
			t.Fatalf("%s holds no PEM", file)
		}
		return blk.Bytes
	}
	if !bytes.Equal(servedCert(), pemDER(g.pki.CertFile)) {
		t.Fatal("the gateway does not serve its configured certificate")
	}
	renew := func() []byte {
		next := testutil.NewPKI(t)
		for _, f := range [][2]string{{next.KeyFile, g.pki.KeyFile}, {next.CertFile, g.pki.CertFile}} {
			b, _ := os.ReadFile(f[0])
			testutil.WriteFile(t, f[1]+".new", b)
			if err := os.Rename(f[1]+".new", f[1]); err != nil {
				t.Fatal(err)
			}
		}
		return pemDER(next.CertFile)
	}
	want := renew()
	g.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the renewed certificate after SIGHUP", func() bool { return bytes.Equal(servedCert(), want) })
	want = renew()
	waitFor(t, "the renewed certificate after the files changed", func() bool { return bytes.Equal(servedCert(), want) })
	if !strings.Contains(g.log.String(), "TLS certificate renewed") {
		t.Errorf("the renewal is not logged:\n%s", g.log.String())
	}
}

// heldIDs returns the queue ids `quarantine list` shows, in its order.
func heldIDs(list string) []string {
	var ids []string
	for _, l := range strings.Split(list, "\n") {
		if f := strings.Fields(l); len(f) > 1 && (f[0] == "held" || f[0] == "APPEAL") {
			ids = append(ids, f[1])
		}
	}
	return ids
}

// TestCLIHelp: every command and verb is listed by help; -h at any level
// exits 0 and shows only the verb's own flags; an unknown verb is a usage
// error.
func TestCLIHelp(t *testing.T) {
	out, err := exec.Command(binPath, "help").CombinedOutput()
	if err != nil {
		t.Fatalf("help: %v", err)
	}
	for _, want := range []string{"quarantine release", "sla dismiss", "sla alert-test", "exception open", "buyers opt-out", "audit search", "check", "dkim keygen"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	for _, args := range [][]string{{"-h"}, {"--help"}, {"audit", "-h"}, {"audit", "verify", "-h"}, {"quarantine", "reject", "-h"}, {"check", "-h"}, {"serve", "-h"}} {
		out, err := exec.Command(binPath, args...).Output()
		if err != nil {
			t.Errorf("%v: %v, want exit 0", args, err)
		}
		if len(out) == 0 {
			t.Errorf("%v printed nothing on standard output", args)
		}
	}
	out, _ = exec.Command(binPath, "audit", "verify", "-h").Output()
	if strings.Contains(string(out), "-before") || strings.Contains(string(out), "-order") || !strings.Contains(string(out), "-bundle") {
		t.Errorf("audit verify -h shows other verbs' flags, or not its own:\n%s", out)
	}
	if err := exec.Command(binPath, "audit", "frobnicate").Run(); err == nil || err.(*exec.ExitError).ExitCode() != 2 {
		t.Errorf("an unknown verb: %v, want exit 2", err)
	}
}

// TestCheckUsesTheGatewaysPolicy: check --config applies the policy file
// the configuration names, as the gateway does.
func TestCheckUsesTheGatewaysPolicy(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.yaml")
	testutil.WriteFile(t, policy, []byte("rules:\n  - {id: shop.no-ship-word, category: promotion, phrases: [blitzversand], message: \"No express upsell.\"}\n"))
	example, _ := exec.Command(binPath, "config", "example").Output()
	cfg := filepath.Join(dir, "sellergate.yaml")
	testutil.WriteFile(t, cfg, append(example, []byte("policy: "+policy+"\n")...))
	draft := filepath.Join(dir, "draft.eml")
	testutil.WriteFile(t, draft, []byte("From: <support@example-shop.test>\r\nTo: <a1b2c3d4e5f6g7@marketplace.amazon.de>\r\nSubject: Re: 302-1234567-7654321\r\n\r\nGerne auch per Blitzversand.\r\n"))
	if out, err := exec.Command(binPath, "check", draft).CombinedOutput(); err != nil {
		t.Fatalf("the built-in policy refused the draft: %v\n%s", err, out)
	}
	out, err := exec.Command(binPath, "check", "--config", cfg, draft).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "shop.no-ship-word") {
		t.Errorf("check --config: %v\n%s\nwant the gateway's own rule", err, out)
	}
}

// TestSLAAlertTest: sla alert-test reaches every configured channel — here
// a webhook — without a buyer waiting, and fails when none is configured.
func TestSLAAlertTest(t *testing.T) {
	got := make(chan string, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- string(b)
	}))
	defer hook.Close()
	dir := t.TempDir()
	example, _ := exec.Command(binPath, "config", "example").Output()
	cfg := filepath.Join(dir, "sellergate.yaml")
	testutil.WriteFile(t, cfg, append(append([]byte{}, example...), []byte("sla: {webhook: {url: \""+hook.URL+"\", format: slack}}\n")...))
	if out, err := exec.Command(binPath, "sla", "alert-test", "--config", cfg).CombinedOutput(); err != nil {
		t.Fatalf("sla alert-test: %v\n%s", err, out)
	}
	select {
	case body := <-got:
		if !strings.Contains(body, "test alert") {
			t.Errorf("the webhook got %s", body)
		}
	default:
		t.Fatal("the webhook got nothing")
	}
	bare := filepath.Join(dir, "bare.yaml")
	testutil.WriteFile(t, bare, example)
	if out, err := exec.Command(binPath, "sla", "alert-test", "--config", bare).CombinedOutput(); err == nil || !strings.Contains(string(out), "no alert channel") {
		t.Errorf("without channels: %v\n%s", err, out)
	}
}

// TestSLAClockWithATestKey: without real Amazon mail, an admin starts a
// thread's clock with swaks and a message signed by `dkim sign` with an
// inbound test key; the key is refused without insecure_development.
func TestSLAClockWithATestKey(t *testing.T) {
	swaks := needTool(t, "swaks")
	dir := t.TempDir()
	key := filepath.Join(dir, "test.key")
	if out, err := exec.Command(binPath, "dkim", "keygen", "--domain", "buyers.test", "--selector", "s1", "--out", key).CombinedOutput(); err != nil {
		t.Fatalf("dkim keygen: %v\n%s", err, out)
	}
	in := freePort(t)
	inbound := "inbound: {listen: " + in + ", domains: [seller.test], mode: copy, insecure_development: true, test_keys: [{domain: buyers.test, selector: s1, key: " + key + "}]}\n"
	g := startGateway(t, inbound)
	cfg := filepath.Join(g.dir, "sellergate.yaml")
	buyer := filepath.Join(dir, "buyer.eml")
	testutil.WriteFile(t, buyer, []byte("From: \"Heike - Amazon Marketplace\" <"+e2eBuyer+">\nTo: <support@seller.test>\nSubject: Frage zu Bestellung 302-1234567-7654321\nMessage-ID: <test-1@buyers.test>\nDate: Wed, 02 Dec 2026 09:00:00 +0000\n\nWann kommt mein Paket?\n"))
	signed, err := exec.Command(binPath, "dkim", "sign", "--key", key, "--domain", "buyers.test", "--selector", "s1", buyer).Output()
	if err != nil {
		t.Fatalf("dkim sign: %v", err)
	}
	signedFile := filepath.Join(dir, "signed.eml")
	testutil.WriteFile(t, signedFile, signed)
	host, port, _ := net.SplitHostPort(in)
	if out, err := exec.Command(swaks, "--server", host, "--port", port, "--from", e2eBuyer, "--to", "support@seller.test", "--data", signedFile).CombinedOutput(); err != nil {
		t.Fatalf("swaks to the inbound listener: %v\n%s", err, out)
	}
	out, err := exec.Command(binPath, "sla", "status", "--config", cfg).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "302-1234567-7654321") || !strings.Contains(string(out), "amazon.de") {
		t.Fatalf("sla status after the signed buyer message: %v\n%s", err, out)
	}
	// Without insecure_development the same key is refused.
	bad := filepath.Join(dir, "bad.yaml")
	raw, _ := os.ReadFile(cfg)
	testutil.WriteFile(t, bad, []byte(strings.Replace(string(raw), "insecure_development: true, ", "", 1)))
	if out, err := exec.Command(binPath, "config", "check", bad).CombinedOutput(); err == nil || !strings.Contains(string(out), "insecure_development") {
		t.Errorf("test_keys without insecure_development: %v\n%s", err, out)
	}
}

// TestComposeSetupFromAFreshCheckout: the compose configuration, with the
// certificate deploy/compose/make-cert.sh makes (its key readable by the
// image's nonroot user) and a generated admin token, passes config check
// as the container's serve would load it.
func TestComposeSetupFromAFreshCheckout(t *testing.T) {
	needTool(t, "openssl")
	dir := t.TempDir()
	certs := filepath.Join(dir, "certs")
	cmd := exec.Command("sh", "../../deploy/compose/make-cert.sh")
	cmd.Env = append(os.Environ(), "CERT_DIR="+certs)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make-cert.sh: %v\n%s", err, out)
	}
	if fi, err := os.Stat(filepath.Join(certs, "key.pem")); err != nil || fi.Mode().Perm()&0o004 == 0 {
		t.Errorf("the key is not readable by the image's user: %v %v", fi.Mode(), err)
	}
	raw, err := os.ReadFile("../../deploy/compose/sellergate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.NewReplacer("/etc/sellergate/certs", certs, "/var/lib/sellergate", dir).Replace(string(raw))
	file := filepath.Join(dir, "sellergate.yaml")
	testutil.WriteFile(t, file, []byte(cfg))
	check := exec.Command(binPath, "config", "check", file)
	check.Env = append(os.Environ(), "SELLERGATE_ADMIN_TOKENS=4f9c2a7e1b3d5f60718293a4b5c6d7e8", "SELLERGATE_DSN=postgres://sellergate:sellergate@postgres:5432/sellergate?sslmode=disable")
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("config check of the compose configuration: %v\n%s", err, out)
	}
}
