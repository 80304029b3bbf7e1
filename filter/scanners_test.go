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
	rng := rand.New(rand.NewSource(1))
	alphabet := "0123456789--- a"
	for i := 0; i < 20000; i++ {
		b := make([]byte, rng.Intn(60))
		for j := range b {
			b[j] = alphabet[rng.Intn(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		want := re.FindAllString(s, -1)
		if got := orderIDsIn(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("orderIDsIn(%q) = %q, want %q", s, got, want)
		}
	}
}

// lower must be strings.ToLower, invalid UTF-8 included.
func TestLowerIsToLower(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	pieces := []string{"A", "z", "Ä", "ß", "İ", "Σ", "ＡＢ", "\xff", "\xc3", "日本", " ", "Ω", "ǅ"}
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for j := rng.Intn(12); j > 0; j-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		s := b.String()
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
