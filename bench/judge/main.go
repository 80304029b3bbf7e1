// Command judge measures the policy engine's judgment on labelled sets of
// messages: how many of the violating messages it refuses naming every
// labelled category, and how many of the compliant ones it refuses.
//
//	go run ./bench/judge [-policy FILE] [-lang en,de] [-v] DIR...
//
// Each DIR holds .eml files and labels.tsv files (at its top or in its
// language folders) with the columns FILE, EXPECT (pass or refuse),
// CATEGORIES (comma-separated, empty for pass) and NOTE; FILE is relative to
// the folder of its labels.tsv's parent set (DIR). With -v every wrong
// verdict is listed with what the engine found.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/internal/judge"
)

// tally counts one group's outcomes.
type tally struct {
	violating, caught, wrongCat int
	compliant, falseRefused     int
}

func (t *tally) add(o tally) {
	t.violating += o.violating
	t.caught += o.caught
	t.wrongCat += o.wrongCat
	t.compliant += o.compliant
	t.falseRefused += o.falseRefused
}

func (t tally) String() string {
	return fmt.Sprintf("violating %3d caught %3d (%5.1f %%, wrong category %d)   compliant %3d refused %3d (%5.1f %%)",
		t.violating, t.caught, pct(t.caught, t.violating), t.wrongCat, t.compliant, t.falseRefused, pct(t.falseRefused, t.compliant))
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func main() {
	policy := flag.String("policy", "", "an admin's policy file (default: the built-in policy)")
	verbose := flag.Bool("v", false, "list every wrong verdict with the engine's findings")
	only := flag.String("lang", "", "only the messages of these languages (comma-separated folders)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: judge [-policy FILE] [-v] DIR...")
		os.Exit(2)
	}
	p := filter.DefaultPolicy()
	if *policy != "" {
		var err error
		if p, err = filter.LoadPolicy(*policy); err != nil {
			fmt.Fprintln(os.Stderr, "judge:", err)
			os.Exit(1)
		}
	}
	e := filter.NewEngine(p)
	var all tally
	for _, dir := range flag.Args() {
		labels, err := judge.ReadLabels(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "judge:", err)
			os.Exit(1)
		}
		byLang := map[string]*tally{}
		for _, l := range labels {
			if *only != "" && !strings.Contains(","+*only+",", ","+l.Lang()+",") {
				continue
			}
			v, err := judge.Judge(e, l)
			if err != nil {
				fmt.Fprintln(os.Stderr, "judge:", err)
				os.Exit(1)
			}
			t, wrong := count(l, v), v.Wrong(l)
			lang := l.Lang()
			if byLang[lang] == nil {
				byLang[lang] = &tally{}
			}
			byLang[lang].add(t)
			if *verbose && wrong != "" {
				fmt.Printf("  %s\n", wrong)
			}
		}
		var set tally
		for _, lang := range sortedKeys(byLang) {
			fmt.Printf("%s %-4s %v\n", dir, lang, *byLang[lang])
			set.add(*byLang[lang])
		}
		fmt.Printf("%s all  %v\n", dir, set)
		all.add(set)
	}
	if flag.NArg() > 1 {
		fmt.Printf("total     %v\n", all)
	}
}

// count turns one verdict into a tally.
func count(l judge.Label, v judge.Verdict) tally {
	var t tally
	if l.Expect == "pass" {
		t.compliant = 1
		if v.Outcome == judge.FalseRefusal {
			t.falseRefused = 1
		}
		return t
	}
	t.violating = 1
	switch v.Outcome {
	case judge.Right:
		t.caught = 1
	case judge.WrongCategory:
		t.wrongCat = 1
	}
	return t
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
