package oci

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/ocispec"
	"github.com/kodera-packages/kodera/internal/origin"
	"github.com/kodera-packages/kodera/internal/registry"
	"github.com/kodera-packages/kodera/internal/repository"
)

type callerKey struct{}

// callerOf returns the caller withName resolved for this request.
func callerOf(r *http.Request) caller {
	c, _ := r.Context().Value(callerKey{}).(caller)
	return c
}

// caller is who makes a request: the principal plus, for registry tokens,
// the grants the token carries.
type caller struct {
	p      auth.Principal
	claims *auth.RegistryClaims
}

// authenticate resolves a request's credentials: a registry token, or any
// credential internal/auth understands (Basic with password or token,
// Bearer kp_ token, session cookie).
func (h *Handler) authenticate(r *http.Request) (caller, error) {
	if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && !auth.IsToken(strings.TrimSpace(v)) {
		c, err := h.tokens.Parse(r.Context(), strings.TrimSpace(v))
		if errors.Is(err, domain.ErrUnauthenticated) {
			return caller{}, h.challenge(r, "", CodeUnauthorized.Err(err))
		}
		if err != nil {
			return caller{}, err
		}
		// The token outlives no change to what it was issued for: a
		// disabled account, a revoked or expired personal token or a
		// password change ends it.
		p, err := h.authn.Revalidate(r.Context(), c.Principal())
		if errors.Is(err, domain.ErrUnauthenticated) {
			return caller{}, h.challenge(r, "", toError(err))
		}
		if err != nil {
			return caller{}, err
		}
		return caller{p: p, claims: c}, nil
	}
	p, err := h.authn.Authenticate(r)
	if errors.Is(err, domain.ErrUnauthenticated) {
		return caller{}, h.challenge(r, "", toError(err))
	}
	if err != nil {
		return caller{}, err // a locked-out login stays a 429
	}
	return caller{p: p}, nil
}

// service is the token service name: the registry's host.
func (h *Handler) service(r *http.Request) string {
	if h.baseURL != "" {
		if u, err := url.Parse(h.baseURL); err == nil {
			return u.Host
		}
	}
	return origin.Host(r)
}

// realm is the token endpoint as the client reaches it (behind a
// TLS-terminating proxy, https although the proxy talks http to us).
func (h *Handler) realm(r *http.Request) string {
	if h.baseURL != "" {
		return h.baseURL + "/v2/token"
	}
	return origin.Base(r) + "/v2/token"
}

// challenge turns e into a 401 carrying the Bearer challenge for scope.
func (h *Handler) challenge(r *http.Request, scope string, e *Error) *Error {
	c := fmt.Sprintf(`Bearer realm=%q,service=%q`, h.realm(r), h.service(r))
	if scope != "" {
		c += fmt.Sprintf(`,scope=%q`, scope)
	}
	out := *e
	out.Code = CodeUnauthorized
	out.Challenge = c
	return &out
}

// ping implements GET /v2/ ("Determining support"): 200 for callers with
// credentials, 401 with the Bearer challenge for anonymous ones, so that
// docker login and the token flow start.
func (h *Handler) ping(w http.ResponseWriter, r *http.Request) error {
	c, err := h.authenticate(r)
	if err != nil {
		return err
	}
	if c.p.IsAnonymous() && c.claims == nil {
		return h.challenge(r, "", CodeUnauthorized.WithDetail("authentication required"))
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte("{}"))
	return nil
}

func dockerAction(a auth.Action) string {
	switch a {
	case auth.ActionRead:
		return "pull"
	case auth.ActionDelete:
		return "delete"
	}
	return "push"
}

// withName authenticates, resolves the OCI name and asks the decision
// function before calling next.
func (h *Handler) withName(rt route, next func(w http.ResponseWriter, r *http.Request, n registry.Name, rt route) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := h.authenticate(r)
		if err != nil {
			return err
		}
		n, err := h.resolve(r, c, rt.name, rt.action)
		if err != nil {
			return err
		}
		ctx := context.WithValue(auth.WithPrincipal(r.Context(), c.p), callerKey{}, c)
		return next(w, r.WithContext(ctx), n, rt)
	}
}

// resolve maps an OCI name to its repository for an action, answering 401
// with a challenge when the caller must (re-)authenticate.
func (h *Handler) resolve(r *http.Request, c caller, name string, act auth.Action) (registry.Name, error) {
	repoName, image, err := ocispec.SplitName(name)
	if err != nil {
		reason, _ := ocispec.Reason(err)
		return registry.Name{}, CodeNameInvalid.WithDetail(reason)
	}
	scope := "repository:" + name + ":" + dockerAction(act)
	if act == auth.ActionWrite {
		scope = "repository:" + name + ":pull,push"
	}
	repo, err := h.kit.Resolve(r.Context(), c.p, repoName, repository.TypeDocker, act)
	if err != nil {
		if errors.Is(err, domain.ErrUnauthenticated) {
			return registry.Name{}, h.challenge(r, scope, toError(err))
		}
		return registry.Name{}, err
	}
	if c.claims != nil && !c.claims.Allows(name, dockerAction(act)) {
		return registry.Name{}, h.challenge(r, scope, CodeUnauthorized.WithDetail("token does not grant "+scope))
	}
	return registry.Name{Repo: repo, Image: image}, nil
}

