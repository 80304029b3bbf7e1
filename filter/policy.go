package filter

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

//go:embed default-policy.yaml
var defaultPolicyYAML []byte

// Categories are the policy's finding categories.
var Categories = []string{"link", "contact", "review", "promotion", "pixel", "attachment", "format", "unreadable", "proactive"}

// PolicyFile is the YAML an admin writes (and the embedded default).
type PolicyFile struct {
	// Monitor records verdicts without blocking anything (for rollout).
	Monitor *bool `yaml:"monitor"`
	// Actions per category (reject, quarantine, strip, tag), plus
	// "attachment_text" for findings inside attachments.
	Actions map[string]string `yaml:"actions"`
	// Attachments: allowed extensions and the size cap.
	Attachments struct {
		// Allowed are the file extensions Amazon's messaging accepts.
		Allowed []string `yaml:"allowed"`
		// MaxSize caps an attachment ("10MB").
		MaxSize string `yaml:"max_size"`
	} `yaml:"attachments"`
	// Allow lists what never counts: registrable domains, sender addresses
	// exempt from every rule, and phrases that are not findings.
	Allow struct {
		// Domains links may point to (and their subdomains): Amazon's,
		// the carriers' tracking sites.
		Domains []string `yaml:"domains"`
		// Senders are envelope senders no rule applies to.
		Senders []string `yaml:"senders"`
		// Phrases are never findings (a shop's own wording that looks
		// like a violation and is not).
		Phrases []string `yaml:"phrases"`
	} `yaml:"allow"`
	// Phrases per category and language (en, de, fr, es, it, ja): words
	// that are a finding wherever they stand.
	Phrases map[string]map[string][]string `yaml:"phrases"`
	// Patterns per category and language: regular expressions (RE2) on
	// the normalized text.
	Patterns map[string]map[string][]string `yaml:"patterns"`
	// Concepts are multilingual lexicons of meanings and the rules that
	// fire when concepts meet in a sentence.
	Concepts ConceptSpec `yaml:"concepts"`
	// Numbers says what a number is by the words before it, per language.
	Numbers NumberLabels `yaml:"numbers"`
	// Rules are the admin's own.
	Rules []RuleSpec `yaml:"rules"`
	// Messages explain each category (or one rule, by its name) to the
	// agent, per language; "hint" is
	// the refusal's last line.
	Messages map[string]map[string]string `yaml:"messages"`
	// Exceptions configures the off-Amazon exception protocol.
	Exceptions *ExceptionSpec `yaml:"exceptions"`
	// Proactive governs messages the seller starts (no buyer message in
	// the thread within the window).
	Proactive ProactiveSpec `yaml:"proactive"`
}

// NumberLabels are the words that say what a number is.
type NumberLabels struct {
	// Codes label numbers that are no phone numbers: serial, part, lot,
	// model, order, tracking, invoice, postcode …
	Codes map[string][]string `yaml:"codes"`
	// Services label phone numbers the policy allows: a carrier's, the
	// manufacturer's, a warranty service's.
	Services map[string][]string `yaml:"services"`
}

// RuleSpec is a custom rule.
type RuleSpec struct {
	// ID names the rule in refusals and the trail.
	ID string `yaml:"id"`
	// Category is one of the finding categories (link, contact, review,
	// promotion, pixel, attachment, format).
	Category string `yaml:"category"`
	// Action overrides the category's (reject, quarantine, strip, tag).
	Action string `yaml:"action"`
	// Pattern is a regular expression (RE2) on the normalized text.
	Pattern string `yaml:"pattern"`
	// Phrases are words that fire the rule (instead of a pattern).
	Phrases []string `yaml:"phrases"`
	// Message explains the rule to the agent.
	Message string `yaml:"message"`
	// Where limits the rule to subject, text, links or attachment_names.
	Where []string `yaml:"where"`
	// Languages limits the rule to messages to these marketplaces'
	// languages.
	Languages []string `yaml:"languages"`
	// Except lists sender addresses the rule does not apply to.
	Except []string `yaml:"except"`
}

