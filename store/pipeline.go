package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pipeline commits a batch to PostgreSQL in two round trips instead of
// four: BEGIN with the chain's lock and head, then the records, the new
// head, a checkpoint when due and COMMIT, each pair sent as one pgx
// pipeline. With two gateways on two cores the round trips were a third of
// PostgreSQL's CPU per message (issue 18). database/sql cannot pipeline, so
// the writer has a small pgx pool of its own.
type pipeline struct {
	pool *pgxpool.Pool
}

// newPipeline opens the writer's pool on dsn; it connects on first use and
// again after PostgreSQL comes back.
func newPipeline(ctx context.Context, dsn string) (*pipeline, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres DSN: %w", err)
	}
	cfg.MaxConns = 2 // one writer; a spare while a broken connection is replaced
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting the writer to postgres: %w", err)
	}
	return &pipeline{pool: pool}, nil
}

// commit writes batch on the chain in one transaction, as SQL.commit does.
func (pl *pipeline) commit(ctx context.Context, s *SQL, batch []*prepared, durable bool) error {
	conn, err := pl.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("store: connecting: %w", err)
	}
	// A connection left inside a transaction is closed, not reused, when
	// it goes back to the pool.
	defer conn.Release()
	headID, headHash, err := lockHeadPipelined(ctx, conn.Conn(), durable)
	if err != nil {
		rollback(conn.Conn())
		return err
	}
	l, err := link(batch, headID, headHash, func(r *Record, _ map[string]string) (string, error) {
		return orderThread(r), nil
	})
	if err != nil {
		rollback(conn.Conn())
		return err
	}
	b := &pgx.Batch{}
	b.Queue(s.d.rebind(insertBatchSQL(len(l.rows))), l.values()...)
	now, checkpoint := s.checkpointDue(len(batch))
	if checkpoint {
		b.Queue(s.d.rebind(checkpointSQL), l.headID, l.headHash, now.UnixMilli())
	}
	b.Queue("COMMIT")
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		rollback(conn.Conn())
		return fmt.Errorf("store: inserting records and committing: %w", err)
	}
	s.committed(batch, l, now, checkpoint)
	return nil
}

// lockHeadPipelined begins the transaction and takes the chain's lock and
// head in one round trip.
func lockHeadPipelined(ctx context.Context, c *pgx.Conn, durable bool) (int64, string, error) {
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	var id int64
	var hash string
	b.Queue(postgresDialect{}.lockedHead(), int64(chainLockKey), !durable).QueryRow(func(row pgx.Row) error {
		if err := row.Scan(&id, &hash); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		return nil
	})
	if err := c.SendBatch(ctx, b).Close(); err != nil {
		return 0, "", fmt.Errorf("store: locking the chain and reading its head: %w", err)
	}
	return id, hash, nil
}

// rollbackTimeout bounds the ROLLBACK after a failed commit.
const rollbackTimeout = 5 * time.Second

// rollback ends a failed transaction; if it cannot, the connection is
// closed when released.
func rollback(c *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
	defer cancel()
	_, _ = c.Exec(ctx, "ROLLBACK")
}

// needsLookup reports whether r's thread is its buyer's latest, to be
// read from the chain: it names no order but a buyer.
func needsLookup(r *Record) bool { return r.OrderID == "" && r.Buyer != "" }

// orderThread is the thread of a record that needs no look-up: its
// buyer's and order's, or none without a buyer.
func orderThread(r *Record) string {
	if r.OrderID != "" {
		return ThreadKey(r.Buyer, r.OrderID)
	}
	return ""
}

// close closes the writer's pool.
func (pl *pipeline) close() { pl.pool.Close() }
