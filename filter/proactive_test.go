package filter

import (
	"strings"
	"testing"
)

// checkThread checks a plain message in lang with what the trail knows of
// its thread.
func checkThread(t *testing.T, lang, subject, body string, facts *ThreadFacts, p *Policy) Verdict {
	t.Helper()
	raw := strings.Replace(plain(lang, body), "Subject: Re: Bestellung 302-1234567-7654321", "Subject: "+subject, 1)
	m, err := Parse(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return NewEngine(p).Check(m, Envelope{MailFrom: "support@shop.test", Rcpt: []string{buyerFor(lang)}, Thread: facts})
}

func rules(v Verdict) string {
	var out []string
	for _, x := range v.Violations {
		if x.Action >= Quarantine {
			out = append(out, x.Rule)
		}
	}
	return strings.Join(out, ",")
}

// A message the seller starts needs the order ID; a review request is
// allowed once per order; neither rule applies to a reply, nor with the
// rules switched off.
func TestProactiveRules(t *testing.T) {
	p := DefaultPolicy()
	proactive := &ThreadFacts{Proactive: true}
	if v := checkThread(t, "en", "Your lamp", "Hello, your lamp left our warehouse today.", proactive, p); rules(v) != RuleProactiveOrderID {
		t.Errorf("proactive without order ID: %q, want %s", rules(v), RuleProactiveOrderID)
	}
	if v := checkThread(t, "en", "Your order 302-1234567-7654321", "Hello, your lamp left our warehouse today.", proactive, p); v.Refused() {
		t.Errorf("proactive with order ID refused: %+v", v.Violations)
	}
	if v := checkThread(t, "en", "Your lamp", "Hello, your lamp left our warehouse today.", &ThreadFacts{}, p); v.Refused() {
		t.Errorf("a reply without order ID refused: %+v", v.Violations)
	}
	ask := "Would you share your experience with a review on Amazon? Any feedback helps."
	v := checkThread(t, "en", "Your order 302-1234567-7654321", ask, proactive, p)
	if v.Refused() || !strings.Contains(ruleList(v), RuleReviewRequest) {
		t.Errorf("a first neutral review request: refused %v, findings %q, want it passed and marked %s", v.Refused(), ruleList(v), RuleReviewRequest)
	}
	if v := checkThread(t, "en", "Your order 302-1234567-7654321", ask, &ThreadFacts{Proactive: true, ReviewRequests: 1}, p); rules(v) != RuleProactiveReviewRepeat {
		t.Errorf("a second review request for the order: %q, want %s", rules(v), RuleProactiveReviewRepeat)
	}
	off, err := ParsePolicy("p.yaml", []byte("proactive: {enabled: false}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v := checkThread(t, "en", "Your lamp", "Hello, your lamp left today.", proactive, off); v.Refused() {
		t.Errorf("proactive rules switched off still refuse: %+v", v.Violations)
	}
	held, err := ParsePolicy("p.yaml", []byte("actions: {proactive.order-id: quarantine}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v := checkThread(t, "en", "Your lamp", "Hello, your lamp left today.", proactive, held); v.Action != Quarantine {
		t.Errorf("proactive.order-id: quarantine gives %v", v.Action)
	}
}

func ruleList(v Verdict) string {
	var out []string
	for _, x := range v.Violations {
		out = append(out, x.Rule)
	}
	return strings.Join(out, ",")
}

// Each proactive rule explains itself in the agent's language: an agent
// told "the buyer opted out" knows not to add an order ID and try again.
func TestProactiveRulesExplainThemselves(t *testing.T) {
	p := DefaultPolicy()
	cases := []struct {
		lang, rule, want string
		facts            *ThreadFacts
	}{
		{"de", RuleProactiveOptedOut, "abbestellt", &ThreadFacts{Proactive: true, OptedOut: true}},
		{"fr", RuleProactiveRepeat, "24 heures", &ThreadFacts{Proactive: true, RepeatedText: true}},
		{"ja", RuleProactiveReviewRepeat, "依頼済み", &ThreadFacts{Proactive: true, ReviewRequests: 1}},
		{"it", RuleProactiveOrderID, "17 cifre", &ThreadFacts{Proactive: true}},
	}
	for _, c := range cases {
		subject := "Order 302-1234567-7654321"
		if c.rule == RuleProactiveOrderID {
			subject = "Ciao"
		}
		body := map[string]string{"de": "Hallo, Ihr Paket ist unterwegs.", "fr": "Bonjour, votre colis est en route.",
			"ja": "ご購入ありがとうございます。商品の感想をレビューでお聞かせいただけますか。", "it": "Buongiorno, il pacco è partito."}[c.lang]
		v := checkThread(t, c.lang, subject, body, c.facts, p)
		found := false
		for _, x := range v.Violations {
			if x.Rule == c.rule {
				found = true
				if !strings.Contains(x.Message, c.want) {
					t.Errorf("%s %s explained as %q, want its own explanation (%q)", c.lang, c.rule, x.Message, c.want)
				}
			}
		}
		if !found {
			t.Errorf("%s: %s not found in %+v", c.lang, c.rule, v.Violations)
		}
	}
}
