// Package gc reclaims stored content nothing references any more, online:
// pushes and pulls go on while it runs (issue 14; the design card's
// `kodera gc`). It also checks the store against the database (fsck).
//
// # What references a blob
//
// A blobs row is referenced while an OCI blob link (oci_blob_links), a
// package file (package_files: every format's files, OCI layers and configs,
// Go module zips, PyPI distributions), a file of a files repository
// (repository_files) or a live PyPI file's core metadata (pypi_files.
// metadata_digest) names it. A PyPI file row outlives its file (a name is
// never uploaded twice), so a collection first clears the metadata
// reference of rows whose file was deleted, which makes the PEP 658 blob
// collectable like any other. Every one of these has a foreign key to blobs,
// which is the last line of defence below. Upload sessions in progress own
// storage keys, not rows (oci_uploads.parts, objects under uploads/ and
// objects/); registry.SweepOrphans already reclaims what dead sessions left,
// and Collect runs it (with SweepUploads). OCI blob links that no manifest
// of their name references (what a deleted manifest leaves) are collected
// first, older than the grace period, the way distribution's GC drops
// unreferenced layers of a repository. A client that HEADs a blob skips
// uploading it and pushes a manifest naming it next, so a HEAD (and linking
// the blob again) restarts the link's grace period (TouchBlobLink), and the
// link's delete re-checks its age under the row lock.
//
// # Online safety
//
// Mark: one query lists blobs created and last re-referenced before the
// cutoff (now minus the grace period) that nothing references. A writer
// that reuses a known digest (repository.Blobs.Register: InsertBlob finding
// the row) stamps blobs.last_referenced_at in the same statement, so a push
// that re-references a candidate after the mark un-marks it.
//
// Sweep, per candidate, in one transaction: lock the row (SELECT ... FOR
// UPDATE) and re-check, in a fresh snapshot, that it is unreferenced and
// untouched since the cutoff; then, on a content-addressed store (the
// filesystem), rename the object out of its content address into tmp/
// while still holding the lock; then delete the row and commit. Only after
// the commit is the object deleted. A writer that raced the sweep either
// stamped the row first (the re-check keeps the blob), or waits on the lock
// and then inserts a fresh row: the content address is vacant by then, so
// either its own rename put its bytes there or Register sees the object
// missing and fails the upload for the client to retry; it never records
// content that is gone. A link inserted concurrently fails the foreign key
// check of the delete, which rolls back (the blob is kept). A failure after
// the commit leaks an object under tmp/ (swept by age) rather than losing
// one: leak rather than lose.
//
// One collection runs at a time across all nodes: Run takes a Postgres
// advisory lock and skips the round when another node holds it.
package gc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/registry"
)

// DefaultGrace is how old an unreferenced blob must be before it is
// collected: longer than any push takes from its first blob to its
// manifest, so content uploaded for a manifest not yet pushed survives.
const DefaultGrace = 24 * time.Hour

// lockKey is the advisory lock that makes one node at a time collect
// ("kodera gc" in ASCII).
const lockKey int64 = 0x6b6f646572616763

// batch bounds the rows a collection holds in memory at once.
const batch = 500

// Collector collects one database and store.
type Collector struct {
	Pool  *pgxpool.Pool
	Store *blob.Store
	Log   *slog.Logger
	// Grace overrides DefaultGrace; a negative value means zero (tests).
	Grace time.Duration
	// Hook, when set, is called with every candidate digest at two points
	// of its sweep: StageMarked before the transaction, StageLocked once
	// the row is locked and re-checked (and its content address vacated).
	// Tests interleave a concurrent push there.
	Hook func(ctx context.Context, stage, digest string)
}

// Options shape one collection.
type Options struct {
	// DryRun reports what would be reclaimed and changes nothing.
	DryRun bool
}

// Report says what a collection reclaimed (or, in a dry run, would).
type Report struct {
	// Links is the number of OCI blob links no manifest referenced.
	Links int
	// PyPIMetadata counts deleted PyPI files whose core-metadata blob
	// was released (the blobs themselves are counted in Blobs).
	PyPIMetadata int
	// Blobs and BlobBytes count the blobs rows deleted with their content.
	Blobs     int
	BlobBytes int64
	// Kept counts candidates a concurrent writer re-referenced.
	Kept int
	// Uploads counts abandoned upload sessions ended (registry.UploadTTL).
	Uploads int
	// Objects and ObjectBytes count store objects without a row (what
	// dead uploads left) removed.
	Objects     int
	ObjectBytes int64
	// DryRun is set when nothing was changed.
	DryRun bool
}

