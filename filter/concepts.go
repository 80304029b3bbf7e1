package filter

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	snowball "github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/french"
	"github.com/blevesearch/snowballstem/german"
	"github.com/blevesearch/snowballstem/italian"
	"github.com/blevesearch/snowballstem/spanish"
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
	// ID names the rule in refusals ("review.incentive").
	ID string `yaml:"id"`
	// Category is the finding's category.
	Category string `yaml:"category"`
	// All are the concepts that must meet.
	All []string `yaml:"all"`
	// None are concepts that keep the rule from firing in the sentence
	// ("cannot", "regardless of").
	None []string `yaml:"none"`
	// Span is how many sentences in a row the concepts may spread over
	// (default 1): "You left a one-star rating. Now that all is solved,
	// could you update it?" asks in the second what the first names.
	Span int `yaml:"span"`
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
	names  []string
	byName map[string]int
	langs  map[string]*conceptLang
	rules  []compiledRule
}

type compiledRule struct {
	id, cat    string
	need, none []int // concept indexes
	span       int
}

// conceptLang is one language's lexicon.
type conceptLang struct {
	stem func(*snowball.Env) bool
	// byStem and byWord map a term's first word (its stem, or the word
	// as written) to the terms starting with it.
	byStem, byWord map[string][]conceptTerm
	// gate holds the first three letters (accents removed) of every stem
	// and of every term word as written: a word whose first letters are
	// not in it is not stemmed.
	gate *stemGate
	// subs are the terms looked for as substrings: "*part" terms (as
	// written and without accents) and Japanese terms; subConcept gives
	// each one's concept, subMM finds them all in one pass.
	subs       []string
	subConcept []int
	subMM      *multiMatcher
}

// addSub adds a substring term.
func (cl *conceptLang) addSub(concept int, s string) {
	cl.subs = append(cl.subs, s)
	cl.subConcept = append(cl.subConcept, concept)
}

// markSubs sets seen for the substring terms in s.
func (cl *conceptLang) markSubs(s string, hits []mmHit, seen []bool) ([]mmHit, bool) {
	if cl.subMM == nil {
		return hits, false
	}
	hits = cl.subMM.find(s, hits[:0])
	for _, h := range hits {
		seen[cl.subConcept[h.idx]] = true
	}
	return hits, len(hits) > 0
}

type conceptTerm struct {
	concept int
	keys    []termKey
}

