package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dialect is what differs between SQLite and PostgreSQL.
type dialect interface {
	name() string
	// rebind turns ? placeholders into the dialect's.
	rebind(q string) string
	// multiRowInsert reports whether a batch is inserted with one
	// statement (a round trip and a statement's work per batch, not per
	// record, on a database over the network) or record by record with a
	// prepared statement (SQLite, in the process).
	multiRowInsert() bool
	// rawBodies is the migration that stores bodies without the
	// database's own compression ("" when it has none to turn off).
	rawBodies() string
	// lockHeadFunction is the migration that creates lockedHead's
	// function ("" when the dialect needs none).
	lockHeadFunction() string
	// lockedHead is the query that takes the chain's lock for a batch
	// and reads the chain's head in one round trip (its arguments: the
	// lock's key, whether the commit may be lazy), "" when the dialect
	// reads the head alone (SQLite: one writer, BEGIN IMMEDIATE).
	lockedHead() string
	// lockChain serializes appends across every writer on the database.
	lockChain(ctx context.Context, tx *sql.Tx) error
	// blob is the column type for binary data.
	blob() string
	// autoID is the column definition of an autoincrement key.
	autoID() string
	// beforeBegin sets whether the next commit is forced to disk
	// (durable) or only ordered before every later one, on the writer's
	// connection before its transaction (SQLite); lockedHead's query
	// does it in the transaction (PostgreSQL).
	beforeBegin(ctx context.Context, db *sql.DB, durable bool) error
}

// sqliteDialect: one writer connection (the store's writer goroutine
// holds it); a lazy commit runs with synchronous=NORMAL, which in WAL mode
// writes the log without syncing it, and the next FULL commit syncs the log
// with every frame before it.
type sqliteDialect struct {
	// lazy is the writer connection's current setting; only the writer
	// goroutine touches it.
	lazy *bool
}

func (d sqliteDialect) beforeBegin(ctx context.Context, db *sql.DB, durable bool) error {
	if d.lazy == nil || *d.lazy == !durable {
		return nil
	}
	mode := "FULL"
	if !durable {
		mode = "NORMAL"
	}
	if _, err := db.ExecContext(ctx, "PRAGMA synchronous = "+mode); err != nil {
		return fmt.Errorf("setting synchronous %s: %w", mode, err)
	}
	*d.lazy = !durable
	return nil
}

func (sqliteDialect) name() string                             { return "sqlite" }
func (sqliteDialect) rebind(q string) string                   { return q }
func (sqliteDialect) lockChain(context.Context, *sql.Tx) error { return nil } // BEGIN IMMEDIATE + one writer
func (sqliteDialect) multiRowInsert() bool                     { return false }
func (sqliteDialect) rawBodies() string                        { return "" }
func (sqliteDialect) lockHeadFunction() string                 { return "" }
func (sqliteDialect) lockedHead() string                       { return "" }
func (sqliteDialect) blob() string                             { return "BLOB" }
func (sqliteDialect) autoID() string                           { return "INTEGER PRIMARY KEY" }

type postgresDialect struct{}

func (postgresDialect) beforeBegin(context.Context, *sql.DB, bool) error { return nil }

func (postgresDialect) name() string { return "postgres" }
func (postgresDialect) rebind(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// chainLockKey is the advisory lock that orders appends from several
// gateways into one chain.
const chainLockKey = 0x5e11e76a7e

func (postgresDialect) lockChain(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, chainLockKey)
	return err
}
func (postgresDialect) multiRowInsert() bool { return true }

// lockHeadFunction creates sellergate_lock_head: the batch's lock, the
// lazy commit's setting and the head, read after the lock is held (a
// VOLATILE function's query takes its own snapshot, so it sees the batch
// another gateway committed while this one waited).
func (postgresDialect) lockHeadFunction() string {
	return `CREATE OR REPLACE FUNCTION sellergate_lock_head(lock_key BIGINT, lazy BOOLEAN)
		RETURNS TABLE (head_id BIGINT, head_hash TEXT) LANGUAGE plpgsql VOLATILE AS $fn$
		BEGIN PERFORM pg_advisory_xact_lock(lock_key); IF lazy THEN PERFORM set_config('synchronous_commit', 'off', true); END IF; RETURN QUERY SELECT r.id, r.hash FROM records r ORDER BY r.id DESC LIMIT 1; END
		$fn$`
}

