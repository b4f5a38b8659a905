package oci_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

// BenchmarkPull measures what a pull costs per request: GET of a 1 MiB
// blob and of a manifest with a registry token, on an in-process node
// (mean and p99 latency, blob MB/s). It guards the protocol kit's hot path
// against regressions; run it on two commits and compare. It runs only
// with KODERA_BENCH_OCI=1.
func BenchmarkPull(b *testing.B) {
	if os.Getenv("KODERA_BENCH_OCI") == "" {
		b.Skip("set KODERA_BENCH_OCI=1")
	}
	node := apptest.Start(b, apptest.Options{})
	seed := node.Seed(b)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("apps", "docker", "private", "alice")
	alice := &client{t: b, base: node.URL, user: "alice", pass: "alice-password-123"}
	layer := make([]byte, 1<<20)
	for i := range layer {
		layer[i] = byte(i * 7)
	}
	img := alice.pushImage("apps/img", "v1", layer)

	resp := alice.do("GET", "/v2/token?service=x&scope=repository:apps/img:pull", nil, nil)
	var tok struct{ Token string }
	require.NoError(b, json.NewDecoder(resp.Body).Decode(&tok))
	require.NotEmpty(b, tok.Token)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true}}
	get := func(path string, accept string) time.Duration {
		req, err := http.NewRequest(http.MethodGet, node.URL+path, nil)
		require.NoError(b, err)
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		start := time.Now()
		resp, err := client.Do(req)
		require.NoError(b, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		d := time.Since(start)
		require.Equal(b, http.StatusOK, resp.StatusCode)
		return d
	}
	var blobs, manifests []time.Duration
	for b.Loop() {
		for range 200 {
			blobs = append(blobs, get("/v2/apps/img/blobs/"+img.Layer, ""))
			manifests = append(manifests, get("/v2/apps/img/manifests/v1", "application/vnd.oci.image.manifest.v1+json"))
		}
	}
	report := func(name string, l []time.Duration) {
		var sum time.Duration
		for _, d := range l {
			sum += d
		}
		slices.Sort(l)
		b.ReportMetric(float64(sum.Microseconds())/float64(len(l)), name+"-mean-us")
		b.ReportMetric(float64(l[(len(l)*99+99)/100-1].Microseconds()), name+"-p99-us")
	}
	report("blob", blobs)
	report("manifest", manifests)
	var sum time.Duration
	for _, d := range blobs {
		sum += d
	}
	b.ReportMetric(float64(len(blobs))*float64(len(layer))/sum.Seconds()/1e6, "blob-MB/s")
	b.ReportMetric(0, "ns/op")
}
