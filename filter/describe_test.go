package filter

import "testing"

// TestDescribeShowsWhatTheAdminChanged: the console's policy page shows the
// admin's file, its version, its rules and the actions it changed.
func TestDescribeShowsWhatTheAdminChanged(t *testing.T) {
	a, err := ParsePolicy("policy.yaml", []byte("actions:\n  promotion: quarantine\nallow:\n  domains: [docs.example]\nrules:\n  - {id: custom.fax, category: contact, pattern: 'fax\\s*\\d+'}\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := a.Describe()
	if d.File != "policy.yaml" || len(d.Rules) != 1 || d.Rules[0].ID != "custom.fax" || len(d.Domains) != 1 || d.Domains[0] != "docs.example" {
		t.Errorf("description %+v lacks the admin's file, rule or domain", d)
	}
	for _, c := range d.Categories {
		if c.Name == "promotion" && c.Action != "quarantine" {
			t.Errorf("promotion's action shown as %s, want quarantine", c.Action)
		}
	}
	b, err := ParsePolicy("policy.yaml", []byte("actions:\n  promotion: reject\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Version == "" || b.Describe().Version == d.Version {
		t.Errorf("two different files have versions %q and %q", d.Version, b.Describe().Version)
	}
	if got := DefaultPolicy().Describe(); got.File != "" || len(got.Rules) != 0 {
		t.Errorf("the built-in policy alone is described with a file or admin rules: %+v", got)
	}
}
