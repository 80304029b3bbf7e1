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
	// pipe, for PostgreSQL, commits a batch in two round trips.
	pipe *pipeline

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
		batch := s.drain([]*prepared{first})
		if s.pipe != nil && len(batch) < lingerBelow {
			time.Sleep(linger)
			batch = s.drain(batch)
		}
		err := s.commit(batch)
		s.lastErr.Store(&commitOutcome{err: err, at: time.Now()})
		for _, p := range batch {
			p.done <- err
		}
	}
}

// drain adds to batch the records waiting, up to maxBatch.
func (s *SQL) drain(batch []*prepared) []*prepared {
	for len(batch) < maxBatch {
		select {
		case p := <-s.in:
			batch = append(batch, p)
		default:
			return batch
		}
	}
	return batch
}

// A PostgreSQL writer with fewer than lingerBelow records waits linger
// once for more before it commits (a group commit's delay, as
// PostgreSQL's own commit_delay): with two gateways on two cores a batch
// held about two records, and each batch costs PostgreSQL two round trips
// and a WAL flush. 0.3 ms is nothing beside an SMTP transaction; SQLite,
// in process, has no round trips to save.
const (
	lingerBelow = 4
	linger      = 300 * time.Microsecond
)

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
	if s.pipe != nil && !needsThreadLookup(batch) {
		return s.pipe.commit(ctx, s, batch, durable)
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
	l, err := link(batch, headID, headHash, func(r *Record, threads map[string]string) (string, error) {
		return s.threadFor(ctx, tx, r, threads)
	})
	if err != nil {
		return err
	}
	if err := s.insert(ctx, tx, l); err != nil {
		return err
	}
	now, checkpoint := s.checkpointDue(len(batch))
	if checkpoint {
		ck, err := s.txStmt(ctx, tx, checkpointSQL)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if _, err := ck.ExecContext(ctx, l.headID, l.headHash, now.UnixMilli()); err != nil {
			return fmt.Errorf("store: checkpoint: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	s.committed(batch, l, now, checkpoint)
	return nil
}

// insert writes a linked batch and the chain's new head in tx: in one
// statement where the dialect can.
func (s *SQL) insert(ctx context.Context, tx *sql.Tx, l *linked) error {
	if s.d.multiRowInsert() {
		// The records and the new head in one statement: one round trip.
		if _, err := tx.ExecContext(ctx, s.d.rebind(insertBatchSQL(len(l.rows))), l.values()...); err != nil {
			return fmt.Errorf("store: inserting records: %w", err)
		}
		return nil
	}
	ins, err := s.txStmt(ctx, tx, insertRecordSQL)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	for _, row := range l.rows {
		if _, err := ins.ExecContext(ctx, row...); err != nil {
			return fmt.Errorf("store: inserting record: %w", err)
		}
	}
	sh, err := s.txStmt(ctx, tx, setHeadSQL)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if _, err := sh.ExecContext(ctx, l.headID, l.headHash); err != nil {
		return fmt.Errorf("store: recording the chain head: %w", err)
	}
	return nil
}

// insertBatchSQL inserts n records and sets the chain head in one
// statement.
func insertBatchSQL(n int) string {
	return `WITH ins AS (` + insertRecordsSQL(n) + ` RETURNING 1) ` + setHeadSQL
}

// checkpointDue counts n more records and says whether this commit writes
// a checkpoint, with the time it would carry.
func (s *SQL) checkpointDue(n int) (time.Time, bool) {
	now := s.opts.Clock()
	s.sinceCheckpoint += n
	return now, now.Sub(s.lastCheckpoint) >= s.opts.CheckpointInterval || s.sinceCheckpoint >= checkpointEvery
}

// committed hands each caller its record's place in the chain once the
// batch is committed.
func (s *SQL) committed(batch []*prepared, l *linked, now time.Time, checkpoint bool) {
	if checkpoint {
		s.lastCheckpoint, s.sinceCheckpoint = now, 0
	}
	for i, p := range batch {
		p.rec.ID, p.rec.Hash = l.ids[i], l.hashes[i]
		p.rec.PrevHash = l.prevs[i]
		p.rec.Thread = l.threads[i]
	}
}

// linked is a batch placed on the chain after a head: each record's id,
// hash, previous hash and thread, the values to insert, and the new head.
type linked struct {
	ids           []int64
	hashes, prevs []string
	threads       []string
	rows          [][]any
	headID        int64
	headHash      string
}

// link places batch on the chain after headID and headHash; threadOf finds
// the thread of a record that names none (threads: the batch's latest
// thread of each buyer so far).
func link(batch []*prepared, headID int64, headHash string, threadOf func(r *Record, threads map[string]string) (string, error)) (*linked, error) {
	l := &linked{ids: make([]int64, len(batch)), hashes: make([]string, len(batch)), prevs: make([]string, len(batch)),
		threads: make([]string, len(batch)), rows: make([][]any, len(batch))}
	threads := map[string]string{} // buyer -> latest thread in this batch
	for i, p := range batch {
		r := p.rec
		thread := r.Thread
		if thread == "" {
			var err error
			if thread, err = threadOf(r, threads); err != nil {
				return nil, err
			}
		}
		if r.Buyer != "" {
			threads[r.Buyer] = thread
		}
		c := *r
		c.Thread = thread
		c.ID = headID + 1
		hash := chainHash(&c, headHash)
		l.rows[i] = append(recordArgs(&c, headHash, hash), p.body)
		l.ids[i], l.hashes[i], l.prevs[i], l.threads[i] = c.ID, hash, headHash, thread
		headID, headHash = c.ID, hash
	}
	l.headID, l.headHash = headID, headHash
	return l, nil
}

// values are the arguments of insertBatchSQL: every row's, then the head.
func (l *linked) values() []any {
	var v []any
	for _, row := range l.rows {
		v = append(v, row...)
	}
	return append(v, l.headID, l.headHash)
}

// needsThreadLookup reports whether a record of batch has neither thread
// nor order but a buyer: its thread is the buyer's latest, read in the
// chain's transaction.
func needsThreadLookup(batch []*prepared) bool {
	for _, p := range batch {
		if p.rec.Thread == "" && needsLookup(p.rec) {
			return true
		}
	}
	return false
}

// threadFor groups a record: by buyer and order when the order is known,
// else into the buyer's latest thread.
func (s *SQL) threadFor(ctx context.Context, tx *sql.Tx, r *Record, batch map[string]string) (string, error) {
	if !needsLookup(r) {
		return orderThread(r), nil
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
		if s.pipe != nil {
			s.pipe.close()
		}
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
