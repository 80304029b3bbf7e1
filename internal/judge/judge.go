// Package judge reads labelled sets of messages (labels.tsv files) and
// judges the policy engine's verdict on each: bench/judge reports the
// figures, the filter's tests hold the engine to them.
package judge

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sellergate/sellergate/filter"
)

// Label is one line of a labels.tsv: a message and what a correct engine
// does with it.
type Label struct {
	// Path is where the message is; File is its name in the set
	// ("de/001-….eml"), its language folder first.
	Path, File string
	// Expect is "pass" or "refuse"; Cats are the categories a refusal
	// must name.
	Expect string
	Cats   []string
	Note   string
}

// Lang is the label's language folder.
func (l Label) Lang() string { return strings.SplitN(l.File, "/", 2)[0] }

// Outcome is how the engine did on one message.
type Outcome int

// The outcomes.
const (
	Right         Outcome = iota
	FalseRefusal          // a compliant message refused
	Missed                // a violating message passed
	WrongCategory         // refused, but not for every labelled category
)

// Verdict is the engine's verdict on one labelled message.
type Verdict struct {
	Outcome Outcome
	// Missing are the labelled categories no refusing finding named.
	Missing []string
	// Found describes the findings, one per element.
	Found    []string
	Problems []string
}

// Wrong says what went wrong, "" when nothing did.
func (v Verdict) Wrong(l Label) string {
	var what string
	switch v.Outcome {
	case Right:
		return ""
	case FalseRefusal:
		what = "FALSE REFUSAL"
	case Missed:
		what = "MISSED " + strings.Join(l.Cats, ",")
	case WrongCategory:
		what = "WRONG CATEGORY, missing " + strings.Join(v.Missing, ",")
	}
	s := fmt.Sprintf("%s %s  [%s]\n      found: %s", what, l.File, l.Note, strings.Join(v.Found, "; "))
	if len(v.Problems) > 0 {
		s += "\n      problems: " + strings.Join(v.Problems, "; ")
	}
	return s
}

// Judge checks one labelled message with e.
func Judge(e *filter.Engine, l Label) (Verdict, error) {
	f, err := os.Open(l.Path)
	if err != nil {
		return Verdict{}, err
	}
	defer f.Close()
	res := e.CheckReader(l.File, f)
	refusing := map[string]bool{}
	var v Verdict
	for _, x := range res.Violations {
		if x.Action >= filter.Quarantine {
			refusing[x.Category] = true
		}
		v.Found = append(v.Found, fmt.Sprintf("%s %s %q", x.Action, x.Rule, clip(x.Excerpt, 70)))
	}
	v.Problems = res.Problems
	switch {
	case l.Expect == "pass":
		if res.Refused() {
			v.Outcome = FalseRefusal
		}
	case !res.Refused():
		v.Outcome = Missed
	default:
		for _, c := range l.Cats {
			if !refusing[c] {
				v.Missing = append(v.Missing, c)
			}
		}
		if len(v.Missing) > 0 {
			v.Outcome = WrongCategory
		}
	}
	return v, nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// ReadLabels reads every labels.tsv of the set in dir (its own and its
// language folders'); a label's file is relative to dir.
func ReadLabels(dir string) ([]Label, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "labels.tsv"))
	more, _ := filepath.Glob(filepath.Join(dir, "*", "labels.tsv"))
	files = append(files, more...)
	jsonl, _ := filepath.Glob(filepath.Join(dir, "labels.jsonl"))
	if len(files) == 0 && len(jsonl) == 0 {
		return nil, fmt.Errorf("%s: no labels.tsv or labels.jsonl", dir)
	}
	var out []Label
	for _, name := range jsonl {
		ls, err := readAppealLabels(dir, name)
		if err != nil {
			return nil, err
		}
		out = append(out, ls...)
	}
	for _, name := range files {
		ls, err := readLabelFile(dir, name)
		if err != nil {
			return nil, err
		}
		out = append(out, ls...)
	}
	return out, nil
}

func readLabelFile(dir, name string) ([]Label, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Label
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
		l := Label{File: p[0], Expect: p[1], Path: filepath.Join(dir, p[0])}
		if len(p) > 3 {
			l.Note = p[3]
		}
		if p[2] != "" {
			l.Cats = strings.Split(p[2], ",")
		}
		if l.Expect != "pass" && l.Expect != "refuse" {
			return nil, fmt.Errorf("%s:%d: expect %q, want pass or refuse", name, n, l.Expect)
		}
		out = append(out, l)
	}
	return out, sc.Err()
}

// readAppealLabels reads a labels.jsonl that sellergate audit export
// --appeals wrote: a released appeal is a message that must pass, a
// rejected one must be refused for the categories the engine named.
func readAppealLabels(dir, name string) ([]Label, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Label
	dec := json.NewDecoder(f)
	for n := 1; dec.More(); n++ {
		var a struct {
			File, Decision  string
			VerdictByEngine string `json:"verdict_by_engine"`
			Categories      []string
		}
		if err := dec.Decode(&a); err != nil {
			return nil, fmt.Errorf("%s: appeal %d: %w", name, n, err)
		}
		l := Label{File: a.File, Path: filepath.Join(dir, a.File), Note: "appeal " + a.Decision + " (engine: " + a.VerdictByEngine + ")"}
		switch a.Decision {
		case "released":
			l.Expect = "pass"
		case "rejected":
			l.Expect, l.Cats = "refuse", a.Categories
		default:
			return nil, fmt.Errorf("%s: appeal %d: decision %q, want released or rejected", name, n, a.Decision)
		}
		out = append(out, l)
	}
	return out, nil
}
