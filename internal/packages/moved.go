// Package packages is the generic package model every repository type
// shares: packages -> versions -> files -> blobs (DESIGN.md), with the
// format registry.
//
// Repository CRUD and the blob rows moved to internal/repository, whose
// name says what they are. The names below forward to it only so that code
// written against the old location keeps compiling while branches merge;
// new code imports internal/repository.
package packages

import "github.com/kodera-packages/kodera/internal/repository"

// Repository types: see repository.TypeDocker and the rest.
const (
	TypeDocker = repository.TypeDocker
	TypePyPI   = repository.TypePyPI
	TypeGo     = repository.TypeGo
	TypeFiles  = repository.TypeFiles
)

// Visibilities: see repository.Public and repository.Private.
const (
	Public  = repository.Public
	Private = repository.Private
)

// Forwarded types; see internal/repository.
type (
	// Blobs is repository.Blobs.
	Blobs = repository.Blobs
	// NewRepository is repository.NewRepository.
	NewRepository = repository.NewRepository
	// RepositoryChange is repository.RepositoryChange.
	RepositoryChange = repository.RepositoryChange
	// RepositoryFilter is repository.RepositoryFilter.
	RepositoryFilter = repository.RepositoryFilter
	// Repositories is repository.Repositories.
	Repositories = repository.Repositories
)

// Forwarded functions; see internal/repository.
var (
	// ValidateName is repository.ValidateName.
	ValidateName = repository.ValidateName
	// ValidType is repository.ValidType.
	ValidType = repository.ValidType
	// CreateRepository is repository.CreateRepository.
	CreateRepository = repository.CreateRepository
	// UpdateRepository is repository.UpdateRepository.
	UpdateRepository = repository.UpdateRepository
	// DeleteRepository is repository.DeleteRepository.
	DeleteRepository = repository.DeleteRepository
	// ListRepositories is repository.ListRepositories.
	ListRepositories = repository.ListRepositories
	// NewRepositories is repository.NewRepositories.
	NewRepositories = repository.NewRepositories
)
