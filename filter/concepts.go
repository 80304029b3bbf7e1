package filter

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	snowball "github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/french"
	"github.com/blevesearch/snowballstem/german"
	"github.com/blevesearch/snowballstem/italian"
	"github.com/blevesearch/snowballstem/spanish"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Concepts are meanings, not phrases: each is a multilingual lexicon of
// words ("incentive": gift, gift card, voucher, Gutschein, bon d'achat,
// buono, 特典 …), and a concept rule fires when all its concepts occur in
// one sentence (review × incentive, review × change, offer × other
// product …). Words of en, de, fr, es and it are compared by their Snowball
// stems, so that inflection and word order do not matter; Japanese words
// are looked for in the sentence as they are.
//
// A term in the lexicon is one or more words; each word is compared by
// its stem, or, written "=word", exactly as it stands (for words whose
// stem means too much: "=reviews" is a product review, the stem "review"
// is also "we reviewed your case"), or, written "*part", as a part of a
// word (German compounds: "*gutschein" is in "Geschenkgutschein").

// ConceptSpec is the concepts section of a policy file.
type ConceptSpec struct {
	// Terms per concept and language.
	Terms map[string]map[string][]string `yaml:"terms"`
	// Rules: a category and the concepts that must meet in a sentence.
	Rules []ConceptRule `yaml:"rules"`
}

// ConceptRule fires when every concept in All occurs in one sentence and
// none of None does ("we cannot offer anything for a review" is no offer).
type ConceptRule struct {
	ID       string   `yaml:"id"`
	Category string   `yaml:"category"`
	All      []string `yaml:"all"`
	None     []string `yaml:"none"`
}

// conceptLangs are the languages whose words are stemmed.
var conceptLangs = map[string]func(*snowball.Env) bool{
	"en": english.Stem, "de": german.Stem, "fr": french.Stem, "es": spanish.Stem, "it": italian.Stem,
}

// sellerConcept is the concept every policy has: the seller's own name,
// as its sender domain shows it ("search for brightkettle on Amazon").
const sellerConcept = "seller"

// concepts is a compiled ConceptSpec.
type concepts struct {
	names []string
	langs map[string]*conceptLang
	rules []compiledRule
}

type compiledRule struct {
	id, cat    string
	need, none []int // concept indexes
}

// conceptLang is one language's lexicon.
type conceptLang struct {
	stem func(*snowball.Env) bool
	// first maps a term's first word key ("s:"+stem or "=":word) to the
	// terms starting with it.
	first map[string][]conceptTerm
	// parts are the "*part" terms.
	parts []conceptTerm
	// gate holds the first three letters (accents removed) of every stem
	// and of every term word as written: a word whose first letters are
	// not in it is not stemmed.
	gate map[string]bool
	// subs are Japanese terms, looked for as substrings.
	subs []conceptTerm
}

type conceptTerm struct {
	concept int
	keys    []string
}

// compileConcepts builds the lexicons; errors name the concept and term.
func compileConcepts(spec ConceptSpec) (*concepts, error) {
	cs := &concepts{langs: map[string]*conceptLang{}}
	idx := map[string]int{sellerConcept: 0}
	cs.names = []string{sellerConcept}
	for _, name := range sortedKeys(spec.Terms) {
		if _, ok := idx[name]; !ok {
			idx[name] = len(cs.names)
			cs.names = append(cs.names, name)
		}
	}
	env := snowball.NewEnv("")
	for _, name := range sortedKeys(spec.Terms) {
		for lang, terms := range spec.Terms[name] {
			cl := cs.langs[lang]
			if cl == nil {
				cl = &conceptLang{stem: conceptLangs[lang], first: map[string][]conceptTerm{}, gate: map[string]bool{}}
				cs.langs[lang] = cl
			}
			for _, t := range terms {
				if err := cl.add(idx[name], t, env); err != nil {
					return nil, fmt.Errorf("concept %s, %s: %w", name, lang, err)
				}
			}
		}
	}
	for _, r := range spec.Rules {
		if r.ID == "" || len(r.All) == 0 {
			return nil, fmt.Errorf("concept rule %q: needs an id and the concepts it joins", r.ID)
		}
		if !validCategory(r.Category) {
			return nil, fmt.Errorf("concept rule %s: unknown category %q", r.ID, r.Category)
		}
		cr := compiledRule{id: r.ID, cat: r.Category}
		for _, n := range r.All {
			i, ok := idx[n]
			if !ok {
				return nil, fmt.Errorf("concept rule %s: no concept %q", r.ID, n)
			}
			cr.need = append(cr.need, i)
		}
		for _, n := range r.None {
			i, ok := idx[n]
			if !ok {
				return nil, fmt.Errorf("concept rule %s: no concept %q", r.ID, n)
			}
			cr.none = append(cr.none, i)
		}
		cs.rules = append(cs.rules, cr)
	}
	return cs, nil
}

