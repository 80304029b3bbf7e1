package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	// The pure-Go SQLite driver: no cgo, so the binary stays static.
	_ "modernc.org/sqlite"
)

// Options select and tune a store.
type Options struct {
	// Driver is "sqlite" (default) or "postgres".
	Driver string
	// Path is the SQLite file.
	Path string
	// DSN is the PostgreSQL connection URL.
	DSN string
	// CheckpointInterval is how often the chain head is checkpointed (default 1h).
	CheckpointInterval time.Duration
	// Retention is how long raw bodies are kept (0: forever).
	Retention time.Duration
	// Clock is the store's clock for checkpoints and retention; nil is time.Now.
	Clock func() time.Time
}

// Open opens (creating and migrating as needed) the store o names.
func Open(ctx context.Context, o Options) (*SQL, error) {
	if o.CheckpointInterval == 0 {
		o.CheckpointInterval = time.Hour
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	switch o.Driver {
	case "", "sqlite":
		return openSQLite(ctx, o)
	case "postgres":
		return openPostgres(ctx, o)
	}
	return nil, fmt.Errorf("unknown store driver %q", o.Driver)
}

// SQL is the audit trail over database/sql, for SQLite and PostgreSQL: a
// Store, an Auditor, an SLAStore, an ExceptionStore, a RelayCounter and
// BuyerMessages, each declared where it is used.
// One writer goroutine owns the chain head and commits whatever Appends are
// waiting in one transaction (group commit).
type SQL struct {
	d    dialect
	wdb  *sql.DB // writes: one connection (SQLite) or a pool (PostgreSQL)
	rdb  *sql.DB // reads
	opts Options

	gz     compressor
	stmts  stmtCache
	in     chan *prepared
	quit   chan struct{}
	wg     sync.WaitGroup
	closed sync.Once
	// mu makes Close wait for Appends handing over a record, so none is
	// left in the channel after the writer's last drain.
	mu       sync.RWMutex
	isClosed bool

	// Owned by the writer goroutine.
	lastCheckpoint  time.Time
	sinceCheckpoint int // records committed since
	// lastErr is the last commit's outcome: what readiness reports.
	lastErr atomic.Pointer[commitOutcome]
}

func openSQLite(ctx context.Context, o Options) (*SQL, error) {
	if o.Path == "" {
		return nil, errors.New("sqlite store needs a path")
	}
	if dir := filepath.Dir(o.Path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store directory: %w", err)
		}
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)", "foreign_keys(ON)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	dsn := "file:" + o.Path + "?" + q.Encode()
	wdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", o.Path, err)
	}
	wdb.SetMaxOpenConns(1)
	rdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("opening %s: %w", o.Path, err)
	}
	rdb.SetMaxOpenConns(4)
	s := &SQL{d: sqliteDialect{lazy: new(bool)}, wdb: wdb, rdb: rdb, opts: o}
	if err := s.start(ctx); err != nil {
		wdb.Close()
		rdb.Close()
		return nil, fmt.Errorf("store %s: %w", o.Path, err)
	}
	return s, nil
}

// start migrates the schema and starts the writer.
func (s *SQL) start(ctx context.Context) error {
	if err := migrate(ctx, s.wdb, s.d); err != nil {
		return err
	}
	if err := s.prepareWriter(ctx); err != nil {
		return err
	}
	s.in = make(chan *prepared, 1024)
	s.quit = make(chan struct{})
	s.lastCheckpoint = s.opts.Clock()
	s.wg.Add(1)
	go s.writer()
	if s.opts.Retention > 0 {
		s.wg.Add(1)
		go s.retention()
	}
	return nil
}

// retention removes raw bodies older than the retention age, hourly and
// once at start; records, verdicts and hashes stay.
func (s *SQL) retention() {
	defer s.wg.Done()
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		s.Purge(ctx, s.opts.Clock().Add(-s.opts.Retention))
		cancel()
		select {
		case <-s.quit:
			return
		case <-tick.C:
		}
	}
}

