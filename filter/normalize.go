package filter

import (
	"html"
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// invisible are characters that hide a word from matching without showing:
// zero-width spaces and joiners, word joiner, BOM, soft hyphen.
var invisible = strings.NewReplacer("\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\ufeff", "", "\u00ad", "")

// Obfuscations sellers (and their tools) use to slip addresses past filters.
var (
	// (White space here is [^\S\n]: a replacement never joins two lines,
	// so that the lines of a part can be normalized together.)
	dotWordRe  = regexp.MustCompile(`(?i)[^\S\n]*[\[\(\{<][^\S\n]*(dot|punkt|point|punto|ponto|dott|ドット|てん)[^\S\n]*[\]\)\}>][^\S\n]*`)
	atWordRe   = regexp.MustCompile(`(?i)[^\S\n]*[\[\(\{<][^\S\n]*(at|ät|arroba|chiocciola|chiocciolina|アット|あっと)[^\S\n]*[\]\)\}>][^\S\n]*`)
	atBareRe   = regexp.MustCompile(`(?i)(\w)[^\S\n]+(arroba|chiocciola|chiocciolina)[^\S\n]+(\w[\w-]*\.\w)`)
	dotBareRe  = regexp.MustCompile(`(?i)(\w)[^\S\n]+(dot|punkt|punto|point)[^\S\n]+(com|de|fr|es|it|net|org|shop|store|info|co|eu|uk|jp|nl|pl|se|be|at|ch)\b`)
	spacedDots = regexp.MustCompile(`(\w)[^\S\n]+\.[^\S\n]+(\w)`)
)

// normalize prepares text for matching: HTML entities decoded, invisible
// characters removed, Unicode NFKC (full-width ｗｗｗ．ｓｈｏｐ．ｊｐ becomes
// www.shop.jp, ０９０ becomes 090, ＠ becomes @), lower case, and the usual
// spelled-out dots and at-signs turned back into "." and "@".
func normalize(s string) string { return deobfuscate(fold(s)) }

// fold is the part of normalize that works on any text, line by line or
// all at once: entities, invisible characters, NFKC, lower case.
func fold(s string) string {
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	// Every invisible character's UTF-8 form starts with one of these bytes.
	if strings.IndexByte(s, 0xE2) >= 0 || strings.IndexByte(s, 0xEF) >= 0 || strings.IndexByte(s, 0xC2) >= 0 {
		s = invisible.Replace(s)
	}
	s = norm.NFKC.String(s)
	s = strings.ToLower(s)
	return strings.ReplaceAll(s, "。", ".")
}

// deobfuscate turns spelled-out dots and at-signs in one folded line back
// into "." and "@"; each rewrite runs only where its words are.
func deobfuscate(s string) string {
	if hasBracket(s) {
		s = dotWordRe.ReplaceAllString(s, ".")
		s = atWordRe.ReplaceAllString(s, "@")
	}
	if strings.Contains(s, " dot ") || strings.Contains(s, " p") && (strings.Contains(s, " punkt ") || strings.Contains(s, " punto ") || strings.Contains(s, " point ")) {
		s = dotBareRe.ReplaceAllString(s, "$1.$3")
	}
	if strings.Contains(s, "arroba") || strings.Contains(s, "chiocciol") {
		s = atBareRe.ReplaceAllString(s, "$1@$3")
	}
	if spaceBeforeDot(s) {
		s = spacedDots.ReplaceAllString(s, "$1.$2")
	}
	return s
}

func hasBracket(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[', '(', '{', '<':
			return true
		}
	}
	return false
}

// normalizeLines normalizes many lines at once (one pass over their text
// instead of one per line); each result is what normalize gives for the
// line.
func normalizeLines(lines []string) []string {
	joined := strings.Join(lines, "\n")
	out := strings.Split(fold(joined), "\n")
	if len(out) == len(lines) {
		for i, l := range out {
			out[i] = deobfuscate(l)
		}
	} else {
		// A line held a character that became a line break (&#10;).
		out = make([]string, len(lines))
		for i, l := range lines {
			out[i] = normalize(l)
		}
	}
	return out
}

// excerpt returns the offending text as the sender wrote it: the found
// string with up to 40 characters around it when it appears verbatim in
// the original line, otherwise the line itself, clipped.
func excerpt(orig, found string) string {
	lo := strings.ToLower(orig)
	i := strings.Index(lo, found)
	// Lower-casing can change the length (invalid UTF-8, some capitals):
	// then positions in lo are not positions in orig.
	if i < 0 || found == "" || len(lo) != len(orig) {
		return clipRunes(strings.TrimSpace(orig), 100)
	}
	start, end := i, i+len(found)
	for n := 0; n < 40 && start > 0; n++ {
		start--
		for start > 0 && !utf8Start(orig[start]) {
			start--
		}
	}
	for n := 0; n < 40 && end < len(orig); n++ {
		end++
		for end < len(orig) && !utf8Start(orig[end]) {
			end++
		}
	}
	return strings.TrimSpace(orig[start:end])
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// spaceBeforeDot reports whether white space precedes a dot somewhere in s,
// as in "www . shop . fr" (the only place spacedDots can match).
func spaceBeforeDot(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] == '.' {
			switch s[i-1] {
			case ' ', '\t', '\r', '\f', '\v':
				return true
			}
		}
	}
	return false
}