// add compiles one term of the language.
func (cl *conceptLang) add(concept int, t string, env *snowball.Env) error {
	t = normalize(strings.TrimSpace(t))
	if t == "" {
		return fmt.Errorf("empty term")
	}
	if cl.stem == nil || hasCJK(t) {
		cl.subs = append(cl.subs, conceptTerm{concept: concept, keys: []string{t}})
		return nil
	}
	if strings.HasPrefix(t, "*") {
		cl.parts = append(cl.parts, conceptTerm{concept: concept, keys: []string{foldAccents(t[1:])}})
		return nil
	}
	var keys []string
	for _, w := range conceptWords(t) {
		// Short words ("a", "the", "our", "si") are compared as written:
		// their stems say nothing more, and stemming them costs.
		if strings.HasPrefix(w, "=") || utf8.RuneCountInString(w) <= 3 {
			keys = append(keys, "="+strings.TrimPrefix(w, "="))
			continue
		}
		s := stemWord(env, cl.stem, w)
		keys = append(keys, "s:"+s)
		cl.gate[gateKey(s)] = true
		cl.gate[gateKey(foldAccents(w))] = true // "any" stems to "ani"
	}
	if len(keys) == 0 {
		return fmt.Errorf("term %q has no words", t)
	}
	cl.first[keys[0]] = append(cl.first[keys[0]], conceptTerm{concept: concept, keys: keys})
	return nil
}

// conceptWords splits normalized text into words: letters, digits and the
// apostrophes and hyphens inside them ("don't", "e-mail"); a leading "="
// stays with its word. "%" and "€" are words of their own.
func conceptWords(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '=' && start < 0 ||
			(r == '\'' || r == '’' || r == '-') && start >= 0
		if word {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, strings.TrimRight(s[start:i], "'’-"))
			start = -1
		}
		if r == '%' || r == '€' || r == '$' || r == '£' {
			out = append(out, string(r))
		}
	}
	if start >= 0 {
		out = append(out, strings.TrimRight(s[start:], "'’-"))
	}
	return out
}

// stemWord stems one word (lower case) with the language's stemmer.
func stemWord(env *snowball.Env, stem func(*snowball.Env) bool, w string) string {
	env.SetCurrent(w)
	stem(env)
	return foldAccents(env.Current())
}

// gateKey is a stem's first three letters.
func gateKey(s string) string {
	n := 0
	for i := range s {
		if n == 3 {
			return s[:i]
		}
		n++
	}
	return s
}

// accentFold removes diacritics (German stems lose their umlauts, and
// agents write "reseña" and "resena" alike).
var accentFold = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

func foldAccents(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	out, _, err := transform.String(accentFold, s)
	if err != nil {
		return s
	}
	return out
}

// conceptHit is a concept rule that fired, with the sentence it fired in.
type conceptHit struct {
	rule   int
	lo, hi int // the sentence in the scanned text
}

