package apptest

import (
	"context"
	"testing"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/repository"
)

// Seed writes fixtures straight into a node's database through the same
// services the API uses, so protocol tests can set up users, repositories,
// grants and tokens in one line each.
type Seed struct {
	t testing.TB
	n *Node
}

// Seed returns fixture helpers for n.
func (n *Node) Seed(t testing.TB) *Seed { return &Seed{t: t, n: n} }

func (s *Seed) queries() (*gendb.Queries, func()) {
	s.t.Helper()
	pool, err := db.Open(context.Background(), s.n.DBURL)
	if err != nil {
		s.t.Fatal(err)
	}
	return gendb.New(pool), pool.Close
}

// User creates a local account and returns its id.
func (s *Seed) User(name, password string, admin bool) int64 {
	s.t.Helper()
	q, done := s.queries()
	defer done()
	hash, err := auth.HashPassword(password)
	if err != nil {
		s.t.Fatal(err)
	}
	u, err := q.CreateUser(context.Background(), gendb.CreateUserParams{
		Username: name, PasswordHash: &hash, Source: "local", IsAdmin: admin,
	})
	if err != nil {
		s.t.Fatalf("seed user %s: %v", name, err)
	}
	return u.ID
}

// UserID looks up an account id by name.
func (s *Seed) UserID(name string) int64 {
	s.t.Helper()
	q, done := s.queries()
	defer done()
	u, err := q.GetUserByUsername(context.Background(), name)
	if err != nil {
		s.t.Fatalf("seed: user %s: %v", name, err)
	}
	return u.ID
}

// ServiceAccount creates a service account and returns its id.
func (s *Seed) ServiceAccount(name string) int64 {
	s.t.Helper()
	q, done := s.queries()
	defer done()
	sa, err := q.CreateServiceAccount(context.Background(), gendb.CreateServiceAccountParams{Name: name})
	if err != nil {
		s.t.Fatalf("seed service account %s: %v", name, err)
	}
	return sa.ID
}

// Repo creates a repository owned by owner ("" = no owner).
func (s *Seed) Repo(name, typ, visibility, owner string) domain.Repository {
	s.t.Helper()
	var ownerID *int64
	if owner != "" {
		id := s.UserID(owner)
		ownerID = &id
	}
	pool, err := db.Open(context.Background(), s.n.DBURL)
	if err != nil {
		s.t.Fatal(err)
	}
	defer pool.Close()
	r, err := repository.CreateRepository(context.Background(), pool, repository.NewRepository{
		Name: name, Type: typ, Visibility: visibility, OwnerID: ownerID,
	})
	if err != nil {
		s.t.Fatalf("seed repo %s: %v", name, err)
	}
	return r
}

// Grant gives a user (or, with service=true, a service account) a level on a repository.
func (s *Seed) Grant(repo, principal string, service bool, level string) {
	s.t.Helper()
	q, done := s.queries()
	defer done()
	ctx := context.Background()
	r, err := q.GetRepositoryByName(ctx, repo)
	if err != nil {
		s.t.Fatalf("seed grant: repo %s: %v", repo, err)
	}
	if service {
		sa, err := q.GetServiceAccountByName(ctx, principal)
		if err != nil {
			s.t.Fatalf("seed grant: service %s: %v", principal, err)
		}
		err = q.UpsertServicePermission(ctx, gendb.UpsertServicePermissionParams{RepositoryID: r.ID, ServiceAccountID: &sa.ID, Level: level})
		if err != nil {
			s.t.Fatal(err)
		}
		return
	}
	uid := s.UserID(principal)
	if err := q.UpsertUserPermission(ctx, gendb.UpsertUserPermissionParams{RepositoryID: r.ID, UserID: &uid, Level: level}); err != nil {
		s.t.Fatal(err)
	}
}

// Token creates a token for a user (or service account) and returns its secret.
func (s *Seed) Token(owner string, service bool, scopes []string, repos ...string) string {
	s.t.Helper()
	q, done := s.queries()
	defer done()
	n := auth.NewToken{Name: "test", Scopes: scopes, Repositories: repos}
	if service {
		sa, err := q.GetServiceAccountByName(context.Background(), owner)
		if err != nil {
			s.t.Fatal(err)
		}
		n.ServiceAccountID = &sa.ID
	} else {
		id := s.UserID(owner)
		n.UserID = &id
	}
	tok, err := auth.CreateToken(context.Background(), q, n)
	if err != nil {
		s.t.Fatalf("seed token: %v", err)
	}
	return tok.Secret
}

// SQL runs one statement on the node's database, for states no API reaches
// in a test's time (a token that expired a second ago).
func (s *Seed) SQL(query string, args ...any) {
	s.t.Helper()
	pool, err := db.Open(context.Background(), s.n.DBURL)
	if err != nil {
		s.t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(context.Background(), query, args...); err != nil {
		s.t.Fatalf("seed sql %q: %v", query, err)
	}
}