// termKey is one word of a term: a stem, or a word as written.
type termKey struct {
	s     string
	exact bool
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
				cl = &conceptLang{stem: conceptLangs[lang], byStem: map[string][]conceptTerm{},
					byWord: map[string][]conceptTerm{}, gate: &stemGate{other: map[string]bool{}}}
				cs.langs[lang] = cl
			}
			for _, t := range terms {
				if err := cl.add(idx[name], t, env); err != nil {
					return nil, fmt.Errorf("concept %s, %s: %w", name, lang, err)
				}
			}
		}
	}
	cs.byName = idx
	for _, cl := range cs.langs {
		if len(cl.subs) > 0 {
			cl.subMM = newMultiMatcher(cl.subs)
		}
	}
	for _, r := range spec.Rules {
		if r.ID == "" || len(r.All) == 0 {
			return nil, fmt.Errorf("concept rule %q: needs an id and the concepts it joins", r.ID)
		}
		if !validCategory(r.Category) {
			return nil, fmt.Errorf("concept rule %s: unknown category %q", r.ID, r.Category)
		}
		if r.Span < 0 || r.Span > maxSpan {
			return nil, fmt.Errorf("concept rule %s: span %d is not between 1 and %d", r.ID, r.Span, maxSpan)
		}
		cr := compiledRule{id: r.ID, cat: r.Category, span: max(r.Span, 1)}
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

// maxSpan is the most sentences a rule may spread over.
const maxSpan = 3

// add compiles one term of the language.
func (cl *conceptLang) add(concept int, t string, env *snowball.Env) error {
	t = normalize(strings.TrimSpace(t))
	if t == "" {
		return fmt.Errorf("empty term")
	}
	if cl.stem == nil || hasCJK(t) {
		cl.addSub(concept, strings.TrimPrefix(t, "*")) // "*★★★★★": a substring either way
		return nil
	}
	if strings.HasPrefix(t, "*") {
		cl.addSub(concept, t[1:])
		if f := foldAccents(t[1:]); f != t[1:] {
			cl.addSub(concept, f)
		}
		return nil
	}
	var keys []termKey
	for _, w := range conceptWords(t) {
		// Short words ("a", "the", "our", "si") are compared as written:
		// their stems say nothing more, and stemming them costs.
		if strings.HasPrefix(w, "=") || utf8.RuneCountInString(w) <= 3 {
			keys = append(keys, termKey{s: strings.TrimPrefix(w, "="), exact: true})
			continue
		}
		w = elided(w)
		s := stemWord(env, cl.stem, w)
		keys = append(keys, termKey{s: s})
		cl.gate.add(gateKey(s))
		cl.gate.add(gateKey(foldAccents(w))) // "any" stems to "ani"
	}
	if len(keys) == 0 {
		return fmt.Errorf("term %q has no words", t)
	}
	ct := conceptTerm{concept: concept, keys: keys}
	if keys[0].exact {
		cl.byWord[keys[0].s] = append(cl.byWord[keys[0].s], ct)
	} else {
		cl.byStem[keys[0].s] = append(cl.byStem[keys[0].s], ct)
	}
	return nil
}

// conceptWords splits normalized text into words: letters, digits and the
// apostrophes and hyphens inside them ("don't", "e-mail"); a leading "="
// stays with its word. "%" and "€" are words of their own.
func conceptWords(s string) []string {
	return appendConceptWords(nil, s)
}

// appendConceptWords appends the words of s to out.
func appendConceptWords(out []string, s string) []string {
	eachWord(s, func(w string) { out = append(out, w) })
	return out
}

// namesSeller reports whether two or three words in a row spell the
// seller's mark as a name is written ("Little Loon Mars Rover" for
// littleloontoys.ca, "Trompo Azul" for trompoazul.es): all of it, or
// two thirds of it from its start.
func namesSeller(words []string, mark string) bool {
	// "Ortoverde" names ortoverde-shop.it: its name without a shop word.
	if k := strings.LastIndexByte(mark, '-'); k >= 4 && shopSuffix[mark[k+1:]] {
		if name := strings.ReplaceAll(mark[:k], "-", ""); slices.Contains(words, name) {
			return true
		}
	}
	mark = strings.ReplaceAll(mark, "-", "")
	for i := range words {
		if len(words[i]) >= len(mark) || !strings.HasPrefix(mark, words[i]) {
			continue // most words: no concatenation made
		}
		joined := words[i]
		if nameAndTrade(joined, mark) {
			return true
		}
		for j := i + 1; j < len(words) && j <= i+2; j++ {
			joined += words[j]
			if !strings.HasPrefix(mark, joined) {
				break
			}
			if joined == mark || len(joined) >= 6 && 3*len(joined) >= 2*len(mark) || nameAndTrade(joined, mark) {
				return true
			}
		}
	}
	return false
}

// nameAndTrade reports whether mark is the name, the start of it, and a
// word of the trade or a shop's ("Brassline" for brasslinemodels.com).
func nameAndTrade(name, mark string) bool {
	rest := mark[len(name):]
	return len(name) >= 5 && (shopSuffix[rest] || tradeSuffix[rest])
}

// tradeSuffix are the words of a trade a shop adds to its name in its
// domain.
var tradeSuffix = map[string]bool{"models": true, "tools": true, "toys": true, "parts": true, "supplies": true,
	"crafts": true, "design": true, "designs": true, "home": true, "garden": true, "kitchen": true, "outdoor": true,
	"outdoors": true, "sports": true, "gear": true, "goods": true, "co": true, "company": true, "works": true,
	"studio": true, "labs": true, "living": true, "beauty": true, "pets": true, "baby": true, "kids": true,
	"golf": true, "bikes": true, "music": true, "audio": true, "electronics": true, "tech": true, "power": true,
	"games": true, "books": true, "trading": true, "handel": true, "moda": true, "mode": true, "casa": true}

// shopSuffix are the words a shop adds to its name in its domain.
var shopSuffix = map[string]bool{"shop": true, "store": true, "online": true, "official": true, "direct": true,
	"onlineshop": true, "webshop": true, "boutique": true, "tienda": true, "negozio": true, "laden": true, "versand": true,
	"de": true, "fr": true, "it": true, "es": true, "uk": true, "jp": true, "eu": true, "italia": true, "france": true,
	"deutschland": true, "espana": true, "japan": true}

// appendTextWords appends the words of a text to out as the lexicon
// compares them, typographic apostrophes as typed ones: a hyphenated compound's parts come before the compound
// itself ("5-sterne-bewertung" is also "5", "sterne", "bewertung"), so
// that a term meets the words a writer chose to join.
func appendTextWords(out []string, s string) []string {
	eachWord(s, func(w string) {
		if strings.Contains(w, "’") {
			w = strings.ReplaceAll(w, "’", "'") // l’évaluation is l'évaluation
		}
		if strings.IndexByte(w, '-') > 0 {
			for _, p := range strings.Split(w, "-") {
				if p != "" {
					out = append(out, p)
				}
			}
		}
		out = append(out, w)
	})
	return out
}

// currencyWord returns the word a symbol is by itself ("%", "€"), or "".
func currencyWord(r rune) string {
	switch r {
	case '%':
		return "%"
	case '€':
		return "€"
	case '$':
		return "$"
	case '£':
		return "£"
	}
	return ""
}

// eachWord calls f with each word of s, as conceptWords splits them.
func eachWord(s string, f func(string)) {
	start := -1
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		var word bool
		if r < utf8.RuneSelf {
			c := byte(r)
			word = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
				c == '=' && start < 0 || (c == '\'' || c == '-') && start >= 0
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
			word = unicode.IsLetter(r) || unicode.IsDigit(r) || r == '’' && start >= 0
		}
		if !word && start >= 0 {
			if w := strings.TrimRight(s[start:i], "'’-"); w != "" {
				f(w)
			}
			start = -1
		}
		if word && start < 0 {
			start = i
		}
		if !word {
			if cw := currencyWord(r); cw != "" {
				f(cw)
			}
		}
		i += size
	}
	if start >= 0 {
		if w := strings.TrimRight(s[start:], "'’-"); w != "" {
			f(w)
		}
	}
}

