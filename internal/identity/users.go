package identity

import (
	"context"
	"errors"
	"slices"
	"time"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/search"
)

// Account is a user account as the layers above identity see it; the
// password hash and credential version stay below.
type Account struct {
	ID                        int64
	Username, FullName, Email string
	Source                    string // local or ldap
	Admin, Disabled           bool
	CreatedAt, UpdatedAt      time.Time
}

func accountOf(u gendb.User) Account {
	return Account{
		ID: u.ID, Username: u.Username, FullName: u.FullName, Email: u.Email, Source: u.Source,
		Admin: u.IsAdmin, Disabled: u.Disabled, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt,
	}
}

// Roles of an account as the API names them: every account is a user;
// admins are also admin.
func Roles(u Account) []string {
	if u.Admin {
		return []string{"admin", "user"}
	}
	return []string{"user"}
}

// errLastAdmin protects the instance from locking itself out.
var errLastAdmin = domain.Errorf(domain.ErrConflict, "the last enabled administrator cannot be removed, demoted or disabled")

// User returns the account of a user id (the caller's own profile).
func (s *Service) User(ctx context.Context, id int64) (Account, error) {
	u, err := s.q().GetUserByID(ctx, id)
	return accountOf(u), notFound(err, "user not found")
}

// UserByName returns an account.
func (s *Service) UserByName(ctx context.Context, username string) (Account, error) {
	u, err := s.q().GetUserByUsername(ctx, username)
	return accountOf(u), notFound(err, "user %q not found", username)
}

// ListUsers pages through accounts, filtered by a substring of the
// username, full name or email, by username ("name", the default for "")
// or in reverse ("-name").
func (s *Service) ListUsers(ctx context.Context, q, sort string, limit, offset int32) ([]Account, int64, error) {
	like := db.LikePattern(q)
	users, err := s.q().ListUsers(ctx, gendb.ListUsersParams{Q: like, Sort: sort, Lim: limit, Off: offset})
	if err != nil {
		return nil, 0, err
	}
	n, err := s.q().CountUsers(ctx, like)
	out := make([]Account, len(users))
	for i, u := range users {
		out[i] = accountOf(u)
	}
	return out, n, err
}

// NewUser is what creating an account takes.
type NewUser struct {
	Username, FullName, Email, Password string
	Admin                               bool
	// Directory creates an LDAP account (source ldap) on its first login:
	// no local password, the directory checks it.
	Directory bool
}

// CreateUser adds an account, within the user limit of the license: a
// local one, or a directory one on its first LDAP login.
func (s *Service) CreateUser(ctx context.Context, n NewUser) (Account, error) {
	source, hash := "local", (*string)(nil)
	if n.Directory {
		source = "ldap"
		if err := errors.Join(validName("username", n.Username), validEmail(n.Email)); err != nil {
			return Account{}, err
		}
	} else {
		if err := errors.Join(validName("username", n.Username), validEmail(n.Email), validPassword(n.Password)); err != nil {
			return Account{}, err
		}
		h, err := auth.HashPassword(n.Password)
		if err != nil {
			return Account{}, err
		}
		hash = &h
	}
	var u gendb.User
	err := s.tx(ctx, func(q *gendb.Queries) error {
		// Account changes are serialised so two creations cannot both take
		// the last seat the license allows.
		if err := q.LockBootstrap(ctx); err != nil {
			return err
		}
		if err := s.checkUserLimit(ctx, q); err != nil {
			return err
		}
		var err error
		u, err = q.CreateUser(ctx, gendb.CreateUserParams{
			Username: n.Username, FullName: n.FullName, Email: n.Email, PasswordHash: hash, Source: source, IsAdmin: n.Admin,
		})
		if err != nil {
			return conflict(err, "user %q already exists", n.Username)
		}
		return record(ctx, q, "user.create", u.Username, map[string]any{"roles": Roles(accountOf(u)), "source": source})
	})
	return accountOf(u), err
}

// UserChange is an admin's change to an account; nil fields stay.
type UserChange struct {
	FullName, Email, Password *string
	Admin, Disabled           *bool
}

