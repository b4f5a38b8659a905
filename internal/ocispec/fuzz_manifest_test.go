package ocispec

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/blob"
)

// FuzzParseManifest holds ParseManifest to what the registry stores on any
// body and Content-Type: a rejection is ErrInvalid (MANIFEST_INVALID, never
// a 500); an accepted manifest is schemaVersion 2 valid UTF-8 without NUL,
// has a supported media type agreeing with its Index flag, and every
// descriptor it links (config, layers, manifests, subject) has a parsable
// digest, a media type and a non-negative size; an index never lists
// itself.
func FuzzParseManifest(f *testing.F) {
	d := `{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:` +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" + `","size":0}`
	cfg := `{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:` +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" + `","size":2}`
	for _, s := range [][2]string{
		{MediaTypeOCIManifest, `{"schemaVersion":2,"mediaType":"` + MediaTypeOCIManifest + `","config":` + cfg + `,"layers":[` + d + `]}`},
		{"", `{"schemaVersion":2,"config":` + cfg + `,"layers":[],"subject":` + d + `}`},
		{MediaTypeOCIIndex, `{"schemaVersion":2,"manifests":[` + d + `]}`},
		{"application/json", `{"schemaVersion":2,"manifests":[]}`},
		{MediaTypeDockerList + "; charset=utf-8", `{"schemaVersion":2,"mediaType":"` + MediaTypeDockerList + `","manifests":[` + d + `]}`},
		{MediaTypeOCIManifest, `{"schemaVersion":2,"config":{"digest":"sha256:x","size":-1}}`},
		{MediaTypeOCIIndex, `{"schemaVersion":2,"manifests":[]} {}`},
		{"", `{"schemaVersion":1}`},
		{"", "{\"schemaVersion\":2,\"annotations\":{\"a\":\"\\u0000\"}}"},
		{"", "\xff"},
	} {
		f.Add(s[0], []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		const self = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
		p, err := ParseManifest(contentType, body, self)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			return
		}
		require.True(t, utf8.Valid(body))
		require.NotContains(t, string(body), "\x00")
		require.Equal(t, 2, p.SchemaVersion)
		require.Equal(t, IsIndexType(p.MediaType), p.Index)
		require.True(t, p.Index || IsManifestType(p.MediaType), p.MediaType)
		all := append(append(p.Blobs(), p.Layers...), p.Manifests...)
		if p.Subject != nil {
			all = append(all, *p.Subject)
		}
		for _, d := range all {
			_, err := blob.ParseDigest(d.Digest)
			require.NoError(t, err)
			require.GreaterOrEqual(t, d.Size, int64(0))
			require.NotEmpty(t, d.MediaType)
		}
		if p.Index {
			require.Nil(t, p.Config)
			for _, d := range p.Manifests {
				require.NotEqual(t, self, d.Digest)
			}
		} else {
			require.NotNil(t, p.Config)
		}
	})
}
