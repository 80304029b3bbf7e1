package filter

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestZZConcepts(t *testing.T) {
	s := os.Getenv("S")
	lang := os.Getenv("L")
	cs := defaultEngine.p.concepts
	var st stemCache
	n := normalize(s)
	for _, sp := range sentences(n) {
		sent := n[sp[0]:sp[1]]
		var got []string
		for _, name := range cs.names {
			if cs.has(sent, []string{lang}, name, &st) {
				got = append(got, name)
			}
		}
		fmt.Printf("%q\n   -> %s\n", sent, strings.Join(got, ","))
	}
}
