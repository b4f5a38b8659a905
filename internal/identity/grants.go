package identity

import (
	"context"
	"strings"
	"time"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
)

// Grant is one principal's level on a repository.
type Grant struct {
	Principal string // user:<name> or service:<name>
	Level     string
	CreatedAt time.Time
}

// Principal kinds in grant names.
const (
	GrantUser    = "user"
	GrantService = "service"
)

// ParseGrantee splits "user:<name>" or "service:<name>".
func ParseGrantee(s string) (kind, name string, err error) {
	kind, name, ok := strings.Cut(s, ":")
	if !ok || (kind != GrantUser && kind != GrantService) || name == "" {
		return "", "", domain.Errorf(domain.ErrInvalid, "principal %q: want user:<username> or service:<name>", s)
	}
	return kind, name, nil
}

// ListGrants lists a repository's grants, users first.
func (s *Service) ListGrants(ctx context.Context, repo domain.Repository) ([]Grant, error) {
	rows, err := s.q().ListRepositoryPermissions(ctx, repo.ID)
	if err != nil {
		return nil, err
	}
	out := make([]Grant, 0, len(rows))
	for _, r := range rows {
		g := Grant{Level: r.Level, CreatedAt: r.CreatedAt}
		if r.Username != nil {
			g.Principal = GrantUser + ":" + *r.Username
		} else if r.ServiceName != nil {
			g.Principal = GrantService + ":" + *r.ServiceName
		}
		out = append(out, g)
	}
	return out, nil
}

// PutGrant gives a principal a level on a repository (replacing its grant).
func (s *Service) PutGrant(ctx context.Context, repo domain.Repository, grantee, level string) (Grant, error) {
	kind, name, err := ParseGrantee(grantee)
	if err != nil {
		return Grant{}, err
	}
	if auth.LevelFromString(level) == auth.LevelNone {
		return Grant{}, domain.Errorf(domain.ErrInvalid, "level %q: want read, write or admin", level)
	}
	var g Grant
	err = s.tx(ctx, func(q *gendb.Queries) error {
		var row gendb.RepositoryPermission
		switch kind {
		case GrantUser:
			u, err := q.GetUserByUsername(ctx, name)
			if err != nil {
				return notFound(err, "user %q not found", name)
			}
			row, err = q.UpsertUserPermissionReturning(ctx, gendb.UpsertUserPermissionReturningParams{RepositoryID: repo.ID, UserID: &u.ID, Level: level})
			if err != nil {
				return err
			}
		default:
			sa, err := q.GetServiceAccountByName(ctx, name)
			if err != nil {
				return notFound(err, "service account %q not found", name)
			}
			row, err = q.UpsertServicePermissionReturning(ctx, gendb.UpsertServicePermissionReturningParams{RepositoryID: repo.ID, ServiceAccountID: &sa.ID, Level: level})
			if err != nil {
				return err
			}
		}
		g = Grant{Principal: kind + ":" + name, Level: row.Level, CreatedAt: row.CreatedAt}
		return record(ctx, q, "permission.put", repo.Name, map[string]any{"principal": g.Principal, "level": level})
	})
	return g, err
}

// DeleteGrant removes a principal's grant on a repository.
func (s *Service) DeleteGrant(ctx context.Context, repo domain.Repository, grantee string) error {
	kind, name, err := ParseGrantee(grantee)
	if err != nil {
		return err
	}
	missing := domain.Errorf(domain.ErrNotFound, "%s has no grant on repository %q", grantee, repo.Name)
	return s.tx(ctx, func(q *gendb.Queries) error {
		var n int64
		switch kind {
		case GrantUser:
			u, err := q.GetUserByUsername(ctx, name)
			if err != nil {
				return notFound(err, "user %q not found", name)
			}
			if n, err = q.DeleteUserPermission(ctx, gendb.DeleteUserPermissionParams{RepositoryID: repo.ID, UserID: &u.ID}); err != nil {
				return err
			}
		default:
			sa, err := q.GetServiceAccountByName(ctx, name)
			if err != nil {
				return notFound(err, "service account %q not found", name)
			}
			if n, err = q.DeleteServicePermission(ctx, gendb.DeleteServicePermissionParams{RepositoryID: repo.ID, ServiceAccountID: &sa.ID}); err != nil {
				return err
			}
		}
		if n == 0 {
			return missing
		}
		return record(ctx, q, "permission.delete", repo.Name, map[string]any{"principal": kind + ":" + name})
	})
}
