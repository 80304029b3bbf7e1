package filter

import (
	"unicode"
	"unicode/utf8"
)

// token is a word of a normalized text and where it is.
type token struct {
	w          string
	start, end int
}

// tokens splits s into words: runs of letters and digits.
func tokens(s string) []token { return appendTokens(nil, s) }

// appendTokens appends the words of s to dst.
func appendTokens(dst []token, s string) []token {
	start := -1
	for i, r := range s {
		var word bool
		if r < utf8.RuneSelf {
			word = r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z'
		} else {
			word = unicode.IsLetter(r) || unicode.IsDigit(r)
		}
		if word && start < 0 {
			start = i
		} else if !word && start >= 0 {
			dst = append(dst, token{s[start:i], start, i})
			start = -1
		}
	}
	if start >= 0 {
		dst = append(dst, token{s[start:], start, len(s)})
	}
	return dst
}

// nextWord returns where the first word of s at or after i is, [start,
// end); start is len(s) when there is none. Its words are tokens'.
func nextWord(s string, i int) (start, end int) {
	start = -1
	for i < len(s) {
		c, size := s[i], 1
		var word bool
		if c < utf8.RuneSelf {
			word = 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			word = unicode.IsLetter(r) || unicode.IsDigit(r)
		}
		if word && start < 0 {
			start = i
		} else if !word && start >= 0 {
			return start, i
		}
		i += size
	}
	if start < 0 {
		return len(s), len(s)
	}
	return start, len(s)
}

func hasCJK(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r >= 0x2600 && r <= 0x27BF || r == '★' || r == '☆' {
			return true
		}
	}
	return false
}
