// Package packages is the generic package model every repository type
// shares: repositories -> packages -> versions -> files -> blobs (DESIGN.md).
package packages

import (
	"context"
	"errors"
	"regexp"

	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
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

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// reserved names would collide with routes or confuse clients.
var reserved = map[string]bool{
	"v2": true, "api": true, "_catalog": true, "token": true, "git": true, "simple": true,
	"swagger-ui": true, "swagger-ui.html": true, "v3": true, "healthz": true, "readyz": true,
	"metrics": true, "assets": true, "static": true, "admin": true, "login": true, "logout": true,
	"me": true, "search": true, "index.html": true, "favicon.ico": true,
}

// ValidateName checks a repository name: lowercase [a-z0-9][a-z0-9._-]{0,63},
// no "..", not a reserved word.
func ValidateName(name string) error {
	if !nameRE.MatchString(name) {
		return domain.Errorf(domain.ErrInvalid, "repository name %q: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit", name)
	}
	if reserved[name] {
		return domain.Errorf(domain.ErrInvalid, "repository name %q is reserved", name)
	}
	for i := 0; i+1 < len(name); i++ {
		if name[i] == '.' && name[i+1] == '.' {
			return domain.Errorf(domain.ErrInvalid, "repository name %q must not contain '..'", name)
		}
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
func CreateRepository(ctx context.Context, pool *pgxpool.Pool, n NewRepository) (gendb.Repository, error) {
	if err := ValidateName(n.Name); err != nil {
		return gendb.Repository{}, err
	}
	if !ValidType(n.Type) {
		return gendb.Repository{}, domain.Errorf(domain.ErrInvalid, "repository type %q: want docker, pypi, go or files", n.Type)
	}
	if n.Visibility == "" {
		n.Visibility = Private
	}
	if n.Visibility != Public && n.Visibility != Private {
		return gendb.Repository{}, domain.Errorf(domain.ErrInvalid, "visibility %q: want public or private", n.Visibility)
	}
	repo, err := gendb.New(pool).CreateRepository(ctx, gendb.CreateRepositoryParams{
		Name: n.Name, Type: n.Type, Description: n.Description, Visibility: n.Visibility, OwnerID: n.OwnerID,
	})
	if err = db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrConflict) {
			return gendb.Repository{}, domain.Errorf(domain.ErrConflict, "repository %q already exists", n.Name)
		}
		return gendb.Repository{}, err
	}
	return repo, nil
}
