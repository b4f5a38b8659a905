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

// TestParseManifestRefusesUnstorableText: a manifest is stored as sent, and
// PostgreSQL refuses NUL and invalid UTF-8, which was a 500 at push time.
func TestParseManifestRefusesUnstorableText(t *testing.T) {
	t.Parallel()
	const cfg = `"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]`
	ok := `{"schemaVersion":2,` + cfg + `,"annotations":{"a":"caf\u00e9"}}`
	_, err := ParseManifest(MediaTypeOCIManifest, []byte(ok), "")
	require.NoError(t, err)
	for _, body := range []string{
		`{"schemaVersion":2,` + cfg + `,"annotations":{"a":"x\u0000y"}}`,
		`{"schemaVersion":2,` + cfg + `,"annotations":{"a\u0000":"y"}}`,
		`{"schemaVersion":2,"artifactType":"application/x\u0000",` + cfg + `}`,
		"{\"schemaVersion\":2," + cfg + ",\"annotations\":{\"a\":\"\xff\"}}",
	} {
		_, err := ParseManifest(MediaTypeOCIManifest, []byte(body), "")
		require.ErrorIs(t, err, ErrInvalid, body)
		reason, _ := Reason(err)
		require.Regexp(t, "NUL|UTF-8", reason)
	}
}
