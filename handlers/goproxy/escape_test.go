package goproxy

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/module"

	"github.com/kodera-packages/kodera/internal/domain"
)

// TestEscaping: URLs carry module paths and versions case-escaped (!x for
// X); parse decodes them, and what module.EscapePath writes parses back
// to the same path.
func TestEscaping(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url          string
		module, vers string
		kind         kind
	}{
		{"/api/go/r/example.com/lib/@v/list", "example.com/lib", "", kindList},
		{"/api/go/r/github.com/!azure/azure-sdk/@v/v1.0.0.info", "github.com/Azure/azure-sdk", "v1.0.0", kindInfo},
		{"/api/go/r/example.com/!a!b!c/v2/@v/v2.0.0-!r!c.1.mod", "example.com/ABC/v2", "v2.0.0-RC.1", kindMod},
		{"/api/go/r/example.com/m/@v/v1.0.0+incompatible.zip", "example.com/m", "v1.0.0+incompatible", kindZip},
		{"/api/go/r/example.com/!m/@latest", "example.com/M", "", kindLatest},
	} {
		req, err := parse(tc.url)
		require.NoError(t, err, tc.url)
		require.Equal(t, "r", req.repoName)
		require.Equal(t, tc.module, req.module, tc.url)
		require.Equal(t, tc.vers, req.version, tc.url)
		require.Equal(t, tc.kind, req.kind, tc.url)
		esc, err := module.EscapePath(tc.module)
		require.NoError(t, err)
		require.Contains(t, tc.url, "/"+esc+"/@", "EscapePath writes what parse reads")
	}
	for _, bad := range []string{
		"/api/go/r/example.com/Lib/@v/list",           // upper case must be escaped
		"/api/go/r/example.com/!!x/@v/list",           // bad escape
		"/api/go/r/example.com/lib/@v/v1.0.0-RC.info", // unescaped upper case in a version
	} {
		_, err := parse(bad)
		require.ErrorIs(t, err, domain.ErrInvalid, bad)
	}
	for _, missing := range []string{"/api/go/", "/api/go/r/example.com/lib", "/api/go/r/example.com/lib/@v/x.txt"} {
		_, err := parse(missing)
		require.ErrorIs(t, err, domain.ErrNotFound, missing)
	}
}
