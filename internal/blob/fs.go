package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// fsTempDir is where FS writes an object before renaming it into place. It
// lives under the root so the rename stays within one filesystem, and its
// name starts with '.' so that no valid key can reach it.
const fsTempDir = ".tmp"

// FS is a [Driver] that keeps each object as a file under a root directory,
// at the key's path. It also implements [Mover].
//
// Writes go to a temporary file in the root's ".tmp" directory, are synced,
// and are renamed into place, so a key never shows a partial file and a
// reader holding the old file keeps reading it. Several processes may share
// one root (for example over NFS) as long as they all use this driver. The
// tree under the root must be one filesystem: a key directory mounted
// elsewhere would turn the rename into an error.
type FS struct {
	root string
	tmp  string
}

var (
	_ Driver      = (*FS)(nil)
	_ Mover       = (*FS)(nil)
	_ TempSweeper = (*FS)(nil)
)

// NewFS returns a filesystem driver rooted at root, creating the directory
// if needed.
func NewFS(root string) (*FS, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("blob: fs root %q: %w", root, err)
	}
	d := &FS{root: abs, tmp: filepath.Join(abs, fsTempDir)}
	if err := os.MkdirAll(d.tmp, 0o750); err != nil {
		return nil, fmt.Errorf("blob: fs root: %w", err)
	}
	return d, nil
}

// path maps a validated key to its file.
func (d *FS) path(key string) string {
	return filepath.Join(d.root, filepath.FromSlash(key))
}

// Put implements [Driver].
func (d *FS) Put(ctx context.Context, key string, r io.Reader, size int64) (err error) {
	if err := ValidateKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := os.CreateTemp(d.tmp, "put-*")
	if errors.Is(err, fs.ErrNotExist) {
		// Someone removed the temporary directory; it holds nothing that
		// matters between writes, so recreate it.
		if err = os.MkdirAll(d.tmp, 0o750); err == nil {
			f, err = os.CreateTemp(d.tmp, "put-*")
		}
	}
	if err != nil {
		return fmt.Errorf("blob: fs put %q: %w", key, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()

	// The copy checks ctx between chunks so that a cancelled request stops
	// writing even if r never returns an error itself.
	src := io.Reader(ctxReader{ctx, r})
	if size >= 0 {
		src = &exactReader{r: src, n: size}
	}
	if _, err := io.Copy(f, src); err != nil {
		return fmt.Errorf("blob: fs put %q: %w", key, err)
	}
	// Sync before the rename: otherwise a crash could leave the key naming
	// a file whose data never reached the disk.
	if err := f.Sync(); err != nil {
		return fmt.Errorf("blob: fs put %q: %w", key, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("blob: fs put %q: %w", key, err)
	}
	return d.rename(f.Name(), d.path(key))
}

// WriteAt implements [Appender].
func (d *FS) WriteAt(ctx context.Context, key string, offset int64, r io.Reader, size int64) (int64, error) {
	if err := ValidateKey(key); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	p := d.path(key)
	flags := os.O_WRONLY
	if offset == 0 {
		flags |= os.O_CREATE
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			return 0, fmt.Errorf("blob: fs write %q: %w", key, err)
		}
	}
	f, err := os.OpenFile(p, flags, 0o640)
	if err != nil {
		return 0, fmt.Errorf("blob: fs write %q: %w", key, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("blob: fs write %q: %w", key, err)
	}
	if fi.Size() < offset {
		return 0, fmt.Errorf("blob: fs write %q at %d: object has %d bytes: %w", key, offset, fi.Size(), ErrRange)
	}
	if err := f.Truncate(offset); err != nil {
		return 0, fmt.Errorf("blob: fs write %q: %w", key, err)
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return 0, fmt.Errorf("blob: fs write %q: %w", key, err)
	}
	src := io.Reader(ctxReader{ctx, r})
	if size >= 0 {
		src = &exactReader{r: src, n: size}
	}
	n, err := io.Copy(f, src)
	if err != nil {
		_ = f.Truncate(offset)
		return 0, fmt.Errorf("blob: fs write %q: %w", key, err)
	}
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("blob: fs write %q: %w", key, err)
	}
	return n, f.Close()
}

// rename moves a file into place, creating parent directories, and syncs the
// parent so the new name survives a crash.
func (d *FS) rename(from, to string) error {
	dir := filepath.Dir(to)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("blob: fs: %w", err)
	}
	if err := os.Rename(from, to); err != nil {
		return fmt.Errorf("blob: fs: %w", err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("blob: fs: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("blob: fs sync %s: %w", dir, err)
	}
	return nil
}

// Open implements [Driver].
func (d *FS) Open(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if offset < 0 {
		return nil, fmt.Errorf("blob: fs open %q: negative offset %d: %w", key, offset, ErrRange)
	}
	f, err := d.OpenFile(ctx, key)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("blob: fs open: %w", err)
	}
	if offset > fi.Size() {
		f.Close()
		return nil, fmt.Errorf("blob: fs open %q: offset %d, size %d: %w", key, offset, fi.Size(), ErrRange)
	}
	n := fi.Size() - offset
	if length >= 0 {
		n = min(n, length)
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("blob: fs open: %w", err)
	}
	return fileReader{LimitedReader: &io.LimitedReader{R: f, N: n}, f: f}, nil
}

// fileReader reads part of a file. Its WriteTo hands the *io.LimitedReader
// over the *os.File to the destination's ReadFrom, so that copying to a
// TCP connection (an HTTP response) uses sendfile instead of user-space
// buffers.
type fileReader struct {
	*io.LimitedReader
	f *os.File
}

func (r fileReader) Close() error { return r.f.Close() }

// WriteTo implements io.WriterTo.
func (r fileReader) WriteTo(w io.Writer) (int64, error) {
	if rf, ok := w.(io.ReaderFrom); ok {
		return rf.ReadFrom(r.LimitedReader)
	}
	return io.Copy(w, r.LimitedReader)
}

// Stat implements [Driver].
func (d *FS) Stat(ctx context.Context, key string) (Info, error) {
	if err := ValidateKey(key); err != nil {
		return Info{}, err
	}
	fi, err := os.Stat(d.path(key))
	if err != nil {
		return Info{}, fmt.Errorf("blob: fs stat: %w", err)
	}
	if !fi.Mode().IsRegular() {
		// A directory is only a key's prefix, not an object.
		return Info{}, fmt.Errorf("blob: fs stat %q: %w", key, fs.ErrNotExist)
	}
	return Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

// Delete implements [Driver]. Empty parent directories are left in place:
// removing them would race with a concurrent Put into the same directory.
func (d *FS) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	p := d.path(key)
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("blob: fs delete: %w", err)
	}
	if fi.IsDir() {
		// Only a prefix: no object of that name exists.
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: fs delete: %w", err)
	}
	return nil
}

// List implements [Driver]. It walks only the directory that holds the
// prefix, so listing one content-address shard does not read the whole tree.
func (d *FS) List(ctx context.Context, prefix string, fn func(Info) error) error {
	if err := validatePrefix(prefix); err != nil {
		return err
	}
	start := d.root
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		start = d.path(prefix[:i])
	}
	err := filepath.WalkDir(start, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				// The prefix's directory does not exist, or a directory
				// vanished under the walk: nothing to list there.
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if strings.HasPrefix(e.Name(), ".") && p != start {
			// The driver's temporary files, or something that is not ours.
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(d.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted during the walk
		}
		if err != nil {
			return err
		}
		return fn(Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime()})
	})
	if err != nil {
		return fmt.Errorf("blob: fs list %q: %w", prefix, err)
	}
	return nil
}

