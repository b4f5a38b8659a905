package kit

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
)

// ErrTooLarge is an upload over KODERA_MAX_UPLOAD_BYTES (413). A body cut
// off while it streams is an *http.MaxBytesError, which [Status] maps the
// same way.
var ErrTooLarge = errors.New("the upload exceeds the size limit")

// ErrRangeNotSatisfiable is a Range no byte of the content satisfies
// (416); ServeBlob has set Content-Range: bytes */<size> already.
var ErrRangeNotSatisfiable = errors.New("requested range not satisfiable")

// Status is the generic part of every protocol's error table: the status
// and the message meant for the client ("" when nothing may be said). A
// protocol looks up its own errors first and falls back to this.
func Status(err error) (status int, msg string) {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, ErrTooLarge), errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, ErrTooLarge.Error()
	case errors.Is(err, ErrPreconditionFailed):
		return http.StatusPreconditionFailed, ErrPreconditionFailed.Error()
	case errors.Is(err, ErrRangeNotSatisfiable):
		return http.StatusRequestedRangeNotSatisfiable, ErrRangeNotSatisfiable.Error()
	}
	status, public := domain.HTTPStatus(err)
	if public {
		msg, _ = domain.PublicMessage(err)
	}
	return status, msg
}

// Browser reports whether the request comes from the web UI (a session
// cookie or X-Requested-With): a Basic challenge would open the browser's
// login dialog over the page, so those get a Bearer challenge instead.
func Browser(r *http.Request) bool {
	if r.Header.Get("X-Requested-With") != "" {
		return true
	}
	c, err := r.Cookie(auth.SessionCookie)
	return err == nil && c.Value != ""
}

// BasicChallenge is the WWW-Authenticate value of protocols whose clients
// (curl, wget, pip, go, git) retry with the credentials they were given.
const BasicChallenge = `Basic realm="kodera", charset="UTF-8"`

// browserChallenge asks for credentials without the browser's dialog.
const browserChallenge = `Bearer realm="kodera"`

// Decorate does what every protocol's error response shares, before the
// protocol writes its own body: it sets WWW-Authenticate on a 401
// (challenge, or the Basic one; a Bearer one without dialog for the UI's
// requests), Retry-After on a 429, logs a 5xx with the request id (saying
// nothing of it to the client is the protocol body's job) and turns the
// status into 499 when the client went away, which is logged at debug
// level only. It returns the status to write.
func (k *Kit) Decorate(w http.ResponseWriter, r *http.Request, err error, status int, challenge string) int {
	return Decorate(k.Log, w, r, err, status, challenge)
}

// Decorate is [Kit.Decorate] for code that holds only a logger (the REST
// API's error writer).
func Decorate(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error, status int, challenge string) int {
	ctx := r.Context()
	if errors.Is(err, context.Canceled) || (status >= 500 && errors.Is(ctx.Err(), context.Canceled)) {
		// Whatever failed, it failed because the client went away.
		status = domain.StatusClientClosedRequest
	}
	attrs := []any{"request_id", middleware.GetReqID(ctx), "method", r.Method, "path", r.URL.Path, "status", status, "err", err}
	switch {
	case status == domain.StatusClientClosedRequest:
		log.DebugContext(ctx, "client closed the request", attrs...)
	case status >= 500:
		log.ErrorContext(ctx, "request failed", attrs...)
	}
	hdr := w.Header()
	switch status {
	case http.StatusUnauthorized:
		switch {
		case challenge != "":
			hdr.Set("WWW-Authenticate", challenge)
		case Browser(r):
			hdr.Set("WWW-Authenticate", browserChallenge)
		default:
			hdr.Set("WWW-Authenticate", BasicChallenge)
		}
	case http.StatusTooManyRequests:
		after, ok := auth.RetryAfter(err)
		if !ok {
			after = 60
		}
		hdr.Set("Retry-After", strconv.Itoa(after))
	case http.StatusServiceUnavailable:
		// The database, the store or the directory did not answer: clients
		// that honour Retry-After (docker, pip, go) come back, not give up.
		if hdr.Get("Retry-After") == "" {
			hdr.Set("Retry-After", strconv.Itoa(unavailableRetryAfter))
		}
	}
	// Headers set for a response that was going to be content must not
	// describe the error.
	for _, h := range contentHeaders {
		hdr.Del(h)
	}
	if status != http.StatusRequestedRangeNotSatisfiable {
		hdr.Del("Content-Range")
	}
	return status
}

// unavailableRetryAfter is the Retry-After of a 503, in seconds: a node
// reconnects to a restarted database within a few seconds.
const unavailableRetryAfter = 5

// contentHeaders describe content; an error response drops them (and
// Content-Range, but for a 416's bytes */<size>). Cache-Control goes too:
// the protocol's body writer sets its own for errors, if any.
var contentHeaders = []string{"Content-Disposition", "ETag", "Last-Modified", "Content-Encoding", "Content-Length", "Cache-Control",
	"Accept-Ranges", "Docker-Content-Digest", "X-Checksum-Sha256", "X-Checksum-Sha1", "X-Checksum-Md5"}

// WantsJSON reports whether the client asked for JSON.
func WantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}
