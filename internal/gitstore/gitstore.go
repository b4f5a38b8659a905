// Package gitstore keeps git repositories in PostgreSQL behind go-git's
// storage.Storer, so no node holds repository state on its disk and any node
// serves any repository (the DESIGN's scale-out rule).
//
// One Storer is one git repository: a git_repositories row (a module path of
// a Go-format repository), its objects (git_objects: hash, type, size and the
// whole uncompressed content; TOAST compresses it) and its refs (git_refs).
//
// Why Postgres and not one object-store key per object: a clone or fetch
// reads every object it walks (thousands of commits, trees and small blobs),
// and on S3 that is one GET of tens of milliseconds each; here a batch of
// hashes is one query (Prefetch), objects are small, and objects and refs
// commit in the same transaction, so a ref never points at an object that is
// not there. Large blobs are rare in Go module repositories; should they
// matter, a later step moves contents above a threshold to the blob store
// keyed by sha256, keeping the row as the index.
//
// Ref updates are compare-and-swap: CheckAndSetReference and Apply move a
// ref only while it still holds the value the caller read, in SQL
// (UPDATE ... WHERE target = old), so two nodes pushing the same ref at once
// cannot both win and neither corrupts the other.
//
// Wiring (handlers/git, next session): resolve the repository and caller
// with the protocol kit, find the module's row with GetByModulePath (404 if
// absent or unreadable), Open it with the request's context and hand the
// Storer to internal/gitsmart. A Storer belongs to one request: it keeps the
// request's context (go-git's interfaces take none) and a small object cache.
package gitstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"
	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// DefaultBranch is where HEAD of a new repository points.
const DefaultBranch = plumbing.ReferenceName("refs/heads/main")

// cacheLimit bounds the bytes of objects a Storer keeps in memory: a fetch
// reads each object twice (walk, then pack), a request's Storer dies with it.
const cacheLimit = 32 << 20

// insertBatch bounds the bytes of one multi-row object insert.
const insertBatch = 8 << 20

var _ storage.Storer = (*Storer)(nil)

// Storer is one git repository in Postgres; see the package doc.
type Storer struct {
	ctx  context.Context
	pool *pgxpool.Pool
	q    *db.Queries
	id   int64

	mu        sync.Mutex
	cache     map[plumbing.Hash]*plumbing.MemoryObject
	cacheSize int
	cfg       *config.Config
	idx       *index.Index
}

// Create adds the git repository of modulePath to a repository, with HEAD
// pointing at DefaultBranch, and returns its id. A second one for the same
// module path is domain.ErrConflict.
func Create(ctx context.Context, pool *pgxpool.Pool, repositoryID int64, modulePath string) (int64, error) {
	var id int64
	err := db.WithTx(ctx, pool, func(q *db.Queries) error {
		row, err := q.CreateGitRepository(ctx, gendb.CreateGitRepositoryParams{RepositoryID: repositoryID, ModulePath: modulePath})
		if err != nil {
			return db.Translate(err)
		}
		id = row.ID
		head := DefaultBranch.String()
		return db.Translate(q.UpsertGitRef(ctx, gendb.UpsertGitRefParams{
			GitRepositoryID: id, Name: plumbing.HEAD.String(), Symbolic: &head,
		}))
	})
	return id, err
}

// GetByModulePath returns the id of a module path's git repository, or
// domain.ErrNotFound.
func GetByModulePath(ctx context.Context, pool *pgxpool.Pool, repositoryID int64, modulePath string) (int64, error) {
	row, err := gendb.New(pool).GetGitRepositoryByModulePath(ctx, gendb.GetGitRepositoryByModulePathParams{
		RepositoryID: repositoryID, ModulePath: modulePath,
	})
	if err != nil {
		return 0, db.Translate(err)
	}
	return row.ID, nil
}

// Open returns the Storer of git repository id (domain.ErrNotFound if there
// is none). ctx bounds every query the Storer makes.
func Open(ctx context.Context, pool *pgxpool.Pool, id int64) (*Storer, error) {
	q := gendb.New(pool)
	if _, err := q.GetGitRepository(ctx, id); err != nil {
		return nil, db.Translate(err)
	}
	return &Storer{ctx: ctx, pool: pool, q: q, id: id, cache: map[plumbing.Hash]*plumbing.MemoryObject{}}, nil
}

