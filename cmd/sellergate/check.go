package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/sellergate/sellergate/store"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sellergate/sellergate/config"
	"github.com/sellergate/sellergate/filter"
)

// runCheck implements `sellergate check [--policy FILE] [--json] FILE.eml…`.
// Exit status: 0 all pass or only tagged, 1 any refused or quarantined,
// 2 usage error, unreadable file or bad policy.
func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := verbFlags("check", "", stderr)
	policyFile := fs.String("policy", "", "policy file (default: the built-in policy)")
	asJSON := fs.Bool("json", false, "one JSON object per file, one per line")
	buyerFile := fs.String("buyer-message", "", "the buyer's message the drafts answer (.eml): its words are the buyer's wherever the draft quotes them, as in the gateway")
	thread := fs.String("thread", "", "the thread the drafts go to (see audit search): the proactive rules apply as the gateway's trail says, and the thread's buyer message is on record")
	cfgPath := fs.String("config", "", "gateway configuration: its policy applies, and its store holds the thread (--thread)")
	if code, ok := parseFlags(fs, args, stdout); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	policy, err := checkPolicy(*policyFile, *cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
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
	threadOf := func(*filter.Message) (string, *filter.ThreadFacts) { return buyerText, nil }
	if *thread != "" {
		_, st, code := openForCommand(*cfgPath, stderr)
		if st == nil {
			return code
		}
		defer st.Close()
		var err error
		if threadOf, err = threadFromTrail(context.Background(), st, *thread, policy, buyerText); err != nil {
			fmt.Fprintln(stderr, "sellergate check:", err)
			return 2
		}
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
		res := e.CheckReaderWith(name, r, threadOf)
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

// threadFromTrail returns what the gateway would know of thread for a
// draft: its buyer message (unless one was given) and the trail's facts.
func threadFromTrail(ctx context.Context, st *store.SQL, thread string, p *filter.Policy, buyerText string) (func(*filter.Message) (string, *filter.ThreadFacts), error) {
	recs, err := st.Search(ctx, store.Query{Thread: thread, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 || recs[0].Buyer == "" {
		return nil, fmt.Errorf("no thread %q with a buyer in the audit trail", thread)
	}
	buyer, order := recs[0].Buyer, recs[0].OrderID
	if buyerText == "" {
		if raw, err := st.LatestBuyerMessage(ctx, buyer, order); err == nil {
			if m, err := filter.Parse(bytes.NewReader(raw)); err == nil {
				buyerText = m.Text()
			}
		}
	}
	return func(m *filter.Message) (string, *filter.ThreadFacts) {
		if !p.ProactiveEnabled() {
			return buyerText, nil
		}
		f, err := st.ThreadFacts(ctx, buyer, order, store.TextNote(m.TextDigest()), time.Now().Add(-p.ProactiveWindow()))
		if err != nil {
			return buyerText, nil // the draft is judged as a reply
		}
		return buyerText, &filter.ThreadFacts{Proactive: !f.BuyerWrote, ReviewRequests: f.ReviewRequests,
			OptedOut: f.OptedOut, RepeatedText: f.SameTextToday > 0}
	}, nil
}

// checkPolicy is the policy drafts are checked against: the file given,
// else the gateway's (the configuration's policy file), else the
// built-in one.
func checkPolicy(policyFile, cfgPath string) (*filter.Policy, error) {
	if policyFile != "" {
		return filter.LoadPolicy(policyFile)
	}
	if cfgPath == "" {
		return filter.DefaultPolicy(), nil
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, err
	}
	return loadPolicy(cfg)
}
