package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// latestBuyerSQL finds the newest verified buyer message of a thread, or
// of any thread of the buyer when the reply names no order.
const (
	latestBuyerThreadSQL = `SELECT id FROM records WHERE thread = ? AND kind = 'message' AND direction = 'in'
		AND verdict = 'buyer' ORDER BY id DESC LIMIT 1`
	latestBuyerSQL = `SELECT id FROM records WHERE buyer = ? AND kind = 'message' AND direction = 'in'
		AND verdict = 'buyer' ORDER BY id DESC LIMIT 1`
)

// ErrNoBuyerMessage is returned when no buyer message is on record for a
// reply (none arrived, or its body was purged).
var ErrNoBuyerMessage = errors.New("no buyer message on record")

// ErrBuyerBodyGone is the ErrNoBuyerMessage returned when the buyer
// message is on record but its body was purged: the thread has had a
// buyer message (and may have a running SLA clock), only its words are
// gone.
var ErrBuyerBodyGone = fmt.Errorf("%w: its body was purged", ErrNoBuyerMessage)

// LatestBuyerMessage returns the raw bytes of the newest buyer message
// (inbound, its Amazon signature verified) that a reply to buyer about
// order answers: the message of the order's thread, or, when the reply
// names no order, the buyer's newest message. It returns
// ErrNoBuyerMessage when there is none, ErrBuyerBodyGone (which is also
// an ErrNoBuyerMessage) when its body is gone.
func (s *SQL) LatestBuyerMessage(ctx context.Context, buyer, order string) ([]byte, error) {
	buyer = strings.ToLower(buyer)
	query, arg := latestBuyerSQL, buyer
	if order != "" {
		query, arg = latestBuyerThreadSQL, ThreadKey(buyer, order)
	}
	q, err := s.readStmt(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	var id int64
	err = q.QueryRowContext(ctx, arg).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoBuyerMessage
	}
	if err != nil {
		return nil, fmt.Errorf("finding the buyer message of %s: %w", buyer, err)
	}
	raw, err := s.Body(ctx, id)
	if errors.Is(err, ErrPurged) || errors.Is(err, ErrNoBody) {
		return nil, ErrBuyerBodyGone
	}
	return raw, err
}

// BuyerMessages finds the buyer message a reply answers. Both stores
// implement it.
type BuyerMessages interface {
	LatestBuyerMessage(ctx context.Context, buyer, order string) ([]byte, error)
}

// ThreadFacts are what the trail says of a thread for the proactive rules.
type ThreadFacts struct {
	// BuyerWrote is set when a verified buyer message is in the thread
	// (or, without an order, from the buyer) since the window's start.
	BuyerWrote bool
	// ReviewRequests counts the review requests relayed for the order.
	ReviewRequests int
	// OptedOut is set when the buyer opted out of messages the seller
	// starts.
	OptedOut bool
	// SameTextToday counts the messages with the same text (TextNote)
	// relayed to the buyer in the last day.
	SameTextToday int
}

// TextNote is the note an outgoing message's record carries: a digest
// of its text, by which the same text sent again is known.
func TextNote(digest string) string { return "text-sha256:" + digest }

const (
	sameTextSQL = `SELECT COUNT(*) FROM records m WHERE m.buyer = ? AND m.kind = 'message' AND m.direction = 'out'
		AND m.note = ? AND m.time_ms >= ?
		AND EXISTS (SELECT 1 FROM records d WHERE d.queue_id = m.queue_id AND d.kind = 'delivery' AND d.status = 'relayed')`
	optedOutSQL         = `SELECT COUNT(*) FROM opt_outs WHERE buyer = ?`
	buyerWroteThreadSQL = `SELECT COUNT(*) FROM records WHERE thread = ? AND kind = 'message' AND direction = 'in'
		AND verdict = 'buyer' AND time_ms >= ?`
	buyerWroteSQL = `SELECT COUNT(*) FROM records WHERE buyer = ? AND kind = 'message' AND direction = 'in'
		AND verdict = 'buyer' AND time_ms >= ?`
	// A review request counts once the next hop accepted it.
	reviewRequestsSQL = `SELECT COUNT(*) FROM records m WHERE m.thread = ? AND m.kind = 'message' AND m.direction = 'out'
		AND ` + reviewRequestLike + `
		AND EXISTS (SELECT 1 FROM records d WHERE d.queue_id = m.queue_id AND d.kind = 'delivery' AND d.status = 'relayed')`
)

// reviewRequestLike is how a review request is known among the records
// (its rule in the violations); migration 11's partial index repeats it,
// so that both keep the same words.
const reviewRequestLike = `violations LIKE '%"rule":"review.request"%'`

