package queue

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

type permErr struct{}

func (permErr) Error() string          { return "550 no such user" }
func (permErr) PermanentFailure() bool { return true }

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestRetriesAcrossRestartThenDelivers: the next hop is down, the queue
// backs off, the process "restarts" (a new Queue on the same directory),
// the next hop comes back and the message is delivered once, intact.
func TestRetriesAcrossRestartThenDelivers(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)}
	up := false
	var got []string
	deliver := func(_ context.Context, it *Item, body io.Reader) (string, error) {
		if !up {
			return "", errors.New("connection refused")
		}
		b, _ := io.ReadAll(body)
		got = append(got, string(b))
		return "250 ok", nil
	}
	opts := Options{Dir: dir, Deliver: deliver, Now: clk.now, Backoff: []time.Duration{time.Minute, 10 * time.Minute}}
	q, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Enqueue(Item{From: "a@seller.test", To: []string{"b@marketplace.amazon.de"}}, strings.NewReader("Subject: released\r\n\r\nhello\r\n")); err != nil {
		t.Fatal(err)
	}
	q.RunDue(context.Background())
	q.RunDue(context.Background()) // not due again yet
	items := q.Items()
	if len(items) != 1 || items[0].Attempts != 1 || items[0].LastError == "" {
		t.Fatalf("after one failed attempt: %+v", items)
	}

	q2, err := Open(opts) // restart
	if err != nil {
		t.Fatal(err)
	}
	if n := len(q2.Items()); n != 1 {
		t.Fatalf("after restart the queue has %d items, want 1", n)
	}
	up = true
	clk.add(2 * time.Minute)
	q2.RunDue(context.Background())
	if len(got) != 1 || got[0] != "Subject: released\r\n\r\nhello\r\n" {
		t.Fatalf("delivered %q", got)
	}
	if n := len(q2.Items()); n != 0 {
		t.Errorf("queue still has %d items", n)
	}
	if q3, _ := Open(opts); len(q3.Items()) != 0 {
		t.Error("a delivered item came back after restart")
	}
}

func TestPermanentFailureCallsFailed(t *testing.T) {
	var failed *Item
	q, err := Open(Options{Dir: t.TempDir(),
		Deliver: func(context.Context, *Item, io.Reader) (string, error) { return "", permErr{} },
		Failed:  func(it *Item, err error) { failed = it },
	})
	if err != nil {
		t.Fatal(err)
	}
	q.Enqueue(Item{From: "a@seller.test", To: []string{"b@marketplace.amazon.de"}, Meta: map[string]string{"agent": "anna"}}, strings.NewReader("x"))
	q.RunDue(context.Background())
	if failed == nil || failed.Meta["agent"] != "anna" {
		t.Fatalf("Failed callback: %+v", failed)
	}
	if len(q.Items()) != 0 {
		t.Error("permanently failed item still queued")
	}
}
