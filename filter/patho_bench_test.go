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
