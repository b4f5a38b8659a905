// Package pypi is the service behind Python repositories (issue 10): the
// rules of an upload (twine's legacy API: digests, file names, PEP 440,
// duplicates), the metadata read from the stored archive, and what the
// simple index (PEP 503, 691, 592, 658, 700, 714) and the Warehouse JSON
// API serve. It writes the generic rows through internal/packages and
// keeps pypi_files (migration 00070) beside them: one row per file name
// ever uploaded, so that a name is never reused, with what the index needs
// per file (sha256, requires-python, the PEP 658 metadata blob, yanks).
//
// No HTTP here: handlers/pypi speaks the protocol, handlers/api the REST
// views.
package pypi

import (
	"context"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/packages"
	"github.com/kodera-packages/kodera/internal/repository"
)

// Audit actions, in the trail's <area>.<verb> style.
const (
	ActionUpload = "pypi.upload"
	ActionYank   = "pypi.yank"
	ActionUnyank = "pypi.unyank"
	ActionDelete = "pypi.delete"
)

// Service is the PyPI service; build it once per node.
type Service struct {
	pool     *pgxpool.Pool
	blobs    *repository.Blobs
	packages *packages.Service
	serials  serials
}

// New returns the service over pool and store.
func New(pool *pgxpool.Pool, store *blob.Store) *Service {
	return &Service{pool: pool, blobs: &repository.Blobs{Pool: pool, Store: store}, packages: packages.NewService(pool)}
}

func (s *Service) q() *gendb.Queries { return gendb.New(s.pool) }

// Blob is stored content the protocol serves: a distribution file or its
// metadata file.
type Blob struct {
	Name       string
	Digest     string // sha256:<hex>
	Size       int64
	StorageKey string
	Modified   time.Time
}

// Open reads the bytes [offset, offset+length) of b.
func (s *Service) Open(ctx context.Context, b Blob, offset, length int64) (io.ReadCloser, error) {
	return s.blobs.Store.Open(ctx, b.StorageKey, offset, length)
}
