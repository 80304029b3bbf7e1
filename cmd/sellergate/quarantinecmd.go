package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sellergate/sellergate/config"
	"github.com/sellergate/sellergate/gateway"
	"github.com/sellergate/sellergate/quarantine"
	"github.com/sellergate/sellergate/queue"
	"github.com/sellergate/sellergate/sla"
	"github.com/sellergate/sellergate/store"
)

// newQueue opens the delivery queue. With gw nil it only takes new items
// (the CLI); the gateway's copy delivers them, records the outcome and,
// for a released reply, stops the thread's SLA clock.
func newQueue(cfg *config.Config, st store.Store, tracker *sla.Tracker, svc *quarantine.Service, gw func() *gateway.Gateway, reg prometheus.Registerer, log *slog.Logger) (*queue.Queue, error) {
	ctx := context.Background()
	var events quarantine.SLAEvents
	if tracker != nil {
		events = tracker
	}
	return queue.Open(queue.Options{
		Dir: cfg.QueueDir,
		Deliver: func(ctx context.Context, it *queue.Item, body io.Reader) (string, error) {
			return gw().DeliverQueued(ctx, it.From, it.To, body)
		},
		Delivered: func(it *queue.Item, reply string) { svc.Delivered(ctx, events, it, reply) },
		Failed:    func(it *queue.Item, err error) { svc.Failed(ctx, it, err) },
		Backoff:   cfg.QueueBackoff,
		Registry:  reg,
		Logger:    log,
	})
}

// runQuarantine implements `sellergate quarantine list|show|release|reject`.
func runQuarantine(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	cmd, code, ok := verbOf("quarantine", args, stdout, stderr)
	if !ok {
		return code
	}
	fs := verbFlags("quarantine", cmd, stderr)
	cfgPath := fs.String("config", "", "gateway configuration (default: the embedded example)")
	reason, by, appeals := new(string), new(string), new(bool)
	switch cmd {
	case "list":
		fs.BoolVar(appeals, "appeals", false, "list only the agents' appeals")
	case "release":
		fs.StringVar(by, "by", "admin", "who decides")
	case "reject":
		fs.StringVar(by, "by", "admin", "who decides")
		fs.StringVar(reason, "reason", "", "why, for the agent (required)")
	}
	rest := args[1:]
	id := ""
	if cmd != "list" && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		id, rest = rest[0], rest[1:]
	}
	if code, ok := parseFlags(fs, rest, stdout); !ok {
		return code
	}
	if id == "" && fs.NArg() > 0 {
		id = fs.Arg(0)
	}
	if cmd != "list" && id == "" {
		fmt.Fprintf(stderr, "sellergate quarantine %s needs the queue id (see quarantine list)\n", cmd)
		return 2
	}
	cfg, st, code := openForCommand(*cfgPath, stderr)
	if st == nil {
		return code
	}
	defer st.Close()
	ctx := context.Background()
	svc := newQuarantine(cfg, st)
	q, err := queue.Open(queue.Options{Dir: cfg.QueueDir, Registry: prometheus.NewRegistry()})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	svc.Queue = q
	switch cmd {
	case "list":
		held, err := svc.List(ctx)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		const row = "%-6s %-14s %-20s %-10s %-14s %-40s %s %s\n"
		n := 0
		for _, h := range held {
			reason, appeal := h.Appeal()
			if *appeals && !appeal {
				continue
			}
			if n == 0 {
				fmt.Fprintf(stdout, row, "KIND", "QUEUE ID", "TIME", "AGENT", "THREAD", "BUYER", "SUBJECT", "[CATEGORIES]")
			}
			n++
			kind := "held"
			if appeal {
				kind = "APPEAL"
			}
			var cats []string
			for _, v := range h.Violations {
				cats = append(cats, v.Category)
			}
			fmt.Fprintf(stdout, row, kind, h.QueueID, h.Time.Format(time.RFC3339), dash(h.Agent), dash(h.Thread), h.Buyer,
				fmt.Sprintf("%q", h.Subject), "["+strings.Join(cats, ",")+"]")
			if reason != "" {
				fmt.Fprintf(stdout, "       reason: %s\n", reason)
			}
		}
		if n == 0 && *appeals {
			fmt.Fprintln(stdout, "no appeals waiting for review")
		} else if n == 0 {
			fmt.Fprintln(stdout, "no held messages waiting for review")
		}
		return 0
	case "show":
		r, raw, err := svc.Show(ctx, id)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "Queue id: %s\nTime: %s\nAgent: %s\nTo: %s\nSubject: %s\nFindings:\n", r.QueueID, r.Time.Format(time.RFC3339), r.Agent, strings.Join(r.Rcpt, ", "), r.Subject)
		text := string(raw)
		for _, v := range r.Violations {
			fmt.Fprintf(stdout, "  >>> [%s] %q in %s (%s, %s)\n", v.Category, v.Excerpt, v.Where, v.Rule, v.Action)
			if v.Excerpt != "" {
				e := strings.Trim(v.Excerpt, "…")
				text = strings.ReplaceAll(text, e, ">>>"+e+"<<<")
			}
		}
		fmt.Fprintf(stdout, "\n%s\n", text)
		return 0
	case "release":
		if err := svc.Release(ctx, id, *by); err != nil {
			fmt.Fprintln(stderr, "release:", err)
			return 1
		}
		fmt.Fprintf(stdout, "released %s: queued for delivery\n", id)
		return 0
	case "reject":
		if err := svc.Reject(ctx, id, *by, *reason); err != nil {
			fmt.Fprintln(stderr, "reject:", err)
			return 1
		}
		fmt.Fprintf(stdout, "rejected %s; the agent is told why\n", id)
		return 0
	}
	return 2
}
