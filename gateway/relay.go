package gateway

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/sellergate/sellergate/config"
)

// Delivery is one message handed to a next hop.
type Delivery struct {
	// QueueID names the message in logs and files.
	QueueID string
	From    string
	To      []string
	// Prefix is written before Body (e.g. a DKIM-Signature header field).
	Prefix []byte
	// Body is the message as received.
	Body io.Reader
	// Size is len(Prefix) + the body's size, for the SIZE parameter.
	Size int64
	// UTF8 asks for SMTPUTF8 on the next hop.
	UTF8 bool
	// BeforeCommit, when set, is called after the whole message went to the
	// next hop and before the final dot that makes the next hop accept it.
	// An error aborts the transaction: the connection is dropped mid-DATA,
	// so the next hop discards the message (RFC 5321 4.1.1.4).
	BeforeCommit func() error
}

// DeliveryError is a next hop's refusal or a failure to reach it. Every
// delivery error says whether it is permanent, so that the reply to the
// client, the record and the SLA clock all decide the same way.
type DeliveryError struct {
	// Permanent is true when trying again cannot help (a 5xx from the next hop).
	Permanent bool
	// Code and EnhancedCode are the next hop's, when it answered.
	Code         int
	EnhancedCode smtp.EnhancedCode
	// Message is the next hop's text, or what went wrong reaching it.
	Message string
	Err     error
}

func (e *DeliveryError) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("next hop replied %d %s", e.Code, e.Message)
	}
	return fmt.Sprintf("next hop: %s", e.Message)
}

// Unwrap returns the underlying error.
func (e *DeliveryError) Unwrap() error { return e.Err }

// Relay hands messages to the next hop.
type Relay interface {
	// Deliver returns the next hop's reply text once it accepted the message,
	// or a *DeliveryError.
	Deliver(ctx context.Context, d *Delivery) (string, error)
	// Check reports whether the next hop can be reached now.
	Check(ctx context.Context) error
	// Close releases pooled connections.
	Close() error
}

// NewRelay builds the relay named by a next-hop URL from the configuration.
func NewRelay(cfg *config.Relay, url string, hostname string) (Relay, error) {
	switch {
	case strings.HasPrefix(url, "maildir:"):
		return newMaildir(strings.TrimPrefix(url, "maildir:"), hostname)
	case url == "mx":
		return &mxRelay{hostname: hostname, timeout: cfg.Timeout}, nil
	}
	return newSMTPRelay(cfg, url, hostname)
}

// smtpRelay delivers to one SMTP next hop, keeping a pool of open sessions.
type smtpRelay struct {
	addr     string
	implicit bool
	hostname string
	tls      *tls.Config
	reqTLS   bool
	auth     func() sasl.Client
	timeout  time.Duration
	dialer   net.Dialer

	mu   sync.Mutex
	idle []*hopConn
	max  int
}

// hopConn is an open session with the next hop and its raw connection, kept
// so a delivery's deadline can cut it.
type hopConn struct {
	*smtp.Client
	raw      net.Conn
	lastUsed time.Time
}

// maxIdle is how long a pooled session may wait unused; next hops drop idle
// clients after a while (Postfix after 300s, many providers sooner).
const maxIdle = 30 * time.Second

func newSMTPRelay(cfg *config.Relay, raw, hostname string) (*smtpRelay, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("relay url %q: %w", raw, err)
	}
	r := &smtpRelay{
		addr:     u.Host,
		implicit: u.Scheme == "smtps",
		hostname: hostname,
		reqTLS:   cfg.RequireTLS,
		timeout:  cfg.Timeout,
		max:      cfg.Pool,
		tls:      &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12},
		dialer:   net.Dialer{Timeout: cfg.Timeout},
	}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("relay CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("relay CA file %s: no certificate in it", cfg.CAFile)
		}
		r.tls.RootCAs = pool
	}
	if cfg.Username != "" {
		pw, err := cfg.RelayPassword()
		if err != nil {
			return nil, err
		}
		user := cfg.Username
		r.auth = func() sasl.Client { return sasl.NewPlainClient("", user, pw) }
	}
	return r, nil
}

