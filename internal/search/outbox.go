package search

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// Change names something search shows that a transaction changed. The
// indexer reads its state when it applies the change, so a change carries
// no values and may be applied any number of times.
type Change struct {
	Kind         Kind
	RepositoryID int64
	PackageID    int64  // KindPackage
	Path         string // KindFile
}

// RepositoryChanged: a repository was created, updated or deleted.
func RepositoryChanged(repositoryID int64) Change {
	return Change{Kind: KindRepository, RepositoryID: repositoryID}
}

// PackageChanged: a package, one of its versions or files was created,
// updated or deleted.
func PackageChanged(repositoryID, packageID int64) Change {
	return Change{Kind: KindPackage, RepositoryID: repositoryID, PackageID: packageID}
}

// FileChanged: a file of a files repository was written or deleted.
func FileChanged(repositoryID int64, path string) Change {
	return Change{Kind: KindFile, RepositoryID: repositoryID, Path: path}
}

// Enqueue records c in the outbox. Call it with the Queries of the
// transaction making the change, so the change and its outbox row commit
// together or not at all.
func Enqueue(ctx context.Context, q *gendb.Queries, c Change) error {
	p := gendb.InsertSearchOutboxParams{Kind: string(c.Kind), RepositoryID: c.RepositoryID}
	switch c.Kind {
	case KindRepository:
	case KindPackage:
		p.PackageID = &c.PackageID
	case KindFile:
		p.Path = &c.Path
	default:
		return domain.Errorf(domain.ErrInvalid, "search: unknown change kind %q", c.Kind)
	}
	return db.Translate(q.InsertSearchOutbox(ctx, p))
}

// EnqueueFileTree records a change of every file at or below path in a
// files repository (the file itself, or a folder's whole content). Call it
// in the writer's transaction before a tree is deleted or moved away (the
// old paths) and after it is moved in (the new paths): folders are not
// documents, their files are.
func EnqueueFileTree(ctx context.Context, q *gendb.Queries, repositoryID int64, path string) error {
	return db.Translate(q.InsertSearchOutboxFileTree(ctx, gendb.InsertSearchOutboxFileTreeParams{RepositoryID: repositoryID, Path: path}))
}

// EnqueueOwnedRepositories records a change of every repository userID
// owns; call it in the transaction deleting the user, before the delete
// (hits show the owner's name and queries match it).
func EnqueueOwnedRepositories(ctx context.Context, q *gendb.Queries, userID int64) error {
	return db.Translate(q.InsertSearchOutboxOwnedRepositories(ctx, &userID))
}

// indexerLockKey is the advisory lock one indexer (or a reindex) holds.
const indexerLockKey int64 = 0x6b6f646572617331 // "koderas1"

// Indexer drains the outbox into an Index.
type Indexer struct {
	pool  *pgxpool.Pool
	index Index
	log   *slog.Logger

	// BatchSize is how many outbox rows one transaction applies.
	BatchSize int
	// Interval is the wait between polls of an empty (or busy) outbox.
	Interval time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failed batch.
	MinBackoff, MaxBackoff time.Duration
}

// NewIndexer builds an indexer with the default batch size and timings.
func NewIndexer(pool *pgxpool.Pool, index Index, log *slog.Logger) *Indexer {
	return &Indexer{pool: pool, index: index, log: log, BatchSize: 500,
		Interval: time.Second, MinBackoff: time.Second, MaxBackoff: time.Minute}
}

// RunIndexer runs an indexer with the defaults until ctx ends; every node
// may run one.
func RunIndexer(ctx context.Context, pool *pgxpool.Pool, index Index, log *slog.Logger) error {
	return NewIndexer(pool, index, log).Run(ctx)
}

// ErrBusy is Drain's answer while another node holds the indexer lock.
var ErrBusy = errors.New("search: indexer busy on another node")

