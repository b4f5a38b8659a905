package api

import (
	"context"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
)

// The checks every handler starts with. They only ask internal/auth; none
// decides anything itself.

var errLogin = domain.Errorf(domain.ErrUnauthenticated, "authentication required")

// requireAccount admits a user managing their own account (profile,
// password, personal tokens).
func requireAccount(ctx context.Context) (auth.Principal, error) {
	p := auth.FromContext(ctx)
	switch {
	case p.IsAnonymous():
		return p, errLogin
	case p.Kind != auth.KindUser:
		return p, domain.Errorf(domain.ErrForbidden, "service accounts have no profile")
	case !auth.MayManageAccount(p):
		return p, domain.Errorf(domain.ErrForbidden, "this token may not manage the account (needs the admin scope and no repository limit)")
	}
	return p, nil
}

// requireAdmin admits administrators (Administration section).
func requireAdmin(ctx context.Context) (auth.Principal, error) {
	p := auth.FromContext(ctx)
	if p.IsAnonymous() {
		return p, errLogin
	}
	if !auth.MayAdminister(p) {
		return p, domain.Errorf(domain.ErrForbidden, "administrators only")
	}
	return p, nil
}

// repository loads a repository of type typ ("" = any) for an action,
// with the kit's REST rule: a repository the caller may not read is 404
// for everyone, anonymous included (the protocol endpoints challenge
// anonymous callers instead), with the same body as a name that does not
// exist. Readable but not allowed is 403, or 401 for an anonymous caller;
// another type is 404 saying so.
func (s *Server) repository(ctx context.Context, name, typ string, act auth.Action) (domain.Repository, error) {
	return s.Kit.ResolveREST(ctx, auth.FromContext(ctx), name, typ, act)
}

type sessionCookieKey struct{}

// sessionCookie is the raw session cookie of the request, if any (logout
// and password changes need it; handlers do not see the request).
func sessionCookie(ctx context.Context) string {
	v, _ := ctx.Value(sessionCookieKey{}).(string)
	return v
}
