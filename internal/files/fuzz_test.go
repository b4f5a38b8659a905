package files_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/files"
)

// FuzzParseURLPath holds ParseURLPath to its contract on any input: no
// panic, and a path it accepts is clean (valid UTF-8 without NUL, no empty,
// "." or ".." segment, within the limits) and survives EscapePath and a
// second parse unchanged, so links built from it lead back to it.
func FuzzParseURLPath(f *testing.F) {
	for _, s := range []string{"", "a", "dir/file%20name.txt", "a/", "%2e%2e/x", "%252e%252e", "a%00b", "%ff", "a//b", "a/./b", `a\b`, "caf%C3%A9/%E2%82%AC"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, escaped string) {
		p, slash, err := files.ParseURLPath(escaped)
		if err != nil {
			return
		}
		if p == "" {
			return
		}
		require.True(t, utf8.ValidString(p), "valid UTF-8: %q", p)
		require.NotContains(t, p, "\x00")
		require.NotContains(t, p, `\`)
		require.LessOrEqual(t, len(p), files.MaxPathBytes)
		for _, seg := range strings.Split(p, "/") {
			require.NotContains(t, []string{"", ".", ".."}, seg, "segment of %q", p)
		}
		again, slash2, err := files.ParseURLPath(files.EscapePath(p) + map[bool]string{true: "/", false: ""}[slash])
		require.NoError(t, err, "re-parsing %q", files.EscapePath(p))
		require.Equal(t, p, again)
		require.Equal(t, slash, slash2)
	})
}
