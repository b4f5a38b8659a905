package registry

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/audit"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/ocispec"
	"github.com/kodera-packages/kodera/internal/packages"
)

// Manifest is a stored manifest.
type Manifest = gendb.OciManifest

// PutResult is what a manifest push answers with.
type PutResult struct {
	Digest  string
	Subject string // the subject's digest, "" when none
	Tags    []string
}

// DigestOf returns the digest of body in the algorithm of like (sha256 when like is "").
func DigestOf(body []byte, alg blob.Algorithm) string {
	if alg == blob.SHA512 {
		s := sha512.Sum512(body)
		return "sha512:" + hex.EncodeToString(s[:])
	}
	s := sha256.Sum256(body)
	return "sha256:" + hex.EncodeToString(s[:])
}

// PutManifest validates and stores a manifest under reference (a tag or
// the manifest's digest), plus any extra tags (the ?tag= parameters of a
// push by digest). Every blob and child manifest it references must
// already be visible under n.
func (s *Service) PutManifest(ctx context.Context, n Name, reference, contentType string, body []byte, extraTags ...string) (PutResult, error) {
	if len(body) > ocispec.MaxManifestSize {
		return PutResult{}, ErrManifestTooLarge
	}
	var digest string
	var tags []string
	for _, t := range extraTags {
		if !ocispec.ValidTag(t) {
			return PutResult{}, fail(ErrTagInvalid, nil, "invalid tag %q", t)
		}
	}
	if d, err := blob.ParseDigest(reference); err == nil {
		digest = DigestOf(body, d.Algorithm)
		if digest != reference {
			return PutResult{}, fail(ErrDigestInvalid, nil, "manifest digest is %s, not %s", digest, reference)
		}
	} else {
		if !ocispec.ValidTag(reference) {
			return PutResult{}, fail(ErrTagInvalid, nil, "%q is neither a tag nor a digest", reference)
		}
		tags = []string{reference}
		digest = DigestOf(body, blob.SHA256)
	}
	for _, t := range extraTags {
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	m, err := ocispec.ParseManifest(contentType, body, digest)
	if err != nil {
		return PutResult{}, fail(ErrManifestInvalid, err, "%s", reason(err))
	}
	var subject *string
	res := PutResult{Digest: digest, Tags: tags}
	if m.Subject != nil {
		subject = &m.Subject.Digest
		res.Subject = m.Subject.Digest
	}
	ann, _ := json.Marshal(m.Annotations)
	if m.Annotations == nil {
		ann = []byte("{}")
	}
	meta, _ := json.Marshal(packages.ImageMetadata{Digest: digest, MediaType: m.MediaType, Size: int64(len(body)), TotalSize: m.TotalSize()})
	// Read before the transaction (a blob read never runs inside one); a
	// config that is missing fails the reference check below anyway.
	platforms := s.platformsOf(ctx, n, m)
	p := auth.FromContext(ctx)
	err = db.WithTx(ctx, s.Pool, func(q *db.Queries) error {
		// The check and the write share one transaction, and the check
		// share-locks what it finds: a delete of one of those blobs or
		// child manifests either commits first (and the check misses it)
		// or waits for this push and then sees the reference.
		if err := checkReferences(ctx, q, n, m); err != nil {
			return err
		}
		row, err := q.UpsertManifest(ctx, gendb.UpsertManifestParams{
			RepositoryID: n.Repo.ID, Image: n.Image, Digest: digest, MediaType: m.MediaType,
			ArtifactType: m.EffectiveArtifactType(), SubjectDigest: subject, Content: body,
			Size: int64(len(body)), TotalSize: m.TotalSize(), Annotations: ann, Platforms: platforms,
		})
		if err != nil {
			return db.Translate(err)
		}
		if row.Inserted {
			for _, d := range m.Blobs() {
				if err := q.InsertManifestRef(ctx, gendb.InsertManifestRefParams{ManifestID: row.ID, Digest: d.Digest, Kind: "blob"}); err != nil {
					return db.Translate(err)
				}
			}
			for _, d := range m.Manifests {
				if err := q.InsertManifestRef(ctx, gendb.InsertManifestRefParams{ManifestID: row.ID, Digest: d.Digest, Kind: "manifest"}); err != nil {
					return db.Translate(err)
				}
			}
		}
		versions := tags
		if len(tags) == 0 {
			versions = []string{digest}
		}
		for _, tag := range tags {
			if n.Repo.Immutable {
				rows, err := q.InsertTagImmutable(ctx, gendb.InsertTagImmutableParams{RepositoryID: n.Repo.ID, Image: n.Image, Tag: tag, ManifestID: row.ID})
				if err != nil {
					return db.Translate(err)
				}
				if rows == 0 {
					return fail(ErrImmutable, nil, "tag %s points at another manifest and repository %q is immutable", tag, n.Repo.Name)
				}
				continue
			}
			if err := q.UpsertTag(ctx, gendb.UpsertTagParams{RepositoryID: n.Repo.ID, Image: n.Image, Tag: tag, ManifestID: row.ID}); err != nil {
				return db.Translate(err)
			}
		}
		// The image and its tags are packages and versions of the generic
		// model too, so listings, totals and search see them.
		pkg, err := packages.CreateOrGetPackageTx(ctx, q, n.Repo, packages.ImagePackage(n.Repo.Name, n.Image))
		if err != nil {
			return err
		}
		for _, version := range versions {
			v, err := packages.PutVersionTx(ctx, q, n.Repo, pkg, packages.NewVersion{Version: version, Metadata: meta, CreatedBy: p.Name})
			if err != nil {
				return err
			}
			if bl := m.Blobs(); len(bl) > 0 {
				digests, types := make([]string, len(bl)), make([]string, len(bl))
				for i, d := range bl {
					digests[i], types[i] = d.Digest, d.MediaType
				}
				if err := q.InsertImageVersionFiles(ctx, gendb.InsertImageVersionFilesParams{VersionID: v.ID, RepositoryID: n.Repo.ID, Image: n.Image, Digests: digests, MediaTypes: types}); err != nil {
					return db.Translate(err)
				}
			}
			if err := audit.Record(ctx, q, audit.Event{Action: "docker.push", Target: n.Full() + refSep(version) + version,
				Details: map[string]any{"digest": digest, "mediaType": m.MediaType}}); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// checkReferences fails with ErrManifestBlobUnknown unless every blob and
// child manifest m references is visible under n, locking them FOR SHARE
// until the transaction ends.
func checkReferences(ctx context.Context, q *db.Queries, n Name, m ocispec.Parsed) error {
	if bl := m.Blobs(); len(bl) > 0 {
		want := uniqueDigests(bl)
		have, err := q.LockLinkedDigests(ctx, gendb.LockLinkedDigestsParams{RepositoryID: n.Repo.ID, Image: n.Image, Digests: want})
		if err != nil {
			return db.Translate(err)
		}
		if missing := firstMissing(want, have); missing != "" {
			return fail(ErrManifestBlobUnknown, nil, "blob %s is not in %s", missing, n.Full())
		}
	}
	if m.Index && len(m.Manifests) > 0 {
		want := uniqueDigests(m.Manifests)
		have, err := q.LockExistingManifests(ctx, gendb.LockExistingManifestsParams{RepositoryID: n.Repo.ID, Image: n.Image, Digests: want})
		if err != nil {
			return db.Translate(err)
		}
		if missing := firstMissing(want, have); missing != "" {
			return fail(ErrManifestBlobUnknown, nil, "manifest %s is not in %s", missing, n.Full())
		}
	}
	return nil
}

// reason is what a manifest parse error tells the client.
func reason(err error) string {
	if r, ok := ocispec.Reason(err); ok {
		return r
	}
	return "manifest invalid"
}

func refSep(v string) string {
	if ocispec.IsDigest(v) {
		return "@"
	}
	return ":"
}

// GetManifest resolves a tag or digest under n.
func (s *Service) GetManifest(ctx context.Context, n Name, reference string) (Manifest, error) {
	var m Manifest
	var err error
	if ocispec.IsDigest(reference) {
		m, err = s.q().GetManifest(ctx, gendb.GetManifestParams{RepositoryID: n.Repo.ID, Image: n.Image, Digest: reference})
	} else if ocispec.ValidTag(reference) {
		m, err = s.q().GetManifestByTag(ctx, gendb.GetManifestByTagParams{RepositoryID: n.Repo.ID, Image: n.Image, Tag: reference})
	} else {
		return Manifest{}, ErrManifestUnknown
	}
	if err = db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return Manifest{}, ErrManifestUnknown
		}
		return Manifest{}, err
	}
	return m, nil
}

// DeleteManifest deletes a manifest by digest (with its tags) or one tag.
func (s *Service) DeleteManifest(ctx context.Context, n Name, reference string) error {
	return db.WithTx(ctx, s.Pool, func(q *db.Queries) error {
		var versions []string
		if ocispec.IsDigest(reference) {
			// Locked first, so that the reference check below sees any
			// index push that share-locked this manifest as a child.
			m, err := q.LockManifest(ctx, gendb.LockManifestParams{RepositoryID: n.Repo.ID, Image: n.Image, Digest: reference})
			if err = db.Translate(err); err != nil {
				if errors.Is(err, domain.ErrNotFound) {
					return ErrManifestUnknown
				}
				return err
			}
			tags, err := q.ListTagsOfManifest(ctx, m.ID)
			if err != nil {
				return db.Translate(err)
			}
			if n.Repo.Immutable && len(tags) > 0 {
				return fail(ErrImmutable, nil, "manifest %s is tagged and repository %q is immutable", reference, n.Repo.Name)
			}
			if err := referenced(ctx, q, n, reference, "manifest"); err != nil {
				return err
			}
			if _, err := q.DeleteManifest(ctx, gendb.DeleteManifestParams{RepositoryID: n.Repo.ID, Image: n.Image, Digest: reference}); err != nil {
				return db.Translate(err)
			}
			versions = append(tags, reference)
		} else {
			if n.Repo.Immutable {
				return fail(ErrImmutable, nil, "tags of repository %q cannot be deleted: it is immutable", n.Repo.Name)
			}
			rows, err := q.DeleteTag(ctx, gendb.DeleteTagParams{RepositoryID: n.Repo.ID, Image: n.Image, Tag: reference})
			if err != nil {
				return db.Translate(err)
			}
			if rows == 0 {
				return ErrManifestUnknown
			}
			versions = []string{reference}
		}
		if err := packages.DeleteVersionsTx(ctx, q, n.Repo, packages.ImagePackage(n.Repo.Name, n.Image), versions); err != nil {
			return err
		}
		return audit.Record(ctx, q, audit.Event{Action: "docker.delete", Target: n.Full() + refSep(reference) + reference})
	})
}

// Tags lists tags after last, at most limit. A name holding no manifest at
// all is ErrNotFound (NAME_UNKNOWN), as the distribution spec says.
func (s *Service) Tags(ctx context.Context, n Name, last string, limit int) ([]string, error) {
	tags, err := s.q().ListTags(ctx, gendb.ListTagsParams{RepositoryID: n.Repo.ID, Image: n.Image, Last: last, Lim: int32(limit)})
	if err != nil || len(tags) > 0 || last != "" {
		return tags, db.Translate(err)
	}
	ok, err := s.q().ImageExists(ctx, gendb.ImageExistsParams{RepositoryID: n.Repo.ID, Image: n.Image})
	if err != nil {
		return nil, db.Translate(err)
	}
	if !ok {
		return nil, domain.Errorf(domain.ErrNotFound, "image %q not found", n.Full())
	}
	return tags, nil
}

// Referrers returns descriptors of the manifests whose subject is digest,
// optionally only those of one artifact type.
func (s *Service) Referrers(ctx context.Context, n Name, digest, artifactType string) ([]ocispec.Descriptor, error) {
	var at *string
	if artifactType != "" {
		at = &artifactType
	}
	rows, err := s.q().ListReferrers(ctx, gendb.ListReferrersParams{RepositoryID: n.Repo.ID, Image: n.Image, Subject: &digest, ArtifactType: at})
	if err != nil {
		return nil, db.Translate(err)
	}
	out := make([]ocispec.Descriptor, 0, len(rows))
	for _, r := range rows {
		d := ocispec.Descriptor{MediaType: r.MediaType, Digest: r.Digest, Size: r.Size, ArtifactType: r.ArtifactType}
		_ = json.Unmarshal(r.Annotations, &d.Annotations)
		if len(d.Annotations) == 0 {
			d.Annotations = nil
		}
		out = append(out, d)
	}
	return out, nil
}

// CatalogEntry is one OCI name in the catalog.
type CatalogEntry struct{ Repository, Image, Full string }

// Catalog lists OCI names after last (at most limit per call), in order.
func (s *Service) Catalog(ctx context.Context, last string, limit int) ([]CatalogEntry, error) {
	rows, err := s.q().ListCatalog(ctx, gendb.ListCatalogParams{Last: last, Lim: int32(limit)})
	if err != nil {
		return nil, db.Translate(err)
	}
	out := make([]CatalogEntry, len(rows))
	for i, r := range rows {
		out[i] = CatalogEntry{Repository: r.Repository, Image: r.Image, Full: r.FullName}
	}
	return out, nil
}

func uniqueDigests(ds []ocispec.Descriptor) []string {
	out := make([]string, 0, len(ds))
	for _, d := range ds {
		if !slices.Contains(out, d.Digest) {
			out = append(out, d.Digest)
		}
	}
	return out
}

func firstMissing(want, have []string) string {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return w
		}
	}
	return ""
}
