package gomod_test

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/dbtest"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/gomod"
	"github.com/kodera-packages/kodera/internal/packages"
	"github.com/kodera-packages/kodera/internal/repository"
)

func setup(t *testing.T) (*gomod.Service, domain.Repository) {
	t.Helper()
	pool, _ := dbtest.NewPool(t)
	d, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
	repo, err := repository.CreateRepository(context.Background(), pool, repository.NewRepository{Name: "mods", Type: "go", Visibility: "public"})
	require.NoError(t, err)
	return gomod.New(pool, blob.NewStore(d)), repo
}

// zipOf builds a zip of name → content, in order.
func zipOf(t *testing.T, files ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		require.NoError(t, err)
		_, err = w.Write([]byte(files[i+1]))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return b.Bytes()
}

// TestUploadZipRules: an uploaded module zip passes every x/mod/zip rule
// or is refused as invalid with the rule it broke; a second upload of a
// version conflicts.
func TestUploadZipRules(t *testing.T) {
	t.Parallel()
	svc, repo := setup(t)
	ctx := context.Background()
	const p = "example.com/m@v1.0.0/"
	gomodOK := "module example.com/m\n"
	for _, tc := range []struct {
		name  string
		zip   []byte
		issue string
	}{
		{"not a zip", []byte("hello"), "not a zip file"},
		{"empty", zipOf(t), "empty zip"},
		{"no prefix", zipOf(t, "go.mod", gomodOK), "is not below module@version/"},
		{"dot-dot path", zipOf(t, p+"go.mod", gomodOK, p+"../evil.go", "package m\n"), "not a valid module zip"},
		{"outside the prefix", zipOf(t, p+"go.mod", gomodOK, "example.com/other@v1.0.0/x.go", "package m\n"), "not a valid module zip"},
		{"unclean path", zipOf(t, p+"go.mod", gomodOK, p+"a/./b.go", "package m\n"), "not a valid module zip"},
		{"case-fold collision", zipOf(t, p+"go.mod", gomodOK, p+"A.go", "package m\n", p+"a.go", "package m\n"), "case-insensitive file name collision"},
		{"reserved file name", zipOf(t, p+"go.mod", gomodOK, p+"con.go", "package m\n"), "not a valid module zip"},
		{"duplicate entry", zipOf(t, p+"go.mod", gomodOK, p+"a.go", "package m\n", p+"a.go", "package m\n"), "multiple entries for file"},
		{"go.mod too large", zipOf(t, p+"go.mod", "module example.com/m\n//"+strings.Repeat("x", 16<<20)+"\n"), "go.mod"},
		{"non-canonical version", zipOf(t, "example.com/m@v1.0/go.mod", gomodOK), "not canonical"},
		{"v2 without /v2", zipOf(t, "example.com/m@v2.0.0/go.mod", gomodOK), "invalid version"},
		{"module line differs", zipOf(t, p+"go.mod", "module example.com/other\n"), `go.mod says module "example.com/other"`},
		{"bad module path", zipOf(t, "-bad/m@v1.0.0/go.mod", gomodOK), "zip path"},
	} {
		_, err := svc.UploadZip(ctx, repo, bytes.NewReader(tc.zip), "alice")
		require.ErrorIs(t, err, domain.ErrInvalid, tc.name)
		require.Contains(t, err.Error(), tc.issue, tc.name)
	}

	good := zipOf(t, p+"go.mod", gomodOK, p+"m.go", "package m\n", p+"LICENSE", "MIT\n")
	pv, err := svc.UploadZip(ctx, repo, bytes.NewReader(good), "alice")
	require.NoError(t, err)
	require.Equal(t, "example.com/m", pv.Module)
	require.True(t, strings.HasPrefix(pv.Meta.Hash, "h1:"))
	_, err = svc.UploadZip(ctx, repo, bytes.NewReader(good), "alice")
	require.ErrorIs(t, err, domain.ErrConflict)
	v, err := svc.Get(ctx, repo, "example.com/m", "v1.0.0")
	require.NoError(t, err)
	require.Equal(t, pv.Meta.Hash, v.Meta.Hash)
	require.Equal(t, gomodOK, v.Meta.GoMod)
	require.Len(t, v.Meta.Files, 3)
}

