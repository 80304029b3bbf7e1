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
	dotWordRe  = regexp.MustCompile(`(?i)\s*[\[\(\{<]\s*(dot|punkt|point|punto|ponto|dott|ドット|てん)\s*[\]\)\}>]\s*`)
	atWordRe   = regexp.MustCompile(`(?i)\s*[\[\(\{<]\s*(at|ät|arroba|chiocciola|chiocciolina|アット|あっと)\s*[\]\)\}>]\s*`)
	atBareRe   = regexp.MustCompile(`(?i)(\w)\s+(arroba|chiocciola|chiocciolina)\s+(\w[\w-]*\.\w)`)
	dotBareRe  = regexp.MustCompile(`(?i)(\w)\s+(dot|punkt|punto|point)\s+(com|de|fr|es|it|net|org|shop|store|info|co|eu|uk|jp|nl|pl|se|be|at|ch)\b`)
	spacedDots = regexp.MustCompile(`(\w)\s+\.\s+(\w)`)
)

// normalize prepares text for matching: HTML entities decoded, invisible
// characters removed, Unicode NFKC (full-width ｗｗｗ．ｓｈｏｐ．ｊｐ becomes
// www.shop.jp, ０９０ becomes 090, ＠ becomes @), lower case, and the usual
// spelled-out dots and at-signs turned back into "." and "@".
func normalize(s string) string {
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	s = invisible.Replace(s)
	s = norm.NFKC.String(s)
	s = strings.ToLower(s)
	s = strings.ReplaceAll(s, "。", ".")
	if strings.ContainsAny(s, "[({<") {
		s = dotWordRe.ReplaceAllString(s, ".")
		s = atWordRe.ReplaceAllString(s, "@")
	}
	if strings.Contains(s, " dot ") || strings.Contains(s, " punkt ") || strings.Contains(s, " punto ") || strings.Contains(s, " point ") {
		s = dotBareRe.ReplaceAllString(s, "$1.$3")
	}
	if strings.Contains(s, "arroba") || strings.Contains(s, "chiocciol") {
		s = atBareRe.ReplaceAllString(s, "$1@$3")
	}
	if strings.Contains(s, " .") || strings.Contains(s, ". ") {
		s = spacedDots.ReplaceAllString(s, "$1.$2")
	}
	return s
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