// elided returns w without an elided article or pronoun ("l'actualiser"
// is stemmed as "actualiser", "dell'ordine" as "ordine"). "d'" stays: it
// makes words of their own ("changer d'avis" is no review).
func elided(w string) string {
	if k := strings.IndexByte(w, '\''); k > 0 && len(w)-k > 4 && elision[w[:k]] {
		return w[k+1:] // "qu'il", "l'uso" stay whole: short words are compared as written
	}
	return w
}

// elision are the French and Italian words that lose their vowel before
// another word and join it with an apostrophe.
var elision = map[string]bool{"l": true, "j": true, "m": true, "t": true, "s": true, "n": true, "c": true,
	"qu": true, "jusqu": true, "lorsqu": true, "puisqu": true, "un": true, "dell": true, "all": true, "nell": true,
	"sull": true, "dall": true, "quell": true, "quest": true}

// stemWord stems one word (lower case) with the language's stemmer.
func stemWord(env *snowball.Env, stem func(*snowball.Env) bool, w string) string {
	env.SetCurrent(w)
	stem(env)
	return foldAccents(env.Current())
}

// gated reports whether the word's first letters, as written or without
// accents, are those of a term's word: only then is it worth stemming.
func (cl *conceptLang) gated(w string, st *stemCache) bool {
	k := gateKey(w)
	if cl.gate.has(k) {
		return true
	}
	for i := 0; i < len(k); i++ {
		if k[i] >= utf8.RuneSelf {
			return cl.gate.has(st.fold(k))
		}
	}
	return false
}

// stemGate is a set of words' first three letters: those in ASCII in a
// bit set (a word of the text costs no map look-up), the others in a map.
type stemGate struct {
	bits  [(gateBase*gateBase*gateBase + 63) / 64]uint64
	other map[string]bool
}

// gateBase is the number of symbols a bit set key's byte maps to.
const gateBase = 39

// gateIndex returns the bit of an ASCII key of up to three bytes; ok is
// false for a key with other bytes.
func gateIndex(k string) (int, bool) {
	i := 0
	for j := 0; j < 3; j++ {
		sym := gateBase - 1 // past the key's end
		if j < len(k) {
			c := k[j]
			switch {
			case c >= utf8.RuneSelf:
				return 0, false
			case 'a' <= c && c <= 'z':
				sym = int(c - 'a')
			case '0' <= c && c <= '9':
				sym = 26 + int(c-'0')
			case c == '\'':
				sym = 36
			default:
				sym = 37 // other ASCII bytes share one symbol: a key may pass that need not
			}
		}
		i = i*gateBase + sym
	}
	return i, len(k) <= 3
}

