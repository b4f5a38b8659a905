package pypi

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"

	"golang.org/x/crypto/blake2b"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/audit"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/packages"
	"github.com/kodera-packages/kodera/internal/pyspec"
)

// Form is the legacy upload API's form (what twine sends beside the file),
// by field name; multi-use fields (classifiers, requires_dist) keep every
// value.
type Form map[string][]string

// Get is the first value of a field, trimmed.
func (f Form) Get(name string) string {
	if v := f[name]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// Ingested is an uploaded file stored in the blob store but not yet
// published: its digests, computed in the one pass that stored it.
type Ingested struct {
	Filename string
	obj      blob.Object
	blake2   string
}

// Precheck refuses an upload before its content is read when the fields
// that came first already show it will fail: a bad name, version or file
// name, or a file name used before. Fields sent after the file are checked
// by Publish.
func (s *Service) Precheck(ctx context.Context, repo domain.Repository, form Form, filename string) error {
	if form.Get("name") == "" || form.Get("version") == "" {
		return nil
	}
	if _, _, err := checkNames(form, filename); err != nil {
		return err
	}
	return s.checkUnused(ctx, repo, filename)
}

// Ingest streams one uploaded file into the blob store, hashing it as it
// goes (sha256, md5 and blake2b-256, the three digests the upload API
// sends). A sha256 the form announced before the file is verified by the
// store itself, which then keeps nothing.
func (s *Service) Ingest(ctx context.Context, form Form, filename string, r io.Reader) (Ingested, error) {
	if filename == "" {
		return Ingested{}, domain.Errorf(domain.ErrInvalid, "the content field has no file name")
	}
	b2, _ := blake2b.New256(nil)
	opt := blob.IngestOptions{ExpectSize: -1, Extra: []blob.Algorithm{blob.MD5}}
	if want := strings.ToLower(form.Get("sha256_digest")); want != "" {
		if !isHex(want, 64) {
			return Ingested{}, domain.Errorf(domain.ErrInvalid, "sha256_digest %q is not a sha256 in hex", want)
		}
		opt.Expect = "sha256:" + want
	}
	obj, err := s.blobs.Store.Ingest(ctx, io.TeeReader(r, hashWriter{b2}), -1, opt)
	if err != nil {
		if errors.Is(err, blob.ErrDigestMismatch) {
			return Ingested{}, domain.Errorf(domain.ErrInvalid, "the file's sha256 does not match sha256_digest: the upload was corrupted")
		}
		return Ingested{}, err
	}
	return Ingested{Filename: filename, obj: obj, blake2: hex.EncodeToString(b2.Sum(nil))}, nil
}

type hashWriter struct{ h hash.Hash }

func (w hashWriter) Write(p []byte) (int, error) { return w.h.Write(p) }

// Published is what an upload created.
type Published struct {
	Project  string // as displayed
	Version  string // normalized
	Filename string
	SHA256   string
	Size     int64
}

// Publish checks an ingested file against the whole form and publishes
// it: the file name against the form's name and version, the digests, the
// core metadata read from the stored archive (METADATA in a wheel, PKG-INFO
// in an sdist; form fields fill only what the file lacks), then the
// version (created with the release's first file), the file, its
// pypi_files row and the metadata blob for PEP 658, and the audit entry,
// in one transaction.
func (s *Service) Publish(ctx context.Context, repo domain.Repository, form Form, in Ingested) (Published, error) {
	fn, version, err := checkNames(form, in.Filename)
	if err != nil {
		return Published{}, err
	}
	if err := checkFiletype(form.Get("filetype"), fn); err != nil {
		return Published{}, err
	}
	if err := checkDigests(form, in); err != nil {
		return Published{}, err
	}
	if err := s.checkUnused(ctx, repo, in.Filename); err != nil {
		return Published{}, err
	}
	row, err := s.blobs.Register(ctx, in.obj)
	if err != nil {
		return Published{}, err
	}

	raw, meta, err := s.readMetadata(ctx, fn, row)
	if err != nil {
		return Published{}, err
	}
	if pyspec.NormalizeName(meta.Name) != fn.Project {
		return Published{}, domain.Errorf(domain.ErrInvalid, "the file's metadata names project %q, not %q", meta.Name, form.Get("name"))
	}
	if mv, err := pyspec.ParseVersion(meta.Version); err != nil || pyspec.CompareVersions(mv, fn.Version) != 0 {
		return Published{}, domain.Errorf(domain.ErrInvalid, "the file's metadata says version %q, not %q", meta.Version, form.Get("version"))
	}
	fill(&meta, form)
	// A release keeps the spelling it was first uploaded with: the sdist
	// of 1.0.0 joins the wheels of 1.0.
	version, err = s.storedVersion(ctx, s.q(), repo, fn.Project, version)
	if err != nil {
		return Published{}, err
	}
	metaRow, _, err := s.blobs.Put(ctx, bytes.NewReader(raw), int64(len(raw)), blob.IngestOptions{ExpectSize: int64(len(raw))})
	if err != nil {
		return Published{}, err
	}
	vmeta, err := json.Marshal(versionMetadata(meta))
	if err != nil {
		return Published{}, err
	}

	p := auth.FromContext(ctx)
	sha := in.obj.Sums[blob.SHA256]
	err = db.WithTx(ctx, s.pool, func(q *db.Queries) error {
		_, v, _, err := packages.AddReleaseFileTx(ctx, q, repo, packages.NewVersion{
			Package: form.Get("name"), Version: version, Metadata: vmeta, CreatedBy: p.Name,
			Files: []packages.NewFile{{Name: in.Filename, BlobDigest: row.Digest, Size: row.Size, ContentType: contentType(fn)}},
		})
		if err != nil {
			if errors.Is(err, domain.ErrConflict) {
				return errExists(in.Filename)
			}
			return err
		}
		md := metaRow.Digest
		_, err = q.InsertPyPIFile(ctx, gendb.InsertPyPIFileParams{
			RepositoryID: repo.ID, Filename: in.Filename, Project: fn.Project, Version: version, CanonicalVersion: canonical(fn.Version), VersionID: &v.ID,
			Kind: fn.Kind, Size: row.Size, Sha256: sha, Md5: in.obj.Sums[blob.MD5], Blake2256: in.blake2,
			RequiresPython: meta.RequiresPython, MetadataDigest: &md, UploadedBy: p.Name,
		})
		if err = db.Translate(err); err != nil {
			if errors.Is(err, domain.ErrConflict) {
				return errExists(in.Filename)
			}
			return err
		}
		if _, err := q.BumpPyPISerial(ctx, repo.ID); err != nil {
			return db.Translate(err)
		}
		return audit.Record(ctx, q, audit.Event{Action: ActionUpload, Target: repo.Name + "/" + in.Filename,
			Details: map[string]any{"project": fn.Project, "version": version, "sha256": sha, "size": row.Size}})
	})
	s.serials.forget(repo.ID) // after the commit: a read in between would remember the old serial
	if err != nil {
		return Published{}, err
	}
	return Published{Project: form.Get("name"), Version: version, Filename: in.Filename, SHA256: sha, Size: row.Size}, nil
}

// ErrFileExists marks an upload of a file name the repository has had.
var ErrFileExists = errors.New("file exists")

func errExists(filename string) error {
	return fmt.Errorf("%w: %w", ErrFileExists,
		domain.Errorf(domain.ErrConflict, "File already exists: %s (a file name can be uploaded once, even after it was deleted; publish a new version)", filename))
}

func (s *Service) checkUnused(ctx context.Context, repo domain.Repository, filename string) error {
	used, err := s.q().PyPIFileNameUsed(ctx, gendb.PyPIFileNameUsedParams{RepositoryID: repo.ID, Filename: filename})
	if err != nil {
		return db.Translate(err)
	}
	if used {
		return errExists(filename)
	}
	return nil
}

// checkNames validates the form's name and version and the file name
// against them; it returns the parsed file name and the normalized version.
func checkNames(form Form, filename string) (pyspec.Filename, string, error) {
	name, version := form.Get("name"), form.Get("version")
	if name == "" || version == "" {
		return pyspec.Filename{}, "", domain.Errorf(domain.ErrInvalid, "the form needs a name and a version")
	}
	if _, err := (packages.PyPI{}).NormalizeName(name); err != nil {
		return pyspec.Filename{}, "", err
	}
	v, err := pyspec.ParseVersion(version)
	if err != nil {
		return pyspec.Filename{}, "", domain.Errorf(domain.ErrInvalid, "invalid version %q: not a PEP 440 version", version)
	}
	fn, err := pyspec.ParseFilename(filename, name)
	if err != nil {
		return pyspec.Filename{}, "", domain.Errorf(domain.ErrInvalid, "%s", err.Error())
	}
	if pyspec.CompareVersions(fn.Version, v) != 0 {
		return pyspec.Filename{}, "", domain.Errorf(domain.ErrInvalid, "file name %q is for version %s, the form says %s", filename, fn.Version, version)
	}
	return fn, v.String(), nil
}

func checkFiletype(ft string, fn pyspec.Filename) error {
	switch ft {
	case "", fn.Kind:
		return nil
	case pyspec.KindWheel, pyspec.KindSdist:
		return domain.Errorf(domain.ErrInvalid, "filetype %q does not match the file %s%s", ft, fn.Name, fn.Ext)
	}
	return domain.Errorf(domain.ErrInvalid, "unsupported filetype %q: only sdist and bdist_wheel", ft)
}

func checkDigests(form Form, in Ingested) error {
	for _, d := range []struct{ field, got string }{
		{"sha256_digest", in.obj.Sums[blob.SHA256]},
		{"md5_digest", in.obj.Sums[blob.MD5]},
		{"blake2_256_digest", in.blake2},
	} {
		want := strings.ToLower(form.Get(d.field))
		if want != "" && want != d.got {
			return domain.Errorf(domain.ErrInvalid, "the file's %s does not match %s: the upload was corrupted", strings.TrimSuffix(d.field, "_digest"), d.field)
		}
	}
	return nil
}

func (s *Service) readMetadata(ctx context.Context, fn pyspec.Filename, row gendb.Blob) ([]byte, pyspec.Metadata, error) {
	ra := &storeReaderAt{ctx: ctx, store: s.blobs.Store, key: row.StorageKey, size: row.Size}
	defer ra.Close()
	raw, err := pyspec.ReadMetadata(fn, ra, row.Size)
	if err != nil {
		if errors.Is(err, pyspec.ErrInvalid) {
			return nil, pyspec.Metadata{}, domain.Errorf(domain.ErrInvalid, "invalid distribution %s%s: %s", fn.Name, fn.Ext, err.Error())
		}
		return nil, pyspec.Metadata{}, err
	}
	meta, err := pyspec.ParseMetadata(raw)
	if err != nil {
		return nil, pyspec.Metadata{}, domain.Errorf(domain.ErrInvalid, "invalid core metadata: %s", err.Error())
	}
	return raw, meta, nil
}

// fill completes the file's metadata with form fields it lacks.
func fill(m *pyspec.Metadata, form Form) {
	for _, f := range []struct {
		dst   *string
		field string
	}{
		{&m.Summary, "summary"}, {&m.Description, "description"}, {&m.DescriptionContentType, "description_content_type"},
		{&m.Author, "author"}, {&m.AuthorEmail, "author_email"}, {&m.Maintainer, "maintainer"}, {&m.MaintainerEmail, "maintainer_email"},
		{&m.License, "license"}, {&m.Keywords, "keywords"}, {&m.HomePage, "home_page"}, {&m.RequiresPython, "requires_python"},
	} {
		if *f.dst == "" {
			*f.dst = form.Get(f.field)
		}
	}
	for _, f := range []struct {
		dst   *[]string
		field string
	}{{&m.Classifiers, "classifiers"}, {&m.RequiresDist, "requires_dist"}, {&m.ProjectURLs, "project_urls"}} {
		if len(*f.dst) == 0 {
			*f.dst = form[f.field]
		}
	}
}

func versionMetadata(m pyspec.Metadata) packages.PyPIMetadata {
	license := m.License
	if m.LicenseExpression != "" {
		license = m.LicenseExpression
	}
	return packages.PyPIMetadata{
		Summary: m.Summary, Description: m.Description, DescriptionContentType: m.DescriptionContentType,
		Author: m.Author, AuthorEmail: m.AuthorEmail, Maintainer: m.Maintainer, MaintainerEmail: m.MaintainerEmail,
		License: license, Keywords: m.Keywords, HomePage: m.HomePage, RequiresPython: m.RequiresPython,
		RequiresDist: m.RequiresDist, Classifiers: m.Classifiers, ProjectURLs: m.ProjectURLs, ProvidesExtra: m.ProvidesExtra,
	}
}

func contentType(fn pyspec.Filename) string {
	if fn.Ext == ".tar.gz" {
		return "application/gzip"
	}
	return "application/zip"
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
