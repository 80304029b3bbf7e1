package gateway

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"strings"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"

	"github.com/sellergate/sellergate/config"
)

// newACME returns the certificate manager for tls: acme: it obtains the
// certificate from the CA at the first handshake that asks for one of the
// domains, keeps it in the cache directory and renews it before it
// expires, without a restart.
func newACME(a *config.ACME) (*autocert.Manager, error) {
	if err := os.MkdirAll(a.CacheDir, 0o700); err != nil {
		return nil, fmt.Errorf("acme cache: %w", err)
	}
	client := &acme.Client{DirectoryURL: a.Directory}
	if a.CAFile != "" {
		pem, err := os.ReadFile(a.CAFile)
		if err != nil {
			return nil, fmt.Errorf("acme ca_file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("acme ca_file %s: no PEM certificate", a.CAFile)
		}
		client.HTTPClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	}
	return &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		Cache:      autocert.DirCache(a.CacheDir),
		HostPolicy: autocert.HostWhitelist(a.Domains...),
		Email:      a.Email,
		Client:     client,
	}, nil
}

// acmeTLS is the listeners' TLS configuration with an ACME certificate; a
// client that sends no server name (an agent connecting by address) gets
// the first domain's.
func acmeTLS(m *autocert.Manager, domains []string) *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{acme.ALPNProto},
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			if hello.ServerName == "" || !knownDomain(hello.ServerName, domains) {
				h := *hello
				h.ServerName = domains[0]
				hello = &h
			}
			return m.GetCertificate(hello)
		},
	}
}

func knownDomain(name string, domains []string) bool {
	for _, d := range domains {
		if strings.EqualFold(d, name) {
			return true
		}
	}
	return false
}

// ACMEHandler answers the ACME HTTP-01 challenge (served on
// tls.acme.http_listen); nil without ACME.
func (g *Gateway) ACMEHandler() http.Handler {
	if g.acme == nil {
		return nil
	}
	return g.acme.HTTPHandler(nil)
}
