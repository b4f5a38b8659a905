package pyspec

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Foo_Bar":         "foo-bar",
		"foo.bar":         "foo-bar",
		"Foo__Bar--baz":   "foo-bar-baz",
		"a._-b":           "a-b",
		"requests":        "requests",
		"Kodera_Demo-Pkg": "kodera-demo-pkg",
	} {
		require.Equal(t, want, NormalizeName(in), in)
	}
}

func TestValidName(t *testing.T) {
	t.Parallel()
	for name, ok := range map[string]bool{
		"a": true, "A1": true, "foo-bar": true, "foo_bar.baz": true,
		"": false, "-foo": false, "foo-": false, "foo bar": false, "foo/bar": false,
		"føø": false, strings.Repeat("a", MaxNameLength+1): false, "foo\x00": false,
	} {
		require.Equal(t, ok, ValidName(name), name)
	}
}

func TestParseVersionNormalizes(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"1.0":                       "1.0",
		"v1.0":                      "1.0",
		"01.002":                    "1.2",
		"1.0a1":                     "1.0a1",
		"1.0-alpha.1":               "1.0a1",
		"1.0.beta2":                 "1.0b2",
		"1.0c3":                     "1.0rc3",
		"1.0preview":                "1.0rc0",
		"1.0-1":                     "1.0.post1",
		"1.0.rev2":                  "1.0.post2",
		"1.0r":                      "1.0.post0",
		"1.0.dev":                   "1.0.dev0",
		"1.0-DEV_3":                 "1.0.dev3",
		"1!2.0":                     "1!2.0",
		"0!2.0":                     "2.0",
		"1.0+Ubuntu-1":              "1.0+ubuntu.1",
		"1.0+abc.007":               "1.0+abc.7",
		"2.0rc1.post2.dev3+local.1": "2.0rc1.post2.dev3+local.1",
		" 1.0 ":                     "1.0",
	}
	for in, want := range cases {
		got, err := NormalizeVersion(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "1.0.", "a1", "1.0+", "1.0+_x", "1..0", "1.0-", "latest", "1.0 2", strings.Repeat("1.", 100) + "1"} {
		_, err := ParseVersion(bad)
		require.ErrorIs(t, err, ErrInvalid, bad)
	}
}

func TestCompareVersionsOrder(t *testing.T) {
	t.Parallel()
	// PEP 440's own example order, plus epochs and locals.
	ordered := []string{
		"1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12",
		"1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345",
		"1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5",
		"1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1", "1.10",
		"99999999999999999999", "1!0.1",
	}
	parsed := make([]Version, len(ordered))
	for i, s := range ordered {
		v, err := ParseVersion(s)
		require.NoError(t, err, s)
		parsed[i] = v
	}
	for i := range parsed {
		for j := range parsed {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			require.Equal(t, want, CompareVersions(parsed[i], parsed[j]), "%s vs %s", ordered[i], ordered[j])
		}
	}
	a, _ := ParseVersion("1.0")
	b, _ := ParseVersion("1.0.0")
	require.Equal(t, 0, CompareVersions(a, b), "trailing zeros are equal")
	shuffled := slices.Clone(parsed)
	slices.Reverse(shuffled)
	slices.SortFunc(shuffled, CompareVersions)
	for i := range shuffled {
		require.Equal(t, parsed[i].String(), shuffled[i].String())
	}
	pre, _ := ParseVersion("2.0rc1")
	dev, _ := ParseVersion("2.0.dev1")
	require.True(t, pre.IsPrerelease())
	require.True(t, dev.IsPrerelease())
	require.False(t, a.IsPrerelease())
}

