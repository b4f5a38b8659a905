package identity

import (
	"context"
	"fmt"
	"time"

	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/repository"
)

// TokenRequest is what creating a token takes, for either kind of owner.
type TokenRequest struct {
	Name         string
	Scopes       []string
	Repositories []string
	ExpiresAt    *time.Time
}

func (r TokenRequest) validate() error {
	if len(r.Repositories) > 100 {
		return domain.Errorf(domain.ErrInvalid, "a token may name at most 100 repositories")
	}
	for _, name := range r.Repositories {
		if err := repository.ValidateName(name); err != nil {
			return err
		}
	}
	return nil
}

func tokenDetails(t auth.TokenInfo) map[string]any {
	d := map[string]any{"id": t.ID, "name": t.Name, "prefix": t.Prefix, "scopes": t.Scopes, "repositories": t.Repositories}
	if t.ExpiresAt != nil {
		d["expiresAt"] = t.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return d
}

// ListUserTokens lists a user's personal tokens, newest first.
func (s *Service) ListUserTokens(ctx context.Context, userID int64) ([]auth.TokenInfo, error) {
	return tokenInfos(s.q().ListUserTokens(ctx, &userID))
}

func tokenInfos(ts []gendb.Token, err error) ([]auth.TokenInfo, error) {
	out := make([]auth.TokenInfo, len(ts))
	for i, t := range ts {
		out[i] = auth.TokenInfoOf(t)
	}
	return out, err
}

// CreateUserToken creates a personal token; the secret is only in the result.
func (s *Service) CreateUserToken(ctx context.Context, user auth.Principal, r TokenRequest) (auth.CreatedToken, error) {
	if err := r.validate(); err != nil {
		return auth.CreatedToken{}, err
	}
	var out auth.CreatedToken
	err := s.tx(ctx, func(q *gendb.Queries) error {
		var err error
		out, err = auth.CreateToken(ctx, q, auth.NewToken{
			UserID: &user.ID, Name: r.Name, Scopes: r.Scopes, Repositories: r.Repositories, ExpiresAt: r.ExpiresAt,
		})
		if err != nil {
			return err
		}
		return record(ctx, q, "token.create", "user:"+user.Name, tokenDetails(out.Token))
	})
	return out, err
}

// DeleteUserToken revokes one of the user's tokens; the next request
// presenting it fails on every node.
func (s *Service) DeleteUserToken(ctx context.Context, user auth.Principal, id int64) error {
	return s.tx(ctx, func(q *gendb.Queries) error {
		t, err := q.DeleteUserToken(ctx, gendb.DeleteUserTokenParams{ID: id, UserID: &user.ID})
		if err != nil {
			return notFound(err, "token %d not found", id)
		}
		return record(ctx, q, "token.delete", "user:"+user.Name, tokenDetails(auth.TokenInfoOf(t)))
	})
}

// ServiceAccount is a service account with its creator and token count.
type ServiceAccount = gendb.GetServiceAccountDetailsRow

// ListServiceAccounts lists every service account by name.
func (s *Service) ListServiceAccounts(ctx context.Context) ([]ServiceAccount, error) {
	rows, err := s.q().ListServiceAccounts(ctx)
	out := make([]ServiceAccount, len(rows))
	for i, r := range rows {
		out[i] = ServiceAccount(r)
	}
	return out, err
}

// ServiceAccount returns one service account.
func (s *Service) ServiceAccount(ctx context.Context, name string) (ServiceAccount, error) {
	sa, err := s.q().GetServiceAccountDetails(ctx, name)
	return sa, notFound(err, "service account %q not found", name)
}

// CreateServiceAccount adds a service account created by the caller.
func (s *Service) CreateServiceAccount(ctx context.Context, creator auth.Principal, name, description string) (ServiceAccount, error) {
	if err := validName("service account name", name); err != nil {
		return ServiceAccount{}, err
	}
	var createdBy *int64
	if creator.Kind == auth.KindUser {
		createdBy = &creator.ID
	}
	err := s.tx(ctx, func(q *gendb.Queries) error {
		if _, err := q.CreateServiceAccount(ctx, gendb.CreateServiceAccountParams{Name: name, Description: description, CreatedBy: createdBy}); err != nil {
			return conflict(err, "service account %q already exists", name)
		}
		return record(ctx, q, "service-account.create", name, map[string]any{"description": description})
	})
	if err != nil {
		return ServiceAccount{}, err
	}
	return s.ServiceAccount(ctx, name)
}

// UpdateServiceAccount changes a service account's description or
// disabled flag (a disabled account's tokens stop working at once).
func (s *Service) UpdateServiceAccount(ctx context.Context, name string, description *string, disabled *bool) (ServiceAccount, error) {
	err := s.tx(ctx, func(q *gendb.Queries) error {
		sa, err := q.GetServiceAccountByName(ctx, name)
		if err != nil {
			return notFound(err, "service account %q not found", name)
		}
		if _, err := q.UpdateServiceAccount(ctx, gendb.UpdateServiceAccountParams{ID: sa.ID, Description: description, Disabled: disabled}); err != nil {
			return err
		}
		d := map[string]any{}
		if description != nil {
			d["description"] = *description
		}
		if disabled != nil {
			d["disabled"] = *disabled
		}
		return record(ctx, q, "service-account.update", name, d)
	})
	if err != nil {
		return ServiceAccount{}, err
	}
	return s.ServiceAccount(ctx, name)
}

// DeleteServiceAccount removes a service account with its tokens and grants.
func (s *Service) DeleteServiceAccount(ctx context.Context, name string) error {
	return s.tx(ctx, func(q *gendb.Queries) error {
		sa, err := q.GetServiceAccountByName(ctx, name)
		if err != nil {
			return notFound(err, "service account %q not found", name)
		}
		if _, err := q.DeleteServiceAccount(ctx, sa.ID); err != nil {
			return err
		}
		return record(ctx, q, "service-account.delete", name, nil)
	})
}

// ListServiceAccountTokens lists a service account's tokens, newest first.
func (s *Service) ListServiceAccountTokens(ctx context.Context, name string) ([]auth.TokenInfo, error) {
	sa, err := s.q().GetServiceAccountByName(ctx, name)
	if err != nil {
		return nil, notFound(err, "service account %q not found", name)
	}
	return tokenInfos(s.q().ListServiceAccountTokens(ctx, &sa.ID))
}

// CreateServiceAccountToken creates a token for a service account; the
// secret is only in the result.
func (s *Service) CreateServiceAccountToken(ctx context.Context, name string, r TokenRequest) (auth.CreatedToken, error) {
	if err := r.validate(); err != nil {
		return auth.CreatedToken{}, err
	}
	var out auth.CreatedToken
	err := s.tx(ctx, func(q *gendb.Queries) error {
		sa, err := q.GetServiceAccountByName(ctx, name)
		if err != nil {
			return notFound(err, "service account %q not found", name)
		}
		out, err = auth.CreateToken(ctx, q, auth.NewToken{
			ServiceAccountID: &sa.ID, Name: r.Name, Scopes: r.Scopes, Repositories: r.Repositories, ExpiresAt: r.ExpiresAt,
		})
		if err != nil {
			return err
		}
		return record(ctx, q, "token.create", "service:"+name, tokenDetails(out.Token))
	})
	return out, err
}

// DeleteServiceAccountToken revokes one of a service account's tokens.
func (s *Service) DeleteServiceAccountToken(ctx context.Context, name string, id int64) error {
	return s.tx(ctx, func(q *gendb.Queries) error {
		sa, err := q.GetServiceAccountByName(ctx, name)
		if err != nil {
			return notFound(err, "service account %q not found", name)
		}
		t, err := q.DeleteServiceAccountToken(ctx, gendb.DeleteServiceAccountTokenParams{ID: id, ServiceAccountID: &sa.ID})
		if err != nil {
			return notFound(err, "token %d not found", id)
		}
		return record(ctx, q, "token.delete", fmt.Sprintf("service:%s", name), tokenDetails(auth.TokenInfoOf(t)))
	})
}
