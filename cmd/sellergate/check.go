package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sellergate/sellergate/filter"
)

func init() { extraCommands["check"] = runCheck }

// runCheck implements `sellergate check [--policy FILE] [--json] FILE.eml…`.
// Exit status: 0 all pass or only tagged, 1 any refused or quarantined,
// 2 usage error, unreadable file or bad policy.
func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	policyFile := fs.String("policy", "", "policy file (default: the built-in policy)")
	asJSON := fs.Bool("json", false, "one JSON object per file, one per line")
	buyerFile := fs.String("buyer-message", "", "the buyer's message the drafts answer (.eml): its words are the buyer's wherever the draft quotes them, as in the gateway")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: sellergate check [--policy FILE] [--buyer-message FILE.eml] [--json] FILE.eml... (- for standard input)")
		return 2
	}
	policy := filter.DefaultPolicy()
	if *policyFile != "" {
		p, err := filter.LoadPolicy(*policyFile)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		policy = p
	}
	buyerText := ""
	if *buyerFile != "" {
		bm, err := readBuyerMessage(*buyerFile)
		if err != nil {
			fmt.Fprintln(stderr, "sellergate check:", err)
			return 2
		}
		buyerText = bm
	}
	e := filter.NewEngine(policy)
	status := 0
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, name := range fs.Args() {
		var r io.Reader
		if name == "-" {
			r = stdin
		} else {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintln(stderr, "sellergate check:", err)
				status = 2
				continue
			}
			defer f.Close()
			r = f
		}
		res := e.CheckReaderWith(name, r, buyerText)
		if res.Refused() {
			status = max(status, 1)
		}
		if *asJSON {
			enc.Encode(res)
			continue
		}
		fmt.Fprintf(stdout, "%s: %s\n", name, strings.ToUpper(res.Verdict))
		if res.Error != "" {
			fmt.Fprintf(stdout, "  unreadable: %s\n", res.Error)
		}
		for _, v := range res.Violations {
			fmt.Fprintf(stdout, "  [%s] %s: %q in %s (%s)\n", v.Category, v.Action, v.Excerpt, v.Where, v.Rule)
			if v.Message != "" {
				fmt.Fprintf(stdout, "      %s\n", v.Message)
			}
		}
		for _, p := range res.Problems {
			fmt.Fprintf(stdout, "  malformed: %s\n", p)
		}
	}
	return status
}

// readBuyerMessage reads the text of the buyer message in file.
func readBuyerMessage(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("buyer message: %w", err)
	}
	defer f.Close()
	m, err := filter.Parse(f)
	if err != nil {
		return "", fmt.Errorf("buyer message %s: %w", file, err)
	}
	return m.Text(), nil
}
