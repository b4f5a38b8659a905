package files

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/kodera-packages/kodera/internal/domain"
)

// get implements GET and HEAD /api/files/{repo}/{path}. A file is served
// by http.ServeContent: single and multiple ranges (RFC 9110 §14),
// If-None-Match against the ETag (the quoted sha256), If-Modified-Since,
// If-Range, 304 and 416. It is always an attachment with nosniff and a
// sandboxing CSP, so uploaded HTML never runs in the server's origin. A
// folder (or ?list) answers its listing.
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
	hdr.Set("Content-Type", e.ContentType)
	hdr.Set("Content-Disposition", Attachment(e.Name))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if req.repo.Visibility == "public" {
		hdr.Set("Cache-Control", "no-cache")
	} else {
		hdr.Set("Cache-Control", "private, no-cache")
	}
	http.ServeContent(w, r, "", e.Modified, c)
	return nil
}

// Attachment returns a Content-Disposition value that makes browsers save
// the file under its name: an ASCII-only quoted fallback (anything else,
// quotes and backslashes become '_') and, when the name needs it, the exact
// name as RFC 8187 UTF-8 (filename*).
func Attachment(name string) string {
	var ascii strings.Builder
	plain := true
	for _, r := range name {
		if r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '%' {
			ascii.WriteByte('_')
			plain = false
			continue
		}
		ascii.WriteRune(r)
	}
	v := `attachment; filename="` + ascii.String() + `"`
	if !plain && utf8.ValidString(name) {
		v += "; filename*=UTF-8''" + rfc8187(name)
	}
	return v
}

// rfc8187 percent-encodes all but RFC 8187's attr-char.
func rfc8187(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
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
