package filter_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/internal/judge"
)

// TestBlindSetsKeepTheirVerdicts holds the engine to every verdict it gets
// right on the blind sets that became testdata (testdata/blind/setN): a
// change that makes any message wrong fails, and so does one that fixes a
// message still listed as a known failure. The sets' figures themselves
// are measured with bench/judge.
func TestBlindSetsKeepTheirVerdicts(t *testing.T) {
	known := readKnownFailures(t, "testdata/blind/known-failures.txt")
	sets, _ := filepath.Glob("testdata/blind/set*")
	if len(sets) == 0 {
		t.Fatal("no blind sets under testdata/blind")
	}
	e := filter.NewEngine(filter.DefaultPolicy())
	for _, dir := range sets {
		labels, err := judge.ReadLabels(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range labels {
			v, err := judge.Judge(e, l)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(dir) + "/" + l.File
			switch wrong := v.Wrong(l); {
			case wrong != "" && !known[name]:
				t.Errorf("%s: %s", filepath.Base(dir), wrong)
			case wrong == "" && known[name]:
				t.Errorf("%s is judged right now: take it off known-failures.txt", name)
			}
		}
	}
}

// readKnownFailures reads SET/FILE<TAB>why lines.
func readKnownFailures(t *testing.T, name string) map[string]bool {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		file, why, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(why) == "" {
			t.Fatalf("%s: %q has no reason after a tab", name, line)
		}
		out[file] = true
	}
	return out
}

// TestConcurrentChecks: one engine checks many messages at once, as the
// gateway's sessions do; the verdicts are those of one at a time. (A
// transformer shared between checks once made parallel checks panic.)
func TestConcurrentChecks(t *testing.T) {
	labels, err := judge.ReadLabels("testdata/blind/set1")
	if err != nil {
		t.Fatal(err)
	}
	e := filter.NewEngine(filter.DefaultPolicy())
	want := map[string]judge.Outcome{}
	for _, l := range labels {
		v, err := judge.Judge(e, l)
		if err != nil {
			t.Fatal(err)
		}
		want[l.File] = v.Outcome
	}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range labels {
				l := labels[(i+w*37)%len(labels)]
				v, err := judge.Judge(e, l)
				if err != nil || v.Outcome != want[l.File] {
					t.Errorf("%s checked in parallel: %v %v, want %v", l.File, v.Outcome, err, want[l.File])
				}
			}
		}()
	}
	wg.Wait()
}
