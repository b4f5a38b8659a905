package identity

import (
	"context"
	"errors"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/audit"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
)

// Login is a successful login: the account and its new session.
type Login struct {
	User    Account
	Session auth.NewSession
}

// Login checks a username and password (rate-limited by the authenticator)
// and starts a UI session. Every attempt is audited; a failure names the
// username tried as the actor.
func (s *Service) Login(ctx context.Context, username, password string) (Login, error) {
	p, err := s.authn.Password(ctx, username, password)
	if err != nil {
		if errors.Is(err, domain.ErrUnauthenticated) || errors.Is(err, domain.ErrTooManyRequests) {
			reason := "invalid credentials"
			if errors.Is(err, domain.ErrTooManyRequests) {
				reason = "rate limited"
			}
			tried := auth.Principal{Kind: auth.KindAnonymous, Name: auth.AuditName(username)}
			if aerr := audit.RecordAs(ctx, s.q(), tried, audit.Event{Action: "login", Target: tried.Name, Failed: true, Details: map[string]any{"reason": reason}}); aerr != nil {
				s.log.ErrorContext(ctx, "audit of a failed login", "err", aerr)
			}
		}
		return Login{}, err
	}
	var out Login
	err = s.tx(ctx, func(q *gendb.Queries) error {
		u, err := q.GetUserByID(ctx, p.ID)
		if err != nil {
			return err
		}
		// Logins are rare enough to carry the pruning of expired sessions.
		if err := q.DeleteExpiredSessions(ctx); err != nil {
			return err
		}
		sess, err := auth.StartSession(ctx, q, u.ID)
		if err != nil {
			return err
		}
		out = Login{User: accountOf(u), Session: sess}
		return audit.RecordAs(ctx, q, p, audit.Event{Action: "login", Target: u.Username, Details: map[string]any{"via": "password"}})
	})
	return out, err
}

// Logout ends the session behind a cookie value; an unknown or expired one
// is already ended.
func (s *Service) Logout(ctx context.Context, secret string) error {
	if secret == "" {
		return nil
	}
	return s.tx(ctx, func(q *gendb.Queries) error {
		sess, err := auth.LookupSession(ctx, q, secret)
		if err != nil {
			if errors.Is(err, domain.ErrUnauthenticated) {
				return nil
			}
			return err
		}
		if err := q.DeleteSession(ctx, sess.IDHash); err != nil {
			return err
		}
		p := auth.Principal{Kind: auth.KindUser, ID: sess.UserID, Name: sess.Username}
		return audit.RecordAs(ctx, q, p, audit.Event{Action: "logout", Target: sess.Username})
	})
}

// Session returns the live session behind a cookie value and its account.
func (s *Service) Session(ctx context.Context, secret string) (gendb.GetSessionRow, Account, error) {
	q := s.q()
	sess, err := auth.LookupSession(ctx, q, secret)
	if err != nil {
		return sess, Account{}, err
	}
	u, err := q.GetUserByID(ctx, sess.UserID)
	return sess, accountOf(u), notFound(err, "session expired")
}
