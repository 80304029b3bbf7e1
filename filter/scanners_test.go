package filter

import (
	"math/rand"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// orderIDsIn must find exactly what the expression it replaces finds.
func TestOrderIDsInMatchesExpression(t *testing.T) {
	re := regexp.MustCompile(`\d{3}-\d{7}-\d{7}`)
	cases := []string{
		"", "302-1234567-7654321", "Bestellung 302-1234567-7654321.", "1302-1234567-7654321",
		"302-1234567-76543210", "302-1234567-765432", "a 111-2222222-3333333 b 444-5555555-6666666",
		"111-2222222-3333333-4444444-5555555", "--302-1234567-7654321--", "302-123456-7654321",
	}
	cases = append(cases, byteStrings(1, 20000, 60, "0123456789--- a")...)
	for _, s := range cases {
		want := re.FindAllString(s, -1)
		if got := orderIDsIn(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("orderIDsIn(%q) = %q, want %q", s, got, want)
		}
	}
}

// lower must be strings.ToLower, invalid UTF-8 included.
func TestLowerIsToLower(t *testing.T) {
	pieces := []string{"A", "z", "Ä", "ß", "İ", "Σ", "ＡＢ", "\xff", "\xc3", "日本", " ", "Ω", "ǅ"}
	for _, s := range pieceStrings(2, 20000, 12, pieces) {
		if got, want := lower(s), strings.ToLower(s); got != want {
			t.Fatalf("lower(%q) = %q, want %q", s, got, want)
		}
	}
}

// The one-pass test for obfuscations must agree with the rewrites: a line
// it passes over is one they leave unchanged.
func TestObfuscationsSeesEveryRewrite(t *testing.T) {
	for _, s := range []string{"shop [dot] de", "shop (punkt) de", "info (at) shop.es", "info arroba shop.es",
		"info chiocciola shop.it", "www . shop . fr", "shop dot com", "shop punto es", "shop point fr", "shop\t.\tde",
		"just text.", "a (b) c", "see <x> here"} {
		k := obfuscations(s)
		if got := deobfuscateKinds(s, -1); got != s && k == 0 {
			t.Errorf("%q is rewritten to %q but obfuscations saw nothing", s, got)
		}
		all := dotWordRe.ReplaceAllString(s, ".")
		all = atWordRe.ReplaceAllString(all, "@")
		all = dotBareRe.ReplaceAllString(all, "$1.$3")
		all = atBareRe.ReplaceAllString(all, "$1@$3")
		all = spacedDots.ReplaceAllString(all, "$1.$2")
		if got := deobfuscate(s); got != all {
			t.Errorf("deobfuscate(%q) = %q, every rewrite gives %q", s, got, all)
		}
	}
}

// attributionSpec is the expression isAttribution implements.
var attributionSpec = regexp.MustCompile(`(?i)^(` +
	`on .{4,} wrote:` +
	`|am .{4,} schrieb .*:` +
	`|le .{4,} a écrit ?:` +
	`|el .{4,} escribió:` +
	`|il .{4,} ha scritto:` +
	`|.*のメッセージ[:：]` +
	`|.*(さん|様)?[がは]書きました[:：]` +
	`|-{2,} ?(original message|ursprüngliche nachricht|original-nachricht|message d'origine|mensaje original|messaggio originale|元のメッセージ) ?-{2,}` +
	`|-{3,}.{0,20}(message|nachricht|mensaje|messaggio|メッセージ)[:：]?.{0,20}-{3,}` +
	`)\s*$`)

func TestIsAttributionMatchesSpec(t *testing.T) {
	cases := []string{
		"On Mon, 2 Nov 2026 at 08:12, Buyer <a1b2@marketplace.amazon.com> wrote:",
		"Am Mo., 2. Nov. 2026 um 08:12 Uhr schrieb Kunde <a@marketplace.amazon.de>:",
		"Le lun. 2 nov. 2026 à 08:12, Client <x@marketplace.amazon.fr> a écrit :",
		"El lun, 2 nov 2026 a las 8:12, Cliente (<x@marketplace.amazon.es>) escribió:",
		"Il giorno lun 2 nov 2026 alle ore 08:12 Cliente <x@marketplace.amazon.it> ha scritto:",
		"2026年11月2日(月) 8:12 お客様 <x@marketplace.amazon.co.jp>:のメッセージ:",
		"2026/11/02 8:12、お客様 <x@marketplace.amazon.co.jp>のメッセージ：",
		"お客様さんが書きました：", "-----Original Message-----", "-------- Ursprüngliche Nachricht --------",
		"----- Message: -----", "--- Nachricht ---", "on x wrote:", "on abcd wrote:", "Am a schrieb b:",
		"Thanks, we wrote: hello", "-- original message", "---- a very long preamble here message ----",
		"---------------------------------------------", "On the bright side, I wrote:",
	}
	frags := []string{"on ", "On ", "am ", "Am ", "le ", "el ", "il ", "x", "abcd ", " wrote:", " schrieb ", ":", "：",
		" a écrit", " ", " escribió:", " ha scritto:", "のメッセージ", "が書きました", "様", "-", "--", "---",
		"original message", "Message", "nachricht", "元のメッセージ", "ü", "\t"}
	cases = append(cases, pieceStrings(3, 50000, 9, frags)...)
	for _, s := range cases {
		want := len(s) >= 3 && attributionSpec.MatchString(s)
		if got := isAttribution(s); got != want {
			t.Fatalf("isAttribution(%q) = %v, the expression says %v", s, got, want)
		}
	}
}

// Every match of a built-in pattern contains one of the literals the
// lexicon gates it with; otherwise the gate would hide a finding.
func TestPatternLiteralsAreInEveryMatch(t *testing.T) {
	samples := []string{
		"please leave us a 5 star rating", "give five stars", "a positive review please", "good feedback",
		"10% rabatt", "12,90 € statt 17,70", "9.99 instead of 14.99", "19,90 € au lieu de 26,50", "19,90 € invece di 26,50", "10,00 € en lugar de 12,00", "code save10", "gutschein10", "20% off", "15 % discount", "código promo10",
		"10% de réduction", "codice sconto20", "5% di sconto", "10% de descuento", "10%off", "3割引",
		"per whatsapp", "über telegram", "sur whatsapp", "por signal", "tramite telegram", "lineid", "ライン id",
		"@shopname on instagram", "wa.me/491234", "t.me/shop",
	}
	pats := DefaultPolicy().lex.pats
	for _, s := range samples {
		n := normalize(s)
		matched := false
		for _, p := range pats {
			loc := p.re.FindStringIndex(n)
			if loc == nil {
				continue
			}
			matched = true
			if p.lits == nil {
				continue
			}
			ok := false
			for _, l := range p.lits {
				ok = ok || strings.Contains(n, l)
			}
			if !ok {
				t.Errorf("%s pattern %s matches %q, which has none of its literals %q", p.lang, p.re, n, p.lits)
			}
		}
		if !matched {
			t.Errorf("no built-in pattern matches %q (the sample no longer tests anything)", s)
		}
	}
}

// quoteAuthor must return what addrRe finds first in the whole text.
func TestQuoteAuthorMatchesExpression(t *testing.T) {
	cases := []string{"", "@", "a@b", "a@b.c", "a@b.cd", "On Mon, Buyer <x1y2@marketplace.amazon.de> wrote:",
		"x@@y.de", "a@b@c.de", "-.@-.de", "name@shop.de.", "a@b.c1.de", "a@b.de-x.fr", "ÄÖ a@b.de",
		"a@b.dé", "mail: foo+bar@example.co.uk, other@x.org"}
	cases = append(cases, byteStrings(3, 50000, 40, "ab.Z9-_%+@ .@é<>")...)
	for _, s := range cases {
		if got, want := quoteAuthor(s), strings.ToLower(addrRe.FindString(s)); got != want {
			t.Fatalf("quoteAuthor(%q) = %q, want %q", s, got, want)
		}
	}
}

// splitQuotes must split lines as CRLF-to-LF then LF does.
func TestSplitQuotesLines(t *testing.T) {
	for _, s := range byteStrings(4, 20000, 30, "a \r\n\r\n") {
		want := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
		got := splitQuotes(s)
		if len(got) != len(want) {
			t.Fatalf("splitQuotes(%q): %d lines, want %d", s, len(got), len(want))
		}
		for j, l := range got {
			if l.Text != want[j] || l.N != j+1 {
				t.Fatalf("splitQuotes(%q) line %d = %d %q, want %q", s, j, l.N, l.Text, want[j])
			}
		}
	}
}

// normalizeLines must normalize each line as normalize does alone, whatever
// fast path a line takes.
func TestNormalizeLinesIsNormalize(t *testing.T) {
	pieces := []string{"A", "z", "Ä", "ß", "İ", "ＡＢ", "\xff", "\xc3", "日本。", " ", "&amp;", "&#10;", "\u200b", "\u00ad",
		"e\u0301", "ｗｗｗ．ｓｈｏｐ．ｊｐ", "０９０", "＠", " [dot] ", " punkt ", "(at)", " . ", "ǅ", "ﬁ", "Ⅻ",
		"\u2013", "\u2011", "\u2212", "a。b", "。"}
	// Messages of one to four lines.
	all := pieceStrings(5, 12500, 8, pieces)
	for len(all) > 0 {
		lines := all[:min(len(all), 1+len(all)%4)]
		all = all[len(lines):]
		got := normalizeLines(lines)
		for j, l := range lines {
			if want := normalize(l); got[j] != want {
				t.Fatalf("normalizeLines(%q)[%d] = %q, normalize gives %q", lines, j, got[j], want)
			}
		}
	}
}

// shouting must decide as the rune-by-rune rule it replaces.
func TestShoutingMatchesRule(t *testing.T) {
	rule := func(s string) bool {
		letters := 0
		for _, r := range s {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
				letters++
			}
		}
		return letters >= 20 && upperCount(s)*10 >= letters*9
	}
	pieces := []string{"A", "B", "z", "Ä", "ö", "ÉÈ", "Σ", "日本", " ", "!", "\xff", "AAAAAAAAAA", "x"}
	for _, s := range pieceStrings(6, 50000, 30, pieces) {
		if got, want := shouting(s), rule(s); got != want {
			t.Fatalf("shouting(%q) = %v, want %v", s, got, want)
		}
	}
}