func (postgresDialect) lockedHead() string {
	return `SELECT head_id, head_hash FROM sellergate_lock_head($1, $2)`
}

func (postgresDialect) rawBodies() string {
	return `ALTER TABLE records ALTER COLUMN body SET STORAGE EXTERNAL`
}
func (postgresDialect) blob() string   { return "BYTEA" }
func (postgresDialect) autoID() string { return "BIGSERIAL PRIMARY KEY" }

// migrations are applied in order, each once, recorded in schema_migrations.
// Never edit one that has shipped: add a new one.
func migrations(d dialect) []string {
	return []string{
		// 1: the audit chain.
		`CREATE TABLE records (
			id BIGINT PRIMARY KEY,
			time_ms BIGINT NOT NULL,
			kind TEXT NOT NULL,
			queue_id TEXT NOT NULL DEFAULT '',
			direction TEXT NOT NULL DEFAULT '',
			agent TEXT NOT NULL DEFAULT '',
			mail_from TEXT NOT NULL DEFAULT '',
			rcpt TEXT NOT NULL DEFAULT '[]',
			message_id TEXT NOT NULL DEFAULT '',
			subject TEXT NOT NULL DEFAULT '',
			from_hdr TEXT NOT NULL DEFAULT '',
			buyer TEXT NOT NULL DEFAULT '',
			order_id TEXT NOT NULL DEFAULT '',
			thread TEXT NOT NULL DEFAULT '',
			verdict TEXT NOT NULL DEFAULT '',
			violations TEXT NOT NULL DEFAULT '[]',
			status TEXT NOT NULL DEFAULT '',
			reply TEXT NOT NULL DEFAULT '',
			size BIGINT NOT NULL DEFAULT 0,
			sha256 TEXT NOT NULL DEFAULT '',
			note TEXT NOT NULL DEFAULT '',
			prev_hash TEXT NOT NULL,
			hash TEXT NOT NULL,
			body ` + d.blob() + `
		);
		CREATE INDEX records_order ON records (order_id);
		CREATE INDEX records_buyer ON records (buyer, id);
		CREATE INDEX records_thread ON records (thread, id);
		CREATE TABLE checkpoints (id ` + d.autoID() + `, record_id BIGINT NOT NULL, hash TEXT NOT NULL, time_ms BIGINT NOT NULL)`,
		// 2: SLA clocks and the Message-IDs that started them.
		`CREATE TABLE sla_clocks (
			thread TEXT PRIMARY KEY,
			buyer TEXT NOT NULL,
			order_id TEXT NOT NULL DEFAULT '',
			marketplace TEXT NOT NULL,
			since_ms BIGINT NOT NULL,
			last_agent TEXT NOT NULL DEFAULT '',
			fired TEXT NOT NULL DEFAULT '[]',
			next_alert_ms BIGINT NOT NULL DEFAULT 0,
			state TEXT NOT NULL,
			exception TEXT NOT NULL DEFAULT ''
		);
		CREATE INDEX sla_clocks_next ON sla_clocks (next_alert_ms);
		CREATE TABLE sla_seen (message_id TEXT PRIMARY KEY, thread TEXT NOT NULL, time_ms BIGINT NOT NULL);
		CREATE TABLE sla_history (id ` + d.autoID() + `, thread TEXT NOT NULL, since_ms BIGINT NOT NULL, stopped_ms BIGINT NOT NULL,
			how TEXT NOT NULL, by_who TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '', queue_id TEXT NOT NULL DEFAULT '')`,
		// 3: off-Amazon exceptions, one live per thread.
		`CREATE TABLE exceptions (
			id ` + d.autoID() + `,
			thread TEXT NOT NULL,
			kind TEXT NOT NULL,
			note TEXT NOT NULL,
			opened_by TEXT NOT NULL DEFAULT '',
			opened_ms BIGINT NOT NULL,
			state TEXT NOT NULL,
			closed_ms BIGINT NOT NULL DEFAULT 0
		);
		CREATE INDEX exceptions_thread ON exceptions (thread, state)`,
		// 4: the chain's head, kept beside the records it protects: removing
		// the newest records no longer leaves a chain that looks whole.
		`CREATE TABLE chain_head (one INTEGER PRIMARY KEY CHECK (one = 1), record_id BIGINT NOT NULL, hash TEXT NOT NULL);
		INSERT INTO chain_head (one, record_id, hash) SELECT 1, id, hash FROM records WHERE id = (SELECT MAX(id) FROM records)`,
		// 5: buyers who opted out of messages the seller starts.
		`CREATE TABLE opt_outs (buyer TEXT PRIMARY KEY, since_ms BIGINT NOT NULL, source TEXT NOT NULL)`,
		// 6: what each reply looks up while its agent waits — the buyer's
		// newest message, the thread's review requests, the same text sent
		// again, a message's delivery — found by index, not by walking
		// every record of a busy buyer.
		`CREATE INDEX records_buyer_kind ON records (buyer, direction, kind, verdict, id);
		CREATE INDEX records_thread_kind ON records (thread, direction, kind, verdict, id);
		CREATE INDEX records_note ON records (buyer, note, time_ms);
		CREATE INDEX records_queue ON records (queue_id, kind)`,
		// 7: the held messages counted by status, not by reading every
		// message record at each metrics scrape.
		`CREATE INDEX records_status ON records (status, kind)`,
		// 8: the console's pages — an agent's own messages and a day's
		// outcomes — found by index in a trail of any size.
		`CREATE INDEX records_agent ON records (agent, kind, id);
		CREATE INDEX records_time ON records (time_ms)`,
		// 9: each account's daily count, shared by the gateways on the
		// store (Allowance).
		`CREATE TABLE daily_usage (account TEXT NOT NULL, day TEXT NOT NULL, used INTEGER NOT NULL, PRIMARY KEY (account, day))`,
		// 10: the bodies are gzip already: PostgreSQL need not try to
		// compress them again on every insert.
		d.rawBodies(),
		// 11: the lookups of migration 6 by small partial indexes that
		// hold only what they look for (buyer messages, review requests):
		// every insert updated the two wide indexes, and PostgreSQL, before
		// its first statistics, sometimes walked a busy thread's every
		// record by (thread, id) instead.
		`CREATE INDEX records_buyer_msg ON records (buyer, id) WHERE kind = 'message' AND direction = 'in' AND verdict = 'buyer';
		CREATE INDEX records_thread_msg ON records (thread, id) WHERE kind = 'message' AND direction = 'in' AND verdict = 'buyer';
		CREATE INDEX records_review_requests ON records (thread) WHERE kind = 'message' AND direction = 'out' AND ` + reviewRequestLike + `;
		DROP INDEX records_buyer_kind;
		DROP INDEX records_thread_kind`,
		// 12: the held messages and the texts sent to a buyer, by partial
		// indexes too: every record updated both full indexes for the few
		// they hold.
		`CREATE INDEX records_held ON records (queue_id) WHERE status = 'quarantined' AND kind = 'message';
		CREATE INDEX records_sent_note ON records (buyer, note, time_ms) WHERE kind = 'message' AND direction = 'out';
		DROP INDEX records_status;
		DROP INDEX records_note`,
		// 13: a batch's lock and the chain's head in one round trip
		// (PostgreSQL: a function; SQLite needs none).
		d.lockHeadFunction(),
	}
}

