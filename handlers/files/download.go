package files

import (
	"net/http"

	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/domain"
)

// get implements GET and HEAD /api/files/{repo}/{path}. A file is served
// by the kit's ServeBlob: single and multiple ranges (RFC 9110 §14),
// If-None-Match against the ETag (the quoted sha256), If-Modified-Since,
// If-Range, 304, 412 and 416, sendfile on the filesystem store. It is
// always an attachment with nosniff and a sandboxing CSP, so uploaded HTML
// never runs in the server's origin. A folder (or ?list) answers its
// listing.
func (h *handler) get(w http.ResponseWriter, r *http.Request, req *request) error {
	ctx := r.Context()
	e, err := h.Files.Stat(ctx, req.repo, req.path)
	if err != nil {
		return err
	}
	if e.Folder {
		return h.list(w, r, req)
	}
	if req.slash {
		return domain.Errorf(domain.ErrNotFound, "%s is a file, not a folder", req.path)
	}
	c, err := h.Files.Content(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()

	hdr := w.Header()
	setFileHeaders(hdr, e)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if req.repo.Visibility == "public" {
		hdr.Set("Cache-Control", "no-cache")
	} else {
		hdr.Set("Cache-Control", "private, no-cache")
	}
	return h.Kit.ServeBlob(w, r, kit.Content{
		Size: e.Size, ETag: `"` + e.SHA256() + `"`, Modified: e.Modified,
		ContentType: e.ContentType, Attachment: e.Name,
		Open: kit.ReadSeekerOpener(c), StorageKey: e.StorageKey(),
	})
}

// delete implements DELETE /api/files/{repo}/{path}: a file, or a folder
// with everything below it (204).
func (h *handler) delete(w http.ResponseWriter, r *http.Request, req *request) error {
	if _, err := h.Files.Delete(r.Context(), req.repo, req.path); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
