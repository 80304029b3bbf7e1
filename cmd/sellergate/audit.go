package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sellergate/sellergate/quarantine"
	"github.com/sellergate/sellergate/store"
)

// runAudit implements `sellergate audit`. Exit status: 0 ok, 1 a broken
// chain, a bundle that does not match or nothing found, 2 usage errors.
func runAudit(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	cmd, code, ok := verbOf("audit", args, stdout, stderr)
	if !ok {
		return code
	}
	fs := verbFlags("audit", cmd, stderr)
	cfgPath := fs.String("config", "", "gateway configuration (default: the embedded example)")
	var q store.Query
	var from, to, before, bundle, out string
	var asJSON, appealsFlag bool
	appeals := &appealsFlag
	switch cmd {
	case "search", "export":
		fs.StringVar(&q.Order, "order", "", "Amazon order id")
		fs.StringVar(&q.Thread, "thread", "", "thread id (as audit search shows it)")
		fs.StringVar(&q.Buyer, "buyer", "", "buyer's anonymized address")
		fs.StringVar(&from, "from", "", "from date (2006-01-02 or RFC 3339)")
		fs.StringVar(&to, "to", "", "to date, exclusive")
	}
	switch cmd {
	case "search":
		fs.StringVar(&q.Agent, "agent", "", "agent login")
		fs.StringVar(&q.Verdict, "verdict", "", "pass, tag, strip, quarantine, reject")
		fs.StringVar(&q.Category, "category", "", "violation category")
		fs.BoolVar(&asJSON, "json", false, "one JSON record per line")
	case "export":
		fs.StringVar(&out, "out", "", "bundle file to write (a directory with --appeals)")
		fs.BoolVar(appeals, "appeals", false, "export the decided appeals as .eml plus labels.jsonl")
	case "verify":
		fs.StringVar(&bundle, "bundle", "", "exported bundle to check against the trail")
	case "purge":
		fs.StringVar(&before, "before", "", "remove bodies recorded before this date")
	}
	if code, ok := parseFlags(fs, args[1:], stdout); !ok {
		return code
	}
	var err error
	if q.From, err = parseDate(from); err != nil {
		fmt.Fprintln(stderr, "--from:", err)
		return 2
	}
	if q.To, err = parseDate(to); err != nil {
		fmt.Fprintln(stderr, "--to:", err)
		return 2
	}
	cfg, st, code := openForCommand(*cfgPath, stderr)
	if st == nil {
		return code
	}
	defer st.Close()
	ctx := context.Background()
	a := st
	switch cmd {
	case "verify":
		if bundle != "" {
			f, err := os.Open(bundle)
			if err != nil {
				fmt.Fprintln(stderr, err)
				return 2
			}
			defer f.Close()
			fi, _ := f.Stat()
			problems, err := store.VerifyBundle(ctx, a, f, fi.Size())
			if err != nil {
				fmt.Fprintln(stderr, err)
				return 2
			}
			if len(problems) > 0 {
				fmt.Fprintf(stdout, "%s does NOT match the audit trail:\n  %s\n", bundle, strings.Join(problems, "\n  "))
				return 1
			}
			fmt.Fprintf(stdout, "%s matches the audit trail: every file and record is unchanged\n", bundle)
			return 0
		}
		rep, err := a.Verify(ctx)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		fmt.Fprintln(stdout, rep)
		if !rep.OK {
			return 1
		}
		return 0
	case "export":
		if *appeals {
			if out == "" {
				fmt.Fprintln(stderr, "audit export --appeals needs --out DIR")
				return 2
			}
			n, err := (&quarantine.Service{Store: st, AppealTag: cfg.AppealTag}).ExportAppeals(ctx, out)
			if err != nil {
				fmt.Fprintln(stderr, "export:", err)
				return 1
			}
			fmt.Fprintf(stdout, "wrote %d decided appeals to %s (labels.jsonl)\n", n, out)
			return 0
		}
		if q.Order == "" && q.Thread == "" && q.Buyer == "" {
			fmt.Fprintln(stderr, "audit export needs --order, --thread or --buyer")
			return 2
		}
		if out == "" {
			out = "sellergate-export-" + strings.NewReplacer("@", "_", "/", "_").Replace(q.Order+q.Thread+q.Buyer) + ".zip"
		}
		f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		man, err := store.Export(ctx, a, q, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(out)
			fmt.Fprintln(stderr, "export:", err)
			return 1
		}
		fmt.Fprintf(stdout, "wrote %s: %d records, %d files\n", out, len(man.Records), len(man.Files))
		return 0
	case "search":
		recs, err := a.Search(ctx, q)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		if asJSON {
			enc := json.NewEncoder(stdout)
			for _, r := range recs {
				enc.Encode(r)
			}
		} else if len(recs) > 0 {
			const row = "%6s %-20s %-10s %-3s %-11s %-10s %-10s %-14s %-19s %-40s %s %s\n"
			fmt.Fprintf(stdout, row, "ID", "TIME", "KIND", "DIR", "STATUS", "VERDICT", "AGENT", "THREAD", "ORDER", "BUYER", "SUBJECT", "CATEGORIES")
			for _, r := range recs {
				cats := []string{}
				for _, v := range r.Violations {
					cats = append(cats, v.Category)
				}
				fmt.Fprintf(stdout, row, fmt.Sprint(r.ID), r.Time.Format(time.RFC3339), r.Kind, r.Direction, dash(r.Status), dash(r.Verdict),
					dash(r.Agent), dash(r.Thread), dash(r.OrderID), dash(r.Buyer), fmt.Sprintf("%q", r.Subject), strings.Join(cats, ","))
			}
		}
		if len(recs) == 0 {
			fmt.Fprintln(stderr, "no records match")
			return 1
		}
		return 0
	case "purge":
		t, err := parseDate(before)
		if err != nil || t.IsZero() {
			fmt.Fprintln(stderr, "audit purge needs --before DATE")
			return 2
		}
		n, err := a.Purge(ctx, t)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "removed %d message bodies recorded before %s; records and hashes stay\n", n, t.Format(time.RFC3339))
		return 0
	}
	return 2
}

// dash stands for an empty cell of a text table.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}