func (r *smtpRelay) dial(ctx context.Context) (*hopConn, error) {
	conn, err := r.dialer.DialContext(ctx, "tcp", r.addr)
	if err != nil {
		return nil, tempDeliveryError(fmt.Sprintf("cannot connect to %s", r.addr), err)
	}
	raw := conn
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer func() { stop() }()
	if r.implicit {
		tc := tls.Client(conn, r.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, tempDeliveryError(fmt.Sprintf("TLS with %s failed", r.addr), err)
		}
		conn = tc
	}
	var c *smtp.Client
	if r.implicit {
		c = smtp.NewClient(conn)
		err = c.Hello(r.hostname)
	} else {
		// STARTTLS whenever the next hop offers it.
		c, err = smtp.NewClientStartTLS(conn, r.tls)
		if err != nil && !r.reqTLS && strings.Contains(err.Error(), "doesn't support STARTTLS") {
			conn.Close()
			if conn, err = r.dialer.DialContext(ctx, "tcp", r.addr); err != nil {
				return nil, tempDeliveryError(fmt.Sprintf("cannot connect to %s", r.addr), err)
			}
			raw = conn
			c = smtp.NewClient(conn)
			err = c.Hello(r.hostname)
		}
	}
	if err != nil {
		conn.Close()
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			return nil, asDeliveryError(err)
		}
		return nil, tempDeliveryError(fmt.Sprintf("session with %s failed", r.addr), err)
	}
	c.CommandTimeout = r.timeout
	c.SubmissionTimeout = r.timeout
	if r.auth != nil {
		if err := c.Auth(r.auth()); err != nil {
			c.Close()
			de := asDeliveryError(err)
			// A rejected password is the gateway's problem, not the agent's:
			// keep the message retryable.
			de.Permanent = false
			return nil, de
		}
	}
	return &hopConn{Client: c, raw: raw}, nil
}

// get returns a pooled session or a new one. A pooled session was reset
// when it was put back; its next command tells whether it is still alive.
func (r *smtpRelay) get(ctx context.Context) (c *hopConn, pooled bool, err error) {
	r.mu.Lock()
	for n := len(r.idle); n > 0; n = len(r.idle) {
		c = r.idle[n-1]
		r.idle = r.idle[:n-1]
		if time.Since(c.lastUsed) < maxIdle {
			r.mu.Unlock()
			return c, true, nil
		}
		c.Close()
	}
	r.mu.Unlock()
	c, err = r.dial(ctx)
	return c, false, err
}

func (r *smtpRelay) put(c *hopConn) {
	c.lastUsed = time.Now()
	r.mu.Lock()
	if len(r.idle) < r.max {
		r.idle = append(r.idle, c)
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	c.Quit()
}

// Deliver sends one message, all recipients or none.
func (r *smtpRelay) Deliver(ctx context.Context, d *Delivery) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	c, pooled, err := r.get(ctx)
	if err != nil {
		return "", err
	}
	reply, err, committed := r.send(ctx, c, d)
	if err != nil && pooled && !committed && isConnError(err) {
		// The pooled session had gone stale before the next hop saw the
		// message: once more on a new session.
		c.Close()
		if c, err = r.dial(ctx); err != nil {
			return "", err
		}
		reply, err, _ = r.send(ctx, c, d)
	}
	if err != nil {
		c.Close()
		return "", err
	}
	// A completed transaction leaves the session ready for the next MAIL;
	// no RSET needed.
	r.put(c)
	return reply, nil
}

