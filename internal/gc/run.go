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
	ran, err = db.Exclusive(ctx, c.Pool, lockKey, func(ctx context.Context) error {
		defer db.TraceJob(ctx, c.Log, "gc")()
		rep, err = c.Collect(ctx, opt)
		return err
	})
	return rep, ran, err
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