// find returns the rules that fire in the sentences of text (normalized),
// read as lang (and as Japanese where it has Japanese characters); mark is
// the seller's own name ("" when unknown).
func (cs *concepts) find(text, lang, mark string) []conceptHit {
	if cs == nil || len(cs.rules) == 0 {
		return nil
	}
	cl := cs.langs[lang]
	ja := cs.langs["ja"]
	var out []conceptHit
	env := snowball.NewEnv("")
	seen := make([]bool, len(cs.names))
	for _, sp := range sentences(text) {
		s := text[sp[0]:sp[1]]
		clear(seen)
		any := false
		if cl != nil && cl.stem != nil {
			any = cl.mark(s, mark, env, seen) || any
		}
		if ja != nil && strings.IndexByte(s, 0xE3) >= 0 && hasCJK(s) {
			for _, t := range ja.subs {
				if strings.Contains(s, t.keys[0]) {
					seen[t.concept], any = true, true
				}
			}
		}
		if !any {
			continue
		}
		for ri, r := range cs.rules {
			all := true
			for _, need := range r.need {
				all = all && seen[need]
			}
			for _, no := range r.none {
				all = all && !seen[no]
			}
			if all {
				out = append(out, conceptHit{rule: ri, lo: sp[0], hi: sp[1]})
			}
		}
	}
	return out
}

// mark sets seen for each concept whose term occurs in the sentence s.
func (cl *conceptLang) mark(s, mark string, env *snowball.Env, seen []bool) bool {
	words := conceptWords(s)
	keys := make([][2]string, len(words)) // "=word", "s:stem" ("" when not stemmed)
	any := false
	for i, w := range words {
		keys[i][0] = "=" + w
		f := foldAccents(w)
		if len(w) > 3 && (cl.gate[gateKey(f)] || cl.gate[gateKey(w)]) {
			keys[i][1] = "s:" + stemWord(env, cl.stem, w)
		}
		if mark != "" && (w == mark || strings.HasPrefix(w, mark+".")) {
			seen[0], any = true, true
		}
		for _, p := range cl.parts {
			if strings.Contains(f, p.keys[0]) {
				seen[p.concept], any = true, true
			}
		}
	}
	for i := range words {
		for _, k := range keys[i] {
			if k == "" {
				continue
			}
			for _, t := range cl.first[k] {
				if !seen[t.concept] && termAt(t.keys, keys, i) {
					seen[t.concept], any = true, true
				}
			}
		}
	}
	return any
}

// termAt reports whether the term's keys match the words from i on.
func termAt(tk []string, keys [][2]string, i int) bool {
	if i+len(tk) > len(keys) {
		return false
	}
	for j, k := range tk {
		if keys[i+j][0] != k && keys[i+j][1] != k {
			return false
		}
	}
	return true
}

// sentences splits text into sentences: at line breaks, at ! ? ; and
// the Japanese stops, and at a dot followed by white space or the end
// (the dots of "www.shop.de" and "5.99" do not end one).
func sentences(text string) [][2]int {
	var out [][2]int
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		end := false
		switch r {
		case '\n', '!', '?', ';', '。', '！', '？':
			end = true
		case '.':
			end = i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\t'
		}
		i += size
		if end {
			if i-start > 1 {
				out = append(out, [2]int{start, i})
			}
			start = i
		}
	}
	if len(text)-start > 1 {
		out = append(out, [2]int{start, len(text)})
	}
	return out
}

// textLanguage guesses the language of a message's own text among the
// stemmed ones from its commonest short words, the marketplace's
// language breaking ties.
func textLanguage(text, market string) string {
	score := map[string]int{}
	for _, w := range conceptWords(text) {
		if l, ok := stopWords[w]; ok {
			score[l]++
		}
	}
	best, bestN := market, score[market]
	langs := make([]string, 0, len(score))
	for l := range score {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		if score[l] > bestN {
			best, bestN = l, score[l]
		}
	}
	return best
}

// stopWords are each stemmed language's commonest words that the others
// do not share.
var stopWords = func() map[string]string {
	m := map[string]string{}
	for lang, ws := range map[string]string{
		"en": "the and you your we our is are for with this that have will please thank thanks",
		"de": "der die das und sie ihr ihre wir unser ist sind für mit nicht bitte vielen dank ihnen",
		"fr": "le la les et vous votre nous notre est sont pour avec ce cette merci bonjour",
		"es": "el los las y usted su nosotros nuestro es son para con gracias hola muchas",
		"it": "il lo gli e lei suo noi nostro è sono per con grazie buongiorno cordiali",
	} {
		for _, w := range strings.Fields(ws) {
			m[w] = lang
		}
	}
	return m
}()