// ErrNewerSchema is returned by Open when a newer sellergate migrated the
// database: an older one must not write to a schema it does not know.
var ErrNewerSchema = errors.New("store: schema newer than this sellergate")

// inLockedTx runs f in a transaction holding the chain's lock.
func inLockedTx(ctx context.Context, db *sql.DB, d dialect, f func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := d.lockChain(ctx, tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// migrate applies the migrations not applied yet, each in its own
// transaction; several gateways starting at once apply each one once.
func migrate(ctx context.Context, db *sql.DB, d dialect) error {
	// The bookkeeping table is created under the chain's lock too: two
	// PostgreSQL sessions running CREATE TABLE IF NOT EXISTS at once both
	// try to create it, and one fails on pg_type's unique index.
	if err := inLockedTx(ctx, db, d, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL)`)
		return err
	}); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	known := len(migrations(d))
	var newest int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if newest > known {
		return fmt.Errorf("%w: the database is at schema version %d, this sellergate knows %d: run the newer sellergate (or restore the database it ran on)", ErrNewerSchema, newest, known)
	}
	for i, m := range migrations(d) {
		version := i + 1
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migration %d: %w", version, err)
		}
		if err := d.lockChain(ctx, tx); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", version, err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, d.rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), version).Scan(&n); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", version, err)
		}
		if n > 0 {
			tx.Rollback()
			continue
		}
		for _, stmt := range strings.Split(m, ";\n") {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %d: %w", version, err)
			}
		}
		if _, err := tx.ExecContext(ctx, d.rebind(`INSERT INTO schema_migrations (version, applied_ms) VALUES (?, ?)`), version, time.Now().UnixMilli()); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", version, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %d: %w", version, err)
		}
	}
	return nil
}

const recordColumns = `id, time_ms, kind, queue_id, direction, agent, mail_from, rcpt, message_id, subject, from_hdr,
	buyer, order_id, thread, verdict, violations, status, reply, size, sha256, note, prev_hash, hash`

const insertRecordSQL = `INSERT INTO records (` + recordColumns + `, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// insertRecordsSQL inserts n records with one statement.
func insertRecordsSQL(n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", 24), ", ") + ")"
	var b strings.Builder
	b.WriteString(`INSERT INTO records (` + recordColumns + `, body) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// recordArgs are the values of insertRecordSQL but the body.
func recordArgs(r *Record, prev, hash string) []any {
	rcpt, _ := json.Marshal(nonNil(r.Rcpt))
	viol, _ := json.Marshal(nonNilV(r.Violations))
	return []any{r.ID, r.Time.UnixMilli(), string(r.Kind), r.QueueID, string(r.Direction), r.Agent, r.MailFrom,
		string(rcpt), r.MessageID, r.Subject, r.From, r.Buyer, r.OrderID, r.Thread, r.Verdict, string(viol),
		r.Status, r.Reply, r.Size, r.SHA256, r.Note, prev, hash}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilV(s []Violation) []Violation {
	if s == nil {
		return []Violation{}
	}
	return s
}

// scanRecord reads one row of recordColumns.
func scanRecord(sc interface{ Scan(...any) error }) (*Record, error) {
	var r Record
	var t int64
	var kind, dir, rcpt, viol string
	err := sc.Scan(&r.ID, &t, &kind, &r.QueueID, &dir, &r.Agent, &r.MailFrom, &rcpt, &r.MessageID, &r.Subject,
		&r.From, &r.Buyer, &r.OrderID, &r.Thread, &r.Verdict, &viol, &r.Status, &r.Reply, &r.Size, &r.SHA256,
		&r.Note, &r.PrevHash, &r.Hash)
	if err != nil {
		return nil, err
	}
	r.Time = time.UnixMilli(t).UTC()
	r.Kind, r.Direction = Kind(kind), Direction(dir)
	if err := json.Unmarshal([]byte(rcpt), &r.Rcpt); err != nil {
		return nil, fmt.Errorf("record %d: recipients: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(viol), &r.Violations); err != nil {
		return nil, fmt.Errorf("record %d: violations: %w", r.ID, err)
	}
	if len(r.Rcpt) == 0 {
		r.Rcpt = nil
	}
	if len(r.Violations) == 0 {
		r.Violations = nil
	}
	return &r, nil
}
