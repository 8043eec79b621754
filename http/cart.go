package http

import (
	"errors"
	"fmt"
	"io"
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

func (s *Server) handleCart(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.storeContext(r)
	defer cancel()
	items, err := s.carts.Cart(ctx, session(w, r))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, func(b []byte) []byte { return wire.AppendCart(b, items) })
}

func (s *Server) handleAddToCart(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		writeError(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is over %d bytes", MaxBodyBytes))
		return
	}
	if err != nil {
		s.Error(w, r, catalog.Errorf(catalog.EINVALID, "the body could not be read"))
		return
	}
	skuID, err := parseSKUID(r.Header.Get("Content-Type"), body)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ctx, cancel := s.storeContext(r)
	defer cancel()
	if err := s.carts.AddToCart(ctx, session(w, r), skuID); err != nil {
		s.Error(w, r, err)
		return
	}
	writeBody(w, http.StatusCreated, "text/plain; charset=utf-8", []byte("Created"))
}
