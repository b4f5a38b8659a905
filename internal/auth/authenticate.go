package auth

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// SessionCookie is the name of the UI session cookie.
const SessionCookie = "kodera_session"

// Authenticator turns the credentials of a request into a Principal. Every
// credential works everywhere: Bearer token, Basic with username:token or
// username:password, and the session cookie.
type Authenticator struct {
	pool     *pgxpool.Pool
	log      *slog.Logger
	limits   LoginLimits
	gate     *hashGate
	accounts keyedMutex // password checks of one account, one at a time
	clients  keyedMutex // login budget reservations of one address, one at a time
	verified *verifiedCache
	// directory, when set, verifies the passwords of directory (LDAP)
	// accounts; see SetDirectory.
	directory atomic.Pointer[directoryBox]
	// Counters of password checks, for tests and metrics.
	hashed, remembered atomic.Int64
}

// NewAuthenticator builds an Authenticator over the database with
// DefaultLoginLimits.
func NewAuthenticator(pool *pgxpool.Pool, log *slog.Logger) *Authenticator {
	return &Authenticator{pool: pool, log: log, limits: DefaultLoginLimits, gate: passwordGate, verified: newVerifiedCache()}
}

// PasswordChecks reports how many password checks ran Argon2id and how
// many were answered from the remembered verifications, since start.
func (a *Authenticator) PasswordChecks() (hashed, remembered int64) {
	return a.hashed.Load(), a.remembered.Load()
}

// errBadCredentials is the one answer for a wrong username, password or
// token, so callers cannot tell which part was wrong.
var errBadCredentials = domain.Errorf(domain.ErrUnauthenticated, "invalid credentials")

// Authenticate resolves the request's credentials. No credentials at all is
// Anonymous; credentials that do not verify are ErrUnauthenticated, never a
// silent fall-back to Anonymous. A session cookie on an unsafe method
// (anything but GET, HEAD, OPTIONS, TRACE) must come with the session's
// X-CSRF-Token header, else ErrForbidden: tokens and Basic credentials are
// never sent by a browser on its own, so they need no such check. A Bearer value that is not a Kodera token
// is returned as ErrUnauthenticated too; protocol handlers with their own
// bearer tokens (the registry's JWTs) check those first.
func (a *Authenticator) Authenticate(r *http.Request) (Principal, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, value, _ := strings.Cut(h, " ")
		value = strings.TrimSpace(value)
		switch strings.ToLower(scheme) {
		case "bearer":
			return a.Token(ctx, value)
		case "basic":
			user, secret, ok := r.BasicAuth()
			if !ok || !ValidCredential(user) || !ValidCredential(secret) {
				return Principal{}, errBadCredentials
			}
			return a.Basic(ctx, user, secret)
		case "token": // what some CLIs send for API tokens
			return a.Token(ctx, value)
		}
		return Principal{}, errBadCredentials
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		s, err := a.session(ctx, c.Value)
		if err != nil {
			return Principal{}, err
		}
		if !safeMethod(r.Method) && subtle.ConstantTimeCompare([]byte(r.Header.Get(CSRFHeader)), []byte(s.CsrfToken)) != 1 {
			return Principal{}, domain.Errorf(domain.ErrForbidden, "missing or wrong %s header (returned by login and GET /api/v1/auth/session)", CSRFHeader)
		}
		return sessionPrincipal(s), nil
	}
	return Anonymous(), nil
}

// Basic verifies HTTP Basic credentials: the secret may be a token (the
// username must then name its owner, or be __token__ as pip and twine send)
// or the account's password.
//
// A failure (wrong credentials, or refused by the login limits) is audited
// as a failed "login" naming the username tried and, as details.via, the
// protocol in ctx (see WithProtocol): every protocol gets it from here.
func (a *Authenticator) Basic(ctx context.Context, username, secret string) (Principal, error) {
	p, err := a.basic(ctx, username, secret)
	if errors.Is(err, domain.ErrUnauthenticated) || errors.Is(err, domain.ErrTooManyRequests) {
		a.auditFailedLogin(ctx, username, err)
	}
	return p, err
}

