package auth

import (
	"context"
	"errors"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// Lookup loads the named repository together with the level p may use on
// it (EffectiveLevel): the raw facts every endpoint's answer is decided
// from (handlers/kit turns them into 404, 401 or 403). A repository that
// does not exist is ErrNotFound after the same queries a hidden one costs,
// so timing does not tell them apart.
func (a *Authorizer) Lookup(ctx context.Context, p Principal, name string) (gendb.Repository, int, error) {
	repo, err := gendb.New(a.pool).GetRepositoryByName(ctx, name)
	if err := db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			_, _ = a.EffectiveLevel(ctx, p, gendb.Repository{Name: name, Visibility: "private"})
			return gendb.Repository{}, LevelNone, domain.Errorf(domain.ErrNotFound, "repository %q not found", name)
		}
		return gendb.Repository{}, LevelNone, err
	}
	level, err := a.EffectiveLevel(ctx, p, repo)
	if err != nil {
		return gendb.Repository{}, LevelNone, err
	}
	return repo, level, nil
}

// Needs is the level an action requires.
func (a Action) Needs() int { return a.needs() }
