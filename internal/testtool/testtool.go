// Package testtool finds the external test tools `go tool task tools`
// installs (crane, oras, helm, the OCI conformance suite...). A missing
// tool fails the test with the command that installs it; it never skips.
package testtool

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Path returns the path of tool, looking in $KODERA_TOOLS_BIN, then the
// module's .tools/bin, then PATH.
func Path(t testing.TB, tool string) string {
	t.Helper()
	var dirs []string
	if d := os.Getenv("KODERA_TOOLS_BIN"); d != "" {
		dirs = append(dirs, d)
	}
	if root, err := ModuleRoot(); err == nil {
		dirs = append(dirs, filepath.Join(root, ".tools", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, tool)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	if p, err := exec.LookPath(tool); err == nil {
		return p
	}
	t.Fatalf("%s not found: run `go tool task tools` (looked in $KODERA_TOOLS_BIN, %v and PATH)", tool, dirs)
	return ""
}

// ModuleRoot finds the directory holding go.mod above the working directory.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
