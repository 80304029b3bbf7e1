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
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sellergate/sellergate/filter"
)

// label is one line of a labels.tsv.
type label struct {
	path, file, expect, note string
	cats                     []string
}

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
		labels, err := readLabels(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "judge:", err)
			os.Exit(1)
		}
		byLang := map[string]*tally{}
		for _, l := range labels {
			if *only != "" && !strings.Contains(","+*only+",", ","+strings.SplitN(l.file, "/", 2)[0]+",") {
				continue
			}
			t, wrong, err := judge(e, l)
			if err != nil {
				fmt.Fprintln(os.Stderr, "judge:", err)
				os.Exit(1)
			}
			lang := strings.SplitN(l.file, "/", 2)[0]
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

// judge checks one labelled message and says what went wrong, if anything.
func judge(e *filter.Engine, l label) (tally, string, error) {
	f, err := os.Open(l.path)
	if err != nil {
		return tally{}, "", err
	}
	defer f.Close()
	res := e.CheckReader(l.file, io.Reader(f))
	refusing := map[string]bool{}
	var found []string
	for _, v := range res.Violations {
		if v.Action >= filter.Quarantine {
			refusing[v.Category] = true
		}
		found = append(found, fmt.Sprintf("%s %s %q", v.Action, v.Rule, clip(v.Excerpt, 70)))
	}
	var t tally
	wrong := ""
	switch l.expect {
	case "pass":
		t.compliant = 1
		if res.Refused() {
			t.falseRefused = 1
			wrong = "FALSE REFUSAL"
		}
	default:
		t.violating = 1
		missing := []string{}
		for _, c := range l.cats {
			if !refusing[c] {
				missing = append(missing, c)
			}
		}
		switch {
		case !res.Refused():
			wrong = "MISSED " + strings.Join(l.cats, ",")
		case len(missing) > 0:
			t.wrongCat = 1
			wrong = "WRONG CATEGORY, missing " + strings.Join(missing, ",")
		default:
			t.caught = 1
		}
	}
	if wrong != "" {
		wrong = fmt.Sprintf("%s %s  [%s]\n      found: %s", wrong, l.file, l.note, strings.Join(found, "; "))
		if len(res.Problems) > 0 {
			wrong += "\n      problems: " + strings.Join(res.Problems, "; ")
		}
	}
	return t, wrong, nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// readLabels reads every labels.tsv under dir (its own and its language
// folders').
func readLabels(dir string) ([]label, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "labels.tsv"))
	more, _ := filepath.Glob(filepath.Join(dir, "*", "labels.tsv"))
	files = append(files, more...)
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no labels.tsv", dir)
	}
	var out []label
	for _, name := range files {
		ls, err := readLabelFile(dir, name)
		if err != nil {
			return nil, err
		}
		out = append(out, ls...)
	}
	return out, nil
}

func readLabelFile(dir, name string) ([]label, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []label
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		p := strings.Split(line, "\t")
		if len(p) < 3 {
			return nil, fmt.Errorf("%s:%d: %d fields, want FILE, EXPECT, CATEGORIES, NOTE", name, n, len(p))
		}
		l := label{file: p[0], expect: p[1], path: filepath.Join(dir, p[0])}
		if len(p) > 3 {
			l.note = p[3]
		}
		if p[2] != "" {
			l.cats = strings.Split(p[2], ",")
		}
		if l.expect != "pass" && l.expect != "refuse" {
			return nil, fmt.Errorf("%s:%d: expect %q, want pass or refuse", name, n, l.expect)
		}
		out = append(out, l)
	}
	return out, sc.Err()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
