package identity

import (
	"context"
	"errors"
	"strings"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
)

// errDirectoryPassword refuses a password change of a directory account:
// the directory keeps that password, and a local one would be a second,
// unmanaged way in.
var errDirectoryPassword = domain.Errorf(domain.ErrInvalid, "this account signs in with its directory (LDAP) password, which is changed in the directory, not here")

// directoryActor is who the audit trail names for what the directory
// decides (an account created or disabled, a role synced): no request's
// caller is (a login has none yet; the sync runs on its own).
var directoryActor = auth.Principal{Kind: auth.KindSystem, Name: "ldap"}

// DirectoryUser is a directory entry as a successful LDAP login found it.
type DirectoryUser struct {
	Username, FullName, Email string
	Admin                     bool // a member of the admin group
}

// SyncDirectoryUser makes the local account of a directory user that just
// signed in match the directory: created on the first login (through
// CreateUser, under whatever limits it enforces), name, email and role
// updated on every later one. The last enabled administrator is never
// demoted by a login (the rule of UpdateUser holds; the login proceeds).
// A local account of the same name is a different person: refused, never
// merged. A disabled account stays disabled.
func (s *Service) SyncDirectoryUser(ctx context.Context, d DirectoryUser) (Account, error) {
	ctx = auth.WithPrincipal(ctx, directoryActor)
	d.Username = strings.ToLower(d.Username)
	if !nameRE.MatchString(d.Username) {
		return Account{}, domain.Errorf(domain.ErrUnauthenticated,
			"the directory user name %q cannot be an account name here: it must be 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit", d.Username)
	}
	d.FullName, d.Email = strings.TrimSpace(d.FullName), strings.TrimSpace(d.Email)
	if validEmail(d.Email) != nil {
		d.Email = "" // the directory's business; an account without one is fine
	}
	for attempt := 0; ; attempt++ {
		u, err := s.q().GetUserByUsername(ctx, d.Username)
		if err := notFound(err, "user %q not found", d.Username); errors.Is(err, domain.ErrNotFound) {
			a, err := s.CreateUser(ctx, NewUser{Username: d.Username, FullName: d.FullName, Email: d.Email, Admin: d.Admin, Directory: true})
			if errors.Is(err, domain.ErrConflict) && attempt == 0 {
				continue // created by a concurrent first login, or a limit: look again
			}
			return a, err
		} else if err != nil {
			return Account{}, err
		}
		if u.Source != "ldap" {
			return Account{}, domain.Errorf(domain.ErrUnauthenticated,
				"a local account named %q exists; the directory (LDAP) user of that name cannot sign in (an administrator must rename or remove one of them)", d.Username)
		}
		if u.Disabled {
			return accountOf(u), nil
		}
		var c UserChange
		if u.FullName != d.FullName {
			c.FullName = &d.FullName
		}
		if u.Email != d.Email {
			c.Email = &d.Email
		}
		if u.IsAdmin != d.Admin {
			c.Admin = &d.Admin
		}
		if c == (UserChange{}) {
			return accountOf(u), nil
		}
		a, err := s.UpdateUser(ctx, d.Username, c)
		if errors.Is(err, errLastAdmin) && c.Admin != nil {
			s.log.WarnContext(ctx, "directory login: the last enabled administrator left the admin group but stays an administrator", "user", d.Username)
			c.Admin = nil
			if c == (UserChange{}) {
				return accountOf(u), nil
			}
			a, err = s.UpdateUser(ctx, d.Username, c)
		}
		return a, err
	}
}

// DirectoryUsers lists the enabled directory (LDAP) accounts.
func (s *Service) DirectoryUsers(ctx context.Context) ([]Account, error) {
	users, err := s.q().ListEnabledUsersBySource(ctx, "ldap")
	out := make([]Account, len(users))
	for i, u := range users {
		out[i] = accountOf(u)
	}
	return out, err
}

// DisableDirectoryUser disables a directory account the directory no
// longer has, which ends its sessions and tokens at once (UpdateUser). The
// last enabled administrator stays (ErrConflict).
func (s *Service) DisableDirectoryUser(ctx context.Context, username string) error {
	ctx = auth.WithPrincipal(ctx, directoryActor)
	u, err := s.q().GetUserByUsername(ctx, username)
	if err := notFound(err, "user %q not found", username); err != nil {
		return err
	}
	if u.Source != "ldap" || u.Disabled {
		return nil
	}
	disabled := true
	_, err = s.UpdateUser(ctx, username, UserChange{Disabled: &disabled})
	return err
}

// WithDirectorySyncLock runs fn unless another node runs the directory
// sync already (a Postgres advisory lock held on one connection for the
// run); ran reports whether fn ran.
func (s *Service) WithDirectorySyncLock(ctx context.Context, fn func() error) (ran bool, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Release()
	q := gendb.New(conn)
	ok, err := q.TryLockDirectorySync(ctx)
	if err != nil || !ok {
		return false, err
	}
	defer func() {
		if uerr := q.UnlockDirectorySync(context.WithoutCancel(ctx)); uerr != nil {
			// A connection that keeps the lock must not go back to the pool.
			_ = conn.Conn().Close(context.WithoutCancel(ctx))
		}
	}()
	return true, fn()
}
