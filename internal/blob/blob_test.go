package blob_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/blob"
)

func TestValidateKey(t *testing.T) {
	t.Parallel()
	for _, key := range []string{
		"a",
		"a/b/c",
		"blobs/sha256/2c/" + helloSHA256,
		"tmp/abc-DEF_1.2",
		"a..b/c.",
		strings.Repeat("k", 1024),
	} {
		require.NoError(t, blob.ValidateKey(key), key)
	}
	for _, key := range invalidKeys {
		require.ErrorIs(t, blob.ValidateKey(key), blob.ErrInvalidKey, "%q", key)
	}
}

func TestParseDigest(t *testing.T) {
	t.Parallel()
	d, err := blob.ParseDigest("sha256:" + helloSHA256)
	require.NoError(t, err)
	require.Equal(t, blob.Digest{Algorithm: blob.SHA256, Hex: helloSHA256}, d)
	require.Equal(t, "sha256:"+helloSHA256, d.String())

	d, err = blob.ParseDigest("sha512:" + helloSHA512)
	require.NoError(t, err)
	require.Equal(t, blob.Digest{Algorithm: blob.SHA512, Hex: helloSHA512}, d)

	for _, s := range []string{
		"",
		helloSHA256,
		"sha256:",
		"sha256:" + strings.ToUpper(helloSHA256),
		"sha256:" + helloSHA256[1:],
		"sha256:" + helloSHA256 + "0",
		"sha256:" + helloSHA256[1:] + "g",
		"sha256:" + helloSHA512,
		"sha512:" + helloSHA256,
		"SHA256:" + helloSHA256,
		"sha1:" + helloSHA1,
		"md5:" + helloMD5,
		" sha256:" + helloSHA256,
	} {
		_, err := blob.ParseDigest(s)
		require.ErrorIs(t, err, blob.ErrInvalidDigest, "%q", s)
	}
}

func TestContentKey(t *testing.T) {
	t.Parallel()
	require.Equal(t, "blobs/sha256/2c/"+helloSHA256, blob.ContentKey("sha256:"+helloSHA256))
	require.Equal(t, "blobs/sha512/9b/"+helloSHA512, blob.ContentKey("sha512:"+helloSHA512))
	require.Empty(t, blob.ContentKey("sha256:nothex"))
	require.ErrorIs(t, blob.ValidateKey(blob.ContentKey("bad")), blob.ErrInvalidKey)
}
