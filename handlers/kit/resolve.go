package kit

import (
	"context"
	"errors"
	"net/http"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
)

// Caller authenticates the request and returns it with the principal in
// its context (auth.FromContext). Credentials that do not verify are
// ErrUnauthenticated, never a fall-back to anonymous. A verified API token
// is remembered for two seconds (tokenCacheTTL says why that is safe), so
// that on the hot path authentication plus Resolve is one database round
// trip.
func (k *Kit) Caller(r *http.Request) (*http.Request, auth.Principal, error) {
	p, err := k.authenticate(r)
	if err != nil {
		return r, auth.Principal{}, err
	}
	return r.WithContext(auth.WithPrincipal(r.Context(), p)), p, nil
}

// Resolve loads the repository a protocol request names, for act, and
// applies the protocol rule (package documentation): anonymous callers who
// may not do act get ErrUnauthenticated, which the protocol answers with
// its challenge; known callers get ErrNotFound for a repository they may
// not read and ErrForbidden for one they may read but not change. typ is
// the repository type the protocol serves ("" accepts any); another type
// is ErrNotFound.
//
// The lookup behind it is one query (repository, the caller's grant, the
// guest-access setting). For reads its answer is remembered for two
// seconds per caller and name (lookupCacheTTL says why that is safe), so
// together with Caller's token cache a repeated download costs no database
// round trip before the format's own; writes always ask the database.
func (k *Kit) Resolve(ctx context.Context, p auth.Principal, name, typ string, act auth.Action) (domain.Repository, error) {
	return k.resolve(ctx, p, name, typ, act, false)
}

// ResolveREST is Resolve with the REST API's rule: a repository the caller
// may not read is ErrNotFound for everyone, anonymous included, with the
// same message as a missing one. Readable but not allowed is
// ErrUnauthenticated for anonymous callers and ErrForbidden for others.
func (k *Kit) ResolveREST(ctx context.Context, p auth.Principal, name, typ string, act auth.Action) (domain.Repository, error) {
	return k.resolve(ctx, p, name, typ, act, true)
}

func (k *Kit) resolve(ctx context.Context, p auth.Principal, name, typ string, act auth.Action, rest bool) (domain.Repository, error) {
	lookup := k.Authz.Lookup
	if !rest && act == auth.ActionRead {
		// Only reads: a write must see the repository's settings as they
		// are now (an immutable switch may not lag).
		lookup = k.lookup
	}
	repo, level, err := lookup(ctx, p, name)
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return domain.Repository{}, err
	}
	if err != nil || level < auth.LevelRead {
		if p.IsAnonymous() && !rest {
			return domain.Repository{}, domain.Errorf(domain.ErrUnauthenticated, "repository %q not found", name)
		}
		return domain.Repository{}, domain.Errorf(domain.ErrNotFound, "repository %q not found", name)
	}
	if level < act.Needs() {
		if p.IsAnonymous() {
			return domain.Repository{}, domain.Errorf(domain.ErrUnauthenticated, "authentication required to %s in repository %q", act, name)
		}
		return domain.Repository{}, domain.Errorf(domain.ErrForbidden, "not allowed to %s in repository %q", act, name)
	}
	if typ != "" && repo.Type != typ {
		return domain.Repository{}, domain.Errorf(domain.ErrNotFound, "repository %q is not a %s repository", name, typ)
	}
	return repo, nil
}
