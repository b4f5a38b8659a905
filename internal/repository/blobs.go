package repository

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// Blobs stores content once per digest and records where it lives: the
// object goes in first (content-addressed, idempotent), the blobs row
// after, and when the digest was already known the new copy is dropped.
type Blobs struct {
	Pool  *pgxpool.Pool
	Store *blob.Store
}

// Put streams r into the store (verifying opt.Expect / opt.ExpectSize) and
// returns its row plus the sums computed on the way.
func (b *Blobs) Put(ctx context.Context, r io.Reader, size int64, opt blob.IngestOptions) (gendb.Blob, blob.Object, error) {
	obj, err := b.Store.Ingest(ctx, r, size, opt)
	if err != nil {
		return gendb.Blob{}, blob.Object{}, err
	}
	row, err := b.Register(ctx, obj)
	return row, obj, err
}

// Register records an ingested object; if its digest is already stored
// under another key, the new object is deleted and the existing row wins.
func (b *Blobs) Register(ctx context.Context, obj blob.Object) (gendb.Blob, error) {
	row, err := gendb.New(b.Pool).InsertBlob(ctx, gendb.InsertBlobParams{Digest: obj.Digest, Size: obj.Size, StorageKey: obj.Key})
	if err != nil {
		return gendb.Blob{}, db.Translate(err)
	}
	if row.StorageKey == obj.Key {
		if strings.HasPrefix(obj.Key, blob.ContentPrefix) {
			// On a content-addressed store Ingest drops its copy when the
			// content is already there. If a garbage collection took that
			// object between the drop and this insert (it vacates the key
			// while holding the row this insert waited for), the row now
			// names nothing: fail the upload, which the client retries,
			// rather than record content that is gone.
			if _, err := b.Store.Driver().Stat(ctx, obj.Key); errors.Is(err, fs.ErrNotExist) {
				return gendb.Blob{}, domain.Errorf(domain.ErrUnavailable, "content %s was being garbage-collected; retry the upload", obj.Digest)
			}
		}
		return row, nil
	}
	// The digest was known. Keep the stored copy and drop the new one,
	// unless the stored object is gone (lost from the store): then the new
	// copy repairs the row, so a client's re-upload heals the blob.
	if _, err := b.Store.Driver().Stat(ctx, row.StorageKey); errors.Is(err, fs.ErrNotExist) {
		q := gendb.New(b.Pool)
		err := q.RepairBlobStorageKey(ctx, gendb.RepairBlobStorageKeyParams{Digest: obj.Digest, NewKey: obj.Key, OldKey: row.StorageKey})
		if err != nil {
			return gendb.Blob{}, db.Translate(err)
		}
		return b.Get(ctx, obj.Digest)
	}
	_ = b.Store.Delete(context.WithoutCancel(ctx), obj.Key)
	return row, nil
}

// Get returns the row of a stored digest (domain.ErrNotFound if unknown).
func (b *Blobs) Get(ctx context.Context, digest string) (gendb.Blob, error) {
	row, err := gendb.New(b.Pool).GetBlob(ctx, digest)
	return row, db.Translate(err)
}

// Open reads a stored blob's bytes [offset, offset+length); length < 0 reads to the end.
func (b *Blobs) Open(ctx context.Context, row gendb.Blob, offset, length int64) (io.ReadCloser, error) {
	return b.Store.Open(ctx, row.StorageKey, offset, length)
}
