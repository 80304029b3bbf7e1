package gateway

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/sellergate/sellergate/config"
)

// signedHeaders are the header fields covered by the signature: the ones
// DMARC and a reader care about, and nothing a relay usually rewrites.
var signedHeaders = []string{
	"From", "Reply-To", "Subject", "Date", "To", "Cc", "Message-ID",
	"In-Reply-To", "References", "MIME-Version", "Content-Type",
	"Content-Transfer-Encoding", "Content-Disposition",
}

// Signer signs outgoing mail with DKIM for the domains it has keys for.
type Signer struct {
	keys map[string]*dkim.SignOptions
}

// NewSigner loads the configured keys.
func NewSigner(keys []config.DKIMKey) (*Signer, error) {
	s := &Signer{keys: map[string]*dkim.SignOptions{}}
	for _, k := range keys {
		key, err := LoadDKIMKey(k.Key)
		if err != nil {
			return nil, fmt.Errorf("dkim key for %s: %w", k.Domain, err)
		}
		s.keys[strings.ToLower(k.Domain)] = &dkim.SignOptions{
			Domain:                 k.Domain,
			Selector:               k.Selector,
			Signer:                 key,
			Hash:                   crypto.SHA256,
			HeaderCanonicalization: dkim.CanonicalizationRelaxed,
			BodyCanonicalization:   dkim.CanonicalizationRelaxed,
			HeaderKeys:             signedHeaders,
		}
	}
	return s, nil
}

// Sign returns the DKIM-Signature header field (with CRLF) for the message in
// r sent from an address in domain, or nil when there is no key for it.
func (s *Signer) Sign(domain string, r io.Reader) ([]byte, error) {
	opts, ok := s.keys[strings.ToLower(domain)]
	if !ok {
		return nil, nil
	}
	signer, err := dkim.NewSigner(opts)
	if err != nil {
		return nil, fmt.Errorf("dkim: %w", err)
	}
	if _, err := io.Copy(signer, r); err != nil {
		signer.Close()
		return nil, fmt.Errorf("dkim: reading message: %w", err)
	}
	if err := signer.Close(); err != nil {
		return nil, fmt.Errorf("dkim: %w", err)
	}
	return []byte(signer.Signature()), nil
}

// Has reports whether there is a key for domain.
func (s *Signer) Has(domain string) bool {
	_, ok := s.keys[strings.ToLower(domain)]
	return ok
}

// LoadDKIMKey reads a PEM private key: RSA (PKCS#1 or PKCS#8, at least 2048
// bits) or Ed25519 (PKCS#8).
func LoadDKIMKey(path string) (crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM block", path)
	}
	var key any
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("%s: unsupported PEM block %q", path, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("%s: RSA key has %d bits, DKIM needs at least 2048", path, k.N.BitLen())
		}
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	}
	return nil, fmt.Errorf("%s: key is neither RSA nor Ed25519", path)
}

// GenerateDKIMKey makes a new key of the given algorithm ("rsa" or
// "ed25519"), returns it PEM-encoded, and the DNS TXT record value to publish
// at SELECTOR._domainkey.DOMAIN.
func GenerateDKIMKey(algo string) (pemKey []byte, txt string, err error) {
	var priv any
	var pub []byte
	var k string
	switch algo {
	case "rsa", "":
		rk, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, "", err
		}
		priv = rk
		if pub, err = x509.MarshalPKIXPublicKey(&rk.PublicKey); err != nil {
			return nil, "", err
		}
		k = "rsa"
	case "ed25519":
		epub, ek, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, "", err
		}
		priv = ek
		pub = epub
		k = "ed25519"
	default:
		return nil, "", errors.New("algorithm must be rsa or ed25519")
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, "", err
	}
	pemKey = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	txt = fmt.Sprintf("v=DKIM1; k=%s; p=%s", k, base64.StdEncoding.EncodeToString(pub))
	return pemKey, txt, nil
}

// DKIMRecord returns the DNS TXT record ("v=DKIM1; k=…; p=…") that
// publishes key's public half.
func DKIMRecord(key crypto.Signer) (string, error) {
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return "", err
		}
		return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der), nil
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub), nil
	}
	return "", errors.New("DKIM keys are RSA or Ed25519")
}

// SignWith DKIM-signs the message in r for domain with selector and key
// and returns the DKIM-Signature header field (with CRLF).
func SignWith(r io.Reader, domain, selector string, key crypto.Signer) ([]byte, error) {
	s := &Signer{keys: map[string]*dkim.SignOptions{strings.ToLower(domain): {
		Domain: domain, Selector: selector, Signer: key, Hash: crypto.SHA256,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: signedHeaders,
	}}}
	return s.Sign(domain, r)
}
