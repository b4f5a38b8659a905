package identity

import (
	"context"
	"encoding/json"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
)

// Settings are the instance settings an admin controls.
type Settings struct {
	GuestAccess bool
}

// Settings returns the settings in force.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	guest, err := s.authz.GuestAccess(ctx)
	return Settings{GuestAccess: guest}, err
}

// PutSettings replaces the settings; every node reads them per request, so
// they take effect at once.
func (s *Service) PutSettings(ctx context.Context, st Settings) (Settings, error) {
	err := s.tx(ctx, func(q *gendb.Queries) error {
		v, _ := json.Marshal(st.GuestAccess)
		if err := q.UpsertSetting(ctx, gendb.UpsertSettingParams{Key: auth.SettingGuestAccess, Value: v}); err != nil {
			return err
		}
		return record(ctx, q, "settings.update", "", map[string]any{"guestAccess": st.GuestAccess})
	})
	if err != nil {
		return Settings{}, err
	}
	return s.Settings(ctx)
}
