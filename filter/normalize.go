package filter

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// invisible are characters that hide a word from matching without showing:
// zero-width spaces and joiners, word joiner, BOM, soft hyphen, emoji
// variation selectors (⭐️ is ⭐ and U+FE0F).
var invisible = strings.NewReplacer("\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\ufeff", "", "\u00ad", "", "\ufe0f", "", "\ufe0e", "")

// dashes are the dashes and minus signs NFKC leaves as they are; folded,
// they are the hyphen-minus (a phone number written 030–1234567, "5–star").
var dashes = strings.NewReplacer("\u2010", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2015", "-", "\u2212", "-")

func isDash(r rune) bool { return r == '\u2010' || r >= '\u2012' && r <= '\u2015' || r == '\u2212' }

// Obfuscations sellers (and their tools) use to slip addresses past filters.
var (
	// (White space here is [^\S\n]: a replacement never joins two lines,
	// so that the lines of a part can be normalized together.)
	dotWordRe  = regexp.MustCompile(`(?i)[^\S\n]*[\[\(\{<][^\S\n]*(dot|punkt|point|punto|ponto|dott|ドット|てん|\.)[^\S\n]*[\]\)\}>][^\S\n]*`)
	atWordRe   = regexp.MustCompile(`(?i)[^\S\n]*[\[\(\{<][^\S\n]*(at|ät|arroba|arobase|chez|bei|presso|klammeraffe|chiocciola|chiocciolina|アットマーク|あっとまーく|アット|あっと)[^\S\n]*[\]\)\}>][^\S\n]*`)
	atBareRe   = regexp.MustCompile(`(?i)(\w)[^\S\n]+(arroba|chiocciola|chiocciolina)[^\S\n]+(\w[\w-]*\.\w)`)
	dotBareRe  = regexp.MustCompile(`(?i)(\w)[^\S\n]+(dot|punkt|punto|point)[^\S\n]+(com|de|fr|es|it|net|org|shop|store|info|co|eu|uk|jp|nl|pl|se|be|at|ch|in|ca|au|mx|io|us|me)\b`)
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
	if mayHaveInvisible(s) {
		s = invisible.Replace(s)
	}
	s = norm.NFKC.String(s)
	s = lower(s)
	if strings.Contains(s, "\u2010") || strings.Contains(s, "\u2012") || strings.Contains(s, "\u2013") ||
		strings.Contains(s, "\u2014") || strings.Contains(s, "\u2015") || strings.Contains(s, "\u2212") {
		s = dashes.Replace(s)
	}
	return ideographicDots(s)
}

// foldTo appends fold(s) to b; most lines (no entity, no invisible
// character, already NFKC) are lower-cased straight into b.
func foldTo(b *strings.Builder, s string) {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '&' {
			b.WriteString(fold(s))
			return
		} else if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	if !ascii && (mayHaveInvisible(s) || !norm.NFKC.IsNormalString(s)) {
		b.WriteString(fold(s))
		return
	}
	for i := 0; i < len(s); {
		// What stays as it is goes in runs.
		j := i
		for j < len(s) && s[j] < utf8.RuneSelf && (s[j] < 'A' || s[j] > 'Z') {
			j++
		}
		b.WriteString(s[i:j])
		if i = j; i == len(s) {
			break
		}
		if c := s[i]; c < utf8.RuneSelf {
			b.WriteByte(c + 'a' - 'A')
			i++
			continue
		}
		// Invalid UTF-8 becomes U+FFFD, as in strings.ToLower.
		r, size := utf8.DecodeRuneInString(s[i:])
		if r = unicode.ToLower(r); r == '。' && foldedDomainDot(b, s[i+size:]) {
			r = '.'
		} else if isDash(r) {
			r = '-'
		}
		b.WriteRune(r)
		i += size
	}
}

// ideographicDots turns the ideographic full stop into a dot where it
// joins two parts of a domain ("ｓｈｏｐ。ｊｐ", which NFKC made "shop。jp");
// after Japanese words it ends a sentence ("ください。ID" is no domain).
func ideographicDots(s string) string {
	const stop = "。"
	if !strings.Contains(s, stop) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.Index(s, stop)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		if domainDot(s, i, i+len(stop)) {
			b.WriteByte('.')
		} else {
			b.WriteString(stop)
		}
		// (A stop right after this one has a stop before it: no domain.)
		s = s[i+len(stop):]
	}
}