// add puts a key in the set.
func (g *stemGate) add(k string) {
	if i, ok := gateIndex(k); ok {
		g.bits[i/64] |= 1 << (i % 64)
		return
	}
	g.other[k] = true
}

// has reports whether a key is in the set.
func (g *stemGate) has(k string) bool {
	if i, ok := gateIndex(k); ok {
		return g.bits[i/64]&(1<<(i%64)) != 0
	}
	return g.other[k]
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
// foldAccents is safe for concurrent use: it keeps no transformer between
// calls (a transform.Chain holds buffers, and checks run in parallel).
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
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

// conceptHit is a concept rule that fired, with the sentence it fired in.
type conceptHit struct {
	rule   int
	lo, hi int // the sentence in the scanned text
}

// find returns the rules that fire in the sentences of text (normalized),
// read in each of langs (the text's language as its words say and the
// marketplace's: a short sentence's few words can mislead) and as
// Japanese where it has Japanese characters; mark is the seller's own name
// ("" when unknown). st carries the stems already computed in this check.
func (cs *concepts) find(text string, langs []string, mark string, st *stemCache) []conceptHit {
	if cs == nil || len(cs.rules) == 0 {
		return nil
	}
	ja := cs.langs["ja"]
	var out []conceptHit
	// seen holds the concepts of the last maxSpan sentences, the current
	// one first; it carries over from the paragraph before when the
	// caller says the two are adjacent (one sentence per line, no blank
	// line between).
	seen := &st.window
	if len(seen[0]) != len(cs.names) {
		for k := range seen {
			seen[k] = make([]bool, len(cs.names))
		}
	} else if !st.carry {
		for k := range seen {
			clear(seen[k])
		}
	}
	for _, sp := range sentences(text) {
		s := text[sp[0]:sp[1]]
		seen[0], seen[1], seen[2] = seen[2], seen[0], seen[1]
		clear(seen[0])
		if st.done[s] {
			continue // read in this message already (its HTML repeats its text)
		}
		if st.done == nil {
			st.done = map[string]bool{}
		}
		st.done[s] = true
		any := false
		st.words = appendTextWords(st.words[:0], s)
		for i, lang := range langs {
			if cl := cs.langs[lang]; cl != nil && cl.stem != nil && (i == 0 || lang != langs[0]) {
				any = cl.mark(s, lang, mark, st, seen[0]) || any
			}
		}
		if ja != nil && strings.IndexByte(s, 0xE3) >= 0 {
			var found bool
			st.hits, found = ja.markSubs(s, st.hits, seen[0])
			any = any || found
		}
		if !any {
			continue
		}
		for ri, r := range cs.rules {
			if r.fires(seen[:r.span]) {
				out = append(out, conceptHit{rule: ri, lo: sp[0], hi: sp[1]})
			}
		}
	}
	return out
}

// fires reports whether the rule's concepts meet in the sentences whose
// concepts are seen (the current one first): every needed concept in one
// of them, at least one in the current one, and none of the excluded in
// the current one.
func (r compiledRule) fires(seen [][]bool) bool {
	current := false
	for _, need := range r.need {
		found := false
		for k, s := range seen {
			if s[need] {
				found = true
				current = current || k == 0
				break
			}
		}
		if !found {
			return false
		}
	}
	for _, no := range r.none {
		if seen[0][no] {
			return false
		}
	}
	return current
}

// has reports whether the sentence s holds a term of the named concept, in
// one of langs or in Japanese.
func (cs *concepts) has(s string, langs []string, name string, st *stemCache) bool {
	ci, ok := cs.byName[name]
	if cs == nil || !ok {
		return false
	}
	seen := make([]bool, len(cs.names))
	st.words = appendTextWords(st.words[:0], s)
	for _, lang := range langs {
		if cl := cs.langs[lang]; cl != nil && cl.stem != nil {
			cl.mark(s, lang, "", st, seen)
		}
	}
	if ja := cs.langs["ja"]; ja != nil && strings.IndexByte(s, 0xE3) >= 0 {
		st.hits, _ = ja.markSubs(s, st.hits, seen)
	}
	return seen[ci]
}

// stemCache keeps the stems of one check's words per language: a reply's
// words repeat, and stemming is the matcher's dearest step.
type stemCache struct {
	env   *snowball.Env
	stems map[string]map[string]string // lang → word → stem
	words []string
	keys  []wordKeys
	hits  []mmHit
	// done holds the sentences read in the current check.
	done map[string]bool
	// window holds the concepts of the last sentences read; carry keeps
	// it for the next paragraph (see find).
	window [maxSpan][]bool
	carry  bool
	// folds holds the accent-folded first letters of words (see fold).
	folds map[string]string
}

// fold returns foldAccents(k) for a word's first letters, computed once
// per check: Unicode normalization costs more than the rest of the gate.
func (st *stemCache) fold(k string) string {
	if f, ok := st.folds[k]; ok {
		return f
	}
	if st.folds == nil || len(st.folds) > maxCachedStems {
		st.folds = map[string]string{}
	}
	f := foldAccents(k)
	st.folds[k] = f
	return f
}

// reset readies the cache for a new check.
func (st *stemCache) reset() { clear(st.done); st.carry = false }

// maxCachedStems bounds a language's stem cache.
const maxCachedStems = 20000

// wordKeys is what a word of the text is compared by.
type wordKeys struct {
	word, stem string // stem "" when the word was not stemmed
}

// stem returns the stem of w (lower case) in lang.
func (st *stemCache) stem(cl *conceptLang, lang, w string) string {
	if st.env == nil {
		st.env = snowball.NewEnv("")
		st.stems = map[string]map[string]string{}
	}
	m := st.stems[lang]
	if len(m) > maxCachedStems {
		clear(m) // hostile text of ever new words costs time, not memory
	}
	if m == nil {
		m = map[string]string{}
		st.stems[lang] = m
	}
	if s, ok := m[w]; ok {
		return s
	}
	s := stemWord(st.env, cl.stem, w)
	m[w] = s
	return s
}

// mark sets seen for each concept whose term occurs in the sentence s,
// whose words are st.words (see appendTextWords).
func (cl *conceptLang) mark(s, lang, mark string, st *stemCache, seen []bool) bool {
	st.keys = st.keys[:0]
	any := false
	for _, w := range st.words {
		k := wordKeys{word: w}
		if sw := elided(w); len(sw) > 3 && cl.gated(sw, st) {
			k.stem = st.stem(cl, lang, sw)
		}
		st.keys = append(st.keys, k)
		if mark != "" && (w == mark || strings.HasPrefix(w, mark+".")) {
			seen[0], any = true, true
		}
	}
	if mark != "" && !seen[0] && namesSeller(st.words, mark) {
		seen[0], any = true, true
	}
	var found bool
	st.hits, found = cl.markSubs(s, st.hits, seen)
	any = any || found
	for i, k := range st.keys {
		for _, t := range cl.byWord[k.word] {
			if !seen[t.concept] && termAt(t.keys, st.keys, i) {
				seen[t.concept], any = true, true
			}
		}
		if k.stem == "" {
			continue
		}
		for _, t := range cl.byStem[k.stem] {
			if !seen[t.concept] && termAt(t.keys, st.keys, i) {
				seen[t.concept], any = true, true
			}
		}
	}
	return any
}

// termAt reports whether the term's keys match the words from i on.
func termAt(tk []termKey, keys []wordKeys, i int) bool {
	if i+len(tk) > len(keys) {
		return false
	}
	for j, k := range tk {
		w := keys[i+j]
		if k.exact && w.word != k.s || !k.exact && w.stem != k.s {
			return false
		}
	}
	return true
}

// sentences splits text into sentences: at line breaks, at ! ? ; and
// the Japanese stops, and at a dot followed by white space or the end
// (the dots of "www.shop.de" and "5.99" do not end one, nor those of an
// abbreviation or a day, see midDot).
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
			end = (i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\t') && !dateDot(text, i) && !midDot(text, i)
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

// midDot reports whether the dot at i, followed by white space, stands
// inside a sentence: it ends an abbreviation ("ggf. aktualisieren", "ca.
// drei", "M. Pelletier") or a day before its month ("vom 3. April"). The
// text is in lower case (normalized), so the case of the next word cannot
// tell.
func midDot(text string, i int) bool {
	k := i
	for k > 0 && i-k < 8 {
		r, size := utf8.DecodeLastRuneInString(text[:k])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' {
			break
		}
		k -= size
	}
	word := text[k:i]
	if utf8.RuneCountInString(word) == 1 && !isDigitByte(word[0]) || abbreviations[strings.ToLower(word)] {
		return true
	}
	if word == "" || len(word) > 2 || !isDigitByte(word[0]) || !isDigitByte(word[len(word)-1]) {
		return false
	}
	j := i + 1
	for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
		j++
	}
	w := j
	for w < len(text) && w-j < 12 {
		r, size := utf8.DecodeRuneInString(text[w:])
		if !unicode.IsLetter(r) {
			break
		}
		w += size
	}
	return monthNames[strings.ToLower(text[j:w])]
}

