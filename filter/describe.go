package filter

import (
	"slices"
	"sort"
)

// Description is the policy in force as the web console shows it: every
// category's action, the rules that have their own, and what the admin's
// policy file adds to the built-in policy.
type Description struct {
	// File is the admin's policy file ("" for the built-in policy alone).
	File string
	// Version is the first bytes of the policy file's SHA-256 (of the
	// built-in policy's without a file).
	Version string
	Monitor bool
	// Categories lists every category with its action and the rules
	// whose action differs from it.
	Categories []CategoryDescription
	// Rules are the admin's own rules.
	Rules []RuleSpec
	// Domains, Senders and Phrases are what the admin allows besides the
	// built-in lists.
	Domains, Senders, Phrases []string
	// AttachmentTypes are the extensions attachments may have.
	AttachmentTypes []string
}

// CategoryDescription is one category's action and its rules' own.
type CategoryDescription struct {
	Name   string
	Action string
	Rules  []RuleAction
}

// RuleAction is a rule with an action of its own.
type RuleAction struct {
	ID, Action string
}

// Describe returns the policy as the console shows it.
func (p *Policy) Describe() Description {
	d := Description{File: p.file, Version: p.version, Monitor: p.Monitor}
	for _, cat := range Categories {
		cd := CategoryDescription{Name: cat, Action: p.action(cat).String()}
		for id, a := range p.actions {
			if id != cat && !validCategory(id) && ruleCategory(id) == cat && a != p.action(cat) {
				cd.Rules = append(cd.Rules, RuleAction{ID: id, Action: a.String()})
			}
		}
		for _, r := range p.rules {
			if r.Category == cat && r.action != p.action(cat) && !slices.ContainsFunc(cd.Rules, func(x RuleAction) bool { return x.ID == r.ID }) {
				cd.Rules = append(cd.Rules, RuleAction{ID: r.ID, Action: r.action.String()})
			}
		}
		sort.Slice(cd.Rules, func(i, j int) bool { return cd.Rules[i].ID < cd.Rules[j].ID })
		d.Categories = append(d.Categories, cd)
	}
	if p.own != nil {
		d.Rules = p.own.Rules
		d.Domains, d.Senders, d.Phrases = p.own.Allow.Domains, p.own.Allow.Senders, p.own.Allow.Phrases
	}
	for ext := range p.allowedEx {
		d.AttachmentTypes = append(d.AttachmentTypes, ext)
	}
	sort.Strings(d.AttachmentTypes)
	return d
}

// ruleCategory is the category a rule id starts with ("proactive.repeat"
// is proactive).
func ruleCategory(id string) string {
	for i := range len(id) {
		if id[i] == '.' {
			return id[:i]
		}
	}
	return id
}

// Explain returns the explanation of a finding recorded in the trail
// (which keeps the rule and category, not the text), in lang or English.
func (p *Policy) Explain(lang, rule, category string) string {
	return p.ruleMessage(lang, rule, category)
}