// String is the report `kodera gc` prints.
func (r Report) String() string {
	verb := "reclaimed"
	if r.DryRun {
		verb = "would reclaim"
	}
	return fmt.Sprintf("%s: %d blobs (%d bytes), %d unreferenced OCI links, %d metadata files of deleted PyPI files, %d abandoned uploads, %d orphaned upload objects (%d bytes); %d candidates kept (re-referenced)",
		verb, r.Blobs, r.BlobBytes, r.Links, r.PyPIMetadata, r.Uploads, r.Objects, r.ObjectBytes, r.Kept)
}

func (c *Collector) grace() time.Duration {
	switch {
	case c.Grace < 0:
		return 0
	case c.Grace == 0:
		return DefaultGrace
	}
	return c.Grace
}

// Collect runs one collection now, without the cross-node lock (Run takes
// it). Running two at once is safe, only wasteful: every step re-checks
// under row locks.
func (c *Collector) Collect(ctx context.Context, opt Options) (Report, error) {
	rep := Report{DryRun: opt.DryRun}
	cutoff, err := c.cutoff(ctx)
	if err != nil {
		return rep, err
	}
	if err := c.collectLinks(ctx, cutoff, opt, &rep); err != nil {
		return rep, err
	}
	if err := c.releasePyPIMetadata(ctx, opt, &rep); err != nil {
		return rep, err
	}
	if err := c.collectBlobs(ctx, cutoff, opt, &rep); err != nil {
		return rep, err
	}
	if !opt.DryRun {
		// Abandoned upload sessions and the objects dead uploads left:
		// the registry's sweeps (also run hourly by every node), so that
		// one `kodera gc` reclaims everything reclaimable.
		reg := registry.New(c.Pool, c.Store, c.Log)
		n, err := reg.SweepUploads(ctx, time.Now())
		rep.Uploads = n
		if err != nil {
			return rep, err
		}
		n, b, err := reg.SweepOrphanObjects(ctx, time.Now())
		rep.Objects, rep.ObjectBytes = n, b
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// cutoff is the database's clock minus the grace period: rows are stamped
// with the database's now(), so the node's clock must not matter.
func (c *Collector) cutoff(ctx context.Context) (time.Time, error) {
	var now time.Time
	if err := c.Pool.QueryRow(ctx, "SELECT now()").Scan(&now); err != nil {
		return time.Time{}, db.Translate(err)
	}
	return now.Add(-c.grace()), nil
}

// collectLinks deletes OCI blob links no manifest of their name references.
// Each goes in its own transaction the registry's way (delete, then check
// in a fresh snapshot): a manifest push share-locks the links it needs, so
// the delete waits for it and the check then sees its reference. The
// delete re-checks the link's age: a push that linked the blob again or
// HEADed it (which makes clients skip the upload) restarted its grace.
func (c *Collector) collectLinks(ctx context.Context, cutoff time.Time, opt Options, rep *Report) error {
	q := gendb.New(c.Pool)
	after := gendb.ListUnreferencedLinksRow{}
	for {
		rows, err := q.ListUnreferencedLinks(ctx, gendb.ListUnreferencedLinksParams{
			Cutoff: cutoff, AfterRepositoryID: after.RepositoryID, AfterImage: after.Image, AfterDigest: after.Digest, MaxRows: batch,
		})
		if err != nil {
			return db.Translate(err)
		}
		for _, l := range rows {
			if opt.DryRun {
				rep.Links++
				continue
			}
			err := db.WithTx(ctx, c.Pool, func(q *db.Queries) error {
				n, err := q.DeleteStaleBlobLink(ctx, gendb.DeleteStaleBlobLinkParams{RepositoryID: l.RepositoryID, Image: l.Image, Digest: l.Digest, Cutoff: cutoff})
				if err != nil || n == 0 {
					return db.Translate(err)
				}
				_, err = q.GetReferencingManifest(ctx, gendb.GetReferencingManifestParams{RepositoryID: l.RepositoryID, Image: l.Image, Digest: l.Digest, Kind: "blob"})
				if err == nil {
					return errKept
				}
				if err = db.Translate(err); !isNotFound(err) {
					return err
				}
				rep.Links++
				return nil
			})
			if err != nil && !errors.Is(err, errKept) {
				return err
			}
		}
		if len(rows) < batch {
			return nil
		}
		after = rows[len(rows)-1]
	}
}

// releasePyPIMetadata clears the metadata reference of deleted PyPI files
// (their rows stay as tombstones of the name). In a dry run the released
// blobs are not counted: they are still referenced until it runs for real.
func (c *Collector) releasePyPIMetadata(ctx context.Context, opt Options, rep *Report) error {
	q := gendb.New(c.Pool)
	if opt.DryRun {
		n, err := q.CountDeadPyPIMetadata(ctx)
		rep.PyPIMetadata = int(n)
		return db.Translate(err)
	}
	n, err := q.ReleaseDeadPyPIMetadata(ctx)
	rep.PyPIMetadata = int(n)
	return db.Translate(err)
}

// Hook stages.
const (
	StageMarked = "marked"
	StageLocked = "locked"
)

// errKept rolls back a step whose re-check found a new reference.
var errKept = errors.New("gc: re-referenced, kept")

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

func isNotFound(err error) bool { return errors.Is(err, domain.ErrNotFound) }

// isConflict: a foreign key still names the row (a reference committed
// while the re-check ran), the last line of defence.
func isConflict(err error) bool { return errors.Is(err, domain.ErrConflict) }

// collectBlobs marks unreferenced blobs a page at a time (by digest, so a
// dry run that deletes nothing still moves on) and sweeps them one by one.
func (c *Collector) collectBlobs(ctx context.Context, cutoff time.Time, opt Options, rep *Report) error {
	q := gendb.New(c.Pool)
	after := ""
	for {
		cands, err := q.ListGCCandidates(ctx, gendb.ListGCCandidatesParams{Cutoff: cutoff, After: after, MaxRows: batch})
		if err != nil {
			return db.Translate(err)
		}
		for _, b := range cands {
			if opt.DryRun {
				rep.Blobs++
				rep.BlobBytes += b.Size
				continue
			}
			if c.Hook != nil {
				c.Hook(ctx, StageMarked, b.Digest)
			}
			gone, err := c.sweep(ctx, b.Digest, cutoff)
			if err != nil {
				return err
			}
			if gone {
				rep.Blobs++
				rep.BlobBytes += b.Size
			} else {
				rep.Kept++
			}
		}
		if len(cands) < batch {
			return nil
		}
		after = cands[len(cands)-1].Digest
	}
}

// sweep deletes one marked blob if the re-check under its row lock still
// finds it unreferenced; see the package doc. It reports whether it did.
func (c *Collector) sweep(ctx context.Context, digest string, cutoff time.Time) (bool, error) {
	var doomed string // the key to delete once committed
	var moved, vacated string
	err := db.WithTx(ctx, c.Pool, func(q *db.Queries) error {
		row, err := q.LockGCCandidate(ctx, gendb.LockGCCandidateParams{Digest: digest, Cutoff: cutoff})
		if err != nil {
			return db.Translate(err)
		}
		doomed = row.StorageKey
		if mover, ok := c.Store.Driver().(blob.Mover); ok && strings.HasPrefix(row.StorageKey, blob.ContentPrefix) {
			// Vacate the content address while the lock is held, so no
			// writer can dedup against bytes about to go.
			trash := fmt.Sprintf("%sgc-%s-%d", blob.TempPrefix, strings.TrimPrefix(digest, "sha256:"), time.Now().UnixNano())
			switch err := mover.Move(ctx, row.StorageKey, trash); {
			case err == nil:
				doomed, moved, vacated = trash, trash, row.StorageKey
			case errors.Is(err, fs.ErrNotExist):
				doomed = "" // already missing: only the row goes
			default:
				return fmt.Errorf("gc: vacating %s: %w", row.StorageKey, err)
			}
		}
		if c.Hook != nil {
			c.Hook(ctx, StageLocked, digest)
		}
		if _, err := q.DeleteGCBlob(ctx, digest); err != nil {
			return db.Translate(err)
		}
		return nil
	})
	if err != nil {
		if moved != "" {
			// The row stays: put the content back where it names it.
			if merr := c.Store.Driver().(blob.Mover).Move(context.WithoutCancel(ctx), moved, vacated); merr != nil && !errors.Is(merr, fs.ErrExist) {
				c.Log.ErrorContext(ctx, "gc: restoring content after a failed sweep", "digest", digest, "key", moved, "err", merr)
			}
		}
		if isNotFound(err) || isConflict(err) {
			return false, nil // re-referenced (or gone already): kept
		}
		return false, err
	}
	if doomed != "" {
		if err := c.Store.Delete(ctx, doomed); err != nil {
			// Committed: the row is gone, so the object only leaks.
			c.Log.WarnContext(ctx, "gc: deleting collected content (leaked)", "digest", digest, "key", doomed, "err", err)
		}
	}
	return true, nil
}