// ID returns the git repository's id.
func (s *Storer) ID() int64 { return s.id }

// --- objects ---

// NewEncodedObject returns an empty in-memory object to fill and store.
func (s *Storer) NewEncodedObject() plumbing.EncodedObject { return &plumbing.MemoryObject{} }

// SetEncodedObject stores one object; an existing hash is left as it is.
func (s *Storer) SetEncodedObject(o plumbing.EncodedObject) (plumbing.Hash, error) {
	if err := insertObjects(s.ctx, s.q, s.id, []plumbing.EncodedObject{o}); err != nil {
		return plumbing.ZeroHash, err
	}
	return o.Hash(), nil
}

// EncodedObject returns an object by hash, plumbing.ErrObjectNotFound if it
// is absent or of another type than t (unless t is AnyObject).
func (s *Storer) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	o, err := s.object(h)
	if err != nil {
		return nil, err
	}
	if t != plumbing.AnyObject && o.Type() != t {
		return nil, plumbing.ErrObjectNotFound
	}
	return o, nil
}

func (s *Storer) object(h plumbing.Hash) (*plumbing.MemoryObject, error) {
	s.mu.Lock()
	o, ok := s.cache[h]
	s.mu.Unlock()
	if ok {
		return o, nil
	}
	row, err := s.q.GetGitObject(s.ctx, gendb.GetGitObjectParams{GitRepositoryID: s.id, Hash: h[:]})
	if err != nil {
		err = db.Translate(err)
		if errors.Is(err, domain.ErrNotFound) {
			return nil, plumbing.ErrObjectNotFound
		}
		return nil, err
	}
	o = memoryObject(plumbing.ObjectType(row.Type), row.Content)
	s.remember(h, o)
	return o, nil
}

func memoryObject(t plumbing.ObjectType, content []byte) *plumbing.MemoryObject {
	o := &plumbing.MemoryObject{}
	o.SetType(t)
	o.SetSize(int64(len(content)))
	_, _ = o.Write(content)
	return o
}

func (s *Storer) remember(h plumbing.Hash, o *plumbing.MemoryObject) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cacheSize+int(o.Size()) > cacheLimit {
		clear(s.cache)
		s.cacheSize = 0
	}
	s.cache[h] = o
	s.cacheSize += int(o.Size())
}

// Prefetch loads a batch of objects into the Storer's cache in one query,
// so walking or packing them later costs no round trip each. Absent hashes
// are ignored.
func (s *Storer) Prefetch(hashes []plumbing.Hash) error {
	var want [][]byte
	s.mu.Lock()
	for _, h := range hashes {
		if _, ok := s.cache[h]; !ok {
			want = append(want, h[:])
		}
	}
	s.mu.Unlock()
	for len(want) > 0 {
		n := min(len(want), 1000)
		rows, err := s.q.ListGitObjects(s.ctx, gendb.ListGitObjectsParams{GitRepositoryID: s.id, Hashes: want[:n]})
		if err != nil {
			return db.Translate(err)
		}
		for _, r := range rows {
			s.remember(plumbing.Hash(r.Hash), memoryObject(plumbing.ObjectType(r.Type), r.Content))
		}
		want = want[n:]
	}
	return nil
}

// Missing returns the hashes among hashes that the repository lacks.
func (s *Storer) Missing(hashes []plumbing.Hash) ([]plumbing.Hash, error) {
	have := map[plumbing.Hash]bool{}
	for i := 0; i < len(hashes); i += 1000 {
		batch := make([][]byte, 0, 1000)
		for _, h := range hashes[i:min(i+1000, len(hashes))] {
			batch = append(batch, h[:])
		}
		rows, err := s.q.ListExistingGitObjects(s.ctx, gendb.ListExistingGitObjectsParams{GitRepositoryID: s.id, Hashes: batch})
		if err != nil {
			return nil, db.Translate(err)
		}
		for _, r := range rows {
			have[plumbing.Hash(r)] = true
		}
	}
	var missing []plumbing.Hash
	for _, h := range hashes {
		if !have[h] {
			missing = append(missing, h)
		}
	}
	return missing, nil
}