// send runs one transaction. committed reports whether the failure came
// after the next hop may have seen the message (then no retry).
func (r *smtpRelay) send(ctx context.Context, c *hopConn, d *Delivery) (reply string, err error, committed bool) {
	// The delivery's deadline cuts the connection wherever the exchange is.
	stop := context.AfterFunc(ctx, func() { c.raw.Close() })
	defer stop()
	defer func() {
		if err != nil && ctx.Err() != nil {
			err = &DeliveryError{Message: "timed out waiting for the next hop", Err: ctx.Err()}
		}
	}()
	opts := &smtp.MailOptions{Size: d.Size, UTF8: d.UTF8}
	if err := c.Mail(d.From, opts); err != nil {
		return "", asDeliveryError(err), false
	}
	for _, to := range d.To {
		if err := c.Rcpt(to, nil); err != nil {
			return "", asDeliveryError(err), true
		}
	}
	w, err := c.Data()
	if err != nil {
		return "", asDeliveryError(err), true
	}
	if len(d.Prefix) > 0 {
		if _, err := w.Write(d.Prefix); err != nil {
			return "", asDeliveryError(err), true
		}
	}
	if _, err := io.Copy(w, d.Body); err != nil {
		return "", asDeliveryError(err), true
	}
	if d.BeforeCommit != nil {
		if err := d.BeforeCommit(); err != nil {
			c.raw.Close()
			return "", &DeliveryError{Message: "aborted before the final dot", Err: err}, true
		}
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", asDeliveryError(err), true
	}
	return resp.StatusText, nil, true
}

func isConnError(err error) bool {
	var de *DeliveryError
	if errors.As(err, &de) && de.Code != 0 {
		return false
	}
	return true
}

// Close quits every pooled session.
func (r *smtpRelay) Close() error {
	r.mu.Lock()
	idle := r.idle
	r.idle = nil
	r.mu.Unlock()
	for _, c := range idle {
		c.Quit()
	}
	return nil
}

func tempDeliveryError(msg string, err error) *DeliveryError {
	if err != nil {
		msg = msg + ": " + err.Error()
	}
	return &DeliveryError{Message: msg, Err: err}
}

// asDeliveryError classifies a go-smtp client error.
func asDeliveryError(err error) *DeliveryError {
	var de *DeliveryError
	if errors.As(err, &de) {
		return de
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return &DeliveryError{
			Permanent:    se.Code/100 == 5,
			Code:         se.Code,
			EnhancedCode: se.EnhancedCode,
			Message:      se.Message,
			Err:          err,
		}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &DeliveryError{Message: "timed out waiting for the next hop", Err: err}
	}
	return &DeliveryError{Message: err.Error(), Err: err}
}

// maildirRelay writes each message to a maildir: nothing is sent. It is how
// a new user tries sellergate.
type maildirRelay struct {
	dir      string
	hostname string
	seq      atomic.Uint64
}

func newMaildir(dir, hostname string) (*maildirRelay, error) {
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o750); err != nil {
			return nil, fmt.Errorf("maildir outbox: %w", err)
		}
	}
	return &maildirRelay{dir: dir, hostname: hostname}, nil
}

// Deliver writes the message to tmp/, syncs it and moves it to new/, so a
// file in new/ is always complete.
func (m *maildirRelay) Deliver(ctx context.Context, d *Delivery) (string, error) {
	name := fmt.Sprintf("%d.%s_%d.%s", time.Now().Unix(), d.QueueID, m.seq.Add(1), m.hostname)
	tmp := filepath.Join(m.dir, "tmp", name)
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return "", tempDeliveryError("maildir outbox", err)
	}
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(tmp)
		return "", tempDeliveryError("maildir outbox", err)
	}
	hdr := fmt.Sprintf("Return-Path: <%s>\r\nX-Sellergate-Rcpt: %s\r\n", d.From, strings.Join(d.To, ", "))
	if _, err := io.WriteString(f, hdr); err != nil {
		return fail(err)
	}
	if _, err := f.Write(d.Prefix); err != nil {
		return fail(err)
	}
	if _, err := io.Copy(f, d.Body); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	if d.BeforeCommit != nil {
		if err := d.BeforeCommit(); err != nil {
			os.Remove(tmp)
			return "", &DeliveryError{Message: "aborted before delivery", Err: err}
		}
	}
	if err := os.Rename(tmp, filepath.Join(m.dir, "new", name)); err != nil {
		os.Remove(tmp)
		return "", tempDeliveryError("maildir outbox", err)
	}
	return "Saved in maildir outbox as new/" + name, nil
}