func (a *Authenticator) basic(ctx context.Context, username, secret string) (Principal, error) {
	if IsToken(secret) {
		p, err := a.Token(ctx, secret)
		if err != nil {
			return Principal{}, err
		}
		if username != "" && username != "__token__" && !strings.EqualFold(username, p.Name) {
			return Principal{}, errBadCredentials
		}
		return p, nil
	}
	return a.Password(ctx, username, secret)
}

type protocolKey struct{}

// WithProtocol names the protocol a request speaks ("registry", "files",
// "api"), for the audit of failed logins.
func WithProtocol(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, protocolKey{}, name)
}

// auditFailedLogin appends a failed login to the audit trail, as the login
// endpoint does. It writes the row itself because internal/audit imports
// this package; the columns are the ones audit.RecordAs fills.
func (a *Authenticator) auditFailedLogin(ctx context.Context, username string, err error) {
	reason := "invalid credentials"
	if errors.Is(err, domain.ErrTooManyRequests) {
		reason = "rate limited"
	}
	via, _ := ctx.Value(protocolKey{}).(string)
	if via == "" {
		via = "basic"
	}
	details, _ := json.Marshal(map[string]any{"via": via, "reason": reason})
	ri := RequestInfoFrom(ctx)
	username = AuditName(username)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := gendb.New(a.pool).InsertAuditEvent(ctx, gendb.InsertAuditEventParams{
		Actor: username, ActorKind: string(KindAnonymous), Action: "login", Target: username, Success: false,
		RemoteAddr: ri.ClientIP, RequestID: ri.RequestID, Details: details,
	}); err != nil {
		a.log.ErrorContext(ctx, "audit of a failed login", "err", err)
	}
}

// Directory is an external directory (LDAP) whose users sign in with
// their directory password. Authenticator asks it for accounts whose source
// is ldap, and for names no local account has.
type Directory interface {
	// Login checks username and password against the directory and
	// creates or updates the local account it stands for, returning that
	// account's id. A wrong password or a name the directory does not
	// know is ErrUnauthenticated (the account, if it had one, is
	// disabled when the directory no longer has the user); an unreachable
	// directory is ErrUnavailable. The password is never empty.
	Login(ctx context.Context, username, password string) (int64, error)
	// Has reports whether the directory has username, for the refusal of
	// a name clash with a local account.
	Has(ctx context.Context, username string) (bool, error)
}

type directoryBox struct{ d Directory }

// SetDirectory turns directory sign-in on (nil turns it off). It is set
// once at start, after the services the directory creates accounts with.
func (a *Authenticator) SetDirectory(d Directory) {
	if d == nil {
		a.directory.Store(nil)
		return
	}
	a.directory.Store(&directoryBox{d})
}

func (a *Authenticator) dir() Directory {
	if b := a.directory.Load(); b != nil {
		return b.d
	}
	return nil
}

