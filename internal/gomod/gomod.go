// Package gomod publishes Go module versions: from a semver tag pushed to a
// module's git repository (handlers/git) or from an uploaded module zip
// (the REST API), into the generic package model that the GOPROXY
// (handlers/goproxy) serves.
//
// The rules are the go command's: the module proxy protocol and module zip
// format of https://go.dev/ref/mod (sections "Module proxies", "Module zip
// files", "Mapping versions to commits", "Major version suffixes",
// "Compatibility with non-module repositories"), implemented with
// golang.org/x/mod: module.Check for the path and the /vN suffix,
// semver for tags, zip.Create for the archive (paths, case-fold
// collisions, vendor and nested modules left out, 500 MiB and 16 MiB go.mod
// limits) and sumdb/dirhash for the h1: hash the go command checks.
//
// A version is immutable. A tag is turned into a version before the push
// that brings it is applied (Prepare runs in gitsmart's Validator): the
// module zip is built from the tagged tree and stored as a blob
// (content-addressed, so a refused push only leaves an unreferenced blob for
// the garbage collector), and only the applied tags become versions
// (Publish). A tag whose version exists with another h1: hash is refused;
// with the same hash (a tag deleted and pushed again on the same tree) it
// is accepted and changes nothing.
package gomod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/audit"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/packages"
	"github.com/kodera-packages/kodera/internal/repository"
)

// Service publishes and reads Go module versions.
type Service struct {
	Pool     *pgxpool.Pool
	Blobs    *repository.Blobs
	Packages *packages.Service

	cache versionCache
}

// New returns the service over pool and store.
func New(pool *pgxpool.Pool, store *blob.Store) *Service {
	return &Service{Pool: pool, Blobs: &repository.Blobs{Pool: pool, Store: store}, Packages: packages.NewService(pool)}
}

// Prepared is a module version built and stored, ready to be recorded.
type Prepared struct {
	Module  string
	Version string
	Meta    packages.GoMetadata
	Blob    gendb.Blob
	// Exists says the version is already published with the same content:
	// Publish has nothing to do.
	Exists bool
}

// TagVersion splits a tag ref into the module's directory and the version:
// refs/tags/v1.2.3 is ("", "v1.2.3"), refs/tags/sub/dir/v0.1.0 is
// ("sub/dir", "v0.1.0"). ok is false for tags that do not name a version
// (whose last element is not v<digit>...): they are plain git tags. A tag
// that looks like a version but is not a canonical semantic version is
// domain.ErrInvalid.
func TagVersion(ref plumbing.ReferenceName) (dir, version string, ok bool, err error) {
	if !ref.IsTag() {
		return "", "", false, nil
	}
	name := ref.Short()
	dir, version = "", name
	if i := strings.LastIndex(name, "/"); i >= 0 {
		dir, version = name[:i], name[i+1:]
	}
	if len(version) < 2 || version[0] != 'v' || version[1] < '0' || version[1] > '9' {
		return "", "", false, nil
	}
	if !semver.IsValid(version) || semver.Canonical(version) != version {
		return "", "", false, domain.Errorf(domain.ErrInvalid, "tag %s: %s is not a canonical semantic version (vMAJOR.MINOR.PATCH[-pre], no build metadata)", name, version)
	}
	return dir, version, true, nil
}

// Prepare turns a pushed tag of the git repository of module path root
// into a module version: it finds the module in the tagged tree, checks
// its go.mod, builds the zip and stores it. objs reads the pushed objects
// over the stored ones. Refusals are domain.ErrInvalid or
// domain.ErrConflict with a one-line reason for git to print; a tag that
// names no version returns nil, nil.
func (s *Service) Prepare(ctx context.Context, repo domain.Repository, root string, objs storer.EncodedObjectStorer, ref plumbing.ReferenceName, target plumbing.Hash) (*Prepared, error) {
	dir, version, ok, err := TagVersion(ref)
	if err != nil || !ok {
		return nil, err
	}
	commit, err := peelCommit(objs, target)
	if err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "tag %s does not point at a commit", ref.Short())
	}
	return s.prepareAt(ctx, repo, root, objs, dir, version, commit, ref)
}

