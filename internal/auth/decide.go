package auth

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// Action is what a principal wants to do to a repository.
type Action string

// The actions the decision function knows.
const (
	ActionRead   Action = "read"
	ActionWrite  Action = "write"
	ActionDelete Action = "delete"
	ActionAdmin  Action = "admin" // settings and grants of the repository
)

// Grant levels, ordered: each includes the ones before it.
const (
	LevelNone  = 0
	LevelRead  = 1
	LevelWrite = 2 // read, write and delete
	LevelAdmin = 3 // everything on the repository
)

// LevelFromString maps a stored grant level to its rank.
func LevelFromString(s string) int {
	switch s {
	case "read":
		return LevelRead
	case "write":
		return LevelWrite
	case "admin":
		return LevelAdmin
	}
	return LevelNone
}

func (a Action) needs() int {
	switch a {
	case ActionRead:
		return LevelRead
	case ActionWrite, ActionDelete:
		return LevelWrite
	default:
		return LevelAdmin
	}
}

// SettingGuestAccess is the settings key of the guest-access switch.
const SettingGuestAccess = "guestAccess"

// Authorizer is the one decision function: may principal P do action A on
// repository R. Every handler asks it; nothing re-implements it.
type Authorizer struct {
	pool *pgxpool.Pool
}

// NewAuthorizer builds the decision function over the database.
func NewAuthorizer(pool *pgxpool.Pool) *Authorizer { return &Authorizer{pool: pool} }

// GuestAccess reports the admin switch letting anonymous callers read public
// repositories (on unless an admin turned it off). It is read on every use
// so a change takes effect on every node at once.
func (a *Authorizer) GuestAccess(ctx context.Context) (bool, error) {
	raw, err := gendb.New(a.pool).GetSetting(ctx, SettingGuestAccess)
	if err != nil {
		if err = db.Translate(err); errors.Is(err, domain.ErrNotFound) {
			return true, nil
		}
		return false, err
	}
	var on bool
	if err := json.Unmarshal(raw, &on); err != nil {
		return true, nil
	}
	return on, nil
}

// Level returns the access level p has on repo, before token narrowing.
func (a *Authorizer) Level(ctx context.Context, p Principal, repo domain.Repository) (int, error) {
	if p.Admin {
		return LevelAdmin, nil
	}
	level := LevelNone
	if repo.Visibility == "public" {
		if p.IsAnonymous() {
			guest, err := a.GuestAccess(ctx)
			if err != nil {
				return LevelNone, err
			}
			if guest {
				level = LevelRead
			}
			return level, nil
		}
		level = LevelRead
	}
	q := gendb.New(a.pool)
	switch p.Kind {
	case KindUser:
		if repo.OwnerID != nil && *repo.OwnerID == p.ID {
			return LevelAdmin, nil
		}
		s, err := q.GetUserPermission(ctx, gendb.GetUserPermissionParams{RepositoryID: repo.ID, UserID: &p.ID})
		if err := db.Translate(err); err != nil && !errors.Is(err, domain.ErrNotFound) {
			return LevelNone, err
		}
		level = max(level, LevelFromString(s))
	case KindService:
		s, err := q.GetServicePermission(ctx, gendb.GetServicePermissionParams{RepositoryID: repo.ID, ServiceAccountID: &p.ID})
		if err := db.Translate(err); err != nil && !errors.Is(err, domain.ErrNotFound) {
			return LevelNone, err
		}
		level = max(level, LevelFromString(s))
	}
	return level, nil
}

// May answers whether p may do act on repo. Token scopes narrow what the
// principal could otherwise do: a token limited to other repositories sees
// nothing here, and a read-only token can only read.
func (a *Authorizer) May(ctx context.Context, p Principal, act Action, repo domain.Repository) (bool, error) {
	level, err := a.EffectiveLevel(ctx, p, repo)
	return level >= act.needs(), err
}

// MayAdminister reports whether p may use the Administration section; a
// token may do so only with the admin scope and no repository limit.
func MayAdminister(p Principal) bool {
	return p.Admin && (p.Token == nil || (p.Token.Admin && len(p.Token.Repositories) == 0))
}

