package registry

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"time"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/ocispec"
)

// The read models behind the REST API's image views.

// ImageSummary is one image path of a repository.
type ImageSummary struct {
	Image         string
	TagCount      int64
	ManifestCount int64
	UpdatedAt     time.Time
}

// Images lists the image paths of a repository containing filter, in the
// order sort names: name (the default for ""), -name, updated or -updated
// (by the newest manifest).
func (s *Service) Images(ctx context.Context, repoID int64, filter, sort string, limit, offset int32) ([]ImageSummary, int64, error) {
	q := s.q()
	total, err := q.CountImages(ctx, gendb.CountImagesParams{RepositoryID: repoID, Filter: filter})
	if err != nil {
		return nil, 0, db.Translate(err)
	}
	rows, err := q.ListImages(ctx, gendb.ListImagesParams{RepositoryID: repoID, Filter: filter, Sort: sort, Lim: limit, Off: offset})
	if err != nil {
		return nil, 0, db.Translate(err)
	}
	out := make([]ImageSummary, len(rows))
	for i, r := range rows {
		out[i] = ImageSummary(r)
	}
	return out, total, nil
}

// TagView is one tag with what its manifest recorded at push time.
type TagView struct {
	Tag, Digest, MediaType string
	Size                   int64 // manifest + content it references
	UpdatedAt              time.Time
	Platforms              []string
}

// TagOrder is an order of the tag listing.
type TagOrder int

// The orders of the tag listing; names compare naturally (build-2 before
// build-10), pushed is when the tag last moved.
const (
	TagsNewestFirst TagOrder = iota
	TagsOldestFirst
	TagsByName
	TagsByNameDesc
)

// TagQuery selects one page of an image's tags.
type TagQuery struct {
	Prefix        string // of the tag name
	Order         TagOrder
	Limit, Offset int32
}

// TagPage lists one page of an image's tags and how many match in all. An
// image without any tag that has manifests is an empty page; an image
// without manifests is not found.
func (s *Service) TagPage(ctx context.Context, n Name, tq TagQuery) ([]TagView, int64, error) {
	q := s.q()
	total, err := q.CountTagsOfImage(ctx, gendb.CountTagsOfImageParams{RepositoryID: n.Repo.ID, Image: n.Image, Prefix: tq.Prefix})
	if err != nil {
		return nil, 0, db.Translate(err)
	}
	if total == 0 {
		ok, err := q.ImageExists(ctx, gendb.ImageExistsParams{RepositoryID: n.Repo.ID, Image: n.Image})
		if err != nil {
			return nil, 0, db.Translate(err)
		}
		if !ok {
			return nil, 0, domain.Errorf(domain.ErrNotFound, "image %q not found", n.Full())
		}
		return []TagView{}, 0, nil
	}
	// The four queries return the same row type: sqlc names each, so
	// convert through the first.
	var rows []gendb.ListTagsByPushedDescRow
	switch tq.Order {
	case TagsOldestFirst:
		r, err := q.ListTagsByPushed(ctx, gendb.ListTagsByPushedParams{RepositoryID: n.Repo.ID, Image: n.Image, Prefix: tq.Prefix, Lim: tq.Limit, Off: tq.Offset})
		rows, err = convertRows(r, err)
	case TagsByName:
		r, err := q.ListTagsByName(ctx, gendb.ListTagsByNameParams{RepositoryID: n.Repo.ID, Image: n.Image, Prefix: tq.Prefix, Lim: tq.Limit, Off: tq.Offset})
		rows, err = convertRows(r, err)
	case TagsByNameDesc:
		r, err := q.ListTagsByNameDesc(ctx, gendb.ListTagsByNameDescParams{RepositoryID: n.Repo.ID, Image: n.Image, Prefix: tq.Prefix, Lim: tq.Limit, Off: tq.Offset})
		rows, err = convertRows(r, err)
	default:
		rows, err = q.ListTagsByPushedDesc(ctx, gendb.ListTagsByPushedDescParams{RepositoryID: n.Repo.ID, Image: n.Image, Prefix: tq.Prefix, Lim: tq.Limit, Off: tq.Offset})
	}
	if err != nil {
		return nil, 0, db.Translate(err)
	}
	out := make([]TagView, len(rows))
	for i, r := range rows {
		out[i] = TagView{Tag: r.Tag, Digest: r.Digest, MediaType: r.MediaType, Size: r.Size + r.TotalSize, UpdatedAt: r.UpdatedAt, Platforms: r.Platforms}
		if out[i].Platforms == nil {
			out[i].Platforms = []string{}
		}
	}
	return out, total, nil
}

// convertRows converts rows of one tag query to the shared row type.
func convertRows[R ~struct {
	Tag       string
	UpdatedAt time.Time
	Digest    string
	MediaType string
	Size      int64
	TotalSize int64
	Platforms []string
}](rows []R, err error) ([]gendb.ListTagsByPushedDescRow, error) {
	out := make([]gendb.ListTagsByPushedDescRow, len(rows))
	for i, r := range rows {
		out[i] = gendb.ListTagsByPushedDescRow(r)
	}
	return out, err
}

