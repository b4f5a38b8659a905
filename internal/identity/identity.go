// Package identity is the service behind the REST API's identity and access
// endpoints: logins and sessions, profiles, accounts and roles, personal and
// service-account tokens, instance settings and repository grants. Every
// change writes its audit record in the same transaction, so a change and
// its trace commit together. Who may call what is decided by the handlers
// through internal/auth; this package enforces the invariants that hold
// whoever calls (the last administrator stays, secrets are stored hashed).
package identity

import (
	"context"
	"errors"
	"log/slog"
	"net/mail"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/audit"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// Service manages identities over the database.
type Service struct {
	pool  *pgxpool.Pool
	authn *auth.Authenticator
	authz *auth.Authorizer
	log   *slog.Logger
	limit UserLimit
}

// UserLimit caps enabled accounts (internal/license). CheckUserLimit runs
// inside the account change's transaction, after its lock, and refuses one
// more enabled account with a domain.ErrConflict naming the limit.
type UserLimit interface {
	CheckUserLimit(ctx context.Context, q *gendb.Queries) error
}

// WithUserLimit makes creating or enabling an account respect l; without
// it there is no limit.
func (s *Service) WithUserLimit(l UserLimit) *Service {
	s.limit = l
	return s
}

// checkUserLimit asks the limit, if any, whether one more account may be enabled.
func (s *Service) checkUserLimit(ctx context.Context, q *gendb.Queries) error {
	if s.limit == nil {
		return nil
	}
	return s.limit.CheckUserLimit(ctx, q)
}

// New builds the service.
func New(pool *pgxpool.Pool, authn *auth.Authenticator, authz *auth.Authorizer, log *slog.Logger) *Service {
	return &Service{pool: pool, authn: authn, authz: authz, log: log}
}

// nameRE is the shape of usernames and service-account names: the same as
// repository names, so they are safe in URLs, principals (user:<name>) and
// audit filters.
var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

func validName(what, name string) error {
	if !nameRE.MatchString(name) {
		return domain.Errorf(domain.ErrInvalid, "%s %q: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit", what, name)
	}
	return nil
}

func validEmail(email string) error {
	if email == "" {
		return nil
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return domain.Errorf(domain.ErrInvalid, "email %q is not an address", email)
	}
	return nil
}

func validPassword(pw string) error {
	if len(pw) < auth.MinPasswordLength {
		return domain.Errorf(domain.ErrInvalid, "password must be at least %d characters", auth.MinPasswordLength)
	}
	if !auth.ValidCredential(pw) {
		return domain.Errorf(domain.ErrInvalid, "password must be UTF-8 text without NUL characters")
	}
	return nil
}

// notFound hides the database error behind a caller-facing message.
func notFound(err error, format string, args ...any) error {
	err = db.Translate(err)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Errorf(domain.ErrNotFound, format, args...)
	}
	return err
}

func (s *Service) tx(ctx context.Context, fn func(q *gendb.Queries) error) error {
	return db.WithTx(ctx, s.pool, fn)
}

func (s *Service) q() *gendb.Queries { return gendb.New(s.pool) }

func record(ctx context.Context, q *gendb.Queries, action, target string, details map[string]any) error {
	return audit.Record(ctx, q, audit.Event{Action: action, Target: target, Details: details})
}

func trimmed(p *string) *string {
	if p == nil {
		return nil
	}
	v := strings.TrimSpace(*p)
	return &v
}
