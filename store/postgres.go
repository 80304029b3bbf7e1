package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	// pgx behind database/sql, so both stores share one implementation.
	_ "github.com/jackc/pgx/v5/stdlib"
)

// maxPostgresConns bounds one gateway's connections to PostgreSQL.
const maxPostgresConns = 8

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
	// Keep as many connections idle as may be open: database/sql keeps two
	// by default, and every connection over that was closed after use and
	// opened again for the next query — a new PostgreSQL backend (a fork
	// and its start-up) several times per message under load.
	db.SetMaxOpenConns(maxPostgresConns)
	db.SetMaxIdleConns(maxPostgresConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to postgres: %w", err)
	}
	pipe, err := newPipeline(ctx, o.DSN)
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &SQL{d: postgresDialect{}, wdb: db, rdb: db, opts: o, pipe: pipe}
	if err := s.start(ctx); err != nil {
		db.Close()
		pipe.close()
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	return s, nil
}
