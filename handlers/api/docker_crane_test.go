package api_test

import (
	"archive/tar"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/testtool"
)

// manifestView is the part of GET .../docker/manifests/{digest} these tests read.
type manifestView struct {
	MediaType    string
	ArtifactType *string
	Config       *struct {
		Os, Architecture, Variant string
		Created                   *string
		Env                       []string
		Labels                    map[string]string
		History                   []struct{ Created, CreatedBy *string }
	}
	Platforms []struct {
		Digest, MediaType, Os, Architecture string
		Variant                             *string
		Size                                int64
	}
	Layers []struct{ Digest string }
}

// TestDockerViewsOfCraneImages pushes what crane pushes by default — Docker
// media types, a Docker v1 image config with zero timestamps — plus a
// manifest list and an OCI index of two platforms, and reads them back
// through the REST views.
func TestDockerViewsOfCraneImages(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	seed := n.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("apps", "docker", "private", "alice")
	alice := basic("alice", "alice-password-123")
	token := seed.Token("alice", false, []string{"write"})

	crane := testtool.Path(t, "crane")
	dir, home := t.TempDir(), t.TempDir()
	env := []string{"HOME=" + home, "DOCKER_CONFIG=" + filepath.Join(home, ".docker")}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(crane, args...)
		cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "crane %s:\n%s", strings.Join(args, " "), out)
		return strings.TrimSpace(string(out))
	}
	run("auth", "login", n.Addr, "-u", "alice", "-p", token)
	var tarball bytes.Buffer
	tw := tar.NewWriter(&tarball)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "hello", Mode: 0o644, Size: 5, Typeflag: tar.TypeReg}))
	_, err := tw.Write([]byte("hello"))
	require.NoError(t, err)
	require.NoError(t, tw.Close())
	require.NoError(t, os.WriteFile(filepath.Join(dir, "layer.tar"), tarball.Bytes(), 0o644))

	ref := n.Addr + "/apps/web"
	for _, p := range []struct{ tag, platform string }{{"amd64", "linux/amd64"}, {"arm64", "linux/arm64/v8"}} {
		run("append", "--insecure", "-f", "layer.tar", "-t", ref+":"+p.tag)
		run("mutate", "--insecure", ref+":"+p.tag, "--set-platform", p.platform, "--env", "GREETING=hello", "--label", "team=web", "-t", ref+":"+p.tag)
	}
	run("index", "append", "--insecure", "--docker-empty-base", "-m", ref+":amd64", "-m", ref+":arm64", "-t", ref+":list")
	run("index", "append", "--insecure", "-m", ref+":amd64", "-m", ref+":arm64", "-t", ref+":oci")
	amd64, arm64 := run("digest", "--insecure", ref+":amd64"), run("digest", "--insecure", ref+":arm64")
	list, oci := run("digest", "--insecure", ref+":list"), run("digest", "--insecure", ref+":oci")

	get := func(digest string) (manifestView, string) {
		t.Helper()
		r := expect(t, n, alice, "GET", "/api/v1/repositories/apps/docker/manifests/"+digest+"?image=web", "", 200)
		var v manifestView
		r.json(t, &v)
		return v, string(r.body)
	}

	// The Docker-format image: its v1 config is parsed, it is no artifact,
	// and crane's zero timestamps are left out.
	img, raw := get(amd64)
	require.Equal(t, "application/vnd.docker.distribution.manifest.v2+json", img.MediaType)
	require.Nil(t, img.ArtifactType, "an image config does not make an artifact")
	require.NotNil(t, img.Config, "%s", raw)
	require.Equal(t, "linux", img.Config.Os)
	require.Equal(t, "amd64", img.Config.Architecture)
	require.Contains(t, img.Config.Env, "GREETING=hello")
	require.Equal(t, "web", img.Config.Labels["team"])
	require.Nil(t, img.Config.Created)
	for _, h := range img.Config.History {
		require.Nil(t, h.Created)
	}
	require.NotContains(t, raw, "0001-01-01")
	require.NotContains(t, raw, "1970-01-01")
	require.Len(t, img.Layers, 1)
	require.Empty(t, img.Platforms)
	img, _ = get(arm64)
	require.Equal(t, "v8", img.Config.Variant)

	// Both kinds of multi-platform index list their children with platforms.
	for _, c := range []struct{ digest, mediaType string }{
		{list, "application/vnd.docker.distribution.manifest.list.v2+json"},
		{oci, "application/vnd.oci.image.index.v1+json"},
	} {
		idx, raw := get(c.digest)
		require.Equal(t, c.mediaType, idx.MediaType)
		require.Nil(t, idx.ArtifactType)
		require.Nil(t, idx.Config)
		require.Len(t, idx.Platforms, 2, "%s", raw)
		require.Equal(t, amd64, idx.Platforms[0].Digest)
		require.Equal(t, "linux", idx.Platforms[0].Os)
		require.Equal(t, "amd64", idx.Platforms[0].Architecture)
		require.Nil(t, idx.Platforms[0].Variant)
		require.Positive(t, idx.Platforms[0].Size)
		require.Equal(t, arm64, idx.Platforms[1].Digest)
		require.Equal(t, "arm64", idx.Platforms[1].Architecture)
		require.Equal(t, "v8", *idx.Platforms[1].Variant)
		// Each child is reachable from the index's view.
		child, _ := get(idx.Platforms[1].Digest)
		require.Equal(t, "arm64", child.Config.Architecture)
	}

	// The tag listing shows the platforms recorded at push.
	var tags listPage[tagItem]
	expect(t, n, alice, "GET", "/api/v1/repositories/apps/docker/images/web/tags?sort=name", "", 200).json(t, &tags)
	platforms := map[string][]string{}
	for _, it := range tags.Items {
		platforms[it.Name] = it.Platforms
	}
	require.Equal(t, map[string][]string{
		"amd64": {"linux/amd64"}, "arm64": {"linux/arm64/v8"},
		"list": {"linux/amd64", "linux/arm64/v8"}, "oci": {"linux/amd64", "linux/arm64/v8"},
	}, platforms)
}

