package gc

import (
	"context"
	"fmt"
	"strings"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/db"
)

// FsckReport lists what the database and the store disagree on. fsck only
// reports; it never repairs.
type FsckReport struct {
	// Rows is the number of blobs rows checked.
	Rows int
	// Objects is the number of store objects checked (blobs/ and objects/).
	Objects int
	// Missing lists the digests whose row names an object the store lacks:
	// content lost (a re-upload of the same bytes repairs it).
	Missing []string
	// Orphans lists the keys of objects no blobs row and no upload session
	// names, with their sizes: leaked content gc reclaims once it is older
	// than the upload TTL.
	Orphans     []string
	OrphanBytes int64
}

// String is the report `kodera fsck` prints.
func (r FsckReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "checked %d blobs rows and %d stored objects: %d missing, %d orphaned (%d bytes)\n",
		r.Rows, r.Objects, len(r.Missing), len(r.Orphans), r.OrphanBytes)
	for _, d := range r.Missing {
		fmt.Fprintf(&b, "missing %s\n", d)
	}
	for _, k := range r.Orphans {
		fmt.Fprintf(&b, "orphan %s\n", k)
	}
	return b.String()
}

// Fsck compares the blobs rows with the store. Rows are checked with one
// Stat each; objects are listed and looked up in batches. Objects written
// during the check may show as orphans (an upload not yet committed): run
// it again before acting on one.
func (c *Collector) Fsck(ctx context.Context) (FsckReport, error) {
	var rep FsckReport
	q := gendb.New(c.Pool)
	after := ""
	for {
		rows, err := q.ListBlobsAfter(ctx, gendb.ListBlobsAfterParams{After: after, MaxRows: batch})
		if err != nil {
			return rep, db.Translate(err)
		}
		for _, r := range rows {
			rep.Rows++
			if _, err := c.Store.Driver().Stat(ctx, r.StorageKey); err != nil {
				if !isNotExist(err) {
					return rep, fmt.Errorf("fsck: %s: %w", r.StorageKey, err)
				}
				rep.Missing = append(rep.Missing, r.Digest)
			}
		}
		if len(rows) < batch {
			break
		}
		after = rows[len(rows)-1].Digest
	}

	for _, prefix := range []string{blob.ContentPrefix, blob.ObjectPrefix} {
		var keys []string
		sizes := map[string]int64{}
		flush := func() error {
			if len(keys) == 0 {
				return nil
			}
			unused, err := q.ListUnusedStorageKeys(ctx, keys)
			if err != nil {
				return db.Translate(err)
			}
			for _, k := range unused {
				rep.Orphans = append(rep.Orphans, k)
				rep.OrphanBytes += sizes[k]
			}
			keys, sizes = keys[:0], map[string]int64{}
			return nil
		}
		err := c.Store.Driver().List(ctx, prefix, func(info blob.Info) error {
			rep.Objects++
			keys = append(keys, info.Key)
			sizes[info.Key] = info.Size
			if len(keys) == batch {
				return flush()
			}
			return nil
		})
		if err == nil {
			err = flush()
		}
		if err != nil {
			return rep, fmt.Errorf("fsck: listing %s: %w", prefix, err)
		}
	}
	return rep, nil
}
