package db

import (
	"context"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Exclusive runs fn unless another node holds the session advisory lock
// key: the background jobs that must run on one node at a time (the
// upload sweep, GC) take it on a connection of their own for the whole
// run. ran is false when another node held it. The lock goes with the
// session, so a node that dies mid-run frees it.
func Exclusive(ctx context.Context, pool *pgxpool.Pool, key int64, fn func(ctx context.Context) error) (ran bool, err error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return false, Translate(err)
	}
	defer conn.Release()
	var got bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got); err != nil {
		return false, Translate(err)
	}
	if !got {
		return false, nil
	}
	defer func() {
		if _, uerr := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key); uerr != nil {
			// A connection that may still hold the lock must not go back
			// to the pool.
			_ = conn.Conn().Close(context.WithoutCancel(ctx))
		}
	}()
	return true, fn(ctx)
}

// TraceJob logs, at debug level, that a single-node background job
// started, and returns what logs its end. Called only while the job's
// lock is held, the lines of all nodes together show the runs never
// overlap (the scale-out tests read them).
func TraceJob(ctx context.Context, log *slog.Logger, job string) (done func()) {
	log.DebugContext(ctx, JobStarted, "job", job)
	return func() { log.DebugContext(ctx, JobFinished, "job", job) }
}

// The messages of TraceJob.
const (
	JobStarted  = "job started"
	JobFinished = "job finished"
)
