package ocispec

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidateName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 200) + "/" + strings.Repeat("b", 60)
	cases := []struct {
		name string
		ok   bool
	}{
		{"repo", true},
		{"repo/image", true},
		{"repo/team/app", true},
		{"repo/a.b_c__d-e---f", true},
		{"", false},
		{"Repo/image", false},            // upper case
		{"repo/Image", false},            // upper case
		{"repo/../etc", false},           // dot segments
		{"repo/..", false},               //
		{"repo/%2e%2e", false},           // encoded dots stay invalid
		{"repo//image", false},           // empty segment
		{"repo/image/", false},           // trailing slash
		{"/repo", false},                 // leading slash
		{"repo/.hidden", false},          // leading dot
		{"repo/a..b", false},             // double dot separator
		{"repo/a___b", false},            // three underscores
		{"repo/image:tag", false},        // tag is not part of the name
		{long, false},                    // over 255 characters
		{strings.Repeat("a", 255), true}, // exactly the limit
		{"repo/" + strings.Repeat("a", 251), false},
	}
	for _, c := range cases {
		err := ValidateName(c.name)
		if c.ok {
			require.NoError(t, err, c.name)
		} else {
			require.ErrorIs(t, err, ErrInvalid, c.name)
		}
	}
}

func TestSplitName(t *testing.T) {
	t.Parallel()
	repo, img, err := SplitName("docker/team/app")
	require.NoError(t, err)
	require.Equal(t, "docker", repo)
	require.Equal(t, "team/app", img)
	repo, img, err = SplitName("docker")
	require.NoError(t, err)
	require.Equal(t, "docker", repo)
	require.Empty(t, img)
	require.Equal(t, "docker/team/app", JoinName("docker", "team/app"))
	require.Equal(t, "docker", JoinName("docker", ""))
}

func TestValidTag(t *testing.T) {
	t.Parallel()
	for tag, ok := range map[string]bool{
		"latest": true, "v1.2.3": true, "_x": true, "A-b_c.d": true,
		"": false, ".x": false, "-x": false, "a/b": false, "a:b": false, strings.Repeat("a", 129): false, strings.Repeat("a", 128): true,
	} {
		require.Equal(t, ok, ValidTag(tag), tag)
	}
}

const (
	d1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	d2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
)

func TestParseManifest(t *testing.T) {
	t.Parallel()
	image := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"` + d1 + `","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"` + d2 + `","size":3}]}`
	cases := []struct {
		name, ct, body, self string
		wantErr              string // substring; "" = valid
		index                bool
		mediaType            string
	}{
		{name: "oci image", ct: MediaTypeOCIManifest, body: image, mediaType: MediaTypeOCIManifest},
		{name: "content type from body", ct: "", body: image, mediaType: MediaTypeOCIManifest},
		{name: "generic content type", ct: "application/json", body: image, mediaType: MediaTypeOCIManifest},
		{name: "docker v2", ct: MediaTypeDockerManifest, body: `{"schemaVersion":2,"mediaType":"` + MediaTypeDockerManifest + `","config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"` + d1 + `","size":2},"layers":[]}`, mediaType: MediaTypeDockerManifest},
		{name: "oci index", ct: MediaTypeOCIIndex, body: `{"schemaVersion":2,"mediaType":"` + MediaTypeOCIIndex + `","manifests":[{"mediaType":"` + MediaTypeOCIManifest + `","digest":"` + d1 + `","size":5,"platform":{"architecture":"amd64","os":"linux"}}]}`, index: true, mediaType: MediaTypeOCIIndex},
		{name: "docker list", ct: MediaTypeDockerList, body: `{"schemaVersion":2,"mediaType":"` + MediaTypeDockerList + `","manifests":[]}`, index: true, mediaType: MediaTypeDockerList},
		{name: "index without mediaType", ct: "", body: `{"schemaVersion":2,"manifests":[]}`, index: true, mediaType: MediaTypeOCIIndex},
		{name: "artifact", ct: MediaTypeOCIManifest, body: `{"schemaVersion":2,"artifactType":"application/vnd.x","config":{"mediaType":"` + MediaTypeOCIEmpty + `","digest":"` + d1 + `","size":2},"layers":[],"subject":{"mediaType":"` + MediaTypeOCIManifest + `","digest":"` + d2 + `","size":9}}`, mediaType: MediaTypeOCIManifest},
		{name: "bad json", ct: MediaTypeOCIManifest, body: `{"schemaVersion":2,`, wantErr: "not valid JSON"},
		{name: "trailing data", ct: MediaTypeOCIManifest, body: image + `{}`, wantErr: "trailing"},
		{name: "schema 1", ct: MediaTypeOCIManifest, body: `{"schemaVersion":1}`, wantErr: "schemaVersion"},
		{name: "media type disagrees", ct: MediaTypeDockerManifest, body: image, wantErr: "disagrees"},
		{name: "unsupported media type", ct: "application/vnd.example+json", body: `{"schemaVersion":2}`, wantErr: "unsupported"},
		{name: "image without config", ct: MediaTypeOCIManifest, body: `{"schemaVersion":2,"layers":[]}`, wantErr: "needs a config"},
		{name: "bad layer digest", ct: MediaTypeOCIManifest, body: `{"schemaVersion":2,"config":{"mediaType":"a","digest":"` + d1 + `","size":1},"layers":[{"mediaType":"b","digest":"sha256:xyz","size":1}]}`, wantErr: "digest"},
		{name: "negative size", ct: MediaTypeOCIManifest, body: `{"schemaVersion":2,"config":{"mediaType":"a","digest":"` + d1 + `","size":-1}}`, wantErr: "negative"},
		{name: "index with layers", ct: MediaTypeOCIIndex, body: `{"schemaVersion":2,"manifests":[],"layers":[]}`, wantErr: "no config or layers"},
		{name: "self-referencing index", ct: MediaTypeOCIIndex, self: d1, body: `{"schemaVersion":2,"manifests":[{"mediaType":"` + MediaTypeOCIManifest + `","digest":"` + d1 + `","size":5}]}`, wantErr: "itself"},
		{name: "oversize", ct: MediaTypeOCIManifest, body: `{"schemaVersion":2,"annotations":{"a":"` + strings.Repeat("x", MaxManifestSize) + `"}}`, wantErr: "larger than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParseManifest(c.ct, []byte(c.body), c.self)
			if c.wantErr != "" {
				require.Error(t, err)
				require.True(t, errors.Is(err, ErrInvalid))
				require.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.index, p.Index)
			require.Equal(t, c.mediaType, p.MediaType)
		})
	}
}

func TestParsedHelpers(t *testing.T) {
	t.Parallel()
	body := `{"schemaVersion":2,"config":{"mediaType":"application/vnd.x.config","digest":"` + d1 + `","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.nondistributable.v1.tar","digest":"` + d2 + `","size":3,"urls":["https://example.com"]}]}`
	p, err := ParseManifest(MediaTypeOCIManifest, []byte(body), "")
	require.NoError(t, err)
	require.Equal(t, "application/vnd.x.config", p.EffectiveArtifactType())
	require.Len(t, p.Blobs(), 1, "non-distributable layers need not be present")
	require.Equal(t, int64(5), p.TotalSize())
}
