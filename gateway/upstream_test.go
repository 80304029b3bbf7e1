package gateway_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/sellergate/sellergate/store"
)

const orgSender = "anna@org.test"

// clientCert makes a TLS client certificate and the base64 SHA-256 of its
// public key, as an upstream's cert_spki pins it.
func clientCert(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.protection.outlook.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, base64.StdEncoding.EncodeToString(sum[:])
}

// orgMessage is a reply from an address of the organisation's domain.
func orgMessage(from, body string) []byte {
	return []byte("From: Anna <" + from + ">\r\nTo: <" + buyerAddr + ">\r\nSubject: Re: 302-1234567-7654321\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" +
		fmt.Sprint(time.Now().UnixNano()) + "@org.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n")
}

// TestUpstreamByNetwork: an MTA trusted by its network (Google
// Workspace's way) submits for any address of its domain, and each
// address is its own agent; another domain and a non-Amazon recipient
// are refused, and a violation gets the usual refusal.
func TestUpstreamByNetwork(t *testing.T) {
	e := startEnv(t, "upstreams:\n  - {name: workspace, domains: [org.test], account: seller, networks: [127.0.0.1/32]}\n")
	c := e.dial()
	if err := send(c, orgSender, []string{buyerAddr}, orgMessage(orgSender, "Your parcel left today.")); err != nil {
		t.Fatalf("a compliant reply through the upstream: %v", err)
	}
	if err := send(c, "bob@other.test", []string{buyerAddr}, orgMessage("bob@other.test", "Hello.")); smtpCode(err) != 550 {
		t.Errorf("a sender of another domain: %v, want 550", err)
	}
	c.Reset()
	if err := send(c, orgSender, []string{"friend@gmail.test"}, orgMessage(orgSender, "Hello.")); smtpCode(err) != 550 {
		t.Errorf("a non-Amazon recipient through the upstream: %v, want 550 (never an open relay)", err)
	}
	c.Reset()
	err := send(c, orgSender, []string{buyerAddr}, orgMessage(orgSender, "Visit our shop at www.meinshop-beispiel.de"))
	if smtpCode(err) != 550 || !strings.Contains(err.Error(), "link") {
		t.Errorf("a violation through the upstream: %v, want the 550 naming the link", err)
	}
	recs, err := e.st.Search(t.Context(), store.Query{Kind: store.KindMessage})
	if err != nil || len(recs) == 0 || recs[0].Agent != orgSender {
		t.Fatalf("the trail names %v (%v), want the sender address as the agent", recs, err)
	}
	if n := len(e.hop.Received()); n != 1 {
		t.Errorf("the next hop got %d messages, want the compliant one", n)
	}
}

// TestUpstreamByClientCertificate: an MTA recognised by its client
// certificate's key (Microsoft 365's way) submits without AUTH; another
// certificate is not an upstream.
func TestUpstreamByClientCertificate(t *testing.T) {
	cert, pin := clientCert(t)
	other, _ := clientCert(t)
	e := startEnv(t, fmt.Sprintf("upstreams:\n  - {name: m365, domains: [org.test], account: seller, cert_spki: [%q]}\n", pin))
	dial := func(c tls.Certificate) *smtp.Client {
		cfg := e.pki.ClientTLS()
		cfg.Certificates = []tls.Certificate{c}
		cl, err := smtp.DialStartTLS(e.subAddr, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cl.Close() })
		return cl
	}
	if err := send(dial(cert), orgSender, []string{buyerAddr}, orgMessage(orgSender, "Your parcel left today.")); err != nil {
		t.Fatalf("with the pinned certificate: %v", err)
	}
	if err := send(dial(other), orgSender, []string{buyerAddr}, orgMessage(orgSender, "Your parcel left today.")); smtpCode(err) != 530 {
		t.Errorf("with another certificate: %v, want 530 (authentication required)", err)
	}
}

