package tlscert

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sellergate/sellergate/internal/testutil"
)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	// Written beside and renamed, as certbot and ACME clients do.
	tmp := to + ".tmp"
	testutil.WriteFile(t, tmp, b)
	if err := os.Rename(tmp, to); err != nil {
		t.Fatal(err)
	}
}

func served(t *testing.T, p *Pair) []byte {
	t.Helper()
	c, err := p.GetCertificate(nil)
	if err != nil || c == nil {
		t.Fatalf("no certificate in force: %v", err)
	}
	return c.Certificate[0]
}

// A renewed pair is in force once its files change; a broken renewal
// keeps the old pair and is reported once, not at every look.
func TestRenewalByFileChange(t *testing.T) {
	old, renewed := testutil.NewPKI(t), testutil.NewPKI(t)
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	copyFile(t, old.CertFile, cert)
	copyFile(t, old.KeyFile, key)
	p, err := Load(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	first := served(t, p)
	if changed, err := p.Reload(); changed || err != nil {
		t.Fatalf("unchanged files reloaded: %v %v", changed, err)
	}
	time.Sleep(10 * time.Millisecond) // a new modification time
	copyFile(t, renewed.KeyFile, key)
	copyFile(t, renewed.CertFile, cert)
	if changed, err := p.Reload(); !changed || err != nil {
		t.Fatalf("renewed files: changed %v, %v", changed, err)
	}
	if bytes.Equal(served(t, p), first) {
		t.Fatal("the old certificate is still served after the renewal")
	}
	second := served(t, p)
	time.Sleep(10 * time.Millisecond)
	testutil.WriteFile(t, cert, []byte("-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n"))
	if _, err := p.Reload(); err == nil {
		t.Fatal("a broken certificate file loaded")
	}
	if !bytes.Equal(served(t, p), second) {
		t.Fatal("a broken renewal replaced the certificate in force")
	}
	if changed, err := p.Reload(); changed || err != nil {
		t.Fatalf("the same broken file reported again: %v %v", changed, err)
	}
}
