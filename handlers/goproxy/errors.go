package goproxy

import (
	"errors"
	"net/http"
	"strings"

	"github.com/kodera-packages/kodera/handlers/kit"
)

var (
	errMethod = errors.New("method not allowed")
	// errGone is a version that can never exist (go.dev/ref/mod: 410 for
	// "permanently unavailable").
	errGone = errors.New("gone")
)

// writeError answers err in plain text, which the go command prints (it
// reads 404 and 410 as "not found here"); the kit adds the Basic challenge
// on a 401 (the go command then uses .netrc or GOAUTH) and logs a 5xx.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := kit.Status(err)
	switch {
	case errors.Is(err, errMethod):
		status, msg = http.StatusMethodNotAllowed, "method not allowed"
	case errors.Is(err, errGone):
		status, msg = http.StatusGone, err.Error()
	}
	if msg == "" {
		msg = strings.ToLower(http.StatusText(status))
	}
	status = h.Kit.Decorate(w, r, err, status, "")
	hdr := w.Header()
	hdr.Set("Content-Type", "text/plain; charset=utf-8")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg + "\n"))
}
