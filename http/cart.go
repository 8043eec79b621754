package http

import (
	"context"
	"net/http"

	"catalog"
	"catalog/wire"
)

// sessionCookie names the cookie that holds a cart's session.
const sessionCookie = "user_session"

// session returns the caller's cart session, issuing a new one, in a cookie
// on the response, when the request has none (or one that is not a session
// name).
func session(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil && catalog.ValidSession(c.Value) {
		return c.Value
	}
	id := newSession()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return id
}

// newSession returns a random session name of 128 bits.
func newSession() string { return randomHex(16) }

// cartSession names the caller's cart: its token's when the request has
// an Authorization header, else its session cookie's (issued when
// missing). A token wins over a cookie sent with it: the token is the
// caller's identity, which the hosted API kept carts by, and it comes with
// every request a storefront's proxy forwards, where cookies come only
// from browsers of the same site; a caller with a token so never sees its
// cart change with whether a cookie came along. No cookie is issued to a
// token's caller.
func (s *Server) cartSession(ctx context.Context, w http.ResponseWriter, r *http.Request) (string, error) {
	token, ok, err := parseToken(r.Header.Get("Authorization"))
	switch {
	case err != nil:
		return "", err
	case !ok:
		return session(w, r), nil
	}
	key, err := s.cartKey(ctx)
	if err != nil {
		return "", err
	}
	return tokenSession(key, token), nil
}

func (s *Server) handleCart(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.storeContext(r)
	defer cancel()
	owner, err := s.cartSession(ctx, w, r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	items, err := s.carts.Cart(ctx, owner)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, func(b []byte) []byte { return wire.AppendCart(b, items) })
}

func (s *Server) handleAddToCart(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readBody(w, r, MaxBodyBytes)
	if !ok {
		return
	}
	skuID, err := parseSKUID(r.Header.Get("Content-Type"), body)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ctx, cancel := s.storeContext(r)
	defer cancel()
	owner, err := s.cartSession(ctx, w, r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.carts.AddToCart(ctx, owner, skuID, s.cfg.CartMaxSKUs); err != nil {
		s.Error(w, r, err)
		return
	}
	writeBody(w, http.StatusCreated, textType, []byte("Created"))
}
