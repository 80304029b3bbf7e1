// Package limit holds the throttles sellergate's listeners share.
package limit

import (
	"sync"
	"time"
)

// Failures counts failed sign-ins per key (a client address, a login)
// in a sliding minute: SMTP AUTH and the console share it.
type Failures[K comparable] struct {
	limit int
	now   func() time.Time

	mu       sync.Mutex
	failures map[K][]time.Time
}

// NewFailures allows limit failures per key and minute.
func NewFailures[K comparable](limit int, now func() time.Time) *Failures[K] {
	return &Failures[K]{limit: limit, now: now, failures: map[K][]time.Time{}}
}

func (l *Failures[K]) recent(k K) []time.Time {
	cut := l.now().Add(-time.Minute)
	ts := l.failures[k]
	i := 0
	for i < len(ts) && ts[i].Before(cut) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.failures, k)
	} else {
		l.failures[k] = ts
	}
	return ts
}

// Blocked reports whether k had too many failures in the last minute.
func (l *Failures[K]) Blocked(k K) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(k)) >= l.limit
}

// Fail records a failure and reports whether k is now blocked.
func (l *Failures[K]) Fail(k K) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := append(l.recent(k), l.now())
	l.failures[k] = ts
	return len(ts) >= l.limit
}
