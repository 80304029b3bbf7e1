package configdoc

import (
	"flag"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sellergate/sellergate/config"
	"github.com/sellergate/sellergate/filter"
)

var update = flag.Bool("update", false, "write docs/configuration.md")

const docFile = "../../docs/configuration.md"

// minimal is the least configuration serve accepts; what validation adds
// to it are the defaults.
const minimal = "submission: [{listen: '127.0.0.1:2587'}]\nrelay: {url: mx}\n"

func sources(t *testing.T) []Source {
	t.Helper()
	cfg, err := config.Parse("minimal.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	var pf filter.PolicyFile
	if err := yaml.Unmarshal(filter.DefaultPolicyText(), &pf); err != nil {
		t.Fatal(err)
	}
	return []Source{
		{Title: "The configuration file (sellergate.yaml)", Dir: "../../config", Root: "Config", Value: cfg,
			Given: map[string]bool{"hostname": true, "submission[].listen": true, "relay.url": true}, Example: config.Example,
			Intro: "`sellergate config example` prints a complete example; `sellergate config check FILE` validates a file as `serve` would. Defaults are what validation fills in; examples come from the example configuration."},
		{Title: "The policy file (policy:)", Dir: "../../filter", Root: "PolicyFile", Value: &pf, Example: filter.DefaultPolicyText(),
			Intro: "A policy file adds to the built-in policy (`filter/default-policy.yaml`, shown with `sellergate check --policy`): lists are merged, scalars replaced. Examples come from the built-in policy."},
	}
}

// TestReferenceIsCurrent: docs/configuration.md is what the types say
// today, and every key has a doc comment.
func TestReferenceIsCurrent(t *testing.T) {
	md, undocumented, err := Generate(sources(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(undocumented) > 0 {
		t.Errorf("keys without a doc comment (write one on the field):\n  %s", strings.Join(undocumented, "\n  "))
	}
	if *update {
		if _, err := WriteIfChanged(docFile, md); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(docFile)
	if err != nil || string(old) != md {
		t.Fatalf("%s is stale: run go test ./internal/configdoc -update", docFile)
	}
}

// The reference holds every key a user writes: the example config's and
// the built-in policy's top-level keys among them.
func TestReferenceCoversTheFiles(t *testing.T) {
	md, _, err := Generate(sources(t))
	if err != nil {
		t.Fatal(err)
	}
	keys := strings.Join(Keys(md), " ")
	for _, want := range []string{"hostname", "tls.cert", "submission[].listen", "agents[].language", "limits.max_connections", "admin.tokens_env", "sla.webhook.url", "appeal_tag", "actions", "proactive.window_days", "concepts.rules[].span"} {
		if !strings.Contains(" "+keys+" ", " "+want+" ") {
			t.Errorf("the reference lacks %s", want)
		}
	}
}
