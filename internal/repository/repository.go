// Package repository holds what its name says: repositories (their names,
// types, visibility and settings; create, update, delete, list) and the
// blobs rows every repository's content points at (Blobs: content stored
// once per digest, the row recording where). It was internal/packages,
// a name that promised the generic package model (packages -> versions ->
// files, DESIGN.md), which now lives there on its own.
//
// Handlers reach it through a service built once per node (Repositories);
// the functions below take the pool for the callers that have one (tests,
// the command line).
package repository

import (
	"context"
	"errors"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/audit"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/search"
)

// Repository types.
const (
	TypeDocker = "docker"
	TypePyPI   = "pypi"
	TypeGo     = "go"
	TypeFiles  = "files"
)

// Visibilities.
const (
	Public  = "public"
	Private = "private"
)

// nameRE is one OCI path component (distribution's grammar), so that every
// repository name, whatever its type, is also a valid first component of an
// image name: lowercase letters and digits, separated by '.', '_', '__' or
// dashes, never at either end.
var nameRE = regexp.MustCompile(`^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$`)

// maxNameLength bounds repository names.
const maxNameLength = 64

// reserved names would collide with routes or confuse clients.
var reserved = map[string]bool{
	"v2": true, "api": true, "_catalog": true, "token": true, "git": true, "simple": true,
	"swagger-ui": true, "swagger-ui.html": true, "v3": true, "healthz": true, "readyz": true,
	"metrics": true, "assets": true, "static": true, "admin": true, "login": true, "logout": true,
	"me": true, "search": true, "index.html": true, "favicon.ico": true,
}

// reservedList names the reserved words in a refusal, sorted.
var reservedList = strings.Join(slices.Sorted(maps.Keys(reserved)), ", ")

// ValidateName checks a repository name: at most 64 characters of one OCI
// path component (see nameRE), not a reserved word.
func ValidateName(name string) error {
	if len(name) > maxNameLength || !nameRE.MatchString(name) {
		return domain.Errorf(domain.ErrInvalid, "repository name %q: use up to 64 lowercase letters and digits, separated by '.', '_', '__' or '-', starting and ending with a letter or digit", name)
	}
	if reserved[name] {
		return domain.Errorf(domain.ErrInvalid, "repository name %q is reserved: it would collide with a server path or a client's (%s)", name, reservedList)
	}
	return nil
}

// ValidType reports whether t is a repository type.
func ValidType(t string) bool {
	return t == TypeDocker || t == TypePyPI || t == TypeGo || t == TypeFiles
}

// NewRepository is what creating a repository takes.
type NewRepository struct {
	Name        string
	Type        string
	Description string
	Visibility  string // default private
	OwnerID     *int64
}

// CreateRepository validates and stores a repository.
func CreateRepository(ctx context.Context, pool *pgxpool.Pool, n NewRepository) (domain.Repository, error) {
	if err := ValidateName(n.Name); err != nil {
		return domain.Repository{}, err
	}
	if !ValidType(n.Type) {
		return domain.Repository{}, domain.Errorf(domain.ErrInvalid, "repository type %q: want docker, pypi, go or files", n.Type)
	}
	if n.Visibility == "" {
		n.Visibility = Private
	}
	if n.Visibility != Public && n.Visibility != Private {
		return domain.Repository{}, domain.Errorf(domain.ErrInvalid, "visibility %q: want public or private", n.Visibility)
	}
	var repo domain.Repository
	err := db.WithTx(ctx, pool, func(q *gendb.Queries) error {
		row, err := q.CreateRepository(ctx, gendb.CreateRepositoryParams{
			Name: n.Name, Type: n.Type, Description: n.Description, Visibility: n.Visibility, OwnerID: n.OwnerID,
		})
		repo = domain.Repository(row)
		if err = db.Translate(err); err != nil {
			if errors.Is(err, domain.ErrConflict) {
				return domain.Errorf(domain.ErrConflict, "repository %q already exists", n.Name)
			}
			return err
		}
		if err := search.Enqueue(ctx, q, search.RepositoryChanged(repo.ID)); err != nil {
			return err
		}
		return audit.Record(ctx, q, audit.Event{Action: "repository.create", Target: repo.Name,
			Details: map[string]any{"type": repo.Type, "visibility": repo.Visibility}})
	})
	return repo, err
}

// RepositoryChange is a change to a repository's settings; nil fields stay.
type RepositoryChange struct {
	Description *string
	Visibility  *string
	Immutable   *bool
}

