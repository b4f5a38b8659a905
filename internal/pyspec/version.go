// Package pyspec holds the pure parts of the Python packaging standards a
// PyPI repository needs: project names (PEP 503, PEP 508), versions
// (PEP 440), distribution file names (PEP 427/491 wheels, PEP 625 and
// legacy sdists) and core metadata (METADATA, PKG-INFO) read from an
// archive with size bounds. No network and no disk; table-tested.
package pyspec

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrInvalid marks a name, version, file name or archive that breaks the
// standards; the wrapped message is fit for the client (twine prints it).
var ErrInvalid = errors.New("pyspec: invalid")

type invalidError struct{ reason string }

func (e *invalidError) Error() string        { return e.reason }
func (e *invalidError) Is(target error) bool { return target == ErrInvalid }

func invalidf(format string, args ...any) error {
	return &invalidError{reason: fmt.Sprintf(format, args...)}
}

// Version is a parsed PEP 440 version. Numbers are kept as decimal strings
// without leading zeros, so that arbitrarily long components compare right.
type Version struct {
	Epoch   string
	Release []string
	// Pre is "a", "b" or "rc" with PreN; empty when not a pre-release.
	Pre  string
	PreN string
	// Post and Dev are nil when absent.
	Post  *string
	Dev   *string
	Local []string
}

// The permissive pattern of PEP 440's appendix, anchored and case-insensitive.
var versionRE = regexp.MustCompile(`(?i)^\s*v?` +
	`(?:(?P<epoch>[0-9]+)!)?` +
	`(?P<release>[0-9]+(?:\.[0-9]+)*)` +
	`(?P<pre>[-_\.]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_\.]?(?P<pre_n>[0-9]+)?)?` +
	`(?P<post>(?:-(?P<post_n1>[0-9]+))|(?:[-_\.]?(?P<post_l>post|rev|r)[-_\.]?(?P<post_n2>[0-9]+)?))?` +
	`(?P<dev>[-_\.]?(?P<dev_l>dev)[-_\.]?(?P<dev_n>[0-9]+)?)?` +
	`(?:\+(?P<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?\s*$`)

var localSep = regexp.MustCompile(`[-_.]`)

// MaxVersionLength bounds what ParseVersion accepts, well above any real version.
const MaxVersionLength = 128

// ParseVersion parses s as a PEP 440 version (any spelling the standard
// accepts; String gives the normalized form).
func ParseVersion(s string) (Version, error) {
	if len(s) > MaxVersionLength {
		return Version{}, invalidf("version is longer than %d characters", MaxVersionLength)
	}
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return Version{}, invalidf("%q is not a valid PEP 440 version", s)
	}
	g := func(name string) string { return m[versionRE.SubexpIndex(name)] }
	v := Version{Epoch: num(g("epoch"))}
	for _, part := range strings.Split(g("release"), ".") {
		v.Release = append(v.Release, num(part))
	}
	if g("pre") != "" {
		switch strings.ToLower(g("pre_l")) {
		case "a", "alpha":
			v.Pre = "a"
		case "b", "beta":
			v.Pre = "b"
		default: // c, rc, pre, preview
			v.Pre = "rc"
		}
		v.PreN = num(g("pre_n"))
	}
	if g("post") != "" {
		n := num(g("post_n1") + g("post_n2"))
		v.Post = &n
	}
	if g("dev") != "" {
		n := num(g("dev_n"))
		v.Dev = &n
	}
	if l := g("local"); l != "" {
		for _, part := range localSep.Split(strings.ToLower(l), -1) {
			if isDigits(part) {
				part = num(part)
			}
			v.Local = append(v.Local, part)
		}
	}
	return v, nil
}

