package files

import (
	"context"
	"errors"
	"fmt"
	"io"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// Content reads a file's bytes from the blob store as an io.ReadSeeker, so
// http.ServeContent can answer ranges and conditional requests. Seeking is
// free; a read opens the object at the current offset, so a range request
// reads only from where it starts, and a whole download is one stream.
type Content struct {
	ctx  context.Context
	s    *Service
	blob gendb.Blob
	pos  int64
	rc   io.ReadCloser
	at   int64 // offset rc will read next
}

// Content returns a reader of a file's bytes; Close it when done.
func (s *Service) Content(ctx context.Context, e Entry) (*Content, error) {
	if e.Folder {
		return nil, domain.Errorf(domain.ErrInvalid, "%s is a folder", e.Path)
	}
	b, err := s.Blobs.Get(ctx, e.Digest)
	if err != nil {
		return nil, fmt.Errorf("files: content of %s: %w", e.Path, err)
	}
	return &Content{ctx: ctx, s: s, blob: b}, nil
}

// Size is the content's length.
func (c *Content) Size() int64 { return c.blob.Size }

// Read implements io.Reader.
func (c *Content) Read(p []byte) (int, error) {
	if c.pos >= c.blob.Size {
		return 0, io.EOF
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

// Seek implements io.Seeker.
func (c *Content) Seek(offset int64, whence int) (int64, error) {
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

// Close releases the open stream, if any.
func (c *Content) Close() error {
	if c.rc == nil {
		return nil
	}
	err := c.rc.Close()
	c.rc = nil
	return err
}
