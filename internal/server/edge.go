package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/kodera-packages/kodera/handlers/api"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/origin"
)

// edgeError is a refusal decided before any protocol handler runs.
type edgeError struct {
	status int
	// ociCode is the Distribution Specification error code used on /v2.
	ociCode string
	msg     string
	// err, when set, is what the REST API's problem writer maps (its
	// status, its Retry-After); else msg as an invalid request.
	err error
}

// surfaces gives, by path prefix, the error format of the protocol served
// there: a refusal at the edge must read like the protocol's own errors,
// or its clients show garbage. The first match wins; everything else (the
// UI, health endpoints, future protocols speaking plain text such as
// /api/python, /api/go and /git) gets plain text.
var surfaces = []struct {
	prefix string
	write  func(w http.ResponseWriter, r *http.Request, log *slog.Logger, e edgeError)
}{
	{"/v2/", writeOCIError},
	{"/api/v1/", writeProblemError},
}

// writeEdgeError answers e in the format of the surface r addresses.
func writeEdgeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, e edgeError) {
	p := r.URL.Path
	if p == "/v2" {
		p = "/v2/"
	}
	for _, s := range surfaces {
		if strings.HasPrefix(p, s.prefix) {
			s.write(w, r, log, e)
			return
		}
	}
	writeTextError(w, r, log, e)
}

// writeOCIError writes the Distribution Specification's error envelope.
func writeOCIError(w http.ResponseWriter, r *http.Request, _ *slog.Logger, e edgeError) {
	w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	if r.Method == http.MethodHead {
		return
	}
	type item struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	_ = json.NewEncoder(w).Encode(map[string][]item{"errors": {{Code: e.ociCode, Message: e.msg}}})
}

// writeProblemError writes the REST API's RFC 7807 document through the
// API's own writer.
func writeProblemError(w http.ResponseWriter, r *http.Request, log *slog.Logger, e edgeError) {
	if e.err != nil {
		api.WriteProblem(w, r, log, e.err)
		return
	}
	kind := domain.ErrInvalid
	if e.status == http.StatusForbidden {
		kind = domain.ErrForbidden
	}
	api.WriteProblem(w, r, log, domain.Errorf(kind, "%s", e.msg))
}

// writeTextError writes plain text, or the files protocol's JSON for
// clients that ask for JSON (the UI).
func writeTextError(w http.ResponseWriter, r *http.Request, _ *slog.Logger, e edgeError) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	if strings.HasPrefix(r.URL.Path, "/api/files/") && strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(e.status)
		type item struct {
			Status    int    `json:"status"`
			Message   string `json:"message"`
			RequestID string `json:"requestId,omitempty"`
		}
		_ = json.NewEncoder(w).Encode(map[string][]item{"errors": {{e.status, e.msg, middleware.GetReqID(r.Context())}}})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(e.status)
	_, _ = io.WriteString(w, e.msg+"\n")
}

