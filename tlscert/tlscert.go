// Package tlscert keeps a TLS certificate and its key from files and puts
// a renewed pair in force without a restart: on request (SIGHUP, a
// configuration reload) and when the files change. Handshakes always get
// the pair last loaded whole; a broken renewal keeps the old one.
package tlscert

import (
	"crypto/tls"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Pair is a certificate and key loaded from two files.
type Pair struct {
	mu       sync.Mutex // serializes loads
	cert     atomic.Pointer[tls.Certificate]
	certFile string
	keyFile  string
	stamp    [2]time.Time // modification times of the files loaded
	failed   [2]time.Time // and of files that failed to load
}

// Load reads the pair from certFile and keyFile.
func Load(certFile, keyFile string) (*Pair, error) {
	p := &Pair{}
	if err := p.Use(certFile, keyFile); err != nil {
		return nil, err
	}
	return p, nil
}

// Use loads the pair from certFile and keyFile (the same files again, or
// others a new configuration names) and puts it in force; on error the
// pair in force stays.
func (p *Pair) Use(certFile, keyFile string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	stamp := [2]time.Time{modTime(certFile), modTime(keyFile)}
	c, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return fmt.Errorf("loading TLS certificate %s and key %s: %w", certFile, keyFile, err)
	}
	p.cert.Store(&c)
	p.certFile, p.keyFile, p.stamp = certFile, keyFile, stamp
	return nil
}

// Reload loads the files again when either changed since they were last
// loaded; it reports whether a new pair is in force.
func (p *Pair) Reload() (bool, error) {
	p.mu.Lock()
	certFile, keyFile, stamp := p.certFile, p.keyFile, p.stamp
	p.mu.Unlock()
	now := [2]time.Time{modTime(certFile), modTime(keyFile)}
	if now == stamp || now == p.failedStamp() {
		return false, nil // unchanged, or broken and reported once
	}
	if err := p.Use(certFile, keyFile); err != nil {
		p.mu.Lock()
		p.failed = now
		p.mu.Unlock()
		return false, err
	}
	return true, nil
}

func (p *Pair) failedStamp() [2]time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failed
}

// Files returns the files the pair in force was loaded from.
func (p *Pair) Files() (certFile, keyFile string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.certFile, p.keyFile
}

// GetCertificate is for tls.Config: the pair in force.
func (p *Pair) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return p.cert.Load(), nil
}

// Leaf returns the certificate in force (parsed).
func (p *Pair) Leaf() *tls.Certificate { return p.cert.Load() }

func modTime(f string) time.Time {
	fi, err := os.Stat(f)
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}