// abbreviations are the words written with a dot that seldom end a
// sentence in the six languages.
var abbreviations = map[string]bool{
	"ggf": true, "bzw": true, "z.b": true, "u.a": true, "evtl": true, "ca": true, "usw": true, "inkl": true,
	"zzgl": true, "vgl": true, "nr": true, "str": true, "tel": true, "d.h": true, "u.u": true, "max": true, "min": true,
	"e.g": true, "i.e": true, "approx": true, "vs": true, "no": true, "mr": true, "mrs": true, "ms": true, "dr": true,
	"mme": true, "mlle": true, "env": true, "cf": true, "p.ex": true, "réf": true,
	"p.ej": true, "aprox": true, "sr": true, "sra": true, "srta": true, "núm": true, "dto": true,
	"ecc": true, "sig": true, "sig.ra": true, "dott": true, "rif": true, "art": true,
}

// monthNames are the German months, the only language of the six that
// writes a day as an ordinal with a dot ("am 3. April").
var monthNames = map[string]bool{
	"januar": true, "jänner": true, "februar": true, "märz": true, "april": true, "mai": true, "juni": true,
	"juli": true, "august": true, "september": true, "oktober": true, "november": true, "dezember": true,
	"jan": true, "feb": true, "mär": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "okt": true, "nov": true, "dez": true,
}

