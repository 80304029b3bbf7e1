package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The lookups a reply waits for find what they look for by its own small
// index in a thread of thousands of records, on either store and before
// PostgreSQL has statistics (a fresh database under load): walking the
// thread by (thread, id) made two gateways on PostgreSQL slower than one.
func TestLookupsUseTheirIndexes(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s, _ := b.open(t)
			defer s.Close()
			ctx := context.Background()
			const buyer, order = "a1b2c3d4e5@marketplace.amazon.de", "302-1234567-7654321"
			var wg sync.WaitGroup
			errs := make(chan error, 20)
			for w := 0; w < 20; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; i < 40; i++ {
						r := &Record{Time: time.Now(), Kind: KindMessage, Direction: Outbound, QueueID: fmt.Sprintf("q%d-%d", w, i),
							Buyer: buyer, OrderID: order, Verdict: "pass"}
						if err := s.AppendOrdered(ctx, r); err != nil {
							errs <- err
							return
						}
					}
				}(w)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			thread := ThreadKey(buyer, order)
			lookups := []struct {
				name, query, index string
				args               []any
			}{
				{"the thread's buyer message", latestBuyerThreadSQL, "records_thread_msg", []any{thread}},
				{"the buyer's message", latestBuyerSQL, "records_buyer_msg", []any{buyer}},
				{"the buyer wrote in the thread", buyerWroteThreadSQL, "records_thread_msg", []any{thread, 0}},
				// An empty partial index is as cheap as another: either holds
				// only buyer messages.
				{"the buyer wrote", buyerWroteSQL, "records_buyer_msg|records_thread_msg", []any{buyer, 0}},
				{"the thread's review requests", reviewRequestsSQL, "records_review_requests", []any{thread}},
				{"the same text sent before", sameTextSQL, "records_sent_note", []any{buyer, "text-sha256:x", 0}},
				{"the held messages", countHeldSQL, "records_held", nil},
			}
			for _, l := range lookups {
				for _, plan := range s.plans(t, l.query, l.args) {
					if !slices.ContainsFunc(strings.Split(l.index, "|"), func(ix string) bool { return strings.Contains(plan, ix) }) {
						t.Errorf("%s: plan does not use %s:\n%s", l.name, l.index, plan)
					}
				}
			}
		})
	}
}

// plans returns the plans the store's database makes for query: SQLite's
// one, PostgreSQL's custom and generic ones (a prepared statement switches
// to the generic plan after five runs).
func (s *SQL) plans(t *testing.T, query string, args []any) []string {
	t.Helper()
	ctx := context.Background()
	if s.opts.Driver != "postgres" {
		return []string{mustPlan(t)(planRows(s.rdb.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)))}
	}
	conn, err := s.rdb.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	custom := mustPlan(t)(planRows(conn.QueryContext(ctx, "EXPLAIN "+s.d.rebind(query), args...)))
	if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "PREPARE lookup AS "+s.d.rebind(query)); err != nil {
		t.Fatal(err)
	}
	lits := make([]string, len(args))
	for i, a := range args {
		lits[i] = fmt.Sprintf("'%v'", a)
	}
	exec := "EXPLAIN EXECUTE lookup"
	if len(lits) > 0 {
		exec += "(" + strings.Join(lits, ", ") + ")"
	}
	generic := mustPlan(t)(planRows(conn.QueryContext(ctx, exec)))
	if _, err := conn.ExecContext(ctx, "DEALLOCATE lookup; RESET plan_cache_mode"); err != nil {
		t.Fatal(err)
	}
	return []string{custom, generic}
}

// mustPlan fails t on an error reading a plan.
func mustPlan(t *testing.T) func(string, error) string {
	return func(plan string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return plan
	}
}

// planRows joins the rows of an EXPLAIN into one text: each row's last
// column.
func planRows(rows *sql.Rows, err error) (string, error) {
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		fmt.Fprintln(&b, vals[len(vals)-1])
	}
	return b.String(), rows.Err()
}
