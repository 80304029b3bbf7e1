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

var _ SLAStore = (*SQL)(nil)

const clockColumns = `thread, buyer, order_id, marketplace, since_ms, last_agent, fired, next_alert_ms, state, exception`

func scanClock(sc interface{ Scan(...any) error }) (*Clock, error) {
	var c Clock
	if err := scanClockInto(sc, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// scanClockInto reads a row of clockColumns into c.
func scanClockInto(sc interface{ Scan(...any) error }, c *Clock) error {
	var since, next int64
	var fired string
	if err := sc.Scan(&c.Thread, &c.Buyer, &c.OrderID, &c.Marketplace, &since, &c.LastAgent, &fired, &next, &c.State, &c.Exception); err != nil {
		return err
	}
	c.Since = time.UnixMilli(since).UTC()
	if next > 0 {
		c.NextAlert = time.UnixMilli(next).UTC()
	}
	if fired != "[]" {
		if err := json.Unmarshal([]byte(fired), &c.Fired); err != nil {
			return fmt.Errorf("clock %s: %w", c.Thread, err)
		}
	}
	return nil
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// StartClock implements SLAStore.
func (s *SQL) StartClock(ctx context.Context, c Clock, messageID string) (bool, error) {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if messageID != "" {
		res, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO sla_seen (message_id, thread, time_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`), messageID, c.Thread, ms(c.Since))
		if err != nil {
			return false, fmt.Errorf("sla: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return false, tx.Commit() // the same message delivered again
		}
	}
	fired, _ := json.Marshal(nonNilInt(c.Fired))
	if c.LastAgent == "" {
		// The agent who last wrote in the thread, for whoever picks it up.
		tx.QueryRowContext(ctx, s.d.rebind(`SELECT agent FROM records WHERE thread = ? AND direction = 'out' AND agent <> '' ORDER BY id DESC LIMIT 1`), c.Thread).Scan(&c.LastAgent)
	}
	res, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO sla_clocks (`+clockColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
		c.Thread, c.Buyer, c.OrderID, c.Marketplace, ms(c.Since), c.LastAgent, string(fired), ms(c.NextAlert), c.State, c.Exception)
	if err != nil {
		return false, fmt.Errorf("sla: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, tx.Commit()
}

func nonNilInt(s []int64) []int64 {
	if s == nil {
		return []int64{}
	}
	return s
}

// StopClock implements SLAStore.
func (s *SQL) StopClock(ctx context.Context, st Stop) (*Clock, error) {
	// Most replies follow up a thread whose clock is already stopped: a
	// read tells, without taking the write lock. (A buyer message racing
	// this reply opens its clock after it, which is the order they met.)
	open, err := s.readStmt(ctx, `SELECT 1 FROM sla_clocks WHERE thread = ?`)
	if err != nil {
		return nil, fmt.Errorf("sla: %w", err)
	}
	var one int
	switch err := open.QueryRowContext(ctx, st.Thread).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("sla: %w", err)
	}
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := scanClock(tx.QueryRowContext(ctx, s.d.rebind(`DELETE FROM sla_clocks WHERE thread = ? RETURNING `+clockColumns), st.Thread))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tx.Commit()
	}
	if err != nil {
		return nil, fmt.Errorf("sla: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO sla_history (thread, since_ms, stopped_ms, how, by_who, reason, queue_id) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		st.Thread, ms(c.Since), ms(st.At), st.How, st.By, st.Reason, st.QueueID); err != nil {
		return nil, fmt.Errorf("sla: %w", err)
	}
	return c, tx.Commit()
}

// OpenClock implements SLAStore.
func (s *SQL) OpenClock(ctx context.Context, thread string) (*Clock, error) {
	c, err := scanClock(s.rdb.QueryRowContext(ctx, s.d.rebind(`SELECT `+clockColumns+` FROM sla_clocks WHERE thread = ?`), thread))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return c, err
}

func (s *SQL) clocks(ctx context.Context, q string, args ...any) ([]Clock, error) {
	rows, err := s.rdb.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("sla: %w", err)
	}
	defer rows.Close()
	out := make([]Clock, 0, 1024)
	for rows.Next() {
		out = append(out, Clock{})
		if err := scanClockInto(rows, &out[len(out)-1]); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// OpenClocks implements SLAStore. With 100,000 open threads the cost is in
// handing rows one by one through database/sql, so the rows come as one
// aggregated text (tab-separated fields, one line per clock).
func (s *SQL) OpenClocks(ctx context.Context) ([]Clock, error) {
	agg := "group_concat"
	sep := "char(9)"
	nl := "char(10)"
	if s.d.name() == "postgres" {
		agg, sep, nl = "string_agg", "chr(9)", "chr(10)"
	}
	q := `SELECT COALESCE(` + agg + `(thread || ` + sep + ` || buyer || ` + sep + ` || order_id || ` + sep + ` || marketplace || ` + sep +
		` || since_ms || ` + sep + ` || last_agent || ` + sep + ` || fired || ` + sep + ` || next_alert_ms || ` + sep + ` || state || ` + sep +
		` || exception, ` + nl + `), '') FROM (SELECT * FROM sla_clocks ORDER BY since_ms) c`
	var all string
	if err := s.rdb.QueryRowContext(ctx, q).Scan(&all); err != nil {
		return nil, fmt.Errorf("sla: %w", err)
	}
	if all == "" {
		return nil, nil
	}
	out := make([]Clock, 0, strings.Count(all, "\n")+1)
	var f [10]string
	for len(all) > 0 {
		line := all
		if i := strings.IndexByte(all, '\n'); i >= 0 {
			line, all = all[:i], all[i+1:]
		} else {
			all = ""
		}
		n := 0
		for n < 9 {
			i := strings.IndexByte(line, '\t')
			if i < 0 {
				break
			}
			f[n], line = line[:i], line[i+1:]
			n++
		}
		if n != 9 || strings.IndexByte(line, '\t') >= 0 {
			// A field with a tab or newline in it: read row by row.
			return s.clocks(ctx, `SELECT `+clockColumns+` FROM sla_clocks ORDER BY since_ms`)
		}
		f[9] = line
		since, _ := strconv.ParseInt(f[4], 10, 64)
		next, _ := strconv.ParseInt(f[7], 10, 64)
		c := Clock{Thread: f[0], Buyer: f[1], OrderID: f[2], Marketplace: f[3], Since: time.UnixMilli(since).UTC(),
			LastAgent: f[5], State: f[8], Exception: f[9]}
		if next > 0 {
			c.NextAlert = time.UnixMilli(next).UTC()
		}
		if f[6] != "[]" {
			json.Unmarshal([]byte(f[6]), &c.Fired)
		}
		out = append(out, c)
	}
	return out, nil
}

// DueClocks implements SLAStore.
func (s *SQL) DueClocks(ctx context.Context, now time.Time) ([]Clock, error) {
	return s.clocks(ctx, `SELECT `+clockColumns+` FROM sla_clocks WHERE next_alert_ms > 0 AND next_alert_ms <= ? ORDER BY next_alert_ms`, ms(now))
}

// ClaimAlert implements SLAStore: the row is locked (PostgreSQL) or the
// write is serialized (SQLite), so of several gateways one claims each alert.
func (s *SQL) ClaimAlert(ctx context.Context, thread string, threshold int64, next time.Time) (bool, error) {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	lock := ""
	if s.d.name() == "postgres" {
		lock = " FOR UPDATE"
	}
	var firedJSON string
	err = tx.QueryRowContext(ctx, s.d.rebind(`SELECT fired FROM sla_clocks WHERE thread = ?`+lock), thread).Scan(&firedJSON)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // answered meanwhile
	}
	if err != nil {
		return false, fmt.Errorf("sla: %w", err)
	}
	var fired []int64
	json.Unmarshal([]byte(firedJSON), &fired)
	for _, f := range fired {
		if f == threshold {
			return false, nil
		}
	}
	fired = append(fired, threshold)
	data, _ := json.Marshal(fired)
	if _, err := tx.ExecContext(ctx, s.d.rebind(`UPDATE sla_clocks SET fired = ?, next_alert_ms = ? WHERE thread = ?`), string(data), ms(next), thread); err != nil {
		return false, fmt.Errorf("sla: %w", err)
	}
	return true, tx.Commit()
}

// ClockStats implements SLAStore.
func (s *SQL) ClockStats(ctx context.Context) ([]ClockStat, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT marketplace, COUNT(*), MIN(since_ms), SUM(CASE WHEN state = 'summary_pending' THEN 1 ELSE 0 END) FROM sla_clocks GROUP BY marketplace`)
	if err != nil {
		return nil, fmt.Errorf("sla: %w", err)
	}
	defer rows.Close()
	var out []ClockStat
	for rows.Next() {
		var st ClockStat
		var oldest int64
		if err := rows.Scan(&st.Marketplace, &st.Open, &oldest, &st.SummaryPending); err != nil {
			return nil, err
		}
		st.Oldest = time.UnixMilli(oldest).UTC()
		out = append(out, st)
	}
	return out, rows.Err()
}

// TouchClock implements SLAStore.
func (s *SQL) TouchClock(ctx context.Context, thread, agent string) error {
	_, err := s.wdb.ExecContext(ctx, s.d.rebind(`UPDATE sla_clocks SET last_agent = ? WHERE thread = ?`), agent, thread)
	return err
}
