// Package ldap signs directory users in: it implements auth.Directory over
// an LDAP server (RFC 4511 operations, RFC 4515 filters with RFC 4515
// section 3 escaping, RFC 4513 simple binds and StartTLS) with
// github.com/go-ldap/ldap/v3.
//
// A login searches the user with the service bind (KODERA_LDAP_BIND_DN),
// then binds as the entry found with the password given; the local account
// is then created or updated through internal/identity (source ldap, the
// admin role from the admin group). Every call runs under
// KODERA_LDAP_TIMEOUT on a fresh connection, so a slow or dead directory
// costs a login that long at most and never holds anything else; local
// accounts and tokens never reach this package.
package ldap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/config"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/identity"
)

// Directory is an LDAP directory whose users sign in to Kodera.
type Directory struct {
	cfg      config.LDAP
	accounts *identity.Service
	log      *slog.Logger
	// TLS is the client configuration of ldaps:// and StartTLS (nil: the
	// system roots, verifying the URL's host name).
	TLS *tls.Config
}

var _ auth.Directory = (*Directory)(nil)

// New returns the directory of cfg, creating accounts through accounts.
// It reads KODERA_LDAP_CA_FILE, if set, and fails naming it when the file
// holds no certificate.
func New(cfg config.LDAP, accounts *identity.Service, log *slog.Logger) (*Directory, error) {
	d := &Directory{cfg: cfg, accounts: accounts, log: log}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("KODERA_LDAP_CA_FILE: %w", err)
		}
		roots, err := x509.SystemCertPool()
		if err != nil {
			roots = x509.NewCertPool()
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("KODERA_LDAP_CA_FILE %s holds no PEM certificate", cfg.CAFile)
		}
		if u, err := url.Parse(cfg.URL); err == nil {
			d.TLS = &tls.Config{ServerName: u.Hostname(), RootCAs: roots, MinVersion: tls.VersionTLS12}
		}
	}
	return d, nil
}

// errUnreachable is what a login says when the directory does not answer:
// the operator learns where to look, the user that local accounts still
// work; the cause is logged.
var errUnreachable = domain.Unavailablef("the LDAP directory cannot be reached, so directory accounts cannot sign in now; local accounts and tokens still work")

// errBadCredentials is the one answer for an unknown user or a wrong
// password, as for local accounts.
var errBadCredentials = domain.Errorf(domain.ErrUnauthenticated, "invalid credentials")

// Entry is a directory user as a search found it.
type Entry struct {
	DN, Username, FullName, Email string
}

// Login implements auth.Directory: search, bind as the user, then create
// or update the local account. A user the directory no longer has loses
// its local account's access here too (disabled), not only at the next
// sync.
func (d *Directory) Login(ctx context.Context, username, password string) (int64, error) {
	if password == "" {
		return 0, errBadCredentials // an empty password is an anonymous bind, which "succeeds"
	}
	c, err := d.serviceConn(ctx)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	e, err := d.find(c, username)
	if errors.Is(err, errNoSuchUser) {
		if derr := d.accounts.DisableDirectoryUser(ctx, strings.ToLower(username)); derr != nil && !errors.Is(derr, domain.ErrNotFound) {
			d.log.WarnContext(ctx, "ldap: disabling an account the directory no longer has", "user", username, "err", derr)
		}
		return 0, errBadCredentials
	}
	if err != nil {
		return 0, d.unreachable(ctx, err)
	}
	admin, err := d.isAdmin(c, e)
	if err != nil {
		return 0, d.unreachable(ctx, err)
	}
	// The user's own bind, on its own connection: the service connection
	// keeps its identity, and a failed bind leaves nothing behind.
	uc, err := d.dial(ctx)
	if err != nil {
		return 0, d.unreachable(ctx, err)
	}
	defer uc.Close()
	if err := uc.Bind(e.DN, password); err != nil {
		if goldap.IsErrorWithCode(err, goldap.LDAPResultInvalidCredentials) {
			return 0, errBadCredentials
		}
		return 0, d.unreachable(ctx, err)
	}
	a, err := d.accounts.SyncDirectoryUser(ctx, identity.DirectoryUser{Username: e.Username, FullName: e.FullName, Email: e.Email, Admin: admin})
	if err != nil {
		return 0, err
	}
	return a.ID, nil
}

// Has implements auth.Directory.
func (d *Directory) Has(ctx context.Context, username string) (bool, error) {
	c, err := d.serviceConn(ctx)
	if err != nil {
		return false, err
	}
	defer c.Close()
	_, err = d.find(c, username)
	switch {
	case errors.Is(err, errNoSuchUser):
		return false, nil
	case err != nil:
		return false, d.unreachable(ctx, err)
	}
	return true, nil
}

// Lookup finds a user with the service bind.
func (d *Directory) Lookup(ctx context.Context, username string) (Entry, error) {
	c, err := d.serviceConn(ctx)
	if err != nil {
		return Entry{}, err
	}
	defer c.Close()
	e, err := d.find(c, username)
	if err != nil && !errors.Is(err, errNoSuchUser) {
		return Entry{}, d.unreachable(ctx, err)
	}
	return e, err
}