// UpdateRepository changes a repository's settings. The caller has asked
// the decision function for ActionAdmin on repo.
func UpdateRepository(ctx context.Context, pool *pgxpool.Pool, repo domain.Repository, c RepositoryChange) (domain.Repository, error) {
	if c.Visibility != nil && *c.Visibility != Public && *c.Visibility != Private {
		return domain.Repository{}, domain.Errorf(domain.ErrInvalid, "visibility %q: want public or private", *c.Visibility)
	}
	var out domain.Repository
	err := db.WithTx(ctx, pool, func(q *gendb.Queries) error {
		row, err := q.UpdateRepository(ctx, gendb.UpdateRepositoryParams{ID: repo.ID, Description: c.Description, Visibility: c.Visibility, Immutable: c.Immutable})
		out = domain.Repository(row)
		if err = db.Translate(err); err != nil {
			return err
		}
		if err := search.Enqueue(ctx, q, search.RepositoryChanged(repo.ID)); err != nil {
			return err
		}
		d := map[string]any{}
		if c.Description != nil {
			d["description"] = out.Description
		}
		if c.Visibility != nil {
			d["visibility"] = out.Visibility
		}
		if c.Immutable != nil {
			d["immutable"] = out.Immutable
		}
		return audit.Record(ctx, q, audit.Event{Action: "repository.update", Target: repo.Name, Details: d})
	})
	return out, err
}

// DeleteRepository removes a repository with its packages and grants (the
// rows referencing it cascade; unreferenced blobs are left to gc). The
// caller has asked the decision function for ActionAdmin on repo.
func DeleteRepository(ctx context.Context, pool *pgxpool.Pool, repo domain.Repository) error {
	return db.WithTx(ctx, pool, func(q *gendb.Queries) error {
		if err := q.DeleteRepository(ctx, repo.ID); err != nil {
			return db.Translate(err)
		}
		// The indexer finds the repository gone and drops its documents
		// (packages and files with it).
		if err := search.Enqueue(ctx, q, search.RepositoryChanged(repo.ID)); err != nil {
			return err
		}
		return audit.Record(ctx, q, audit.Event{Action: "repository.delete", Target: repo.Name, Details: map[string]any{"type": repo.Type}})
	})
}

// RepositoryFilter narrows a repository listing.
type RepositoryFilter struct {
	Q      string // substring of the name or description, case-insensitive; "" = any
	Type   *string
	Sort   string // name (default for ""), -name, updated, -updated
	Limit  int32
	Offset int32
}

// ListRepositories pages through the repositories in v (what the caller may
// read, from auth.Authorizer.Visible), with the total.
func ListRepositories(ctx context.Context, pool *pgxpool.Pool, v auth.Visible, f RepositoryFilter) ([]gendb.ListVisibleRepositoriesRow, int64, error) {
	q := gendb.New(pool)
	rows, err := q.ListVisibleRepositories(ctx, gendb.ListVisibleRepositoriesParams{
		AllRepos: v.All, PublicRepos: v.Public, UserID: v.UserID, ServiceAccountID: v.ServiceAccountID, Names: v.Names,
		Q: db.LikePattern(f.Q), Type: f.Type, Sort: f.Sort, Lim: f.Limit, Off: f.Offset,
	})
	if err != nil {
		return nil, 0, db.Translate(err)
	}
	n, err := q.CountVisibleRepositories(ctx, gendb.CountVisibleRepositoriesParams{
		AllRepos: v.All, PublicRepos: v.Public, UserID: v.UserID, ServiceAccountID: v.ServiceAccountID, Names: v.Names,
		Q: db.LikePattern(f.Q), Type: f.Type,
	})
	return rows, n, db.Translate(err)
}

// Repositories is repository CRUD over the database, built once per node
// so handlers hold no pool. The methods are the functions above.
type Repositories struct {
	pool *pgxpool.Pool
}

// NewRepositories returns the repository service over the database.
func NewRepositories(pool *pgxpool.Pool) *Repositories { return &Repositories{pool: pool} }

// Create is CreateRepository.
func (s *Repositories) Create(ctx context.Context, n NewRepository) (domain.Repository, error) {
	return CreateRepository(ctx, s.pool, n)
}

// Update is UpdateRepository.
func (s *Repositories) Update(ctx context.Context, repo domain.Repository, c RepositoryChange) (domain.Repository, error) {
	return UpdateRepository(ctx, s.pool, repo, c)
}

// Delete is DeleteRepository.
func (s *Repositories) Delete(ctx context.Context, repo domain.Repository) error {
	return DeleteRepository(ctx, s.pool, repo)
}

// List is ListRepositories.
func (s *Repositories) List(ctx context.Context, v auth.Visible, f RepositoryFilter) ([]gendb.ListVisibleRepositoriesRow, int64, error) {
	return ListRepositories(ctx, s.pool, v, f)
}
