package api

import (
	"context"

	"github.com/kodera-packages/kodera/gen/api"
	filesh "github.com/kodera-packages/kodera/handlers/files"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/files"
	"github.com/kodera-packages/kodera/internal/repository"
)

// filesRepository loads a files repository for act through the decision
// function and cleans the path the request names.
func (s *Server) filesRepository(ctx context.Context, name string, act auth.Action, path string) (domain.Repository, string, error) {
	repo, err := s.repository(ctx, name, repository.TypeFiles, act)
	if err != nil {
		return domain.Repository{}, "", err
	}
	p, err := files.CleanPath(path)
	if err != nil {
		return domain.Repository{}, "", err
	}
	return repo, p, nil
}

// ListFiles implements GET /api/v1/repositories/{name}/files.
func (s *Server) ListFiles(ctx context.Context, req api.ListFilesRequestObject) (api.ListFilesResponseObject, error) {
	repo, p, err := s.filesRepository(ctx, req.Name, auth.ActionRead, valueOf(req.Params.Path))
	if err != nil {
		return nil, err
	}
	limit := 100
	if req.Params.Limit != nil {
		limit = *req.Params.Limit
	}
	page, err := s.Files.List(ctx, repo, p, valueOf(req.Params.Cursor), limit)
	if err != nil {
		return nil, err
	}
	out := api.ListFiles200JSONResponse{Repository: repo.Name, Path: p, Items: make([]api.FileEntry, 0, len(page.Items))}
	for _, e := range page.Items {
		fe := api.FileEntry{Name: e.Name, Path: e.Path, Folder: e.Folder, Size: e.Size, ModifiedAt: e.Modified}
		if !e.Folder {
			fe.Sha256 = refOf(e.SHA256())
		}
		out.Items = append(out.Items, fe)
	}
	if page.Next != "" {
		out.NextCursor = &page.Next
	}
	return out, nil
}

// GetFileDetails implements GET /api/v1/repositories/{name}/files/details.
func (s *Server) GetFileDetails(ctx context.Context, req api.GetFileDetailsRequestObject) (api.GetFileDetailsResponseObject, error) {
	repo, p, err := s.filesRepository(ctx, req.Name, auth.ActionRead, req.Params.Path)
	if err != nil {
		return nil, err
	}
	e, err := s.Files.Stat(ctx, repo, p)
	if err != nil {
		return nil, err
	}
	return api.GetFileDetails200JSONResponse(s.fileDetails(repo, e)), nil
}

// DeleteFile implements DELETE /api/v1/repositories/{name}/files.
func (s *Server) DeleteFile(ctx context.Context, req api.DeleteFileRequestObject) (api.DeleteFileResponseObject, error) {
	repo, p, err := s.filesRepository(ctx, req.Name, auth.ActionDelete, req.Params.Path)
	if err != nil {
		return nil, err
	}
	if _, err := s.Files.Delete(ctx, repo, p); err != nil {
		return nil, err
	}
	return api.DeleteFile204Response{}, nil
}

// MoveFile implements POST /api/v1/repositories/{name}/files/move.
func (s *Server) MoveFile(ctx context.Context, req api.MoveFileRequestObject) (api.MoveFileResponseObject, error) {
	repo, from, err := s.filesRepository(ctx, req.Name, auth.ActionWrite, req.Body.From)
	if err != nil {
		return nil, err
	}
	to, err := files.CleanPath(req.Body.To)
	if err != nil {
		return nil, err
	}
	e, err := s.Files.Move(ctx, repo, from, to)
	if err != nil {
		return nil, err
	}
	return api.MoveFile200JSONResponse(s.fileDetails(repo, e)), nil
}

func (s *Server) fileDetails(repo domain.Repository, e files.Entry) api.FileDetails {
	d := api.FileDetails{
		Repository: repo.Name, Name: e.Name, Path: e.Path, Folder: e.Folder, Size: e.Size,
		CreatedAt: e.Created, ModifiedAt: e.Modified,
	}
	if e.UploadedBy != "" {
		d.UploadedBy = refOf(e.UploadedBy)
	}
	if !e.Folder {
		d.Sha256, d.Sha1, d.Md5 = refOf(e.SHA256()), refOf(e.SHA1), refOf(e.MD5)
		d.ContentType = refOf(e.ContentType)
		d.DownloadUrl = refOf(filesh.DownloadURL("", repo.Name, e.Path))
	}
	return d
}

// refOf and valueOf convert to and from the generated optional fields.
func refOf[T any](v T) *T { return &v }

func valueOf[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
