package filter

import "io"

// CheckResult is one message's outcome as `sellergate check --json` and
// the admin API's POST /v1/check report it.
type CheckResult struct {
	File    string `json:"file"`
	Verdict string `json:"verdict"`
	// Lang is the language the explanations are in (with findings only).
	Lang       string      `json:"lang,omitempty"`
	Violations []Violation `json:"violations"`
	Problems   []string    `json:"problems,omitempty"`
	Error      string      `json:"error,omitempty"`
}

// Refused reports whether the message would be refused or quarantined.
func (r CheckResult) Refused() bool { return r.Verdict == "reject" || r.Verdict == "quarantine" }

// CheckReader parses and checks one raw message as the gateway would, with
// the sender and recipients taken from its headers.
func (e *Engine) CheckReader(name string, r io.Reader) CheckResult {
	return e.CheckReaderWith(name, r, nil)
}

// CheckReaderWith is CheckReader with what the gateway would know of the
// thread: the buyer message the reply answers (its text, see
// Message.Text), and the trail's facts (facts may call back with the
// parsed message, nil when there are none).
func (e *Engine) CheckReaderWith(name string, r io.Reader, thread func(m *Message) (buyerText string, facts *ThreadFacts)) CheckResult {
	res := CheckResult{File: name, Violations: []Violation{}}
	m, err := Parse(r)
	if err != nil {
		res.Verdict, res.Error = "reject", err.Error()
		return res
	}
	env := Envelope{}
	if thread != nil {
		env.BuyerText, env.Thread = thread(m)
	}
	if len(m.From) > 0 {
		env.MailFrom = m.From[0].Address
	}
	for _, h := range []string{"To", "Cc"} {
		if addrs, err := m.Header.AddressList(h); err == nil {
			for _, a := range addrs {
				env.Rcpt = append(env.Rcpt, a.Address)
			}
		}
	}
	v := e.Check(m, env)
	res.Verdict, res.Lang = v.Action.String(), v.Lang
	if v.Action == Strip {
		res.Verdict = "tag"
	}
	if v.Violations != nil {
		res.Violations = v.Violations
	}
	res.Problems = m.Problems
	return res
}