// Repository loads the named repository for an action, answering the way
// every endpoint must: a repository p may not read is ErrNotFound exactly as
// one that does not exist (ErrUnauthenticated for anonymous callers, so the
// protocol endpoints can challenge them); readable but not allowed is
// ErrForbidden.
func (a *Authorizer) Repository(ctx context.Context, p Principal, name string, act Action) (domain.Repository, error) {
	hidden := domain.ErrNotFound
	if p.IsAnonymous() {
		hidden = domain.ErrUnauthenticated
	}
	row, err := gendb.New(a.pool).GetRepositoryByName(ctx, name)
	repo := domain.Repository(row)
	if err := db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			// Ask about a private stand-in, so an absent repository costs
			// the same queries as a hidden one (no timing oracle).
			_, _ = a.May(ctx, p, ActionRead, domain.Repository{Name: name, Visibility: "private"})
			return domain.Repository{}, domain.Errorf(hidden, "repository %q not found", name)
		}
		return domain.Repository{}, err
	}
	level, err := a.EffectiveLevel(ctx, p, repo)
	if err != nil {
		return domain.Repository{}, err
	}
	if level < LevelRead {
		return domain.Repository{}, domain.Errorf(hidden, "repository %q not found", name)
	}
	if level < act.needs() {
		if p.IsAnonymous() {
			return domain.Repository{}, domain.Errorf(domain.ErrUnauthenticated, "authentication required to %s in repository %q", act, name)
		}
		return domain.Repository{}, domain.Errorf(domain.ErrForbidden, "not allowed to %s in repository %q", act, name)
	}
	return repo, nil
}

// MayManageAccount reports whether p may change its own account: profile,
// password and personal tokens. Only users may, and through a token only
// one with the admin scope and no repository limit, so a narrow token
// cannot mint itself a wider one.
func MayManageAccount(p Principal) bool {
	return p.Kind == KindUser && (p.Token == nil || (p.Token.Admin && len(p.Token.Repositories) == 0))
}

// MayCreateRepository reports whether p may create repositories: any user
// (who becomes the owner), through a token only with the admin scope and no
// repository limit. Service accounts own nothing and may not.
func MayCreateRepository(p Principal) bool { return MayManageAccount(p) }

// Visible is the set of repositories a principal may read, in the shape a
// listing query needs. It is the same decision as Level and May, stated as
// a predicate: a repository is visible when All, or when it is public and
// Public, or when UserID owns it or UserID/ServiceAccountID holds a grant;
// and, when Names is not nil, only if its name is listed. The auth tests
// check it against May for every kind of principal.
type Visible struct {
	All              bool
	Public           bool
	UserID           *int64
	ServiceAccountID *int64
	Names            []string
}

// Visible returns what p may read, for listings.
func (a *Authorizer) Visible(ctx context.Context, p Principal) (Visible, error) {
	var v Visible
	if p.Token != nil && len(p.Token.Repositories) > 0 {
		v.Names = p.Token.Repositories
	}
	switch {
	case p.Admin:
		v.All = true
	case p.IsAnonymous():
		guest, err := a.GuestAccess(ctx)
		if err != nil {
			return Visible{}, err
		}
		v.Public = guest
	case p.Kind == KindUser:
		v.Public, v.UserID = true, &p.ID
	case p.Kind == KindService:
		v.Public, v.ServiceAccountID = true, &p.ID
	}
	return v, nil
}

// LevelName is the grant name of a level ("" for none).
func LevelName(level int) string {
	switch level {
	case LevelRead:
		return "read"
	case LevelWrite:
		return "write"
	case LevelAdmin:
		return "admin"
	}
	return ""
}

// EffectiveLevel is the level p may use on repo once token scopes narrow
// it: what May answers for each action, as one value for display. A token
// without the write scope only reads; one without the admin scope may
// publish and delete content but not administer the repository (settings,
// grants, visibility, deletion).
func (a *Authorizer) EffectiveLevel(ctx context.Context, p Principal, repo domain.Repository) (int, error) {
	if !p.Token.allowsRepository(repo.Name) {
		return LevelNone, nil
	}
	level, err := a.Level(ctx, p, repo)
	if err != nil {
		return LevelNone, err
	}
	return p.Token.narrow(level), nil
}

// narrow caps a level by the token's scopes: without write only reads,
// without admin at most write. Nil (no token) narrows nothing.
func (t *TokenLimits) narrow(level int) int {
	if t == nil {
		return level
	}
	if !t.Write {
		level = min(level, LevelRead)
	}
	if !t.Admin {
		level = min(level, LevelWrite)
	}
	return level
}