// dateDot reports whether the dot at i ends a day and month written
// the German way ("vom 27.12. beschreibt"), not a sentence.
func dateDot(text string, i int) bool {
	j := i
	for j > 0 && i-j < 2 && isDigitByte(text[j-1]) {
		j--
	}
	if j == i || j == 0 || text[j-1] != '.' {
		return false
	}
	k := j - 1
	for k > 0 && j-1-k < 2 && isDigitByte(text[k-1]) {
		k--
	}
	return k < j-1 && (k == 0 || !isDigitByte(text[k-1]) && text[k-1] != '.')
}

// textLanguage guesses the language of a message's own text among the
// stemmed ones from its commonest short words, the marketplace's
// language breaking ties.
func textLanguage(text, market string) string {
	var score [len(stopLangs)]int
	for _, h := range stopWordMatcher.find(text, make([]mmHit, 0, 64)) {
		w := stopWordList[h.idx]
		lo := h.end - len(w.word)
		if wordEdge(text, lo-1) && wordEdge(text, h.end) {
			score[w.lang]++
		}
	}
	best, bestN := market, -1
	for i, l := range stopLangs {
		if l == market {
			bestN = score[i]
		}
	}
	for i, l := range stopLangs {
		if score[i] > bestN {
			best, bestN = l, score[i]
		}
	}
	return best
}

// wordEdge reports whether the byte at i of s (or the text's end) is no
// letter: a stop word found there stands on its own.
func wordEdge(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	c := s[i]
	return c < utf8.RuneSelf && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9')
}

// stopLangs are the languages textLanguage tells apart, in the order that
// breaks ties after the marketplace's.
var stopLangs = [...]string{"de", "en", "es", "fr", "it"}

type stopWord struct {
	word string
	lang int
}

// stopWordList holds each stemmed language's commonest words that the
// others do not share; stopWordMatcher finds them all in one pass.
var stopWordList, stopWordMatcher = func() ([]stopWord, *multiMatcher) {
	words := map[string]string{
		"en": "the and you your we our is are for with this that have will please thank thanks",
		"de": "der die das und sie ihr ihre wir unser ist sind für mit nicht bitte vielen dank ihnen",
		"fr": "les et vous votre nous notre est sont pour avec ce cette merci bonjour sur aux dans chez pas très vos une",
		"es": "el los las usted su nosotros nuestro es son para con gracias hola muchas una muy pero está",
		"it": "il lo gli lei suo noi nostro è sono per con grazie buongiorno cordiali della che sua",
	}
	var list []stopWord
	var strs []string
	for i, l := range stopLangs {
		for _, w := range strings.Fields(words[l]) {
			list = append(list, stopWord{w, i})
			strs = append(strs, w)
		}
	}
	return list, newMultiMatcher(strs)
}()
