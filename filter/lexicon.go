package filter

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lexicon holds every phrase and pattern of a policy's phrase and pattern
// lists, all categories and languages together, indexed so that one pass
// over a line finds them all:
//
//   - phrases of spaced scripts are looked up by their first word and
//     compared word by word ("5 star", "5-star" and "5  star" match alike,
//     and a phrase never matches inside a longer word);
//   - Japanese phrases and phrases that start with a symbol are substrings
//     (Japanese has no spaces to mark word boundaries);
//   - patterns run only where they can match: each carries the literal
//     strings of which every match contains one (found by analysing the
//     pattern's syntax tree).
//
// One Aho-Corasick pass over a part's text finds the substring phrases and
// the patterns' literals of all its lines at once.
type lexicon struct {
	words map[string][]wordPhrase
	// firstLen has bit min(len,31) set for the length of each phrase's
	// first word, by its first byte: most words need no map look-up.
	firstLen [256]uint32
	subs     []subPhrase
	pats     []*pattern
	// always lists the patterns without literals.
	always []int
	// strs finds the substring phrases (indexes 0…len(subs)-1) and the
	// patterns' literals (from len(subs) on; litPat gives the pattern).
	strs   *multiMatcher
	litPat []int
	cats   []string
	// phraseLangs holds the languages whose list has a phrase, by its
	// category and normalized text ("telegram" is in all six).
	phraseLangs map[string][]string
}

// origin is where an entry comes from. rank orders one category's entries
// as the policy file lists them: languages in order, a language's phrases
// before its patterns; the first found in a line is the one reported.
type origin struct {
	cat  int
	lang string
	rank int
}

type wordPhrase struct {
	origin
	words []string
}

type subPhrase struct {
	origin
	s string
	// wordStart, wordEnd: the phrase starts (ends) with an ASCII letter or
	// digit, which must not continue a word in the text: "line id" is a
	// messenger in "LINE IDは", not in "segonlineidentificador".
	wordStart, wordEnd bool
}

type pattern struct {
	origin
	re *regexp.Regexp
	// lits: every match contains one of them; nil when no such set is known
	// (the pattern then runs on every line).
	lits []string
}

// lexHit is a finding in one line: the entry and the matched bytes of the
// normalized line.
type lexHit struct {
	origin
	lo, hi int
	ok     bool
}

// newLexicon compiles phrases and patterns, given per category and language.
func newLexicon(phrases, patterns map[string]map[string][]string) (*lexicon, error) {
	lx := &lexicon{words: map[string][]wordPhrase{}}
	lx.cats = orderedCategories(sortedKeys(phrases, patterns))
	for ci, cat := range lx.cats {
		for li, lang := range sortedKeys(phrases[cat], patterns[cat]) {
			o := origin{cat: ci, lang: lang, rank: 2 * li}
			for _, ph := range phrases[cat][lang] {
				lx.addPhrase(o, ph, lang == "ja")
			}
			o.rank++
			for _, pat := range patterns[cat][lang] {
				if err := lx.addPattern(o, pat); err != nil {
					return nil, fmt.Errorf("%s %s: %w", cat, lang, err)
				}
			}
		}
	}
	var all []string
	for _, sp := range lx.subs {
		all = append(all, sp.s)
	}
	for i, p := range lx.pats {
		if p.lits == nil {
			lx.always = append(lx.always, i)
		}
		for _, l := range p.lits {
			all = append(all, l)
			lx.litPat = append(lx.litPat, i)
		}
	}
	lx.strs = newMultiMatcher(all)
	return lx, nil
}

