package ldap_test

import (
	"encoding/hex"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/auth/ldap"
	"github.com/kodera-packages/kodera/internal/config"
)

// FuzzFilterEscaping holds Filter to RFC 4515 section 3 for any username:
// the template around {username} is untouched, the value carries no raw
// '*', '(', ')' or NUL, every '\' starts a two-hex-digit escape, and
// decoding the escapes gives back exactly the username, so a name can only
// ever be matched literally and never add filter syntax.
func FuzzFilterEscaping(f *testing.F) {
	const pre, post = "(&(objectClass=inetOrgPerson)(uid=", "))"
	d, err := ldap.New(config.LDAP{UserFilter: pre + "{username}" + post}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(f, err)
	for _, s := range []string{"alice", "*", "alice)(uid=*", `a\b`, "a\x00b", "*)(|(uid=*", `\2a`, "{username}", "é", "\xff\xfe", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, username string) {
		got := d.Filter(username)
		require.True(t, strings.HasPrefix(got, pre) && strings.HasSuffix(got, post), "%q", got)
		v := got[len(pre) : len(got)-len(post)]
		require.NotContains(t, v, "*")
		require.NotContains(t, v, "(")
		require.NotContains(t, v, ")")
		require.NotContains(t, v, "\x00")
		var dec strings.Builder
		for i := 0; i < len(v); i++ {
			if v[i] != '\\' {
				dec.WriteByte(v[i])
				continue
			}
			require.LessOrEqual(t, i+3, len(v), "dangling escape in %q", v)
			b, err := hex.DecodeString(v[i+1 : i+3])
			require.NoError(t, err, "bad escape in %q", v)
			dec.Write(b)
			i += 2
		}
		require.Equal(t, username, dec.String())
	})
}
