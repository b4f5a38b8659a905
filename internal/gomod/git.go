package gomod

import (
	"context"
	"errors"

	"golang.org/x/mod/module"

	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/gitstore"
)

// OpenGit opens the git repository of a module path in repo
// (domain.ErrNotFound if it has none). The Storer belongs to the request
// whose ctx it gets.
func (s *Service) OpenGit(ctx context.Context, repo domain.Repository, modPath string) (*gitstore.Storer, error) {
	id, err := gitstore.GetByModulePath(ctx, s.Pool, repo.ID, modPath)
	if err != nil {
		return nil, err
	}
	return gitstore.Open(ctx, s.Pool, id)
}

// OpenOrCreateGit opens the git repository of a module path, creating it
// first when there is none (the first push). A path the go command would
// refuse is domain.ErrInvalid.
func (s *Service) OpenOrCreateGit(ctx context.Context, repo domain.Repository, modPath string) (*gitstore.Storer, error) {
	st, err := s.OpenGit(ctx, repo, modPath)
	if !errors.Is(err, domain.ErrNotFound) {
		return st, err
	}
	if err := module.CheckPath(modPath); err != nil {
		return nil, domain.Errorf(domain.ErrInvalid, "invalid module path %q: %v", modPath, err)
	}
	if _, err := gitstore.Create(ctx, s.Pool, repo.ID, modPath); err != nil && !errors.Is(err, domain.ErrConflict) {
		return nil, err
	}
	// A concurrent first push may have created it: open whichever won.
	return s.OpenGit(ctx, repo, modPath)
}