// num strips leading zeros ("" and "000" are "0").
func num(s string) string {
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return "0"
	}
	return s
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// String is the normalized form of the version (PEP 440 "Normalization").
func (v Version) String() string {
	var b strings.Builder
	if v.Epoch != "0" && v.Epoch != "" {
		b.WriteString(v.Epoch + "!")
	}
	b.WriteString(strings.Join(v.Release, "."))
	if v.Pre != "" {
		b.WriteString(v.Pre + v.PreN)
	}
	if v.Post != nil {
		b.WriteString(".post" + *v.Post)
	}
	if v.Dev != nil {
		b.WriteString(".dev" + *v.Dev)
	}
	if len(v.Local) > 0 {
		b.WriteString("+" + strings.Join(v.Local, "."))
	}
	return b.String()
}

// Public is the version without its local label.
func (v Version) Public() Version {
	v.Local = nil
	return v
}

// IsPrerelease reports a pre-release or development release, which pip
// skips unless asked for or nothing else matches.
func (v Version) IsPrerelease() bool { return v.Pre != "" || v.Dev != nil }

// NormalizeVersion returns the normalized spelling of s.
func NormalizeVersion(s string) (string, error) {
	v, err := ParseVersion(s)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}

// CompareVersions orders two PEP 440 versions: -1, 0 or 1.
func CompareVersions(a, b Version) int {
	if c := cmpNum(a.Epoch, b.Epoch); c != 0 {
		return c
	}
	// Release segments compare with trailing zeros ignored (1.0 == 1.0.0).
	n := max(len(a.Release), len(b.Release))
	for i := range n {
		x, y := "0", "0"
		if i < len(a.Release) {
			x = a.Release[i]
		}
		if i < len(b.Release) {
			y = b.Release[i]
		}
		if c := cmpNum(x, y); c != 0 {
			return c
		}
	}
	if c := cmpKeys(a.preKey(), b.preKey()); c != 0 {
		return c
	}
	if c := cmpKeys(a.postKey(), b.postKey()); c != 0 {
		return c
	}
	if c := cmpKeys(a.devKey(), b.devKey()); c != 0 {
		return c
	}
	return cmpLocal(a.Local, b.Local)
}

// A sort key part: rank first, then a number.
type key struct {
	rank int
	n    string
}

func cmpKeys(a, b key) int {
	if a.rank != b.rank {
		if a.rank < b.rank {
			return -1
		}
		return 1
	}
	return cmpNum(a.n, b.n)
}

// preKey places a dev release of a final version (1.0.dev1) before its
// pre-releases, pre-releases before the final release, in a < b < rc order.
func (v Version) preKey() key {
	switch {
	case v.Pre == "" && v.Post == nil && v.Dev != nil:
		return key{rank: -1}
	case v.Pre == "":
		return key{rank: 10}
	case v.Pre == "a":
		return key{rank: 1, n: v.PreN}
	case v.Pre == "b":
		return key{rank: 2, n: v.PreN}
	default:
		return key{rank: 3, n: v.PreN}
	}
}

func (v Version) postKey() key {
	if v.Post == nil {
		return key{rank: -1}
	}
	return key{rank: 1, n: *v.Post}
}

func (v Version) devKey() key {
	if v.Dev == nil {
		return key{rank: 10}
	}
	return key{rank: 1, n: *v.Dev}
}

// cmpLocal follows PEP 440: no local label sorts first; segments compare
// numerically when both are numbers, a number beats a string, strings
// compare lexically, and a longer label wins a tie.
func cmpLocal(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		an, bn := isDigits(a[i]), isDigits(b[i])
		var c int
		switch {
		case an && bn:
			c = cmpNum(a[i], b[i])
		case an:
			c = 1
		case bn:
			c = -1
		default:
			c = strings.Compare(a[i], b[i])
		}
		if c != 0 {
			return c
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// cmpNum compares two decimal strings without leading zeros.
func cmpNum(a, b string) int {
	if a == "" {
		a = "0"
	}
	if b == "" {
		b = "0"
	}
	if len(a) != len(b) { // no leading zeros: the longer number is larger
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}
