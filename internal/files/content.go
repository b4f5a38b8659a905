package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/domain"
)

// Content reads a file's bytes from the blob store as an io.ReadSeeker, so
// http.ServeContent can answer ranges and conditional requests. Seeking is
// free; a read opens the object at the current offset, so a range request
// reads only from where it starts and a whole download is one stream.
//
// On a store that keeps objects as local files, Content also implements
// syscall.Conn: a TCP connection's ReadFrom (which ServeContent reaches
// through io.Copy) then sends the file with sendfile, from the current
// offset, without copying it through user space.
type Content struct {
	ctx  context.Context
	s    *Service
	blob gendb.Blob
	pos  int64

	// Local file stores: the open file, read with pread.
	file *os.File
	// sent is set once the kernel may have moved file's offset (sendfile),
	// which then is the true position.
	sent bool

	// Other stores: a stream from offset at.
	rc io.ReadCloser
	at int64
}

// Content returns a reader of a file's bytes; Close it when done.
func (s *Service) Content(ctx context.Context, e Entry) (*Content, error) {
	if e.Folder {
		return nil, domain.Errorf(domain.ErrInvalid, "%s is a folder", e.Path)
	}
	b := gendb.Blob{Digest: e.Digest, Size: e.Size, StorageKey: e.storageKey}
	if b.StorageKey == "" {
		var err error
		if b, err = s.Blobs.Get(ctx, e.Digest); err != nil {
			return nil, fmt.Errorf("files: content of %s: %w", e.Path, err)
		}
	}
	c := &Content{ctx: ctx, s: s, blob: b}
	if fo, ok := s.Blobs.Store.Driver().(blob.FileOpener); ok {
		f, err := fo.OpenFile(ctx, b.StorageKey)
		if err != nil {
			return nil, fmt.Errorf("files: content of %s: %w", e.Path, err)
		}
		c.file = f
	}
	return c, nil
}

// Size is the content's length.
func (c *Content) Size() int64 { return c.blob.Size }

// syncPos takes the position from the file after sendfile moved it.
func (c *Content) syncPos() error {
	if !c.sent {
		return nil
	}
	off, err := c.file.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	c.pos, c.sent = off, false
	return nil
}

// Read implements io.Reader.
func (c *Content) Read(p []byte) (int, error) {
	if err := c.syncPos(); err != nil {
		return 0, err
	}
	if c.pos >= c.blob.Size {
		return 0, io.EOF
	}
	if c.file != nil {
		n, err := c.file.ReadAt(p[:min(int64(len(p)), c.blob.Size-c.pos)], c.pos)
		c.pos += int64(n)
		if errors.Is(err, io.EOF) && c.pos < c.blob.Size {
			err = io.ErrUnexpectedEOF
		}
		return n, err
	}
	if c.rc != nil && c.at != c.pos {
		c.rc.Close()
		c.rc = nil
	}
	if c.rc == nil {
		rc, err := c.s.Blobs.Open(c.ctx, c.blob, c.pos, -1)
		if err != nil {
			return 0, err
		}
		c.rc, c.at = rc, c.pos
	}
	n, err := c.rc.Read(p)
	c.pos += int64(n)
	c.at = c.pos
	if errors.Is(err, io.EOF) && c.pos < c.blob.Size {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// Prepare opens the stored object at the current position when it comes
// from the object store (a local file is open already): the kit calls it
// before writing the status, so an unreachable store is a clean 503.
func (c *Content) Prepare() error {
	if err := c.syncPos(); err != nil {
		return err
	}
	if c.file != nil || c.pos >= c.blob.Size || (c.rc != nil && c.at == c.pos) {
		return nil
	}
	if c.rc != nil {
		c.rc.Close()
		c.rc = nil
	}
	rc, err := c.s.Blobs.Open(c.ctx, c.blob, c.pos, -1)
	if err != nil {
		return err
	}
	c.rc, c.at = rc, c.pos
	return nil
}

// SyscallConn implements syscall.Conn for sendfile: it positions the local
// file at the current offset and returns its descriptor. Without a local
// file it fails, and the caller copies through Read instead.
func (c *Content) SyscallConn() (syscall.RawConn, error) {
	if c.file == nil {
		return nil, errors.ErrUnsupported
	}
	if err := c.syncPos(); err != nil {
		return nil, err
	}
	if _, err := c.file.Seek(c.pos, io.SeekStart); err != nil {
		return nil, err
	}
	c.sent = true
	return c.file.SyscallConn()
}

// Seek implements io.Seeker.
func (c *Content) Seek(offset int64, whence int) (int64, error) {
	if err := c.syncPos(); err != nil {
		return 0, err
	}
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = c.pos + offset
	case io.SeekEnd:
		abs = c.blob.Size + offset
	default:
		return 0, errors.New("files: seek: invalid whence")
	}
	if abs < 0 {
		return 0, errors.New("files: seek: negative position")
	}
	c.pos = abs
	return abs, nil
}

// Close releases what Content opened.
func (c *Content) Close() error {
	var err error
	if c.rc != nil {
		err = c.rc.Close()
		c.rc = nil
	}
	if c.file != nil {
		err = errors.Join(err, c.file.Close())
		c.file = nil
	}
	return err
}
