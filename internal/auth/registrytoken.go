package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// RegistryTokenTTL is the lifetime of a registry token; clients fetch a
// new one on the next 401.
const RegistryTokenTTL = 5 * time.Minute

// settingRegistryTokenKey is the settings key of the HMAC key all nodes
// sign registry tokens with.
const settingRegistryTokenKey = "registryTokenKey"

// RegistryTokens issues and verifies the registry's bearer tokens (the
// Docker token specification's JWTs, signed HS256 with one key all nodes
// share, created once in the settings table). Issuing needs the key; the
// OCI handler only decides what a token grants.
type RegistryTokens struct {
	pool *pgxpool.Pool
	mu   sync.Mutex
	key  []byte
}

// NewRegistryTokens returns the registry token issuer over the database.
func NewRegistryTokens(pool *pgxpool.Pool) *RegistryTokens { return &RegistryTokens{pool: pool} }

// signingKey loads (or creates, once for all nodes) the HMAC key.
func (t *RegistryTokens) signingKey(ctx context.Context) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.key != nil {
		return t.key, nil
	}
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh)
	val, _ := json.Marshal(base64.StdEncoding.EncodeToString(fresh))
	raw, err := gendb.New(t.pool).InsertSettingIfAbsent(ctx, gendb.InsertSettingIfAbsentParams{Key: settingRegistryTokenKey, Value: val})
	if err != nil {
		return nil, db.Translate(err)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("auth: registry token key setting: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("auth: registry token key setting is not a base64 key")
	}
	t.key = key
	return key, nil
}

// RegistryAccess is one grant in a registry token (Docker token spec
// "access").
type RegistryAccess struct {
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
}

// RegistryClaims is a registry token: the grants plus who they were issued
// to, so requests carrying it are still checked against the decision
// function (and the principal re-checked against the database with
// Authenticator.Revalidate).
type RegistryClaims struct {
	jwt.RegisteredClaims
	Access []RegistryAccess   `json:"access"`
	Kind   Kind               `json:"kkd"`
	UID    int64              `json:"kid"`
	Admin  bool               `json:"kad,omitempty"`
	Limits *registryTokenFrom `json:"klt,omitempty"`
	Via    string             `json:"kvia,omitempty"`
	// CV is the user's credential version for a token obtained with a
	// password or session: a password change ends the token.
	CV int64 `json:"kcv,omitempty"`
}

// registryTokenFrom is the personal or service token a registry token was
// minted from, with the limits it carries.
type registryTokenFrom struct {
	ID    int64    `json:"id"`
	Write bool     `json:"w,omitempty"`
	Admin bool     `json:"a,omitempty"`
	Repos []string `json:"r,omitempty"`
}

// Principal is who the token was issued to.
func (c *RegistryClaims) Principal() Principal {
	if c.Kind == KindAnonymous || c.Kind == "" {
		return Anonymous()
	}
	p := Principal{Kind: c.Kind, ID: c.UID, Name: c.Subject, Admin: c.Admin, Via: c.Via, CredentialVersion: c.CV}
	if t := c.Limits; t != nil {
		p.Token = &TokenLimits{ID: t.ID, Write: t.Write, Admin: t.Admin, Repositories: t.Repos}
	}
	return p
}

// Allows reports whether the token grants action ("pull", "push",
// "delete") on the repository name.
func (c *RegistryClaims) Allows(name, action string) bool {
	for _, a := range c.Access {
		if a.Type == "repository" && a.Name == name && (slices.Contains(a.Actions, action) || slices.Contains(a.Actions, "*")) {
			return true
		}
	}
	return false
}

// Issue signs a registry token for p granting access, for audience (the
// registry's service name). It lives RegistryTokenTTL, never longer than
// the personal or service token p authenticated with.
func (t *RegistryTokens) Issue(ctx context.Context, p Principal, audience string, access []RegistryAccess) (string, time.Time, error) {
	key, err := t.signingKey(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	now := time.Now()
	exp := now.Add(RegistryTokenTTL)
	if p.Token != nil && p.Token.ExpiresAt != nil && p.Token.ExpiresAt.Before(exp) {
		exp = *p.Token.ExpiresAt // never outlive the token it was minted from
	}
	jti := make([]byte, 12)
	_, _ = rand.Read(jti)
	c := RegistryClaims{Kind: p.Kind, UID: p.ID, Admin: p.Admin, Via: p.Via, CV: p.CredentialVersion, Access: access}
	if tl := p.Token; tl != nil {
		c.Limits = &registryTokenFrom{ID: tl.ID, Write: tl.Write, Admin: tl.Admin, Repos: tl.Repositories}
	}
	if c.Access == nil {
		c.Access = []RegistryAccess{}
	}
	c.RegisteredClaims = jwt.RegisteredClaims{
		Issuer: "kodera", Subject: p.Name, Audience: jwt.ClaimStrings{audience},
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
		ExpiresAt: jwt.NewNumericDate(exp), ID: base64.RawURLEncoding.EncodeToString(jti),
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(key)
	return signed, exp, err
}

// Parse verifies a registry token's signature, issuer and expiry and
// returns its claims; a token that does not verify is ErrUnauthenticated.
// The caller still revalidates the principal.
func (t *RegistryTokens) Parse(ctx context.Context, raw string) (*RegistryClaims, error) {
	key, err := t.signingKey(ctx)
	if err != nil {
		return nil, err
	}
	c := &RegistryClaims{}
	_, err = jwt.ParseWithClaims(raw, c, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithIssuer("kodera"), jwt.WithExpirationRequired())
	if err != nil {
		return nil, fmt.Errorf("registry token: %w (%w)", domain.ErrUnauthenticated, err)
	}
	return c, nil
}