// prepareAt builds the module found in dir of commit as version (a tag's,
// or a pseudo-version for a branch), checking its go.mod against root/dir.
func (s *Service) prepareAt(ctx context.Context, repo domain.Repository, root string, objs storer.EncodedObjectStorer, dir, version string, commit *object.Commit, ref plumbing.ReferenceName) (*Prepared, error) {
	tree, err := commit.Tree()
	if err != nil {
		return nil, err
	}
	base := root
	if dir != "" {
		if tree, err = tree.Tree(dir); err != nil {
			return nil, domain.Errorf(domain.ErrInvalid, "%s %s: no directory %s in the commit", refKind(ref), ref.Short(), dir)
		}
		base = root + "/" + dir
	}
	var gomod []byte
	if f, err := tree.File("go.mod"); err == nil {
		if f.Size > modzip.MaxGoMod {
			return nil, domain.Errorf(domain.ErrInvalid, "go.mod is larger than %d bytes", modzip.MaxGoMod)
		}
		c, err := f.Contents()
		if err != nil {
			return nil, err
		}
		gomod = []byte(c)
	} else if dir != "" {
		return nil, domain.Errorf(domain.ErrInvalid, "%s %s: no go.mod in %s", refKind(ref), ref.Short(), dir)
	}
	modPath, version, err := modulePath(base, version, gomod)
	if err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "%s %s: %v", refKind(ref), ref.Short(), err)
	}
	files, err := treeFiles(objs, tree, commit.Committer.When)
	if err != nil {
		return nil, err
	}
	if dir != "" {
		files, err = rootLicense(objs, commit, files)
		if err != nil {
			return nil, err
		}
	}
	p, err := s.build(ctx, repo, modPath, version, files, gomod)
	if err != nil {
		return nil, err
	}
	p.Meta.Time = commit.Committer.When.UTC()
	p.Meta.Commit = commit.Hash.String()
	p.Meta.Ref = ref.String()
	p.Meta.Subdir = dir
	p.Meta.GitPath = root
	return p, nil
}

// rootLicense adds the repository root's LICENSE to the files of a module
// in a subdirectory that has none, as the go command does when it zips a
// module from version control (cmd/go/internal/modfetch, coderepo.go), so
// that the h1: hash is the one it would compute.
func rootLicense(objs storer.EncodedObjectStorer, commit *object.Commit, files []modzip.File) ([]modzip.File, error) {
	for _, f := range files {
		if f.Path() == "LICENSE" {
			return files, nil
		}
	}
	root, err := commit.Tree()
	if err != nil {
		return nil, err
	}
	e, err := root.FindEntry("LICENSE")
	if err != nil || !e.Mode.IsFile() {
		return files, nil
	}
	size, err := objs.EncodedObjectSize(e.Hash)
	if err != nil {
		return nil, err
	}
	return append(files, &treeFile{path: "LICENSE", mode: e.Mode, size: size, hash: e.Hash, objs: objs, mod: commit.Committer.When}), nil
}

func refKind(ref plumbing.ReferenceName) string {
	if ref.IsBranch() {
		return "branch"
	}
	return "tag"
}

// modulePath checks the go.mod of a module found at base (the git
// repository's module path plus the tag's directory) for version, and
// returns the module path and the version it publishes. With a go.mod, its
// module line must be base, or base with the /vN suffix of a v2+ version
// (the major branch convention); without one, a v2+ version is
// +incompatible (go.dev/ref/mod#non-module-compat).
func modulePath(base, version string, gomod []byte) (string, string, error) {
	if gomod == nil {
		if major := semver.Major(version); major != "v0" && major != "v1" {
			if _, pathMajor, _ := module.SplitPathVersion(base); pathMajor == "" {
				version += "+incompatible"
			}
		}
		if err := module.Check(base, version); err != nil {
			return "", "", err
		}
		return base, version, nil
	}
	path := modfile.ModulePath(gomod)
	if path == "" {
		return "", "", errors.New("go.mod has no module line")
	}
	if path != base {
		prefix, pathMajor, ok := module.SplitPathVersion(path)
		if !ok || prefix != base || pathMajor == "" {
			return "", "", fmt.Errorf("go.mod says module %s, but this repository serves %s", path, base)
		}
	}
	if err := module.Check(path, version); err != nil {
		return "", "", fmt.Errorf("go.mod says module %s: %v", path, err)
	}
	return path, version, nil
}

