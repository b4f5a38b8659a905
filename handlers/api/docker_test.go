package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// dockerCall makes one request as user:pass and decodes a JSON answer into out.
func dockerCall(t *testing.T, method, u, user, pass, ct string, body []byte, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	require.NoError(t, err)
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		require.NoError(t, json.Unmarshal(b, out), string(b))
	}
	return resp.StatusCode
}

func dockerDigest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// TestDockerViews pushes an image, an index and a signature through /v2/
// and reads them back through the REST API.
func TestDockerViews(t *testing.T) {
	node := apptest.Start(t, apptest.Options{})
	seed := node.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.User("bob", "bob-password-1234", false)
	seed.Repo("apps", "docker", "private", "alice")
	seed.Repo("pypi", "pypi", "private", "alice")
	const user, pass = "alice", "alice-password-123"
	v2 := node.URL + "/v2/apps/team/web"

	push := func(b []byte) string {
		d := dockerDigest(b)
		require.Equal(t, 201, dockerCall(t, "POST", v2+"/blobs/uploads/?digest="+d, user, pass, "application/octet-stream", b, nil))
		return d
	}
	layer := []byte("layer-bytes")
	cfg := []byte(`{"architecture":"arm64","os":"linux","variant":"v8","created":"2026-01-02T03:04:05Z","author":"Alice",` +
		`"config":{"Env":["PATH=/bin"],"Entrypoint":["/app"],"Cmd":["serve"],"WorkingDir":"/srv","ExposedPorts":{"8080/tcp":{}},"Labels":{"org.opencontainers.image.title":"web"}},` +
		`"history":[{"created_by":"ENV PATH=/bin","empty_layer":true},{"created_by":"COPY app /app"}]}`)
	cfgD, layerD := push(cfg), push(layer)
	manifest := []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"` + cfgD + `","size":` + itoa(int64(len(cfg))) + `},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"` + layerD + `","size":` + itoa(int64(len(layer))) + `}]}`)
	manD := dockerDigest(manifest)
	require.Equal(t, 201, dockerCall(t, "PUT", v2+"/manifests/v1", user, pass, "application/vnd.oci.image.manifest.v1+json", manifest, nil))
	index := []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"` + manD + `","size":` + itoa(int64(len(manifest))) + `,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]}`)
	idxD := dockerDigest(index)
	require.Equal(t, 201, dockerCall(t, "PUT", v2+"/manifests/multi", user, pass, "application/vnd.oci.image.index.v1+json", index, nil))
	empty := []byte("{}")
	emptyD := push(empty)
	sig := []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.dev.cosign.signature","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"` + emptyD + `","size":2},"layers":[],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"` + manD + `","size":` + itoa(int64(len(manifest))) + `}}`)
	sigD := dockerDigest(sig)
	require.Equal(t, 201, dockerCall(t, "PUT", v2+"/manifests/"+sigD, user, pass, "application/vnd.oci.image.manifest.v1+json", sig, nil))

	api := node.URL + "/api/v1/repositories/apps/docker"

	var page struct {
		Items []struct {
			Name, PullName          string
			TagCount, ManifestCount int64
		}
		Total int64
	}
	require.Equal(t, 200, dockerCall(t, "GET", api+"/images?q=web", user, pass, "", nil, &page))
	require.Equal(t, int64(1), page.Total)
	require.Equal(t, "team/web", page.Items[0].Name)
	require.Equal(t, "apps/team/web", page.Items[0].PullName)
	require.Equal(t, int64(2), page.Items[0].TagCount)
	require.Equal(t, int64(3), page.Items[0].ManifestCount)
	require.Equal(t, 200, dockerCall(t, "GET", api+"/images?q=nothing", user, pass, "", nil, &page))
	require.Zero(t, page.Total)

	var tagPage listPage[struct {
		Name, Digest, MediaType string
		Size                    int64
		Platforms               []string
	}]
	img := url.PathEscape("team/web")
	require.Equal(t, 200, dockerCall(t, "GET", api+"/images/"+img+"/tags", user, pass, "", nil, &tagPage))
	require.Equal(t, int64(2), tagPage.Total)
	tags := tagPage.Items
	require.Len(t, tags, 2)
	require.Equal(t, "multi", tags[0].Name)
	require.Equal(t, idxD, tags[0].Digest)
	require.Equal(t, []string{"linux/arm64/v8"}, tags[0].Platforms)
	require.Equal(t, "v1", tags[1].Name)
	require.Equal(t, []string{"linux/arm64/v8"}, tags[1].Platforms)
	require.Equal(t, int64(len(manifest)+len(cfg)+len(layer)), tags[1].Size)
	require.Equal(t, 200, dockerCall(t, "GET", api+"/images/"+img+"/tags?limit=1&offset=1", user, pass, "", nil, &tagPage))
	require.Equal(t, int64(2), tagPage.Total)
	require.Len(t, tagPage.Items, 1)
	require.Equal(t, "v1", tagPage.Items[0].Name)

	var m struct {
		Digest, MediaType, Image string
		Tags                     []string
		Config                   struct {
			Os, Architecture, Variant, Author, WorkingDir string
			Env, Entrypoint, Cmd, ExposedPorts            []string
			Labels                                        map[string]string
			History                                       []struct{ CreatedBy string }
		}
		Layers []struct {
			Digest, CreatedBy string
			Size              int64
		}
		Referrers []struct{ Digest, ArtifactType string }
		Platforms []struct{ Digest, Os, Architecture string }
	}
	require.Equal(t, 200, dockerCall(t, "GET", api+"/manifests/"+manD, user, pass, "", nil, &m))
	require.Equal(t, "team/web", m.Image)
	require.Equal(t, []string{"v1"}, m.Tags)
	require.Equal(t, "arm64", m.Config.Architecture)
	require.Equal(t, "Alice", m.Config.Author)
	require.Equal(t, []string{"/app"}, m.Config.Entrypoint)
	require.Equal(t, []string{"8080/tcp"}, m.Config.ExposedPorts)
	require.Equal(t, "web", m.Config.Labels["org.opencontainers.image.title"])
	require.Len(t, m.Config.History, 2)
	require.Len(t, m.Layers, 1)
	require.Equal(t, "COPY app /app", m.Layers[0].CreatedBy, "the layer maps to the non-empty history line")
	require.Len(t, m.Referrers, 1)
	require.Equal(t, sigD, m.Referrers[0].Digest)
	require.Equal(t, "application/vnd.dev.cosign.signature", m.Referrers[0].ArtifactType)

	require.Equal(t, 200, dockerCall(t, "GET", api+"/manifests/"+idxD+"?image="+img, user, pass, "", nil, &m))
	require.Len(t, m.Platforms, 1)
	require.Equal(t, manD, m.Platforms[0].Digest)
	require.Equal(t, "arm64", m.Platforms[0].Architecture)

	// Access: bob sees nothing, a pypi repository has no images.
	require.Equal(t, 404, dockerCall(t, "GET", api+"/images", "bob", "bob-password-1234", "", nil, nil))
	require.Equal(t, 404, dockerCall(t, "GET", node.URL+"/api/v1/repositories/pypi/docker/images", user, pass, "", nil, nil))
	require.Equal(t, 404, dockerCall(t, "DELETE", api+"/images/"+img+"/tags/v1", "bob", "bob-password-1234", "", nil, nil))

	// Deletes through the API are seen by the registry at once.
	require.Equal(t, 204, dockerCall(t, "DELETE", api+"/images/"+img+"/tags/multi", user, pass, "", nil, nil))
	require.Equal(t, 404, dockerCall(t, "GET", v2+"/manifests/multi", user, pass, "", nil, nil))
	require.Equal(t, 404, dockerCall(t, "DELETE", api+"/images/"+img+"/tags/multi", user, pass, "", nil, nil))
	// A child of a stored index stays until the index goes.
	require.Equal(t, 409, dockerCall(t, "DELETE", api+"/manifests/"+manD+"?image="+img, user, pass, "", nil, nil))
	require.Equal(t, 204, dockerCall(t, "DELETE", api+"/manifests/"+idxD+"?image="+img, user, pass, "", nil, nil))
	require.Equal(t, 204, dockerCall(t, "DELETE", api+"/manifests/"+manD+"?image="+img, user, pass, "", nil, nil))
	require.Equal(t, 404, dockerCall(t, "GET", v2+"/manifests/v1", user, pass, "", nil, nil))
	require.Equal(t, 404, dockerCall(t, "GET", api+"/manifests/"+manD, user, pass, "", nil, nil))
}
