package search

import (
	"context"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
)

// Postgres is the default Index: the search_documents table in the
// application database with pg_trgm GIN indexes. Grants are read live from
// repository_permissions, so a grant change needs no reindexing.
type Postgres struct {
	pool *pgxpool.Pool
}

var _ Index = (*Postgres)(nil)

// NewPostgres builds the Postgres index over the application database.
func NewPostgres(pool *pgxpool.Pool) *Postgres { return &Postgres{pool: pool} }

// customPlans runs every statement unnamed in one round trip (parameter
// types from the Go values and the query's casts), so Postgres plans it with the
// actual parameters: a cached generic plan cannot use the trigram indexes
// for a LIKE pattern only known at execution.
type customPlans struct{ tx pgx.Tx }

func (c customPlans) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return c.tx.Exec(ctx, sql, append([]any{pgx.QueryExecModeExec}, args...)...)
}

func (c customPlans) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return c.tx.Query(ctx, sql, append([]any{pgx.QueryExecModeExec}, args...)...)
}

func (c customPlans) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return c.tx.QueryRow(ctx, sql, append([]any{pgx.QueryExecModeExec}, args...)...)
}

// Upsert implements Index.
func (p *Postgres) Upsert(ctx context.Context, docs []Document) error {
	if len(docs) == 0 {
		return nil
	}
	return db.Translate(gendb.New(p.pool).UpsertSearchDocuments(ctx, upsertParams(docs)))
}

func upsertParams(docs []Document) gendb.UpsertSearchDocumentsParams {
	n := len(docs)
	a := gendb.UpsertSearchDocumentsParams{
		Ids: make([]string, n), Kinds: make([]string, n), RepositoryIds: make([]int64, n),
		RepositoryNames: make([]string, n), RepositoryTypes: make([]string, n), Visibilities: make([]string, n),
		OwnerIds: make([]int64, n), Owners: make([]string, n), Descriptions: make([]string, n),
		Names: make([]string, n), NormalizedNames: make([]string, n), Versions: make([]string, n),
		Paths: make([]string, n), UploadedBys: make([]string, n), UpdatedAts: make([]time.Time, n),
	}
	// One document twice in a batch would make ON CONFLICT fail: the last wins.
	last := make(map[string]int, n)
	for i, d := range docs {
		last[d.ID] = i
	}
	k := 0
	for i, d := range docs {
		if last[d.ID] != i {
			continue
		}
		a.Ids[k], a.Kinds[k], a.RepositoryIds[k] = d.ID, string(d.Kind), d.RepositoryID
		a.RepositoryNames[k], a.RepositoryTypes[k], a.Visibilities[k] = d.RepositoryName, d.RepositoryType, d.Visibility
		if d.OwnerID != nil {
			a.OwnerIds[k] = *d.OwnerID
		}
		a.Owners[k], a.Descriptions[k], a.Names[k] = d.Owner, d.Description, d.Name
		a.NormalizedNames[k], a.Versions[k], a.Paths[k] = d.NormalizedName, d.Version, d.Path
		a.UploadedBys[k], a.UpdatedAts[k] = d.UploadedBy, d.UpdatedAt
		k++
	}
	a.Ids, a.Kinds, a.RepositoryIds = a.Ids[:k], a.Kinds[:k], a.RepositoryIds[:k]
	a.RepositoryNames, a.RepositoryTypes, a.Visibilities = a.RepositoryNames[:k], a.RepositoryTypes[:k], a.Visibilities[:k]
	a.OwnerIds, a.Owners, a.Descriptions, a.Names = a.OwnerIds[:k], a.Owners[:k], a.Descriptions[:k], a.Names[:k]
	a.NormalizedNames, a.Versions, a.Paths = a.NormalizedNames[:k], a.Versions[:k], a.Paths[:k]
	a.UploadedBys, a.UpdatedAts = a.UploadedBys[:k], a.UpdatedAts[:k]
	return a
}

// Delete implements Index.
func (p *Postgres) Delete(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return db.Translate(gendb.New(p.pool).DeleteSearchDocuments(ctx, ids))
}

// DeleteRepository implements Index.
func (p *Postgres) DeleteRepository(ctx context.Context, repositoryID int64) error {
	return db.Translate(gendb.New(p.pool).DeleteSearchDocumentsByRepository(ctx, repositoryID))
}

// UpdateRepository implements Index.
func (p *Postgres) UpdateRepository(ctx context.Context, r RepositoryFields) error {
	return db.Translate(gendb.New(p.pool).UpdateSearchDocumentsRepository(ctx, gendb.UpdateSearchDocumentsRepositoryParams{
		RepositoryID: r.ID, RepositoryName: r.Name, RepositoryType: r.Type,
		Visibility: r.Visibility, OwnerID: r.OwnerID, Owner: r.Owner,
	}))
}

