package oci_test

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/testtool"
)

// runConformance runs the OCI distribution-spec conformance suite against
// addr in a temporary directory and returns its summary line.
func runConformance(t *testing.T, addr string, env map[string]string) {
	t.Helper()
	bin := testtool.Path(t, "conformance.test")
	dir := t.TempDir()
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "OCI_REGISTRY="+addr, "OCI_TLS=disabled", "OCI_RESULTS_DIR="+filepath.Join(dir, "results"))
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	results, _ := os.ReadFile(filepath.Join(dir, "results", "results.yaml"))
	summary := summarize(string(out))
	t.Logf("conformance: %s", summary)
	for _, l := range regexp.MustCompile(`(?m)^.*(: Skip|: SKIP|skipped test).*$`).FindAllString(string(out), 40) {
		t.Logf("conformance: %s", strings.TrimSpace(l))
	}
	if err != nil && strings.Contains(string(out), "OCI Conformance Result: Pass") && strings.Contains(string(out), "ReportResultsYAML") {
		// The suite passed but crashed writing results.yaml: with push
		// disabled its invalid-digest test records a status for test data
		// it never created (run.go ReportResultsYAML, upstream bug).
		t.Logf("conformance: passed; ignoring the suite's own crash in ReportResultsYAML (push disabled)")
		err = nil
	}
	if !strings.Contains(string(out), "OCI Conformance Result: Pass") {
		err = errors.Join(err, errors.New("no PASS result"))
	}
	if err != nil {
		failed := regexp.MustCompile(`(?m)^.*(FAIL|fail|Error|error).*$`).FindAllString(string(out), 60)
		t.Fatalf("conformance suite failed (%v): %s\n%s\n--- output ---\n%s\n--- results.yaml ---\n%s", err, summary, strings.Join(failed, "\n"), tail(string(out), 6000), tail(string(results), 20000))
	}
}

// summarize extracts the suite's count lines ("  Pass....: 852").
func summarize(out string) string {
	var parts []string
	for _, m := range regexp.MustCompile(`(?m)^\s*([A-Za-z]+)\.{2,}:\s*(\d+)\s*$`).FindAllStringSubmatch(out, -1) {
		parts = append(parts, m[1]+"="+m[2])
	}
	if len(parts) == 0 {
		return "no counts in the output"
	}
	return strings.Join(parts, " ")
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestConformance runs every workflow of the suite with a user token, then
// the pull workflow anonymously against a public repository.
func TestConformance(t *testing.T) {
	node := apptest.Start(t, apptest.Options{})
	seed := node.Seed(t)
	seed.User("alice", "alice-password-123", false)
	seed.Repo("conf", "docker", "private", "alice")
	token := seed.Token("alice", false, []string{"write"})

	t.Run("token", func(t *testing.T) {
		runConformance(t, node.Addr, map[string]string{
			"OCI_VERSION":  "1.1+dev",
			"OCI_REPO1":    "conf/repo1",
			"OCI_REPO2":    "conf/repo2",
			"OCI_USERNAME": "alice",
			"OCI_PASSWORD": token,
		})
	})
	t.Run("anonymous-pull", func(t *testing.T) {
		seed.Repo("pub", "docker", "public", "alice")
		c := &client{t: t, base: node.URL, user: "alice", pass: token}
		img := c.pushImage("pub/img", "v1", []byte("layer content for the anonymous pull"))
		// The suite's pull workflow, anonymously, over content it did
		// not push (read-only data): nothing may be written or deleted.
		runConformance(t, node.Addr, map[string]string{
			"OCI_REPO1":                "pub/img",
			"OCI_REPO2":                "pub/img",
			"OCI_API_PUSH":             "false",
			"OCI_API_TAGS_DELETE":      "false",
			"OCI_API_MANIFESTS_DELETE": "false",
			"OCI_API_BLOBS_DELETE":     "false",
			"OCI_RO_DATA_TAGS":         "v1",
			"OCI_RO_DATA_MANIFESTS":    img.Manifest,
			"OCI_RO_DATA_BLOBS":        img.Config + " " + img.Layer,
			"OCI_RO_DATA_REFERRERS":    img.Manifest,
		})
		// The anonymous caller cannot push.
		anon := &client{t: t, base: node.URL}
		resp := anon.do("POST", "/v2/pub/img/blobs/uploads/", nil, nil)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		require.Contains(t, resp.Header.Get("WWW-Authenticate"), `scope="repository:pub/img:pull,push"`)
	})
}