// phoneCandidates must find what phonePattern finds, less the matches with
// fewer than seven digits in their stretch (never phones).
func TestPhoneCandidatesMatchPattern(t *testing.T) {
	re := regexp.MustCompile(phonePattern)
	spec := func(n string) [][]int {
		var out [][]int
		for _, loc := range re.FindAllStringIndex(n, -1) {
			// The stretch of phone bytes around the match.
			i, j := loc[0], loc[1]
			for i > 0 && phoneByte(n[i-1]) {
				i--
			}
			for j < len(n) && phoneByte(n[j]) {
				j++
			}
			if digitCount(n[i:j]) >= 7 {
				out = append(out, loc)
			}
		}
		return out
	}
	cases := []string{"", "+49 30 1234567", "0049 (030) 123-45-67", "tel 00 1234567", "a00123456789", "_0012345678",
		"302-1234567-7654321", "(((1234567", "1 2 3 4 5 6 7 8", "+(0)30 1234 5678", "123456789012345678901234567890",
		"0012345678+4912345678", "2026/11/30 12.30", "x+0012345678"}
	cases = append(cases, byteStrings(7, 50000, 45, "0123456789000  ()+.-/a_é")...)
	for _, s := range cases {
		got, want := phoneCandidates(s), spec(s)
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("phoneCandidates(%q) = %v, pattern finds %v", s, got, want)
		}
	}
}

