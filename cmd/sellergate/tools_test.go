package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
	"golang.org/x/crypto/bcrypt"

	"github.com/sellergate/sellergate/config"
	"github.com/sellergate/sellergate/gateway"
)

func TestPasswdPrintsUsableHash(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"passwd"}, strings.NewReader("s3cret-enough\n"), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	hash := strings.TrimSpace(out.String())
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte("s3cret-enough")) != nil {
		t.Errorf("printed hash %q does not match the password", hash)
	}
	if code := run([]string{"passwd"}, strings.NewReader("short\n"), &out, &errb); code == 0 {
		t.Error("a 5-character password was accepted")
	}
}

// TestDKIMKeygenKeySignsVerifiably writes a key, loads it as the gateway
// does, signs, and verifies against the TXT record the command printed.
func TestDKIMKeygenKeySignsVerifiably(t *testing.T) {
	for _, algo := range []string{"rsa", "ed25519"} {
		dir := t.TempDir()
		keyFile := filepath.Join(dir, "shop.key")
		var out, errb bytes.Buffer
		code := run([]string{"dkim", "keygen", "--domain", "example-shop.de", "--selector", "sg1", "--algo", algo, "--out", keyFile}, nil, &out, &errb)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", algo, code, errb.String())
		}
		m := regexp.MustCompile(`sg1\._domainkey\.example-shop\.de\. IN TXT "(.+)"`).FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("%s: no TXT record in:\n%s", algo, out.String())
		}
		txt := strings.ReplaceAll(m[1], `" "`, "")
		if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: key file %v mode %v", algo, err, fi.Mode())
		}
		s, err := gateway.NewSigner([]config.DKIMKey{{Domain: "example-shop.de", Selector: "sg1", Key: keyFile}})
		if err != nil {
			t.Fatal(err)
		}
		msg := "From: <support@example-shop.de>\r\nTo: <x@marketplace.amazon.de>\r\nSubject: hi\r\n\r\nhello\r\n"
		sig, err := s.Sign("example-shop.de", strings.NewReader(msg))
		if err != nil {
			t.Fatal(err)
		}
		vs, err := dkim.VerifyWithOptions(strings.NewReader(string(sig)+msg), &dkim.VerifyOptions{
			LookupTXT: func(string) ([]string, error) { return []string{txt}, nil },
		})
		if err != nil || len(vs) != 1 || vs[0].Err != nil {
			t.Errorf("%s: verification failed: %v %v", algo, err, vs)
		}
		// Never overwrite an existing key.
		if code := run([]string{"dkim", "keygen", "--domain", "example-shop.de", "--selector", "sg1", "--out", keyFile}, nil, &out, &errb); code == 0 {
			t.Errorf("%s: keygen overwrote an existing key file", algo)
		}
	}
}

func TestConfigCheckWarnsAboutDMARC(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "c.yaml")
	os.WriteFile(f, []byte("submission: [{listen: '127.0.0.1:2587'}]\ntrusted_networks: [{network: 10.1.2.3, addresses: [info@example-shop.de]}]\nrelay: {url: 'smtp://relay.example.net:587'}\n"), 0o600)
	var out, errb bytes.Buffer
	if code := run([]string{"config", "check", f}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), f+":2: From domain example-shop.de has no DKIM key") {
		t.Errorf("no DMARC warning with file and line:\n%s", errb.String())
	}
}

// TestCheckBuyerMessage: a draft that pastes the buyer's words without any
// quote mark is refused for the buyer's phone number, and passes when
// check is told the buyer's message, as the gateway would with it on
// record.
func TestCheckBuyerMessage(t *testing.T) {
	dir := t.TempDir()
	buyer := filepath.Join(dir, "buyer.eml")
	draft := filepath.Join(dir, "draft.eml")
	os.WriteFile(buyer, []byte("From: Buyer <a1b2c3d4e5f6g7@marketplace.amazon.fr>\r\nTo: support@shop.test\r\n"+
		"Subject: Commande 171-1234567-7654321\r\n\r\nBonjour, appelez-moi au 06 12 34 56 78, sinon je mets une étoile.\r\n"), 0o644)
	os.WriteFile(draft, []byte("From: support@shop.test\r\nTo: a1b2c3d4e5f6g7@marketplace.amazon.fr\r\n"+
		"Subject: Re: Commande 171-1234567-7654321\r\n\r\nBonjour,\r\nnous vous envoyons un remplacement aujourd'hui.\r\n\r\n"+
		"Votre message :\r\nBonjour, appelez-moi au 06 12 34 56 78, sinon je mets une étoile.\r\n"), 0o644)
	var out, errb bytes.Buffer
	if code := run([]string{"check", draft}, nil, &out, &errb); code != 1 || !strings.Contains(out.String(), "[contact]") {
		t.Fatalf("without the buyer's message: exit %d, want 1 naming the phone number:\n%s%s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := run([]string{"check", "--buyer-message", buyer, draft}, nil, &out, &errb); code != 0 {
		t.Fatalf("with --buyer-message: exit %d, want 0:\n%s%s", code, out.String(), errb.String())
	}
	if code := run([]string{"check", "--buyer-message", filepath.Join(dir, "missing.eml"), draft}, nil, &out, &errb); code != 2 {
		t.Errorf("a missing buyer message: exit %d, want 2", code)
	}
}

// TestCheckRefusesWhatItCannotRead drives sellergate check as an attacker
// would: a violation hidden in a multipart that never shows its boundary
// is found and named; MIME nested past the limit, or Outlook's
// winmail.dat, is refused as unreadable (exit 1), never passed.
func TestCheckRefusesWhatItCannotRead(t *testing.T) {
	dir := t.TempDir()
	head := "From: support@shop.test\r\nTo: a1b2c3d4e5@marketplace.amazon.de\r\nSubject: Re: x\r\nMIME-Version: 1.0\r\n"
	files := map[string]struct{ raw, want string }{
		"boundary.eml": {head + "Content-Type: multipart/mixed; boundary=\"never\"\r\n\r\nRufen Sie an: 030 1234567\r\n", "[contact]"},
		"nested.eml": {head + strings.Repeat("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n", 30) +
			"Content-Type: text/plain\r\n\r\nRufen Sie an: 030 1234567\r\n", "[unreadable]"},
		"tnef.eml": {head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nHallo\r\n" +
			"--b\r\nContent-Type: application/ms-tnef; name=winmail.dat\r\n\r\nxx\r\n--b--\r\n", "[unreadable]"},
	}
	for name, f := range files {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(f.raw), 0o644)
		var out, errb bytes.Buffer
		if code := run([]string{"check", path}, nil, &out, &errb); code != 1 || !strings.Contains(out.String(), f.want) {
			t.Errorf("%s: exit %d, want 1 naming %s:\n%s%s", name, code, f.want, out.String(), errb.String())
		}
	}
}
