package console

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/marketplace"
)

type marketOption struct {
	Domain, Name string
	Selected     bool
}

type checkData struct {
	Draft, Thread string
	Markets       []marketOption
	Result        *checkResult
}

type checkResult struct {
	Verdict, Headline string
	Body              *bodyView
}

func markets(selected string) []marketOption {
	var out []marketOption
	for _, m := range marketplace.All {
		out = append(out, marketOption{Domain: m.RelayDomain(), Name: m.Name(), Selected: m.RelayDomain() == selected})
	}
	return out
}

func (c *Console) checkForm(w http.ResponseWriter, r *http.Request, s *session) {
	c.show(w, r, s, "check", "Draft checker", checkData{Markets: markets(""), Thread: r.URL.Query().Get("thread")})
}

// draftMessage makes a message of a pasted reply, as a mail client would
// send it to a buyer of the chosen marketplace.
func draftMessage(text, market string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: <agent@seller.invalid>\r\nTo: <buyer@%s>\r\nSubject: Re: your order\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", market)
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n"))
	return b.Bytes()
}

func (c *Console) checkDraft(w http.ResponseWriter, r *http.Request, s *session) {
	d := checkData{Draft: r.PostFormValue("draft"), Thread: strings.TrimSpace(r.PostFormValue("thread"))}
	market := r.PostFormValue("market")
	if !marketplace.IsRelayAddress("buyer@" + market) {
		market = marketplace.All[0].RelayDomain()
	}
	d.Markets = markets(market)
	raw := draftMessage(d.Draft, market)
	if f, _, err := r.FormFile("eml"); err == nil {
		data, err := io.ReadAll(io.LimitReader(f, maxUpload))
		f.Close()
		if err == nil && len(data) > 0 {
			raw = data
		}
	}
	m, err := filter.Parse(bytes.NewReader(raw))
	if err != nil {
		d.Result = &checkResult{Verdict: "reject", Headline: "The message cannot be read: " + err.Error()}
		c.show(w, r, s, "check", "Draft checker", d)
		return
	}
	env := filter.Envelope{Rcpt: []string{"buyer@" + market}, Agent: s.login, Language: s.language}
	if to, err := m.Header.AddressList("To"); err == nil && len(to) > 0 && marketplace.IsRelayAddress(to[0].Address) {
		env.Rcpt = []string{to[0].Address}
	}
	if d.Thread != "" && c.o.Thread != nil {
		thread, err := c.o.Thread(r.Context(), d.Thread)
		if err != nil {
			c.fail(w, r, s, http.StatusNotFound, "thread "+d.Thread+": "+err.Error())
			return
		}
		env.BuyerText, env.Thread = thread(m)
	}
	v := c.o.Engine().Check(m, env)
	d.Result = &checkResult{Verdict: v.Action.String(), Headline: headline(v), Body: viewMessage(m, v.Violations)}
	c.show(w, r, s, "check", "Draft checker", d)
}

// headline says in one line what the gateway would do with the draft.
func headline(v filter.Verdict) string {
	n := len(v.Problems())
	switch v.Action {
	case filter.Reject:
		return fmt.Sprintf("The gateway would refuse this reply: %d problem(s) to fix, marked below.", n)
	case filter.Quarantine:
		return fmt.Sprintf("The gateway would hold this reply for an admin's review: %d problem(s), marked below.", n)
	case filter.Pass:
		return "Nothing found: the gateway would send this reply."
	}
	return "The gateway would send this reply and record what is marked below."
}