// ExceptionSpec is the off-Amazon exception protocol's policy.
type ExceptionSpec struct {
	// Enabled switches the off-Amazon exception protocol on.
	Enabled bool `yaml:"enabled"`
	// Kinds maps technical-support-media / product-safety to what may be shared.
	Kinds map[string]struct {
		Domains []string `yaml:"domains"`
		Phones  []string `yaml:"phones"`
	} `yaml:"kinds"`
	// Statements per language: reason, channel, return (each a list of
	// phrases; one of each must appear).
	Statements map[string]map[string][]string `yaml:"statements"`
}

// ExceptionKinds are the two sanctioned reasons to leave Amazon's messaging.
var ExceptionKinds = []string{"technical-support-media", "product-safety"}

// ExceptionEnabled reports whether the policy allows the off-Amazon exception.
func (p *Policy) ExceptionEnabled() bool { return p.exception != nil && p.exception.Enabled }

// ExceptionKind reports whether kind is a kind the policy allows.
func (p *Policy) ExceptionKind(kind string) bool {
	if !p.ExceptionEnabled() {
		return false
	}
	_, ok := p.exception.Kinds[kind]
	return ok
}

// Policy is a compiled policy, ready for the engine.
type Policy struct {
	Monitor   bool
	actions   map[string]Action
	allowedEx map[string]bool
	maxAttach int64
	domains   map[string]bool
	senders   map[string]bool
	allowPh   []string
	// codeLabels and serviceLabels: NumberLabels, normalized, all languages.
	codeLabels, serviceLabels []string
	lex                       *lexicon // the phrase and pattern lists
	concepts                  *concepts
	rules                     []*rule
	messages                  map[string]map[string]string
	exception                 *ExceptionSpec
	proactive                 ProactiveSpec
	// own is the admin's policy file as written (nil for the built-in
	// policy alone), file its name.
	own  *PolicyFile
	file string
	// version names the policy file's content (the first bytes of its
	// SHA-256), so that an admin sees which one is in force.
	version string
}

// ProactiveSpec is the proactive section of a policy file.
type ProactiveSpec struct {
	// Enabled switches the proactive rules (on by default).
	Enabled *bool `yaml:"enabled"`
	// WindowDays is how long after the buyer's last message a message to
	// the buyer still answers it (default 30).
	WindowDays int `yaml:"window_days"`
}

// ProactiveRules are the rules of messages the seller starts; each may
// have its own action under actions: (else the category's).
var ProactiveRules = []string{RuleProactiveOrderID, RuleProactiveReviewRepeat, RuleProactiveOptedOut, RuleProactiveRepeat}

// The proactive rules, and the tag that marks a review request in the trail.
const (
	RuleProactiveOrderID      = "proactive.order-id"
	RuleProactiveReviewRepeat = "proactive.review-repeat"
	RuleProactiveOptedOut     = "proactive.opted-out"
	RuleProactiveRepeat       = "proactive.repeat"
	RuleReviewRequest         = "review.request"
)

// ProactiveEnabled reports whether the proactive rules run.
func (p *Policy) ProactiveEnabled() bool { return p.proactive.Enabled == nil || *p.proactive.Enabled }

// ProactiveWindow is how long a buyer's message keeps a thread answered.
func (p *Policy) ProactiveWindow() time.Duration {
	days := p.proactive.WindowDays
	if days <= 0 {
		days = 30
	}
	return time.Duration(days) * 24 * time.Hour
}

type rule struct {
	RuleSpec
	action Action
	re     *regexp.Regexp
	except map[string]bool
}

// DefaultPolicy returns the built-in multilingual policy.
func DefaultPolicy() *Policy {
	p, err := compilePolicy("default-policy.yaml", defaultPolicyYAML, nil)
	if err != nil {
		panic("built-in policy: " + err.Error()) // a build defect, caught by the tests
	}
	return p
}

// LoadPolicy reads an admin's policy file: it extends and overrides the
// built-in default. Errors name the file and line.
func LoadPolicy(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading policy: %w", err)
	}
	return ParsePolicy(path, data)
}