// commit stores a commit of files (path → content; a "->" prefix makes a
// symbolic link) in st and returns its hash.
func commit(t *testing.T, st *memory.Storage, files map[string]string, when time.Time) plumbing.Hash {
	t.Helper()
	type node struct {
		files map[string]string
		dirs  map[string]*node
	}
	root := &node{files: map[string]string{}, dirs: map[string]*node{}}
	for p, c := range files {
		n := root
		parts := strings.Split(p, "/")
		for _, d := range parts[:len(parts)-1] {
			if n.dirs[d] == nil {
				n.dirs[d] = &node{files: map[string]string{}, dirs: map[string]*node{}}
			}
			n = n.dirs[d]
		}
		n.files[parts[len(parts)-1]] = c
	}
	var write func(n *node) plumbing.Hash
	write = func(n *node) plumbing.Hash {
		var tr object.Tree
		for name, c := range n.files {
			mode := filemode.Regular
			if target, ok := strings.CutPrefix(c, "->"); ok {
				mode, c = filemode.Symlink, target
			}
			o := st.NewEncodedObject()
			o.SetType(plumbing.BlobObject)
			w, _ := o.Writer()
			_, _ = w.Write([]byte(c))
			_ = w.Close()
			h, err := st.SetEncodedObject(o)
			require.NoError(t, err)
			tr.Entries = append(tr.Entries, object.TreeEntry{Name: name, Mode: mode, Hash: h})
		}
		for name, d := range n.dirs {
			tr.Entries = append(tr.Entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: write(d)})
		}
		sortEntries(tr.Entries)
		o := st.NewEncodedObject()
		require.NoError(t, tr.Encode(o))
		h, err := st.SetEncodedObject(o)
		require.NoError(t, err)
		return h
	}
	sig := object.Signature{Name: "t", Email: "t@example.com", When: when}
	c := object.Commit{Author: sig, Committer: sig, Message: "m", TreeHash: write(root)}
	o := st.NewEncodedObject()
	require.NoError(t, c.Encode(o))
	h, err := st.SetEncodedObject(o)
	require.NoError(t, err)
	return h
}