// token implements the Docker token endpoint: GET with Basic credentials
// (password or token) or none, and the OAuth2 password grant as POST. The
// granted access is what was asked for, intersected with what the decision
// function allows.
func (h *Handler) token(w http.ResponseWriter, r *http.Request) error {
	var (
		p      auth.Principal
		err    error
		scopes []string
	)
	switch r.Method {
	case http.MethodGet:
		if u, pw, ok := r.BasicAuth(); ok && u == "" && pw == "" {
			// Some clients send empty Basic credentials when they have none.
			p = auth.Anonymous()
		} else {
			p, err = h.authn.Authenticate(r)
		}
		scopes = r.URL.Query()["scope"]
	case http.MethodPost:
		if err := r.ParseForm(); err != nil {
			return CodeUnsupported.WithDetail("bad form")
		}
		scopes = r.PostForm["scope"]
		switch gt := r.PostForm.Get("grant_type"); gt {
		case "password":
			p, err = h.authn.Basic(r.Context(), r.PostForm.Get("username"), r.PostForm.Get("password"))
		case "":
			p, err = h.authn.Authenticate(r) // credentials in the header, as with GET
		case "refresh_token":
			// No refresh token is ever issued, so none is valid.
			return oauthError(w, "invalid_grant", "unknown refresh token; use grant_type=password")
		default:
			return oauthError(w, "unsupported_grant_type", "grant_type must be password")
		}
	default:
		return CodeUnsupported.WithDetail(r.Method + " /v2/token")
	}
	if err != nil {
		e := toError(err)
		if e.Status == http.StatusUnauthorized {
			e.Challenge = fmt.Sprintf(`Basic realm=%q`, h.service(r))
		}
		return e
	}
	if p.IsAnonymous() {
		// With guest access off every request must authenticate: no
		// anonymous token at all, so clients ask for credentials.
		guest, err := h.authz.GuestAccess(r.Context())
		if err != nil {
			return err
		}
		if !guest {
			e := CodeUnauthorized.WithDetail("authentication required: guest access is off")
			e.Challenge = fmt.Sprintf(`Basic realm=%q`, h.service(r))
			return e
		}
	}
	var access []auth.RegistryAccess
	for _, s := range scopes {
		for _, one := range strings.Fields(s) {
			if a, ok := h.grant(r.Context(), p, one); ok {
				access = append(access, a)
			}
		}
	}
	signed, exp, err := h.tokens.Issue(r.Context(), p, h.service(r), access)
	if err != nil {
		return err
	}
	now := time.Now()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(map[string]any{
		"token": signed, "access_token": signed, "expires_in": max(1, int(exp.Sub(now).Seconds())), "issued_at": now.UTC().Format(time.RFC3339),
	})
}

// oauthError answers a token request the OAuth2 way (RFC 6749 section
// 5.2): 400 with a JSON error object.
func oauthError(w http.ResponseWriter, code, description string) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": description})
	return nil
}

// grant computes the part of one requested scope p may have.
func (h *Handler) grant(ctx context.Context, p auth.Principal, scope string) (auth.RegistryAccess, bool) {
	i := strings.Index(scope, ":")
	j := strings.LastIndex(scope, ":")
	if i < 0 || j <= i {
		return auth.RegistryAccess{}, false
	}
	typ, name, actions := scope[:i], scope[i+1:j], strings.Split(scope[j+1:], ",")
	switch typ {
	case "registry":
		if name == "catalog" {
			return auth.RegistryAccess{Type: typ, Name: name, Actions: []string{"*"}}, true
		}
		return auth.RegistryAccess{}, false
	case "repository":
	default:
		return auth.RegistryAccess{}, false
	}
	repoName, _, err := ocispec.SplitName(name)
	if err != nil {
		return auth.RegistryAccess{}, false
	}
	// One lookup answers every action: the level p may use on the
	// repository (token scopes included).
	repo, level, err := h.authz.Lookup(ctx, p, repoName)
	if err != nil || level < auth.LevelRead || repo.Type != repository.TypeDocker {
		return auth.RegistryAccess{}, false
	}
	granted := []string{}
	for _, a := range actions {
		switch a {
		case "pull", "push", "delete":
			if level >= actionOf(a).Needs() && !slices.Contains(granted, a) {
				granted = append(granted, a)
			}
		case "*":
			for _, x := range []string{"pull", "push", "delete"} {
				if level >= actionOf(x).Needs() && !slices.Contains(granted, x) {
					granted = append(granted, x)
				}
			}
		}
	}
	if len(granted) == 0 {
		return auth.RegistryAccess{}, false
	}
	return auth.RegistryAccess{Type: "repository", Name: name, Actions: granted}, true
}

func actionOf(docker string) auth.Action {
	switch docker {
	case "push":
		return auth.ActionWrite
	case "delete":
		return auth.ActionDelete
	}
	return auth.ActionRead
}