// platformsOf lists the os/architecture[/variant] of an image (from its
// config) or of each entry of an index, recorded at push so listings need
// not read configs; empty for artifacts.
func (s *Service) platformsOf(ctx context.Context, n Name, p ocispec.Parsed) []string {
	out := []string{}
	if p.Index {
		for _, m := range p.Manifests {
			if m.Platform != nil {
				out = append(out, platformString(m.Platform.OS, m.Platform.Architecture, m.Platform.Variant))
			}
		}
		return out
	}
	if cfg, err := s.imageConfig(ctx, n, p); err == nil && cfg.OS != "" {
		out = append(out, platformString(cfg.OS, cfg.Architecture, cfg.Variant))
	}
	return out
}

func platformString(os, arch, variant string) string {
	s := os + "/" + arch
	if variant != "" {
		s += "/" + variant
	}
	return s
}

// ImageConfig is the part of an image configuration the UI shows.
type ImageConfig struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant"`
	Created      string `json:"created"`
	Author       string `json:"author"`
	Config       struct {
		Env          []string            `json:"Env"`
		Entrypoint   []string            `json:"Entrypoint"`
		Cmd          []string            `json:"Cmd"`
		WorkingDir   string              `json:"WorkingDir"`
		User         string              `json:"User"`
		ExposedPorts map[string]struct{} `json:"ExposedPorts"`
		Labels       map[string]string   `json:"Labels"`
	} `json:"config"`
	History []struct {
		Created    string `json:"created"`
		CreatedBy  string `json:"created_by"`
		Comment    string `json:"comment"`
		EmptyLayer bool   `json:"empty_layer"`
	} `json:"history"`
}

// maxConfigSize bounds the image configurations parsed for the UI.
const maxConfigSize = 4 << 20

func (s *Service) imageConfig(ctx context.Context, n Name, p ocispec.Parsed) (ImageConfig, error) {
	var cfg ImageConfig
	if p.Index || p.Config == nil || !ocispec.IsImageConfigType(p.Config.MediaType) || p.Config.Size > maxConfigSize {
		return cfg, errors.New("no image configuration")
	}
	b, err := s.Stat(ctx, n, p.Config.Digest)
	if err != nil {
		return cfg, err
	}
	rc, err := s.Open(ctx, b, 0, -1)
	if err != nil {
		return cfg, err
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, maxConfigSize))
	if err != nil {
		return cfg, err
	}
	return cfg, json.Unmarshal(raw, &cfg)
}

// LayerView is a layer with the history line that created it.
type LayerView struct {
	ocispec.Descriptor
	CreatedBy string
}

// ManifestView is everything the UI shows about a manifest.
type ManifestView struct {
	Manifest
	Parsed    ocispec.Parsed
	Tags      []string
	Config    *ImageConfig
	Layers    []LayerView
	Referrers []ocispec.Descriptor
}

// ManifestDetails loads a manifest of the repository by digest, under the
// given image, or under any image when image is nil.
func (s *Service) ManifestDetails(ctx context.Context, repo domain.Repository, image *string, digest string) (ManifestView, error) {
	var m Manifest
	var err error
	if image != nil {
		m, err = s.q().GetManifest(ctx, gendb.GetManifestParams{RepositoryID: repo.ID, Image: *image, Digest: digest})
	} else {
		m, err = s.q().GetManifestInRepository(ctx, gendb.GetManifestInRepositoryParams{RepositoryID: repo.ID, Digest: digest})
	}
	if err = db.Translate(err); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return ManifestView{}, domain.Errorf(domain.ErrNotFound, "manifest %s not found", digest)
		}
		return ManifestView{}, err
	}
	n := Name{Repo: repo, Image: m.Image}
	v := ManifestView{Manifest: m}
	if v.Parsed, err = ocispec.ParseManifest(m.MediaType, m.Content, ""); err != nil {
		return ManifestView{}, err
	}
	if v.Tags, err = s.q().ListTagsOfManifest(ctx, m.ID); err != nil {
		return ManifestView{}, db.Translate(err)
	}
	if !v.Parsed.Index {
		if cfg, err := s.imageConfig(ctx, n, v.Parsed); err == nil {
			v.Config = &cfg
		}
		var created []string
		if v.Config != nil {
			for _, h := range v.Config.History {
				if !h.EmptyLayer {
					created = append(created, h.CreatedBy)
				}
			}
		}
		for i, l := range v.Parsed.Layers {
			lv := LayerView{Descriptor: l}
			if i < len(created) {
				lv.CreatedBy = created[i]
			}
			v.Layers = append(v.Layers, lv)
		}
	}
	if v.Referrers, err = s.Referrers(ctx, n, m.Digest, ""); err != nil {
		return ManifestView{}, err
	}
	return v, nil
}
