package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func init() { extraCommands["sla"] = runSLA }

// runSLA implements `sellergate sla status [--json]` and
// `sellergate sla dismiss --thread T --reason TEXT [--by WHO]`.
func runSLA(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "status" && args[0] != "dismiss") {
		fmt.Fprintln(stderr, "usage: sellergate sla status [--config FILE] [--json] | sellergate sla dismiss [--config FILE] --thread T --reason TEXT [--by WHO]")
		return 2
	}
	fs := flag.NewFlagSet("sla "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "gateway configuration (default: the embedded example)")
	asJSON := fs.Bool("json", false, "one JSON object per thread")
	thread := fs.String("thread", "", "thread id (see sla status)")
	reason := fs.String("reason", "", "why no reply is needed")
	by := fs.String("by", "admin", "who dismisses")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	cfg, st, code := openForCommand(*cfgPath, stderr)
	if st == nil {
		return code
	}
	defer st.Close()
	ctx := context.Background()
	tr := newTracker(cfg, st, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if args[0] == "dismiss" {
		if *thread == "" || *reason == "" {
			fmt.Fprintln(stderr, "sla dismiss needs --thread and --reason")
			return 2
		}
		c, err := tr.Dismiss(ctx, *thread, *reason, *by)
		if err != nil {
			fmt.Fprintln(stderr, "sla dismiss:", err)
			return 1
		}
		fmt.Fprintf(stdout, "dismissed thread %s (buyer %s, waiting since %s): %s\n", c.Thread, c.Buyer, c.Since.Format(time.RFC3339), *reason)
		return 0
	}
	status, err := tr.Status(ctx)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		for _, s := range status {
			enc.Encode(s)
		}
		return 0
	}
	fmt.Fprintf(stdout, "%-14s %-15s %-21s %-42s %-20s %-10s %s\n", "THREAD", "MARKETPLACE", "ORDER", "BUYER", "WAITING SINCE", "TIME LEFT", "LAST AGENT")
	for _, s := range status {
		left := s.Left.Round(time.Minute).String()
		if s.Left < 0 {
			left = "BREACHED " + (-s.Left).Round(time.Minute).String() + " ago"
		}
		if s.State == "summary_pending" {
			left += " (summary pending)"
		}
		fmt.Fprintf(stdout, "%-14s %-15s %-21s %-42s %-20s %-10s %s\n", s.Thread, s.Marketplace, s.OrderID, s.Buyer,
			s.Since.Format("2006-01-02 15:04 MST"), left, s.LastAgent)
	}
	return 0
}
