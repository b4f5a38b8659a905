// Package testtool finds the external test tools `go tool task tools`
// installs (crane, oras, helm, the OCI conformance suite...). A tool is
// taken only from $KODERA_TOOLS_BIN or the module's .tools/bin, and only
// at the version scripts/tools.sh pins (the stamp it writes next to the
// binary, .<name>.version): a stray binary on PATH or an older build would
// make the tests prove something about another version. A missing or
// stale tool fails the test with the command that installs it; it never
// skips.
package testtool

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// installHint is what a test failing on a tool tells its reader to run.
const installHint = "go tool task tools (or bash scripts/tools.sh)"

// Path returns the path of tool in $KODERA_TOOLS_BIN, else in the module's
// .tools/bin, after checking that its version stamp is the one
// scripts/tools.sh pins.
func Path(t testing.TB, tool string) string {
	t.Helper()
	root, err := ModuleRoot()
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
		return ""
	}
	dir := os.Getenv("KODERA_TOOLS_BIN")
	if dir == "" {
		dir = filepath.Join(root, ".tools", "bin")
	}
	p, err := find(dir, filepath.Join(root, "scripts", "tools.sh"), tool)
	if err != nil {
		t.Fatalf("%v: run `%s`", err, installHint)
		return ""
	}
	return p
}

// find checks tool in dir against the version pinned in the script.
func find(dir, script, tool string) (string, error) {
	pins, err := Pinned(script)
	if err != nil {
		return "", err
	}
	want, ok := pins[tool]
	if !ok {
		return "", fmt.Errorf("%s is not pinned in %s", tool, script)
	}
	p := filepath.Join(dir, tool)
	fi, err := os.Stat(p)
	if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		return "", fmt.Errorf("%s not installed in %s (want %s)", tool, dir, want)
	}
	stamp := filepath.Join(dir, "."+stampName(tool)+".version")
	got, err := os.ReadFile(stamp)
	if err != nil {
		return "", fmt.Errorf("%s in %s has no version stamp %s (want %s)", tool, dir, filepath.Base(stamp), want)
	}
	if v := string(bytes.TrimSpace(got)); v != want {
		return "", fmt.Errorf("%s in %s is %s, want %s", tool, dir, v, want)
	}
	return p, nil
}

// stampName is the name scripts/tools.sh stamps a tool under: the
// conformance suite's binary is conformance.test, its stamp .conformance.version.
func stampName(tool string) string { return strings.TrimSuffix(tool, ".test") }

var (
	toolLine = regexp.MustCompile(`^tool\s+(\S+)\s+(\S+@\S+)\s*$`)
	confLine = regexp.MustCompile(`^conf=(\S+@\S+)\s*$`)
)

// Pinned reads the tool versions scripts/tools.sh installs: its
// `tool <name> <package>@<version>` lines and the conformance suite's
// `conf=<module>@<version>`, so the script stays the only place a version
// is written.
func Pinned(script string) (map[string]string, error) {
	b, err := os.ReadFile(script)
	if err != nil {
		return nil, err
	}
	pins := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if m := toolLine.FindStringSubmatch(line); m != nil {
			pins[m[1]] = m[2]
		} else if m := confLine.FindStringSubmatch(line); m != nil {
			pins["conformance.test"] = m[1]
		}
	}
	if len(pins) == 0 {
		return nil, fmt.Errorf("%s pins no tool", script)
	}
	return pins, sc.Err()
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
