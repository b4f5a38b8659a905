package search

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/elastic/go-elasticsearch/v7"
	"github.com/elastic/go-elasticsearch/v7/esapi"
	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// ElasticConfig configures the Elasticsearch 7 backend.
type ElasticConfig struct {
	// URL, Username and Password: ELASTICSEARCH_URL, _USERNAME, _PASSWORD.
	URL, Username, Password string
	// Alias is the name searches and writes use (default "kodera-search");
	// the physical indices are Alias + "-" + a suffix, so a rebuild fills a
	// new one and swaps the alias atomically.
	Alias string
	// Transport is the HTTP transport (tests use a recorded server); nil is
	// http.DefaultTransport.
	Transport http.RoundTripper
	// Suffix names a new physical index; nil uses the current time.
	Suffix func() string
}

// Elastic is the Index on Elasticsearch 7. Grants stay in Postgres: a
// search asks the database which private repositories the caller owns or
// is granted, and sends them in the query's filter, so a grant change needs
// no reindexing.
type Elastic struct {
	es     *elasticsearch.Client
	pool   *pgxpool.Pool
	alias  string
	suffix func() string
}

var _ Index = (*Elastic)(nil)

// NewElastic connects to Elasticsearch and makes sure the index template
// and the alias exist (creating the first index behind it).
func NewElastic(ctx context.Context, cfg ElasticConfig, pool *pgxpool.Pool) (*Elastic, error) {
	es, err := elasticsearch.NewClient(elasticsearch.Config{
		Addresses: []string{cfg.URL}, Username: cfg.Username, Password: cfg.Password, Transport: cfg.Transport,
	})
	if err != nil {
		return nil, errorf("elasticsearch: %w", err)
	}
	e := &Elastic{es: es, pool: pool, alias: cfg.Alias, suffix: cfg.Suffix}
	if e.alias == "" {
		e.alias = "kodera-search"
	}
	if e.suffix == nil {
		e.suffix = func() string { return time.Now().UTC().Format("20060102150405.000000000") }
	}
	if err := e.ensure(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// esTemplate is the index template: edge n-grams of whole names for prefix
// matches, word tokens for word matches and typo tolerance, lowercased
// keywords for exact and substring matches and every filter.
func (e *Elastic) esTemplate() map[string]any {
	kw := map[string]any{"type": "keyword"}
	return map[string]any{
		"index_patterns": []string{e.alias + "-*"},
		"template": map[string]any{
			"settings": map[string]any{
				"number_of_shards": 1,
				"analysis": map[string]any{
					"normalizer": map[string]any{
						"lc": map[string]any{"type": "custom", "filter": []string{"lowercase"}},
					},
					"tokenizer": map[string]any{
						"words": map[string]any{"type": "pattern", "pattern": `[^\p{L}\p{N}]+`},
					},
					"filter": map[string]any{
						"prefixes": map[string]any{"type": "edge_ngram", "min_gram": 1, "max_gram": 64},
					},
					"analyzer": map[string]any{
						"name_prefix":        map[string]any{"type": "custom", "tokenizer": "keyword", "filter": []string{"lowercase", "prefixes"}},
						"name_prefix_search": map[string]any{"type": "custom", "tokenizer": "keyword", "filter": []string{"lowercase"}},
						"name_words":         map[string]any{"type": "custom", "tokenizer": "words", "filter": []string{"lowercase"}},
					},
				},
			},
			"mappings": map[string]any{
				"dynamic": "strict",
				"properties": map[string]any{
					"id": kw, "kind": kw, "repository_id": map[string]any{"type": "long"},
					"repository_name": kw, "repository_type": kw, "visibility": kw,
					"owner_id": map[string]any{"type": "long"}, "owner": kw,
					"description": map[string]any{"type": "text"},
					"name": map[string]any{"type": "keyword", "fields": map[string]any{
						"lc":     map[string]any{"type": "keyword", "normalizer": "lc"},
						"prefix": map[string]any{"type": "text", "analyzer": "name_prefix", "search_analyzer": "name_prefix_search"},
						"words":  map[string]any{"type": "text", "analyzer": "name_words"},
					}},
					"normalized_name": map[string]any{"type": "keyword", "normalizer": "lc"},
					"version":         kw, "path": kw, "uploaded_by": kw,
					"haystack":   map[string]any{"type": "keyword", "ignore_above": 8191},
					"updated_at": map[string]any{"type": "date"},
				},
			},
		},
	}
}

// ensure puts the template and creates the first index behind the alias
// when there is none.
func (e *Elastic) ensure(ctx context.Context) error {
	if err := e.do(ctx, esapi.IndicesPutIndexTemplateRequest{Name: e.alias, Body: jsonBody(e.esTemplate())}, nil); err != nil {
		return err
	}
	res, err := esapi.IndicesExistsAliasRequest{Name: []string{e.alias}}.Do(ctx, e.es)
	if err != nil {
		return errorf("elasticsearch: %w", domain.Errorf(domain.ErrUnavailable, "%v", err))
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		return nil
	}
	if res.StatusCode != http.StatusNotFound {
		return errorf("elasticsearch: alias check: %s", res.Status())
	}
	// A fixed first name: nodes starting together race to create it, and
	// the losers' "already exists" is success (two indices behind the
	// alias would leave it without a write index).
	err = e.do(ctx, esapi.IndicesCreateRequest{Index: e.alias + "-initial",
		Body: jsonBody(map[string]any{"aliases": map[string]any{e.alias: map[string]any{}}})}, nil)
	if err != nil && strings.Contains(err.Error(), "resource_already_exists_exception") {
		return nil
	}
	return err
}

// do runs req and decodes a 2xx answer into out (if not nil); other
// answers are errors carrying Elasticsearch's reason.
func (e *Elastic) do(ctx context.Context, req esapi.Request, out any) error {
	res, err := req.Do(ctx, e.es)
	if err != nil {
		return errorf("elasticsearch: %w", domain.Errorf(domain.ErrUnavailable, "%v", err))
	}
	defer res.Body.Close()
	if res.IsError() {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return errorf("elasticsearch: %s: %s", res.Status(), b)
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, res.Body)
		return nil
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return errorf("elasticsearch: decoding answer: %w", err)
	}
	return nil
}

func jsonBody(v any) io.Reader {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps of plain values are marshalled
	}
	return bytes.NewReader(b)
}

