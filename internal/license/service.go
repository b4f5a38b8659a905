package license

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/audit"
	"github.com/kodera-packages/kodera/internal/db"
	"github.com/kodera-packages/kodera/internal/domain"
)

// settingKey holds the activated key text (a JSON string) in settings.
const settingKey = "license.key"

// Service activates and reports the license of the instance.
type Service struct {
	pool *pgxpool.Pool
	pub  ed25519.PublicKey
	log  *slog.Logger
	// Now is the clock; tests move it to see a key expire.
	Now func() time.Time
}

// New builds the service; a nil publicKey means the built-in vendor key.
func New(pool *pgxpool.Pool, publicKey []byte, log *slog.Logger) *Service {
	pub := ed25519.PublicKey(publicKey)
	if len(pub) == 0 {
		var err error
		if pub, err = ParsePublicKey(VendorPublicKey); err != nil {
			panic("license: the built-in vendor key is malformed")
		}
	}
	return &Service{pool: pool, pub: pub, log: log, Now: time.Now}
}

// Info is the license in force as the API reports it.
type Info struct {
	// Payload is nil in evaluation mode (no key activated).
	Payload     *Payload
	Status      string
	MaxUsers    int
	ActiveUsers int64
}

// Current reports the license in force and how many users are active.
func (s *Service) Current(ctx context.Context) (Info, error) {
	q := gendb.New(s.pool)
	p, err := s.load(ctx, q)
	if err != nil {
		return Info{}, err
	}
	n, err := q.CountActiveUsers(ctx)
	if err != nil {
		return Info{}, err
	}
	st := Status(p, s.Now())
	return Info{Payload: p, Status: st, MaxUsers: MaxUsers(p, st), ActiveUsers: n}, nil
}

// Summary is what every visitor may know (the UI banner): the status and
// the expiry, without reading the user count.
func (s *Service) Summary(ctx context.Context) (status string, expiresAt *time.Time, err error) {
	p, err := s.load(ctx, gendb.New(s.pool))
	if err != nil {
		return "", nil, err
	}
	if p != nil {
		expiresAt = &p.ExpiresAt
	}
	return Status(p, s.Now()), expiresAt, nil
}

// Activate verifies key and makes it the license of every node. A
// malformed, badly signed or expired key is refused with the reason, and
// the key in force stays.
func (s *Service) Activate(ctx context.Context, key string) (Info, error) {
	p, err := Verify(key, s.pub)
	if err != nil {
		return Info{}, err
	}
	if Status(&p, s.Now()) == StatusExpired {
		return Info{}, domain.Errorf(domain.ErrInvalid, "the license key expired on %s", p.ExpiresAt.UTC().Format(time.RFC3339))
	}
	v, err := json.Marshal(key)
	if err != nil {
		return Info{}, err
	}
	err = db.WithTx(ctx, s.pool, func(q *gendb.Queries) error {
		if err := q.UpsertSetting(ctx, gendb.UpsertSettingParams{Key: settingKey, Value: v}); err != nil {
			return err
		}
		return audit.Record(ctx, q, audit.Event{Action: "license.update", Target: p.ID, Details: map[string]any{
			"licensee": p.Licensee, "expiresAt": p.ExpiresAt.UTC().Format(time.RFC3339), "maxUsers": p.MaxUsers,
		}})
	})
	if err != nil {
		return Info{}, err
	}
	return s.Current(ctx)
}

// CheckUserLimit refuses one more enabled account when the limit in force
// is reached. It runs inside the caller's transaction, after the caller
// took the lock that serialises account changes (identity's LockBootstrap),
// so two nodes cannot both pass it for the last seat.
func (s *Service) CheckUserLimit(ctx context.Context, q *gendb.Queries) error {
	p, err := s.load(ctx, q)
	if err != nil {
		return err
	}
	n, err := q.CountActiveUsers(ctx)
	if err != nil {
		return err
	}
	st := Status(p, s.Now())
	limit := MaxUsers(p, st)
	if n < int64(limit) {
		return nil
	}
	switch st {
	case StatusEvaluation:
		return domain.Errorf(domain.ErrConflict, "user limit reached: evaluation mode allows at most %d active users (%d enabled); activate a license key or disable an account", limit, n)
	case StatusExpired:
		return domain.Errorf(domain.ErrConflict, "user limit reached: the license expired, so the evaluation limit of %d active users applies (%d enabled); activate a new license key or disable an account", limit, n)
	default:
		return domain.Errorf(domain.ErrConflict, "user limit reached: the license allows at most %d active users (%d enabled); disable an account or activate a license with more users", limit, n)
	}
}

// load returns the activated payload, or nil in evaluation mode. A stored
// key that no longer verifies (the node's public key differs) counts as
// none, and is logged: it never stops the instance.
func (s *Service) load(ctx context.Context, q *gendb.Queries) (*Payload, error) {
	v, err := q.GetSetting(ctx, settingKey)
	if err != nil {
		if errors.Is(db.Translate(err), domain.ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	var key string
	if err := json.Unmarshal(v, &key); err != nil {
		s.log.Warn("license: the stored key is not a JSON string; running in evaluation mode", "err", err)
		return nil, nil
	}
	p, err := Verify(key, s.pub)
	if err != nil {
		s.log.Warn("license: the stored key does not verify with this node's public key; running in evaluation mode", "err", err)
		return nil, nil
	}
	return &p, nil
}
