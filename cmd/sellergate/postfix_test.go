package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-smtp"
	"golang.org/x/crypto/bcrypt"

	"github.com/sellergate/sellergate/internal/testutil"
)

// postfixUpstream is a private Postfix instance standing in for the
// organisation's outbound relay (Google Workspace, Microsoft 365, an
// on-premises MTA): transport_maps send only the Amazon relay domain to
// sellergate and the organisation's own domain to its mailbox (where
// bounces arrive); mainExtra adds how it presents itself to sellergate.
type postfixUpstream struct {
	addr    string // where the organisation's users submit
	mailbox *testutil.NextHop
}

func startPostfix(t *testing.T, sellergate, mainExtra string) *postfixUpstream {
	t.Helper()
	needTool(t, "postfix")
	if os.Geteuid() != 0 {
		t.Skip("a private Postfix instance needs root")
	}
	dir, err := os.MkdirTemp("", "sellergate-postfix-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() {
		if !t.Failed() {
			os.RemoveAll(dir)
		}
	})
	t.Logf("postfix instance in %s", dir)
	conf, queue, data := filepath.Join(dir, "conf"), filepath.Join(dir, "queue"), filepath.Join(dir, "data")
	for _, d := range []string{conf, queue, data} {
		os.MkdirAll(d, 0o755)
	}
	exec.Command("chown", "postfix", data).Run()
	p := &postfixUpstream{addr: freePort(t), mailbox: testutil.StartNextHop(t, nil)}
	master, err := os.ReadFile("/etc/postfix/master.cf")
	if err != nil {
		t.Fatal(err)
	}
	var m strings.Builder
	for _, l := range strings.Split(string(master), "\n") {
		if strings.HasPrefix(l, "smtp ") && strings.Contains(l, "inet") {
			l = "#" + l
		}
		m.WriteString(l + "\n")
	}
	m.WriteString(p.addr + " inet n - n - - smtpd\n")
	testutil.WriteFile(t, filepath.Join(conf, "master.cf"), []byte(m.String()))
	main := fmt.Sprintf(`compatibility_level = 3.6
queue_directory = %s
data_directory = %s
mail_owner = postfix
myhostname = relay.org.test
mydomain = org.test
myorigin = org.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
local_recipient_maps =
smtpd_relay_restrictions = permit_mynetworks, reject
transport_maps = inline:{ {marketplace.amazon.de = smtp:%s}, {org.test = smtp:%s} }
smtp_tls_security_level = none
smtp_tls_policy_maps = inline:{ {%s = encrypt} }
maillog_file = %s/postfix.log
maillog_file_prefixes = %s
bounce_queue_lifetime = 0
maximal_queue_lifetime = 0
%s
`, queue, data, nexthop(sellergate), nexthop(p.mailbox.Addr), nexthop(sellergate), dir, dir, mainExtra)
	testutil.WriteFile(t, filepath.Join(conf, "main.cf"), []byte(main))
	postfix := func(args ...string) error {
		out, err := exec.Command("postfix", append([]string{"-c", conf}, args...)...).CombinedOutput()
		if err != nil {
			log, _ := os.ReadFile(filepath.Join(dir, "postfix.log"))
			return fmt.Errorf("postfix %v: %v\n%s\n%s", args, err, out, log)
		}
		return nil
	}
	// postfix -c accepts only the directories the default main.cf lists.
	if out, err := exec.Command("postconf", "-e", "alternate_config_directories = "+conf).CombinedOutput(); err != nil {
		t.Fatalf("postconf: %v %s", err, out)
	}
	if err := postfix("check"); err != nil {
		t.Fatal(err)
	}
	if err := postfix("start"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "postfix.log"))
			t.Logf("postfix log:\n%s", log)
		}
		postfix("stop")
	})
	waitFor(t, "postfix's listener", func() bool {
		c, err := smtp.Dial(p.addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return p
}

// nexthop writes host:port as Postfix names a next hop without an MX
// lookup: [host]:port.
func nexthop(addr string) string {
	host, port, _ := strings.Cut(addr, ":")
	return "[" + host + "]:" + port
}

// submit hands a message to the organisation's relay as a user's client
// would.
func (p *postfixUpstream) submit(t *testing.T, from, to string, msg []byte) {
	t.Helper()
	c, err := smtp.Dial(p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail(from, []string{to}, bytes.NewReader(msg)); err != nil {
		t.Fatalf("submitting to postfix: %v", err)
	}
}

const (
	orgUser  = "anna@org.test"
	orgRelay = "relay"
)

// orgSigned is a reply from the organisation, DKIM-signed as its relay
// would sign it; txt is the key's DNS record.
func orgSigned(t *testing.T, body string) (msg []byte, txt string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	raw := "From: Anna <" + orgUser + ">\r\nTo: <" + e2eBuyer + ">\r\nSubject: Re: 302-1234567-7654321\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" +
		fmt.Sprint(time.Now().UnixNano()) + "@org.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
	var signed bytes.Buffer
	if err := dkim.Sign(&signed, strings.NewReader(raw), &dkim.SignOptions{Domain: "org.test", Selector: "mta", Signer: key,
		HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID"}}); err != nil {
		t.Fatal(err)
	}
	return signed.Bytes(), "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(pub)
}

// throughUpstream runs the organisation's routing through a real Postfix
// presenting itself as upstreamCfg says (and postfixExtra configures): a
// signed compliant reply arrives at the next hop once with the
// organisation's signature verifying; a violating one comes back to its
// sender as Postfix's bounce naming the problem.
func throughUpstream(t *testing.T, upstreamCfg string, postfixExtra func(sg string) string) *gw {
	g := startGateway(t, "upstreams:\n  - {name: org, domains: [org.test], account: seller, "+upstreamCfg+"}\n")
	pf := startPostfix(t, g.sub, postfixExtra(g.sub))
	msg, txt := orgSigned(t, "Your parcel left today; the tracking number is in your order.")
	pf.submit(t, orgUser, e2eBuyer, msg)
	waitFor(t, "the reply at the next hop", func() bool { return len(g.hop.Received()) == 1 })
	verified, err := dkim.VerifyWithOptions(bytes.NewReader(g.hop.Received()[0].Data), &dkim.VerifyOptions{LookupTXT: func(d string) ([]string, error) {
		if d == "mta._domainkey.org.test" {
			return []string{txt}, nil
		}
		return nil, fmt.Errorf("no record for %s", d)
	}})
	ok := false
	for _, v := range verified {
		ok = ok || v.Domain == "org.test" && v.Err == nil
	}
	if err != nil || !ok {
		t.Errorf("the organisation's signature at the next hop: %v %+v", err, verified)
	}
	bad, _ := orgSigned(t, "For a faster answer visit www.meinshop-beispiel.de")
	pf.submit(t, orgUser, e2eBuyer, bad)
	waitFor(t, "Postfix's bounce to the sender", func() bool {
		for _, m := range pf.mailbox.Received() {
			if m.To[0] == orgUser && bytes.Contains(m.Data, []byte("meinshop-beispiel.de")) && bytes.Contains(m.Data, []byte("550")) {
				return true
			}
		}
		return false
	})
	time.Sleep(300 * time.Millisecond)
	if n := len(g.hop.Received()); n != 1 {
		t.Errorf("the next hop got %d messages, want only the compliant one", n)
	}
	return g
}

// TestPostfixUpstreamByNetwork: the organisation's relay is trusted by
// its address, as Google Workspace's routing is by Google's ranges.
func TestPostfixUpstreamByNetwork(t *testing.T) {
	g := throughUpstream(t, "networks: [127.0.0.1/32]", func(string) string { return "" })
	// Straight from the upstream's address to a non-Amazon recipient:
	// refused, never relayed through the provider.
	c, err := smtp.DialStartTLS(g.sub, g.pki.ClientTLS())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.SendMail(orgUser, []string{"friend@gmail.test"}, strings.NewReader("From: <"+orgUser+">\r\nTo: <friend@gmail.test>\r\nSubject: hi\r\n\r\nhi\r\n"))
	if smtpCode(err) != 550 {
		t.Errorf("a non-Amazon recipient from the upstream: %v, want 550", err)
	}
}

// TestPostfixUpstreamByClientCertificate: the relay presents a client
// certificate whose key sellergate pins, as Microsoft 365's connector
// presents Microsoft's.
func TestPostfixUpstreamByClientCertificate(t *testing.T) {
	dir, err := os.MkdirTemp("", "sellergate-pfcert-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	certPEM, keyPEM, pin := selfSigned(t, "mail.protection.outlook.test")
	testutil.WriteFile(t, filepath.Join(dir, "client.crt"), certPEM)
	testutil.WriteFile(t, filepath.Join(dir, "client.key"), keyPEM)
	os.Chmod(filepath.Join(dir, "client.key"), 0o644)
	throughUpstream(t, fmt.Sprintf("cert_spki: [%q]", pin), func(string) string {
		return fmt.Sprintf("smtp_tls_cert_file = %s/client.crt\nsmtp_tls_key_file = %s/client.key\n", dir, dir)
	})
}

// TestPostfixUpstreamBySMTPAuth: an on-premises relay authenticates
// with SMTP AUTH over TLS.
func TestPostfixUpstreamBySMTPAuth(t *testing.T) {
	hash, _ := bcrypt.GenerateFromPassword([]byte(e2ePassword), bcrypt.MinCost)
	throughUpstream(t, fmt.Sprintf("login: %s, password_hash: %q", orgRelay, hash), func(sg string) string {
		return fmt.Sprintf("smtp_sasl_auth_enable = yes\nsmtp_sasl_password_maps = inline:{ {%s = %s:%s} }\nsmtp_sasl_security_options = noanonymous\nsmtp_sasl_tls_security_options = noanonymous\n", nexthop(sg), orgRelay, e2ePassword)
	})
}

// selfSigned makes a certificate and key in PEM and the base64 SHA-256
// of its public key.
func selfSigned(t *testing.T, name string) (certPEM, keyPEM []byte, pin string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: bigOne, DNSNames: []string{name}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}}
	tmpl.Subject.CommonName = name
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		base64.StdEncoding.EncodeToString(sum[:])
}

var bigOne = big.NewInt(1)
