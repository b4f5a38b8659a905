package auth

import (
	"context"
	"encoding/json"
	"errors"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// Lookup loads the named repository together with the level p may use on
// it (what EffectiveLevel answers): the facts every endpoint's answer is
// decided from (handlers/kit turns them into 404, 401 or 403). It is one
// database round trip, on the hot path of every protocol request: the
// repository, p's grant and the guest-access setting come from one query
// (GetRepositoryAccess). A repository that does not exist is ErrNotFound
// after that same single query, so timing does not tell it from a hidden
// one.
func (a *Authorizer) Lookup(ctx context.Context, p Principal, name string) (domain.Repository, int, error) {
	arg := gendb.GetRepositoryAccessParams{Name: name}
	switch p.Kind {
	case KindUser:
		arg.UserID = &p.ID
	case KindService:
		arg.ServiceAccountID = &p.ID
	}
	row, err := gendb.New(a.pool).GetRepositoryAccess(ctx, arg)
	if err := db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return domain.Repository{}, LevelNone, domain.Errorf(domain.ErrNotFound, "repository %q not found", name)
		}
		return domain.Repository{}, LevelNone, err
	}
	return domain.Repository(row.Repository), levelOf(p, row), nil
}

// levelOf is Level narrowed by the token (EffectiveLevel), computed from
// the facts GetRepositoryAccess loaded; TestLookupAgreesWithEffectiveLevel
// holds the two to the same answers.
func levelOf(p Principal, row gendb.GetRepositoryAccessRow) int {
	repo := row.Repository
	if !p.Token.allowsRepository(repo.Name) {
		return LevelNone
	}
	level := LevelNone
	switch {
	case p.Admin:
		level = LevelAdmin
	case repo.Visibility == "public" && p.IsAnonymous():
		if guestOn(row.GuestAccess) {
			level = LevelRead
		}
	default:
		if repo.Visibility == "public" {
			level = LevelRead
		}
		switch p.Kind {
		case KindUser:
			if repo.OwnerID != nil && *repo.OwnerID == p.ID {
				level = LevelAdmin
			}
			level = max(level, LevelFromString(row.UserLevel))
		case KindService:
			level = max(level, LevelFromString(row.ServiceLevel))
		}
	}
	return p.Token.narrow(level)
}

// guestOn reads the stored guest-access setting as GuestAccess does: on
// unless set to false.
func guestOn(raw string) bool {
	if raw == "" {
		return true
	}
	var on bool
	if err := json.Unmarshal([]byte(raw), &on); err != nil {
		return true
	}
	return on
}

// Needs is the level an action requires.
func (a Action) Needs() int { return a.needs() }
