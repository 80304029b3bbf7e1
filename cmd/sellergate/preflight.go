package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"github.com/sellergate/sellergate/config"
	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/gateway"
)

// preflight loads what serve loads beyond the configuration file itself —
// the policy file, the TLS certificate and key, the DKIM keys, the next
// hop's CA — so that `config check` (the systemd unit's ExecStartPre)
// fails where serve would. It returns the policy and every problem found.
func preflight(cfg *config.Config) (*filter.Policy, error) {
	var errs []error
	policy, err := loadPolicy(cfg)
	if err != nil {
		errs = append(errs, fmt.Errorf("policy: %w", err))
	}
	if t := cfg.TLS; t != nil && t.ACME == nil && t.Cert != "" {
		if _, err := tls.LoadX509KeyPair(t.Cert, t.Key); err != nil {
			errs = append(errs, fmt.Errorf("tls: loading %s and %s: %w", t.Cert, t.Key, err))
		}
	}
	if _, err := gateway.NewSigner(cfg.DKIM); err != nil {
		errs = append(errs, err)
	}
	if ca := cfg.Relay.CAFile; ca != "" {
		pem, err := os.ReadFile(ca)
		if err == nil && !x509.NewCertPool().AppendCertsFromPEM(pem) {
			err = errors.New("no PEM certificate in it")
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("relay: ca_file %s: %w", ca, err))
		}
	}
	return policy, errors.Join(errs...)
}
