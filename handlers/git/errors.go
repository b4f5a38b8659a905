package git

import (
	"errors"
	"net/http"
	"strings"

	"github.com/kodera-packages/kodera/handlers/kit"
	"github.com/kodera-packages/kodera/internal/domain"
)

var errMethod = errors.New("method not allowed")

// watchWriter records whether the answer has begun: once it has, an error
// can only be logged (git reads a broken pack or report as a failure).
type watchWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *watchWriter) WriteHeader(code int) {
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(p)
}

func (w *watchWriter) Flush() {
	w.wrote = true
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *watchWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// writeError answers err in plain text, which git prints after "fatal:"
// or "remote:"; the kit adds the Basic challenge on a 401 so that git asks
// for credentials, and logs a 5xx.
func (h *handler) writeError(w *watchWriter, r *http.Request, err error) {
	status, msg := kit.Status(err)
	if errors.Is(err, errMethod) {
		status, msg = http.StatusMethodNotAllowed, "method not allowed"
		w.Header().Set("Allow", "GET, POST")
	}
	if msg == "" && errors.Is(err, domain.ErrInvalid) {
		// internal/gitsmart's malformed-request errors describe the
		// protocol violation only; git prints them.
		msg = strings.TrimPrefix(err.Error(), domain.ErrInvalid.Error()+": ")
	}
	if msg == "" {
		msg = strings.ToLower(http.StatusText(status))
	}
	status = h.Kit.Decorate(w, r, err, status, "")
	if w.wrote {
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/plain; charset=utf-8")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg + "\n"))
}