// IterEncodedObjects iterates over every object of type t (or all with
// AnyObject), loading each lazily.
func (s *Storer) IterEncodedObjects(t plumbing.ObjectType) (storer.EncodedObjectIter, error) {
	var tp *int16
	if t != plumbing.AnyObject {
		v := int16(t)
		tp = &v
	}
	rows, err := s.q.ListGitObjectHashes(s.ctx, gendb.ListGitObjectHashesParams{GitRepositoryID: s.id, Type: tp})
	if err != nil {
		return nil, db.Translate(err)
	}
	hashes := make([]plumbing.Hash, len(rows))
	for i, r := range rows {
		hashes[i] = plumbing.Hash(r)
	}
	return storer.NewEncodedObjectLookupIter(s, t, hashes), nil
}

// HasEncodedObject returns nil if the object exists, else
// plumbing.ErrObjectNotFound.
func (s *Storer) HasEncodedObject(h plumbing.Hash) error {
	s.mu.Lock()
	_, ok := s.cache[h]
	s.mu.Unlock()
	if ok {
		return nil
	}
	missing, err := s.Missing([]plumbing.Hash{h})
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return plumbing.ErrObjectNotFound
	}
	return nil
}

// EncodedObjectSize returns an object's size without loading its content.
func (s *Storer) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	row, err := s.q.GetGitObjectHeader(s.ctx, gendb.GetGitObjectHeaderParams{GitRepositoryID: s.id, Hash: h[:]})
	if err != nil {
		err = db.Translate(err)
		if errors.Is(err, domain.ErrNotFound) {
			return 0, plumbing.ErrObjectNotFound
		}
		return 0, err
	}
	return row.Size, nil
}

// AddAlternate is not supported: a repository's objects are its own.
func (s *Storer) AddAlternate(string) error {
	return fmt.Errorf("gitstore: alternates are not supported")
}

