package pypi

import (
	"context"
	"io"
	"net/http"
	"strings"

	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/pypi"
)

// file implements GET and HEAD /api/python/{repo}/files/{filename}: a
// distribution file, or with ".metadata" its core metadata file (PEP 658),
// through the kit's ServeBlob (Range, ETag = the quoted sha256,
// conditional requests, sendfile or a presigned redirect). File names are
// never reused, so a file's URL always names the same bytes.
func (h *handler) file(w http.ResponseWriter, r *http.Request, req *request) error {
	b, err := h.PyPI.FileBlob(r.Context(), req.repo, req.rest[1])
	if err != nil {
		return err
	}
	ctype := "application/octet-stream"
	switch {
	case strings.HasSuffix(b.Name, pypi.MetadataSuffix):
		ctype = "text/plain; charset=utf-8"
	case strings.HasSuffix(b.Name, ".tar.gz"):
		ctype = "application/gzip"
	case strings.HasSuffix(b.Name, ".whl"), strings.HasSuffix(b.Name, ".zip"):
		ctype = "application/zip"
	}
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	if req.repo.Visibility == "public" {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hdr.Set("Cache-Control", "private, max-age=31536000, immutable")
	}
	return h.Kit.ServeBlob(w, r, kit.Content{
		Size: b.Size, ETag: `"` + strings.TrimPrefix(b.Digest, "sha256:") + `"`, Modified: b.Modified,
		ContentType: ctype, Attachment: b.Name, StorageKey: b.StorageKey,
		Open: func(ctx context.Context, offset, length int64) (io.ReadCloser, error) {
			return h.PyPI.Open(ctx, b, offset, length)
		},
	})
}
