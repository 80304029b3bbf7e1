package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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

// LatestBuyerMessage returns the raw bytes of the newest buyer message
// (inbound, its Amazon signature verified) that a reply to buyer about
// order answers: the message of the order's thread, or, when the reply
// names no order, the buyer's newest message. It returns
// ErrNoBuyerMessage when there is none or its body is gone.
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
		return nil, ErrNoBuyerMessage
	}
	return raw, err
}

// BuyerMessages finds the buyer message a reply answers. Both stores
// implement it.
type BuyerMessages interface {
	LatestBuyerMessage(ctx context.Context, buyer, order string) ([]byte, error)
}
