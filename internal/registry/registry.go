// Package registry is the OCI registry service behind handlers/oci: blob
// links, resumable uploads, manifests, tags, referrers and the catalog.
// Rows live in Postgres, content in the blob store; handlers never see SQL.
//
// An OCI name "<repo>/<image path>" is addressed here as a repository id
// plus the image path ("" for an image at the repository root).
package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/audit"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/repository"
)

// Protocol-level failures; handlers/oci maps each to its OCI error code.
var (
	ErrBlobUnknown         = errors.New("blob unknown")
	ErrUploadUnknown       = errors.New("upload unknown")
	ErrUploadInvalid       = errors.New("upload invalid")
	ErrRangeInvalid        = errors.New("range not satisfiable")
	ErrDigestInvalid       = errors.New("digest invalid")
	ErrSizeInvalid         = errors.New("size invalid")
	ErrManifestUnknown     = errors.New("manifest unknown")
	ErrManifestInvalid     = errors.New("manifest invalid")
	ErrManifestBlobUnknown = errors.New("manifest blob unknown")
	ErrManifestTooLarge    = errors.New("manifest too large")
	ErrTagInvalid          = errors.New("tag invalid")
	// ErrImmutable: the repository is immutable and the push or delete would change a tag.
	ErrImmutable = errors.New("immutable")
	// ErrReferenced: a stored manifest still references what a delete names.
	ErrReferenced = errors.New("still referenced")
)

// failure is a protocol failure: its sentinel (which the handler maps to
// a code), a message for the client, and the cause for the logs.
type failure struct {
	kind  error
	msg   string
	cause error
}

func (e *failure) Error() string {
	s := e.kind.Error() + ": " + e.msg
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	return s
}

func (e *failure) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// fail builds a failure of kind with a message for the client; cause (may
// be nil) stays in the chain for errors.Is and the logs only.
func fail(kind, cause error, format string, args ...any) error {
	return &failure{kind: kind, msg: fmt.Sprintf(format, args...), cause: cause}
}

// Detail returns the client-facing message of a registry failure, without
// the internal chain behind it.
func Detail(err error) (string, bool) {
	var f *failure
	if errors.As(err, &f) {
		return f.msg, true
	}
	return "", false
}

// Service is the registry over one database and blob store.
type Service struct {
	Pool  *pgxpool.Pool
	Store *blob.Store
	Blobs *repository.Blobs
	Log   *slog.Logger
	// LeaseTTL overrides [LeaseTTL] (tests); zero means the default.
	LeaseTTL time.Duration
}

// New builds the service.
func New(pool *pgxpool.Pool, store *blob.Store, log *slog.Logger) *Service {
	return &Service{Pool: pool, Store: store, Blobs: &repository.Blobs{Pool: pool, Store: store}, Log: log}
}

// Name is an OCI name resolved to its Kodera repository.
type Name struct {
	Repo  domain.Repository
	Image string
}

// Full is the OCI name as clients spell it.
func (n Name) Full() string {
	if n.Image == "" {
		return n.Repo.Name
	}
	return n.Repo.Name + "/" + n.Image
}

// Blob is a blob visible under a name.
type Blob struct {
	Digest     string // as the client names it (sha256 or sha512)
	BlobDigest string // sha256 content address
	Size       int64
	StorageKey string
}

func (s *Service) q() *gendb.Queries { return gendb.New(s.Pool) }

// Stat finds a blob linked to the name.
func (s *Service) Stat(ctx context.Context, n Name, digest string) (Blob, error) {
	row, err := s.q().GetBlobLink(ctx, gendb.GetBlobLinkParams{RepositoryID: n.Repo.ID, Image: n.Image, Digest: digest})
	if err = db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return Blob{}, ErrBlobUnknown
		}
		return Blob{}, err
	}
	return Blob{Digest: row.Digest, BlobDigest: row.BlobDigest, Size: row.Size, StorageKey: row.StorageKey}, nil
}

// Touch tells garbage collection that a client is about to rely on a blob
// linked to the name (it HEADed it, so it will not upload it before
// pushing a manifest): the link's grace period starts again. A missing
// link is no error; Stat reports it.
func (s *Service) Touch(ctx context.Context, n Name, digest string) error {
	return db.Translate(s.q().TouchBlobLink(ctx, gendb.TouchBlobLinkParams{RepositoryID: n.Repo.ID, Image: n.Image, Digest: digest}))
}

