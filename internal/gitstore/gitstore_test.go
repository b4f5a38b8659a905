package gitstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/storage"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/gitstore"
)

// setup returns a fresh database with one Go repository holding one git
// repository, and its Storer.
func setup(t *testing.T) (*pgxpool.Pool, *gitstore.Storer) {
	t.Helper()
	pool, _ := dbtest.NewPool(t)
	ctx := context.Background()
	var repoID int64
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO repositories (name, type) VALUES ('go', 'go') RETURNING id`).Scan(&repoID))
	id, err := gitstore.Create(ctx, pool, repoID, "example.com/mod")
	require.NoError(t, err)
	s, err := gitstore.Open(ctx, pool, id)
	require.NoError(t, err)
	return pool, s
}

func store(t *testing.T, s *gitstore.Storer, o interface {
	Encode(plumbing.EncodedObject) error
}) plumbing.Hash {
	t.Helper()
	eo := s.NewEncodedObject()
	require.NoError(t, o.Encode(eo))
	h, err := s.SetEncodedObject(eo)
	require.NoError(t, err)
	return h
}

// commit stores a commit of one file README with content body on parents.
func commit(t *testing.T, s *gitstore.Storer, body string, parents ...plumbing.Hash) plumbing.Hash {
	t.Helper()
	blob := s.NewEncodedObject()
	blob.SetType(plumbing.BlobObject)
	w, err := blob.Writer()
	require.NoError(t, err)
	_, err = w.Write([]byte(body))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	bh, err := s.SetEncodedObject(blob)
	require.NoError(t, err)
	th := store(t, s, &object.Tree{Entries: []object.TreeEntry{{Name: "README", Mode: filemode.Regular, Hash: bh}}})
	sig := object.Signature{Name: "T", Email: "t@example.com", When: time.Unix(1700000000, 0).UTC()}
	return store(t, s, &object.Commit{Author: sig, Committer: sig, Message: body + "\n", TreeHash: th, ParentHashes: parents})
}

func TestObjectsRoundTrip(t *testing.T) {
	t.Parallel()
	_, s := setup(t)
	c1 := commit(t, s, "one")
	c2 := commit(t, s, "two", c1)
	sig := object.Signature{Name: "T", Email: "t@example.com", When: time.Unix(1700000000, 0).UTC()}
	tag := store(t, s, &object.Tag{Name: "v1.0.0", Tagger: sig, Message: "release\n", TargetType: plumbing.CommitObject, Target: c2})

	c, err := object.GetCommit(s, c2)
	require.NoError(t, err)
	require.Equal(t, []plumbing.Hash{c1}, c.ParentHashes)
	f, err := c.File("README")
	require.NoError(t, err)
	body, err := f.Contents()
	require.NoError(t, err)
	require.Equal(t, "two", body)

	tg, err := object.GetTag(s, tag)
	require.NoError(t, err)
	require.Equal(t, c2, tg.Target)
	require.Equal(t, "v1.0.0", tg.Name)

	// Type filters, sizes and absence.
	_, err = s.EncodedObject(plumbing.TreeObject, c1)
	require.ErrorIs(t, err, plumbing.ErrObjectNotFound)
	_, err = s.EncodedObject(plumbing.AnyObject, plumbing.NewHash("0123456789012345678901234567890123456789"))
	require.ErrorIs(t, err, plumbing.ErrObjectNotFound)
	require.ErrorIs(t, s.HasEncodedObject(plumbing.NewHash("0123456789012345678901234567890123456789")), plumbing.ErrObjectNotFound)
	require.NoError(t, s.HasEncodedObject(c1))
	size, err := s.EncodedObjectSize(tag)
	require.NoError(t, err)
	o, err := s.EncodedObject(plumbing.TagObject, tag)
	require.NoError(t, err)
	require.Equal(t, o.Size(), size)

	count := map[plumbing.ObjectType]int{}
	it, err := s.IterEncodedObjects(plumbing.AnyObject)
	require.NoError(t, err)
	require.NoError(t, it.ForEach(func(o plumbing.EncodedObject) error { count[o.Type()]++; return nil }))
	require.Equal(t, map[plumbing.ObjectType]int{plumbing.CommitObject: 2, plumbing.TreeObject: 2, plumbing.BlobObject: 2, plumbing.TagObject: 1}, count)
	it, err = s.IterEncodedObjects(plumbing.CommitObject)
	require.NoError(t, err)
	n := 0
	require.NoError(t, it.ForEach(func(plumbing.EncodedObject) error { n++; return nil }))
	require.Equal(t, 2, n)

	// Storing an object again is a no-op, not an error.
	again := commit(t, s, "one")
	require.Equal(t, c1, again)

	// A second Storer (another node) reads the same objects.
	missing, err := s.Missing([]plumbing.Hash{c1, c2, plumbing.NewHash("0123456789012345678901234567890123456789")})
	require.NoError(t, err)
	require.Equal(t, []plumbing.Hash{plumbing.NewHash("0123456789012345678901234567890123456789")}, missing)
}

func TestOpenAndCreateErrors(t *testing.T) {
	t.Parallel()
	pool, s := setup(t)
	ctx := context.Background()
	_, err := gitstore.Open(ctx, pool, s.ID()+1000)
	require.ErrorIs(t, err, domain.ErrNotFound)
	var repoID int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT id FROM repositories WHERE name = 'go'`).Scan(&repoID))
	_, err = gitstore.Create(ctx, pool, repoID, "example.com/mod")
	require.ErrorIs(t, err, domain.ErrConflict)
	id, err := gitstore.GetByModulePath(ctx, pool, repoID, "example.com/mod")
	require.NoError(t, err)
	require.Equal(t, s.ID(), id)
	_, err = gitstore.GetByModulePath(ctx, pool, repoID, "example.com/other")
	require.ErrorIs(t, err, domain.ErrNotFound)

	// HEAD of a new repository is symbolic, to the default branch.
	head, err := s.Reference(plumbing.HEAD)
	require.NoError(t, err)
	require.Equal(t, plumbing.SymbolicReference, head.Type())
	require.Equal(t, gitstore.DefaultBranch, head.Target())

	// Deleting the repository deletes its git data.
	commit(t, s, "one")
	_, err = pool.Exec(ctx, `DELETE FROM repositories WHERE id = $1`, repoID)
	require.NoError(t, err)
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM git_objects) + (SELECT count(*) FROM git_refs)`).Scan(&n))
	require.Zero(t, n)
}

func TestCheckAndSetReference(t *testing.T) {
	t.Parallel()
	_, s := setup(t)
	c1 := commit(t, s, "one")
	c2 := commit(t, s, "two", c1)
	name := plumbing.NewBranchReferenceName("main")
	zero := plumbing.NewHashReference(name, plumbing.ZeroHash)

	require.NoError(t, s.CheckAndSetReference(plumbing.NewHashReference(name, c1), zero))
	// Creating again: it exists now.
	require.ErrorIs(t, s.CheckAndSetReference(plumbing.NewHashReference(name, c2), zero), storage.ErrReferenceHasChanged)
	// A stale old value loses.
	require.ErrorIs(t, s.CheckAndSetReference(plumbing.NewHashReference(name, c2), plumbing.NewHashReference(name, c2)), storage.ErrReferenceHasChanged)
	r, err := s.Reference(name)
	require.NoError(t, err)
	require.Equal(t, c1, r.Hash())
	// The right old value wins.
	require.NoError(t, s.CheckAndSetReference(plumbing.NewHashReference(name, c2), plumbing.NewHashReference(name, c1)))
	r, err = s.Reference(name)
	require.NoError(t, err)
	require.Equal(t, c2, r.Hash())
	// Unconditional set and removal.
	require.NoError(t, s.CheckAndSetReference(plumbing.NewHashReference(name, c1), nil))
	r, err = s.Reference(name)
	require.NoError(t, err)
	require.Equal(t, c1, r.Hash())

	it, err := s.IterReferences()
	require.NoError(t, err)
	var names []string
	require.NoError(t, it.ForEach(func(r *plumbing.Reference) error { names = append(names, r.Name().String()); return nil }))
	require.Equal(t, []string{"HEAD", "refs/heads/main"}, names)

	require.NoError(t, s.RemoveReference(name))
	_, err = s.Reference(name)
	require.ErrorIs(t, err, plumbing.ErrReferenceNotFound)
}

func TestConcurrentSwapOneWins(t *testing.T) {
	t.Parallel()
	pool, s := setup(t)
	ctx := context.Background()
	base := commit(t, s, "base")
	name := plumbing.NewBranchReferenceName("main")
	for round := range 10 {
		a := commit(t, s, fmt.Sprintf("a%d", round), base)
		b := commit(t, s, fmt.Sprintf("b%d", round), base)
		var start, done sync.WaitGroup
		start.Add(1)
		results := make([]error, 2)
		for i, h := range []plumbing.Hash{a, b} {
			done.Add(1)
			go func() {
				defer done.Done()
				node, err := gitstore.Open(ctx, pool, s.ID()) // another node's Storer
				if err != nil {
					results[i] = err
					return
				}
				start.Wait()
				res, err := node.Apply(ctx, nil, []*packp.Command{{Name: name, Old: base, New: h}}, false)
				if err != nil {
					results[i] = err
					return
				}
				results[i] = res[0]
			}()
		}
		if round == 0 {
			require.NoError(t, s.SetReference(plumbing.NewHashReference(name, base)))
		}
		start.Done()
		done.Wait()
		ok := 0
		for _, err := range results {
			if err == nil {
				ok++
			} else {
				require.ErrorIs(t, err, storage.ErrReferenceHasChanged)
			}
		}
		require.Equal(t, 1, ok, "round %d: exactly one swap wins", round)
		r, err := s.Reference(name)
		require.NoError(t, err)
		if results[0] == nil {
			require.Equal(t, a, r.Hash())
		} else {
			require.Equal(t, b, r.Hash())
		}
		require.NoError(t, s.SetReference(plumbing.NewHashReference(name, base)))
	}
}

func TestApplyAtomicAndPerRef(t *testing.T) {
	t.Parallel()
	_, s := setup(t)
	ctx := context.Background()
	c1 := commit(t, s, "one")
	c2 := commit(t, s, "two", c1)
	mainRef := plumbing.NewBranchReferenceName("main")
	devRef := plumbing.NewBranchReferenceName("dev")
	require.NoError(t, s.SetReference(plumbing.NewHashReference(mainRef, c1)))

	// dev's create is fine, main's old value is stale.
	cmds := []*packp.Command{{Name: devRef, New: c2}, {Name: mainRef, Old: c2, New: c1}}
	res, err := s.Apply(ctx, nil, cmds, true)
	require.NoError(t, err)
	require.ErrorIs(t, res[0], storage.ErrReferenceHasChanged)
	require.ErrorIs(t, res[1], storage.ErrReferenceHasChanged)
	_, err = s.Reference(devRef)
	require.ErrorIs(t, err, plumbing.ErrReferenceNotFound, "atomic: nothing moved")

	res, err = s.Apply(ctx, nil, cmds, false)
	require.NoError(t, err)
	require.NoError(t, res[0])
	require.ErrorIs(t, res[1], storage.ErrReferenceHasChanged)
	r, err := s.Reference(devRef)
	require.NoError(t, err)
	require.Equal(t, c2, r.Hash())

	// Delete with the right and with a stale old value.
	res, err = s.Apply(ctx, nil, []*packp.Command{{Name: devRef, Old: c1}}, false)
	require.NoError(t, err)
	require.ErrorIs(t, res[0], storage.ErrReferenceHasChanged)
	res, err = s.Apply(ctx, nil, []*packp.Command{{Name: devRef, Old: c2}}, false)
	require.NoError(t, err)
	require.NoError(t, res[0])
	_, err = s.Reference(devRef)
	require.ErrorIs(t, err, plumbing.ErrReferenceNotFound)
}

func TestApplyStoresObjectsAndFixesHead(t *testing.T) {
	t.Parallel()
	pool, s := setup(t)
	ctx := context.Background()
	// Objects built in memory (a holding area), committed with the ref.
	blob := &plumbing.MemoryObject{}
	blob.SetType(plumbing.BlobObject)
	_, _ = blob.Write([]byte("hello"))
	tree := &plumbing.MemoryObject{}
	require.NoError(t, (&object.Tree{Entries: []object.TreeEntry{{Name: "f", Mode: filemode.Regular, Hash: blob.Hash()}}}).Encode(tree))
	sig := object.Signature{Name: "T", Email: "t@example.com", When: time.Unix(1700000000, 0).UTC()}
	cm := &plumbing.MemoryObject{}
	require.NoError(t, (&object.Commit{Author: sig, Committer: sig, Message: "m\n", TreeHash: tree.Hash()}).Encode(cm))

	trunk := plumbing.NewBranchReferenceName("trunk")
	res, err := s.Apply(ctx, []plumbing.EncodedObject{blob, tree, cm}, []*packp.Command{{Name: trunk, New: cm.Hash()}}, false)
	require.NoError(t, err)
	require.NoError(t, res[0])

	other, err := gitstore.Open(ctx, pool, s.ID())
	require.NoError(t, err)
	c, err := object.GetCommit(other, cm.Hash())
	require.NoError(t, err)
	f, err := c.File("f")
	require.NoError(t, err)
	body, err := f.Contents()
	require.NoError(t, err)
	require.Equal(t, "hello", body)

	// HEAD pointed at the absent main; the first pushed branch takes over.
	head, err := other.Reference(plumbing.HEAD)
	require.NoError(t, err)
	require.Equal(t, trunk, head.Target())
}