// foldedDomainDot is domainDot for foldTo: the character before the stop is
// the last one folded into b, the one after is next in rest, not folded yet.
func foldedDomainDot(b *strings.Builder, rest string) bool {
	done := b.String()
	if len(done) == 0 || !asciiAlnum(done[len(done)-1]) || rest == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	r = unicode.ToLower(r)
	return r < utf8.RuneSelf && asciiAlnum(byte(r))
}

// domainDot reports whether the character s[i:j] stands between two ASCII
// letters or digits, as the dot of a domain does.
func domainDot(s string, i, j int) bool {
	return i > 0 && asciiAlnum(s[i-1]) && j < len(s) && asciiAlnum(s[j])
}

func asciiAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// mayHaveInvisible: every invisible character's UTF-8 form starts with
// one of these bytes.
func mayHaveInvisible(s string) bool {
	return strings.IndexByte(s, 0xE2) >= 0 || strings.IndexByte(s, 0xEF) >= 0 || strings.IndexByte(s, 0xC2) >= 0
}

// lower is strings.ToLower with the ASCII bytes of mixed text handled in
// place rather than rune by rune.
func lower(s string) string {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			break
		}
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	b = append(b, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		b = utf8.AppendRune(b, unicode.ToLower(r))
		i += size
	}
	return string(b)
}

// Kinds of obfuscation deobfuscate undoes.
const (
	obBracketWord = 1 << iota // shop [dot] de, info (at) shop.es
	obDotWord                 // shop dot de, shop punkt de
	obAtWord                  // info arroba shop.es
	obSpacedDot               // www . shop . fr
)

// obfuscationWords are what obfuscations looks for, obfuscationKind the
// kind each reveals; set once, never changed.
var obfuscationWords, obfuscationKind = obfuscationGates()

// obfuscationGates lists what obfuscations looks for and the kind each
// string reveals: the words of dotBareRe after white space, the words of
// atBareRe, the brackets of dotWordRe and atWordRe, and a dot after white
// space (spacedDots); white space is [^\S\n], as in the expressions.
func obfuscationGates() (words []string, kinds []int) {
	for _, sp := range []string{" ", "\t", "\r", "\f"} {
		for _, w := range []string{"dot", "punkt", "punto", "point"} {
			words, kinds = append(words, sp+w), append(kinds, obDotWord)
		}
		words, kinds = append(words, sp+"."), append(kinds, obSpacedDot)
	}
	for _, w := range []string{"arroba", "chiocciol"} {
		words, kinds = append(words, w), append(kinds, obAtWord)
	}
	for _, b := range []string{"[", "(", "{", "<"} {
		words, kinds = append(words, b), append(kinds, obBracketWord)
	}
	return words, kinds
}

// obfuscationFinder finds obfuscationWords in one pass; compiled once,
// never changed.
var obfuscationFinder = newMultiMatcher(obfuscationWords)

// obfuscations says which kinds of obfuscation can be in s, in one pass
// over it and no expression, so that the rewrites run only where they can
// apply.
func obfuscations(s string) int {
	var buf [64]mmHit
	k := 0
	for _, h := range obfuscationFinder.find(s, buf[:0]) {
		kind := obfuscationKind[h.idx]
		if kind == obBracketWord && (k&kind != 0 || !bracketWordAt(s, h.end)) {
			continue // a bracket, but not around a dot or at word
		}
		k |= kind
	}
	return k
}

// deobfuscate turns spelled-out dots and at-signs in one folded line back
// into "." and "@".
func deobfuscate(s string) string { return deobfuscateKinds(standInAt(s), -1) }

// deobfuscateKinds undoes in s the kinds of obfuscation in k (-1: all)
// that s has.
func deobfuscateKinds(s string, k int) string {
	if k == 0 {
		return s
	}
	k &= obfuscations(s) // what this line has
	if k&obBracketWord != 0 {
		s = dotWordRe.ReplaceAllString(s, ".")
		s = atWordRe.ReplaceAllString(s, "@")
	}
	if k&obDotWord != 0 {
		// "hello at tidyhome dot co dot uk": an at word before a domain
		// spelled with dot words is the '@' (read before the dots are,
		// which would leave a bare "at" that alone spells nothing).
		if k&obAtWord != 0 || mayHaveAtWord(s) {
			// "julien chez aquanetto tiret piscines point fr": a dash
			// word inside the spelled domain is its '-'.
			s = dashWordRe.ReplaceAllString(s, "$1-$3")
			s = atBeforeDot(s)
		}
		// Again for "co dot uk" after "shop dot co": matches do not overlap.
		for range 3 {
			t := replaceDotWords(s)
			if t == s {
				break
			}
			s = t
		}
	}
	if k&obAtWord != 0 {
		s = atBareRe.ReplaceAllString(s, "$1@$3")
	}
	if k&obSpacedDot != 0 && spaceBeforeDot(s) {
		s = spacedDots.ReplaceAllString(s, "$1.$2")
	}
	return s
}