// esDoc is a document's _source.
type esDoc struct {
	ID             string    `json:"id"`
	Kind           Kind      `json:"kind"`
	RepositoryID   int64     `json:"repository_id"`
	RepositoryName string    `json:"repository_name"`
	RepositoryType string    `json:"repository_type"`
	Visibility     string    `json:"visibility"`
	OwnerID        *int64    `json:"owner_id"`
	Owner          string    `json:"owner"`
	Description    string    `json:"description"`
	Name           string    `json:"name"`
	NormalizedName string    `json:"normalized_name"`
	Version        string    `json:"version"`
	Path           string    `json:"path"`
	UploadedBy     string    `json:"uploaded_by"`
	Haystack       string    `json:"haystack"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// haystack is what substring matches search, as in the Postgres backend:
// name and path, and a repository's description and owner.
func haystack(d Document) string {
	s := d.Name + " " + d.Path
	if d.Kind == KindRepository {
		s += " " + d.Description + " " + d.Owner
	}
	return strings.ToLower(s)
}

// bulkAnswer is the part of a _bulk answer that tells failures.
type bulkAnswer struct {
	Errors bool `json:"errors"`
	Items  []map[string]struct {
		ID     string          `json:"_id"`
		Status int             `json:"status"`
		Error  json.RawMessage `json:"error"`
	} `json:"items"`
}

func (e *Elastic) bulk(ctx context.Context, index string, body *bytes.Buffer) error {
	var ans bulkAnswer
	if err := e.do(ctx, esapi.BulkRequest{Index: index, Body: body}, &ans); err != nil {
		return err
	}
	if !ans.Errors {
		return nil
	}
	for _, item := range ans.Items {
		for op, r := range item {
			if r.Status == http.StatusNotFound && op == "delete" {
				continue
			}
			if r.Status >= 300 {
				return errorf("elasticsearch: bulk %s %s: %d %s", op, r.ID, r.Status, r.Error)
			}
		}
	}
	return nil
}

func (e *Elastic) upsertInto(ctx context.Context, index string, docs []Document) error {
	if len(docs) == 0 {
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, d := range docs {
		_ = enc.Encode(map[string]any{"index": map[string]any{"_id": d.ID}})
		_ = enc.Encode(esDoc{ID: d.ID, Kind: d.Kind, RepositoryID: d.RepositoryID, RepositoryName: d.RepositoryName,
			RepositoryType: d.RepositoryType, Visibility: d.Visibility, OwnerID: d.OwnerID, Owner: d.Owner,
			Description: d.Description, Name: d.Name, NormalizedName: d.NormalizedName, Version: d.Version,
			Path: d.Path, UploadedBy: d.UploadedBy, Haystack: haystack(d), UpdatedAt: d.UpdatedAt.UTC()})
	}
	return e.bulk(ctx, index, &buf)
}

// Upsert implements Index with one _bulk request.
func (e *Elastic) Upsert(ctx context.Context, docs []Document) error {
	return e.upsertInto(ctx, e.alias, docs)
}

// Delete implements Index with one _bulk request.
func (e *Elastic) Delete(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, id := range ids {
		_ = enc.Encode(map[string]any{"delete": map[string]any{"_id": id}})
	}
	return e.bulk(ctx, e.alias, &buf)
}

// DeleteRepository implements Index with _delete_by_query.
func (e *Elastic) DeleteRepository(ctx context.Context, repositoryID int64) error {
	return e.do(ctx, esapi.DeleteByQueryRequest{Index: []string{e.alias}, Conflicts: "proceed",
		Body: jsonBody(map[string]any{"query": map[string]any{"term": map[string]any{"repository_id": repositoryID}}})}, nil)
}

// UpdateRepository implements Index with _update_by_query.
func (e *Elastic) UpdateRepository(ctx context.Context, r RepositoryFields) error {
	return e.do(ctx, esapi.UpdateByQueryRequest{Index: []string{e.alias}, Conflicts: "proceed",
		Body: jsonBody(map[string]any{
			"query": map[string]any{"term": map[string]any{"repository_id": r.ID}},
			"script": map[string]any{
				"lang": "painless",
				"source": "ctx._source.repository_name = params.name; ctx._source.repository_type = params.type; " +
					"ctx._source.visibility = params.visibility; ctx._source.owner_id = params.owner_id; ctx._source.owner = params.owner",
				"params": map[string]any{"name": r.Name, "type": r.Type, "visibility": r.Visibility, "owner_id": r.OwnerID, "owner": r.Owner},
			},
		})}, nil)
}

// Refresh makes every write so far visible to searches (tests; the
// indexer relies on the one-second refresh interval).
func (e *Elastic) Refresh(ctx context.Context) error {
	return e.do(ctx, esapi.IndicesRefreshRequest{Index: []string{e.alias}}, nil)
}

// Rebuild implements Index: load fills a new index, which then takes the
// alias in one atomic _aliases call; the old indices are deleted after.
func (e *Elastic) Rebuild(ctx context.Context, load func(put func([]Document) error) error) error {
	next := e.alias + "-" + e.suffix()
	if err := e.do(ctx, esapi.IndicesCreateRequest{Index: next}, nil); err != nil {
		return err
	}
	if err := load(func(docs []Document) error { return e.upsertInto(ctx, next, docs) }); err != nil {
		// The half-filled index never took the alias: drop it.
		_ = e.do(context.WithoutCancel(ctx), esapi.IndicesDeleteRequest{Index: []string{next}}, nil)
		return err
	}
	if err := e.do(ctx, esapi.IndicesRefreshRequest{Index: []string{next}}, nil); err != nil {
		return err
	}
	var current map[string]json.RawMessage
	if err := e.do(ctx, esapi.IndicesGetAliasRequest{Name: []string{e.alias}}, &current); err != nil {
		return err
	}
	old := make([]string, 0, len(current))
	for name := range current {
		old = append(old, name)
	}
	sort.Strings(old)
	actions := []any{}
	for _, name := range old {
		actions = append(actions, map[string]any{"remove": map[string]any{"index": name, "alias": e.alias}})
	}
	actions = append(actions, map[string]any{"add": map[string]any{"index": next, "alias": e.alias}})
	if err := e.do(ctx, esapi.IndicesUpdateAliasesRequest{Body: jsonBody(map[string]any{"actions": actions})}, nil); err != nil {
		return err
	}
	if len(old) == 0 {
		return nil
	}
	return e.do(ctx, esapi.IndicesDeleteRequest{Index: old}, nil)
}

// escapeWildcard escapes the wildcard query's metacharacters.
func escapeWildcard(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`).Replace(s)
}

