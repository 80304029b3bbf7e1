package store

import (
	"context"
	"fmt"
	"time"
)

// RelayCounter is implemented by stores that count the messages relayed:
// the gateway's daily cap per account reads it, so that the cap holds across
// restarts and across gateways sharing a store.
type RelayCounter interface {
	// RelayedSince counts, per agent, the outbound messages the next hop
	// accepted (delivery records with status relayed) at or after since.
	RelayedSince(ctx context.Context, since time.Time) (map[string]int, error)
}

// relayedSinceSQL starts at the last checkpoint before since: records are
// appended in time order, so no record of the day is before it, and the
// count reads the day's records by primary key instead of the whole table.
const relayedSinceSQL = `SELECT agent, COUNT(*) FROM records
	WHERE id > COALESCE((SELECT MAX(record_id) FROM checkpoints WHERE time_ms < ?), 0)
	AND time_ms >= ? AND kind = ? AND direction = ? AND status = ?
	GROUP BY agent`

// RelayedSince implements RelayCounter.
func (s *SQL) RelayedSince(ctx context.Context, since time.Time) (map[string]int, error) {
	q, err := s.readStmt(ctx, relayedSinceSQL)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	rows, err := q.QueryContext(ctx, ms(since), ms(since), string(KindDelivery), string(Outbound), StatusRelayed)
	if err != nil {
		return nil, fmt.Errorf("store: counting relayed messages: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var agent string
		var n int
		if err := rows.Scan(&agent, &n); err != nil {
			return nil, fmt.Errorf("store: counting relayed messages: %w", err)
		}
		out[agent] = n
	}
	return out, rows.Err()
}
