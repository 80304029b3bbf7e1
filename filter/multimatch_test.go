package filter

import (
	"strings"
	"testing"
)

// The automaton finds every occurrence, overlapping ones and those that
// end inside another string too, and any stops at the first; both agree
// with a plain search on texts with and without matches.
func TestMultiMatcherAgreesWithIndex(t *testing.T) {
	strs := []string{" at ", "he", "she", "hers", "arroba", "a"}
	mm := newMultiMatcher(strs)
	texts := []string{"", "ushers", "write to me at home", "xyz", "b", "arrob", "arroba", "sh"}
	for _, text := range texts {
		want := 0
		for _, s := range strs {
			for i := 0; i+len(s) <= len(text); i++ {
				if text[i:i+len(s)] == s {
					want++
				}
			}
		}
		hits := mm.find(text, nil)
		if len(hits) != want {
			t.Errorf("find(%q): %d hits, want %d", text, len(hits), want)
		}
		for _, h := range hits {
			s := strs[h.idx]
			if h.end < len(s) || text[h.end-len(s):h.end] != s {
				t.Errorf("find(%q): hit %q ending at %d is not there", text, s, h.end)
			}
		}
		anyWant := false
		for _, s := range strs {
			anyWant = anyWant || strings.Contains(text, s)
		}
		if got := mm.any(text); got != anyWant {
			t.Errorf("any(%q) = %v, want %v", text, got, anyWant)
		}
	}
}