// ParsePolicy is LoadPolicy on bytes; file names them in errors.
func ParsePolicy(file string, data []byte) (*Policy, error) {
	var def PolicyFile
	if err := decodeStrict("default-policy.yaml", defaultPolicyYAML, &def); err != nil {
		return nil, err
	}
	return compilePolicy(file, data, &def)
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

func decodeStrict(file string, data []byte, out *PolicyFile) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil && !errors.Is(err, io.EOF) {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			msg = file + ":" + m[1] + ": " + strings.Replace(msg, m[0], "", 1)
		} else {
			msg = file + ": " + msg
		}
		msg = regexp.MustCompile(`field (\S+) not found in type \S+`).ReplaceAllString(msg, `unknown key "$1"`)
		return errors.New(msg)
	}
	return nil
}

// lineOf finds the line of a key path in the file, for semantic errors.
func lineOf(data []byte, path ...string) int {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return 0
	}
	n := root.Content[0]
	line := n.Line
	for _, k := range path {
		found := false
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					line, n, found = n.Content[i].Line, n.Content[i+1], true
					break
				}
			}
		} else if n.Kind == yaml.SequenceNode {
			if i, err := strconv.Atoi(k); err == nil && i < len(n.Content) {
				n, found = n.Content[i], true
				line = n.Line
			}
		}
		if !found {
			break
		}
	}
	return line
}

func compilePolicy(file string, data []byte, base *PolicyFile) (*Policy, error) {
	var f PolicyFile
	if err := decodeStrict(file, data, &f); err != nil {
		return nil, err
	}
	own := f
	if base != nil {
		f = merge(*base, f)
	}
	errf := func(path []string, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", file, lineOf(data, path...), fmt.Sprintf(format, args...))
	}
	p := &Policy{actions: map[string]Action{}, allowedEx: map[string]bool{}, domains: map[string]bool{},
		senders: map[string]bool{}, messages: f.Messages, exception: f.Exceptions, proactive: f.Proactive}
	if base != nil {
		p.own = &own
		p.file = file
	}
	sum := sha256.Sum256(data)
	p.version = hex.EncodeToString(sum[:6])
	if f.Monitor != nil {
		p.Monitor = *f.Monitor
	}
	for cat, a := range f.Actions {
		act, ok := ParseAction(a)
		if !ok || act == Pass {
			return nil, errf([]string{"actions", cat}, "action %q for %s: use reject, quarantine, strip or tag", a, cat)
		}
		if !validCategory(cat) && cat != "attachment_text" && !slices.Contains(ProactiveRules, cat) {
			return nil, errf([]string{"actions", cat}, "unknown category %q (one of %s, attachment_text)", cat, strings.Join(Categories, ", "))
		}
		if cat == "unreadable" && act < Quarantine {
			return nil, errf([]string{"actions", cat}, "what the engine cannot read is refused or held: use reject or quarantine")
		}
		if act == Strip && cat != "pixel" {
			return nil, errf([]string{"actions", cat}, "strip only applies to pixel (remote images)")
		}
		p.actions[cat] = act
	}
	for _, e := range f.Attachments.Allowed {
		p.allowedEx["."+strings.TrimPrefix(strings.ToLower(e), ".")] = true
	}
	p.maxAttach = 10 << 20
	if f.Attachments.MaxSize != "" {
		n, err := parseSize(f.Attachments.MaxSize)
		if err != nil {
			return nil, errf([]string{"attachments", "max_size"}, "%v", err)
		}
		p.maxAttach = n
	}
	for _, d := range f.Allow.Domains {
		p.domains[strings.ToLower(strings.TrimPrefix(d, "www."))] = true
	}
	for _, s := range f.Allow.Senders {
		p.senders[strings.ToLower(s)] = true
	}
	for _, ph := range f.Allow.Phrases {
		p.allowPh = append(p.allowPh, normalize(ph))
	}
	p.codeLabels = labelList(f.Numbers.Codes)
	p.serviceLabels = labelList(f.Numbers.Services)
	for _, cat := range sortedKeys(f.Patterns) {
		for _, lang := range sortedKeys(f.Patterns[cat]) {
			for _, pat := range f.Patterns[cat][lang] {
				if _, err := regexp.Compile(pat); err != nil {
					return nil, errf([]string{"patterns", cat, lang}, "bad pattern %q: %v", pat, err)
				}
			}
		}
	}
	lex, err := newLexicon(f.Phrases, f.Patterns)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	p.lex = lex
	if p.concepts, err = compileConcepts(f.Concepts); err != nil {
		return nil, errf([]string{"concepts"}, "%v", err)
	}
	if ex := f.Exceptions; ex != nil {
		for kind := range ex.Kinds {
			if kind != ExceptionKinds[0] && kind != ExceptionKinds[1] {
				return nil, errf([]string{"exceptions", "kinds", kind}, "exception kind %q: only %s are sanctioned", kind, strings.Join(ExceptionKinds, " and "))
			}
		}
	}
	for i, rs := range f.Rules {
		at := []string{"rules", strconv.Itoa(i)}
		if rs.ID == "" {
			return nil, errf(at, "rule without an id")
		}
		if !validCategory(rs.Category) {
			return nil, errf(append(at, "category"), "rule %s: unknown category %q (one of %s)", rs.ID, rs.Category, strings.Join(Categories, ", "))
		}
		act, ok := ParseAction(rs.Action)
		if rs.Action == "" {
			act, ok = p.actions[rs.Category], true
		}
		if !ok || act == Pass {
			return nil, errf(append(at, "action"), "rule %s: action %q: use reject, quarantine, strip or tag", rs.ID, rs.Action)
		}
		r := &rule{RuleSpec: rs, action: act, except: map[string]bool{}}
		var alts []string
		if rs.Pattern != "" {
			if _, err := regexp.Compile(rs.Pattern); err != nil {
				return nil, errf(append(at, "pattern"), "rule %s: bad pattern: %v", rs.ID, err)
			}
			alts = append(alts, rs.Pattern)
		}
		for _, ph := range rs.Phrases {
			alts = append(alts, phraseRE(normalize(ph), false))
		}
		if len(alts) == 0 {
			return nil, errf(at, "rule %s needs a pattern or phrases", rs.ID)
		}
		r.re = regexp.MustCompile("(?i)" + strings.Join(alts, "|"))
		for _, w := range rs.Where {
			switch w {
			case "subject", "text", "links", "attachment_names":
			default:
				return nil, errf(append(at, "where"), "rule %s: where %q: use subject, text, links or attachment_names", rs.ID, w)
			}
		}
		for _, s := range rs.Except {
			r.except[strings.ToLower(s)] = true
		}
		p.rules = append(p.rules, r)
	}
	return p, nil
}