// Append adds r to the chain and returns once it is durable.
func (s *SQL) Append(ctx context.Context, r *Record) error { return s.append(ctx, r, false) }

// AppendOrdered adds r to the chain and returns once it is committed.
func (s *SQL) AppendOrdered(ctx context.Context, r *Record) error {
	return s.append(ctx, r, true)
}

func (s *SQL) append(ctx context.Context, r *Record, lazy bool) error {
	p, err := s.gz.prepare(r)
	if err != nil {
		return err
	}
	p.lazy = lazy
	s.mu.RLock()
	if s.isClosed {
		s.mu.RUnlock()
		return errors.New("store is closed")
	}
	select {
	case s.in <- p:
		s.mu.RUnlock()
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		// The record may still commit; the caller treats it as not durable.
		return ctx.Err()
	}
}

// maxBatch bounds one group commit.
const maxBatch = 256

func (s *SQL) writer() {
	defer s.wg.Done()
	for {
		var first *prepared
		select {
		case first = <-s.in:
		case <-s.quit:
			// Commit what was handed over before Close.
			for {
				select {
				case p := <-s.in:
					p.done <- s.commit([]*prepared{p})
				default:
					return
				}
			}
		}
		batch := []*prepared{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case p := <-s.in:
				batch = append(batch, p)
			default:
				break drain
			}
		}
		err := s.commit(batch)
		s.lastErr.Store(&commitOutcome{err: err, at: time.Now()})
		for _, p := range batch {
			p.done <- err
		}
	}
}

// lockHead takes the chain's lock for a batch and reads the chain's head
// (zero and "" for an empty chain): in one round trip where the dialect
// can.
func (s *SQL) lockHead(ctx context.Context, tx *sql.Tx, durable bool) (id int64, hash string, err error) {
	if q := s.d.lockedHead(); q != "" {
		err = tx.QueryRowContext(ctx, q, chainLockKey, !durable).Scan(&id, &hash)
	} else {
		// One writer, its transaction begun IMMEDIATE: no lock to take.
		var head *sql.Stmt
		if head, err = s.txStmt(ctx, tx, chainHeadSQL); err != nil {
			return 0, "", fmt.Errorf("store: %w", err)
		}
		err = head.QueryRowContext(ctx).Scan(&id, &hash)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("store: locking the chain and reading its head: %w", err)
	}
	return id, hash, nil
}

