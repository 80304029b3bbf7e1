package store

import (
	"context"
	"time"
)

// Clock is the SLA state of one thread: when the oldest unanswered buyer
// message arrived, which alert thresholds have fired, and how it ended.
type Clock struct {
	// Thread is the thread the clock belongs to (see Record.Thread).
	Thread      string `json:"thread"`
	Buyer       string `json:"buyer"`
	OrderID     string `json:"order,omitempty"`
	Marketplace string `json:"marketplace"`
	// Since is when the oldest unanswered buyer message arrived.
	Since time.Time `json:"waiting_since"`
	// LastAgent is the agent who last wrote in the thread.
	LastAgent string `json:"last_agent,omitempty"`
	// Fired lists the thresholds (seconds after Since) already alerted.
	Fired []int64 `json:"fired,omitempty"`
	// NextAlert is when the next unfired threshold is due (zero: none left).
	NextAlert time.Time `json:"-"`
	// State is ClockOpen or ClockSummaryPending.
	State string `json:"state"`
	// Exception is the kind of the open off-Amazon exception, if any.
	Exception string `json:"exception,omitempty"`
}

// Clock states.
const (
	ClockOpen           = "open"
	ClockSummaryPending = "summary_pending"
)

// Stop says why a clock stopped.
type Stop struct {
	Thread string
	At     time.Time
	// How is "reply", "dismissed" or "summary".
	How string
	// By is the agent or admin.
	By string
	// Reason is the dismissal's reason.
	Reason string
	// QueueID is the reply that stopped it.
	QueueID string
}

// SLAStore keeps SLA clocks and off-Amazon exceptions. Both stores
// implement it; every method is safe with several gateways on one database.
type SLAStore interface {
	// StartClock opens the thread's clock at c.Since unless one is open
	// already (then it keeps running) or messageID was seen before (then
	// nothing changes). It reports whether a new clock started.
	StartClock(ctx context.Context, c Clock, messageID string) (bool, error)
	// StopClock closes the thread's open clock and returns it, or nil when
	// none was open.
	StopClock(ctx context.Context, s Stop) (*Clock, error)
	// OpenClock returns the thread's open clock, or nil.
	OpenClock(ctx context.Context, thread string) (*Clock, error)
	// OpenClocks returns every open clock, oldest first.
	OpenClocks(ctx context.Context) ([]Clock, error)
	// DueClocks returns open clocks whose next alert is due at now.
	DueClocks(ctx context.Context, now time.Time) ([]Clock, error)
	// TouchClock notes that agent wrote in the thread (a draft, a reply).
	TouchClock(ctx context.Context, thread, agent string) error
	// ClockStats summarizes open clocks per marketplace.
	ClockStats(ctx context.Context) ([]ClockStat, error)
	// ClaimAlert records that threshold (seconds) fired for the thread and
	// sets its next alert; it returns false when another gateway already
	// claimed it, so each alert fires once.
	ClaimAlert(ctx context.Context, thread string, threshold int64, next time.Time) (bool, error)
}

// ClockStat is the open clocks of one marketplace.
type ClockStat struct {
	Marketplace string
	Open        int
	// Oldest is when the longest-waiting buyer message arrived.
	Oldest time.Time
	// SummaryPending counts threads waiting for an exception's summary.
	SummaryPending int
}
