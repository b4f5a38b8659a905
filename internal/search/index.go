// Package search indexes repositories, packages and files and answers
// ranked, permission-filtered queries over them (issue 12).
//
// # Model
//
// A [Document] is one repository, one package (with its latest version) or
// one file of a files repository, denormalised with what a hit shows and
// what the visibility predicate needs. An [Index] stores documents and
// searches them; [Postgres] (the default, pg_trgm in the application
// database) and [Elastic] (Elasticsearch 7) implement it, and the
// conformance suite in searchtest checks both the same way.
//
// # Visibility
//
// [Options.Visible] is auth.Visible, the listing predicate of the decision
// function (Authorizer.Visible). Every backend applies it inside the query,
// so totals and pages count only what the caller may read; nothing is
// post-filtered.
//
// # Feeding the index: the outbox
//
// Writers never call the index. In the same transaction as a change that
// search shows, they call [Enqueue] with a [Change] naming what changed:
//
//   - repository created, updated (name, description, visibility, owner) or
//     deleted: RepositoryChanged(repo.ID)
//   - package, version or package file created, updated or deleted:
//     PackageChanged(repo.ID, pkg.ID) (a deleted package too: the id is enough)
//   - a file of a files repository written or deleted: FileChanged(repo.ID, path);
//     deleting a folder enqueues one FileChanged per file below it (the
//     paths its DELETE ... RETURNING removed); folders are not documents
//
// Call Enqueue after the change inside the transaction; the row is cheap
// (one INSERT) and the indexer coalesces repeated changes of one thing.
// e.g. in internal/packages:
//
//	err := db.WithTx(ctx, pool, func(q *db.Queries) error {
//		v, err := q.CreateVersion(ctx, ...)
//		if err != nil {
//			return err
//		}
//		return search.Enqueue(ctx, q, search.PackageChanged(repo.ID, pkg.ID))
//	})
//
// An [Indexer] (started once per node with RunIndexer; Postgres locking
// lets one node at a time work) re-reads the current state of what each
// row names, writes it to the index and deletes the rows only when the index
// accepted them: a backend outage delays search and loses nothing, and
// replaying a row is harmless. [Indexer.Reindex] (`kodera reindex`) rebuilds
// the whole index from the tables; on Elasticsearch it fills a new index and
// swaps the alias, so searches keep working meanwhile.
//
// # Wiring
//
// internal/app (openIndex) makes one explicit switch on the configuration:
//
//	var idx search.Index = search.NewPostgres(pool)
//	if cfg.Search.URL != "" { // ELASTICSEARCH_URL
//		idx, err = search.NewElastic(ctx, search.ElasticConfig{URL: cfg.Search.URL,
//			Username: cfg.Search.Username, Password: cfg.Search.Password}, pool)
//	}
//	go search.RunIndexer(ctx, pool, idx, log) // every node; one works at a time
//
// and `kodera reindex` calls search.NewIndexer(pool, idx, log).Reindex(ctx).
// The writers call Enqueue as above: internal/repository (create, update,
// delete), internal/packages (CreateOrGetPackageTx, which every version
// write goes through, DeleteVersionsTx, DeleteVersion) and internal/files
// (Put; Delete and Move through EnqueueFileTree). Grants need no change
// (both backends read them live from repository_permissions).
//
// # Serving GET /api/v1/search
//
// handlers/api/search.go resolves the caller, asks Authorizer.Visible
// (anonymous with guest access off is 401 as elsewhere), and calls
//
//	res, err := idx.Search(ctx, search.Options{Query: q, Kinds: kinds,
//		Types: types, Repository: repo, Visible: vis, Limit: limit, Offset: offset})
//
// mapping res.Hits to the API's typed items (kind, repository,
// repositoryType, name, version/path, description, owner/uploadedBy,
// updatedAt, highlight from Hit.Matched) and res.Total to total (a lower
// bound when res.TotalCapped: counting stops at MaxTotal, as Elasticsearch's
// track_total_hits does). Options are validated by Search (domain.ErrInvalid
// for a limit out of 1–500, a negative offset, an unknown kind, a query with
// NUL or invalid UTF-8 or over 256 characters) and map to 400 problem JSON.
package search

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
)

// Kind is what a document describes.
type Kind string

// The document kinds.
const (
	KindRepository Kind = "repository"
	KindPackage    Kind = "package"
	KindFile       Kind = "file"
)

func (k Kind) valid() bool {
	return k == KindRepository || k == KindPackage || k == KindFile
}

// Document is one searchable thing, denormalised: the repository's fields
// are copied onto its packages and files so visibility and filters need no
// join.
type Document struct {
	// ID is stable per thing: see RepositoryDocID, PackageDocID, FileDocID.
	ID             string
	Kind           Kind
	RepositoryID   int64
	RepositoryName string
	RepositoryType string // docker, pypi, go, files
	Visibility     string // public or private
	OwnerID        *int64 // the repository owner's user id
	Owner          string // the repository owner's username
	// Description is the repository's, or the package's latest version's.
	Description string
	// Name is the repository, package or file name (the last path segment).
	Name string
	// NormalizedName is the package's lookup form (PEP 503...).
	NormalizedName string
	Version        string // a package's latest version
	Path           string // a file's path in its repository
	UploadedBy     string // who published the version or file
	UpdatedAt      time.Time
}

