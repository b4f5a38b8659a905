package files

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
)

var errMethod = errors.New("method not allowed")

// statusFor is the protocol's one error table.
func statusFor(err error) (status int, msg string) {
	msg, _ = domain.PublicMessage(err)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, errMethod):
		return http.StatusMethodNotAllowed, "method not allowed"
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, "the upload exceeds the size limit"
	case errors.Is(err, errPrecondition), errors.Is(err, errIfMatch):
		return http.StatusPreconditionFailed, err.Error()
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge, errTooLarge.Error()
	}
	status, public := domain.HTTPStatus(err)
	if !public {
		msg = strings.ToLower(http.StatusText(status))
	}
	return status, msg
}

// writeError answers err: plain text, or JSON for clients that accept it.
// A 401 carries the Basic challenge so that curl and wget retry with the
// credentials they were given; a 500 is logged with the request id and
// says nothing internal.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := statusFor(err)
	reqID := middleware.GetReqID(r.Context())
	if status >= 500 {
		h.Log.ErrorContext(r.Context(), "files request failed", "err", err, "request_id", reqID, "method", r.Method, "path", r.URL.Path)
	}
	hdr := w.Header()
	switch {
	case status == http.StatusUnauthorized && r.Header.Get("X-Requested-With") != "":
		// The UI's own requests: a Basic challenge would open the
		// browser's login dialog over it.
		hdr.Set("WWW-Authenticate", `Bearer realm="kodera"`)
	case status == http.StatusUnauthorized:
		hdr.Set("WWW-Authenticate", `Basic realm="kodera", charset="UTF-8"`)
	case status == http.StatusTooManyRequests:
		after, ok := auth.RetryAfter(err)
		if !ok {
			after = 60
		}
		hdr.Set("Retry-After", strconv.Itoa(after))
	}
	// Headers set for a response that was going to be a file must not
	// describe the error.
	for _, k := range []string{"Content-Disposition", "ETag", "Last-Modified", "Content-Encoding", "Content-Length",
		"X-Checksum-Sha256", "X-Checksum-Sha1", "X-Checksum-Md5"} {
		hdr.Del(k)
	}
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-store")
	if wantsJSON(r) {
		hdr.Set("Content-Type", "application/json")
		w.WriteHeader(status)
		type item struct {
			Status    int    `json:"status"`
			Message   string `json:"message"`
			RequestID string `json:"requestId,omitempty"`
		}
		_ = json.NewEncoder(w).Encode(map[string][]item{"errors": {{status, msg, reqID}}})
		return
	}
	hdr.Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg + "\n"))
}

// wantsJSON reports whether the client asked for JSON.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}
