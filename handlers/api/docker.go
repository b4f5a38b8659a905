package api

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/ocispec"
	"github.com/kodera-packages/kodera/internal/registry"
	"github.com/kodera-packages/kodera/internal/repository"
)

// dockerRepository loads a docker repository for an action through the
// decision function; other types are 404 like absent ones.
func (s *Server) dockerRepository(ctx context.Context, name string, act auth.Action) (domain.Repository, error) {
	return s.repository(ctx, name, repository.TypeDocker, act)
}

// imageName resolves an image path parameter ("_" = the repository root).
func imageName(repo domain.Repository, image string) (registry.Name, error) {
	if image == "_" {
		image = ""
	}
	if image != "" {
		if err := ocispec.ValidateName(repo.Name + "/" + image); err != nil {
			return registry.Name{}, domain.Errorf(domain.ErrInvalid, "invalid image path %q", image)
		}
	}
	return registry.Name{Repo: repo, Image: image}, nil
}

// registryErr maps the registry's protocol errors to domain errors.
func registryErr(err error) error {
	switch {
	case errors.Is(err, registry.ErrManifestUnknown):
		return domain.Errorf(domain.ErrNotFound, "manifest or tag not found")
	case errors.Is(err, registry.ErrBlobUnknown):
		return domain.Errorf(domain.ErrNotFound, "blob not found")
	case errors.Is(err, registry.ErrImmutable), errors.Is(err, registry.ErrReferenced):
		msg, _ := registry.Detail(err)
		return domain.Errorf(domain.ErrConflict, "%s", msg)
	}
	return err
}

// ListDockerImages implements GET /api/v1/repositories/{name}/docker/images.
func (s *Server) ListDockerImages(ctx context.Context, req api.ListDockerImagesRequestObject) (api.ListDockerImagesResponseObject, error) {
	repo, err := s.dockerRepository(ctx, req.Name, auth.ActionRead)
	if err != nil {
		return nil, err
	}
	by, err := sortParam(req.Params.Sort, "name", byNameOrUpdated...)
	if err != nil {
		return nil, err
	}
	limit, offset := page(req.Params.Limit, req.Params.Offset)
	imgs, total, err := s.Registry.Images(ctx, repo.ID, deref(req.Params.Q), by, limit, offset)
	if err != nil {
		return nil, err
	}
	out := api.ListDockerImages200JSONResponse{Items: make([]api.DockerImage, len(imgs)), Total: total, Limit: int(limit), Offset: int(offset)}
	for i, im := range imgs {
		out.Items[i] = api.DockerImage{
			Name: im.Image, PullName: ocispec.JoinName(repo.Name, im.Image),
			TagCount: im.TagCount, ManifestCount: im.ManifestCount, UpdatedAt: im.UpdatedAt,
		}
	}
	return out, nil
}

// ListDockerTags implements GET /api/v1/repositories/{name}/docker/images/{image}/tags.
func (s *Server) ListDockerTags(ctx context.Context, req api.ListDockerTagsRequestObject) (api.ListDockerTagsResponseObject, error) {
	repo, err := s.dockerRepository(ctx, req.Name, auth.ActionRead)
	if err != nil {
		return nil, err
	}
	n, err := imageName(repo, req.Image)
	if err != nil {
		return nil, err
	}
	by, err := sortParam(req.Params.Sort, "-pushed", "-pushed", "pushed", "name", "-name")
	if err != nil {
		return nil, err
	}
	order := map[string]registry.TagOrder{
		"-pushed": registry.TagsNewestFirst, "pushed": registry.TagsOldestFirst,
		"name": registry.TagsByName, "-name": registry.TagsByNameDesc,
	}[by]
	lim, off := page(req.Params.Limit, req.Params.Offset)
	tags, total, err := s.Registry.TagPage(ctx, n, registry.TagQuery{Prefix: deref(req.Params.Q), Order: order, Limit: lim, Offset: off})
	if err != nil {
		return nil, err
	}
	out := api.ListDockerTags200JSONResponse{Items: make([]api.DockerTag, len(tags)), Total: total, Limit: int(lim), Offset: int(off)}
	for i, t := range tags {
		out.Items[i] = api.DockerTag{Name: t.Tag, Digest: t.Digest, MediaType: t.MediaType, Size: t.Size, UpdatedAt: t.UpdatedAt, Platforms: t.Platforms}
	}
	return out, nil
}

// DeleteDockerTag implements DELETE /api/v1/repositories/{name}/docker/images/{image}/tags/{tag}.
func (s *Server) DeleteDockerTag(ctx context.Context, req api.DeleteDockerTagRequestObject) (api.DeleteDockerTagResponseObject, error) {
	repo, err := s.dockerRepository(ctx, req.Name, auth.ActionDelete)
	if err != nil {
		return nil, err
	}
	n, err := imageName(repo, req.Image)
	if err != nil {
		return nil, err
	}
	if !ocispec.ValidTag(req.Tag) {
		return nil, domain.Errorf(domain.ErrNotFound, "tag %q not found", req.Tag)
	}
	if err := s.Registry.DeleteManifest(ctx, n, req.Tag); err != nil {
		return nil, registryErr(err)
	}
	return api.DeleteDockerTag204Response{}, nil
}