// peelCommit returns the commit h names, through annotated tags.
func peelCommit(objs storer.EncodedObjectStorer, h plumbing.Hash) (*object.Commit, error) {
	for range 10 {
		o, err := objs.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return nil, err
		}
		switch o.Type() {
		case plumbing.CommitObject:
			return object.DecodeCommit(objs, o)
		case plumbing.TagObject:
			t, err := object.DecodeTag(objs, o)
			if err != nil {
				return nil, err
			}
			h = t.Target
		default:
			return nil, fmt.Errorf("%s is a %s", h, o.Type())
		}
	}
	return nil, errors.New("tag chain too long")
}

// build checks files against every module zip rule, hashes them, streams
// the zip into the store and compares with an existing version.
func (s *Service) build(ctx context.Context, repo domain.Repository, modPath, version string, files []modzip.File, gomod []byte) (*Prepared, error) {
	cf, err := modzip.CheckFiles(files)
	if err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "not a valid module zip: %s", oneLine(err))
	}
	byPath := make(map[string]modzip.File, len(files))
	for _, f := range files {
		byPath[f.Path()] = f
	}
	prefix := modPath + "@" + version + "/"
	names := make([]string, len(cf.Valid))
	meta := packages.GoMetadata{Files: make([]packages.GoFile, 0, len(cf.Valid))}
	for i, p := range cf.Valid {
		names[i] = prefix + p
		fi, err := byPath[p].Lstat()
		if err != nil {
			return nil, err
		}
		meta.Files = append(meta.Files, packages.GoFile{Path: p, Size: fi.Size()})
	}
	meta.Hash, err = dirhash.Hash1(names, func(name string) (io.ReadCloser, error) {
		return byPath[strings.TrimPrefix(name, prefix)].Open()
	})
	if err != nil {
		return nil, err
	}
	if gomod == nil {
		gomod = []byte("module " + modfile.AutoQuote(modPath) + "\n")
	}
	meta.GoMod = string(gomod)

	p := &Prepared{Module: modPath, Version: version, Meta: meta}
	if old, err := s.version(ctx, repo, modPath, version); err == nil {
		if old.Hash != meta.Hash {
			return nil, domain.Errorf(domain.ErrConflict, "%s@%s is already published with other content (%s); versions are immutable", modPath, version, old.Hash)
		}
		p.Exists = true
		return p, nil
	} else if !errors.Is(err, domain.ErrNotFound) {
		return nil, err
	}

	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(modzip.Create(pw, module.Version{Path: modPath, Version: version}, files))
	}()
	row, _, err := s.Blobs.Put(ctx, pr, -1, blob.IngestOptions{ExpectSize: -1})
	pr.CloseWithError(errors.New("gomod: zip not read"))
	if err != nil {
		return nil, err
	}
	p.Blob = row
	return p, nil
}

// version returns the metadata of a published version.
func (s *Service) version(ctx context.Context, repo domain.Repository, modPath, version string) (packages.GoMetadata, error) {
	_, v, _, err := s.Packages.GetVersion(ctx, repo, modPath, version)
	if err != nil {
		return packages.GoMetadata{}, err
	}
	return packages.DecodeMetadata[packages.GoMetadata](v)
}

// Publish records a prepared version (its zip already stored) and audits
// it as go.push.
func (s *Service) Publish(ctx context.Context, repo domain.Repository, p *Prepared, by string) error {
	if p.Exists {
		return nil
	}
	meta, err := json.Marshal(p.Meta)
	if err != nil {
		return err
	}
	_, err = s.Packages.CreateVersion(ctx, repo, packages.NewVersion{
		Package: p.Module, Version: p.Version, Metadata: meta, CreatedBy: by,
		Files: []packages.NewFile{{Name: packages.GoZipName, BlobDigest: p.Blob.Digest, Size: p.Blob.Size, ContentType: "application/zip"}},
	})
	if err != nil {
		return err
	}
	return audit.Record(ctx, gendb.New(s.Pool), audit.Event{Action: "go.push", Target: repo.Name + "/" + p.Module + "@" + p.Version,
		Details: map[string]any{"hash": p.Meta.Hash, "commit": p.Meta.Commit}})
}

// oneLine joins the lines of err, for git's one-line reasons.
func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}