// TestUpstreamByAuthKeepsItsSignature: an on-premises MTA authenticates
// with SMTP AUTH; a compliant message it DKIM-signed reaches the next hop
// with that signature still verifying.
func TestUpstreamByAuthKeepsItsSignature(t *testing.T) {
	key, txt := dkimKey(t)
	e := startEnv(t, fmt.Sprintf("upstreams:\n  - {name: onprem, domains: [org.test], account: seller, login: relay, password_hash: %q}\n", hashOnce()))
	var signed bytes.Buffer
	if err := dkim.Sign(&signed, bytes.NewReader(orgMessage(orgSender, "Your parcel left today.\r\nThe tracking number is in your order.")), &dkim.SignOptions{
		Domain: "org.test", Selector: "mta", Signer: key, HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID"}}); err != nil {
		t.Fatal(err)
	}
	c := e.dial()
	if err := c.Auth(sasl.NewPlainClient("", "relay", agentPassword)); err != nil {
		t.Fatal(err)
	}
	if err := send(c, orgSender, []string{buyerAddr}, signed.Bytes()); err != nil {
		t.Fatalf("the signed message: %v", err)
	}
	got := e.hop.Received()
	if len(got) != 1 {
		t.Fatalf("next hop got %d messages", len(got))
	}
	verified, err := dkim.VerifyWithOptions(bytes.NewReader(got[0].Data), &dkim.VerifyOptions{LookupTXT: func(d string) ([]string, error) {
		if d == "mta._domainkey.org.test" {
			return []string{txt}, nil
		}
		return nil, fmt.Errorf("no record for %s", d)
	}})
	if err != nil {
		t.Fatal(err)
	}
	ok := false
	for _, v := range verified {
		ok = ok || v.Domain == "org.test" && v.Err == nil
	}
	if !ok {
		t.Errorf("the upstream's signature does not verify at the next hop: %+v", verified)
	}
}

// TestMailLoopRefused: a message that took more hops than any real path
// is refused as a loop.
func TestMailLoopRefused(t *testing.T) {
	e := startEnv(t, "")
	msg := []byte(strings.Repeat("Received: from mx.loop.test by gw.test; Mon, 02 Nov 2026 10:00:00 +0000\r\n", 31) + string(message(agentAddr, buyerAddr, "Re: 302-1234567-7654321", "Hello.")))
	err := send(e.login(), agentAddr, []string{buyerAddr}, msg)
	if smtpCode(err) != 554 || enhanced(err) != "5.4.6" {
		t.Errorf("31 Received headers: %v, want 554 5.4.6", err)
	}
}

// dkimKey makes the upstream's RSA signing key and its DNS record.
func dkimKey(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	return key, "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(pub)
}

// TestUpstreamHeadersKeptNotTrusted: the provider's Authentication-Results
// and ARC headers reach the next hop as they came, and a header claiming
// the message passed does not make a violation pass.
func TestUpstreamHeadersKeptNotTrusted(t *testing.T) {
	e := startEnv(t, "upstreams:\n  - {name: workspace, domains: [org.test], account: seller, networks: [127.0.0.1/32]}\n")
	hdrs := "ARC-Authentication-Results: i=1; mx.google.test; dkim=pass header.d=org.test\r\nAuthentication-Results: mx.google.test; dkim=pass header.d=org.test; x-sellergate=pass\r\n"
	c := e.dial()
	if err := send(c, orgSender, []string{buyerAddr}, append([]byte(hdrs), orgMessage(orgSender, "Your parcel left today.")...)); err != nil {
		t.Fatal(err)
	}
	got := e.hop.Received()
	if len(got) != 1 || !bytes.Contains(got[0].Data, []byte(hdrs)) {
		t.Errorf("the provider's headers did not reach the next hop as they came")
	}
	err := send(c, orgSender, []string{buyerAddr}, append([]byte(hdrs), orgMessage(orgSender, "Visit www.meinshop-beispiel.de for more.")...))
	if smtpCode(err) != 550 {
		t.Errorf("a violation with a 'pass' header: %v, want 550", err)
	}
}
