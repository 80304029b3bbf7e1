package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Query selects records for search and export. Empty fields match all.
type Query struct {
	Order    string    `json:"order,omitempty"`
	Thread   string    `json:"thread,omitempty"`
	Buyer    string    `json:"buyer,omitempty"`
	Agent    string    `json:"agent,omitempty"`
	Verdict  string    `json:"verdict,omitempty"`
	Category string    `json:"category,omitempty"`
	Kind     Kind      `json:"kind,omitempty"`
	QueueID  string    `json:"queue_id,omitempty"`
	From     time.Time `json:"from,omitzero"`
	To       time.Time `json:"to,omitzero"`
	// Limit caps the number of records (0: no cap).
	Limit int `json:"limit,omitempty"`
	// Newest lists the newest records first (a page of the console);
	// Before, when set, starts the page below that record id.
	Newest bool  `json:"-"`
	Before int64 `json:"-"`
}

// Auditor reads the audit trail. Both stores implement it.
type Auditor interface {
	// Search returns matching records in chain order.
	Search(ctx context.Context, q Query) ([]*Record, error)
	// Body returns the raw message kept for a record; ErrPurged when
	// retention removed it, ErrNoBody when there never was one.
	Body(ctx context.Context, id int64) ([]byte, error)
	// Verify walks the whole chain and reports the first break.
	Verify(ctx context.Context) (*VerifyReport, error)
	// Purge removes raw bodies of records before t; headers, verdicts and
	// hashes stay. It returns how many bodies it removed.
	Purge(ctx context.Context, before time.Time) (int64, error)
}

// Errors of Body.
var (
	ErrPurged = errors.New("body removed under retention")
	ErrNoBody = errors.New("record has no body")
)

// VerifyReport is the outcome of walking the chain.
type VerifyReport struct {
	Records     int64
	Checkpoints int
	// Head is the last record's id and hash.
	HeadID   int64
	HeadHash string
	// OK is true when nothing was changed, inserted or removed.
	OK bool
	// BreakID and BreakTime locate the first record where the chain breaks.
	BreakID   int64
	BreakTime time.Time
	// Problem says what is wrong there.
	Problem string
}

func (r *VerifyReport) String() string {
	if r.OK {
		return fmt.Sprintf("chain intact: %d records, head %d %s, %d checkpoints", r.Records, r.HeadID, r.HeadHash, r.Checkpoints)
	}
	return fmt.Sprintf("chain broken at record %d (%s): %s", r.BreakID, r.BreakTime.Format(time.RFC3339Nano), r.Problem)
}

