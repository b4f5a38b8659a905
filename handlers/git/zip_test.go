package git_test

import (
	"archive/zip"
	"io"
)

func zipReader(r io.ReaderAt, size int64) (*zip.Reader, error) { return zip.NewReader(r, size) }
