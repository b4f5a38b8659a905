package auth

import (
	"context"
	"strings"
	"time"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// NewToken is what creating a token takes; exactly one owner is set.
type NewToken struct {
	UserID           *int64
	ServiceAccountID *int64
	Name             string
	Scopes           []string // subset of read, write, admin; empty = all three
	Repositories     []string // empty = all the owner may reach
	ExpiresAt        *time.Time
}

// TokenInfo is what may be shown of a stored token: never its hash.
type TokenInfo struct {
	ID                    int64
	Name, Prefix          string
	Scopes, Repositories  []string
	ExpiresAt, LastUsedAt *time.Time
	CreatedAt             time.Time
}

// TokenInfoOf is the showable part of a token row.
func TokenInfoOf(t gendb.Token) TokenInfo {
	return TokenInfo{
		ID: t.ID, Name: t.Name, Prefix: t.Prefix, Scopes: t.Scopes, Repositories: t.Repositories,
		ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, CreatedAt: t.CreatedAt,
	}
}

// CreatedToken is a stored token with its secret, which exists only here:
// the database keeps a hash.
type CreatedToken struct {
	Token  TokenInfo
	Secret string
}

// NormalizeScopes validates scopes: read, write and admin, each implying
// the ones before it; none given means all three. The result is in that
// order.
func NormalizeScopes(scopes []string) ([]string, error) {
	if len(scopes) == 0 {
		return []string{"read", "write", "admin"}, nil
	}
	level := LevelRead
	for _, s := range scopes {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "read":
		case "write":
			level = max(level, LevelWrite)
		case "admin":
			level = LevelAdmin
		default:
			return nil, domain.Errorf(domain.ErrInvalid, "token scope %q: want read, write or admin", s)
		}
	}
	return []string{"read", "write", "admin"}[:level], nil
}

// CreateToken generates a secret and stores its hash.
func CreateToken(ctx context.Context, q *gendb.Queries, n NewToken) (CreatedToken, error) {
	name := strings.TrimSpace(n.Name)
	if name == "" || len(name) > 100 {
		return CreatedToken{}, domain.Errorf(domain.ErrInvalid, "token name must be 1-100 characters")
	}
	scopes, err := NormalizeScopes(n.Scopes)
	if err != nil {
		return CreatedToken{}, err
	}
	if n.ExpiresAt != nil && !n.ExpiresAt.After(time.Now()) {
		return CreatedToken{}, domain.Errorf(domain.ErrInvalid, "expiresAt must be in the future")
	}
	repos := n.Repositories
	if repos == nil {
		repos = []string{}
	}
	secret, display, hash, err := NewSecret(TokenPrefix)
	if err != nil {
		return CreatedToken{}, err
	}
	t, err := q.CreateToken(ctx, gendb.CreateTokenParams{
		UserID: n.UserID, ServiceAccountID: n.ServiceAccountID, Name: name, Prefix: display,
		SecretHash: hash, Scopes: scopes, Repositories: repos, ExpiresAt: n.ExpiresAt,
	})
	if err != nil {
		return CreatedToken{}, db.Translate(err)
	}
	return CreatedToken{Token: TokenInfoOf(t), Secret: secret}, nil
}
