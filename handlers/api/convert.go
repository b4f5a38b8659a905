package api

import (
	"encoding/json"

	"github.com/kodera-packages/kodera/gen/api"
	gendb "github.com/kodera-packages/kodera/gen/db"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/identity"
)

// Conversions from service values to API types: sqlc types never reach a
// response.

func roles(u gendb.User) []api.Role {
	var out []api.Role
	for _, r := range identity.Roles(u) {
		out = append(out, api.Role(r))
	}
	return out
}

func apiUser(u gendb.User) api.User {
	updated := u.UpdatedAt
	return api.User{
		Username: u.Username, FullName: u.FullName, Email: u.Email, Roles: roles(u),
		Source: api.UserSource(u.Source), Disabled: u.Disabled, CreatedAt: u.CreatedAt, UpdatedAt: &updated,
	}
}

func apiMe(u gendb.User, via string) api.Me {
	m := api.Me{Kind: api.MeKind(auth.KindUser), Username: u.Username, FullName: u.FullName, Email: u.Email, Roles: roles(u)}
	if via != "" {
		v := api.MeAuthenticatedBy(via)
		m.AuthenticatedBy = &v
	}
	return m
}

func apiToken(t gendb.Token) api.Token {
	return api.Token{
		Id: t.ID, Name: t.Name, Prefix: t.Prefix, Scopes: t.Scopes, Repositories: t.Repositories,
		CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt,
	}
}

func apiTokens(ts []gendb.Token) []api.Token {
	out := make([]api.Token, len(ts))
	for i, t := range ts {
		out[i] = apiToken(t)
	}
	return out
}

func apiCreatedToken(c auth.CreatedToken) api.CreatedToken {
	t := apiToken(c.Token)
	return api.CreatedToken{
		Id: t.Id, Name: t.Name, Prefix: t.Prefix, Scopes: t.Scopes, Repositories: t.Repositories,
		CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, Secret: c.Secret,
	}
}

func tokenRequest(b api.TokenCreate) identity.TokenRequest {
	r := identity.TokenRequest{Name: b.Name, ExpiresAt: b.ExpiresAt}
	if b.Scopes != nil {
		for _, s := range *b.Scopes {
			r.Scopes = append(r.Scopes, string(s))
		}
	}
	if b.Repositories != nil {
		r.Repositories = *b.Repositories
	}
	return r
}

func apiServiceAccount(sa identity.ServiceAccount) api.ServiceAccount {
	return api.ServiceAccount{
		Name: sa.Name, Description: sa.Description, Disabled: sa.Disabled, CreatedAt: sa.CreatedAt,
		CreatedBy: sa.Creator, Tokens: int(sa.TokenCount),
	}
}

func apiRepository(r domain.Repository, owner *string) api.Repository {
	return api.Repository{
		Name: r.Name, Type: api.RepositoryType(r.Type), Description: r.Description,
		Visibility: api.Visibility(r.Visibility), Immutable: r.Immutable, Owner: owner,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

func apiGrant(g identity.Grant) api.Permission {
	return api.Permission{Principal: g.Principal, Level: api.PermissionLevel(g.Level), CreatedAt: g.CreatedAt}
}

func deref[T any](p *T) T {
	var zero T
	if p != nil {
		return *p
	}
	return zero
}

func apiAuditEvent(e gendb.AuditEvent) api.AuditEvent {
	details := map[string]any{}
	_ = json.Unmarshal(e.Details, &details)
	return api.AuditEvent{
		Id: e.ID, At: e.At, Actor: e.Actor, ActorKind: api.AuditEventActorKind(e.ActorKind), Action: e.Action,
		Target: e.Target, Success: e.Success, RemoteAddr: e.RemoteAddr, RequestId: e.RequestID, Details: details,
	}
}
