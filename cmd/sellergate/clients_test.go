package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The German reply that breaks three rules: what each client shows of the
// refusal must name a problem, say what to do and that nothing was sent.
const refusedGerman = "Hallo, bitte bewerten Sie uns mit 5 Sternen!\nMit dem Code GUTSCHEIN10 sparen Sie auf www.meinshop.de.\nRufen Sie an: 030 12345678\n"

// TestNeomuttShowsAWholeRefusal: neomutt shows only the last line of an
// SMTP error; that line alone names the first problem with its excerpt
// and explanation, how many more there are, and that nothing was sent —
// in the language the agent wrote in.
func TestNeomuttShowsAWholeRefusal(t *testing.T) {
	neomutt := needTool(t, "neomutt")
	g := startGateway(t, "")
	home := t.TempDir()
	rc := filepath.Join(home, "muttrc")
	os.WriteFile(rc, []byte(`set from="`+e2eFrom+`"
set smtp_url="smtp://`+e2eLogin+`@127.0.0.1:`+g.port()+`/"
set smtp_pass="`+e2ePassword+`"
set ssl_starttls=yes
set ssl_force_tls=yes
set certificate_file="`+g.pki.CAFile+`"
set ssl_ca_certificates_file="`+g.pki.CAFile+`"
set record=""
set copy=no
set charset="utf-8"
set send_charset="utf-8"
`), 0o600)
	cmd := exec.Command(neomutt, "-n", "-F", rc, "-s", "Re: Bestellung 302-1234567-7654321", "--", e2eBuyer)
	cmd.Env = append(os.Environ(), "HOME="+home, "TERM=dumb")
	cmd.Stdin = strings.NewReader(refusedGerman)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("neomutt sent a violating message:\n%s", out)
	}
	shown := string(out)
	t.Logf("neomutt shows: %s", shown)
	for _, want := range []string{"Nachricht von der Amazon-Kommunikationsrichtlinie abgelehnt", "Probleme", "[review]", "5 Sternen", "Nicht um positive Bewertungen bitten", "weitere oben", "nichts gesendet"} {
		if !strings.Contains(shown, want) {
			t.Errorf("neomutt shows %q, missing %q", shown, want)
		}
	}
	if n := len(g.hop.Received()); n != 0 {
		t.Errorf("next hop got %d refused messages", n)
	}
}

// TestMsmtpShowsAWholeRefusal: msmtp prints the server's whole reply; its
// lines are in one language, the agent's: an agent configured for English
// reads English about a message to a German buyer, an agent without a
// language reads the language the message is written in.
func TestMsmtpShowsAWholeRefusal(t *testing.T) {
	msmtp := needTool(t, "msmtp")
	g := startGatewayWith(t, func(cfg string) string {
		return strings.Replace(cfg, "    account: seller\n", "    account: seller\n    language: en\n", 1)
	})
	send := func(body string) string {
		cmd := exec.Command(msmtp, "--host=127.0.0.1", "--port="+g.port(), "--tls=on", "--tls-starttls=on",
			"--tls-trust-file="+g.pki.CAFile, "--auth=plain", "--user="+e2eLogin, "--passwordeval=echo '"+e2ePassword+"'",
			"--from="+e2eFrom, "--", e2eBuyer)
		cmd.Stdin = strings.NewReader("From: <" + e2eFrom + ">\nTo: <" + e2eBuyer + ">\nSubject: Re: Bestellung 302-1234567-7654321\n\n" + body)
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("msmtp sent a violating message:\n%s", out)
		}
		return string(out)
	}
	out := send(refusedGerman)
	for _, want := range []string{"Message refused by the Amazon messaging policy", "4 problems", "(Text line 1; review.", "Do not ask for a positive review", "nothing was sent"} {
		if !strings.Contains(out, want) {
			t.Errorf("msmtp, agent language en: missing %q in\n%s", want, out)
		}
	}
	for _, german := range []string{"Zeile", "Probleme", "Nicht um"} {
		if strings.Contains(out, german) {
			t.Errorf("msmtp, agent language en: German %q in the reply\n%s", german, out)
		}
	}
}