// DeleteDockerManifest implements DELETE /api/v1/repositories/{name}/docker/manifests/{digest}.
func (s *Server) DeleteDockerManifest(ctx context.Context, req api.DeleteDockerManifestRequestObject) (api.DeleteDockerManifestResponseObject, error) {
	repo, err := s.dockerRepository(ctx, req.Name, auth.ActionDelete)
	if err != nil {
		return nil, err
	}
	n, err := imageName(repo, req.Params.Image)
	if err != nil {
		return nil, err
	}
	if !ocispec.IsDigest(req.Digest) {
		return nil, domain.Errorf(domain.ErrInvalid, "invalid digest %q", req.Digest)
	}
	if err := s.Registry.DeleteManifest(ctx, n, req.Digest); err != nil {
		return nil, registryErr(err)
	}
	return api.DeleteDockerManifest204Response{}, nil
}

// GetDockerManifest implements GET /api/v1/repositories/{name}/docker/manifests/{digest}.
func (s *Server) GetDockerManifest(ctx context.Context, req api.GetDockerManifestRequestObject) (api.GetDockerManifestResponseObject, error) {
	repo, err := s.dockerRepository(ctx, req.Name, auth.ActionRead)
	if err != nil {
		return nil, err
	}
	if !ocispec.IsDigest(req.Digest) {
		return nil, domain.Errorf(domain.ErrInvalid, "invalid digest %q", req.Digest)
	}
	var image *string
	if req.Params.Image != nil {
		n, err := imageName(repo, *req.Params.Image)
		if err != nil {
			return nil, err
		}
		image = &n.Image
	}
	v, err := s.Registry.ManifestDetails(ctx, repo, image, req.Digest)
	if err != nil {
		return nil, err
	}
	out := api.GetDockerManifest200JSONResponse{
		Digest: v.Digest, Image: v.Image, MediaType: v.MediaType, Size: v.Size, TotalSize: v.Size + v.TotalSize,
		CreatedAt: v.CreatedAt, Tags: v.Tags, Platforms: []api.DockerPlatform{}, Layers: []api.DockerLayer{}, Referrers: []api.DockerReferrer{},
	}
	// The stored artifact_type is what the referrers API reports (the
	// config media type of any image); the view names only real artifacts.
	out.ArtifactType = nonEmpty(v.Parsed.RealArtifactType())
	if v.Parsed.Subject != nil {
		out.Subject = &v.Parsed.Subject.Digest
	}
	if len(v.Parsed.Annotations) > 0 {
		out.Annotations = &v.Parsed.Annotations
	}
	for _, m := range v.Parsed.Manifests {
		p := api.DockerPlatform{Digest: m.Digest, MediaType: m.MediaType, Size: m.Size}
		if m.Platform != nil {
			p.Os, p.Architecture = m.Platform.OS, m.Platform.Architecture
			if m.Platform.Variant != "" {
				p.Variant = &m.Platform.Variant
			}
		}
		out.Platforms = append(out.Platforms, p)
	}
	for _, l := range v.Layers {
		dl := api.DockerLayer{Digest: l.Digest, MediaType: l.MediaType, Size: l.Size}
		if l.CreatedBy != "" {
			dl.CreatedBy = &l.CreatedBy
		}
		out.Layers = append(out.Layers, dl)
	}
	for _, r := range v.Referrers {
		dr := api.DockerReferrer{Digest: r.Digest, MediaType: r.MediaType, Size: r.Size}
		if r.ArtifactType != "" {
			dr.ArtifactType = &r.ArtifactType
		}
		if len(r.Annotations) > 0 {
			dr.Annotations = &r.Annotations
		}
		out.Referrers = append(out.Referrers, dr)
	}
	if c := v.Config; c != nil {
		cfg := &api.DockerImageConfig{
			Os: nonEmpty(c.OS), Architecture: nonEmpty(c.Architecture), Variant: nonEmpty(c.Variant),
			Created: timestamp(c.Created), Author: nonEmpty(c.Author), WorkingDir: nonEmpty(c.Config.WorkingDir), User: nonEmpty(c.Config.User),
			Env: nonEmptySlice(c.Config.Env), Entrypoint: nonEmptySlice(c.Config.Entrypoint), Cmd: nonEmptySlice(c.Config.Cmd),
		}
		if len(c.Config.ExposedPorts) > 0 {
			ports := make([]string, 0, len(c.Config.ExposedPorts))
			for p := range c.Config.ExposedPorts {
				ports = append(ports, p)
			}
			sort.Strings(ports)
			cfg.ExposedPorts = &ports
		}
		if len(c.Config.Labels) > 0 {
			cfg.Labels = &c.Config.Labels
		}
		if len(c.History) > 0 {
			h := make([]api.DockerHistory, len(c.History))
			for i, e := range c.History {
				empty := e.EmptyLayer
				h[i] = api.DockerHistory{Created: timestamp(e.Created), CreatedBy: nonEmpty(e.CreatedBy), Comment: nonEmpty(e.Comment), EmptyLayer: &empty}
			}
			cfg.History = &h
		}
		out.Config = cfg
	}
	return out, nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// timestamp passes on a config's time, but not an absent or zero one:
// builders aiming at reproducible images write 0001-01-01 (Go's zero time)
// or the Unix epoch's zero, which say "unknown", not a date to show.
func timestamp(s string) *string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if s == "" || (err == nil && (t.IsZero() || t.Unix() == 0)) {
		return nil
	}
	return &s
}

func nonEmptySlice(s []string) *[]string {
	if len(s) == 0 {
		return nil
	}
	return &s
}
