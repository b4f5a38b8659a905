package license_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/license"
)

func newKey(t testing.TB) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	return pub, priv
}

func payload(expires time.Time, maxUsers int) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": "lic-1", "licensee": "ACME", "issuedAt": expires.Add(-365 * 24 * time.Hour).Format(time.RFC3339),
		"expiresAt": expires.Format(time.RFC3339), "maxUsers": maxUsers, "features": []string{"ldap"},
	})
	return b
}

func TestSignVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	pub, priv := newKey(t)
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	key, err := license.Sign(payload(exp, 50), priv)
	require.NoError(t, err)
	p, err := license.Verify(key, pub)
	require.NoError(t, err)
	require.Equal(t, license.Payload{ID: "lic-1", Licensee: "ACME", IssuedAt: exp.Add(-365 * 24 * time.Hour), ExpiresAt: exp, MaxUsers: 50, Features: []string{"ldap"}}, p)

	// A pasted key wrapped over lines, with padding, is the same key.
	body, sig, _ := strings.Cut(key, ".")
	wrapped := "  " + body[:10] + "\n" + body[10:] + "." + sig + "==\n"
	_, err = license.Verify(wrapped, pub)
	require.NoError(t, err)
}

func TestVerifyRefuses(t *testing.T) {
	t.Parallel()
	pub, priv := newKey(t)
	otherPub, otherPriv := newKey(t)
	_ = otherPub
	key, err := license.Sign(payload(time.Now().Add(time.Hour), 5), priv)
	require.NoError(t, err)
	body, sig, _ := strings.Cut(key, ".")

	raw, err := base64.RawURLEncoding.DecodeString(body)
	require.NoError(t, err)
	tampered := strings.Replace(string(raw), `"maxUsers":5`, `"maxUsers":500`, 1)
	require.NotEqual(t, string(raw), tampered)
	byOther, err := license.Sign(payload(time.Now().Add(time.Hour), 5), otherPriv)
	require.NoError(t, err)
	unsignedIncomplete := func() string {
		msg := []byte(`{"id":"x"}`)
		return base64.RawURLEncoding.EncodeToString(msg) + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(priv, msg))
	}()

	for name, c := range map[string]struct{ key, want string }{
		"empty":             {"", "empty"},
		"no dot":            {body, "malformed"},
		"three parts":       {key + ".x", "malformed"},
		"not base64":        {"!!!." + sig, "malformed"},
		"tampered payload":  {base64.RawURLEncoding.EncodeToString([]byte(tampered)) + "." + sig, "signature is not valid"},
		"wrong signing key": {byOther, "signature is not valid"},
		"short signature":   {body + ".AAAA", "signature is not valid"},
		"incomplete":        {unsignedIncomplete, "licensee is missing"},
	} {
		_, err := license.Verify(c.key, pub)
		require.ErrorIs(t, err, domain.ErrInvalid, name)
		require.ErrorContains(t, err, c.want, name)
	}
}

