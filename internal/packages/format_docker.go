package packages

import (
	"context"
	"errors"
	"fmt"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/ocispec"
	"github.com/kodera-packages/kodera/internal/repository"
)

// Docker is the OCI format (docker and helm images). An image is a package
// (named by its path in the repository, or by the repository's name for an
// image at its root); each tag, and each digest pushed without a tag, is a
// version whose files are the blobs the manifest references. The protocol
// keeps its own tables for what it serves (manifests, tags, blob links);
// internal/registry writes the package rows in the same transaction.
type Docker struct{}

// Type implements Format.
func (Docker) Type() string { return repository.TypeDocker }

// NormalizeName implements Format: an image path is already in its one
// form (OCI names are lowercase), it only has to match the grammar.
func (Docker) NormalizeName(name string) (string, error) {
	if err := ocispec.ValidateName(name); err != nil {
		return "", domain.Errorf(domain.ErrInvalid, "image name %q: %v", name, err)
	}
	return name, nil
}

// ValidateVersion implements Format: a version is a tag or a digest.
func (Docker) ValidateVersion(v string) error {
	if ocispec.ValidTag(v) || ocispec.IsDigest(v) {
		return nil
	}
	return domain.Errorf(domain.ErrInvalid, "%q is neither an OCI tag nor a digest", v)
}

// Connect implements Format (the same commands as the UI's Connect dialog).
func (Docker) Connect(c ConnectInfo) []ConnectStep {
	h, r, u := c.Host, c.Repository, c.user()
	flag := func(f string) string {
		if c.Insecure {
			return " " + f
		}
		return ""
	}
	steps := []ConnectStep{
		{Title: "Log in (password: a personal token)", Snippet: fmt.Sprintf("docker login %s -u %s", h, u)},
		{Title: "Push an image", Snippet: fmt.Sprintf("docker tag my-image:1.0 %s/%s/my-image:1.0\ndocker push %s/%s/my-image:1.0", h, r, h, r)},
		{Title: "Pull an image", Snippet: fmt.Sprintf("docker pull %s/%s/my-image:1.0", h, r)},
		{Title: "Helm charts (OCI)", Snippet: fmt.Sprintf("helm registry login %s -u %s%s\nhelm push my-chart-0.1.0.tgz oci://%s/%s%s\nhelm pull oci://%s/%s/my-chart --version 0.1.0%s",
			h, u, flag("--insecure"), h, r, flag("--plain-http"), h, r, flag("--plain-http"))},
	}
	if c.Insecure {
		steps = append(steps, ConnectStep{
			Title:   "This server speaks plain HTTP: allow it in /etc/docker/daemon.json, then restart docker",
			Snippet: fmt.Sprintf(`{ "insecure-registries": [%q] }`, h),
		})
	}
	return steps
}

// DownloadPath implements FileLocator: a file of an image version is a
// blob the registry serves under the image's name.
func (Docker) DownloadPath(repo, pkg, _ string, f File) string {
	return "/v2/" + ocispec.JoinName(repo, ImageOf(repo, pkg)) + "/blobs/" + f.Name
}

// ImageMetadata is the metadata of a docker version: the manifest the tag
// (or digest) names.
type ImageMetadata struct {
	Digest    string `json:"digest"`
	MediaType string `json:"mediaType"`
	// Size is the manifest's; TotalSize adds its config and layers (or,
	// for an index, its children).
	Size      int64 `json:"size"`
	TotalSize int64 `json:"totalSize"`
}

// ImageOf is the image path a docker package stands for: "" for the image
// at the repository's root, which is listed under the repository's name.
func ImageOf(repoName, pkgName string) string {
	if pkgName == repoName {
		return ""
	}
	return pkgName
}

// ImagePackage is the package an image is listed as: its path, or the
// repository's name for an image at the repository's root.
func ImagePackage(repoName, image string) string {
	if image == "" {
		return repoName
	}
	return image
}

// BeforeDeleteVersion implements DeleteHook: deleting a tag version removes
// the tag; deleting a digest version removes the manifest, which must be
// untagged and referenced by no other manifest. Immutable repositories
// refuse both, as the protocol does.
func (Docker) BeforeDeleteVersion(ctx context.Context, q *db.Queries, v VersionRef) error {
	repo := v.Repository
	if repo.Immutable {
		return domain.Errorf(domain.ErrConflict, "repository %q is immutable: its images cannot be deleted", repo.Name)
	}
	image := ImageOf(repo.Name, v.Package.Name)
	m, err := q.GetImageVersionManifest(ctx, gendb.GetImageVersionManifestParams{RepositoryID: repo.ID, Image: image, Reference: v.Version.Version})
	if err = db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return nil // the protocol rows are gone already; drop the listing
		}
		return err
	}
	if !ocispec.IsDigest(v.Version.Version) {
		_, err := q.DeleteTag(ctx, gendb.DeleteTagParams{RepositoryID: repo.ID, Image: image, Tag: v.Version.Version})
		return db.Translate(err)
	}
	if m.TagCount > 0 {
		return domain.Errorf(domain.ErrConflict, "manifest %s is tagged: delete its tags first", m.Digest)
	}
	by, err := q.GetReferencingManifest(ctx, gendb.GetReferencingManifestParams{RepositoryID: repo.ID, Image: image, Digest: m.Digest, Kind: "manifest"})
	switch err = db.Translate(err); {
	case err == nil:
		return domain.Errorf(domain.ErrConflict, "manifest %s is referenced by manifest %s: delete that first", m.Digest, by)
	case !errors.Is(err, domain.ErrNotFound):
		return err
	}
	_, err = q.DeleteManifest(ctx, gendb.DeleteManifestParams{RepositoryID: repo.ID, Image: image, Digest: m.Digest})
	return db.Translate(err)
}