// query is the search body: the visibility predicate and filters as a
// bool filter, the tiers as a dis_max of constant scores (exact 50 >
// prefix 40 > word 30 > name substring 20 > other substring 10 > fuzzy 1),
// ties by name then id.
func (e *Elastic) query(ctx context.Context, o Options) (map[string]any, error) {
	filter, err := e.visibility(ctx, o.Visible)
	if err != nil {
		return nil, err
	}
	if len(o.Kinds) > 0 {
		filter = append(filter, map[string]any{"terms": map[string]any{"kind": o.Kinds}})
	}
	if len(o.Types) > 0 {
		filter = append(filter, map[string]any{"terms": map[string]any{"repository_type": o.Types}})
	}
	if o.Repository != "" {
		filter = append(filter, map[string]any{"term": map[string]any{"repository_name": o.Repository}})
	}
	tier := func(boost float64, q map[string]any) map[string]any {
		return map[string]any{"constant_score": map[string]any{"filter": q, "boost": boost}}
	}
	q := o.Query
	var tiers []any
	switch {
	case q == "":
		tiers = []any{map[string]any{"match_all": map[string]any{}}}
	case utf8.RuneCountInString(q) < trigramMin:
		// As on Postgres: too short for substrings, names by prefix.
		tiers = []any{
			tier(50, map[string]any{"bool": map[string]any{"should": []any{
				map[string]any{"term": map[string]any{"name.lc": q}},
				map[string]any{"term": map[string]any{"normalized_name": q}}}}}),
			tier(40, map[string]any{"prefix": map[string]any{"name.lc": q}}),
		}
	default:
		sub := "*" + escapeWildcard(q) + "*"
		tiers = []any{
			tier(50, map[string]any{"bool": map[string]any{"should": []any{
				map[string]any{"term": map[string]any{"name.lc": q}},
				map[string]any{"term": map[string]any{"normalized_name": q}}}}}),
			tier(40, map[string]any{"match": map[string]any{"name.prefix": q}}),
			tier(30, map[string]any{"match_phrase_prefix": map[string]any{"name.words": q}}),
			tier(20, map[string]any{"wildcard": map[string]any{"name.lc": sub}}),
			tier(10, map[string]any{"wildcard": map[string]any{"haystack": sub}}),
		}
		if oneWord(q) {
			tiers = append(tiers, tier(1, map[string]any{"match": map[string]any{"name.words": map[string]any{"query": q, "fuzziness": "AUTO", "prefix_length": 1}}}))
		}
	}
	return map[string]any{
		"from": o.Offset, "size": o.Limit, "track_total_hits": MaxTotal,
		"query": map[string]any{"bool": map[string]any{
			"filter": filter,
			"must":   map[string]any{"dis_max": map[string]any{"queries": tiers}},
		}},
		"sort": []any{map[string]any{"_score": "desc"}, map[string]any{"name.lc": "asc"}, map[string]any{"id": "asc"}},
	}, nil
}

