package main

import (
	"bytes"

	"github.com/sellergate/sellergate/config"
	"github.com/sellergate/sellergate/quarantine"
	"github.com/sellergate/sellergate/queue"
	"github.com/sellergate/sellergate/sla"
	"github.com/sellergate/sellergate/store"

	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// runSLA implements `sellergate sla status [--json]` and
// `sellergate sla dismiss --thread T --reason TEXT [--by WHO]`.
func runSLA(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	cmd, code, ok := verbOf("sla", args, stdout, stderr)
	if !ok {
		return code
	}
	fs := verbFlags("sla", cmd, stderr)
	cfgPath := fs.String("config", "", "gateway configuration (default: the embedded example)")
	asJSON, thread, reason, by := new(bool), new(string), new(string), new(string)
	switch cmd {
	case "status":
		fs.BoolVar(asJSON, "json", false, "one JSON object per thread")
	case "dismiss":
		fs.StringVar(thread, "thread", "", "thread id (see sla status)")
		fs.StringVar(reason, "reason", "", "why no reply is needed")
		fs.StringVar(by, "by", "admin", "who dismisses")
	}
	if code, ok := parseFlags(fs, args[1:], stdout); !ok {
		return code
	}
	cfg, st, code := openForCommand(*cfgPath, stderr)
	if st == nil {
		return code
	}
	defer st.Close()
	ctx := context.Background()
	if cmd == "alert-test" {
		return alertTest(cfg, stdout, stderr)
	}
	tr := newTracker(cfg, st, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if cmd == "dismiss" {
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

// alertTest sends a test alert to every configured channel: the webhook
// directly, the e-mail through the delivery queue the running gateway
// relays from. Exit status 1 when a channel fails or none is configured.
func alertTest(cfg *config.Config, stdout, stderr io.Writer) int {
	now := time.Now().UTC()
	a := sla.Alert{Kind: "test", At: now, Clock: store.Clock{Thread: "Ttest", Buyer: "test@marketplace.amazon.com", Marketplace: "amazon.com", Since: now}}
	ctx := context.Background()
	sent, failed := 0, 0
	if w := cfg.SLA.Webhook; w != nil {
		if err := (&sla.Webhook{URL: w.URL, Format: w.Format}).Notify(ctx, a); err != nil {
			fmt.Fprintf(stderr, "webhook %s: %v\n", w.URL, err)
			failed++
		} else {
			fmt.Fprintf(stdout, "webhook %s: test alert accepted\n", w.URL)
			sent++
		}
	}
	if e := cfg.SLA.Email; e != nil {
		q, err := queue.Open(queue.Options{Dir: cfg.QueueDir, Registry: prometheus.NewRegistry()})
		if err == nil {
			send := func(ctx context.Context, from string, to []string, msg []byte) error {
				_, err := q.Enqueue(queue.Item{From: from, To: to, Meta: map[string]string{quarantine.MetaKind: "notice"}}, bytes.NewReader(msg))
				return err
			}
			err = (&sla.Email{From: e.From, To: e.To, Send: send}).Notify(ctx, a)
		}
		if err != nil {
			fmt.Fprintf(stderr, "e-mail to %s: %v\n", e.To, err)
			failed++
		} else {
			fmt.Fprintf(stdout, "e-mail to %s: test alert queued; the running gateway relays it\n", e.To)
			sent++
		}
	}
	if sent+failed == 0 {
		fmt.Fprintln(stderr, "no alert channel is configured (sla: webhook: or email:)")
		return 1
	}
	if failed > 0 {
		return 1
	}
	return 0
}
