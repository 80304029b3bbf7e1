package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
)

func init() { extraCommands["exception"] = runException }

// runException implements `sellergate exception open|close`: steps 1 and 3
// of the off-Amazon exception protocol.
func runException(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	usage := "usage: sellergate exception open --thread T --kind technical-support-media|product-safety --note WHY [--by WHO] [--config FILE]\n       sellergate exception close --thread T --note SUMMARY [--by WHO] [--config FILE]"
	if len(args) == 0 || (args[0] != "open" && args[0] != "close") {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("exception "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "gateway configuration (default: the embedded example)")
	thread := fs.String("thread", "", "thread id (see sellergate sla status or audit search)")
	kind := fs.String("kind", "", "technical-support-media or product-safety")
	note := fs.String("note", "", "internal note: why (open) or how it ended (close)")
	by := fs.String("by", "admin", "agent or admin")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *thread == "" || *note == "" {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	cfg, st, code := openForCommand(*cfgPath, stderr)
	if st == nil {
		return code
	}
	defer st.Close()
	ctx := context.Background()
	policy, err := loadPolicy(cfg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	tr := newTracker(cfg, st, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if args[0] == "open" {
		if !policy.ExceptionEnabled() {
			fmt.Fprintln(stderr, "the policy does not enable the off-Amazon exception (exceptions: enabled: true)")
			return 1
		}
		if !policy.ExceptionKind(*kind) {
			fmt.Fprintf(stderr, "exception kind %q is not allowed by the policy\n", *kind)
			return 1
		}
		if err := tr.OpenException(ctx, *thread, *kind, *note, *by); err != nil {
			fmt.Fprintln(stderr, "exception open:", err)
			return 1
		}
		fmt.Fprintf(stdout, "exception %s opened for thread %s; the in-thread message must state the reason, the channel and the return to Amazon\n", *kind, *thread)
		return 0
	}
	if err := tr.CloseException(ctx, *thread, *note, *by); err != nil {
		fmt.Fprintln(stderr, "exception close:", err)
		return 1
	}
	fmt.Fprintf(stdout, "exception closed for thread %s\n", *thread)
	return 0
}
