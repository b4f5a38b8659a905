package files

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/domain"
)

func TestParseURLPath(t *testing.T) {
	t.Parallel()
	ok := []struct {
		in, want string
		slash    bool
	}{
		{"", "", false},
		{"a", "a", false},
		{"a/b/c.txt", "a/b/c.txt", false},
		{"dir/", "dir", true},
		{"with%20space.txt", "with space.txt", false},
		{"caf%C3%A9/%E2%82%AC.bin", "café/€.bin", false},
		{"%25literal-percent", "%literal-percent", false},
		{"a..b/...", "a..b/...", false},
		{".hidden/x", ".hidden/x", false},
		{"a+b;c=d@e", "a+b;c=d@e", false},
		{strings.Repeat("x", 255), strings.Repeat("x", 255), false},
	}
	for _, c := range ok {
		got, slash, err := ParseURLPath(c.in)
		require.NoError(t, err, c.in)
		require.Equal(t, c.want, got, c.in)
		require.Equal(t, c.slash, slash, c.in)
	}

	bad := []string{
		"..", "../etc/passwd", "a/../b", "a/..", ".", "./a", "a/./b",
		"/", "/a", "a//b", "//", "a/b//",
		"%2e%2e", "%2E%2E/x", "%2e", ".%2e", "%2e.", "a/%2e%2e/b", "%2e%2e%2f", "..%2fetc",
		"a%2fb", "a%2Fb", "%2f", "%2fetc%2fpasswd",
		"a\\b", "..\\x", "a%5cb", "%5C..", "..%5c..%5cwindows",
		"a%00b", "%00", "a%0ab", "a%0d%0aSet-Cookie:x", "a%09b", "a%7fb", "a%c2%85b",
		"%252e%252e", "%252e%252e%252fetc", "a%252fb", "%255c", "%2500",
		"%c0%ae%c0%ae", "%c0%af", "%ff", "a%zzb", "a%2", "%",
		strings.Repeat("x", 256),
		strings.Repeat("abcdefghi/", 103) + "x",
		strings.Repeat("a/", 64) + "a",
	}
	for _, in := range bad {
		_, _, err := ParseURLPath(in)
		require.Error(t, err, in)
		require.True(t, errors.Is(err, domain.ErrInvalid), in)
	}
}

func TestCleanPath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"": "", "/": "", "/a/b/": "a/b", "a": "a", "a/b c": "a/b c", "%2e%2e": "%2e%2e"} {
		got, err := CleanPath(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"..", "a/../b", "a//b", "//", ".", "a\\b", "a\x00b", "a\nb", "\xff", strings.Repeat("y", 1025)} {
		_, err := CleanPath(in)
		require.ErrorIs(t, err, domain.ErrInvalid, in)
	}
}

func TestSplitJoin(t *testing.T) {
	t.Parallel()
	p, n := Split("a/b/c")
	require.Equal(t, "a/b", p)
	require.Equal(t, "c", n)
	p, n = Split("c")
	require.Equal(t, "", p)
	require.Equal(t, "c", n)
	require.Equal(t, "x", Join("", "x"))
	require.Equal(t, "a/x", Join("a", "x"))
}

// TestSpoofingNames: names that would be listed as something they are not
// (bidi overrides, invisible characters, slash look-alikes) are refused
// with a message naming the character, in URL paths and unescaped paths
// alike; ordinary non-ASCII names pass.
func TestSpoofingNames(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, msg string
	}{
		{"right-to-left override", "invoice\u202Egpj.exe", "U+202E"},
		{"left-to-right override", "a\u202Db", "U+202D"},
		{"right-to-left isolate", "a\u2067b", "U+2067"},
		{"pop directional isolate", "a\u2069b", "U+2069"},
		{"right-to-left mark", "a\u200Fb", "U+200F"},
		{"zero width space", "a\u200Bb", "U+200B"},
		{"zero width joiner", "a\u200Db", "U+200D"},
		{"byte order mark", "\uFEFFname", "U+FEFF"},
		{"soft hyphen", "pay\u00ADpal", "U+00AD"},
		{"line separator", "a\u2028b", "U+2028"},
		{"paragraph separator", "a\u2029b", "U+2029"},
		{"tag character", "a\U000E0041b", "U+E0041"},
		{"C1 control", "a\u0085b", "control character"},
		{"fullwidth solidus", "etc\uFF0Fpasswd", "U+FF0F"},
		{"division slash", "a\u2215b", "U+2215"},
		{"fraction slash", "1\u20442", "U+2044"},
		{"big solidus", "a\u29F8b", "U+29F8"},
		{"fullwidth reverse solidus", "a\uFF3Cb", "U+FF3C"},
		{"set minus", "a\u2216b", "U+2216"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, in := range []string{c.in, "dir/" + c.in} {
				_, _, err := ParseURLPath(EscapePath(in))
				require.ErrorIs(t, err, domain.ErrInvalid, "%q", in)
				require.Contains(t, err.Error(), c.msg)
				_, err = CleanPath(in)
				require.ErrorIs(t, err, domain.ErrInvalid, "%q", in)
				require.Contains(t, err.Error(), c.msg)
			}
		})
	}
	for _, in := range []string{"café.txt", "日本語/ファイル.txt", "Ελληνικά", "עברית.txt", "عربي", "emoji-🎉.bin", "½-inch"} {
		got, err := CleanPath(in)
		require.NoError(t, err, in)
		require.Equal(t, in, got)
		got, _, err = ParseURLPath(EscapePath(in))
		require.NoError(t, err, in)
		require.Equal(t, in, got)
	}
}
