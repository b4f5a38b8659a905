package oci_test

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
	"github.com/kodera-packages/kodera/internal/testtool"
)

// junitCase is one test of the suite's results/junit.xml.
type junitCase struct {
	Name   string `xml:"name,attr"`
	Status string `xml:"status,attr"`
}

// runConformance runs the OCI distribution-spec conformance suite against
// addr in a temporary directory. It fails unless the suite exits 0, says
// "Pass", and its results/junit.xml lists exactly want tests, every one
// passed: a failed, errored, skipped or disabled test fails it, except the
// disabled tests whose names start with one of disabledOK (the workflows
// the run turns off on purpose).
func runConformance(t *testing.T, addr string, env map[string]string, want int, disabledOK ...string) {
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
	summary := summarize(string(out))
	t.Logf("conformance: %s", summary)
	fail := func(format string, args ...any) {
		t.Helper()
		failed := regexp.MustCompile(`(?m)^.*: (FAIL|Error|Skip|Disabled)$`).FindAllString(string(out), 60)
		t.Fatalf("conformance suite: %s: %s\n%s\n--- output ---\n%s", fmt.Sprintf(format, args...), summary, strings.Join(failed, "\n"), tail(string(out), 8000))
	}
	if err != nil {
		fail("exit: %v", err)
	}
	if !strings.Contains(string(out), "OCI Conformance Result: Pass") {
		fail("no Pass result")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "results", "junit.xml"))
	if err != nil {
		fail("no results/junit.xml: %v", err)
	}
	var report struct {
		Suites []struct {
			Cases []junitCase `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(raw, &report))
	var cases []junitCase
	for _, s := range report.Suites {
		cases = append(cases, s.Cases...)
	}
	var bad []string
	passed := 0
	for _, c := range cases {
		switch {
		case c.Status == "passed":
			passed++
		case c.Status == "skipped" && slices.ContainsFunc(disabledOK, func(p string) bool { return strings.HasPrefix(c.Name, p) }):
		default:
			bad = append(bad, c.Status+": "+c.Name)
		}
	}
	if len(bad) > 0 {
		fail("%d tests not passed:\n%s", len(bad), strings.Join(bad, "\n"))
	}
	// The pinned suite runs a known number of tests: fewer means a
	// workflow silently stopped running (update when the pin changes).
	require.Equal(t, want, passed, "tests passed (of %d in junit.xml)", len(cases))
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
		}, 793)
	})
	t.Run("anonymous-pull", func(t *testing.T) {
		seed.Repo("pub", "docker", "public", "alice")
		c := &client{t: t, base: node.URL, user: "alice", pass: token}
		img := c.pushImage("pub/img", "v1", []byte("layer content for the anonymous pull"))
		// The suite's pull workflow, anonymously, over content it did
		// not push (read-only data): nothing may be written or deleted.
		// Two settings work around the suite's read-only mode: the filter
		// keeps it to that workflow (the blob workflows cannot run without
		// push, and their disabled data makes it panic writing
		// results.yaml), and the Docker-Content-Digest check is off
		// because for data it did not push the suite keeps no response to
		// read the header from (api.go ManifestHeadExists) and fails every
		// registry; the token run checks that header, and so does this
		// test below.
		runConformance(t, node.Addr, map[string]string{
			"OCI_VERSION":                     "1.1+dev",
			"OCI_FILTER_TEST":                 "OCI Conformance Test/read-only",
			"OCI_API_MANIFESTS_DIGEST_HEADER": "false",
			"OCI_REPO1":                       "pub/img",
			"OCI_REPO2":                       "pub/img",
			"OCI_API_PUSH":                    "false",
			"OCI_API_TAGS_DELETE":             "false",
			"OCI_API_MANIFESTS_DELETE":        "false",
			"OCI_API_BLOBS_DELETE":            "false",
			"OCI_RO_DATA_TAGS":                "v1",
			"OCI_RO_DATA_MANIFESTS":           img.Manifest,
			"OCI_RO_DATA_BLOBS":               img.Config + " " + img.Layer,
			"OCI_RO_DATA_REFERRERS":           img.Manifest,
		}, 10, "OCI Conformance Test/read-only/push/", "OCI Conformance Test/read-only/delete/")
		anon := &client{t: t, base: node.URL}
		for _, ref := range []string{"v1", img.Manifest} {
			for _, method := range []string{"GET", "HEAD"} {
				resp := anon.do(method, "/v2/pub/img/manifests/"+ref, nil, nil)
				require.Equal(t, http.StatusOK, resp.StatusCode, "%s %s", method, ref)
				require.Equal(t, img.Manifest, resp.Header.Get("Docker-Content-Digest"), "%s %s", method, ref)
			}
		}
		// The anonymous caller cannot push.
		resp := anon.do("POST", "/v2/pub/img/blobs/uploads/", nil, nil)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		require.Contains(t, resp.Header.Get("WWW-Authenticate"), `scope="repository:pub/img:pull,push"`)
	})
}
