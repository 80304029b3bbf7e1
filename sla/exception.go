package sla

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sellergate/sellergate/store"
)

// The off-Amazon exception protocol: (1) an agent opens an exception with
// an internal note; (2) the in-thread message that names the channel is
// relayed and the thread becomes "summary pending", with a clock like a
// buyer message's; (3) the closing summary in the thread (subject tag) or
// `exception close` ends it. Each step is an audit record.

func (t *Tracker) exceptions() (store.ExceptionStore, error) {
	return t.st, nil
}

func (t *Tracker) exceptionRecord(ctx context.Context, thread, status, note, by string) error {
	rec := &store.Record{Time: t.now(), Kind: store.KindException, Direction: store.Outbound, Agent: by,
		Thread: thread, Status: status, Note: note}
	return t.audit.Append(ctx, rec)
}

// OpenException is step 1: the justification, before the channel is named.
func (t *Tracker) OpenException(ctx context.Context, thread, kind, note, by string) error {
	if strings.TrimSpace(note) == "" {
		return errors.New("an exception needs an internal note saying why the conversation must leave Amazon")
	}
	x, err := t.exceptions()
	if err != nil {
		return err
	}
	if err := x.OpenException(ctx, store.Exception{Thread: thread, Kind: kind, Note: note, OpenedBy: by, Opened: t.now()}); err != nil {
		return err
	}
	return t.exceptionRecord(ctx, thread, "opened "+kind, note, by)
}

// ExceptionMessageSent is step 2: the in-thread message went out; the
// thread now waits for its closing summary.
func (t *Tracker) ExceptionMessageSent(ctx context.Context, rec *store.Record) error {
	x, err := t.exceptions()
	if err != nil {
		return err
	}
	if err := x.SetExceptionState(ctx, rec.Thread, store.ExceptionSummaryPending, rec.Time); err != nil {
		return err
	}
	c := store.Clock{Thread: rec.Thread, Buyer: rec.Buyer, OrderID: rec.OrderID, Marketplace: Marketplace(rec.Buyer),
		Since: rec.Time, LastAgent: rec.Agent, State: store.ClockSummaryPending}
	c.NextAlert = t.nextAlert(c.Since, nil)
	if _, err := t.st.StartClock(ctx, c, ""); err != nil {
		return err
	}
	return t.exceptionRecord(ctx, rec.Thread, "message sent", "in-thread message "+rec.QueueID+" named the external channel", rec.Agent)
}

// ExceptionSummarySent is step 3 by mail: the summary is in the thread.
func (t *Tracker) ExceptionSummarySent(ctx context.Context, rec *store.Record) error {
	x, err := t.exceptions()
	if err != nil {
		return err
	}
	if err := x.SetExceptionState(ctx, rec.Thread, store.ExceptionClosed, rec.Time); err != nil {
		return err
	}
	return t.exceptionRecord(ctx, rec.Thread, "closed", "closing summary "+rec.QueueID+" sent in the thread", rec.Agent)
}

// CloseException is step 3 by hand (`sellergate exception close`).
func (t *Tracker) CloseException(ctx context.Context, thread, note, by string) error {
	x, err := t.exceptions()
	if err != nil {
		return err
	}
	if err := x.SetExceptionState(ctx, thread, store.ExceptionClosed, t.now()); err != nil {
		return err
	}
	if _, err := t.st.StopClock(ctx, store.Stop{Thread: thread, At: t.now(), How: "summary", By: by, Reason: note}); err != nil {
		return fmt.Errorf("stopping the summary clock: %w", err)
	}
	return t.exceptionRecord(ctx, thread, "closed", note, by)
}

// LiveException returns the kind and state of the thread's exception that
// is not closed ("" when none).
func (t *Tracker) LiveException(ctx context.Context, thread string) (kind, state string) {
	x, err := t.exceptions()
	if err != nil {
		return "", ""
	}
	e, err := x.LiveException(ctx, thread)
	if err != nil || e == nil {
		return "", ""
	}
	return e.Kind, e.State
}