// Password verifies an account's password: a local account's against its
// hash, a directory account's (and a name no local account has, when a
// directory is set) against the directory. Unknown users cost the same
// hashing time as known ones. Every check is reserved against the login
// budgets of the account and the client address (RequestInfoFrom(ctx))
// before it runs; over a budget, or when too many checks run on this node
// already, the answer is a *RateLimitError (domain.ErrTooManyRequests)
// without any check. A verification that succeeded within RememberFor is
// answered without hashing or asking the directory, and without the
// budgets, which only guard against guessing.
func (a *Authenticator) Password(ctx context.Context, username, password string) (Principal, error) {
	if !ValidCredential(username) || !ValidCredential(password) {
		return Principal{}, errBadCredentials
	}
	q := gendb.New(a.pool)
	u, err := q.GetUserByUsername(ctx, username)
	found := err == nil
	if err := db.Translate(err); err != nil && !errors.Is(err, domain.ErrNotFound) {
		return Principal{}, err
	}
	ck := a.verified.cacheKey(username, password)
	if found && a.verified.hit(ck, u) {
		a.remembered.Add(1)
		return userPrincipal(u), nil
	}
	key, ip := loginKey(username), RequestInfoFrom(ctx).ClientIP
	unlock, err := a.accounts.lock(ctx, key)
	if err != nil {
		return Principal{}, err
	}
	defer unlock()
	if found && a.verified.hit(ck, u) { // verified while this one waited
		a.remembered.Add(1)
		return userPrincipal(u), nil
	}
	dir := a.dir()
	if dir != nil && (!found || u.Source == "ldap") {
		return a.directoryPassword(ctx, dir, key, ip, username, password, ck)
	}
	res, err := a.reserveLoginCheck(ctx, key, ip)
	if err != nil {
		return Principal{}, err
	}
	hash := dummyHash
	usable := found && u.PasswordHash != nil && !u.Disabled
	if usable {
		hash = *u.PasswordHash
	}
	var ok bool
	if err := a.gate.run(ctx, func() { ok = CheckPassword(hash, password) }); err != nil {
		a.withdrawReservation(ctx, res, false) // the check never ran
		return Principal{}, err
	}
	a.hashed.Add(1)
	if !ok || !usable {
		a.pruneLoginFailures(ctx)
		if found && u.Source == "local" && dir != nil && password != "" {
			// A local account and a directory user of the same name are
			// two people: refused, never merged, and said so once the
			// directory confirms the name (the attempt stays a failure).
			if has, err := dir.Has(ctx, username); err == nil && has {
				return Principal{}, domain.Errorf(domain.ErrUnauthenticated,
					"a local account named %q exists; the directory (LDAP) user of that name cannot sign in (an administrator must rename or remove one of them)", username)
			}
		}
		return Principal{}, errBadCredentials
	}
	a.withdrawReservation(ctx, res, true)
	a.verified.put(ck, u)
	return userPrincipal(u), nil
}

// directoryPassword checks a password against the directory under the same
// login budgets as a local check. An empty password is refused before any
// bind: most directories treat a bind with a DN and no password as an
// anonymous bind that succeeds.
func (a *Authenticator) directoryPassword(ctx context.Context, dir Directory, key, ip, username, password string, ck [32]byte) (Principal, error) {
	res, err := a.reserveLoginCheck(ctx, key, ip)
	if err != nil {
		return Principal{}, err
	}
	if password == "" {
		a.pruneLoginFailures(ctx)
		return Principal{}, errBadCredentials
	}
	id, err := dir.Login(ctx, username, password)
	if err != nil {
		if errors.Is(err, domain.ErrUnauthenticated) {
			a.pruneLoginFailures(ctx)
		} else {
			a.withdrawReservation(ctx, res, false) // the check never ran
		}
		return Principal{}, err
	}
	u, err := gendb.New(a.pool).GetUserByID(ctx, id)
	if err := db.Translate(err); err != nil {
		a.withdrawReservation(ctx, res, false)
		return Principal{}, err
	}
	if u.Disabled {
		a.pruneLoginFailures(ctx)
		return Principal{}, errBadCredentials
	}
	a.withdrawReservation(ctx, res, true)
	a.verified.put(ck, u)
	return userPrincipal(u), nil
}

// userPrincipal is the principal a verified password stands for; it
// carries the credential version checked, so what it obtains (a registry
// token) ends with the next password change.
func userPrincipal(u gendb.User) Principal {
	return Principal{Kind: KindUser, ID: u.ID, Name: u.Username, Admin: u.IsAdmin, Via: "password", CredentialVersion: u.CredentialVersion}
}