// Search implements Auditor.
func (s *SQL) Search(ctx context.Context, q Query) ([]*Record, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if q.Order != "" {
		add("order_id = ?", q.Order)
	}
	if q.Thread != "" {
		add("thread = ?", q.Thread)
	}
	if q.Buyer != "" {
		add("buyer = ?", strings.ToLower(q.Buyer))
	}
	if q.Agent != "" {
		add("agent = ?", q.Agent)
	}
	if q.Verdict != "" {
		add("verdict = ?", q.Verdict)
	}
	if q.Kind != "" {
		add("kind = ?", string(q.Kind))
	}
	if q.QueueID != "" {
		add("queue_id = ?", q.QueueID)
	}
	if q.Category != "" {
		add("violations LIKE ?", `%"category":"`+q.Category+`"%`)
	}
	if !q.From.IsZero() {
		add("time_ms >= ?", q.From.UnixMilli())
	}
	if !q.To.IsZero() {
		add("time_ms < ?", q.To.UnixMilli())
	}
	if q.Before > 0 {
		add("id < ?", q.Before)
	}
	sqlq := `SELECT ` + recordColumns + ` FROM records`
	if len(where) > 0 {
		sqlq += " WHERE " + strings.Join(where, " AND ")
	}
	sqlq += " ORDER BY id"
	if q.Newest {
		sqlq += " DESC"
	}
	if q.Limit > 0 {
		sqlq += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	rows, err := s.rdb.QueryContext(ctx, s.d.rebind(sqlq), args...)
	if err != nil {
		return nil, fmt.Errorf("searching records: %w", err)
	}
	return scanRecords(rows)
}

// scanRecords reads every row of a query over recordColumns and closes it.
func scanRecords(rows *sql.Rows) ([]*Record, error) {
	defer rows.Close()
	var out []*Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Body implements Auditor.
func (s *SQL) Body(ctx context.Context, id int64) ([]byte, error) {
	var gz []byte
	var sum string
	err := s.rdb.QueryRowContext(ctx, s.d.rebind(`SELECT body, sha256 FROM records WHERE id = ?`), id).Scan(&gz, &sum)
	if err != nil {
		return nil, fmt.Errorf("reading body of record %d: %w", id, err)
	}
	if gz == nil {
		if sum != "" {
			return nil, ErrPurged
		}
		return nil, ErrNoBody
	}
	return decompressBody(gz)
}

// Verify implements Auditor. It recomputes every hash in id order, checks
// that ids have no gaps, that each kept body matches its SHA-256, and that
// every checkpoint names a record with the same hash (so a truncated or
// rewritten tail shows even when the rest links up).
func (s *SQL) Verify(ctx context.Context) (*VerifyReport, error) {
	rep := &VerifyReport{OK: true}
	fail := func(r *Record, id int64, problem string) (*VerifyReport, error) {
		rep.OK, rep.BreakID, rep.Problem = false, id, problem
		if r != nil {
			rep.BreakTime = r.Time
		}
		return rep, nil
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+recordColumns+` FROM records ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	defer rows.Close()
	prevHash := ""
	var prevID int64
	var last *Record
	hashes := map[int64]string{}
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
		rep.Records++
		switch {
		case r.ID != prevID+1:
			return fail(r, r.ID, fmt.Sprintf("record %d follows record %d: %d record(s) removed", r.ID, prevID, r.ID-prevID-1))
		case r.PrevHash != prevHash:
			return fail(r, r.ID, "does not link to the record before it (inserted, removed or reordered)")
		case chainHash(r, prevHash) != r.Hash:
			return fail(r, r.ID, "content changed after it was recorded")
		}
		hashes[r.ID] = r.Hash
		prevHash, prevID, last = r.Hash, r.ID, r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	rows.Close()
	if last != nil {
		rep.HeadID, rep.HeadHash = last.ID, last.Hash
	}
	// The head each commit records: the newest records cannot go unseen.
	var headID int64
	var headHash string
	switch err := s.rdb.QueryRowContext(ctx, `SELECT record_id, hash FROM chain_head WHERE one = 1`).Scan(&headID, &headHash); {
	case errors.Is(err, sql.ErrNoRows):
		if last != nil {
			return fail(last, last.ID, "the chain head is gone: the newest records may have been removed")
		}
	case err != nil:
		return nil, fmt.Errorf("verify: reading the chain head: %w", err)
	case last == nil || headID > last.ID:
		return fail(last, headID, fmt.Sprintf("the chain ends before record %d, its recorded head: the chain was truncated", headID))
	case headID != last.ID || headHash != last.Hash:
		return fail(last, last.ID, fmt.Sprintf("the chain's last record is %d, its recorded head %d: the chain was changed at its end", last.ID, headID))
	}
	// Checkpoints: the chain must still contain each checkpointed head.
	crows, err := s.rdb.QueryContext(ctx, `SELECT record_id, hash, time_ms FROM checkpoints ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var id, t int64
		var hash string
		if err := crows.Scan(&id, &hash, &t); err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
		rep.Checkpoints++
		got, ok := hashes[id]
		cp := &Record{Time: time.UnixMilli(t).UTC()}
		if !ok {
			return fail(cp, id, fmt.Sprintf("checkpoint of %s names record %d, which is gone: the chain was truncated", cp.Time.Format(time.RFC3339), id))
		}
		if got != hash {
			return fail(cp, id, fmt.Sprintf("checkpoint of %s does not match record %d: the chain was rewritten", cp.Time.Format(time.RFC3339), id))
		}
	}
	if err := crows.Err(); err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	crows.Close()
	// Bodies: each kept body must match its record's SHA-256 (the chain
	// covers the SHA-256, so a purged body leaves the chain intact).
	brows, err := s.rdb.QueryContext(ctx, `SELECT id, body, sha256, time_ms FROM records WHERE body IS NOT NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	defer brows.Close()
	for brows.Next() {
		var id int64
		var gz []byte
		var sum sql.NullString
		var tm sql.NullInt64
		if err := brows.Scan(&id, &gz, &sum, &tm); err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
		rec := &Record{Time: time.UnixMilli(tm.Int64).UTC()}
		raw, err := decompressBody(gz)
		if err != nil {
			return fail(rec, id, "message body is corrupt: "+err.Error())
		}
		h := sha256.Sum256(raw)
		if hex.EncodeToString(h[:]) != sum.String {
			return fail(rec, id, "message body changed after it was recorded")
		}
	}
	if err := brows.Err(); err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	return rep, nil
}

// Purge implements Auditor.
func (s *SQL) Purge(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.wdb.ExecContext(ctx, s.d.rebind(`UPDATE records SET body = NULL WHERE time_ms < ? AND body IS NOT NULL`), before.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("purging bodies: %w", err)
	}
	return res.RowsAffected()
}

// Checkpoint records the current chain head now, whatever the interval.
func (s *SQL) Checkpoint(ctx context.Context) error {
	var id int64
	var hash string
	err := s.rdb.QueryRowContext(ctx, chainHeadSQL).Scan(&id, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	_, err = s.wdb.ExecContext(ctx, s.d.rebind(checkpointSQL), id, hash, s.opts.Clock().UnixMilli())
	return err
}
