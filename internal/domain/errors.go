// Package domain holds the error sentinels every layer shares. Services wrap
// them with %w; each boundary (REST problem JSON, OCI error codes, plain
// text for pip and go) maps them once to its own error format.
package domain

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

var (
	// ErrNotFound: the thing does not exist, or the caller may not know it does.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the request collides with stored state (duplicate name, immutable content).
	ErrConflict = errors.New("conflict")
	// ErrInvalid: the input is malformed or breaks a rule.
	ErrInvalid = errors.New("invalid")
	// ErrForbidden: the caller is known but may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthenticated: credentials are missing or wrong.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrUnavailable: a dependency (database, object store) does not answer.
	ErrUnavailable = errors.New("unavailable")
	// ErrTooManyRequests: a rate limit was hit.
	ErrTooManyRequests = errors.New("too many requests")
)

// Error is a domain error with a message meant for the caller. Its Kind is
// one of the sentinels above, which errors.Is matches.
type Error struct {
	Kind error
	Msg  string
	// Shown lets a 503's message reach the caller: an outage the caller
	// can act on (see Unavailablef). Other 5xx messages never do.
	Shown bool
}

func (e *Error) Error() string { return e.Msg }

// Unwrap lets errors.Is match the sentinel.
func (e *Error) Unwrap() error { return e.Kind }

// Errorf builds a caller-facing error of the given kind.
func Errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: sprintf(format, args...)}
}

// Unavailablef is an ErrUnavailable whose message is shown to the caller,
// for an outage the caller can understand and act on ("the LDAP directory
// cannot be reached; local accounts and tokens still work"). The message
// must name nothing internal.
func Unavailablef(format string, args ...any) error {
	return &Error{Kind: ErrUnavailable, Msg: sprintf(format, args...), Shown: true}
}

// PublicMessage returns the caller-facing message of err if it carries one.
func PublicMessage(err error) (string, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg, true
	}
	return "", false
}

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// StatusClientClosedRequest is nginx's 499: the client closed the
// connection before the answer. Logged and counted, never sent.
const StatusClientClosedRequest = 499

// HTTPStatus is the status every HTTP boundary answers a domain error with,
// 500 for errors that are not domain errors; public tells whether the
// error's message may be shown to the caller (never for 5xx).
func HTTPStatus(err error) (status int, public bool) {
	_, public = PublicMessage(err)
	switch {
	case errors.Is(err, context.Canceled):
		// The client went away; nothing failed on our side.
		return StatusClientClosedRequest, false
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound, public
	case errors.Is(err, ErrConflict):
		return http.StatusConflict, public
	case errors.Is(err, ErrInvalid):
		return http.StatusBadRequest, public
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden, public
	case errors.Is(err, ErrUnauthenticated):
		return http.StatusUnauthorized, public
	case errors.Is(err, ErrTooManyRequests):
		return http.StatusTooManyRequests, public
	case errors.Is(err, ErrUnavailable):
		var e *Error
		return http.StatusServiceUnavailable, errors.As(err, &e) && e.Shown
	}
	return http.StatusInternalServerError, false
}