// errNoSuchUser is a search that found no entry for the name.
var errNoSuchUser = errors.New("no such directory user")

// Filter is the user filter with username escaped (RFC 4515 section 3: *,
// (, ), \ and NUL become \2a, \28, \29, \5c, \00), so a name can never add
// filter syntax.
func (d *Directory) Filter(username string) string {
	return strings.ReplaceAll(d.cfg.UserFilter, "{username}", goldap.EscapeFilter(username))
}

func (d *Directory) find(c *goldap.Conn, username string) (Entry, error) {
	attrs := []string{"dn", d.cfg.EmailAttribute, d.cfg.NameAttribute}
	req := goldap.NewSearchRequest(d.cfg.UserBaseDN, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases,
		2, int(d.cfg.Timeout/time.Second)+1, false, d.Filter(username), attrs, nil)
	res, err := c.Search(req)
	if goldap.IsErrorWithCode(err, goldap.LDAPResultNoSuchObject) {
		return Entry{}, fmt.Errorf("KODERA_LDAP_USER_BASE_DN %q does not exist in the directory: %w", d.cfg.UserBaseDN, err)
	}
	if goldap.IsErrorWithCode(err, goldap.LDAPResultSizeLimitExceeded) || (err == nil && len(res.Entries) > 1) {
		// Two entries for one name: which one signs in is not ours to pick.
		return Entry{}, errNoSuchUser
	}
	if err != nil {
		return Entry{}, err
	}
	if len(res.Entries) == 0 {
		return Entry{}, errNoSuchUser
	}
	e := res.Entries[0]
	return Entry{
		DN: e.DN, Username: strings.ToLower(username),
		FullName: e.GetAttributeValue(d.cfg.NameAttribute), Email: e.GetAttributeValue(d.cfg.EmailAttribute),
	}, nil
}

// isAdmin reads the admin group's entry with the membership filter: the
// entry comes back only if the user is a member.
func (d *Directory) isAdmin(c *goldap.Conn, e Entry) (bool, error) {
	if d.cfg.AdminGroupDN == "" {
		return false, nil
	}
	filter := strings.NewReplacer("{dn}", goldap.EscapeFilter(e.DN), "{username}", goldap.EscapeFilter(e.Username)).Replace(d.cfg.GroupFilter)
	req := goldap.NewSearchRequest(d.cfg.AdminGroupDN, goldap.ScopeBaseObject, goldap.NeverDerefAliases,
		1, int(d.cfg.Timeout/time.Second)+1, false, filter, []string{"dn"}, nil)
	res, err := c.Search(req)
	if goldap.IsErrorWithCode(err, goldap.LDAPResultNoSuchObject) {
		d.log.Warn("ldap: KODERA_LDAP_ADMIN_GROUP_DN does not exist; nobody is an administrator through it", "dn", d.cfg.AdminGroupDN)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return len(res.Entries) == 1, nil
}

// serviceConn dials and binds as the service account (or stays anonymous
// when none is configured).
func (d *Directory) serviceConn(ctx context.Context) (*goldap.Conn, error) {
	c, err := d.dial(ctx)
	if err != nil {
		return nil, d.unreachable(ctx, err)
	}
	if d.cfg.BindDN != "" {
		if err := c.Bind(d.cfg.BindDN, d.cfg.BindPassword); err != nil {
			c.Close()
			return nil, d.unreachable(ctx, fmt.Errorf("service bind as KODERA_LDAP_BIND_DN %q: %w", d.cfg.BindDN, err))
		}
	}
	return c, nil
}

// dial connects within the timeout (and the request's deadline) and sets
// the timeout on every later request of the connection.
func (d *Directory) dial(ctx context.Context) (*goldap.Conn, error) {
	u, err := url.Parse(d.cfg.URL)
	if err != nil {
		return nil, err
	}
	timeout := d.cfg.Timeout
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < timeout {
		timeout = max(time.Until(dl), time.Millisecond)
	}
	tlsCfg := d.TLS
	if tlsCfg == nil {
		tlsCfg = &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	}
	dialer := &net.Dialer{Timeout: timeout}
	c, err := goldap.DialURL(d.cfg.URL, goldap.DialWithDialer(dialer), goldap.DialWithTLSConfig(tlsCfg))
	if err != nil {
		return nil, err
	}
	c.SetTimeout(timeout)
	if d.cfg.StartTLS {
		if err := c.StartTLS(tlsCfg); err != nil {
			c.Close()
			return nil, fmt.Errorf("StartTLS: %w", err)
		}
	}
	return c, nil
}

// unreachable logs why the directory failed and answers errUnreachable.
func (d *Directory) unreachable(ctx context.Context, err error) error {
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	d.log.ErrorContext(ctx, "ldap: directory unavailable", "url", d.cfg.URL, "err", err)
	return fmt.Errorf("%w (%w)", errUnreachable, err)
}
