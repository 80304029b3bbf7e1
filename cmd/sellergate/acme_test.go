package main

import (
	"crypto/tls"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// startPebble runs Let's Encrypt's test CA (the pebble tool in go.mod)
// issuing certificates valid for validity, without validating challenges
// (the gateway's listeners are not reachable as a CA would reach them
// here); it returns the directory URL and Pebble's CA file.
func startPebble(t *testing.T, validity time.Duration) (directory, caFile string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "pebble")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/letsencrypt/pebble/v2/cmd/pebble").CombinedOutput(); err != nil {
		t.Fatalf("building pebble: %v\n%s", err, out)
	}
	src, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/letsencrypt/pebble/v2").Output()
	if err != nil {
		t.Fatalf("finding pebble's files: %v", err)
	}
	certs := filepath.Join(strings.TrimSpace(string(src)), "test", "certs")
	listen, mgmt := freePort(t), freePort(t)
	cfg := map[string]any{"pebble": map[string]any{
		"listenAddress": listen, "managementListenAddress": mgmt,
		"certificate": filepath.Join(certs, "localhost", "cert.pem"), "privateKey": filepath.Join(certs, "localhost", "key.pem"),
		"httpPort": 5002, "tlsPort": 5001, "keyAlgorithm": "ecdsa",
		"profiles": map[string]any{"default": map[string]any{"description": "test", "validityPeriod": int(validity.Seconds())}},
	}}
	b, _ := json.Marshal(cfg)
	cfgFile := filepath.Join(dir, "pebble.json")
	os.WriteFile(cfgFile, b, 0o600)
	cmd := exec.Command(bin, "-config", cfgFile, "-strict=false")
	cmd.Env = append(os.Environ(), "PEBBLE_VA_ALWAYS_VALID=1", "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0", "PEBBLE_AUTHZREUSE=0")
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("pebble log:\n%s", log.String())
		}
	})
	waitFor(t, "pebble listening", func() bool { return strings.Contains(log.String(), "Listening on") })
	return "https://" + listen + "/dir", filepath.Join(certs, "pebble.minica.pem")
}

// TestACMEWithPebble: with tls: acme:, the gateway obtains its certificate
// from the CA at the first STARTTLS, serves it, keeps it in its cache
// directory, and renews it before it expires — without certificate files
// of its own or a restart.
func TestACMEWithPebble(t *testing.T) {
	directory, ca := startPebble(t, 12*time.Second)
	cache := filepath.Join(t.TempDir(), "acme")
	g := startGatewayWith(t, func(cfg string) string {
		i := strings.Index(cfg, "tls: {")
		j := strings.Index(cfg[i:], "}\n") + i + 2
		return cfg[:i] + "tls: {acme: {domains: [gw.test], email: admin@seller.test, directory: \"" + directory + "\", ca_file: \"" + ca + "\", cache_dir: \"" + cache + "\"}}\n" + cfg[j:]
	})
	served := func() (serial string, issuer string) {
		c, err := smtp.DialStartTLS(g.sub, &tls.Config{ServerName: "gw.test", InsecureSkipVerify: true})
		if err != nil {
			t.Fatalf("STARTTLS: %v", err)
		}
		defer c.Close()
		if err := c.Noop(); err != nil {
			t.Fatal(err)
		}
		st, _ := c.TLSConnectionState()
		leaf := st.PeerCertificates[0]
		if len(leaf.DNSNames) != 1 || leaf.DNSNames[0] != "gw.test" {
			t.Fatalf("served a certificate for %v", leaf.DNSNames)
		}
		return leaf.SerialNumber.String(), leaf.Issuer.CommonName
	}
	first, issuer := served()
	if !strings.Contains(strings.ToLower(issuer), "pebble") {
		t.Errorf("the certificate was issued by %q, not the ACME CA", issuer)
	}
	if again, _ := served(); again != first {
		t.Errorf("a second handshake got a new certificate (%s, then %s): it was not kept", first, again)
	}
	if files, _ := os.ReadDir(cache); len(files) < 2 {
		t.Errorf("the ACME cache holds %d files, want the account key and the certificate", len(files))
	}
	// Pebble's certificates live 12 s; the gateway renews before they end.
	waitFor(t, "a renewed certificate", func() bool { s, _ := served(); return s != first })
}
