package identity

import (
	"errors"
	"strings"

	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// Page is one limit/offset window of a listing.
type Page struct {
	Limit, Offset int32
}

// DefaultPageSize and MaxPageSize bound listings.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// NewPage clamps optional limit and offset parameters.
func NewPage(limit, offset *int) Page {
	p := Page{Limit: DefaultPageSize}
	if limit != nil {
		p.Limit = int32(min(max(*limit, 1), MaxPageSize))
	}
	if offset != nil && *offset > 0 {
		p.Offset = int32(min(*offset, 1<<30))
	}
	return p
}

// likePattern turns a user's substring into an ILIKE argument (escaped;
// nil for no filter).
func likePattern(q string) *string {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	s := r.Replace(q)
	return &s
}

// LikePattern is likePattern for other services' listings.
func LikePattern(q string) *string { return likePattern(q) }

func conflict(err error, format string, args ...any) error {
	err = db.Translate(err)
	if errors.Is(err, domain.ErrConflict) {
		return domain.Errorf(domain.ErrConflict, format, args...)
	}
	return err
}
