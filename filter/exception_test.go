package filter

import (
	"strings"
	"testing"
)

func exceptionPolicy(t *testing.T) *Policy {
	t.Helper()
	p, err := ParsePolicy("p.yaml", []byte(`exceptions:
  enabled: true
  kinds:
    technical-support-media: {domains: [upload.example-files.com]}
    product-safety: {phones: ["+49 800 1234567"]}
`))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExceptionProtocol(t *testing.T) {
	e := NewEngine(exceptionPolicy(t))
	buyer := buyerFor("en")
	full := "Because the video is too large to send here, please upload it at https://upload.example-files.com/s/abc. We will come back to this Amazon thread with the result."
	noReturn := "Because the video is too large to send here, please upload it at https://upload.example-files.com/s/abc."
	cases := []struct {
		name, exception, body string
		refused               bool
		rule                  string
	}{
		{"no exception open", "", full, true, "link.external"},
		{"open, return statement missing", "technical-support-media", noReturn, true, "exception.missing-return"},
		{"open and complete", "technical-support-media", full, false, RuleExceptionUsed},
		{"other kind's channel", "product-safety", full, true, "link.external"},
		{"recall hotline", "product-safety", "For your safety (recall), please call our hotline +49 800 1234567. We will report back in this thread.", false, RuleExceptionUsed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, _ := Parse(strings.NewReader(plain("en", c.body)))
			v := e.Check(m, Envelope{Rcpt: []string{buyer}, Exception: c.exception})
			if v.Refused() != c.refused {
				t.Errorf("refused = %v, want %v: %+v", v.Refused(), c.refused, v.Violations)
			}
			found := false
			for _, x := range v.Violations {
				found = found || x.Rule == c.rule
			}
			if !found {
				t.Errorf("no %s finding: %+v", c.rule, v.Violations)
			}
		})
	}
	if _, err := ParsePolicy("p.yaml", []byte("exceptions:\n  enabled: true\n  kinds:\n    returns: {}\n")); err == nil || !strings.Contains(err.Error(), "only technical-support-media and product-safety") {
		t.Errorf("unsanctioned kind: %v", err)
	}
}

// An agent may make the exception's statements in any of the policy's
// languages: English to a German buyer is as complete as German.
func TestExceptionStatementsInAnyLanguage(t *testing.T) {
	e := NewEngine(exceptionPolicy(t))
	full := "Because the video is too large to send here, please upload it at https://upload.example-files.com/s/abc. We will come back to this Amazon thread with the result."
	m, _ := Parse(strings.NewReader(plain("de", full)))
	v := e.Check(m, Envelope{Rcpt: []string{buyerFor("de")}, Exception: "technical-support-media"})
	if v.Refused() {
		t.Errorf("English statements to a German buyer refused: %+v", v.Violations)
	}
}
