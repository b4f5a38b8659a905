package pypi

import (
	"context"
	"io"

	"github.com/kodera-packages/kodera/internal/blob"
)

// storeReaderAt reads a stored object at random, as archive/zip needs to
// find a wheel's METADATA through its central directory without fetching
// the whole wheel (three or four ranged reads). Sequential reads, as a
// tar.gz scan makes, continue one open stream instead of opening a range
// per call, which on S3 would be a request each.
type storeReaderAt struct {
	ctx   context.Context
	store *blob.Store
	key   string
	size  int64
	rc    io.ReadCloser
	pos   int64 // offset of rc's next byte
}

func (r *storeReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	if r.rc == nil || off != r.pos {
		r.Close()
		rc, err := r.store.Open(r.ctx, r.key, off, -1)
		if err != nil {
			return 0, err
		}
		r.rc, r.pos = rc, off
	}
	want := p
	if rest := r.size - off; int64(len(want)) > rest {
		want = want[:rest]
	}
	n, err := io.ReadFull(r.rc, want)
	r.pos += int64(n)
	if err != nil {
		r.Close()
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		return n, err
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Close ends the open stream, if any.
func (r *storeReaderAt) Close() {
	if r.rc != nil {
		_ = r.rc.Close()
		r.rc = nil
	}
}
