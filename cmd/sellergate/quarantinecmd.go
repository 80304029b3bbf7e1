package main

import (
	"context"
	"flag"
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

func init() { extraCommands["quarantine"] = runQuarantine }

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
	usage := "usage: sellergate quarantine list [--appeals] | show ID | release ID | reject ID --reason TEXT   [--config FILE] [--by WHO]"
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	cmd := args[0]
	fs := flag.NewFlagSet("quarantine "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "gateway configuration (default: the embedded example)")
	reason := fs.String("reason", "", "why (reject)")
	by := fs.String("by", "admin", "who decides")
	appeals := fs.Bool("appeals", false, "list only the agents' appeals")
	rest := args[1:]
	id := ""
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		id, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return 2
	}
	if id == "" && fs.NArg() > 0 {
		id = fs.Arg(0)
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
		for _, h := range held {
			reason, appeal := h.Appeal()
			if *appeals && !appeal {
				continue
			}
			if appeal {
				fmt.Fprintf(stdout, "APPEAL ")
			}
			var cats []string
			for _, v := range h.Violations {
				cats = append(cats, v.Category)
			}
			fmt.Fprintf(stdout, "%-14s %s %-10s %-40s %q [%s]\n", h.QueueID, h.Time.Format(time.RFC3339), h.Agent, h.Buyer, h.Subject, strings.Join(cats, ","))
			if reason != "" {
				fmt.Fprintf(stdout, "       reason: %s\n", reason)
			}
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
	fmt.Fprintln(stderr, usage)
	return 2
}
