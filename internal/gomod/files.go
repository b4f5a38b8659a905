package gomod

import (
	"io"
	"io/fs"
	"os"
	"path"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	modzip "golang.org/x/mod/zip"
)

// treeFile is one file of a git tree as golang.org/x/mod/zip sees it: its
// content is read from the object store only when the zip is written, so a
// module is never held in memory whole.
type treeFile struct {
	path string
	mode filemode.FileMode
	size int64
	hash plumbing.Hash
	objs storer.EncodedObjectStorer
	mod  time.Time
}

var _ modzip.File = (*treeFile)(nil)

func (f *treeFile) Path() string                { return f.path }
func (f *treeFile) Lstat() (os.FileInfo, error) { return fileInfo{f}, nil }
func (f *treeFile) Open() (io.ReadCloser, error) {
	b, err := object.GetBlob(f.objs, f.hash)
	if err != nil {
		return nil, err
	}
	return b.Reader()
}

// fileInfo is the os.FileInfo of a treeFile: symbolic links and submodules
// are irregular, so that x/mod/zip leaves them out as the go command does.
type fileInfo struct{ f *treeFile }

func (i fileInfo) Name() string       { return path.Base(i.f.path) }
func (i fileInfo) Size() int64        { return i.f.size }
func (i fileInfo) ModTime() time.Time { return i.f.mod }
func (i fileInfo) IsDir() bool        { return false }
func (i fileInfo) Sys() any           { return nil }
func (i fileInfo) Mode() fs.FileMode {
	switch i.f.mode {
	case filemode.Symlink:
		return fs.ModeSymlink | 0o777
	case filemode.Executable:
		return 0o755
	}
	return 0o644
}

// treeFiles lists the files below tree (paths relative to it), the way
// CreateFromVCS lists a git checkout: blobs and symbolic links; submodule
// (gitlink) entries have no content and are skipped.
func treeFiles(objs storer.EncodedObjectStorer, tree *object.Tree, when time.Time) ([]modzip.File, error) {
	var out []modzip.File
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if e.Mode == filemode.Dir || e.Mode == filemode.Submodule {
			continue
		}
		size, err := objs.EncodedObjectSize(e.Hash)
		if err != nil {
			return nil, err
		}
		out = append(out, &treeFile{path: name, mode: e.Mode, size: size, hash: e.Hash, objs: objs, mod: when})
	}
}