func TestParseFilename(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file, project string
		want          Filename // Version checked as string in wantVer
		wantVer       string
		err           bool
	}{
		{file: "demo_pkg-1.0.0-py3-none-any.whl", want: Filename{Name: "demo_pkg", Project: "demo-pkg", Kind: KindWheel, Python: "py3", ABI: "none", Platform: "any", Ext: ".whl"}, wantVer: "1.0.0"},
		{file: "numpy-2.1.0-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", want: Filename{Name: "numpy", Project: "numpy", Kind: KindWheel, Build: "1", Python: "cp312", ABI: "cp312", Platform: "manylinux_2_17_x86_64.manylinux2014_x86_64", Ext: ".whl"}, wantVer: "2.1.0"},
		{file: "demo_pkg-1.0.0.tar.gz", want: Filename{Name: "demo_pkg", Project: "demo-pkg", Kind: KindSdist, Ext: ".tar.gz"}, wantVer: "1.0.0"},
		{file: "Kodera_Demo-Pkg-1.0.0.tar.gz", want: Filename{Name: "Kodera_Demo-Pkg", Project: "kodera-demo-pkg", Kind: KindSdist, Ext: ".tar.gz"}, wantVer: "1.0.0"},
		{file: "Kodera_Demo-Pkg-1.0.0.tar.gz", project: "kodera.demo_pkg", want: Filename{Name: "Kodera_Demo-Pkg", Project: "kodera-demo-pkg", Kind: KindSdist, Ext: ".tar.gz"}, wantVer: "1.0.0"},
		{file: "legacy-2.0b1.zip", want: Filename{Name: "legacy", Project: "legacy", Kind: KindSdist, Ext: ".zip"}, wantVer: "2.0b1"},
		{file: "foo-1-2.tar.gz", project: "foo", want: Filename{Name: "foo", Project: "foo", Kind: KindSdist, Ext: ".tar.gz"}, wantVer: "1.post2"},
		{file: "foo-1-2.tar.gz", project: "foo-1", want: Filename{Name: "foo-1", Project: "foo-1", Kind: KindSdist, Ext: ".tar.gz"}, wantVer: "2"},
		{file: "foo-1-2.tar.gz", err: true},                              // ambiguous without the project
		{file: "demo-1.0-py3-none-any.whl", project: "other", err: true}, // project disagrees
		{file: "demo-1.0.tar.gz", project: "other", err: true},
		{file: "demo-1.0-py3-any.whl", err: true}, // too few tags
		{file: "demo-notaversion-py3-none-any.whl", err: true},
		{file: "demo-1.0-x1-py3-none-any.whl", err: true}, // build tag must start with a digit
		{file: "demo-1.0.exe", err: true},
		{file: "demo.tar.gz", err: true},
		{file: "../demo-1.0.tar.gz", err: true},
		{file: "-1.0.tar.gz", err: true},
		{file: "demo-1.0.tar.gz\x00", err: true},
	}
	for _, c := range cases {
		got, err := ParseFilename(c.file, c.project)
		if c.err {
			require.ErrorIs(t, err, ErrInvalid, c.file)
			continue
		}
		require.NoError(t, err, c.file)
		require.Equal(t, c.wantVer, got.Version.String(), c.file)
		got.Version = Version{}
		require.Equal(t, c.want, got, c.file)
	}
}

const sampleMetadata = `Metadata-Version: 2.1
Name: Demo_Pkg
Version: 1.0.0
Summary: A demo
Home-page: https://example.test/demo
Author: Ada
Author-email: ada@example.test
License: MIT
Requires-Python: >=3.8
Classifier: Programming Language :: Python :: 3
Classifier: License :: OSI Approved :: MIT License
Requires-Dist: requests (>=2.0)
Requires-Dist: rich; extra == "cli"
Provides-Extra: cli
Project-URL: Source, https://example.test/src
Description-Content-Type: text/markdown

# Demo

<script>alert(1)</script>
`

func TestParseMetadata(t *testing.T) {
	t.Parallel()
	m, err := ParseMetadata([]byte(sampleMetadata))
	require.NoError(t, err)
	require.Equal(t, "Demo_Pkg", m.Name)
	require.Equal(t, "1.0.0", m.Version)
	require.Equal(t, ">=3.8", m.RequiresPython)
	require.Equal(t, []string{"requests (>=2.0)", `rich; extra == "cli"`}, m.RequiresDist)
	require.Len(t, m.Classifiers, 2)
	require.Equal(t, []string{"Source, https://example.test/src"}, m.ProjectURLs)
	require.Equal(t, "# Demo\n\n<script>alert(1)</script>", m.Description)

	// PKG-INFO 1.x: the description as a folded header with a '|' margin.
	old := "Metadata-Version: 1.1\nName: old\nVersion: 0.1\nDescription: first line\n        |second line\n        |\n        |fourth\nKeywords: a b\n"
	m, err = ParseMetadata([]byte(old))
	require.NoError(t, err)
	require.Equal(t, "first line\nsecond line\n\nfourth", m.Description)
	require.Equal(t, "a b", m.Keywords)

	for _, bad := range []string{"", "Name: x\n", "no colon here\nName: x\nVersion: 1\n", " cont\nName: x\nVersion: 1\n", "Name: x\x00\nVersion: 1\n", "Name: \xff\nVersion: 1\n"} {
		_, err := ParseMetadata([]byte(bad))
		require.ErrorIs(t, err, ErrInvalid, "%q", bad)
	}
}