// Token resolves a personal or service-account token. Expiry and revocation
// (deleting the row) are checked in the database on every request, so they
// take effect on every node at once.
func (a *Authenticator) Token(ctx context.Context, secret string) (Principal, error) {
	if !IsToken(secret) {
		return Principal{}, errBadCredentials
	}
	q := gendb.New(a.pool)
	t, err := q.GetTokenBySecretHash(ctx, HashSecret(secret))
	if err := db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return Principal{}, errBadCredentials
		}
		return Principal{}, err
	}
	if t.ExpiresAt != nil && !t.ExpiresAt.After(time.Now()) {
		return Principal{}, errBadCredentials
	}
	limits := &TokenLimits{ID: t.ID, Repositories: t.Repositories, ExpiresAt: t.ExpiresAt}
	for _, s := range t.Scopes {
		switch s {
		case "write":
			limits.Write = true
		case "admin":
			limits.Admin = true
		}
	}
	var p Principal
	switch {
	case t.UserID != nil:
		if t.UserDisabled != nil && *t.UserDisabled {
			return Principal{}, errBadCredentials
		}
		p = Principal{Kind: KindUser, ID: *t.UserID, Name: deref(t.UserUsername), Admin: deref(t.UserIsAdmin)}
	case t.ServiceAccountID != nil:
		if t.ServiceDisabled != nil && *t.ServiceDisabled {
			return Principal{}, errBadCredentials
		}
		p = Principal{Kind: KindService, ID: *t.ServiceAccountID, Name: deref(t.ServiceName)}
	default:
		return Principal{}, errBadCredentials
	}
	p.Token = limits
	p.Via = "token"
	// last_used_at is advisory: refresh it at most once a minute, which
	// spares a write on nearly every request of a busy client.
	if t.LastUsedAt != nil && time.Since(*t.LastUsedAt) < time.Minute {
		return p, nil
	}
	if err := q.TouchToken(ctx, t.ID); err != nil {
		a.log.WarnContext(ctx, "token last-used update failed", "err", err)
	}
	return p, nil
}

// Revalidate re-checks, in one query, a principal that authenticated
// earlier and travels in a credential Kodera issued (a registry JWT): its
// account must still exist and be enabled, the personal or service token
// it authenticated with, if any, must still exist unexpired, and a user's
// password must not have changed since (p.CredentialVersion, when set). It
// returns p with the account's current admin flag; anything else is
// ErrUnauthenticated, so the caller authenticates again. Anonymous passes.
func (a *Authenticator) Revalidate(ctx context.Context, p Principal) (Principal, error) {
	if p.IsAnonymous() {
		return p, nil
	}
	if p.Kind != KindUser && p.Kind != KindService {
		return Principal{}, errBadCredentials
	}
	var tokenID *int64
	if p.Token != nil {
		tokenID = &p.Token.ID
	}
	// One answer for every reason, as for a wrong password.
	revoked := domain.Errorf(domain.ErrUnauthenticated, "credentials no longer valid (account disabled, or token revoked or expired)")
	st, err := gendb.New(a.pool).GetPrincipalStatus(ctx, gendb.GetPrincipalStatusParams{TokenID: tokenID, Kind: string(p.Kind), ID: p.ID})
	if err := db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return Principal{}, revoked
		}
		return Principal{}, err
	}
	if st.Disabled || !st.TokenValid {
		return Principal{}, revoked
	}
	if p.CredentialVersion != 0 && p.CredentialVersion != st.CredentialVersion {
		return Principal{}, domain.Errorf(domain.ErrUnauthenticated, "credentials no longer valid (password changed)")
	}
	p.Admin = st.IsAdmin
	return p, nil
}

// Session resolves a UI session cookie (without the CSRF check Authenticate
// adds for unsafe methods).
func (a *Authenticator) Session(ctx context.Context, id string) (Principal, error) {
	s, err := a.session(ctx, id)
	if err != nil {
		return Principal{}, err
	}
	return sessionPrincipal(s), nil
}

// session looks the cookie up and slides its expiry (at most once a minute).
func (a *Authenticator) session(ctx context.Context, id string) (gendb.GetSessionRow, error) {
	q := gendb.New(a.pool)
	s, err := LookupSession(ctx, q, id)
	if err != nil {
		return s, err
	}
	if time.Since(s.LastSeenAt) > time.Minute {
		err := q.TouchSession(ctx, gendb.TouchSessionParams{
			IdleSeconds: int32(SessionIdle / time.Second), AbsoluteSeconds: int32(SessionMaxAge / time.Second), IDHash: s.IDHash,
		})
		if err != nil {
			a.log.WarnContext(ctx, "session touch failed", "err", err)
		}
	}
	return s, nil
}

func sessionPrincipal(s gendb.GetSessionRow) Principal {
	return Principal{Kind: KindUser, ID: s.UserID, Name: s.Username, Admin: s.IsAdmin, Via: "session", CredentialVersion: s.CredentialVersion}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