// TestDockerArtifactType: a manifest is an artifact when it says so
// (artifactType) or when its config is not an image config; only then does
// the view report an artifact type.
func TestDockerArtifactType(t *testing.T) {
	t.Parallel()
	n := apptest.Start(t, apptest.Options{})
	seed := n.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("apps", "docker", "private", "alice")
	alice := basic("alice", "alice-password-123")
	const user, pass = "alice", "alice-password-123"
	v2 := n.URL + "/v2/apps/chart"
	push := func(b []byte) string {
		d := dockerDigest(b)
		require.Equal(t, 201, dockerCall(t, "POST", v2+"/blobs/uploads/?digest="+d, user, pass, "application/octet-stream", b, nil))
		return d
	}
	cfg := []byte(`{"name":"chart","version":"1.0.0"}`)
	cfgD := push(cfg)
	const helmConfig = "application/vnd.cncf.helm.config.v1+json"
	manifest := []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"` + helmConfig + `","digest":"` +
		cfgD + `","size":` + itoa(int64(len(cfg))) + `},"layers":[]}`)
	require.Equal(t, 201, dockerCall(t, "PUT", v2+"/manifests/1.0.0", user, pass, "application/vnd.oci.image.manifest.v1+json", manifest, nil))
	var v manifestView
	expect(t, n, alice, "GET", "/api/v1/repositories/apps/docker/manifests/"+dockerDigest(manifest), "", 200).json(t, &v)
	require.NotNil(t, v.ArtifactType)
	require.Equal(t, helmConfig, *v.ArtifactType)
	require.Nil(t, v.Config, "a chart's config is not an image config")
	var tags listPage[tagItem]
	expect(t, n, alice, "GET", "/api/v1/repositories/apps/docker/images/chart/tags", "", 200).json(t, &tags)
	require.Len(t, tags.Items, 1)
	require.Empty(t, tags.Items[0].Platforms)
}
