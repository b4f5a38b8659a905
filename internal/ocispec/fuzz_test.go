package ocispec

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// FuzzNameAndReference holds the parsers of the /v2 path's parts to their
// grammar on any input: an accepted name is lowercase ASCII within the
// length limit and splits and joins back to itself; an accepted tag or
// digest is printable ASCII, so nothing a client sends in a name or
// reference can carry a NUL or invalid UTF-8 into the database.
func FuzzNameAndReference(f *testing.F) {
	for _, s := range []string{"repo", "repo/image", "a__b/c-d.e", "Repo", "a//b", "latest", "v1.0_rc-1",
		"sha256:" + strings.Repeat("a", 64), "sha512:" + strings.Repeat("0", 128), "a\x00b", "\xff", "sha256:\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if repo, image, err := SplitName(s); err == nil {
			require.NoError(t, ValidateName(s))
			require.Equal(t, s, JoinName(repo, image))
			require.LessOrEqual(t, len(s), MaxNameLength)
			require.Equal(t, strings.ToLower(s), s)
			requirePrintableASCII(t, s)
		} else {
			require.Error(t, ValidateName(s))
		}
		if ValidTag(s) {
			require.LessOrEqual(t, len(s), 128)
			requirePrintableASCII(t, s)
		}
		if IsDigest(s) {
			requirePrintableASCII(t, s)
			require.Contains(t, s, ":")
		}
	})
}

func requirePrintableASCII(t *testing.T, s string) {
	t.Helper()
	require.True(t, utf8.ValidString(s))
	for _, c := range []byte(s) {
		require.True(t, c > 0x20 && c < 0x7f, "byte %#x in %q", c, s)
	}
}