// UpdateUser changes an account. Demoting or disabling the last enabled
// administrator is refused, and so is enabling an account beyond the
// license's user limit; a new password or disabling ends the account's
// sessions. Role changes are audited as user.roles, the rest as user.update.
func (s *Service) UpdateUser(ctx context.Context, username string, c UserChange) (Account, error) {
	c.FullName, c.Email = trimmed(c.FullName), trimmed(c.Email)
	if c.Email != nil {
		if err := validEmail(*c.Email); err != nil {
			return Account{}, err
		}
	}
	var hash *string
	if c.Password != nil {
		if err := validPassword(*c.Password); err != nil {
			return Account{}, err
		}
		h, err := auth.HashPassword(*c.Password)
		if err != nil {
			return Account{}, err
		}
		hash = &h
	}
	var u gendb.User
	err := s.tx(ctx, func(q *gendb.Queries) error {
		// One admin change at a time, so two admins demoting each other
		// cannot both pass the last-admin check.
		if err := q.LockBootstrap(ctx); err != nil {
			return err
		}
		before, err := q.GetUserByUsername(ctx, username)
		if err != nil {
			return notFound(err, "user %q not found", username)
		}
		if before.Disabled && c.Disabled != nil && !*c.Disabled {
			if err := s.checkUserLimit(ctx, q); err != nil {
				return err
			}
		}
		if hash != nil && before.Source == "ldap" {
			return errDirectoryPassword
		}
		u, err = q.UpdateUser(ctx, gendb.UpdateUserParams{
			ID: before.ID, FullName: c.FullName, Email: c.Email, PasswordHash: hash, IsAdmin: c.Admin, Disabled: c.Disabled,
		})
		if err != nil {
			return err
		}
		if before.IsAdmin && !before.Disabled && (!u.IsAdmin || u.Disabled) {
			if n, err := q.CountAdmins(ctx); err != nil || n == 0 {
				return errors.Join(err, errLastAdmin)
			}
		}
		if hash != nil {
			if err := auth.ClearLoginFailures(ctx, q, u.Username); err != nil {
				return err
			}
		}
		if hash != nil || (u.Disabled && !before.Disabled) {
			if err := q.DeleteUserSessions(ctx, gendb.DeleteUserSessionsParams{UserID: u.ID, KeepIDHash: []byte{}}); err != nil {
				return err
			}
		}
		var fields []string
		for name, set := range map[string]bool{"fullName": c.FullName != nil, "email": c.Email != nil, "password": hash != nil, "disabled": c.Disabled != nil} {
			if set {
				fields = append(fields, name)
			}
		}
		if len(fields) > 0 {
			slices.Sort(fields)
			d := map[string]any{"fields": fields}
			if c.Disabled != nil {
				d["disabled"] = u.Disabled
			}
			if err := record(ctx, q, "user.update", u.Username, d); err != nil {
				return err
			}
		}
		if before.IsAdmin != u.IsAdmin {
			return record(ctx, q, "user.roles", u.Username, map[string]any{"roles": Roles(accountOf(u)), "previous": Roles(accountOf(before))})
		}
		return nil
	})
	return accountOf(u), err
}

// DeleteUser removes an account with its tokens, sessions and grants; its
// repositories stay, without an owner. The last enabled administrator
// cannot be deleted.
func (s *Service) DeleteUser(ctx context.Context, username string) error {
	return s.tx(ctx, func(q *gendb.Queries) error {
		if err := q.LockBootstrap(ctx); err != nil {
			return err
		}
		u, err := q.GetUserByUsername(ctx, username)
		if err != nil {
			return notFound(err, "user %q not found", username)
		}
		// Their repositories lose their owner: search re-reads them.
		if err := search.EnqueueOwnedRepositories(ctx, q, u.ID); err != nil {
			return err
		}
		if _, err := q.DeleteUser(ctx, u.ID); err != nil {
			return err
		}
		if u.IsAdmin && !u.Disabled {
			if n, err := q.CountAdmins(ctx); err != nil || n == 0 {
				return errors.Join(err, errLastAdmin)
			}
		}
		return record(ctx, q, "user.delete", u.Username, map[string]any{"roles": Roles(accountOf(u))})
	})
}

// UpdateProfile changes the caller's own name and email (nothing else: no
// roles, no state).
func (s *Service) UpdateProfile(ctx context.Context, userID int64, fullName, email *string) (Account, error) {
	fullName, email = trimmed(fullName), trimmed(email)
	if email != nil {
		if err := validEmail(*email); err != nil {
			return Account{}, err
		}
	}
	var u gendb.User
	err := s.tx(ctx, func(q *gendb.Queries) error {
		var err error
		u, err = q.UpdateUser(ctx, gendb.UpdateUserParams{ID: userID, FullName: fullName, Email: email})
		if err != nil {
			return notFound(err, "user not found")
		}
		var fields []string
		if fullName != nil {
			fields = append(fields, "fullName")
		}
		if email != nil {
			fields = append(fields, "email")
		}
		return record(ctx, q, "user.update", u.Username, map[string]any{"fields": fields})
	})
	return accountOf(u), err
}

// ChangePassword sets the caller's password after checking the current one
// (a check that counts against the login rate limits), then ends every
// other session of the account; keepSession is the caller's own cookie
// value, if any.
func (s *Service) ChangePassword(ctx context.Context, p auth.Principal, current, next, keepSession string) error {
	if me, err := s.q().GetUserByID(ctx, p.ID); err == nil && me.Source == "ldap" {
		return errDirectoryPassword
	}
	if err := validPassword(next); err != nil {
		return err
	}
	checked, err := s.authn.Password(ctx, p.Name, current)
	if err != nil {
		if errors.Is(err, domain.ErrUnauthenticated) {
			return domain.Errorf(domain.ErrInvalid, "the current password is wrong")
		}
		return err
	}
	if checked.ID != p.ID {
		return domain.Errorf(domain.ErrInvalid, "the current password is wrong")
	}
	hash, err := auth.HashPassword(next)
	if err != nil {
		return err
	}
	keep := []byte{}
	if keepSession != "" {
		keep = auth.HashSecret(keepSession)
	}
	return s.tx(ctx, func(q *gendb.Queries) error {
		u, err := q.UpdateUser(ctx, gendb.UpdateUserParams{ID: p.ID, PasswordHash: &hash})
		if err != nil {
			return notFound(err, "user not found")
		}
		if err := q.DeleteUserSessions(ctx, gendb.DeleteUserSessionsParams{UserID: p.ID, KeepIDHash: keep}); err != nil {
			return err
		}
		return record(ctx, q, "user.password", u.Username, nil)
	})
}