// Whatever obfuscations passes over, every rewrite applied to every line
// must leave as it is.
func TestDeobfuscateIsEveryRewrite(t *testing.T) {
	every := func(s string) string {
		s = dotWordRe.ReplaceAllString(s, ".")
		s = atWordRe.ReplaceAllString(s, "@")
		s = dotBareRe.ReplaceAllString(s, "$1.$3")
		s = atBareRe.ReplaceAllString(s, "$1@$3")
		return spacedDots.ReplaceAllString(s, "$1.$2")
	}
	pieces := []string{"shop", " ", "[", "]", "(", ")", "{", "}", "<", ">", "dot", "punkt", "at", "ät", "arroba", "chiocciola",
		"de", "com", ".", "\t", "\r", "\f", "x", "ドット", "アット", "info", "es", "point", "punto"}
	for _, s := range pieceStrings(8, 30000, 12, pieces) {
		if got, want := deobfuscate(s), every(s); got != want {
			t.Fatalf("deobfuscate(%q) = %q, every rewrite gives %q", s, got, want)
		}
	}
}

// byteStrings returns n strings of fewer than maxLen bytes drawn from
// alphabet; seeded, so every run tests the same ones.
func byteStrings(seed int64, n, maxLen int, alphabet string) []string {
	rng := rand.New(rand.NewSource(seed))
	out := make([]string, n)
	for i := range out {
		b := make([]byte, rng.Intn(maxLen))
		for j := range b {
			b[j] = alphabet[rng.Intn(len(alphabet))]
		}
		out[i] = string(b)
	}
	return out
}

// pieceStrings returns n strings of fewer than maxPieces pieces; seeded.
func pieceStrings(seed int64, n, maxPieces int, pieces []string) []string {
	rng := rand.New(rand.NewSource(seed))
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for j := rng.Intn(maxPieces); j > 0; j-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		out[i] = b.String()
	}
	return out
}

// nextWord must walk the words tokens splits a text into.
func TestNextWordIsTokens(t *testing.T) {
	pieces := []string{"a", "Z", "9", " ", ".", "ä", "日本", "\xff", "\xc3", "-", "の", "ǅ", "٣", "\u0301"}
	for _, s := range pieceStrings(9, 30000, 10, pieces) {
		var got []token
		for i := 0; ; {
			a, b := nextWord(s, i)
			if a == len(s) {
				break
			}
			got = append(got, token{s[a:b], a, b})
			i = b
		}
		if want := tokens(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("nextWord over %q: %v, tokens: %v", s, got, want)
		}
	}
}
