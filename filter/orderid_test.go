package filter

import (
	"math/rand"
	"reflect"
	"regexp"
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
