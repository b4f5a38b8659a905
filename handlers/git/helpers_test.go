package git_test

import (
	"archive/zip"
	goio "io"
	"net/http"
	"strings"
)

func zipReader(r goio.ReaderAt, size int64) (*zip.Reader, error) { return zip.NewReader(r, size) }

// io reads a response body into b and closes it.
func io(b *strings.Builder, resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	return goio.Copy(b, resp.Body)
}
