package search_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/search"
)

// flaky is an index that refuses every write while down.
type flaky struct {
	search.Index
	down   atomic.Bool
	writes atomic.Int64
}

var errDown = errors.New("index down")

func (f *flaky) fail() error {
	f.writes.Add(1)
	if f.down.Load() {
		return errDown
	}
	return nil
}

func (f *flaky) Upsert(ctx context.Context, d []search.Document) error {
	if err := f.fail(); err != nil {
		return err
	}
	return f.Index.Upsert(ctx, d)
}

func (f *flaky) Delete(ctx context.Context, ids []string) error {
	if err := f.fail(); err != nil {
		return err
	}
	return f.Index.Delete(ctx, ids)
}

func (f *flaky) DeleteRepository(ctx context.Context, id int64) error {
	if err := f.fail(); err != nil {
		return err
	}
	return f.Index.DeleteRepository(ctx, id)
}

func (f *flaky) UpdateRepository(ctx context.Context, r search.RepositoryFields) error {
	if err := f.fail(); err != nil {
		return err
	}
	return f.Index.UpdateRepository(ctx, r)
}

type world struct {
	pool    *pgxpool.Pool
	index   *flaky
	indexer *search.Indexer
	repo    gendb.Repository
}

func newWorld(t *testing.T) *world {
	t.Helper()
	pool, _ := dbtest.NewPool(t)
	idx := &flaky{Index: search.NewPostgres(pool)}
	repo, err := gendb.New(pool).CreateRepository(context.Background(), gendb.CreateRepositoryParams{Name: "pub", Type: "pypi", Visibility: "public"})
	require.NoError(t, err)
	x := search.NewIndexer(pool, idx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	x.Interval, x.MinBackoff, x.MaxBackoff = 5*time.Millisecond, 5*time.Millisecond, 20*time.Millisecond
	return &world{pool: pool, index: idx, indexer: x, repo: repo}
}

// publish creates a package with one version and enqueues the change in
// the same transaction, as a writer does.
func (w *world) publish(t *testing.T, name string) int64 {
	t.Helper()
	ctx := context.Background()
	tx, err := w.pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	// Tests may own SQL; the package service is not this package's.
	var id int64
	require.NoError(t, tx.QueryRow(ctx, `INSERT INTO packages (repository_id, name, normalized_name) VALUES ($1, $2, $2) RETURNING id`, w.repo.ID, name).Scan(&id))
	_, err = tx.Exec(ctx, `INSERT INTO versions (package_id, version, metadata, created_by) VALUES ($1, '1.0', '{"summary":"a summary"}', 'olivia')`, id)
	require.NoError(t, err)
	require.NoError(t, search.Enqueue(ctx, gendb.New(tx), search.PackageChanged(w.repo.ID, id)))
	err = tx.Commit(ctx)
	require.NoError(t, err)
	return id
}

func (w *world) find(t *testing.T, q string) []search.Hit {
	t.Helper()
	res, err := w.index.Search(context.Background(), search.Options{Query: q, Visible: auth.Visible{Public: true}})
	require.NoError(t, err)
	return res.Hits
}

func (w *world) backlog(t *testing.T) int64 {
	t.Helper()
	n, err := gendb.New(w.pool).CountSearchOutbox(context.Background())
	require.NoError(t, err)
	return n
}

func TestOutboxSurvivesIndexOutage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	w.index.down.Store(true)
	w.publish(t, "survivor")
	_, err := w.indexer.Drain(ctx)
	require.ErrorIs(t, err, errDown)
	require.EqualValues(t, 1, w.backlog(t), "the row stays until the index accepts it")
	require.Empty(t, w.find(t, "survivor"))

	w.index.down.Store(false)
	n, err := w.indexer.Drain(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.EqualValues(t, 0, w.backlog(t))
	hits := w.find(t, "survivor")
	require.Len(t, hits, 1)
	require.Equal(t, "1.0", hits[0].Version)
	require.Equal(t, "a summary", hits[0].Description)
	require.Equal(t, "olivia", hits[0].UploadedBy)
}

func TestRunIndexerRetriesUntilIndexReturns(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.index.down.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.indexer.Run(ctx) }()
	w.publish(t, "later")
	require.Eventually(t, func() bool { return w.index.writes.Load() >= 3 }, 10*time.Second, 5*time.Millisecond, "the indexer retries")
	require.EqualValues(t, 1, w.backlog(t))
	w.index.down.Store(false)
	require.Eventually(t, func() bool { return len(w.find(t, "later")) == 1 }, 10*time.Second, 5*time.Millisecond)
	require.Eventually(t, func() bool { return w.backlog(t) == 0 }, 10*time.Second, 5*time.Millisecond)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
}

func TestOutboxRolledBackWithWriter(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	err := db.WithTx(context.Background(), w.pool, func(q *db.Queries) error {
		if err := search.Enqueue(context.Background(), q, search.RepositoryChanged(w.repo.ID)); err != nil {
			return err
		}
		return errors.New("writer failed")
	})
	require.Error(t, err)
	require.EqualValues(t, 0, w.backlog(t))
}

func TestIndexerAppliesDeletesAndRepositoryChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	q := gendb.New(w.pool)
	id := w.publish(t, "doomed")
	w.publish(t, "kept")
	require.NoError(t, search.Enqueue(ctx, q, search.RepositoryChanged(w.repo.ID)))
	_, err := w.indexer.Drain(ctx)
	require.NoError(t, err)
	require.Len(t, w.find(t, "doomed"), 1)
	require.Len(t, w.find(t, "pub"), 1, "the repository document")

	// A deleted package: the change names it, the indexer finds it gone.
	_, err = w.pool.Exec(ctx, `DELETE FROM packages WHERE id = $1`, id)
	require.NoError(t, err)
	require.NoError(t, search.Enqueue(ctx, q, search.PackageChanged(w.repo.ID, id)))
	// The repository turns private: every document of it follows.
	_, err = w.pool.Exec(ctx, `UPDATE repositories SET visibility = 'private' WHERE id = $1`, w.repo.ID)
	require.NoError(t, err)
	require.NoError(t, search.Enqueue(ctx, q, search.RepositoryChanged(w.repo.ID)))
	_, err = w.indexer.Drain(ctx)
	require.NoError(t, err)
	require.Empty(t, w.find(t, "kept"), "private now")
	res, err := w.index.Search(ctx, search.Options{Query: "doomed", Visible: auth.Visible{All: true}})
	require.NoError(t, err)
	require.Zero(t, res.Total)

	// A deleted repository takes its documents along.
	_, err = w.pool.Exec(ctx, `DELETE FROM repositories WHERE id = $1`, w.repo.ID)
	require.NoError(t, err)
	require.NoError(t, search.Enqueue(ctx, q, search.RepositoryChanged(w.repo.ID)))
	_, err = w.indexer.Drain(ctx)
	require.NoError(t, err)
	res, err = w.index.Search(ctx, search.Options{Visible: auth.Visible{All: true}})
	require.NoError(t, err)
	require.Zero(t, res.Total)
}

func TestIndexerFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	q := gendb.New(w.pool)
	repo, err := q.CreateRepository(ctx, gendb.CreateRepositoryParams{Name: "files", Type: "files", Visibility: "public"})
	require.NoError(t, err)
	digest := "sha256:0000000000000000000000000000000000000000000000000000000000000000"
	_, err = w.pool.Exec(ctx, `INSERT INTO blobs (digest, size, storage_key) VALUES ($1, 0, 'k')`, digest)
	require.NoError(t, err)
	_, err = w.pool.Exec(ctx, `INSERT INTO repository_files (repository_id, path, parent, name, is_folder) VALUES ($1, 'docs', '', 'docs', true)`, repo.ID)
	require.NoError(t, err)
	_, err = w.pool.Exec(ctx, `INSERT INTO repository_files (repository_id, path, parent, name, is_folder, blob_digest, uploaded_by) VALUES ($1, 'docs/manual.pdf', 'docs', 'manual.pdf', false, $2, 'olivia')`, repo.ID, digest)
	require.NoError(t, err)
	require.NoError(t, search.Enqueue(ctx, q, search.FileChanged(repo.ID, "docs/manual.pdf")))
	require.NoError(t, search.Enqueue(ctx, q, search.FileChanged(repo.ID, "docs"))) // a folder is not a document
	_, err = w.indexer.Drain(ctx)
	require.NoError(t, err)
	hits := w.find(t, "manual")
	require.Len(t, hits, 1)
	require.Equal(t, "docs/manual.pdf", hits[0].Path)
	require.Equal(t, "olivia", hits[0].UploadedBy)
	hits = w.find(t, "docs")
	require.Len(t, hits, 1, "folders are not documents; the file matches by its path")
	require.Equal(t, search.KindFile, hits[0].Kind)
}

func TestIndexerOneAtATime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	w.publish(t, "queued")
	// Another node inside a batch holds the lock.
	tx, err := w.pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	ok, err := gendb.New(tx).TryLockSearchIndexer(ctx, 0x6b6f646572617331)
	require.NoError(t, err)
	require.True(t, ok)
	_, err = w.indexer.Drain(ctx)
	require.ErrorIs(t, err, search.ErrBusy)
	require.EqualValues(t, 1, w.backlog(t))
	require.NoError(t, tx.Rollback(ctx))
	n, err := w.indexer.Drain(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
}

func TestReindexRebuildsFromTables(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	w.publish(t, "from-tables")
	// A stale document nothing in the tables backs.
	require.NoError(t, w.index.Upsert(ctx, []search.Document{{ID: search.PackageDocID(9999), Kind: search.KindPackage,
		RepositoryID: w.repo.ID, RepositoryName: "pub", RepositoryType: "pypi", Visibility: "public", Name: "stale-tables", UpdatedAt: time.Now()}}))
	require.NoError(t, w.indexer.Reindex(ctx))
	require.Len(t, w.find(t, "from-tables"), 1)
	require.Empty(t, w.find(t, "stale-tables"))
	require.Len(t, w.find(t, "pub"), 1)
	require.EqualValues(t, 1, w.backlog(t), "the outbox is left for the indexer")
}

// Two nodes run indexers on one database: every change lands once the
// outbox drains, whichever node applied it.
func TestTwoIndexersDrainTogether(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	other := search.NewIndexer(w.pool, w.index, slog.New(slog.NewTextHandler(io.Discard, nil)))
	other.Interval, other.BatchSize = 5*time.Millisecond, 3
	w.indexer.BatchSize = 3
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 2)
	go func() { done <- w.indexer.Run(ctx) }()
	go func() { done <- other.Run(ctx) }()
	for i := range 20 {
		w.publish(t, fmt.Sprintf("twin-%02d", i))
	}
	require.Eventually(t, func() bool { return w.backlog(t) == 0 }, 20*time.Second, 5*time.Millisecond)
	res, err := w.index.Search(context.Background(), search.Options{Query: "twin", Visible: auth.Visible{All: true}})
	require.NoError(t, err)
	require.Equal(t, 20, res.Total)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	require.ErrorIs(t, <-done, context.Canceled)
}
