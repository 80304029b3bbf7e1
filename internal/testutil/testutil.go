// Package testutil has the real parts tests run against: a throwaway PKI
// and an SMTP next hop that records what it accepts.
package testutil

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// PKI is a throwaway CA and a certificate for 127.0.0.1 / localhost,
// generated per test.
type PKI struct {
	// CertFile, KeyFile and CAFile are PEM files in a temporary directory.
	CertFile, KeyFile, CAFile string
	// Pool trusts the CA.
	Pool *x509.CertPool
	// ServerTLS presents the certificate.
	ServerTLS *tls.Config
}

func NewPKI(t testing.TB) *PKI {
	t.Helper()
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sellergate test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	p := &PKI{
		CertFile: filepath.Join(dir, "cert.pem"),
		KeyFile:  filepath.Join(dir, "key.pem"),
		CAFile:   filepath.Join(dir, "ca.pem"),
		Pool:     x509.NewCertPool(),
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	WriteFile(t, p.CertFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	WriteFile(t, p.KeyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	WriteFile(t, p.CAFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))
	p.Pool.AddCert(caCert)
	cert, err := tls.LoadX509KeyPair(p.CertFile, p.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	p.ServerTLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	return p
}

// ClientTLS trusts the CA and expects the 127.0.0.1 certificate.
func (p *PKI) ClientTLS() *tls.Config {
	return &tls.Config{RootCAs: p.Pool, ServerName: "127.0.0.1"}
}

func WriteFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// HopMsg is one message a next hop received.
type HopMsg struct {
	From string
	To   []string
	Data []byte
}

// NextHop is a real SMTP server standing in for Amazon's relay (or a
// provider's submission server); tests set how it answers.
type NextHop struct {
	// Addr is host:port.
	Addr string
	// Srv is the server (tests close it to take the next hop down).
	Srv *smtp.Server

	mu         sync.Mutex
	msgs       []HopMsg
	reject     *smtp.SMTPError
	rcptReject *smtp.SMTPError
	delay      time.Duration
	auth       [2]string
	conns      map[*smtp.Conn]bool
}

// StartNextHop runs a next hop on loopback until the test ends; with pki
// it offers STARTTLS.
func StartNextHop(t testing.TB, pki *PKI) *NextHop {
	t.Helper()
	return StartNextHopAt(t, pki, "127.0.0.1:0")
}

// StartNextHopAt is StartNextHop on a given address (to bring a next hop
// back where it was).
func StartNextHopAt(t testing.TB, pki *PKI, addr string) *NextHop {
	t.Helper()
	h := &NextHop{}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		h.mu.Lock()
		if h.conns == nil {
			h.conns = map[*smtp.Conn]bool{}
		}
		h.conns[c] = true // a session per greeting: one before STARTTLS, one after
		h.mu.Unlock()
		return &hopSession{h: h}, nil
	}))
	s.Domain = "nexthop.test"
	s.AllowInsecureAuth = true
	s.EnableSMTPUTF8 = true
	s.ErrorLog = discardLog{}
	if pki != nil {
		s.TLSConfig = pki.ServerTLS
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	h.Addr = ln.Addr().String()
	h.Srv = s
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return h
}

// Set makes the next hop refuse every message with reject (nil accepts)
// after waiting delay.
func (h *NextHop) Set(reject *smtp.SMTPError, delay time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reject, h.delay = reject, delay
}

// SetRcpt makes the next hop refuse every recipient with reject (nil
// accepts).
func (h *NextHop) SetRcpt(reject *smtp.SMTPError) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.rcptReject = reject
}

// Connections returns how many connections clients opened so far.
func (h *NextHop) Connections() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

// Received returns the messages accepted so far.
func (h *NextHop) Received() []HopMsg {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]HopMsg(nil), h.msgs...)
}

type discardLog struct{}

func (discardLog) Printf(string, ...any) {}
func (discardLog) Println(...any)        {}

type hopSession struct {
	h    *NextHop
	from string
	to   []string
}

func (s *hopSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *hopSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, u, p string) error {
		s.h.mu.Lock()
		s.h.auth = [2]string{u, p}
		s.h.mu.Unlock()
		return nil
	}), nil
}
func (s *hopSession) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *hopSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.h.mu.Lock()
	reject := s.h.rcptReject
	s.h.mu.Unlock()
	if reject != nil {
		return reject
	}
	s.to = append(s.to, to)
	return nil
}
func (s *hopSession) Reset()        { s.from, s.to = "", nil }
func (s *hopSession) Logout() error { return nil }
func (s *hopSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.h.mu.Lock()
	reject, delay := s.h.reject, s.h.delay
	s.h.mu.Unlock()
	time.Sleep(delay)
	if reject != nil {
		return reject
	}
	s.h.mu.Lock()
	s.h.msgs = append(s.h.msgs, HopMsg{From: s.from, To: s.to, Data: data})
	s.h.mu.Unlock()
	return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0}, Message: "Ok: queued as HOP1"}
}
