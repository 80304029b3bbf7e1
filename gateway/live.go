package gateway

import (
	"crypto/tls"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/sellergate/sellergate/config"
)

// live is what a configuration reload replaces: agents, trusted networks,
// accounts, recipient domains, DKIM keys, per-message limits and the policy.
// A session keeps the live it started with.
type live struct {
	cfg         *config.Config
	checker     Checker
	auth        *authenticator
	signer      *Signer
	rcptDomains map[string]bool
}

func newLive(cfg *config.Config, checker Checker) (*live, error) {
	signer, err := NewSigner(cfg.DKIM)
	if err != nil {
		return nil, err
	}
	lv := &live{cfg: cfg, checker: checker, auth: newAuthenticator(cfg.Agents, cfg.Upstreams), signer: signer, rcptDomains: map[string]bool{}}
	for _, d := range append(append([]string{}, config.AmazonRelayDomains...), cfg.RecipientDomains...) {
		lv.rcptDomains[strings.ToLower(d)] = true
	}
	return lv, nil
}

// Reload puts a new, already validated configuration and policy in force for
// sessions that start from now on. Settings that only a restart can change
// (listeners, TLS, next hop, store, connection-level limits) keep their
// old values and are returned by name.
func (g *Gateway) Reload(cfg *config.Config, checker Checker) (needRestart []string, err error) {
	lv, err := newLive(cfg, checker)
	if err != nil {
		return nil, fmt.Errorf("reload: %w", err)
	}
	old := g.cfg
	// The certificate is read again: a renewed one (or other files) is in
	// force without a restart.
	if g.certs != nil && cfg.TLS != nil {
		if err := g.certs.Use(cfg.TLS.Cert, cfg.TLS.Key); err != nil {
			return nil, fmt.Errorf("reload: %w", err)
		}
	}
	oldTLS, newTLS := old.TLS != nil, cfg.TLS != nil
	for _, c := range []struct {
		name     string
		old, new any
	}{
		{"hostname", old.Hostname, cfg.Hostname},
		{"tls", oldTLS, newTLS},
		{"submission", old.Submission, cfg.Submission},
		{"inbound", old.Inbound, cfg.Inbound},
		{"relay", old.Relay, cfg.Relay},
		{"store", old.Store, cfg.Store},
		{"metrics", old.Metrics, cfg.Metrics},
		{"log", old.Log, cfg.Log},
		{"limits.max_message_size", old.Limits.MaxMessageSize, cfg.Limits.MaxMessageSize},
		{"limits.max_recipients", old.Limits.MaxRecipients, cfg.Limits.MaxRecipients},
		{"limits.connections_per_ip", old.Limits.ConnectionsPerIP, cfg.Limits.ConnectionsPerIP},
		{"limits.auth_failures_per_minute", old.Limits.AuthFailuresPerMinute, cfg.Limits.AuthFailuresPerMinute},
		{"limits.max_connections", old.Limits.MaxConnections, cfg.Limits.MaxConnections},
		{"limits.sessions_per_ip_per_minute", old.Limits.SessionsPerIPPerMinute, cfg.Limits.SessionsPerIPPerMinute},
		{"limits.auth_failures_per_account", old.Limits.AuthFailuresPerAccount, cfg.Limits.AuthFailuresPerAccount},
		{"limits.command_timeout", old.Limits.CommandTimeout, cfg.Limits.CommandTimeout},
		{"limits.shutdown_timeout", old.Limits.ShutdownTimeout, cfg.Limits.ShutdownTimeout},
	} {
		if !reflect.DeepEqual(c.old, c.new) {
			needRestart = append(needRestart, c.name)
		}
	}
	g.live.Store(lv)
	return needRestart, nil
}

// ReloadCertificate puts the certificate in force again when its files
// changed (a renewal); it reports whether it did.
func (g *Gateway) ReloadCertificate() (bool, error) {
	if g.certs == nil {
		return false, nil
	}
	return g.certs.Reload()
}

// GetCertificate is the certificate in force, from files or ACME, for
// other listeners (the admin API).
func (g *Gateway) GetCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	if g.tls == nil || g.tls.GetCertificate == nil {
		return nil, errors.New("no TLS certificate configured")
	}
	return g.tls.GetCertificate(hello)
}
