// Package db owns the PostgreSQL connection: the pool, migrations (goose,
// embedded), the one transaction helper and the one place where pgx errors
// become domain sentinels.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/migrations"
)

// Queries is the generated query set, re-exported so services need one import.
type Queries = gendb.Queries

// Open creates a pool for url without contacting the server; Ping or Wait
// tell whether it is reachable.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	return pgxpool.NewWithConfig(ctx, cfg)
}

// Wait pings until the database answers or ctx ends, backing off up to 10 s
// and logging each failure: a node started before its database stays up and
// not-ready instead of crash-looping silently.
func Wait(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	delay := 250 * time.Millisecond
	for {
		err := pool.Ping(ctx)
		if err == nil {
			return nil
		}
		log.Warn("database not reachable, retrying", "err", err, "retry_in", delay)
		select {
		case <-ctx.Done():
			return fmt.Errorf("database not reachable: %w", err)
		case <-time.After(delay):
		}
		delay = min(delay*2, 10*time.Second)
	}
}

// Migrate applies the embedded migrations under goose's Postgres session
// lock, so nodes starting together apply each migration once.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	sqlDB := stdlib.OpenDBFromPool(pool)
	defer sqlDB.Close()
	return migrateDB(ctx, sqlDB)
}

func migrateDB(ctx context.Context, sqlDB *sql.DB) error {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// WithTx runs fn in one transaction and commits when it returns nil. The
// rollback runs under context.WithoutCancel so a cancelled request still
// releases its locks at once.
func WithTx(ctx context.Context, pool *pgxpool.Pool, fn func(q *Queries) error) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return Translate(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := fn(gendb.New(tx)); err != nil {
		return err
	}
	return Translate(tx.Commit(ctx))
}

// Translate maps pgx errors to domain sentinels, keeping the original in the
// chain for logs: no rows -> ErrNotFound, unique violation -> ErrConflict,
// foreign-key and check violations and text Postgres cannot store (NUL,
// invalid UTF-8) -> ErrInvalid (or ErrConflict when a row is still
// referenced), connection failures -> ErrUnavailable.
func Translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", domain.ErrNotFound, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %w", domain.ErrConflict, err)
		case "23503": // foreign_key_violation
			if strings.Contains(pgErr.Message, "is still referenced") {
				return fmt.Errorf("%w: %w", domain.ErrConflict, err)
			}
			return fmt.Errorf("%w: %w", domain.ErrInvalid, err)
		case "23514", "22P02", "22001": // check_violation, invalid_text_representation, string too long
			return fmt.Errorf("%w: %w", domain.ErrInvalid, err)
		case "22021", "22P05": // character_not_in_repertoire (NUL, bad UTF-8), untranslatable_character
			// The edge refuses these bytes first; this keeps any path it
			// misses a 400 rather than a 500.
			return fmt.Errorf("%w: %w", &domain.Error{Kind: domain.ErrInvalid, Msg: "text holds a NUL byte or invalid UTF-8"}, err)
		case "57P01", "57P02", "57P03", "53300": // shutdown, too many connections
			return fmt.Errorf("%w: %w", domain.ErrUnavailable, err)
		}
		return err
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		return fmt.Errorf("%w: %w", domain.ErrUnavailable, err)
	}
	return err
}

// LikePattern turns a caller's substring into the argument of
// `ILIKE '%' || $1 || '%' ESCAPE '\'`, with LIKE wildcards escaped so they
// match themselves; nil (no filter) for a blank string.
func LikePattern(q string) *string {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	s := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
	return &s
}