// insertObjects stores objects in batches of at most insertBatch bytes.
func insertObjects(ctx context.Context, q *db.Queries, id int64, objs []plumbing.EncodedObject) error {
	p := gendb.InsertGitObjectsParams{GitRepositoryID: id}
	size := 0
	flush := func() error {
		if len(p.Hashes) == 0 {
			return nil
		}
		err := q.InsertGitObjects(ctx, p)
		p = gendb.InsertGitObjectsParams{GitRepositoryID: id}
		size = 0
		return db.Translate(err)
	}
	for _, o := range objs {
		switch o.Type() {
		case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
		default:
			return fmt.Errorf("%w: object type %s cannot be stored", domain.ErrInvalid, o.Type())
		}
		content, err := readAll(o)
		if err != nil {
			return err
		}
		h := o.Hash()
		p.Hashes = append(p.Hashes, h[:])
		p.Types = append(p.Types, int16(o.Type()))
		p.Sizes = append(p.Sizes, int64(len(content)))
		p.Contents = append(p.Contents, content)
		size += len(content)
		if size >= insertBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

func readAll(o plumbing.EncodedObject) ([]byte, error) {
	r, err := o.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// --- references ---

// SetReference sets a ref whatever its current value.
func (s *Storer) SetReference(r *plumbing.Reference) error {
	p := gendb.UpsertGitRefParams{GitRepositoryID: s.id, Name: r.Name().String()}
	p.Target, p.Symbolic = refValue(r)
	return db.Translate(s.q.UpsertGitRef(s.ctx, p))
}

// CheckAndSetReference sets new if the stored value of old's name is still
// old's hash; old == nil sets unconditionally (go-git's contract) and an old
// with the zero hash means "must not exist yet". A lost race is
// storage.ErrReferenceHasChanged.
func (s *Storer) CheckAndSetReference(newRef, old *plumbing.Reference) error {
	if old == nil {
		return s.SetReference(newRef)
	}
	if old.Type() != plumbing.HashReference || old.Name() != newRef.Name() {
		return fmt.Errorf("%w: compare-and-swap needs the old hash of the same ref", domain.ErrInvalid)
	}
	n, err := setRef(s.ctx, s.q, s.id, newRef, old.Hash())
	if err != nil {
		return err
	}
	if n == 0 {
		return storage.ErrReferenceHasChanged
	}
	return nil
}

// setRef moves ref r from old (zero: absent) to r's value, returning 0 rows
// when the stored value is not old.
func setRef(ctx context.Context, q *db.Queries, id int64, r *plumbing.Reference, old plumbing.Hash) (int64, error) {
	target, symbolic := refValue(r)
	var n int64
	var err error
	switch {
	case old.IsZero():
		n, err = q.CreateGitRef(ctx, gendb.CreateGitRefParams{GitRepositoryID: id, Name: r.Name().String(), Target: target, Symbolic: symbolic})
	case symbolic != nil:
		return 0, fmt.Errorf("%w: a symbolic ref is set, not swapped", domain.ErrInvalid)
	default:
		n, err = q.SwapGitRef(ctx, gendb.SwapGitRefParams{GitRepositoryID: id, Name: r.Name().String(), OldTarget: old[:], NewTarget: target})
	}
	return n, db.Translate(err)
}

func refValue(r *plumbing.Reference) ([]byte, *string) {
	if r.Type() == plumbing.SymbolicReference {
		t := r.Target().String()
		return nil, &t
	}
	h := r.Hash()
	return h[:], nil
}

// Reference returns a ref, plumbing.ErrReferenceNotFound if absent.
func (s *Storer) Reference(name plumbing.ReferenceName) (*plumbing.Reference, error) {
	row, err := s.q.GetGitRef(s.ctx, gendb.GetGitRefParams{GitRepositoryID: s.id, Name: name.String()})
	if err != nil {
		err = db.Translate(err)
		if errors.Is(err, domain.ErrNotFound) {
			return nil, plumbing.ErrReferenceNotFound
		}
		return nil, err
	}
	return toRef(row.Name, row.Target, row.Symbolic), nil
}

func toRef(name string, target []byte, symbolic *string) *plumbing.Reference {
	if symbolic != nil {
		return plumbing.NewSymbolicReference(plumbing.ReferenceName(name), plumbing.ReferenceName(*symbolic))
	}
	return plumbing.NewHashReference(plumbing.ReferenceName(name), plumbing.Hash(target))
}

// IterReferences iterates over every ref, HEAD included, in name order.
func (s *Storer) IterReferences() (storer.ReferenceIter, error) {
	rows, err := s.q.ListGitRefs(s.ctx, s.id)
	if err != nil {
		return nil, db.Translate(err)
	}
	refs := make([]*plumbing.Reference, len(rows))
	for i, r := range rows {
		refs[i] = toRef(r.Name, r.Target, r.Symbolic)
	}
	return storer.NewReferenceSliceIter(refs), nil
}

// RemoveReference deletes a ref whatever its value; absent is no error.
func (s *Storer) RemoveReference(name plumbing.ReferenceName) error {
	_, err := s.q.DeleteGitRef(s.ctx, gendb.DeleteGitRefParams{GitRepositoryID: s.id, Name: name.String()})
	return db.Translate(err)
}

// CountLooseRefs is 0: every ref is a row, nothing is loose.
func (s *Storer) CountLooseRefs() (int, error) { return 0, nil }

// PackRefs has nothing to pack.
func (s *Storer) PackRefs() error { return nil }

// Apply stores objects and applies the ref updates in ONE transaction, each
// update a compare-and-swap on the value the client read (Old zero: the ref
// must not exist; New zero: delete it). It returns one entry per command:
// nil, or storage.ErrReferenceHasChanged when the ref moved meanwhile.
// With atomic, a single lost swap rolls everything back and every command
// reports the error; without it the other refs still move (git's default
// push semantics). When HEAD names a branch that does not exist after the
// update, it is pointed at the first branch this update created, so the
// first push of any branch name makes a cloneable repository.
func (s *Storer) Apply(ctx context.Context, objs []plumbing.EncodedObject, cmds []*packp.Command, atomic bool) ([]error, error) {
	results := make([]error, len(cmds))
	errLost := errors.New("lost")
	err := db.WithTx(ctx, s.pool, func(q *db.Queries) error {
		if err := insertObjects(ctx, q, s.id, objs); err != nil {
			return err
		}
		var created plumbing.ReferenceName
		for i, c := range cmds {
			var n int64
			var err error
			switch {
			case c.New.IsZero():
				n, err = q.DeleteGitRefIf(ctx, gendb.DeleteGitRefIfParams{GitRepositoryID: s.id, Name: c.Name.String(), OldTarget: c.Old[:]})
				err = db.Translate(err)
			default:
				n, err = setRef(ctx, q, s.id, plumbing.NewHashReference(c.Name, c.New), c.Old)
			}
			if err != nil {
				return err
			}
			if n == 0 {
				results[i] = storage.ErrReferenceHasChanged
				if atomic {
					return errLost
				}
				continue
			}
			if c.Old.IsZero() && c.Name.IsBranch() && created == "" {
				created = c.Name
			}
		}
		if created == "" {
			return nil
		}
		return fixHead(ctx, q, s.id, created)
	})
	if errors.Is(err, errLost) {
		for i := range results {
			results[i] = storage.ErrReferenceHasChanged
		}
		return results, nil
	}
	if err != nil {
		return nil, err
	}
	return results, nil
}

// fixHead points a dangling symbolic HEAD at branch.
func fixHead(ctx context.Context, q *db.Queries, id int64, branch plumbing.ReferenceName) error {
	head, err := q.GetGitRef(ctx, gendb.GetGitRefParams{GitRepositoryID: id, Name: plumbing.HEAD.String()})
	if err != nil && !errors.Is(db.Translate(err), domain.ErrNotFound) {
		return db.Translate(err)
	}
	if err == nil {
		if head.Symbolic == nil {
			return nil
		}
		_, err := q.GetGitRef(ctx, gendb.GetGitRefParams{GitRepositoryID: id, Name: *head.Symbolic})
		if err == nil {
			return nil
		}
		if !errors.Is(db.Translate(err), domain.ErrNotFound) {
			return db.Translate(err)
		}
	}
	b := branch.String()
	return db.Translate(q.UpsertGitRef(ctx, gendb.UpsertGitRefParams{GitRepositoryID: id, Name: plumbing.HEAD.String(), Symbolic: &b}))
}

// --- shallow, index, config, modules: a server-side bare repository ---

// SetShallow refuses shallow state: a stored repository is always complete.
func (s *Storer) SetShallow(h []plumbing.Hash) error {
	if len(h) > 0 {
		return fmt.Errorf("%w: a stored repository cannot be shallow", domain.ErrInvalid)
	}
	return nil
}

// Shallow is always empty.
func (s *Storer) Shallow() ([]plumbing.Hash, error) { return nil, nil }

// SetIndex keeps an index in memory for the Storer's life only: a bare
// server repository has no work tree, but go-git's helpers may ask.
func (s *Storer) SetIndex(i *index.Index) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idx = i
	return nil
}

// Index returns the in-memory index, an empty one at first.
func (s *Storer) Index() (*index.Index, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.idx == nil {
		s.idx = &index.Index{Version: 2}
	}
	return s.idx, nil
}

// SetConfig keeps a config in memory for the Storer's life only: the
// repository's settings are the database's, not a git config file.
func (s *Storer) SetConfig(c *config.Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg = c
	return nil
}

// Config returns the in-memory config, a bare default one at first.
func (s *Storer) Config() (*config.Config, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg == nil {
		s.cfg = config.NewConfig()
		s.cfg.Core.IsBare = true
	}
	return s.cfg, nil
}

// Module is not supported: submodules are not stored.
func (s *Storer) Module(string) (storage.Storer, error) {
	return nil, fmt.Errorf("gitstore: submodules are not supported")
}
