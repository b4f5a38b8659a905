package files

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/kodera-packages/kodera/handlers/kit"
)

var errMethod = errors.New("method not allowed")

// statusFor is the protocol's own error table, over the kit's generic one.
func statusFor(err error) (status int, msg string) {
	switch {
	case errors.Is(err, errMethod):
		return http.StatusMethodNotAllowed, "method not allowed"
	case errors.Is(err, errPrecondition), errors.Is(err, errIfMatch):
		return http.StatusPreconditionFailed, err.Error()
	}
	status, msg = kit.Status(err)
	if msg == "" {
		msg = strings.ToLower(http.StatusText(status))
	}
	return status, msg
}

// writeError answers err: plain text, or JSON for clients that accept it.
// The kit adds the headers every protocol shares (the Basic challenge on a
// 401, so that curl and wget retry with the credentials they were given;
// Retry-After; the log line of a 5xx, which says nothing internal here).
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := statusFor(err)
	status = h.Kit.Decorate(w, r, err, status, "")
	reqID := middleware.GetReqID(r.Context())
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-store")
	if kit.WantsJSON(r) {
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
