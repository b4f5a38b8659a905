package pypi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/kodera-packages/kodera/handlers/kit"
)

// errMethod is a method the path does not take; allow lists those it does.
type errMethod struct{ allow string }

func (e *errMethod) Error() string { return "method not allowed" }

func methodNotAllowed(allow string) error { return &errMethod{allow: allow} }

// errNotAcceptable is an Accept header naming no form of the simple API.
var errNotAcceptable = errors.New("not acceptable: the simple API serves " + strings.Join(offered, ", "))

// statusFor is the protocol's error table over the kit's generic one.
func statusFor(err error) (int, string) {
	var m *errMethod
	switch {
	case errors.As(err, &m):
		return http.StatusMethodNotAllowed, m.Error()
	case errors.Is(err, errNotAcceptable):
		return http.StatusNotAcceptable, err.Error()
	}
	status, msg := kit.Status(err)
	if msg == "" {
		msg = strings.ToLower(http.StatusText(status))
	}
	return status, msg
}

// writeError answers err in plain text, the body pip and twine show (twine
// with --verbose); the kit adds the Basic challenge on a 401, Retry-After
// and the log line of a 5xx.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := statusFor(err)
	var m *errMethod
	if errors.As(err, &m) {
		w.Header().Set("Allow", m.allow)
	}
	status = h.Kit.Decorate(w, r, err, status, "")
	hdr := w.Header()
	hdr.Del("Vary")
	hdr.Set("Content-Type", "text/plain; charset=utf-8")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(msg + "\n"))
	}
}