// visibility states auth.Visible as filter clauses. Owned and granted
// repositories come from Postgres, where grants live.
func (e *Elastic) visibility(ctx context.Context, v auth.Visible) ([]any, error) {
	filter := []any{} // never null: the bool query refuses a null filter
	if v.Names != nil {
		filter = append(filter, map[string]any{"terms": map[string]any{"repository_name": v.Names}})
	}
	if v.All {
		return filter, nil
	}
	var should []any
	if v.Public {
		should = append(should, map[string]any{"term": map[string]any{"visibility": "public"}})
	}
	if v.UserID != nil || v.ServiceAccountID != nil {
		ids, err := gendb.New(e.pool).ListSearchGrantedRepositoryIDs(ctx, gendb.ListSearchGrantedRepositoryIDsParams{
			UserID: v.UserID, ServiceAccountID: v.ServiceAccountID})
		if err != nil {
			return nil, db.Translate(err)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		if len(ids) > 0 {
			should = append(should, map[string]any{"terms": map[string]any{"repository_id": ids}})
		}
	}
	if len(should) == 0 {
		return append(filter, map[string]any{"match_none": map[string]any{}}), nil
	}
	return append(filter, map[string]any{"bool": map[string]any{"should": should, "minimum_should_match": 1}}), nil
}

// Search implements Index.
func (e *Elastic) Search(ctx context.Context, o Options) (Result, error) {
	o, err := o.normalize()
	if err != nil {
		return Result{}, err
	}
	body, err := e.query(ctx, o)
	if err != nil {
		return Result{}, err
	}
	var ans struct {
		Hits struct {
			Total struct {
				Value    int    `json:"value"`
				Relation string `json:"relation"`
			} `json:"total"`
			Hits []struct {
				Source esDoc `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := e.do(ctx, esapi.SearchRequest{Index: []string{e.alias}, Body: jsonBody(body)}, &ans); err != nil {
		return Result{}, err
	}
	res := Result{Total: ans.Hits.Total.Value, TotalCapped: ans.Hits.Total.Relation == "gte"}
	for _, h := range ans.Hits.Hits {
		s := h.Source
		d := Document{ID: s.ID, Kind: s.Kind, RepositoryID: s.RepositoryID, RepositoryName: s.RepositoryName,
			RepositoryType: s.RepositoryType, Visibility: s.Visibility, OwnerID: s.OwnerID, Owner: s.Owner,
			Description: s.Description, Name: s.Name, NormalizedName: s.NormalizedName, Version: s.Version,
			Path: s.Path, UploadedBy: s.UploadedBy, UpdatedAt: s.UpdatedAt}
		res.Hits = append(res.Hits, Hit{Document: d, Matched: matched(d, o.Query)})
	}
	return res, nil
}

// String names the backend in logs.
func (e *Elastic) String() string { return fmt.Sprintf("elasticsearch (alias %s)", e.alias) }
