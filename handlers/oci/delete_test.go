package oci_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// TestDeleteReferenced: what a stored manifest references cannot be
// deleted from under it (a child of an index, a layer of an image); once
// the manifest is gone, the same deletes succeed.
func TestDeleteReferenced(t *testing.T) {
	node := apptest.Start(t, apptest.Options{})
	seed := node.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("apps", "docker", "private", "alice")
	c := &client{t: t, base: node.URL, user: "alice", pass: "alice-password-123"}
	img := c.pushImage("apps/img", "v1", []byte("layer of the child"))
	idx, _ := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.index.v1+json",
		"manifests": []any{map[string]any{
			"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": img.Manifest, "size": len(img.ManifestBytes),
			"platform": map[string]any{"os": "linux", "architecture": "amd64"},
		}},
	})
	resp := c.do("PUT", "/v2/apps/img/manifests/multi", map[string]string{"Content-Type": "application/vnd.oci.image.index.v1+json"}, idx)
	require.Equal(t, http.StatusCreated, resp.StatusCode, readAll(resp))
	index := resp.Header.Get("Docker-Content-Digest")

	// The child of a stored index stays.
	resp = c.do("DELETE", "/v2/apps/img/manifests/"+img.Manifest, nil, nil)
	body := readAll(resp)
	require.Equal(t, http.StatusConflict, resp.StatusCode, body)
	require.Contains(t, body, "DENIED")
	require.Contains(t, body, index)
	resp = c.do("DELETE", "/api/v1/repositories/apps/docker/manifests/"+img.Manifest+"?image=img", nil, nil)
	require.Equal(t, http.StatusConflict, resp.StatusCode, readAll(resp))
	// So do the blobs of a stored manifest.
	for _, d := range []string{img.Layer, img.Config} {
		resp = c.do("DELETE", "/v2/apps/img/blobs/"+d, nil, nil)
		body = readAll(resp)
		require.Equal(t, http.StatusConflict, resp.StatusCode, body)
		require.Contains(t, body, img.Manifest)
	}
	resp = c.do("GET", "/v2/apps/img/manifests/multi", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)

	// Index first, then the child, then its blobs: each delete succeeds.
	for _, p := range []string{"manifests/" + index, "manifests/" + img.Manifest, "blobs/" + img.Layer, "blobs/" + img.Config} {
		resp = c.do("DELETE", "/v2/apps/img/"+p, nil, nil)
		require.Equal(t, http.StatusAccepted, resp.StatusCode, p+": "+readAll(resp))
	}
}