// commit writes a batch in one transaction. On error nothing of the batch
// is visible and every caller gets the error (the gateway answers 451).
// The commit is forced to disk unless every record of the batch came from
// AppendOrdered.
func (s *SQL) commit(batch []*prepared) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	durable := false
	for _, p := range batch {
		durable = durable || !p.lazy
	}
	if err := s.d.beforeBegin(ctx, s.wdb, durable); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	headID, headHash, err := s.lockHead(ctx, tx, durable)
	if err != nil {
		return err
	}
	var ins *sql.Stmt
	if !s.d.multiRowInsert() {
		if ins, err = s.txStmt(ctx, tx, insertRecordSQL); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	threads := map[string]string{} // buyer -> latest thread in this batch
	var rows []any                 // the batch's values, for one INSERT
	ids := make([]int64, len(batch))
	hashes := make([]string, len(batch))
	assigned := make([]string, len(batch))
	prevs := make([]string, len(batch))
	for i, p := range batch {
		r := p.rec
		thread := r.Thread
		if thread == "" {
			if thread, err = s.threadFor(ctx, tx, r, threads); err != nil {
				return err
			}
		}
		if r.Buyer != "" {
			threads[r.Buyer] = thread
		}
		c := *r
		c.Thread = thread
		c.ID = headID + 1
		prevs[i] = headHash
		hash := chainHash(&c, headHash)
		args := append(recordArgs(&c, headHash, hash), p.body)
		if s.d.multiRowInsert() {
			rows = append(rows, args...)
		} else if _, err := ins.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("store: inserting record: %w", err)
		}
		ids[i], hashes[i], assigned[i] = c.ID, hash, thread
		headID, headHash = c.ID, hash
	}
	if len(rows) > 0 {
		// The records and the new head in one statement: one round trip.
		q := `WITH ins AS (` + insertRecordsSQL(len(batch)) + ` RETURNING 1) ` + setHeadSQL
		if _, err := tx.ExecContext(ctx, s.d.rebind(q), append(rows, headID, headHash)...); err != nil {
			return fmt.Errorf("store: inserting records: %w", err)
		}
	} else {
		sh, err := s.txStmt(ctx, tx, setHeadSQL)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if _, err := sh.ExecContext(ctx, headID, headHash); err != nil {
			return fmt.Errorf("store: recording the chain head: %w", err)
		}
	}
	now := s.opts.Clock()
	s.sinceCheckpoint += len(batch)
	checkpoint := now.Sub(s.lastCheckpoint) >= s.opts.CheckpointInterval || s.sinceCheckpoint >= checkpointEvery
	if checkpoint {
		ck, err := s.txStmt(ctx, tx, checkpointSQL)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if _, err := ck.ExecContext(ctx, headID, headHash, now.UnixMilli()); err != nil {
			return fmt.Errorf("store: checkpoint: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	if checkpoint {
		s.lastCheckpoint, s.sinceCheckpoint = now, 0
	}
	for i, p := range batch {
		p.rec.ID, p.rec.Hash = ids[i], hashes[i]
		p.rec.PrevHash = prevs[i]
		p.rec.Thread = assigned[i]
	}
	return nil
}

// threadFor groups a record: by buyer and order when the order is known,
// else into the buyer's latest thread.
func (s *SQL) threadFor(ctx context.Context, tx *sql.Tx, r *Record, batch map[string]string) (string, error) {
	if r.OrderID != "" {
		return ThreadKey(r.Buyer, r.OrderID), nil
	}
	if r.Buyer == "" {
		return "", nil
	}
	if t, ok := batch[r.Buyer]; ok {
		return t, nil
	}
	var t string
	q, err := s.txStmt(ctx, tx, latestThreadSQL)
	if err != nil {
		return "", fmt.Errorf("store: %w", err)
	}
	err = q.QueryRowContext(ctx, r.Buyer).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return ThreadKey(r.Buyer, ""), nil
	}
	if err != nil {
		return "", fmt.Errorf("store: finding thread: %w", err)
	}
	return t, nil
}

// Close stops the writer after the Appends in flight and closes the database.
func (s *SQL) Close() error {
	var err error
	s.closed.Do(func() {
		s.mu.Lock()
		s.isClosed = true
		s.mu.Unlock()
		close(s.quit)
		s.wg.Wait()
		err = errors.Join(s.stmts.close(), s.wdb.Close())
		if s.rdb != s.wdb {
			err = errors.Join(err, s.rdb.Close())
		}
	})
	return err
}

// Check implements Store: the database answers and the last commit worked.
func (s *SQL) Check(ctx context.Context) error {
	if err := s.wdb.PingContext(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	// A failed commit makes the store unready for a while, then traffic
	// may test it again (a store that stays unready gets none).
	if o := s.lastErr.Load(); o != nil && o.err != nil && time.Since(o.at) < unreadyFor {
		return fmt.Errorf("store: the last commit failed %s ago: %w", time.Since(o.at).Round(time.Second), o.err)
	}
	return nil
}

// checkpointEvery is how many records make a checkpoint at the latest,
// whatever the interval.
const checkpointEvery = 1000

// commitOutcome is a commit's error and when it happened.
type commitOutcome struct {
	err error
	at  time.Time
}

// unreadyFor is how long a failed commit keeps the store unready.
const unreadyFor = 30 * time.Second
