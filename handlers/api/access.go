package api

import (
	"context"
	"errors"

	gendb "github.com/kodera-packages/kodera/gen/db"
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

// repository loads a repository for an action through the decision
// function. On the REST API a repository the caller may not read is 404
// for everyone, anonymous included (the protocol endpoints challenge
// anonymous callers instead): the answer is the same error, body and
// status as for a name that does not exist. Readable but not allowed is
// 403, or 401 for an anonymous caller.
func (s *Server) repository(ctx context.Context, name string, act auth.Action) (gendb.Repository, error) {
	p := auth.FromContext(ctx)
	repo, err := s.Authz.Repository(ctx, p, name, auth.ActionRead)
	if err != nil {
		if errors.Is(err, domain.ErrUnauthenticated) || errors.Is(err, domain.ErrNotFound) {
			return gendb.Repository{}, repositoryNotFound(name)
		}
		return gendb.Repository{}, err
	}
	if act == auth.ActionRead {
		return repo, nil
	}
	return s.Authz.Repository(ctx, p, name, act)
}

func repositoryNotFound(name string) error {
	return domain.Errorf(domain.ErrNotFound, "repository %q not found", name)
}

type sessionCookieKey struct{}

// sessionCookie is the raw session cookie of the request, if any (logout
// and password changes need it; handlers do not see the request).
func sessionCookie(ctx context.Context) string {
	v, _ := ctx.Value(sessionCookieKey{}).(string)
	return v
}