func TestSignRefusesBadPayloads(t *testing.T) {
	t.Parallel()
	_, priv := newKey(t)
	for name, p := range map[string]string{
		"unknown field": `{"id":"a","licensee":"b","issuedAt":"2026-01-01T00:00:00Z","expiresAt":"2027-01-01T00:00:00Z","maxUsers":1,"features":[],"maxUser":3}`,
		"no maxUsers":   `{"id":"a","licensee":"b","issuedAt":"2026-01-01T00:00:00Z","expiresAt":"2027-01-01T00:00:00Z","features":[]}`,
		"expiry first":  `{"id":"a","licensee":"b","issuedAt":"2027-01-01T00:00:00Z","expiresAt":"2026-01-01T00:00:00Z","maxUsers":1,"features":[]}`,
		"not RFC 3339":  `{"id":"a","licensee":"b","issuedAt":"2026-01-01","expiresAt":"2027-01-01T00:00:00Z","maxUsers":1,"features":[]}`,
		"two documents": `{"id":"a","licensee":"b","issuedAt":"2026-01-01T00:00:00Z","expiresAt":"2027-01-01T00:00:00Z","maxUsers":1,"features":[]} {}`,
	} {
		_, err := license.Sign([]byte(p), priv)
		require.Error(t, err, name)
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *license.Payload { return &license.Payload{ExpiresAt: now.Add(d), MaxUsers: 40} }
	for _, c := range []struct {
		p        *license.Payload
		status   string
		maxUsers int
	}{
		{nil, license.StatusEvaluation, 5},
		{at(31 * 24 * time.Hour), license.StatusActive, 40},
		{at(30 * 24 * time.Hour), license.StatusExpiring, 40},
		{at(time.Second), license.StatusExpiring, 40},
		{at(0), license.StatusExpired, 5},
		{at(-time.Hour), license.StatusExpired, 5},
	} {
		st := license.Status(c.p, now)
		require.Equal(t, c.status, st)
		require.Equal(t, c.maxUsers, license.MaxUsers(c.p, st))
	}
}

// TestOpenSSLKeyRoundTrip signs with a key made by `openssl genpkey
// -algorithm ed25519` and verifies with the public key openssl derives, in
// the KODERA_LICENSE_PUBLIC_KEY form the README gives.
func TestOpenSSLKeyRoundTrip(t *testing.T) {
	t.Parallel()
	openssl, err := exec.LookPath("openssl")
	require.NoError(t, err, "openssl is needed (apt-get install -y openssl; scripts/test-deps.sh installs it)")
	dir := t.TempDir()
	pemFile := filepath.Join(dir, "vendor.pem")
	out, err := exec.Command(openssl, "genpkey", "-algorithm", "ed25519", "-out", pemFile).CombinedOutput()
	require.NoError(t, err, "%s", out)
	der, err := exec.Command(openssl, "pkey", "-in", pemFile, "-pubout", "-outform", "DER").Output()
	require.NoError(t, err)
	require.Greater(t, len(der), 32)
	pub, err := license.ParsePublicKey(base64.StdEncoding.EncodeToString(der[len(der)-32:]))
	require.NoError(t, err)

	pemBytes, err := os.ReadFile(pemFile)
	require.NoError(t, err)
	priv, err := license.ParsePrivateKeyPEM(pemBytes)
	require.NoError(t, err)
	key, err := license.Sign(payload(time.Now().Add(time.Hour), 7), priv)
	require.NoError(t, err)
	p, err := license.Verify(key, pub)
	require.NoError(t, err)
	require.Equal(t, 7, p.MaxUsers)

	// And the other way: openssl verifies our signature over the payload bytes.
	body, sig, _ := strings.Cut(key, ".")
	msg, _ := base64.RawURLEncoding.DecodeString(body)
	rawSig, _ := base64.RawURLEncoding.DecodeString(sig)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "msg"), msg, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sig"), rawSig, 0o600))
	out, err = exec.Command(openssl, "pkeyutl", "-verify", "-rawin", "-inkey", pemFile, "-in", filepath.Join(dir, "msg"), "-sigfile", filepath.Join(dir, "sig")).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "Signature Verified Successfully")
}

func TestParsePrivateKeyRefusesOtherKeys(t *testing.T) {
	t.Parallel()
	_, err := license.ParsePrivateKeyPEM([]byte("not pem"))
	require.ErrorContains(t, err, "PKCS#8")
}

func TestVendorKeyIsWellFormed(t *testing.T) {
	t.Parallel()
	_, err := license.ParsePublicKey(license.VendorPublicKey)
	require.NoError(t, err)
}

// BenchmarkVerify is the cost system/info and every account creation pay
// to re-verify the stored key.
func BenchmarkVerify(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	key, err := license.Sign(payload(time.Now().Add(time.Hour), 5), priv)
	require.NoError(b, err)
	for b.Loop() {
		if _, err := license.Verify(key, pub); err != nil {
			b.Fatal(err)
		}
	}
}
