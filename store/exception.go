package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Exception states: open (justified, the in-thread message not sent yet),
// summary_pending (the conversation left Amazon; the closing summary is
// due in the thread), closed.
const (
	ExceptionOpen           = "open"
	ExceptionSummaryPending = "summary_pending"
	ExceptionClosed         = "closed"
)

// KindException marks audit records of the exception protocol's steps.
const KindException Kind = "exception"

// Exception is an off-Amazon exception for one thread.
type Exception struct {
	Thread, Kind, Note, OpenedBy string
	Opened                       time.Time
	State                        string
}

// ExceptionStore keeps off-Amazon exceptions and finds threads.
type ExceptionStore interface {
	// ThreadFor returns the thread a message to buyer about order belongs
	// to, as Append would assign it.
	ThreadFor(ctx context.Context, buyer, order string) (string, error)
	// OpenException opens an exception; it fails if one is live for the thread.
	OpenException(ctx context.Context, e Exception) error
	// LiveException returns the thread's exception that is not closed, or nil.
	LiveException(ctx context.Context, thread string) (*Exception, error)
	// SetExceptionState moves the thread's live exception to state.
	SetExceptionState(ctx context.Context, thread, state string, at time.Time) error
}

var _ ExceptionStore = (*SQL)(nil)

// ThreadFor implements ExceptionStore.
func (s *SQL) ThreadFor(ctx context.Context, buyer, order string) (string, error) {
	buyer = strings.ToLower(buyer)
	if order != "" {
		return ThreadKey(buyer, order), nil
	}
	var t string
	q, err := s.readStmt(ctx, latestThreadSQL)
	if err != nil {
		return "", fmt.Errorf("store: %w", err)
	}
	err = q.QueryRowContext(ctx, buyer).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return ThreadKey(buyer, ""), nil
	}
	return t, err
}

// OpenException implements ExceptionStore.
func (s *SQL) OpenException(ctx context.Context, e Exception) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, s.d.rebind(`SELECT COUNT(*) FROM exceptions WHERE thread = ? AND state <> ?`), e.Thread, ExceptionClosed).Scan(&n); err != nil {
		return fmt.Errorf("exceptions: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("thread %s already has an exception that is not closed", e.Thread)
	}
	if _, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO exceptions (thread, kind, note, opened_by, opened_ms, state) VALUES (?, ?, ?, ?, ?, ?)`),
		e.Thread, e.Kind, e.Note, e.OpenedBy, ms(e.Opened), ExceptionOpen); err != nil {
		return fmt.Errorf("exceptions: %w", err)
	}
	return tx.Commit()
}

// LiveException implements ExceptionStore.
func (s *SQL) LiveException(ctx context.Context, thread string) (*Exception, error) {
	var e Exception
	var opened int64
	q, err := s.readStmt(ctx, `SELECT thread, kind, note, opened_by, opened_ms, state FROM exceptions WHERE thread = ? AND state <> ? ORDER BY id DESC LIMIT 1`)
	if err != nil {
		return nil, fmt.Errorf("exceptions: %w", err)
	}
	err = q.QueryRowContext(ctx, thread, ExceptionClosed).Scan(&e.Thread, &e.Kind, &e.Note, &e.OpenedBy, &opened, &e.State)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("exceptions: %w", err)
	}
	e.Opened = time.UnixMilli(opened).UTC()
	return &e, nil
}

// SetExceptionState implements ExceptionStore.
func (s *SQL) SetExceptionState(ctx context.Context, thread, state string, at time.Time) error {
	closed := int64(0)
	if state == ExceptionClosed {
		closed = ms(at)
	}
	res, err := s.wdb.ExecContext(ctx, s.d.rebind(`UPDATE exceptions SET state = ?, closed_ms = ? WHERE thread = ? AND state <> ?`), state, closed, thread, ExceptionClosed)
	if err != nil {
		return fmt.Errorf("exceptions: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("thread %s has no exception that is not closed", thread)
	}
	return nil
}