// crossSite refuses unsafe requests (anything but GET, HEAD, OPTIONS) that
// a browser sends on behalf of another site. Browsers cache Basic
// credentials and send them with any request to the node, so without this
// a page elsewhere could post a form that replaces a file or deletes a
// repository. The rule is the one of Go's http.CrossOriginProtection,
// with the node's external host (KODERA_BASE_URL or the trusted proxy's
// X-Forwarded-Host) also counting as its own:
//
//   - Sec-Fetch-Site decides when present (every current browser sends it):
//     same-origin and none (typed URL, bookmark) pass; same-site is refused
//     as well as cross-site, since a sibling host (wiki.example.com next to
//     packages.example.com) is another application, possibly serving user
//     content, and the UI itself is always same-origin;
//   - else an Origin header must name the node's host ("null", sent by
//     sandboxed frames and data: URLs, never does);
//   - a request with neither header is not from a browser (curl, docker,
//     helm, twine, pip, go, git) and passes.
func crossSite(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				next.ServeHTTP(w, r)
				return
			}
			if reason := crossSiteReason(r); reason != "" {
				writeEdgeError(w, r, log, edgeError{status: http.StatusForbidden, ociCode: "DENIED",
					msg: "cross-site request refused: " + reason})
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// crossSiteReason says why r comes from another site, or "" if it does not.
func crossSiteReason(r *http.Request) string {
	switch v := r.Header.Get("Sec-Fetch-Site"); v {
	case "same-origin", "none":
		return ""
	case "":
	default:
		return fmt.Sprintf("Sec-Fetch-Site is %q", echo(v))
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return ""
	}
	u, err := url.Parse(o)
	if err == nil && u.Host != "" && (strings.EqualFold(u.Host, r.Host) || strings.EqualFold(u.Host, origin.Host(r))) {
		return ""
	}
	return fmt.Sprintf("Origin %q is not this server", echo(o))
}

// echo makes a header value safe and short enough to quote in an error.
func echo(s string) string {
	if len(s) > 100 {
		s = s[:100] + "..."
	}
	return printable(s)
}

// validInput refuses a request whose path or query holds a NUL byte or
// invalid UTF-8 with a 400 in the protocol's own format. Neither can be a
// name, a reference or a search term, and PostgreSQL refuses both
// (SQLSTATE 22021): checked here, no handler has to remember it, and no
// caller, anonymous ones included, can turn them into a logged 500.
func validInput(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if i := badIndex(r.URL.Path); i >= 0 {
				e := edgeError{status: http.StatusBadRequest, ociCode: ociPathCode(r.URL.Path, i),
					msg: "the path holds a NUL byte or invalid UTF-8"}
				writeEdgeError(w, r, log, e)
				return
			}
			if name, ok := badQuery(r.URL.RawQuery); !ok {
				e := edgeError{status: http.StatusBadRequest, ociCode: ociQueryCode(name),
					msg: fmt.Sprintf("query parameter %q holds a NUL byte or invalid UTF-8", printable(name))}
				writeEdgeError(w, r, log, e)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// badIndex is the byte offset of the first NUL or invalid UTF-8 in s, or -1.
func badIndex(s string) int {
	for i, c := range s {
		if c == 0 || (c == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD")) {
			return i
		}
	}
	return -1
}

// badQuery reports the first query parameter whose name or value holds a
// NUL or invalid UTF-8. Pairs with broken escapes are left to the handlers,
// which never see them (url.ParseQuery drops them).
func badQuery(raw string) (name string, ok bool) {
	if raw == "" {
		return "", true
	}
	for _, pair := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(pair, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			continue
		}
		if badIndex(k) >= 0 || badIndex(v) >= 0 {
			return k, false
		}
	}
	return "", true
}

// printable makes a parameter name safe to echo in an error message.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == 0 || r == utf8.RuneError {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}

// ociPathCode picks the OCI error code for a bad byte at offset i of a
// /v2 path: NAME_INVALID in the name, the code of the endpoint's own
// argument after it.
func ociPathCode(p string, i int) string {
	for _, m := range []struct{ marker, code string }{
		{"/blobs/uploads/", "BLOB_UPLOAD_INVALID"},
		{"/blobs/", "DIGEST_INVALID"},
		{"/referrers/", "DIGEST_INVALID"},
		{"/manifests/", "TAG_INVALID"},
	} {
		if j := strings.LastIndex(p, m.marker); j >= 0 && i >= j+len(m.marker) {
			return m.code
		}
	}
	return "NAME_INVALID"
}

// ociQueryCode picks the OCI error code for a bad query parameter.
func ociQueryCode(name string) string {
	switch name {
	case "digest", "mount":
		return "DIGEST_INVALID"
	case "from":
		return "NAME_INVALID"
	case "n":
		return "PAGINATION_NUMBER_INVALID"
	case "tag", "last":
		return "TAG_INVALID"
	}
	// "invalid set of parameters" is what the spec's UNSUPPORTED covers.
	return "UNSUPPORTED"
}

// bodyIdle ends a request body that sends nothing for idle: each Read
// extends the connection's read deadline, so a slow client keeps going as
// long as bytes arrive while a stalled one gets an error instead of
// holding the connection, a goroutine and an upload lease for ever.
func bodyIdle(idle time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if idle <= 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body == nil || r.Body == http.NoBody {
				next.ServeHTTP(w, r)
				return
			}
			b := &idleBody{body: r.Body, rc: http.NewResponseController(w), idle: idle}
			r.Body = b
			// A deadline left by a handler that stopped reading early also
			// bounds the server's discarding of the rest of the body.
			next.ServeHTTP(w, r)
		})
	}
}

// idleBody is a request body with a per-read deadline.
type idleBody struct {
	body io.ReadCloser
	rc   *http.ResponseController
	idle time.Duration

	mu  sync.Mutex
	set bool // a deadline is in force
}

// errBodyStalled is what a request body read returns when the client sent
// nothing for the idle time: an ErrInvalid domain error, so every protocol
// answers it as the client's fault (400) and none logs it as a failure.
var errBodyStalled = &domain.Error{Kind: domain.ErrInvalid, Msg: "the request body stalled: nothing arrived within the idle timeout"}

// stalledError keeps the deadline error in the chain for the logs.
type stalledError struct{ cause error }

func (e stalledError) Error() string   { return errBodyStalled.Msg + ": " + e.cause.Error() }
func (e stalledError) Unwrap() []error { return []error{errBodyStalled, e.cause} }

func (b *idleBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	if err := b.rc.SetReadDeadline(time.Now().Add(b.idle)); err == nil {
		b.set = true
	}
	b.mu.Unlock()
	n, err := b.body.Read(p)
	if err == io.EOF {
		// Once the body is read, net/http watches the connection for the
		// client going away; a deadline left behind would end a request
		// still busy committing what it received.
		b.clear()
	}
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		err = stalledError{err}
	}
	return n, err
}

func (b *idleBody) Close() error { return b.body.Close() }

func (b *idleBody) clear() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.set {
		_ = b.rc.SetReadDeadline(time.Time{})
		b.set = false
	}
}
