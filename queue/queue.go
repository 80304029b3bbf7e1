// Package queue is sellergate's durable delivery queue for messages that
// are not relayed inside the SMTP session (a quarantined message an admin
// released, an SLA alert e-mail): each entry is two files in a spool
// directory, written and synced before Enqueue returns, retried with backoff
// until the next hop accepts it or refuses it for good.
package queue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Item is one message waiting for delivery.
type Item struct {
	ID        string    `json:"id"`
	From      string    `json:"from"`
	To        []string  `json:"to"`
	Created   time.Time `json:"created"`
	NextAt    time.Time `json:"next_at"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	// Meta carries what the callbacks need (queue id of the original
	// message, the agent to notify).
	Meta map[string]string `json:"meta,omitempty"`
}

// Permanent is implemented by delivery errors that retrying cannot fix.
type Permanent interface{ PermanentFailure() bool }

// Deliver hands one item to the next hop and returns its reply.
type Deliver func(ctx context.Context, it *Item, body io.Reader) (string, error)

// Options configure a queue.
type Options struct {
	Dir     string
	Deliver Deliver
	// Delivered is called after the next hop accepted an item.
	Delivered func(it *Item, reply string)
	// Failed is called when an item failed for good (a permanent refusal,
	// or MaxAge passed).
	Failed func(it *Item, err error)
	// Backoff lists the waits after each failed attempt; the last repeats.
	Backoff []time.Duration
	// MaxAge gives up on an item this long after it was queued (default 5 days).
	MaxAge   time.Duration
	Registry prometheus.Registerer
	Logger   *slog.Logger
	Now      func() time.Time
}

// Queue is a directory of items. It is safe for concurrent use.
type Queue struct {
	o    Options
	wake chan struct{}

	mu    sync.Mutex
	items map[string]*Item
	busy  map[string]bool

	depth    prometheus.Gauge
	retries  prometheus.Counter
	failures prometheus.Counter
}

// Open loads the items left in dir by an earlier run.
func Open(o Options) (*Queue, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if len(o.Backoff) == 0 {
		o.Backoff = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour}
	}
	if o.MaxAge == 0 {
		o.MaxAge = 5 * 24 * time.Hour
	}
	reg := o.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("queue directory: %w", err)
	}
	f := promauto.With(reg)
	q := &Queue{o: o, wake: make(chan struct{}, 1), items: map[string]*Item{}, busy: map[string]bool{},
		depth:    f.NewGauge(prometheus.GaugeOpts{Name: "sellergate_queue_depth", Help: "Messages waiting in the delivery queue."}),
		retries:  f.NewCounter(prometheus.CounterOpts{Name: "sellergate_queue_retries_total", Help: "Delivery attempts from the queue that failed temporarily."}),
		failures: f.NewCounter(prometheus.CounterOpts{Name: "sellergate_queue_failures_total", Help: "Queued messages that failed for good."}),
	}
	metas, err := filepath.Glob(filepath.Join(o.Dir, "*.json"))
	if err != nil {
		return nil, err
	}
	for _, m := range metas {
		data, err := os.ReadFile(m)
		if err != nil {
			return nil, fmt.Errorf("queue: %w", err)
		}
		var it Item
		if err := json.Unmarshal(data, &it); err != nil {
			return nil, fmt.Errorf("queue: %s: %w", m, err)
		}
		if _, err := os.Stat(q.bodyPath(it.ID)); err != nil {
			o.Logger.Error("queue entry without body, dropping its metadata", "id", it.ID)
			os.Remove(m)
			continue
		}
		q.items[it.ID] = &it
	}
	// Bodies whose metadata never got written belong to an Enqueue that did
	// not return: nobody was told they were queued.
	bodies, _ := filepath.Glob(filepath.Join(o.Dir, "*.eml"))
	for _, b := range bodies {
		if _, ok := q.items[strings.TrimSuffix(filepath.Base(b), ".eml")]; !ok {
			os.Remove(b)
		}
	}
	q.depth.Set(float64(len(q.items)))
	return q, nil
}

func (q *Queue) bodyPath(id string) string { return filepath.Join(q.o.Dir, id+".eml") }
func (q *Queue) metaPath(id string) string { return filepath.Join(q.o.Dir, id+".json") }

// writeFile writes data durably: temp file, sync, rename, sync the directory.
func (q *Queue) writeFile(path string, r io.Reader) error {
	tmp, err := os.CreateTemp(q.o.Dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(q.o.Dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func (q *Queue) saveMeta(it *Item) error {
	data, err := json.Marshal(it)
	if err != nil {
		return err
	}
	return q.writeFile(q.metaPath(it.ID), strings.NewReader(string(data)))
}

// Enqueue stores a message durably and schedules it for delivery now.
func (q *Queue) Enqueue(it Item, body io.Reader) (string, error) {
	var b [8]byte
	rand.Read(b[:])
	it.ID = q.o.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b[:])
	it.Created = q.o.Now()
	it.NextAt = it.Created
	if err := q.writeFile(q.bodyPath(it.ID), body); err != nil {
		return "", fmt.Errorf("queueing message: %w", err)
	}
	if err := q.saveMeta(&it); err != nil {
		os.Remove(q.bodyPath(it.ID))
		return "", fmt.Errorf("queueing message: %w", err)
	}
	q.mu.Lock()
	q.items[it.ID] = &it
	q.depth.Set(float64(len(q.items)))
	q.mu.Unlock()
	q.Kick()
	return it.ID, nil
}

// Kick makes the queue look for due items now.
func (q *Queue) Kick() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Items returns a snapshot of the queue, oldest first.
func (q *Queue) Items() []Item {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]Item, 0, len(q.items))
	for _, it := range q.items {
		out = append(out, *it)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out
}

// rescan picks up items another process (the CLI) put in the directory.
func (q *Queue) rescan() {
	metas, err := filepath.Glob(filepath.Join(q.o.Dir, "*.json"))
	if err != nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, m := range metas {
		id := strings.TrimSuffix(filepath.Base(m), ".json")
		if _, ok := q.items[id]; ok {
			continue
		}
		data, err := os.ReadFile(m)
		if err != nil {
			continue
		}
		var it Item
		if json.Unmarshal(data, &it) != nil {
			continue
		}
		if _, err := os.Stat(q.bodyPath(it.ID)); err != nil {
			continue
		}
		q.items[it.ID] = &it
	}
	q.depth.Set(float64(len(q.items)))
}

// Run delivers due items until ctx ends, one at a time (the next hop sees
// few of them), and looks for items other processes queued every few seconds.
func (q *Queue) Run(ctx context.Context) {
	for {
		q.rescan()
		next := q.runDue(ctx)
		wait := 3 * time.Second
		if !next.IsZero() {
			wait = min(wait, max(next.Sub(q.o.Now()), 10*time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-q.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// RunDue attempts every item that is due now and returns when the next
// one will be (zero when the queue is empty).
func (q *Queue) RunDue(ctx context.Context) time.Time { return q.runDue(ctx) }

func (q *Queue) runDue(ctx context.Context) time.Time {
	now := q.o.Now()
	q.mu.Lock()
	var due []*Item
	for id, it := range q.items {
		if !q.busy[id] && !it.NextAt.After(now) {
			q.busy[id] = true
			due = append(due, it)
		}
	}
	q.mu.Unlock()
	sort.Slice(due, func(i, j int) bool { return due[i].Created.Before(due[j].Created) })
	for _, it := range due {
		if ctx.Err() != nil {
			break
		}
		q.attempt(ctx, it)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, it := range due {
		delete(q.busy, it.ID)
	}
	var next time.Time
	for _, it := range q.items {
		if next.IsZero() || it.NextAt.Before(next) {
			next = it.NextAt
		}
	}
	return next
}

func (q *Queue) attempt(ctx context.Context, it *Item) {
	f, err := os.Open(q.bodyPath(it.ID))
	if err != nil {
		q.o.Logger.Error("queue body unreadable", "id", it.ID, "err", err)
		return
	}
	reply, err := q.o.Deliver(ctx, it, f)
	f.Close()
	it.Attempts++
	if err == nil {
		q.remove(it)
		q.o.Logger.Info("queued message delivered", "id", it.ID, "attempts", it.Attempts)
		if q.o.Delivered != nil {
			q.o.Delivered(it, reply)
		}
		return
	}
	var p Permanent
	permanent := errors.As(err, &p) && p.PermanentFailure()
	if permanent || q.o.Now().Sub(it.Created) > q.o.MaxAge {
		q.remove(it)
		q.failures.Inc()
		q.o.Logger.Warn("queued message failed for good", "id", it.ID, "attempts", it.Attempts, "err", err)
		if q.o.Failed != nil {
			q.o.Failed(it, err)
		}
		return
	}
	q.retries.Inc()
	wait := q.o.Backoff[min(it.Attempts-1, len(q.o.Backoff)-1)]
	it.NextAt = q.o.Now().Add(wait)
	it.LastError = err.Error()
	if err := q.saveMeta(it); err != nil {
		q.o.Logger.Error("saving queue entry", "id", it.ID, "err", err)
	}
	q.o.Logger.Info("queued message deferred", "id", it.ID, "attempts", it.Attempts, "retry_in", wait.String(), "err", it.LastError)
}

func (q *Queue) remove(it *Item) {
	os.Remove(q.metaPath(it.ID))
	os.Remove(q.bodyPath(it.ID))
	q.mu.Lock()
	delete(q.items, it.ID)
	q.depth.Set(float64(len(q.items)))
	q.mu.Unlock()
}