// sortEntries orders tree entries as git does (directories compare as
// name + "/").
func sortEntries(es []object.TreeEntry) {
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && key(es[j]) < key(es[j-1]); j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

// TestPrepareRules: what a pushed tag becomes, or why it is refused.
func TestPrepareRules(t *testing.T) {
	t.Parallel()
	svc, repo := setup(t)
	ctx := context.Background()
	st := memory.NewStorage()
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	const root = "example.com/m"
	prep := func(tag string, files map[string]string) (*gomod.Prepared, error) {
		return svc.Prepare(ctx, repo, root, st, plumbing.NewTagReferenceName(tag), commit(t, st, files, when))
	}
	gm := "module example.com/m\n\ngo 1.21\n"

	// Files the zip leaves out: vendor, a nested module, a symbolic link.
	p, err := prep("v1.0.0", map[string]string{"go.mod": gm, "m.go": "package m\n", "vendor/x/x.go": "package x\n",
		"sub/go.mod": "module example.com/m/sub\n", "sub/s.go": "package sub\n", "link.go": "->m.go"})
	require.NoError(t, err)
	require.Equal(t, "v1.0.0", p.Version)
	require.Equal(t, when, p.Meta.Time)
	var paths []string
	for _, f := range p.Meta.Files {
		paths = append(paths, f.Path)
	}
	require.ElementsMatch(t, []string{"go.mod", "m.go"}, paths)
	require.NoError(t, svc.Publish(ctx, repo, p, "alice"))

	// The same content again (a deleted tag pushed again) is accepted as is;
	// other content under the same version is refused.
	p, err = prep("v1.0.0", map[string]string{"go.mod": gm, "m.go": "package m\n"})
	require.NoError(t, err)
	require.True(t, p.Exists)
	_, err = prep("v1.0.0", map[string]string{"go.mod": gm, "m.go": "package m // changed\n"})
	require.ErrorIs(t, err, domain.ErrConflict)

	// Tags that are not versions are plain git tags.
	p, err = prep("release-1", map[string]string{"go.mod": gm})
	require.NoError(t, err)
	require.Nil(t, p)

	// v2+: the /v2 suffix on the major branch, +incompatible without go.mod.
	p, err = prep("v2.0.0", map[string]string{"go.mod": "module example.com/m/v2\n", "m.go": "package m\n"})
	require.NoError(t, err)
	require.Equal(t, "example.com/m/v2", p.Module)
	p, err = prep("v3.0.0", map[string]string{"m.go": "package m\n"})
	require.NoError(t, err)
	require.Equal(t, "v3.0.0+incompatible", p.Version)
	require.Equal(t, "module example.com/m\n", p.Meta.GoMod)

	// A subdirectory module tagged <dir>/vX.Y.Z.
	p, err = prep("tools/v0.2.0", map[string]string{"go.mod": gm, "LICENSE": "MIT\n", "tools/go.mod": "module example.com/m/tools\n", "tools/t.go": "package tools\n"})
	require.NoError(t, err)
	require.Equal(t, "example.com/m/tools", p.Module)
	require.Equal(t, "tools", p.Meta.Subdir)
	require.Contains(t, p.Meta.Files, packages.GoFile{Path: "LICENSE", Size: 4}, "the root LICENSE, as the go command adds it")

	for _, tc := range []struct {
		tag   string
		files map[string]string
		issue string
	}{
		{"v1.1", map[string]string{"go.mod": gm}, "not a canonical semantic version"},
		{"v1.1.0+meta", map[string]string{"go.mod": gm}, "not a canonical semantic version"},
		{"v1.1.0", map[string]string{"go.mod": "module example.com/other\n"}, "go.mod says module example.com/other, but this repository serves example.com/m"},
		{"v1.1.0", map[string]string{"go.mod": "go 1.21\n"}, "no module line"},
		{"v2.1.0", map[string]string{"go.mod": gm}, "go.mod says module example.com/m"},
		{"v1.1.0", map[string]string{"go.mod": "module example.com/m/v2\n"}, "go.mod says module example.com/m/v2"},
		{"nodir/v1.0.0", map[string]string{"go.mod": gm}, "no directory nodir"},
		{"tools/v1.0.0", map[string]string{"go.mod": gm, "tools/t.go": "package tools\n"}, "no go.mod in tools"},
		{"v1.2.0", map[string]string{"go.mod": gm, "README": "a", "readme": "b"}, "case-insensitive file name collision"},
		{"v1.3.0", map[string]string{"go.mod": gm, "aux.go": "package m\n"}, "not a valid module zip"},
		{"v1.4.0", map[string]string{"go.mod": gm + "//" + strings.Repeat("x", 16<<20)}, "go.mod is larger than"},
	} {
		_, err := prep(tc.tag, tc.files)
		require.ErrorIs(t, err, domain.ErrInvalid, tc.tag)
		require.Contains(t, err.Error(), tc.issue, tc.tag)
	}

	// Published versions are listed highest first; @latest prefers releases.
	pre, err := prep("v1.5.0-rc.1", map[string]string{"go.mod": gm})
	require.NoError(t, err)
	require.NoError(t, svc.Publish(ctx, repo, pre, "alice"))
	vs, err := svc.Versions(ctx, repo, root)
	require.NoError(t, err)
	require.Equal(t, []string{"v1.5.0-rc.1", "v1.0.0"}, vs)
	latest, err := svc.Latest(ctx, repo, root)
	require.NoError(t, err)
	require.Equal(t, "v1.0.0", latest)
	pkg, err := svc.Packages.GetPackage(ctx, repo, root)
	require.NoError(t, err)
	require.Equal(t, int64(2), pkg.VersionCount)
	_, err = svc.Get(ctx, repo, root, "v2.0.0")
	require.ErrorIs(t, err, domain.ErrNotFound, "prepared but never published")
}
