package auth

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/domain"
)

// FuzzRegistryTokenParse feeds arbitrary bearer values to the registry
// token verifier (key preset, so no database): nothing panics, a rejection
// is ErrUnauthenticated with no claims, and the only thing ever accepted is
// the one token signed with the key, with exactly its claims. Seeds cover
// alg "none", another HMAC algorithm, another key, an expired token and a
// token without expiry.
func FuzzRegistryTokenParse(f *testing.F) {
	key := bytes.Repeat([]byte{7}, 32)
	rt := &RegistryTokens{key: key}
	ctx := context.Background()
	good, _, err := rt.Issue(ctx, Principal{Kind: KindUser, ID: 42, Name: "alice", Via: "password"}, "kodera", nil)
	require.NoError(f, err)
	_, err = rt.Parse(ctx, good)
	require.NoError(f, err, "the control token must verify")
	now := time.Now()
	sign := func(m jwt.SigningMethod, k any, c jwt.Claims) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(k)
		require.NoError(f, err)
		return s
	}
	claims := jwt.RegisteredClaims{Issuer: "kodera", Subject: "root", ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}
	f.Add(good)
	f.Add(sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims))
	f.Add(sign(jwt.SigningMethodHS512, key, claims))
	f.Add(sign(jwt.SigningMethodHS256, []byte("other key"), claims))
	f.Add(sign(jwt.SigningMethodHS256, key, jwt.RegisteredClaims{Issuer: "kodera", ExpiresAt: jwt.NewNumericDate(now.Add(-time.Hour))}))
	f.Add(sign(jwt.SigningMethodHS256, key, jwt.RegisteredClaims{Issuer: "evil", ExpiresAt: claims.ExpiresAt}))
	f.Add(sign(jwt.SigningMethodHS256, key, jwt.RegisteredClaims{Issuer: "kodera"}))
	for _, s := range []string{"", ".", "..", "a.b.c", "kp_abc", strings.Repeat("A", 5000), "eyJhbGciOiJub25lIn0.e30."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := rt.Parse(ctx, raw)
		if err != nil {
			require.ErrorIs(t, err, domain.ErrUnauthenticated)
			require.Nil(t, c)
			return
		}
		// Only the issued token verifies (base64 padding bits aside, which
		// decode to the same bytes): same subject, same account.
		require.Equal(t, "alice", c.Subject, "accepted %q", raw)
		require.Equal(t, int64(42), c.UID)
		require.Equal(t, KindUser, c.Kind)
	})
}

// FuzzTokenRecognition: IsToken is exactly the "kp_" prefix (what the
// credential cache and the registry's Bearer check branch on), and
// HashSecret is a fixed-size digest that tells every two secrets apart, so
// a lookup by hash finds only the presented secret.
func FuzzTokenRecognition(f *testing.F) {
	secret, display, _, err := NewSecret(TokenPrefix)
	require.NoError(f, err)
	require.True(f, IsToken(secret))
	require.True(f, strings.HasPrefix(secret, display))
	for _, s := range []string{secret, "kp_", "KP_abc", "kp", " kp_x", "", "\x00kp_", "kp_\xff"} {
		f.Add(s, "x")
	}
	f.Fuzz(func(t *testing.T, s, suffix string) {
		require.Equal(t, strings.HasPrefix(s, TokenPrefix), IsToken(s))
		h := HashSecret(s)
		require.Len(t, h, 32)
		require.Equal(t, h, HashSecret(s))
		if suffix != "" {
			require.NotEqual(t, h, HashSecret(s+suffix))
		}
	})
}