// orderedCategories puts the built-in categories first, in their usual
// order, then any other.
func orderedCategories(keys []string) []string {
	var out []string
	for _, c := range []string{"contact", "review", "promotion"} {
		if contains(keys, c) {
			out = append(out, c)
		}
	}
	for _, k := range keys {
		if !contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func (lx *lexicon) addPhrase(o origin, ph string, cjk bool) {
	n := strings.TrimSpace(normalize(ph))
	if n == "" {
		return
	}
	if lx.phraseLangs == nil {
		lx.phraseLangs = map[string][]string{}
	}
	k := phraseKey(o.cat, n)
	lx.phraseLangs[k] = append(lx.phraseLangs[k], o.lang)
	toks := tokens(n)
	if cjk || len(toks) == 0 || !strings.HasPrefix(n, toks[0].w) || hasCJK(n) {
		lx.subs = append(lx.subs, subPhrase{origin: o, s: n, wordStart: asciiAlnum(n[0]), wordEnd: asciiAlnum(n[len(n)-1])})
		return
	}
	ws := make([]string, len(toks))
	for i, t := range toks {
		ws[i] = t.w
	}
	lx.words[ws[0]] = append(lx.words[ws[0]], wordPhrase{o, ws})
	lx.firstLen[ws[0][0]] |= lenBit(len(ws[0]))
}

func (lx *lexicon) addPattern(o origin, pat string) error {
	re, err := regexp.Compile("(?i)" + pat)
	if err != nil {
		return fmt.Errorf("bad pattern %q: %v", pat, err)
	}
	p := &pattern{origin: o, re: re}
	if t, err := syntax.Parse(pat, syntax.Perl|syntax.FoldCase); err == nil {
		p.lits = requiredLiterals(t.Simplify())
	}
	lx.pats = append(lx.pats, p)
	return nil
}

// phraseKey keys phraseLangs: a category and a phrase's words.
func phraseKey(cat int, n string) string {
	return strconv.Itoa(cat) + " " + strings.Join(strings.Fields(n), " ")
}

// phraseLang returns the language a phrase found as h is reported in: the
// one of langs (the text's, the marketplace's) whose list holds the same
// phrase, else the list it was found by.
func (lx *lexicon) phraseLang(h lexHit, found string, langs []string) string {
	have := lx.phraseLangs[phraseKey(h.cat, found)]
	for _, l := range langs {
		if slices.Contains(have, l) {
			return l
		}
	}
	return h.lang
}

func lenBit(n int) uint32 { return 1 << min(n, 31) }

// scan finds the substring phrases and pattern literals in text (a whole
// part, or one line), in order of their ends.
func (lx *lexicon) scan(text string, hits []mmHit) []mmHit { return lx.strs.find(text, hits) }

// lexScratch is a check's reusable space for the lexicon.
type lexScratch struct {
	hits []lexHit
	// ran[i] == stamp when pattern i already ran on the current line.
	ran   []uint32
	stamp uint32
}

// find reports, per category in hits, the first-ranked entry found in the
// normalized line n; strs are what scan found in it (ends relative to n).
// Words are read from n as they come (nextWord): only a word that starts a
// phrase has the words after it read again.
func (lx *lexicon) find(n string, strs []mmHit, sc *lexScratch) []lexHit {
	if len(sc.hits) < len(lx.cats) {
		sc.hits = make([]lexHit, len(lx.cats))
		sc.ran = make([]uint32, len(lx.pats))
	}
	hits := sc.hits[:len(lx.cats)]
	for i := range hits {
		hits[i] = lexHit{}
	}
	better := func(o origin, lo, hi int) {
		h := &hits[o.cat]
		if !h.ok || o.rank < h.rank || o.rank == h.rank && lo < h.lo {
			*h = lexHit{o, lo, hi, true}
		}
	}
	for i := 0; ; {
		a, b := nextWord(n, i)
		if a == len(n) {
			break
		}
		i = b
		w := n[a:b]
		if lx.firstLen[w[0]]&lenBit(len(w)) == 0 {
			continue
		}
		for _, ph := range lx.words[w] {
			end, ok := b, true
			for j := 1; j < len(ph.words) && ok; j++ {
				c, d := nextWord(n, end)
				ok = c < len(n) && n[c:d] == ph.words[j]
				end = d
			}
			if ok {
				better(ph.origin, a, end)
			}
		}
	}
	if sc.stamp++; sc.stamp == 0 {
		// The stamp wrapped (the scratch is reused across checks): no
		// pattern may look as if it ran on this line already.
		clear(sc.ran)
		sc.stamp = 1
	}
	run := func(pi int) {
		if sc.ran[pi] == sc.stamp {
			return
		}
		sc.ran[pi] = sc.stamp
		p := lx.pats[pi]
		if h := hits[p.cat]; h.ok && h.rank < p.rank {
			return // a better-ranked entry is already found
		}
		if loc := p.re.FindStringIndex(n); loc != nil {
			better(p.origin, loc[0], loc[1])
		}
	}
	for _, h := range strs {
		if h.idx < len(lx.subs) {
			sp := lx.subs[h.idx]
			lo := h.end - len(sp.s)
			if sp.wordStart && lo > 0 && asciiAlnum(n[lo-1]) || sp.wordEnd && h.end < len(n) && asciiAlnum(n[h.end]) {
				continue
			}
			better(sp.origin, lo, h.end)
		}
	}
	for _, h := range strs {
		if h.idx >= len(lx.subs) {
			run(lx.litPat[h.idx-len(lx.subs)])
		}
	}
	for _, pi := range lx.always {
		run(pi)
	}
	return hits
}

// requiredLiterals returns lower-case strings of which every match of re
// contains at least one, or nil when the pattern can match without any
// (then it has to run everywhere). Of the sets a concatenation offers, the
// one most selective is kept: longest shortest member, symbols (@, %, ★)
// counting as rare.
func requiredLiterals(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiterals(re.Sub[0])
		}
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			l := requiredLiterals(s)
			if l == nil {
				return nil
			}
			out = append(out, l...)
		}
		return out
	case syntax.OpCharClass:
		// A small class of exact characters ([5５]): each is a literal.
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] > 2 || len(out) > 4 {
				return nil
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				out = append(out, strings.ToLower(string(r)))
			}
		}
		return dedupe(out)
	case syntax.OpConcat:
		var best []string
		for _, s := range re.Sub {
			if l := requiredLiterals(s); l != nil && (best == nil || selectivity(l) > selectivity(best)) {
				best = l
			}
		}
		return best
	}
	return nil
}

// selectivity scores a literal set by its weakest member.
func selectivity(lits []string) int {
	min := -1
	for _, l := range lits {
		s := len(l)
		// Symbols are rare, but for the punctuation of every sentence.
		if r, _ := utf8.DecodeRuneInString(l); !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(".,;:-/ ", r) {
			s += 3
		}
		if min < 0 || s < min {
			min = s
		}
	}
	return min
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		if !contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
