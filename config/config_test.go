package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadConfigs loads every file in testdata/bad and expects the error in
// the .err file beside it: file, line and what is wrong.
func TestBadConfigs(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) < 10 {
		t.Fatalf("bad-config cases: %v (%d)", err, len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(f, ".yaml") + ".err")
			if err != nil {
				t.Fatal(err)
			}
			wantLine := "testdata/bad/" + strings.TrimSpace(string(want))
			_, err = Load(f)
			if err == nil {
				t.Fatalf("loaded without error; want %s", wantLine)
			}
			if !strings.Contains(err.Error(), wantLine) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, wantLine)
			}
		})
	}
}

func TestExampleConfigIsValid(t *testing.T) {
	cfg, err := Parse("example.yaml", Example)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Relay.URL != "maildir:outbox" || cfg.Store.Driver != "sqlite" || len(cfg.Submission) != 1 {
		t.Errorf("example config = %+v", cfg)
	}
	if !cfg.Submission[0].InsecureDevelopment || cfg.Submission[0].Listen != "127.0.0.1:2587" {
		t.Errorf("example submission listener = %+v", cfg.Submission[0])
	}
}

func TestSizesAndDefaults(t *testing.T) {
	cfg, err := Parse("t.yaml", []byte("submission: [{listen: '127.0.0.1:2587'}]\nrelay: {url: mx}\nlimits: {max_message_size: 20MB, spool_memory: 512KiB}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Limits.MaxMessageSize != 20<<20 || cfg.Limits.SpoolMemory != 512<<10 {
		t.Errorf("sizes = %d, %d", cfg.Limits.MaxMessageSize, cfg.Limits.SpoolMemory)
	}
	if cfg.Limits.MaxRecipients == 0 || cfg.Relay.Timeout == 0 || cfg.Limits.AuthFailuresPerMinute == 0 {
		t.Errorf("defaults not applied: %+v", cfg.Limits)
	}
}

func TestWarnsWhenFromDomainCannotPassDMARC(t *testing.T) {
	base := "submission: [{listen: '127.0.0.1:2587', insecure_development: true}]\n" +
		"agents: [{login: a, password_hash: '$2a$10$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyzABCDE', addresses: [%s]}]\n" +
		"relay: {url: '%s'}\n"
	cases := []struct {
		addr, relay string
		warn        bool
	}{
		{"support@example-shop.de", "smtp://relay.example.net:587", true},
		{"shop.seller@gmail.com", "smtp://smtp.gmail.com:587", false},
		{"shop.seller@gmail.com", "mx", true},
	}
	for _, c := range cases {
		cfg, err := Parse("t.yaml", []byte(strings.NewReplacer("%s", c.addr).Replace(
			strings.Replace(base, "'%s'", "'"+c.relay+"'", 1))))
		if err != nil {
			t.Fatal(err)
		}
		got := len(cfg.Warnings) > 0 && strings.Contains(strings.Join(cfg.Warnings, "\n"), "DMARC")
		if got != c.warn {
			t.Errorf("%s via %s: DMARC warning = %v, want %v (%v)", c.addr, c.relay, got, c.warn, cfg.Warnings)
		}
	}
}

func TestSecretFromEnvironment(t *testing.T) {
	t.Setenv("SG_TEST_RELAY_PW", "s3cret")
	cfg, err := Parse("t.yaml", []byte("submission: [{listen: '127.0.0.1:2587'}]\nrelay: {url: 'smtp://127.0.0.1:25', username: u, password_env: SG_TEST_RELAY_PW}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if pw, _ := cfg.Relay.RelayPassword(); pw != "s3cret" {
		t.Errorf("password = %q", pw)
	}
	_, err = Parse("t.yaml", []byte("submission: [{listen: '127.0.0.1:2587'}]\nrelay: {url: 'smtp://127.0.0.1:25', password_env: SG_TEST_NOT_SET_ANYWHERE}\n"))
	if err == nil || !strings.Contains(err.Error(), "t.yaml:2: environment variable SG_TEST_NOT_SET_ANYWHERE is not set") {
		t.Errorf("unset variable: %v", err)
	}
}

// A plain-HTTP admin or metrics listener reachable from the network is
// warned about, naming the file and line; on loopback it is not.
func TestWarnsAboutPlainHTTPOnTheNetwork(t *testing.T) {
	base := "submission: [{listen: '127.0.0.1:2587', insecure_development: true}]\n" +
		"relay: {url: 'maildir:out'}\n" +
		"metrics: {listen: '%s'}\n" +
		"admin: {listen: '%s', tokens: [0123456789abcdef0123]}\n"
	for _, c := range []struct {
		addr string
		warn int
	}{{"127.0.0.1:9587", 0}, {"0.0.0.0:9587", 2}, {"[::1]:9587", 0}, {"10.1.2.3:9587", 2}} {
		cfg, err := Parse("t.yaml", []byte(strings.ReplaceAll(base, "%s", c.addr)))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, w := range cfg.Warnings {
			if strings.Contains(w, "plain HTTP") && strings.Contains(w, "t.yaml:") {
				n++
			}
		}
		if n != c.warn {
			t.Errorf("listeners on %s: %d plain-HTTP warnings, want %d (%v)", c.addr, n, c.warn, cfg.Warnings)
		}
	}
}

// TestWarnsWhenUpstreamDomainCannotBeResigned: an upstream's domain
// without a DKIM key is named by config check, with file and line.
func TestWarnsWhenUpstreamDomainCannotBeResigned(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "sellergate.yaml")
	os.WriteFile(f, []byte("submission:\n  - listen: 127.0.0.1:2587\n    insecure_development: true\nupstreams:\n  - name: workspace\n    domains: [org.example]\n    networks: [192.0.2.0/24]\nrelay:\n  url: maildir:outbox\n"), 0o644)
	cfg, err := Load(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range cfg.Warnings {
		if strings.Contains(w, "sellergate.yaml:6:") && strings.Contains(w, "org.example has no DKIM key") {
			return
		}
	}
	t.Errorf("no warning about org.example's key: %q", cfg.Warnings)
}
