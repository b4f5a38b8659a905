package domain

import "time"

// Repository is a repository as every layer above the database sees it:
// handlers, the protocol kit, the decision function and the services'
// signatures. Services load it from their rows (its fields are the
// repositories table's, so the conversion is free) and no sqlc type
// travels further up.
type Repository struct {
	ID          int64
	Name        string
	Type        string // docker, pypi, go, files
	Description string
	Visibility  string // public or private
	Immutable   bool   // stored content may not be replaced or deleted
	OwnerID     *int64 // the owning user, if any
	CreatedAt   time.Time
	UpdatedAt   time.Time
}