// merge lays an admin's file over the default: scalars and actions
// override, lists extend.
func merge(base, over PolicyFile) PolicyFile {
	out := base
	if over.Monitor != nil {
		out.Monitor = over.Monitor
	}
	out.Actions = map[string]string{}
	for k, v := range base.Actions {
		out.Actions[k] = v
	}
	for k, v := range over.Actions {
		out.Actions[k] = v
	}
	if len(over.Attachments.Allowed) > 0 {
		out.Attachments.Allowed = over.Attachments.Allowed
	}
	if over.Attachments.MaxSize != "" {
		out.Attachments.MaxSize = over.Attachments.MaxSize
	}
	out.Allow.Domains = append(append([]string{}, base.Allow.Domains...), over.Allow.Domains...)
	out.Allow.Senders = append(append([]string{}, base.Allow.Senders...), over.Allow.Senders...)
	out.Allow.Phrases = append(append([]string{}, base.Allow.Phrases...), over.Allow.Phrases...)
	out.Phrases = mergeLists(base.Phrases, over.Phrases)
	out.Patterns = mergeLists(base.Patterns, over.Patterns)
	out.Concepts.Terms = mergeLists(base.Concepts.Terms, over.Concepts.Terms)
	out.Concepts.Rules = append(append([]ConceptRule{}, base.Concepts.Rules...), over.Concepts.Rules...)
	out.Numbers.Codes = mergeLangs(base.Numbers.Codes, over.Numbers.Codes)
	out.Numbers.Services = mergeLangs(base.Numbers.Services, over.Numbers.Services)
	out.Rules = append(append([]RuleSpec{}, base.Rules...), over.Rules...)
	if over.Proactive.Enabled != nil {
		out.Proactive.Enabled = over.Proactive.Enabled
	}
	if over.Proactive.WindowDays != 0 {
		out.Proactive.WindowDays = over.Proactive.WindowDays
	}
	out.Messages = map[string]map[string]string{}
	for _, src := range []map[string]map[string]string{base.Messages, over.Messages} {
		for lang, m := range src {
			if out.Messages[lang] == nil {
				out.Messages[lang] = map[string]string{}
			}
			for k, v := range m {
				out.Messages[lang][k] = v
			}
		}
	}
	if over.Exceptions != nil {
		ex := *over.Exceptions
		if base.Exceptions != nil && ex.Statements == nil {
			ex.Statements = base.Exceptions.Statements
		}
		out.Exceptions = &ex
	}
	return out
}

