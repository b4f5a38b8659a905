package pypi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kodera-packages/kodera/internal/origin"
	"github.com/kodera-packages/kodera/internal/pypi"
)

// warehouse implements Warehouse's JSON API (PyPI's /pypi/<project>/json
// and /pypi/<project>/<version>/json, "JSON API" in the Warehouse
// documentation): the project's latest version (or the one named) with
// its metadata and files, and for a project every release's files. URLs
// are absolute, as tools reading it expect.
func (h *handler) warehouse(w http.ResponseWriter, r *http.Request, req *request) error {
	ctx := r.Context()
	name := req.rest[1]
	serial, err := h.PyPI.Serial(ctx, req.repo)
	if err != nil {
		return err
	}
	page, err := h.PyPI.ProjectFiles(ctx, req.repo, name)
	if err != nil {
		return err
	}
	version := pypi.Latest(page)
	project := len(req.rest) == 3
	if !project {
		version = req.rest[2]
	}
	rel, err := h.PyPI.Release(ctx, req.repo, name, version)
	if err != nil {
		return err
	}
	base := origin.Base(r) + Prefix + url.PathEscape(req.repo.Name)
	out := map[string]any{
		"info":            infoJSON(base, rel),
		"last_serial":     serial,
		"urls":            filesJSON(base, rel.Files),
		"vulnerabilities": []any{},
	}
	if project {
		releases := map[string][]warehouseFile{}
		for _, v := range page.Versions {
			releases[v] = []warehouseFile{}
		}
		for _, f := range page.Files {
			releases[f.Version] = append(releases[f.Version], fileJSONOf(base, f))
		}
		out["releases"] = releases
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "max-age=0, must-revalidate")
	w.Header().Set("X-PyPI-Last-Serial", strconv.FormatInt(serial, 10))
	if r.Method == http.MethodHead {
		return nil
	}
	return json.NewEncoder(w).Encode(out)
}

func infoJSON(base string, rel pypi.Release) map[string]any {
	m := rel.Metadata
	urls := map[string]string{}
	for _, pu := range m.ProjectURLs {
		label, u, ok := strings.Cut(pu, ",")
		if ok {
			urls[strings.TrimSpace(label)] = strings.TrimSpace(u)
		}
	}
	nilIfEmpty := func(s []string) any {
		if len(s) == 0 {
			return nil
		}
		return s
	}
	var reason any
	if rel.Yanked {
		reason = rel.Reason
	}
	return map[string]any{
		"name": rel.Name, "version": rel.Version, "summary": m.Summary,
		"description": m.Description, "description_content_type": m.DescriptionContentType,
		"author": m.Author, "author_email": m.AuthorEmail, "maintainer": m.Maintainer, "maintainer_email": m.MaintainerEmail,
		"license": m.License, "keywords": m.Keywords, "home_page": m.HomePage,
		"requires_python": m.RequiresPython, "requires_dist": nilIfEmpty(m.RequiresDist),
		"classifiers": append([]string{}, m.Classifiers...), "project_urls": urls,
		"yanked": rel.Yanked, "yanked_reason": reason,
		"package_url":  base + "/pypi/" + rel.Normalized + "/",
		"project_url":  base + "/pypi/" + rel.Normalized + "/",
		"release_url":  base + "/pypi/" + rel.Normalized + "/" + rel.Version + "/",
		"platform":     nil,
		"downloads":    map[string]int{"last_day": -1, "last_week": -1, "last_month": -1},
		"bugtrack_url": nil, "docs_url": nil, "download_url": "",
	}
}

type warehouseFile struct {
	Filename          string            `json:"filename"`
	URL               string            `json:"url"`
	Digests           map[string]string `json:"digests"`
	MD5Digest         string            `json:"md5_digest"`
	PackageType       string            `json:"packagetype"`
	PythonVersion     string            `json:"python_version"`
	RequiresPython    *string           `json:"requires_python"`
	Size              int64             `json:"size"`
	UploadTime        string            `json:"upload_time"`
	UploadTimeISO8601 string            `json:"upload_time_iso_8601"`
	Yanked            bool              `json:"yanked"`
	YankedReason      *string           `json:"yanked_reason"`
	HasSig            bool              `json:"has_sig"`
}

func filesJSON(base string, fs []pypi.File) []warehouseFile {
	out := make([]warehouseFile, len(fs))
	for i, f := range fs {
		out[i] = fileJSONOf(base, f)
	}
	return out
}

func fileJSONOf(base string, f pypi.File) warehouseFile {
	wf := warehouseFile{
		Filename: f.Filename, URL: base + "/files/" + url.PathEscape(f.Filename),
		Digests:   map[string]string{"sha256": f.SHA256, "md5": f.MD5, "blake2b_256": f.Blake2b256},
		MD5Digest: f.MD5, PackageType: f.Kind, PythonVersion: "source", Size: f.Size,
		UploadTime:        f.UploadTime.UTC().Format("2006-01-02T15:04:05"),
		UploadTimeISO8601: uploadTime(f.UploadTime), Yanked: f.Yanked,
	}
	if f.Kind == "bdist_wheel" {
		// {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl
		parts := strings.Split(strings.TrimSuffix(f.Filename, ".whl"), "-")
		if len(parts) >= 5 {
			wf.PythonVersion = parts[len(parts)-3]
		}
	}
	if f.RequiresPython != "" {
		rp := f.RequiresPython
		wf.RequiresPython = &rp
	}
	if f.Yanked {
		reason := f.YankedReason
		wf.YankedReason = &reason
	}
	return wf
}
