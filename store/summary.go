package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Summary is what the console's overview shows of a period: the outbound
// messages by outcome and the refused or held ones by category.
type Summary struct {
	// Relayed counts the messages the next hop accepted.
	Relayed int `json:"relayed"`
	// Refused counts the messages refused with a 5xx at the gateway.
	Refused int `json:"refused"`
	// Held counts the messages held for review (appeals included).
	Held int `json:"held"`
	// Appealed counts the held messages an agent appealed.
	Appealed int `json:"appealed"`
	// Categories counts the refused and held messages naming each
	// category (a message naming two counts in both).
	Categories map[string]int `json:"categories"`
}

// summaryCategories are the categories Summary counts.
var summaryCategories = []string{"link", "contact", "review", "promotion", "pixel", "attachment", "format", "unreadable", "proactive"}

// summarySQL reads one period's outcomes in one pass over its records,
// found by the time index.
func summarySQL() string {
	var b strings.Builder
	b.WriteString(`SELECT
	COALESCE(SUM(CASE WHEN kind = 'delivery' AND status = 'relayed' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN kind = 'message' AND status = 'refused' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN kind = 'message' AND status = 'quarantined' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN kind = 'message' AND status = 'quarantined' AND note LIKE 'appeal: %' THEN 1 ELSE 0 END), 0)`)
	for _, c := range summaryCategories {
		fmt.Fprintf(&b, `,
	COALESCE(SUM(CASE WHEN kind = 'message' AND status IN ('refused', 'quarantined') AND violations LIKE '%%"category":"%s"%%' THEN 1 ELSE 0 END), 0)`, c)
	}
	b.WriteString(`
	FROM records WHERE time_ms >= ? AND direction = 'out'`)
	return b.String()
}

// Summarize counts the outbound outcomes since a time (the console's
// "today").
func (s *SQL) Summarize(ctx context.Context, since time.Time) (*Summary, error) {
	q, err := s.readStmt(ctx, summarySQL())
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	sum := &Summary{Categories: map[string]int{}}
	counts := make([]int, len(summaryCategories))
	dest := []any{&sum.Relayed, &sum.Refused, &sum.Held, &sum.Appealed}
	for i := range counts {
		dest = append(dest, &counts[i])
	}
	if err := q.QueryRowContext(ctx, ms(since)).Scan(dest...); err != nil {
		return nil, fmt.Errorf("store: summarizing the trail since %s: %w", since.Format(time.RFC3339), err)
	}
	for i, c := range summaryCategories {
		if counts[i] > 0 {
			sum.Categories[c] = counts[i]
		}
	}
	return sum, nil
}
