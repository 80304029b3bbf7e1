package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	// pgx behind database/sql, so both stores share one implementation.
	_ "github.com/jackc/pgx/v5/stdlib"
)

// openPostgres opens the PostgreSQL store shared by several gateways: each
// gateway batches its own Appends, and a transaction-scoped advisory lock
// orders the batches of all gateways into one chain.
func openPostgres(ctx context.Context, o Options) (*SQL, error) {
	if o.DSN == "" {
		return nil, errors.New("postgres store needs a DSN")
	}
	db, err := sql.Open("pgx", o.DSN)
	if err != nil {
		return nil, fmt.Errorf("opening postgres: %w", err)
	}
	db.SetMaxOpenConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to postgres: %w", err)
	}
	s := &SQL{d: postgresDialect{}, wdb: db, rdb: db, opts: o}
	if err := s.start(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	return s, nil
}
