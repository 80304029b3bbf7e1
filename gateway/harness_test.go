package gateway_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"golang.org/x/crypto/bcrypt"

	"github.com/sellergate/sellergate/config"
	"github.com/sellergate/sellergate/gateway"
	"github.com/sellergate/sellergate/internal/testutil"
	"github.com/sellergate/sellergate/store"
)

// env is one running gateway with its next hop, store and keys.
type env struct {
	t       *testing.T
	pki     *testutil.PKI
	hop     *testutil.NextHop
	gw      *gateway.Gateway
	st      *store.SQL
	cfg     *config.Config
	dir     string
	subAddr string // STARTTLS submission listener
	devAddr string // loopback development listener (AUTH without TLS)
	dkimTXT map[string]string
	sla     *slaEvents
	inAddr  string // inbound listener, when configured
	fwd     *testutil.NextHop
}

// slaEvents records what the gateway reports on the SLA seam.
type slaEvents struct {
	mu      sync.Mutex
	buyer   []*store.Record
	replied []*store.Record
}

func (s *slaEvents) BuyerMessage(_ context.Context, r *store.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buyer = append(s.buyer, r)
	return nil
}

func (s *slaEvents) ReplyRelayed(_ context.Context, r *store.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replied = append(s.replied, r)
	return nil
}

func (s *slaEvents) TimeLeft(context.Context, string) (time.Duration, bool) { return 0, false }

func (s *slaEvents) counts() (buyer, replied int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.buyer), len(s.replied)
}

const (
	agentLogin    = "anna"
	agentPassword = "correct horse battery"
	agentAddr     = "support@seller.test"
	otherAddr     = "support@other-seller.test"
	buyerAddr     = "a1b2c3d4e5f6g7@marketplace.amazon.de"
)

var hashOnce = sync.OnceValue(func() string {
	h, _ := bcrypt.GenerateFromPassword([]byte(agentPassword), bcrypt.MinCost)
	return string(h)
})

// startEnv writes a configuration file, parses it as the binary does, and
// starts a gateway on loopback. extra is appended to the YAML; an extra of
// the form "limits: {...}" adds to the test's limits instead.
func startEnv(t *testing.T, extra string) *env {
	return startEnvOpts(t, extra, nil)
}

// startEnvOpts is startEnv with a last word on the gateway's options.
func startEnvOpts(t *testing.T, extra string, mut func(*gateway.Options, *env)) *env {
	limits := ""
	if strings.HasPrefix(extra, "limits: {") {
		limits = ", " + strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(extra, "limits: {")), "}")
		extra = ""
	}
	t.Helper()
	e := &env{t: t, pki: testutil.NewPKI(t), dir: t.TempDir(), dkimTXT: map[string]string{}, sla: &slaEvents{}}
	e.hop = testutil.StartNextHop(t, e.pki)
	e.fwd = testutil.StartNextHop(t, nil)
	extra = strings.ReplaceAll(extra, "FORWARD_ADDR", e.fwd.Addr)
	key, txt, err := gateway.GenerateDKIMKey("rsa")
	if err != nil {
		t.Fatal(err)
	}
	testutil.WriteFile(t, filepath.Join(e.dir, "seller.key"), key)
	e.dkimTXT["sel1._domainkey.seller.test"] = txt
	yaml := fmt.Sprintf(`hostname: gw.test
log: {level: error}
tls: {cert: %q, key: %q}
submission:
  - listen: 127.0.0.1:0
  - listen: 127.0.0.1:0
    insecure_development: true
accounts:
  - name: seller
    daily_limit: 1000
agents:
  - login: %s
    password_hash: %q
    account: seller
    addresses: [%s]
relay:
  url: smtp://%s
  ca_file: %q
  require_tls: true
  timeout: 2s
dkim:
  - domain: seller.test
    selector: sel1
    key: seller.key
store:
  path: audit.db
limits: {max_message_size: 200KB, spool_memory: 4KB, shutdown_timeout: 5s%s}
%s`, e.pki.CertFile, e.pki.KeyFile, agentLogin, hashOnce(), agentAddr, e.hop.Addr, e.pki.CAFile, limits, extra)
	cfgFile := filepath.Join(e.dir, "sellergate.yaml")
	testutil.WriteFile(t, cfgFile, []byte(yaml))
	cfg, err := config.Load(cfgFile)
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	e.cfg = cfg
	e.st, err = store.Open(context.Background(), store.Options{Driver: "sqlite", Path: cfg.Store.Path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.st.Close() })
	opts := gateway.Options{
		Config: cfg, Store: e.st,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		LookupTXT: e.lookupTXT,
		SLA:       e.sla,
		// As the binary wires it: the store finds the buyer message a
		// reply answers.
		BuyerMessages: e.st,
		RelayCounter:  e.st,
	}
	if mut != nil {
		mut(&opts, e)
	}
	e.gw, err = gateway.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.gw.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		e.gw.Shutdown(ctx)
	})
	addrs := e.gw.Addrs()
	e.subAddr, e.devAddr = addrs[0].String(), addrs[1].String()
	if len(addrs) > 2 {
		e.inAddr = addrs[2].String()
	}
	return e
}

func (e *env) lookupTXT(domain string) ([]string, error) {
	if txt, ok := e.dkimTXT[domain]; ok {
		return []string{txt}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: domain, IsNotFound: true}
}

// dial connects a go-smtp client to the STARTTLS listener and upgrades.
func (e *env) dial() *smtp.Client {
	e.t.Helper()
	c, err := smtp.DialStartTLS(e.subAddr, e.pki.ClientTLS())
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	e.t.Cleanup(func() { c.Close() })
	return c
}

// login dials, upgrades and authenticates as the agent.
func (e *env) login() *smtp.Client {
	e.t.Helper()
	c := e.dial()
	if err := c.Auth(sasl.NewPlainClient("", agentLogin, agentPassword)); err != nil {
		e.t.Fatalf("auth: %v", err)
	}
	return c
}

// send runs one transaction and returns the final error (nil on 250).
func send(c *smtp.Client, from string, to []string, msg []byte) error {
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, r := range to {
		if err := c.Rcpt(r, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	return w.Close()
}

// message builds a plain reply from the agent to the buyer.
func message(from, to, subject, body string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Seller Support <%s>\r\nTo: %s\r\nSubject: %s\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\nMessage-ID: <%d@seller.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from, to, subject, time.Now().UnixNano(), strings.ReplaceAll(body, "\n", "\r\n"))
	return b.Bytes()
}

func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

// enhanced returns the enhanced status code of an SMTP error as "5.7.1".
func enhanced(err error) string {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return fmt.Sprintf("%d.%d.%d", se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
	}
	return ""
}

// restart stops the gateway and starts a new one on the same store with
// opts (Config, Store, LookupTXT, SLA and a quiet logger filled in), as a
// restarted process would.
func (e *env) restart(opts gateway.Options) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.gw.Shutdown(ctx); err != nil {
		e.t.Fatal(err)
	}
	opts.Config, opts.Store, opts.LookupTXT, opts.SLA = e.cfg, e.st, e.lookupTXT, e.sla
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	gw, err := gateway.New(opts)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := gw.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { gw.Shutdown(context.Background()) })
	e.gw, e.subAddr = gw, gw.Addrs()[0].String()
}
