// Package origin carries the node's external base URL — the scheme and host
// a client used to reach it, possibly through a TLS-terminating proxy —
// from the edge middleware (internal/server) to every handler that writes an
// absolute URL or decides whether a cookie is Secure. One place derives it,
// so the token realm, links and cookies never disagree.
package origin

import (
	"context"
	"net/http"
	"strings"
)

type key struct{}

// With returns ctx carrying base, the external URL without a trailing
// slash (e.g. https://packages.example.com).
func With(ctx context.Context, base string) context.Context {
	return context.WithValue(ctx, key{}, strings.TrimRight(base, "/"))
}

// Base returns the external base URL of the request: the one the edge
// middleware stored, or, for a handler served without it (unit tests), the
// scheme of the connection and the Host header.
func Base(r *http.Request) string {
	if b, ok := r.Context().Value(key{}).(string); ok && b != "" {
		return b
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Host returns the host[:port] of Base.
func Host(r *http.Request) string {
	return hostOf(Base(r))
}

// Secure reports whether the client reached the node over https, as far
// as the edge middleware could tell.
func Secure(ctx context.Context) bool {
	b, _ := ctx.Value(key{}).(string)
	return strings.HasPrefix(b, "https://")
}

func hostOf(base string) string {
	_, rest, ok := strings.Cut(base, "://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// BaseOf is Base for code that holds only the request's context (the REST
// API's strict handlers): the stored base URL, or "" without one.
func BaseOf(ctx context.Context) string {
	b, _ := ctx.Value(key{}).(string)
	return b
}
