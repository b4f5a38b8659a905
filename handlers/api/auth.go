package api

import (
	"context"
	"net/http"
	"time"

	"github.com/kodera-packages/kodera/gen/api"
	"github.com/kodera-packages/kodera/internal/auth"
	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/origin"
)

// sessionCookieHeader renders the Set-Cookie value: HttpOnly so scripts
// never see it, SameSite=Strict so other sites cannot send it, Secure when
// the node is served over https (configured, or as a trusted proxy says).
func (s *Server) sessionCookieHeader(ctx context.Context, value string, maxAge time.Duration) *string {
	c := &http.Cookie{
		Name: auth.SessionCookie, Value: value, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.SecureCookies || origin.Secure(ctx), MaxAge: int(maxAge / time.Second),
	}
	if maxAge <= 0 {
		c.MaxAge = -1
	}
	v := c.String()
	return &v
}

// Login implements POST /api/v1/auth/login.
func (s *Server) Login(ctx context.Context, req api.LoginRequestObject) (api.LoginResponseObject, error) {
	l, err := s.Identity.Login(ctx, req.Body.Username, req.Body.Password)
	if err != nil {
		return nil, err
	}
	return api.Login200JSONResponse{
		Body:    api.Session{User: apiMe(l.User, "session"), CsrfToken: l.Session.CSRFToken, ExpiresAt: l.Session.ExpiresAt},
		Headers: api.Login200ResponseHeaders{SetCookie: s.sessionCookieHeader(ctx, l.Session.Secret, auth.SessionMaxAge)},
	}, nil
}

// Logout implements POST /api/v1/auth/logout.
func (s *Server) Logout(ctx context.Context, _ api.LogoutRequestObject) (api.LogoutResponseObject, error) {
	if err := s.Identity.Logout(ctx, sessionCookie(ctx)); err != nil {
		return nil, err
	}
	return api.Logout204Response{Headers: api.Logout204ResponseHeaders{SetCookie: s.sessionCookieHeader(ctx, "", 0)}}, nil
}

// GetSession implements GET /api/v1/auth/session.
func (s *Server) GetSession(ctx context.Context, _ api.GetSessionRequestObject) (api.GetSessionResponseObject, error) {
	if p := auth.FromContext(ctx); p.Via != "session" {
		return nil, domain.Errorf(domain.ErrUnauthenticated, "no session: log in first")
	}
	sess, u, err := s.Identity.Session(ctx, sessionCookie(ctx))
	if err != nil {
		return nil, err
	}
	return api.GetSession200JSONResponse{User: apiMe(u, "session"), CsrfToken: sess.CsrfToken, ExpiresAt: sess.ExpiresAt}, nil
}