// Open reads [offset, offset+length) of a blob; length < 0 reads to the end.
// Content that its row promises but the store no longer holds is
// ErrBlobUnknown for the client and an error in the log: the store lost it.
func (s *Service) Open(ctx context.Context, b Blob, offset, length int64) (io.ReadCloser, error) {
	rc, err := s.Store.Open(ctx, b.StorageKey, offset, length)
	if errors.Is(err, fs.ErrNotExist) {
		s.Log.ErrorContext(ctx, "registry: blob content missing from the store", "digest", b.BlobDigest, "key", b.StorageKey, "err", err)
		return nil, errors.Join(ErrBlobUnknown, err)
	}
	return rc, err
}

// DeleteBlob unlinks a blob from the name; the content is left to GC. A
// blob a stored manifest of the name references is ErrReferenced: delete
// the manifests first (as the content-management workflow does).
func (s *Service) DeleteBlob(ctx context.Context, n Name, digest string) error {
	return db.WithTx(ctx, s.Pool, func(q *db.Queries) error {
		// Delete first, then check: the delete locks the link row, so a
		// manifest push that share-locked it has committed by now and the
		// check (a fresh snapshot) sees its reference; a push that comes
		// later waits for this transaction and finds the link gone. A
		// referenced blob rolls the delete back.
		rows, err := q.DeleteBlobLink(ctx, gendb.DeleteBlobLinkParams{RepositoryID: n.Repo.ID, Image: n.Image, Digest: digest})
		if err != nil {
			return db.Translate(err)
		}
		if rows == 0 {
			return ErrBlobUnknown
		}
		if err := referenced(ctx, q, n, digest, "blob"); err != nil {
			return err
		}
		return audit.Record(ctx, q, audit.Event{Action: "docker.delete", Target: n.Full() + "@" + digest, Details: map[string]any{"kind": "blob"}})
	})
}

// referenced fails with ErrReferenced when a manifest of n references
// digest as kind ("blob" or "manifest").
func referenced(ctx context.Context, q *db.Queries, n Name, digest, kind string) error {
	by, err := q.GetReferencingManifest(ctx, gendb.GetReferencingManifestParams{RepositoryID: n.Repo.ID, Image: n.Image, Digest: digest, Kind: kind})
	switch err = db.Translate(err); {
	case err == nil:
		return fail(ErrReferenced, nil, "%s %s is referenced by manifest %s; delete that first", kind, digest, by)
	case errors.Is(err, domain.ErrNotFound):
		return nil
	}
	return err
}

// Mount links a blob visible under from to n. The caller has checked that
// it may read from; ErrBlobUnknown means the caller falls back to an upload.
func (s *Service) Mount(ctx context.Context, n, from Name, digest string) (Blob, error) {
	b, err := s.Stat(ctx, from, digest)
	if err != nil {
		return Blob{}, err
	}
	return b, s.link(ctx, n, b)
}

func (s *Service) link(ctx context.Context, n Name, b Blob) error {
	return db.Translate(s.q().InsertBlobLink(ctx, gendb.InsertBlobLinkParams{
		RepositoryID: n.Repo.ID, Image: n.Image, Digest: b.Digest, BlobDigest: b.BlobDigest, Size: b.Size,
	}))
}

// PutBlob stores a whole blob in one request (monolithic upload) and links
// it under digest.
func (s *Service) PutBlob(ctx context.Context, n Name, r io.Reader, size int64, digest string) (Blob, error) {
	d, err := blob.ParseDigest(digest)
	if err != nil {
		return Blob{}, ErrDigestInvalid
	}
	row, _, err := s.Blobs.Put(ctx, r, size, blob.IngestOptions{Expect: d.String(), ExpectSize: -1})
	if err != nil {
		return Blob{}, ingestErr(err)
	}
	b := Blob{Digest: digest, BlobDigest: row.Digest, Size: row.Size, StorageKey: row.StorageKey}
	return b, s.link(ctx, n, b)
}

func ingestErr(err error) error {
	switch {
	case errors.Is(err, blob.ErrDigestMismatch):
		return fail(ErrDigestInvalid, err, "content does not match the digest")
	case errors.Is(err, blob.ErrInvalidDigest):
		return fail(ErrDigestInvalid, err, "unsupported digest")
	case errors.Is(err, blob.ErrSizeMismatch):
		return fail(ErrSizeInvalid, err, "content length does not match the declared size")
	}
	return err
}

// Sources returns a few OCI names a blob is visible under; the caller
// filters them by what it may read.
func (s *Service) Sources(ctx context.Context, digest string) ([]string, error) {
	rows, err := s.q().ListBlobLinkSources(ctx, digest)
	if err != nil {
		return nil, db.Translate(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		if r.Image == "" {
			out[i] = r.Repository
		} else {
			out[i] = r.Repository + "/" + r.Image
		}
	}
	return out, nil
}
