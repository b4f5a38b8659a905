package identity

import (
	"errors"

	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// conflict turns a unique violation into a caller-facing message.
func conflict(err error, format string, args ...any) error {
	err = db.Translate(err)
	if errors.Is(err, domain.ErrConflict) {
		return domain.Errorf(domain.ErrConflict, format, args...)
	}
	return err
}
