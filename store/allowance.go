package store

import (
	"context"
	"fmt"
)

// Allowance keeps each account's daily count of messages in the store, so
// that gateways sharing it share the account's daily cap exactly: a place
// is taken before a message is relayed and given back when it is not.
type Allowance interface {
	// Reserve takes one message from account's allowance for day (a UTC
	// date, 2006-01-02); false when limit messages are taken already.
	Reserve(ctx context.Context, account, day string, limit int) (bool, error)
	// Release gives a place back: the message was not sent.
	Release(ctx context.Context, account, day string) error
}

// reserveSQL takes a place when fewer than the limit are taken; it
// changes no row when the allowance is used up.
const reserveSQL = `INSERT INTO daily_usage (account, day, used) VALUES (?, ?, 1)
	ON CONFLICT (account, day) DO UPDATE SET used = daily_usage.used + 1 WHERE daily_usage.used < ?`

// Reserve implements Allowance. A gateway that dies holding a place
// leaves it taken: the cap errs on the side of one message fewer.
func (s *SQL) Reserve(ctx context.Context, account, day string, limit int) (bool, error) {
	res, err := s.wdb.ExecContext(ctx, s.d.rebind(reserveSQL), account, day, limit)
	if err != nil {
		return false, fmt.Errorf("store: taking a place under %s's daily limit: %w", account, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: taking a place under %s's daily limit: %w", account, err)
	}
	return n == 1, nil
}

// Release implements Allowance.
func (s *SQL) Release(ctx context.Context, account, day string) error {
	_, err := s.wdb.ExecContext(ctx, s.d.rebind(`UPDATE daily_usage SET used = used - 1 WHERE account = ? AND day = ? AND used > 0`), account, day)
	if err != nil {
		return fmt.Errorf("store: giving back a place under %s's daily limit: %w", account, err)
	}
	return nil
}