// RepositoryFields are the repository fields copied onto every document of
// the repository.
type RepositoryFields struct {
	ID         int64
	Name       string
	Type       string
	Visibility string
	OwnerID    *int64
	Owner      string
}

// RepositoryDocID is the document id of a repository.
func RepositoryDocID(repositoryID int64) string { return "r:" + strconv.FormatInt(repositoryID, 10) }

// PackageDocID is the document id of a package.
func PackageDocID(packageID int64) string { return "p:" + strconv.FormatInt(packageID, 10) }

// FileDocID is the document id of a file; the path is hashed because paths
// may be longer than Elasticsearch's 512-byte ids.
func FileDocID(repositoryID int64, path string) string {
	sum := sha256.Sum256([]byte(path))
	return "f:" + strconv.FormatInt(repositoryID, 10) + ":" + hex.EncodeToString(sum[:16])
}

// Options select and page search results.
type Options struct {
	// Query is matched against names (exact > prefix > word > substring >
	// fuzzy, the last only for a one-word query), then file paths and repository descriptions and owners
	// (substring). Empty lists everything visible by name.
	Query string
	// Kinds, Types (repository types) and Repository (a name) filter; empty
	// means any.
	Kinds      []Kind
	Types      []string
	Repository string
	// Visible is what the caller may read (auth.Authorizer.Visible).
	Visible auth.Visible
	// Limit is 1–500; 0 means DefaultLimit.
	Limit  int
	Offset int
}

// Paging bounds, the REST API's listing convention.
const (
	DefaultLimit = 50
	MaxLimit     = 500
	// MaxTotal is where counting hits stops: counting every match of a
	// popular term would cost more than the page (the UI shows "1000+").
	MaxTotal = 1000
	// MaxQueryLength bounds the query text, in characters.
	MaxQueryLength = 256
)

// normalize validates o and fills defaults; the query is lowercased and
// trimmed.
func (o Options) normalize() (Options, error) {
	if o.Limit == 0 {
		o.Limit = DefaultLimit
	}
	if o.Limit < 1 || o.Limit > MaxLimit {
		return o, domain.Errorf(domain.ErrInvalid, "limit must be between 1 and %d", MaxLimit)
	}
	if o.Offset < 0 {
		return o, domain.Errorf(domain.ErrInvalid, "offset must not be negative")
	}
	if !utf8.ValidString(o.Query) || strings.ContainsRune(o.Query, 0) {
		return o, domain.Errorf(domain.ErrInvalid, "query must be UTF-8 text without NUL")
	}
	o.Query = strings.ToLower(strings.TrimSpace(o.Query))
	if utf8.RuneCountInString(o.Query) > MaxQueryLength {
		return o, domain.Errorf(domain.ErrInvalid, "query longer than %d characters", MaxQueryLength)
	}
	for _, k := range o.Kinds {
		if !k.valid() {
			return o, domain.Errorf(domain.ErrInvalid, "unknown kind %q", k)
		}
	}
	return o, nil
}

// Result is one page of hits and the number of hits over all pages.
type Result struct {
	Hits  []Hit
	Total int
	// TotalCapped tells that Total stopped counting at MaxTotal: there are
	// at least that many hits (Elasticsearch's track_total_hits default).
	TotalCapped bool
}

// Hit is a matching document.
type Hit struct {
	Document
	// Matched names the field the query matched: name, path, description,
	// owner, or "" for a fuzzy or empty query.
	Matched string
}

// matched tells which field q matched, for highlighting.
func matched(d Document, q string) string {
	if q == "" {
		return ""
	}
	fields := []struct{ name, v string }{{"name", d.Name}, {"path", d.Path}}
	if d.Kind == KindRepository {
		fields = append(fields, struct{ name, v string }{"description", d.Description}, struct{ name, v string }{"owner", d.Owner})
	}
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f.v), q) {
			return f.name
		}
	}
	return ""
}

// Index stores documents and searches them. Writes are idempotent: the
// indexer may send the same document twice.
type Index interface {
	// Upsert adds or replaces documents by ID.
	Upsert(ctx context.Context, docs []Document) error
	// Delete removes documents by ID; absent ones are not an error.
	Delete(ctx context.Context, ids []string) error
	// DeleteRepository removes a repository's documents.
	DeleteRepository(ctx context.Context, repositoryID int64) error
	// UpdateRepository copies a repository's fields onto all its documents.
	UpdateRepository(ctx context.Context, r RepositoryFields) error
	// Search answers one page of ranked hits the caller may read.
	Search(ctx context.Context, o Options) (Result, error)
	// Rebuild replaces the whole index with what load puts, in batches,
	// without interrupting searches.
	Rebuild(ctx context.Context, load func(put func([]Document) error) error) error
}

// oneWord reports whether q is a single word (letters and digits only):
// only those get typo tolerance, since a fuzzy match of several words is
// both costly (every name sharing any word is a candidate) and vague.
func oneWord(q string) bool {
	for _, r := range q {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return q != ""
}

// escapeLike escapes LIKE wildcards (backslash is the default escape).
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func errorf(format string, args ...any) error { return fmt.Errorf("search: "+format, args...) }
