package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
)

// runException implements `sellergate exception open|close`: steps 1 and 3
// of the off-Amazon exception protocol.
func runException(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	cmd, code, ok := verbOf("exception", args, stdout, stderr)
	if !ok {
		return code
	}
	fs := verbFlags("exception", cmd, stderr)
	cfgPath := fs.String("config", "", "gateway configuration (default: the embedded example)")
	thread := fs.String("thread", "", "thread id (see sla status or audit search)")
	kind := new(string)
	if cmd == "open" {
		fs.StringVar(kind, "kind", "", "technical-support-media or product-safety")
	}
	note := fs.String("note", "", "internal note: why (open) or how it ended (close)")
	by := fs.String("by", "admin", "agent or admin")
	if code, ok := parseFlags(fs, args[1:], stdout); !ok {
		return code
	}
	if *thread == "" || *note == "" {
		fs.Usage()
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
	if cmd == "open" {
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
