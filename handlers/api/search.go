package api

import (
	"context"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/search"
)

// Search implements GET /api/v1/search (issue 12). The caller's Visible
// predicate goes into the index's query, so pages and totals hold only
// what the caller may read; anonymous callers with guest access off were
// already answered 401 by authentication, as on every listing.
func (s *Server) Search(ctx context.Context, req api.SearchRequestObject) (api.SearchResponseObject, error) {
	v, err := s.Authz.Visible(ctx, auth.FromContext(ctx))
	if err != nil {
		return nil, err
	}
	prm := req.Params
	lim, off := page(prm.Limit, prm.Offset)
	o := search.Options{Query: prm.Q, Repository: deref(prm.Repository), Visible: v, Limit: int(lim), Offset: int(off)}
	for _, k := range deref(prm.Kind) {
		o.Kinds = append(o.Kinds, search.Kind(k))
	}
	for _, t := range deref(prm.Type) {
		o.Types = append(o.Types, string(t))
	}
	res, err := s.SearchIndex.Search(ctx, o)
	if err != nil {
		return nil, err
	}
	items := make([]api.SearchHit, len(res.Hits))
	for i, h := range res.Hits {
		items[i] = api.SearchHit{
			Kind: api.SearchKind(h.Kind), Repository: h.RepositoryName, RepositoryType: api.RepositoryType(h.RepositoryType),
			Name: h.Name, Version: nonEmpty(h.Version), Path: nonEmpty(h.Path), Description: nonEmpty(h.Description),
			UploadedBy: nonEmpty(h.UploadedBy), UpdatedAt: h.UpdatedAt, Highlight: nonEmpty(h.Matched),
		}
		// The owner belongs to repository hits, as in Repository.owner;
		// packages and files say who uploaded them instead.
		if h.Kind == search.KindRepository {
			items[i].Owner = nonEmpty(h.Owner)
		}
	}
	return api.Search200JSONResponse{Items: items, Total: int64(res.Total), TotalCapped: res.TotalCapped,
		Limit: int(lim), Offset: int(off)}, nil
}
