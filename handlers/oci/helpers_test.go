package oci_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// client speaks the registry protocol with Basic credentials (accepted
// directly on /v2/ besides the token flow).
type client struct {
	t          testing.TB
	base       string
	user, pass string
}

func (c *client) do(method, path string, hdr map[string]string, body []byte) *http.Response {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	u := path
	if !strings.HasPrefix(u, "http") {
		u = c.base + path
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(c.t, err)
	if c.user != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	c.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func digestOf(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// pushBlob uploads b monolithically and returns its digest.
func (c *client) pushBlob(name string, b []byte) string {
	c.t.Helper()
	d := digestOf(b)
	resp := c.do("POST", "/v2/"+name+"/blobs/uploads/?digest="+d, map[string]string{"Content-Type": "application/octet-stream"}, b)
	require.Equal(c.t, http.StatusCreated, resp.StatusCode, readAll(resp))
	return d
}

// image is a pushed single-layer image.
type image struct {
	Manifest, Config, Layer string
	ManifestBytes           []byte
}

// pushImage pushes a small OCI image to name:tag.
func (c *client) pushImage(name, tag string, layer []byte) image {
	c.t.Helper()
	cfg := []byte(`{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["/hello"],"Labels":{"a":"b"}},"rootfs":{"type":"layers","diff_ids":["` + digestOf(layer) + `"]},"history":[{"created_by":"COPY hello /"}]}`)
	img := image{Config: c.pushBlob(name, cfg), Layer: c.pushBlob(name, layer)}
	m := map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.manifest.v1+json",
		"config":        map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": img.Config, "size": len(cfg)},
		"layers":        []any{map[string]any{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": img.Layer, "size": len(layer)}},
	}
	img.ManifestBytes, _ = json.Marshal(m)
	resp := c.do("PUT", "/v2/"+name+"/manifests/"+tag, map[string]string{"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, img.ManifestBytes)
	require.Equal(c.t, http.StatusCreated, resp.StatusCode, readAll(resp))
	img.Manifest = resp.Header.Get("Docker-Content-Digest")
	require.Equal(c.t, digestOf(img.ManifestBytes), img.Manifest)
	return img
}

func readAll(resp *http.Response) string {
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