// Close does nothing.
func (m *maildirRelay) Close() error { return nil }

// mxRelay delivers directly to the recipient domain's MX hosts.
// MTA-STS and DANE are not implemented yet.
type mxRelay struct {
	hostname string
	timeout  time.Duration
	// resolver finds the MX hosts and their addresses.
	resolver net.Resolver
	// port is the MX hosts' SMTP port: 25 (0), another only in tests.
	port int
}

// Deliver groups recipients by domain and tries each domain's MX hosts in
// preference order. All recipients are in one domain in practice (one
// marketplace); a message to several domains fails as a whole if any fails.
func (m *mxRelay) Deliver(ctx context.Context, d *Delivery) (string, error) {
	byDomain := map[string][]string{}
	for _, to := range d.To {
		dom := strings.ToLower(to[strings.LastIndexByte(to, '@')+1:])
		byDomain[dom] = append(byDomain[dom], to)
	}
	body, err := io.ReadAll(d.Body)
	if err != nil {
		return "", tempDeliveryError("reading message", err)
	}
	var replies []string
	for dom, rcpts := range byDomain {
		mxs, err := m.resolver.LookupMX(ctx, dom)
		if err != nil || len(mxs) == 0 {
			return "", tempDeliveryError("MX lookup for "+dom, err)
		}
		var last error
		for _, mx := range mxs {
			host := strings.TrimSuffix(mx.Host, ".")
			port := 25
			if m.port != 0 {
				port = m.port
			}
			r := &smtpRelay{addr: net.JoinHostPort(host, strconv.Itoa(port)), hostname: m.hostname,
				// Opportunistic TLS, as Postfix's smtp_tls_security_level=may:
				// encrypted whenever the MX offers it, its certificate not
				// checked (MX names rarely match; MTA-STS and DANE are what
				// authenticate an MX, and are left for later).
				tls: &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12, InsecureSkipVerify: true}, timeout: m.timeout,
				dialer: net.Dialer{Timeout: m.timeout, Resolver: &m.resolver}}
			sub := *d
			sub.To = rcpts
			sub.Body = strings.NewReader(string(body))
			reply, err := r.Deliver(ctx, &sub)
			if err == nil {
				replies = append(replies, reply)
				last = nil
				break
			}
			last = err
			var de *DeliveryError
			if errors.As(err, &de) && de.Permanent {
				break
			}
		}
		if last != nil {
			return "", last
		}
	}
	return strings.Join(replies, "; "), nil
}

// Close does nothing.
func (m *mxRelay) Close() error { return nil }

// PermanentFailure reports whether retrying cannot help (queue.Permanent).
func (e *DeliveryError) PermanentFailure() bool { return e.Permanent }

// Check implements Relay: a connection is opened (greeting, EHLO, TLS) and
// kept in the pool for the next message.
func (r *smtpRelay) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	c, pooled, err := r.get(ctx)
	if err != nil {
		return err
	}
	if pooled {
		// A pooled session may have died since: it must answer.
		stop := context.AfterFunc(ctx, func() { c.raw.Close() })
		err = c.Noop()
		stop()
		if err != nil {
			c.Close()
			if c, err = r.dial(ctx); err != nil {
				return err
			}
		}
	}
	r.put(c)
	return nil
}

// Check implements Relay: the maildir's tmp folder takes a file.
func (m *maildirRelay) Check(context.Context) error {
	f, err := os.CreateTemp(filepath.Join(m.dir, "tmp"), ".ready-*")
	if err != nil {
		return fmt.Errorf("maildir %s: %w", m.dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// Check implements Relay: each recipient domain has its own next hops,
// looked up per message; there is no one to ask in advance.
func (*mxRelay) Check(context.Context) error { return nil }
