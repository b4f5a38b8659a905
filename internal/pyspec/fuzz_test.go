package pyspec

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// FuzzParseVersion holds ParseVersion to PEP 440 normalization on any
// input: an accepted version's String is a fixed point (it parses back to
// an equal version with the same String), so what is stored and listed is
// canonical; rejections are ErrInvalid, never a panic.
func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"1.0", "v1.0.0", "1!2.0rc1.post2.dev3+local.7", "1.0-1", "1.0a", "1.0.PREVIEW.2",
		"01.002", "1.0+ubuntu-1_2", " 1.0 ", "1.0.dev", "1.0-r", "", "1..0", "1.0+", "٣", "1.0\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			return
		}
		require.LessOrEqual(t, len(s), MaxVersionLength)
		norm := v.String()
		back, err := ParseVersion(norm)
		require.NoError(t, err, "normal form %q of %q", norm, s)
		require.Equal(t, norm, back.String())
		require.Zero(t, CompareVersions(v, back))
		n, err := NormalizeVersion(s)
		require.NoError(t, err)
		require.Equal(t, norm, n)
	})
}

// FuzzParseFilename: an accepted file name is one of the three kinds, its
// Project is the PEP 503 form of its Name and agrees with the claimed
// project, and its version is canonical-parsable.
func FuzzParseFilename(f *testing.F) {
	for _, s := range [][2]string{{"demo_pkg-1.0.0-py3-none-any.whl", ""}, {"demo_pkg-1.0.0-1-py3-none-any.whl", "Demo.Pkg"},
		{"demo-pkg-1.0.tar.gz", "demo-pkg"}, {"demo_pkg-1.0.zip", ""}, {"a-b-c-1.0.tar.gz", "a-b-c"}, {"x.whl", ""},
		{"../x-1.0.tar.gz", ""}, {"x-1.0.tar.gz", "y"}, {"-.tar.gz", ""}, {"x--1.0-py3-none-any.whl", ""}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, filename, project string) {
		fn, err := ParseFilename(filename, project)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			return
		}
		require.Contains(t, []string{".whl", ".tar.gz", ".zip"}, fn.Ext)
		require.Equal(t, fn.Ext == ".whl", fn.Kind == KindWheel)
		require.True(t, ValidName(fn.Name), "name %q", fn.Name)
		require.Equal(t, NormalizeName(fn.Name), fn.Project)
		if project != "" {
			require.Equal(t, NormalizeName(project), fn.Project)
		}
		require.NotContains(t, filename, "/")
		_, err = ParseVersion(fn.Version.String())
		require.NoError(t, err)
	})
}

// FuzzParseMetadata: accepted metadata names a project and a version, and
// every field is valid UTF-8 (it goes to PostgreSQL text columns).
func FuzzParseMetadata(f *testing.F) {
	for _, s := range []string{sampleMetadata, "Name: x\nVersion: 1\n", "Name: x\r\nVersion: 1\r\n\r\nbody\n",
		"Name: x\nVersion: 1\nDescription: a\n        |b\n        |c\n", " cont\nName: x", "Name x\n", "Name: \xff\nVersion: 1", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMetadata(data)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			return
		}
		require.NotEmpty(t, m.Name)
		require.NotEmpty(t, m.Version)
		for _, s := range []string{m.Name, m.Version, m.Summary, m.Description, m.License} {
			require.True(t, utf8.ValidString(s))
			require.NotContains(t, s, "\x00")
		}
	})
}

// FuzzReadMetadata feeds arbitrary bytes to the archive readers as a wheel,
// a zip sdist and a tar.gz sdist: no panic, a result within MaxMetadataSize,
// and failures are ErrInvalid (ErrNoMetadata included) so twine gets a 400.
func FuzzReadMetadata(f *testing.F) {
	whl, err := ParseFilename("demo_pkg-1.0.0-py3-none-any.whl", "")
	require.NoError(f, err)
	tgz, err := ParseFilename("demo_pkg-1.0.0.tar.gz", "")
	require.NoError(f, err)
	zipSdist, err := ParseFilename("demo_pkg-1.0.0.zip", "")
	require.NoError(f, err)
	f.Add(wheel(f, map[string]string{"demo_pkg-1.0.0.dist-info/METADATA": sampleMetadata}))
	f.Add(wheel(f, map[string]string{"../evil": "x", "demo_pkg-1.0.0/PKG-INFO": sampleMetadata}))
	f.Add(sdist(f, map[string]string{"demo_pkg-1.0.0/PKG-INFO": sampleMetadata, "demo_pkg-1.0.0/setup.py": ""}))
	f.Add(sdist(f, map[string]string{"/abs": ""}))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("\x1f\x8b\x08\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fn := range []Filename{whl, zipSdist, tgz} {
			got, err := ReadMetadata(fn, bytes.NewReader(data), int64(len(data)))
			if err != nil {
				require.True(t, errors.Is(err, ErrInvalid), "%s: %v", fn.Ext, err)
				continue
			}
			require.LessOrEqual(t, len(got), MaxMetadataSize, fn.Ext)
		}
	})
}