func mergeLists(a, b map[string]map[string][]string) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	for _, src := range []map[string]map[string][]string{a, b} {
		for cat, langs := range src {
			if out[cat] == nil {
				out[cat] = map[string][]string{}
			}
			for lang, l := range langs {
				out[cat][lang] = append(out[cat][lang], l...)
			}
		}
	}
	return out
}

// mergeLangs extends per-language lists a with b's.
func mergeLangs(a, b map[string][]string) map[string][]string {
	out := map[string][]string{}
	for _, src := range []map[string][]string{a, b} {
		for lang, l := range src {
			out[lang] = append(out[lang], l...)
		}
	}
	return out
}

// labelList returns the per-language lists' words normalized, in one list.
func labelList(m map[string][]string) []string {
	var out []string
	for _, lang := range sortedKeys(m) {
		for _, w := range m[lang] {
			if w = normalize(strings.TrimSpace(w)); w != "" {
				out = append(out, w)
			}
		}
	}
	return dedupe(out)
}

func sortedKeys[V any](ms ...map[string]V) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range ms {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

func validCategory(c string) bool {
	for _, x := range Categories {
		if x == c {
			return true
		}
	}
	return false
}

// phraseRE turns a normalized phrase into a pattern: spaces match any run
// of spaces; word boundaries unless the phrase is Japanese.
func phraseRE(ph string, cjk bool) string {
	parts := strings.Fields(ph)
	for i, w := range parts {
		parts[i] = regexp.QuoteMeta(w)
	}
	body := strings.Join(parts, `\s+`)
	if cjk {
		return body
	}
	return `(?:^|[^\p{L}\p{N}])` + body + `(?:$|[^\p{L}\p{N}])`
}

func parseSize(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a size (e.g. 10MB)", s)
	}
	return n * mult, nil
}

// action returns the policy's action for a category.
// ruleAction is the action of a rule that may have its own (actions:
// proactive.order-id: tag), else its category's.
func (p *Policy) ruleAction(rule, cat string) Action {
	if a, ok := p.actions[rule]; ok {
		return a
	}
	return p.action(cat)
}

func (p *Policy) action(cat string) Action {
	if a, ok := p.actions[cat]; ok {
		return a
	}
	return Reject
}

// message returns the explanation of a category in lang, falling back to English.
func (p *Policy) message(lang, key string) string {
	if m := p.messages[lang][key]; m != "" {
		return m
	}
	return p.messages["en"][key]
}

// ruleMessage returns the explanation of a rule in lang when the policy
// has one for the rule itself ("proactive.opted-out"), else its
// category's; the agent's language first, then English.
func (p *Policy) ruleMessage(lang, rule, cat string) string {
	for _, l := range []string{lang, "en"} {
		for _, k := range []string{rule, cat} {
			if m := p.messages[l][k]; m != "" && k != "" {
				return m
			}
		}
	}
	return ""
}

// DefaultPolicyText returns the text of the built-in policy file.
func DefaultPolicyText() []byte { return append([]byte(nil), defaultPolicyYAML...) }
