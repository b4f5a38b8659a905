package blob

import (
	"context"
	"fmt"
	"io/fs"
	"os"
)

// FileOpener is implemented by drivers that keep each object as a local
// file. Downloads use it to hand the file to the kernel (sendfile) rather
// than copy it through user space.
type FileOpener interface {
	// OpenFile opens the object at key read-only. A missing key fails with
	// an error satisfying fs.ErrNotExist.
	OpenFile(ctx context.Context, key string) (*os.File, error)
}

var _ FileOpener = (*FS)(nil)

// OpenFile implements [FileOpener].
func (d *FS) OpenFile(ctx context.Context, key string) (*os.File, error) {
	if err := ValidateKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(d.path(key))
	if err != nil {
		return nil, fmt.Errorf("blob: fs open: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("blob: fs open: %w", err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("blob: fs open %q: %w", key, fs.ErrNotExist)
	}
	return f, nil
}