// dashWordRe is a dash said in words between two words.
var dashWordRe = regexp.MustCompile(`(\w)[^\S\n]+(tiret|dash|hyphen|bindestrich|guion|guión|trattino)[^\S\n]+(\w)`)

// standInAt writes as '@' a sign the text says stands for it:
// "photo★shop-jp.com（★を@に変えて送信してください）", "info#shop.com
// (replace # with @)".
func standInAt(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	m := standInAtRe.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	sign := m[1]
	var b strings.Builder
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], sign) && i > 0 && isWordByte(s[i-1]) && i+len(sign) < len(s) && isWordByte(s[i+len(sign)]) {
			b.WriteByte('@')
			i += len(sign)
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// standInAtRe is a sign said to stand for '@': "★を@に", "replace # with
// @", "(★ = @)", "remplacez ★ par @".
var standInAtRe = regexp.MustCompile(`([^\p{L}\p{N}\s@.,;:()（）「」『』])\s*(?:を半角の|を|=|→|with|par|por|con|durch)\s*@`)

// mayHaveAtWord is a cheap look for the words atBeforeDotRe reads as '@'.
func mayHaveAtWord(s string) bool {
	for _, w := range []string{" at ", " ät ", "arroba", "arobase", "chiocciola", " chez ", " bei ", " presso "} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// atBeforeDot writes as '@' an at word before a domain spelled with dot
// words, but not before Amazon's ("available at amazon dot co dot uk"):
// "hello at tidyhome dot co" is "hello@tidyhome dot co". A scan, not a
// regular expression: the at words are looked up, and only the few words
// after each are read.
func atBeforeDot(s string) string {
	lower := s // folded already: lower case
	var b strings.Builder
	last := 0
	for _, w := range atWords {
		for from := 0; ; {
			k := strings.Index(lower[from:], w)
			if k < 0 {
				break
			}
			k += from
			from = k + len(w)
			if k < last || k == 0 || !isWordByte(s[k-1]) || !spelledDomainAt(lower, k+len(w)) ||
				strings.HasPrefix(lower[k+len(w):], "amazon") {
				continue
			}
			b.WriteString(s[last:k])
			b.WriteByte('@')
			last = k + len(w)
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// atWords are the at words with the spaces around them.
var atWords = []string{" at ", " ät ", " arroba ", " arobase ", " chiocciola ", " chez ", " bei ", " presso "}

// spelledDomainAt reports whether s at i holds a word and then a dot word
// and another word: "tidyhome dot co".
func spelledDomainAt(s string, i int) bool {
	j := i
	for j < len(s) && (isWordByte(s[j]) || s[j] == '-') {
		j++
	}
	if j == i || j >= len(s) || s[j] != ' ' {
		return false
	}
	rest := s[j+1:]
	for _, d := range []string{"dot ", "punkt ", "punto ", "point "} {
		if strings.HasPrefix(rest, d) && len(rest) > len(d) && isWordByte(rest[len(d)]) {
			return true
		}
	}
	return false
}

// replaceDotWords writes dotBareRe's matches as dots, except where the
// dot word is also an everyday word and what follows reads on as prose:
// "point de retrait", "punto es que" are French and Spanish, "shop punkt
// de" is an address.
func replaceDotWords(s string) string {
	return joinMatches(s, dotBareRe, '.', func(m []int) bool {
		word, tld := strings.ToLower(s[m[4]:m[5]]), strings.ToLower(s[m[6]:m[7]])
		// "a dot in the corner", "dot me a line": a top-level domain
		// that is also a word is one only where no prose follows it
		// ("voltkart dot in.").
		return !((word == "point" || word == "punto" || proseTLD[tld]) && proseFollows(s[m[1]:]))
	})
}

// proseTLD are the top-level domains that are also English words.
var proseTLD = map[string]bool{"in": true, "us": true, "me": true}

// joinMatches rewrites each match of re in s (groups: before, the sign
// word, after) for which ok holds as before+sign+after.
func joinMatches(s string, re *regexp.Regexp, sign byte, ok func(m []int) bool) string {
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		if !ok(m) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(s[m[2]:m[3]])
		b.WriteByte(sign)
		b.WriteString(s[m[6]:m[7]])
		last = m[1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// proseFollows reports whether rest starts with a space and a letter: the
// sentence goes on.
func proseFollows(rest string) bool {
	t := strings.TrimLeft(rest, " \t")
	if len(t) == len(rest) || t == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t)
	return unicode.IsLetter(r)
}

// bracketWords are the words dotWordRe and atWordRe find in brackets.
var bracketWords = []string{".", "dot", "punkt", "point", "punto", "ponto", "dott", "ドット", "てん", "at", "ät", "arroba", "chiocciola", "chiocciolina", "アットマーク", "あっとまーく", "アット", "あっと"}

// bracketWordAt reports whether a dot or at word and a closing bracket
// follow an opening bracket that ends at i: "[dot]", "( punkt )", "{at}".
func bracketWordAt(s string, i int) bool {
	rest := strings.TrimLeft(s[i:], " \t\r\f")
	for _, w := range bracketWords {
		if strings.HasPrefix(rest, w) {
			after := strings.TrimLeft(rest[len(w):], " \t\r\f")
			if after != "" && strings.IndexByte("])}>", after[0]) >= 0 {
				return true
			}
		}
	}
	return false
}

// normalizeLines normalizes many lines at once (one pass over their text
// instead of one per line); each result is what normalize gives for the
// line.
func normalizeLines(lines []string) []string {
	size := len(lines)
	for _, l := range lines {
		size += len(l)
	}
	var b strings.Builder
	b.Grow(size)
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		foldTo(&b, l)
	}
	folded := b.String()
	out := strings.Split(folded, "\n")
	if len(out) == len(lines) {
		if strings.Contains(folded, "@") {
			for i, l := range out {
				out[i] = standInAt(l)
			}
		}
		if k := obfuscations(folded); k != 0 {
			for i, l := range out {
				out[i] = deobfuscateKinds(l, k)
			}
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
	return wordBounded(orig, start, end, i, i+len(found))
}

// wordBounded returns orig[start:end] cut back to whole words around the
// finding at [lo, hi) — an agent reads "…call 0611 4470 28 and ask…", not
// "…ll 0611 4470 28 and as" — with "…" where the line goes on.
func wordBounded(orig string, start, end, lo, hi int) string {
	pre, post := "", ""
	if start > 0 {
		pre = "…"
		if k := strings.IndexAny(orig[start:lo], " \t"); k >= 0 && !isSpace(orig[start-1]) {
			start += k + 1
		}
	}
	if end < len(orig) {
		post = "…"
		if k := strings.LastIndexAny(orig[hi:end], " \t"); k >= 0 && !isSpace(orig[end]) {
			end = hi + k
		}
	}
	s := strings.TrimSpace(orig[start:end])
	if s == "" {
		return s
	}
	return pre + s + post
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' }

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

// Addresses written to slip past filters that deobfuscate leaves: the
// Japanese at and dot words without brackets (info アットマーク shop ドット
// jp), "info at shop dot de" in words, and letters spaced out
// ("i n f o @ s h o p . d e").
var (
	jaAtDotRe = regexp.MustCompile(`([a-z0-9])[^\S\n]*[(\[（【「]?(?:アットマーク|あっとまーく|アット|あっと|ａｔ)[)\]）】」]?[^\S\n]*([a-z0-9])`)
	jaDotRe   = regexp.MustCompile(`([a-z0-9])[^\S\n]*[(\[（【「]?(?:ドット|どっと|てん)[)\]）】」]?[^\S\n]*([a-z0-9])`)
	spacedRe  = regexp.MustCompile(`(?:^|[^\S\n])(?:[a-z0-9@.]{1,3}[^\S\n]){5,}[a-z0-9@.]{1,3}(?:$|[^\S\n])`)
)

// reveal undoes those spellings in normalized text.
func reveal(n string) string {
	if strings.Contains(n, "アット") || strings.Contains(n, "あっと") || strings.Contains(n, "ドット") || strings.Contains(n, "どっと") {
		n = jaAtDotRe.ReplaceAllString(n, "$1@$2")
		n = jaDotRe.ReplaceAllString(n, "$1.$2")
	}
	n = revealAddresses(n)
	if strings.Contains(n, "@") || strings.Contains(n, " . ") {
		n = spacedRe.ReplaceAllStringFunc(n, func(s string) string {
			// Short words in a row ("it is a bit of a …") stay apart
			// unless, joined, they spell an address or a domain.
			j := strings.Join(strings.Fields(s), "")
			if !strings.Contains(j, "@") && !hasDomainDot(j) {
				return s
			}
			if strings.Contains(j, "@") && !isAddress(strings.Trim(j, ".")) {
				return s // part of an address spelled over lines: read with its paragraph
			}
			return " " + j + " "
		})
	}
	return n
}