// Rebuild implements Index: every document is written again and what was
// not is deleted. Searches see the old documents until they are replaced.
func (p *Postgres) Rebuild(ctx context.Context, load func(put func([]Document) error) error) error {
	q := gendb.New(p.pool)
	start, err := q.GetSearchClock(ctx)
	if err != nil {
		return db.Translate(err)
	}
	if err := load(func(docs []Document) error { return p.Upsert(ctx, docs) }); err != nil {
		return err
	}
	return db.Translate(q.DeleteSearchDocumentsIndexedBefore(ctx, start))
}

// trigramMin is the shortest query the trigram indexes can serve; shorter
// ones match name prefixes only.
const trigramMin = 3

// Search implements Index: one page and a count capped at MaxTotal, in
// one read-only transaction.
func (p *Postgres) Search(ctx context.Context, o Options) (Result, error) {
	o, err := o.normalize()
	if err != nil {
		return Result{}, err
	}
	tx, err := p.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return Result{}, db.Translate(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	q := gendb.New(customPlans{tx})
	if err := q.PreferSearchIndexes(ctx); err != nil {
		return Result{}, db.Translate(err)
	}
	var kinds, types []string
	for _, k := range o.Kinds {
		kinds = append(kinds, string(k))
	}
	if len(o.Types) > 0 {
		types = o.Types
	}
	var repo *string
	if o.Repository != "" {
		repo = &o.Repository
	}
	v := o.Visible
	var (
		rows  []gendb.SearchDocumentsRow
		total int64
	)
	if utf8.RuneCountInString(o.Query) < trigramMin {
		arg := gendb.SearchDocumentsByPrefixParams{Q: o.Query, QLike: escapeLike(o.Query),
			AllRepos: v.All, PublicRepos: v.Public, UserID: v.UserID, ServiceAccountID: v.ServiceAccountID,
			Names: v.Names, Kinds: kinds, Types: types, Repository: repo,
			K: int32(o.Offset + o.Limit), Lim: int32(o.Limit), Off: int32(o.Offset)}
		prefixRows, err := q.SearchDocumentsByPrefix(ctx, arg)
		if err != nil {
			return Result{}, db.Translate(err)
		}
		for _, r := range prefixRows {
			rows = append(rows, gendb.SearchDocumentsRow(r))
		}
		if n, ok := pageTotal(o, len(rows)); ok {
			total = n
		} else if total, err = q.CountSearchDocumentsByPrefix(ctx, gendb.CountSearchDocumentsByPrefixParams{Q: arg.Q, QLike: arg.QLike,
			AllRepos: arg.AllRepos, PublicRepos: arg.PublicRepos, UserID: arg.UserID, ServiceAccountID: arg.ServiceAccountID,
			Names: arg.Names, Kinds: arg.Kinds, Types: arg.Types, Repository: arg.Repository, Cap: MaxTotal}); err != nil {
			return Result{}, db.Translate(err)
		}
	} else {
		arg := gendb.SearchDocumentsParams{Q: o.Query, QLike: escapeLike(o.Query), QRegex: regexp.QuoteMeta(o.Query), Fuzzy: oneWord(o.Query),
			AllRepos: v.All, PublicRepos: v.Public, UserID: v.UserID, ServiceAccountID: v.ServiceAccountID,
			Names: v.Names, Kinds: kinds, Types: types, Repository: repo,
			K: int32(o.Offset + o.Limit), Lim: int32(o.Limit), Off: int32(o.Offset)}
		if rows, err = q.SearchDocuments(ctx, arg); err != nil {
			return Result{}, db.Translate(err)
		}
		if n, ok := pageTotal(o, len(rows)); ok {
			total = n
		} else if total, err = q.CountSearchDocuments(ctx, gendb.CountSearchDocumentsParams{Q: arg.Q, QLike: arg.QLike, Fuzzy: arg.Fuzzy,
			AllRepos: arg.AllRepos, PublicRepos: arg.PublicRepos, UserID: arg.UserID, ServiceAccountID: arg.ServiceAccountID,
			Names: arg.Names, Kinds: arg.Kinds, Types: arg.Types, Repository: arg.Repository, Cap: MaxTotal}); err != nil {
			return Result{}, db.Translate(err)
		}
	}
	res := Result{Total: int(total), TotalCapped: total >= MaxTotal}
	for _, r := range rows {
		d := Document{ID: r.ID, Kind: Kind(r.Kind), RepositoryID: r.RepositoryID, RepositoryName: r.RepositoryName,
			RepositoryType: r.RepositoryType, Visibility: r.Visibility, OwnerID: r.OwnerID, Owner: r.Owner,
			Description: r.Description, Name: r.Name, NormalizedName: r.NormalizedName, Version: r.Version,
			Path: r.Path, UploadedBy: r.UploadedBy, UpdatedAt: r.UpdatedAt}
		res.Hits = append(res.Hits, Hit{Document: d, Matched: matched(d, o.Query)})
	}
	return res, nil
}

// pageTotal gives the total without counting when the page itself shows it:
// a partial page (not empty past the end) means no tier was cut at
// offset+limit, so everything before and on it is everything.
func pageTotal(o Options, n int) (int64, bool) {
	if n < o.Limit && (n > 0 || o.Offset == 0) {
		return int64(o.Offset + n), true
	}
	return 0, false
}
