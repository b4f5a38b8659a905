package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app"
	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// openssl runs the openssl the tests need (scripts/test-deps.sh installs it).
func openssl(t *testing.T, args ...string) []byte {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	require.NoError(t, err, "openssl is needed: apt-get install -y openssl (scripts/test-deps.sh installs it)")
	out, err := exec.Command(bin, args...).Output()
	require.NoError(t, err, "openssl %v", args)
	return out
}

// TestLicenseSignWithOpenSSLKey is the vendor's flow end to end: a key pair
// made by openssl, `kodera license sign`, a node trusting the public key
// through KODERA_LICENSE_PUBLIC_KEY, activation through the API.
func TestLicenseSignWithOpenSSLKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pemFile := filepath.Join(dir, "vendor.pem")
	openssl(t, "genpkey", "-algorithm", "ed25519", "-out", pemFile)
	der := openssl(t, "pkey", "-in", pemFile, "-pubout", "-outform", "DER")
	pub := base64.StdEncoding.EncodeToString(der[len(der)-32:])

	sign := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := app.Run(context.Background(), append([]string{"kodera", "license", "sign"}, args...),
			func(string) string { return "" }, &out, app.Options{Stdin: strings.NewReader(stdin)})
		return out.String(), err
	}
	expires := time.Now().Add(100 * 24 * time.Hour).UTC().Format(time.RFC3339)
	payload := fmt.Sprintf(`{
  "id": "ACME-2026-001",
  "licensee": "ACME Corp",
  "issuedAt": "2026-01-01T00:00:00Z",
  "expiresAt": %q,
  "maxUsers": 50,
  "features": ["ldap", "s3"]
}`, expires)
	out, err := sign(payload, "--private-key", pemFile)
	require.NoError(t, err)
	key := strings.TrimSpace(out)
	require.Regexp(t, `^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`, key)

	n := apptest.Start(t, apptest.Options{Env: map[string]string{"KODERA_LICENSE_PUBLIC_KEY": pub}})
	body, _ := json.Marshal(map[string]string{"key": out}) // pasted unchanged, newline included
	req, _ := http.NewRequest("PUT", n.URL+"/api/v1/admin/license", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(apptest.AdminUser, apptest.AdminPassword)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var l struct {
		ID, Licensee, Status string
		MaxUsers             int
		Features             []string
	}
	require.Equal(t, 200, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&l))
	require.Equal(t, "ACME-2026-001", l.ID)
	require.Equal(t, "ACME Corp", l.Licensee)
	require.Equal(t, "active", l.Status)
	require.Equal(t, 50, l.MaxUsers)
	require.Equal(t, []string{"ldap", "s3"}, l.Features)

	// What the vendor gets wrong is said plainly.
	_, err = sign(payload)
	require.ErrorContains(t, err, "--private-key")
	_, err = sign(payload, "--private-key", filepath.Join(dir, "absent.pem"))
	require.ErrorContains(t, err, "absent.pem")
	_, err = sign(strings.Replace(payload, `"maxUsers"`, `"maxUser"`, 1), "--private-key", pemFile)
	require.ErrorContains(t, err, "maxUser")
	ecFile := filepath.Join(dir, "ec.pem")
	openssl(t, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ecFile)
	_, err = sign(payload, "--private-key", ecFile)
	require.ErrorContains(t, err, "want Ed25519")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "junk.pem"), []byte("junk"), 0o600))
	_, err = sign(payload, "--private-key="+filepath.Join(dir, "junk.pem"))
	require.ErrorContains(t, err, "PKCS#8")
}

// TestUserCommandLicenseLimit: `kodera user create` and `enable` respect
// the user limit like the API.
func TestUserCommandLicenseLimit(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	run := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := app.Run(context.Background(), append([]string{"kodera", "user"}, args...),
			func(k string) string { return n.Env[k] }, &out, app.Options{Stdin: strings.NewReader(stdin)})
		return out.String(), err
	}
	for i := range 4 {
		_, err := run("cli-password\n", "create", fmt.Sprintf("c%d", i))
		require.NoError(t, err)
	}
	_, err := run("cli-password\n", "create", "c4")
	require.ErrorContains(t, err, "at most 5 active users")
	_, err = run("", "disable", "c0")
	require.NoError(t, err)
	_, err = run("cli-password\n", "create", "c4")
	require.NoError(t, err)
	_, err = run("", "enable", "c0")
	require.ErrorContains(t, err, "at most 5 active users")
	// Disabling and other changes never hit the limit.
	_, err = run("", "disable", "c1")
	require.NoError(t, err)
	_, err = run("", "enable", "c0")
	require.NoError(t, err)
}
