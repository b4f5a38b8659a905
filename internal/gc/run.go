package gc

import (
	"context"
	"time"

	"github.com/kodera-packages/kodera/internal/db"
)

// TryCollect runs one collection if no other node is running one, under a
// Postgres session advisory lock held on a connection of its own for the
// whole collection. ran is false when another node held the lock.
func (c *Collector) TryCollect(ctx context.Context, opt Options) (rep Report, ran bool, err error) {
	conn, err := c.Pool.Acquire(ctx)
	if err != nil {
		return rep, false, db.Translate(err)
	}
	defer conn.Release()
	var got bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", lockKey).Scan(&got); err != nil {
		return rep, false, db.Translate(err)
	}
	if !got {
		return rep, false, nil
	}
	defer func() {
		// A failed unlock (connection lost) ends with the session anyway.
		_, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockKey)
	}()
	rep, err = c.Collect(ctx, opt)
	return rep, true, err
}

// Run collects every interval until ctx ends, on whichever node gets the
// lock first; the others skip that round. The first round waits one
// interval, so a fleet restarting together does not collect at once.
func (c *Collector) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		rep, ran, err := c.TryCollect(ctx, Options{})
		switch {
		case err != nil:
			c.Log.WarnContext(ctx, "gc: collection failed", "err", err)
		case ran:
			c.Log.InfoContext(ctx, "gc: collection done", "blobs", rep.Blobs, "bytes", rep.BlobBytes,
				"links", rep.Links, "objects", rep.Objects, "kept", rep.Kept, "took", time.Since(start))
		}
	}
}
