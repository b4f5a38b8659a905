package testtool

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

const script = `#!/usr/bin/env bash
tool crane github.com/google/go-containerregistry/cmd/crane@v0.22.1
tool oras oras.land/oras/cmd/oras@v1.3.6
conf=github.com/opencontainers/distribution-spec/conformance@v0.0.0-20260831232431-97274622c111
`

func TestPinnedReadsTheScript(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := filepath.Join(dir, "tools.sh")
	require.NoError(t, os.WriteFile(s, []byte(script), 0o644))
	pins, err := Pinned(s)
	require.NoError(t, err)
	require.Equal(t, map[string]string{
		"crane":            "github.com/google/go-containerregistry/cmd/crane@v0.22.1",
		"oras":             "oras.land/oras/cmd/oras@v1.3.6",
		"conformance.test": "github.com/opencontainers/distribution-spec/conformance@v0.0.0-20260831232431-97274622c111",
	}, pins)

	// The real script pins every tool the tests use.
	root, err := ModuleRoot()
	require.NoError(t, err)
	pins, err = Pinned(filepath.Join(root, "scripts", "tools.sh"))
	require.NoError(t, err)
	for _, tool := range []string{"crane", "oras", "helm", "versitygw", "registry", "conformance.test"} {
		require.Contains(t, pins, tool)
	}
}

func TestFindTakesOnlyThePinnedVersion(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := filepath.Join(dir, "tools.sh")
	require.NoError(t, os.WriteFile(s, []byte(script), 0o644))
	bin := filepath.Join(dir, "bin")
	require.NoError(t, os.Mkdir(bin, 0o755))
	install := func(name, stamp string) {
		require.NoError(t, os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"), 0o755))
		if stamp != "" {
			require.NoError(t, os.WriteFile(filepath.Join(bin, "."+stampName(name)+".version"), []byte(stamp+"\n"), 0o644))
		}
	}

	_, err := find(bin, s, "crane")
	require.ErrorContains(t, err, "crane not installed")

	install("crane", "")
	_, err = find(bin, s, "crane")
	require.ErrorContains(t, err, "no version stamp")

	install("crane", "github.com/google/go-containerregistry/cmd/crane@v0.20.0")
	_, err = find(bin, s, "crane")
	require.ErrorContains(t, err, "crane@v0.20.0, want github.com/google/go-containerregistry/cmd/crane@v0.22.1")

	install("crane", "github.com/google/go-containerregistry/cmd/crane@v0.22.1")
	p, err := find(bin, s, "crane")
	require.NoError(t, err)
	require.Equal(t, filepath.Join(bin, "crane"), p)

	install("conformance.test", "github.com/opencontainers/distribution-spec/conformance@v0.0.0-20260831232431-97274622c111")
	p, err = find(bin, s, "conformance.test")
	require.NoError(t, err)
	require.Equal(t, filepath.Join(bin, "conformance.test"), p)

	install("helm", "helm.sh/helm/v3/cmd/helm@v3.22.0")
	_, err = find(bin, s, "helm")
	require.ErrorContains(t, err, "helm is not pinned")
}

// TestPathIgnoresPATH puts a tool on PATH only: Path must not take it.
func TestPathIgnoresPATH(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "oras"), []byte("#!/bin/sh\n"), 0o755))
	t.Setenv("PATH", dir)
	t.Setenv("KODERA_TOOLS_BIN", t.TempDir())
	f := &fatal{TB: t}
	require.Empty(t, Path(f, "oras"))
	require.Contains(t, f.msg, "oras not installed in")
	require.Contains(t, f.msg, "go tool task tools")
}

// fatal records Fatalf instead of failing the test.
type fatal struct {
	testing.TB
	msg string
}

func (f *fatal) Helper() {}
func (f *fatal) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
}
