package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// CSRFHeader carries the session's CSRF token on unsafe requests
// authenticated by the session cookie.
const CSRFHeader = "X-CSRF-Token"

// Session lifetimes: a session ends after SessionIdle without use, and at
// the latest SessionMaxAge after login.
const (
	SessionIdle   = 24 * time.Hour
	SessionMaxAge = 7 * 24 * time.Hour
)

// NewSession is a started session; Secret is the cookie value and exists
// only here (the database keeps its hash).
type NewSession struct {
	Secret    string
	CSRFToken string
	ExpiresAt time.Time
}

// StartSession stores a session for userID in q's transaction.
func StartSession(ctx context.Context, q *gendb.Queries, userID int64) (NewSession, error) {
	secret, _, hash, err := NewSecret("")
	if err != nil {
		return NewSession{}, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return NewSession{}, err
	}
	s, err := q.CreateSession(ctx, gendb.CreateSessionParams{
		IDHash: hash, UserID: userID, CsrfToken: base64.RawURLEncoding.EncodeToString(b),
		ExpiresAt: time.Now().Add(SessionIdle),
	})
	if err != nil {
		return NewSession{}, db.Translate(err)
	}
	return NewSession{Secret: secret, CSRFToken: s.CsrfToken, ExpiresAt: s.ExpiresAt}, nil
}

// LookupSession returns the live session behind a cookie value.
func LookupSession(ctx context.Context, q *gendb.Queries, secret string) (gendb.GetSessionRow, error) {
	s, err := q.GetSession(ctx, HashSecret(secret))
	if err := db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return gendb.GetSessionRow{}, errSessionExpired
		}
		return gendb.GetSessionRow{}, err
	}
	if s.Disabled {
		return gendb.GetSessionRow{}, errSessionExpired
	}
	return s, nil
}

var errSessionExpired = domain.Errorf(domain.ErrUnauthenticated, "session expired")

// safeMethod reports the methods that must not change state, which need no
// CSRF token.
func safeMethod(m string) bool {
	switch m {
	case "GET", "HEAD", "OPTIONS", "TRACE":
		return true
	}
	return false
}
