package filter

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkPathological100kLinks: an HTML part with 100,000 links.
//
//	go test -run '^$' -bench Pathological -benchtime 3x ./filter/
func BenchmarkPathological100kLinks(b *testing.B) {
	var sb strings.Builder
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&sb, `<a href="https://s%d.example/">x</a>`, i)
	}
	raw := htmlMessage("en", sb.String())
	e := NewEngine(DefaultPolicy())
	for i := 0; i < b.N; i++ {
		m, _ := Parse(strings.NewReader(raw))
		if v := e.Check(m, Envelope{Rcpt: []string{buyerFor("en")}}); !v.Refused() {
			b.Fatal("not refused")
		}
	}
}

// BenchmarkPathologicalText: a megabyte of text built to make the
// readers of spelled numbers and addresses, the concepts and the quote
// marker work hardest (each case one op).
//
//	go test -run '^$' -bench PathologicalText -benchtime 1x ./filter/
func BenchmarkPathologicalText(b *testing.B) {
	const size = 900 << 10 // under the text budget: all of it is read
	cases := map[string]string{
		"spaced-letters": "a . b @ c - ",
		"at-words":       "x at y at z dot ",
		"number-words":   "one two three four five six seven eight nine zero ",
		"hyphen-numbers": "tre-tre-nove-zero-uno-due-",
		"spaced-digits":  "0 1 2 3 4 5 6 7 8 9 ",
		"concepts":       "please leave a review and we refund your gift card if you are happy with five stars ",
		"one-sentence":   "review gift change update delete refund coupon search brand, ",
		"ps-lines":       "P.S. x\r\n> y\r\n",
	}
	for name, unit := range cases {
		body := strings.Repeat(unit, size/len(unit))
		raw := plain("en", body)
		e := NewEngine(DefaultPolicy())
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				m, _ := Parse(strings.NewReader(raw))
				e.Check(m, Envelope{Rcpt: []string{buyerFor("en")}})
			}
		})
	}
}