func wheel(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w, err := zw.Create(n)
		require.NoError(t, err)
		_, err = w.Write([]byte(files[n]))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func sdist(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(files[n]))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
	return buf.Bytes()
}

func TestReadMetadata(t *testing.T) {
	t.Parallel()
	whl, _ := ParseFilename("demo_pkg-1.0.0-py3-none-any.whl", "")
	tgz, _ := ParseFilename("demo_pkg-1.0.0.tar.gz", "")
	zipSdist, _ := ParseFilename("demo_pkg-1.0.0.zip", "")
	read := func(f Filename, b []byte) ([]byte, error) {
		return ReadMetadata(f, bytes.NewReader(b), int64(len(b)))
	}
	cases := []struct {
		name string
		f    Filename
		data []byte
		err  error // nil: want sampleMetadata
	}{
		{"wheel", whl, wheel(t, map[string]string{"demo_pkg/__init__.py": "", "demo_pkg-1.0.0.dist-info/METADATA": sampleMetadata, "demo_pkg-1.0.0.dist-info/WHEEL": "Wheel-Version: 1.0\n"}), nil},
		{"wheel, other project's dist-info", whl, wheel(t, map[string]string{"other-1.0.0.dist-info/METADATA": sampleMetadata}), ErrNoMetadata},
		{"wheel, nested METADATA only", whl, wheel(t, map[string]string{"x/demo_pkg-1.0.0.dist-info/METADATA": sampleMetadata}), ErrNoMetadata},
		{"wheel, traversal entry", whl, wheel(t, map[string]string{"../evil": "x", "demo_pkg-1.0.0.dist-info/METADATA": sampleMetadata}), ErrInvalid},
		{"wheel, absolute entry", whl, wheel(t, map[string]string{"/etc/passwd": "x", "demo_pkg-1.0.0.dist-info/METADATA": sampleMetadata}), ErrInvalid},
		{"wheel, not a zip", whl, []byte("not a zip at all"), ErrInvalid},
		{"wheel, huge METADATA", whl, wheel(t, map[string]string{"demo_pkg-1.0.0.dist-info/METADATA": strings.Repeat("a", MaxMetadataSize+1)}), ErrInvalid},
		{"sdist", tgz, sdist(t, map[string]string{"demo_pkg-1.0.0/PKG-INFO": sampleMetadata, "demo_pkg-1.0.0/setup.py": "", "demo_pkg-1.0.0/src/demo_pkg.egg-info/PKG-INFO": "other"}), nil},
		{"sdist, no PKG-INFO", tgz, sdist(t, map[string]string{"demo_pkg-1.0.0/setup.py": ""}), ErrNoMetadata},
		{"sdist, traversal", tgz, sdist(t, map[string]string{"demo_pkg-1.0.0/../../x": "", "demo_pkg-1.0.0/PKG-INFO": sampleMetadata}), ErrInvalid},
		{"sdist, not gzip", tgz, []byte("plain"), ErrInvalid},
		{"zip sdist", zipSdist, wheel(t, map[string]string{"demo_pkg-1.0.0/PKG-INFO": sampleMetadata}), nil},
	}
	for _, c := range cases {
		got, err := read(c.f, c.data)
		if c.err != nil {
			require.Error(t, err, c.name)
			require.True(t, errors.Is(err, c.err) || errors.Is(err, ErrInvalid), c.name)
			if c.err == ErrNoMetadata {
				require.Equal(t, ErrNoMetadata, err, c.name)
			}
			continue
		}
		require.NoError(t, err, c.name)
		require.Equal(t, sampleMetadata, string(got), c.name)
	}
}

func TestSdistGzipBombIsBounded(t *testing.T) {
	t.Parallel()
	// 64 MiB of zeros in one entry compress to ~64 KiB; the scan must skip
	// it without holding it and still find PKG-INFO behind it.
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(gz)
	const big = 64 << 20
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "demo_pkg-1.0.0/zeros", Mode: 0o644, Size: big, Typeflag: tar.TypeReg}))
	zero := make([]byte, 1<<20)
	for range big / len(zero) {
		_, err := tw.Write(zero)
		require.NoError(t, err)
	}
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "demo_pkg-1.0.0/PKG-INFO", Mode: 0o644, Size: int64(len(sampleMetadata)), Typeflag: tar.TypeReg}))
	_, _ = tw.Write([]byte(sampleMetadata))
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
	require.Less(t, buf.Len(), 1<<20)
	f, _ := ParseFilename("demo_pkg-1.0.0.tar.gz", "")
	got, err := ReadMetadata(f, bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	require.Equal(t, sampleMetadata, string(got))
}
