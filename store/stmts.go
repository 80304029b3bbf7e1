package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// stmtCache keeps the statements of the per-message paths prepared: with
// SQLite, preparing a statement costs about as much as running it, and the
// gateway runs the same few for every message. database/sql prepares a
// cached statement once per connection and reuses it inside transactions
// (Tx.StmtContext).
type stmtCache struct {
	mu sync.Mutex
	m  map[stmtKey]*sql.Stmt
}

type stmtKey struct {
	db    *sql.DB
	query string
}

// get returns query prepared on db (query already rebound for the dialect).
func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := stmtKey{db, query}
	if st, ok := c.m[k]; ok {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("preparing %q: %w", query, err)
	}
	if c.m == nil {
		c.m = map[stmtKey]*sql.Stmt{}
	}
	c.m[k] = st
	return st, nil
}

// close closes every cached statement.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for k, st := range c.m {
		err = errors.Join(err, st.Close())
		delete(c.m, k)
	}
	return err
}

// Statements of the commit path that are also run elsewhere.
const (
	chainHeadSQL  = `SELECT id, hash FROM records ORDER BY id DESC LIMIT 1`
	checkpointSQL = `INSERT INTO checkpoints (record_id, hash, time_ms) VALUES (?, ?, ?)`
	setHeadSQL    = `INSERT INTO chain_head (one, record_id, hash) VALUES (1, ?, ?)
		ON CONFLICT (one) DO UPDATE SET record_id = excluded.record_id, hash = excluded.hash`
	latestThreadSQL = `SELECT thread FROM records WHERE buyer = ? AND thread <> '' ORDER BY id DESC LIMIT 1`
)

// writerQueries are the statements of every commit, prepared when the
// store starts: a statement cannot be prepared on the write pool while a
// transaction holds its connection (SQLite has one).
var writerQueries = []string{
	chainHeadSQL,
	insertRecordSQL,
	checkpointSQL,
	setHeadSQL,
	latestThreadSQL,
}

// prepareWriter prepares writerQueries on the write pool.
func (s *SQL) prepareWriter(ctx context.Context) error {
	for _, q := range writerQueries {
		if _, err := s.stmts.get(ctx, s.wdb, s.d.rebind(q)); err != nil {
			return err
		}
	}
	return nil
}

// txStmt returns query (in the portable "?" form) for tx, a transaction on
// the write pool: the statement prepared at start when it is one of
// writerQueries, else one prepared on the transaction's own connection.
func (s *SQL) txStmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	q := s.d.rebind(query)
	s.stmts.mu.Lock()
	st, ok := s.stmts.m[stmtKey{s.wdb, q}]
	s.stmts.mu.Unlock()
	if ok {
		return tx.StmtContext(ctx, st), nil
	}
	return tx.PrepareContext(ctx, q)
}

// readStmt returns the cached statement for query on the read pool.
func (s *SQL) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	return s.stmts.get(ctx, s.rdb, s.d.rebind(query))
}
