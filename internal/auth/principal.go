// Package auth answers "who is this, and may they do that here": principals,
// password and token secrets, request authentication and the one RBAC
// decision function every handler asks.
package auth

import (
	"context"
	"slices"
	"time"
)

// Kind tells which sort of principal made a request.
type Kind string

// The principal kinds.
const (
	KindAnonymous Kind = "anonymous"
	KindUser      Kind = "user"
	KindService   Kind = "service"
	// KindSystem acts for the operator (the kodera command line); it is
	// never the principal of a request and holds no access of its own.
	KindSystem Kind = "system"
)

// Principal is the caller of one request.
type Principal struct {
	Kind  Kind
	ID    int64  // users.id or service_accounts.id; 0 for anonymous
	Name  string // username or service-account name
	Admin bool
	// Token narrows what the principal may do when it authenticated with a
	// token; nil for passwords and sessions.
	Token *TokenLimits
	// Via says how the principal authenticated: password, token, session, or "" for anonymous.
	Via string
	// CredentialVersion is the user's credential version when it
	// authenticated with a password or a session (0 otherwise): a registry
	// token carrying it ends when the password changes (see Revalidate).
	CredentialVersion int64
}

// TokenLimits are the scopes a token carries.
type TokenLimits struct {
	ID           int64
	Write        bool     // scope write (implies read): publish and delete content
	Admin        bool     // scope admin (implies write): repository settings, grants, visibility, deletion; account and Administration
	Repositories []string // empty = every repository the owner may reach
	// ExpiresAt is when the token stops working; nil = never. Credentials
	// derived from the token (registry JWTs) must not outlive it.
	ExpiresAt *time.Time
}

// Anonymous is the Guest principal.
func Anonymous() Principal { return Principal{Kind: KindAnonymous, Name: "anonymous"} }

// IsAnonymous tells Guest apart from authenticated principals.
func (p Principal) IsAnonymous() bool { return p.Kind == KindAnonymous || p.Kind == "" }

// allowsRepository reports whether a token limit admits the named repository.
func (t *TokenLimits) allowsRepository(name string) bool {
	return t == nil || len(t.Repositories) == 0 || slices.Contains(t.Repositories, name)
}

type principalKey struct{}

// WithPrincipal stores the request's principal in ctx.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the request's principal; Anonymous when none was set.
func FromContext(ctx context.Context) Principal {
	if p, ok := ctx.Value(principalKey{}).(Principal); ok {
		return p
	}
	return Anonymous()
}

// RequestInfo is where a request came from, for audit and rate limits.
type RequestInfo struct {
	ClientIP  string
	RequestID string
}

type requestInfoKey struct{}

// WithRequestInfo stores request metadata in ctx.
func WithRequestInfo(ctx context.Context, ri RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, ri)
}

// RequestInfoFrom returns the request metadata stored in ctx.
func RequestInfoFrom(ctx context.Context) RequestInfo {
	ri, _ := ctx.Value(requestInfoKey{}).(RequestInfo)
	return ri
}
