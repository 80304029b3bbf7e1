package filter

import "strings"

// Action is what the policy does with a message or a single finding.
// Actions are ordered: a verdict takes the strongest action of its findings.
type Action int

// The actions, weakest first.
const (
	// Pass delivers the message; nothing was found.
	Pass Action = iota
	// Tag delivers the message and records the finding.
	Tag
	// Strip removes the offending part (remote images, pixels) and delivers the rest.
	Strip
	// Quarantine accepts the message but holds it for an admin's review.
	Quarantine
	// Reject refuses the message with 550 and the reasons.
	Reject
)

var actionNames = [...]string{"pass", "tag", "strip", "quarantine", "reject"}

// String returns the action's name as written in policy files and JSON.
func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "unknown"
}

// ParseAction reads an action name as written in a policy file.
func ParseAction(s string) (Action, bool) {
	for i, n := range actionNames {
		if strings.EqualFold(s, n) {
			return Action(i), true
		}
	}
	return Pass, false
}

// MarshalText implements encoding.TextMarshaler.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// Violation is one finding of the policy, explained so that an agent can fix it.
type Violation struct {
	// Rule is the id of the rule that matched, e.g. "link.external".
	Rule string `json:"rule"`
	// Category is one of link, contact, review, promotion, pixel, attachment, format.
	Category string `json:"category"`
	// Excerpt is the offending text as the sender wrote it, with some context.
	Excerpt string `json:"excerpt"`
	// Where says where it was found: "subject", "text line 12", "html link href",
	// "attachment rechnung.zip".
	Where string `json:"where"`
	// Message is the explanation for the agent, in the agent's language when
	// the policy has one.
	Message string `json:"message,omitempty"`
	// Action is what the policy does about this finding.
	Action Action `json:"action"`
}

// Verdict is the outcome of checking one message.
type Verdict struct {
	// Action is the strongest action among the violations (Pass when none),
	// or Tag for everything when the policy is in monitor mode.
	Action Action `json:"verdict"`
	// Violations lists every finding, in the order they were found.
	Violations []Violation `json:"violations"`
	// Monitor is true when the policy records verdicts without enforcing them.
	Monitor bool `json:"monitor,omitempty"`
	// Rewritten, when not nil, is the message to deliver instead of the
	// original. The gateway fills it for Strip with StripRemote.
	Rewritten []byte `json:"-"`
	// Hint is the last line of a refusal: how to fix the message.
	Hint string `json:"-"`
	// Lang is the language of the explanations and the hint.
	Lang string `json:"lang,omitempty"`
}

// Problems are the findings that keep the message from being relayed
// (quarantine or reject), each place once: what a refusal lists and
// counts, and what the log counts.
func (v Verdict) Problems() []Violation {
	var out []Violation
	said := map[string]bool{}
	for _, x := range v.Violations {
		key := x.Category + "\x00" + x.Excerpt + "\x00" + x.Where
		if x.Action < Quarantine || said[key] {
			continue
		}
		said[key] = true
		out = append(out, x)
	}
	return out
}

// Refused reports whether the verdict keeps the message from being relayed now.
func (v Verdict) Refused() bool { return v.Action >= Quarantine }