// Ping implements [Driver]. It checks that the root's temporary directory
// can be written, which is what every Put needs first.
func (d *FS) Ping(ctx context.Context) error {
	f, err := os.CreateTemp(d.tmp, "ping-*")
	if err != nil {
		return fmt.Errorf("blob: fs ping: %w", err)
	}
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return fmt.Errorf("blob: fs ping: %w", err)
	}
	return nil
}

// Move implements [Mover]. A hard link is the atomic "rename unless the
// target exists" that POSIX filesystems (NFS included) offer; the source
// name is removed once the link stands.
func (d *FS) Move(ctx context.Context, from, to string) error {
	if err := ValidateKey(from); err != nil {
		return err
	}
	if err := ValidateKey(to); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	src := d.path(from)
	fi, err := os.Lstat(src)
	if err != nil {
		return fmt.Errorf("blob: fs move: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("blob: fs move %q: %w", from, fs.ErrNotExist)
	}
	dst := d.path(to)
	dir := filepath.Dir(dst)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("blob: fs: %w", err)
	}
	if err := os.Link(src, dst); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("blob: fs move %q to %q: %w", from, to, fs.ErrExist)
		}
		// A filesystem without hard links: check, then rename. Two
		// renames of the same content may then still race, but only with
		// identical bytes.
		if _, serr := os.Lstat(dst); serr == nil {
			return fmt.Errorf("blob: fs move %q to %q: %w", from, to, fs.ErrExist)
		}
		return d.rename(src, dst)
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	if err := os.Remove(src); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: fs move: %w", err)
	}
	return nil
}

// SweepTemp implements [TempSweeper]: it removes the unfinished writes in
// the root's temporary directory last written before idleSince, returning
// how many it removed. A Put cleans up after itself when it fails, but not
// when its process dies mid-write; what such a crash leaves is invisible to
// List. A live Put writes its file as the body arrives, so only one idle
// longer than the grace period is removed (and then fails).
func (d *FS) SweepTemp(ctx context.Context, idleSince time.Time) (int, error) {
	entries, err := os.ReadDir(d.tmp)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("blob: fs sweep: %w", err)
	}
	cutoff := idleSince
	removed := 0
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		fi, err := e.Info()
		if err != nil || !fi.ModTime().Before(cutoff) {
			continue // gone already, or still fresh
		}
		if err := os.Remove(filepath.Join(d.tmp, e.Name())); err == nil {
			removed++
		} else if !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("blob: fs sweep: %w", err)
		}
	}
	return removed, nil
}

// readCloser pairs a reader over part of a file with the file to close.
type readCloser struct {
	io.Reader
	io.Closer
}

// ctxReader stops a long copy once its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
