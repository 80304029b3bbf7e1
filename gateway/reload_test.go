package gateway_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellergate/sellergate/config"
	"github.com/sellergate/sellergate/filter"
)

// TestReloadAppliesToNewSessionsOnly: an admin removes the agent's address
// while the agent has a session open; that session finishes under the old
// configuration, the next one gets the new.
func TestReloadAppliesToNewSessionsOnly(t *testing.T) {
	e := startEnv(t, "")
	inFlight := e.login()
	if err := inFlight.Mail(agentAddr, nil); err != nil {
		t.Fatal(err)
	}

	cfgFile := filepath.Join(e.dir, "sellergate.yaml")
	data, _ := os.ReadFile(cfgFile)
	newYAML := strings.Replace(string(data), "addresses: ["+agentAddr+"]", "addresses: [sales@seller.test]", 1)
	newYAML = strings.Replace(newYAML, "relay:\n  url:", "relay:\n  pool: 3\n  url:", 1)
	if err := os.WriteFile(cfgFile, []byte(newYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	restart, err := e.gw.Reload(cfg, filter.NewEngine(filter.DefaultPolicy()))
	if err != nil {
		t.Fatal(err)
	}
	if len(restart) != 1 || restart[0] != "relay" {
		t.Errorf("needs restart = %v, want [relay]", restart)
	}

	if err := inFlight.Rcpt(buyerAddr, nil); err != nil {
		t.Fatal(err)
	}
	w, err := inFlight.Data()
	if err != nil {
		t.Fatal(err)
	}
	w.Write(message(agentAddr, buyerAddr, "Re: size", "It fits."))
	if err := w.Close(); err != nil {
		t.Errorf("session in flight during reload: %v", err)
	}

	next := e.login()
	if err := send(next, agentAddr, []string{buyerAddr}, message(agentAddr, buyerAddr, "x", "y")); smtpCode(err) != 550 {
		t.Errorf("new session after reload sent as a removed address: %v", err)
	}
	next.Reset()
	if err := send(next, "sales@seller.test", []string{buyerAddr}, message("sales@seller.test", buyerAddr, "Re: size", "It fits.")); err != nil {
		t.Errorf("new session with the new address: %v", err)
	}
}