// ThreadFacts returns what the trail says of the thread of a message to
// buyer about order (order may be ""): whether the buyer wrote since
// since, and how many review requests went out for the order.
func (s *SQL) ThreadFacts(ctx context.Context, buyer, order, textNote string, since time.Time) (ThreadFacts, error) {
	buyer = strings.ToLower(buyer)
	var f ThreadFacts
	query, arg := buyerWroteSQL, buyer
	if order != "" {
		query, arg = buyerWroteThreadSQL, ThreadKey(buyer, order)
	}
	var n int
	if err := s.count(ctx, query, &n, arg, since.UnixMilli()); err != nil {
		return f, err
	}
	f.BuyerWrote = n > 0
	if err := s.count(ctx, optedOutSQL, &n, buyer); err != nil {
		return f, err
	}
	f.OptedOut = n > 0
	if textNote != "" {
		if err := s.count(ctx, sameTextSQL, &f.SameTextToday, buyer, textNote, time.Now().Add(-24*time.Hour).UnixMilli()); err != nil {
			return f, err
		}
	}
	if order != "" {
		if err := s.count(ctx, reviewRequestsSQL, &f.ReviewRequests, ThreadKey(buyer, order)); err != nil {
			return f, err
		}
	}
	return f, nil
}

// count runs a COUNT query on the read pool.
func (s *SQL) count(ctx context.Context, query string, n *int, args ...any) error {
	q, err := s.readStmt(ctx, query)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := q.QueryRowContext(ctx, args...).Scan(n); err != nil {
		return fmt.Errorf("store: counting: %w", err)
	}
	return nil
}

// OptOut is a buyer who opted out of messages the seller starts.
type OptOut struct {
	Buyer  string
	Since  time.Time
	Source string // "amazon" (Amazon's notice) or who recorded it by hand
}

// SetOptOut records that buyer opted out (out) or back in (!out).
func (s *SQL) SetOptOut(ctx context.Context, buyer string, out bool, source string, at time.Time) error {
	buyer = strings.ToLower(buyer)
	var err error
	if out {
		_, err = s.wdb.ExecContext(ctx, s.d.rebind(`INSERT INTO opt_outs (buyer, since_ms, source) VALUES (?, ?, ?)
			ON CONFLICT (buyer) DO UPDATE SET since_ms = excluded.since_ms, source = excluded.source`), buyer, at.UnixMilli(), source)
	} else {
		_, err = s.wdb.ExecContext(ctx, s.d.rebind(`DELETE FROM opt_outs WHERE buyer = ?`), buyer)
	}
	if err != nil {
		return fmt.Errorf("store: recording the opt-out of %s: %w", buyer, err)
	}
	return nil
}

// OptOuts lists the buyers who opted out, newest first.
func (s *SQL) OptOuts(ctx context.Context) ([]OptOut, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT buyer, since_ms, source FROM opt_outs ORDER BY since_ms DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: listing opt-outs: %w", err)
	}
	defer rows.Close()
	var out []OptOut
	for rows.Next() {
		var o OptOut
		var ms int64
		if err := rows.Scan(&o.Buyer, &ms, &o.Source); err != nil {
			return nil, fmt.Errorf("store: listing opt-outs: %w", err)
		}
		o.Since = time.UnixMilli(ms).UTC()
		out = append(out, o)
	}
	return out, rows.Err()
}

// KindDecision is the kind of the record an admin's decision on a held
// message adds (release or reject); the quarantine package writes it.
const KindDecision Kind = "quarantine"

// heldWhere selects the held messages no decision was recorded for, by
// the status and queue indexes.
const heldWhere = ` FROM records m WHERE m.status = 'quarantined' AND m.kind = 'message'
	AND NOT EXISTS (SELECT 1 FROM records d WHERE d.queue_id = m.queue_id AND d.kind = 'quarantine')`

// countHeldSQL counts the held messages no decision was recorded for.
const countHeldSQL = `SELECT COUNT(*)` + heldWhere

// qualified prefixes each of a list of columns with a table alias.
func qualified(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// ListHeld returns the held messages without a decision, oldest first,
// by index: the console and the admin API list them on every visit.
func (s *SQL) ListHeld(ctx context.Context) ([]*Record, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+qualified("m", recordColumns)+heldWhere+` ORDER BY m.id`)
	if err != nil {
		return nil, fmt.Errorf("store: listing held messages: %w", err)
	}
	return scanRecords(rows)
}

// CountHeld returns how many messages are held for review without a
// decision, by index: the metrics scrape asks every few seconds.
func (s *SQL) CountHeld(ctx context.Context) (int, error) {
	var n int
	err := s.count(ctx, countHeldSQL, &n)
	return n, err
}