// Run drains the outbox until ctx ends, backing off while the index
// fails. It returns ctx's error.
func (x *Indexer) Run(ctx context.Context) error {
	backoff := x.MinBackoff
	for {
		n, err := x.step(ctx)
		var wait time.Duration
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, ErrBusy):
			wait = x.Interval
		case err != nil:
			x.log.Warn("search indexer: batch failed, will retry", "err", err, "retry_in", backoff)
			wait = backoff
			backoff = min(backoff*2, x.MaxBackoff)
		case n == 0:
			backoff = x.MinBackoff
			wait = x.Interval
		default:
			backoff = x.MinBackoff
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Drain applies outbox batches until the outbox is empty and returns how
// many rows it applied. It fails on the first batch the index refuses
// (the rows stay) and when another node holds the indexer lock.
func (x *Indexer) Drain(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := x.step(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// step applies one batch in one transaction: the rows are deleted only if
// the index accepted every change they name.
func (x *Indexer) step(ctx context.Context) (int, error) {
	n := 0
	err := db.WithTx(ctx, x.pool, func(q *db.Queries) error {
		ok, err := q.TryLockSearchIndexer(ctx, indexerLockKey)
		if err != nil {
			return db.Translate(err)
		}
		if !ok {
			return ErrBusy
		}
		// The transaction-level lock goes at commit, after this.
		defer db.TraceJob(ctx, x.log, "search-indexer")()
		rows, err := q.ClaimSearchOutbox(ctx, int32(x.BatchSize))
		if err != nil || len(rows) == 0 {
			return db.Translate(err)
		}
		if err := x.apply(ctx, q, rows); err != nil {
			return err
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		n = len(rows)
		return db.Translate(q.DeleteSearchOutbox(ctx, ids))
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// apply reads the current state of what rows name and writes it to the
// index: repositories first (a deleted one takes its documents along),
// then packages and files in one upsert and one delete.
func (x *Indexer) apply(ctx context.Context, q *gendb.Queries, rows []gendb.SearchOutbox) error {
	var (
		docs    []Document
		deletes []string
		seen    = map[string]bool{}
	)
	for _, r := range rows {
		if r.Kind != string(KindRepository) || seen[RepositoryDocID(r.RepositoryID)] {
			continue
		}
		seen[RepositoryDocID(r.RepositoryID)] = true
		repo, err := q.GetSearchSourceRepository(ctx, r.RepositoryID)
		if err = db.Translate(err); errors.Is(err, domain.ErrNotFound) {
			if err := x.index.DeleteRepository(ctx, r.RepositoryID); err != nil {
				return err
			}
			continue
		} else if err != nil {
			return err
		}
		if err := x.index.UpdateRepository(ctx, repositoryFields(repo)); err != nil {
			return err
		}
		docs = append(docs, repositoryDoc(repo))
	}
	// Packages and files: one read each for the whole batch; what a row
	// names and the read did not return is gone (deleted, moved away).
	var (
		pkgIDs          []int64
		fileRepos       []int64
		filePaths       []string
		wantPkg, wantFl = map[string]bool{}, map[string]bool{}
	)
	for _, r := range rows {
		switch Kind(r.Kind) {
		case KindPackage:
			if id := PackageDocID(*r.PackageID); !seen[id] {
				seen[id], wantPkg[id] = true, true
				pkgIDs = append(pkgIDs, *r.PackageID)
			}
		case KindFile:
			if id := FileDocID(r.RepositoryID, *r.Path); !seen[id] {
				seen[id], wantFl[id] = true, true
				fileRepos, filePaths = append(fileRepos, r.RepositoryID), append(filePaths, *r.Path)
			}
		}
	}
	if len(pkgIDs) > 0 {
		ps, err := q.ListSearchSourcePackagesByID(ctx, pkgIDs)
		if err != nil {
			return db.Translate(err)
		}
		for _, p := range ps {
			d := packageDoc(gendb.GetSearchSourcePackageRow(p))
			delete(wantPkg, d.ID)
			docs = append(docs, d)
		}
	}
	if len(filePaths) > 0 {
		fs, err := q.ListSearchSourceFilesByPath(ctx, gendb.ListSearchSourceFilesByPathParams{RepositoryIds: fileRepos, Paths: filePaths})
		if err != nil {
			return db.Translate(err)
		}
		for _, f := range fs {
			d := fileDoc(gendb.GetSearchSourceFileRow(f))
			delete(wantFl, d.ID)
			docs = append(docs, d)
		}
	}
	for id := range wantPkg {
		deletes = append(deletes, id)
	}
	for id := range wantFl {
		deletes = append(deletes, id)
	}
	sort.Strings(deletes) // a stable request, whatever the map order
	if len(deletes) > 0 {
		if err := x.index.Delete(ctx, deletes); err != nil {
			return err
		}
	}
	if len(docs) > 0 {
		return x.index.Upsert(ctx, docs)
	}
	return nil
}

// reindexBatch is how many rows Reindex reads and writes at a time.
const reindexBatch = 1000

// Reindex rebuilds the whole index from the tables. It holds the indexer
// lock meanwhile, so outbox rows written during the rebuild wait and are
// applied after it (re-reading state, so nothing the rebuild read too
// early stays stale).
func (x *Indexer) Reindex(ctx context.Context) error {
	conn, err := x.pool.Acquire(ctx)
	if err != nil {
		return db.Translate(err)
	}
	defer conn.Release()
	lq := gendb.New(conn)
	if err := lq.LockSearchIndexer(ctx, indexerLockKey); err != nil {
		return db.Translate(err)
	}
	defer func() { _ = lq.UnlockSearchIndexer(context.WithoutCancel(ctx), indexerLockKey) }()

	q := gendb.New(x.pool)
	return x.index.Rebuild(ctx, func(put func([]Document) error) error {
		err := pageByID(ctx, put,
			func(after int64) ([]gendb.ListSearchSourceRepositoriesRow, error) {
				return q.ListSearchSourceRepositories(ctx, gendb.ListSearchSourceRepositoriesParams{AfterID: after, Lim: reindexBatch})
			},
			func(r gendb.ListSearchSourceRepositoriesRow) (int64, Document) {
				return r.ID, repositoryDoc(gendb.GetSearchSourceRepositoryRow(r))
			})
		if err != nil {
			return err
		}
		err = pageByID(ctx, put,
			func(after int64) ([]gendb.ListSearchSourcePackagesRow, error) {
				return q.ListSearchSourcePackages(ctx, gendb.ListSearchSourcePackagesParams{AfterID: after, Lim: reindexBatch})
			},
			func(r gendb.ListSearchSourcePackagesRow) (int64, Document) {
				return r.ID, packageDoc(gendb.GetSearchSourcePackageRow(r))
			})
		if err != nil {
			return err
		}
		return pageByID(ctx, put,
			func(after int64) ([]gendb.ListSearchSourceFilesRow, error) {
				return q.ListSearchSourceFiles(ctx, gendb.ListSearchSourceFilesParams{AfterID: after, Lim: reindexBatch})
			},
			func(r gendb.ListSearchSourceFilesRow) (int64, Document) {
				return r.ID, fileDoc(gendb.GetSearchSourceFileRow(r))
			})
	})
}

// pageByID reads one source table in id order, a batch at a time, and puts
// its documents.
func pageByID[R any](ctx context.Context, put func([]Document) error, list func(after int64) ([]R, error), doc func(R) (int64, Document)) error {
	for after := int64(0); ; {
		rows, err := list(after)
		if err != nil {
			return db.Translate(err)
		}
		if len(rows) == 0 {
			return nil
		}
		docs := make([]Document, len(rows))
		for i, r := range rows {
			after, docs[i] = doc(r)
		}
		if err := put(docs); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

func repositoryFields(r gendb.GetSearchSourceRepositoryRow) RepositoryFields {
	return RepositoryFields{ID: r.ID, Name: r.Name, Type: r.Type, Visibility: r.Visibility, OwnerID: r.OwnerID, Owner: r.Owner}
}

func repositoryDoc(r gendb.GetSearchSourceRepositoryRow) Document {
	return Document{ID: RepositoryDocID(r.ID), Kind: KindRepository, RepositoryID: r.ID,
		RepositoryName: r.Name, RepositoryType: r.Type, Visibility: r.Visibility, OwnerID: r.OwnerID,
		Owner: r.Owner, Description: r.Description, Name: r.Name, NormalizedName: r.Name, UpdatedAt: r.UpdatedAt}
}

func packageDoc(p gendb.GetSearchSourcePackageRow) Document {
	return Document{ID: PackageDocID(p.ID), Kind: KindPackage, RepositoryID: p.RepositoryID,
		RepositoryName: p.RepositoryName, RepositoryType: p.RepositoryType, Visibility: p.Visibility,
		OwnerID: p.OwnerID, Owner: p.Owner, Description: p.Description, Name: p.Name,
		NormalizedName: p.NormalizedName, Version: p.Version, UploadedBy: p.UploadedBy, UpdatedAt: p.UpdatedAt}
}

func fileDoc(f gendb.GetSearchSourceFileRow) Document {
	return Document{ID: FileDocID(f.RepositoryID, f.Path), Kind: KindFile, RepositoryID: f.RepositoryID,
		RepositoryName: f.RepositoryName, RepositoryType: f.RepositoryType, Visibility: f.Visibility,
		OwnerID: f.OwnerID, Owner: f.Owner, Name: f.Name, NormalizedName: f.Name, Path: f.Path,
		UploadedBy: f.UploadedBy, UpdatedAt: f.UpdatedAt}
}
