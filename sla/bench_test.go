package sla

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/sellergate/sellergate/store"
)

// BenchmarkSLA100kThreads: status listing and the threshold sweep with
// 100,000 open threads, and the cost a clock start and stop add to a message.
//
//	go test -run '^$' -bench SLA -benchtime 10x ./sla/
func BenchmarkSLA100kThreads(b *testing.B) {
	s, err := store.Open(context.Background(), store.Options{Path: filepath.Join(b.TempDir(), "sla.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	c := &clock{t: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	tr := New(s, s, Config{Thresholds: []time.Duration{18 * time.Hour, 22 * time.Hour}}, nil, nil, quiet, c.now)
	ss := s
	ctx := context.Background()
	for i := 0; i < 100000; i++ {
		since := c.now().Add(-time.Duration(i%1440) * time.Minute)
		ss.StartClock(ctx, store.Clock{Thread: fmt.Sprintf("T%07d", i), Buyer: fmt.Sprintf("b%d@marketplace.amazon.de", i),
			Marketplace: "amazon.de", Since: since, State: store.ClockOpen, NextAlert: since.Add(18 * time.Hour)}, "")
	}
	b.Run("status", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			st, err := tr.Status(ctx)
			if err != nil || len(st) != 100000 {
				b.Fatalf("%d threads, %v", len(st), err)
			}
		}
	})
	// The first sweep fires the alerts of the 25,000 threads already past
	// 18h; what the benchmark measures is the sweep every minute after it.
	if _, err := tr.Sweep(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("sweep", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			c.add(time.Minute)
			if _, err := tr.Sweep(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("start+stop", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			r := &store.Record{Time: c.now(), Thread: fmt.Sprintf("N%d", i), Buyer: "x@marketplace.amazon.de", MessageID: fmt.Sprintf("n%d", i)}
			if err := tr.BuyerMessage(ctx, r); err != nil {
				b.Fatal(err)
			}
			if err := tr.ReplyRelayed(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
