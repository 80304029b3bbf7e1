package filter

import (
	"strings"
	"unicode"
)

// phraseSet finds phrases in normalized text without regular expressions:
// spaced-script phrases are looked up by their first word and compared
// word by word (so "5 star", "5-star" and "5  star" match alike, and a
// phrase never matches inside a longer word); Japanese phrases and phrases
// that start with a symbol are plain substrings, since Japanese has no
// spaces to mark word boundaries.
type phraseSet struct {
	byFirst map[string][][]string
	substr  []string
}

func newPhraseSet(phrases []string, cjk bool) *phraseSet {
	ps := &phraseSet{byFirst: map[string][][]string{}}
	for _, ph := range phrases {
		n := normalize(ph)
		words := tokens(n)
		if cjk || len(words) == 0 || !strings.HasPrefix(strings.TrimSpace(n), words[0].w) || hasCJK(n) {
			if t := strings.TrimSpace(n); t != "" {
				ps.substr = append(ps.substr, t)
			}
			continue
		}
		ws := make([]string, len(words))
		for i, t := range words {
			ws[i] = t.w
		}
		ps.byFirst[ws[0]] = append(ps.byFirst[ws[0]], ws)
	}
	return ps
}

func (ps *phraseSet) empty() bool { return len(ps.byFirst) == 0 && len(ps.substr) == 0 }

type token struct {
	w          string
	start, end int
}

// tokens splits s into words: runs of letters and digits.
func tokens(s string) []token {
	var out []token
	start := -1
	for i, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r)
		if word && start < 0 {
			start = i
		} else if !word && start >= 0 {
			out = append(out, token{s[start:i], start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, token{s[start:], start, len(s)})
	}
	return out
}

func hasCJK(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r >= 0x2600 && r <= 0x27BF || r == '★' || r == '☆' {
			return true
		}
	}
	return false
}

// find returns where the first phrase is found in n (normalized text).
func (ps *phraseSet) find(n string, toks []token) (lo, hi int, ok bool) {
	if len(ps.byFirst) > 0 {
		for i, t := range toks {
			for _, ph := range ps.byFirst[t.w] {
				if i+len(ph) > len(toks) {
					continue
				}
				ok := true
				for j := 1; j < len(ph); j++ {
					if toks[i+j].w != ph[j] {
						ok = false
						break
					}
				}
				if ok {
					return t.start, toks[i+len(ph)-1].end, true
				}
			}
		}
	}
	for _, s := range ps.substr {
		if i := strings.Index(n, s); i >= 0 {
			return i, i + len(s), true
		}
	}
	return 0, 0, false
}
