package http

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"catalog"
	"catalog/wire"
)

// sessionCookie names the cookie that holds a cart's session.
const sessionCookie = "user_session"

// MaxCookieAge is the longest a browser keeps a cookie (400 days: RFC
// 6265bis, as Chrome caps Max-Age): the session cookie's lifetime when
// carts are never deleted (Config.CartIdle 0), and its bound otherwise.
const MaxCookieAge = 400 * 24 * time.Hour

// newSessionCookie returns the session cookie a server sets, but for its
// value. It is the one place its attributes are decided. It lives as long
// as a cart left idle does (Config.CartIdle, up to MaxCookieAge), and is
// set again on every cart request, so that it outlives the cart it names
// rather than end it. It is SameSite=None; Secure when some origin is
// allowed by name to send credentials (CORS.credentials): a storefront
// there calls with the cookie, which a browser sends across sites only so
// (and keeps as Secure only from https, or http://localhost). Else no
// browser on another origin may send it, and SameSite=Lax serves the
// same-site callers without the Secure that plain-http deployments could
// not keep.
func newSessionCookie(cfg Config) http.Cookie {
	age := cfg.CartIdle
	if age <= 0 || age > MaxCookieAge {
		age = MaxCookieAge
	}
	c := http.Cookie{Name: sessionCookie, Path: "/", MaxAge: int((age + time.Second - 1) / time.Second), HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if cfg.CORS.credentials() {
		c.SameSite, c.Secure = http.SameSiteNoneMode, true
	}
	return c
}

// setSession sets the session cookie to id on the response.
func (s *Server) setSession(w http.ResponseWriter, id string) {
	c := s.cookie
	c.Value = id
	http.SetCookie(w, &c)
}

// newSession returns a random session name of 128 bits.
func newSession() string { return randomHex(16) }

// What names a request's cart, as cartCredential says and the request log
// tells.
const (
	byToken  = "token"
	byCookie = "cookie"
	byNone   = "none"
)

// cartCredential returns what names the caller's cart, and its value: an
// Authorization token (err says why the header is not one, parseToken),
// else the session cookie when it holds a session name, else none. A
// token wins over a cookie sent with it: the token is the caller's
// identity, which the hosted API kept carts by, and it comes with every
// request a storefront's proxy forwards, where cookies come only from
// browsers of the same site; a caller with a token so never sees its cart
// change with whether a cookie came along.
func cartCredential(r *http.Request) (by, value string, err error) {
	token, ok, err := parseToken(r.Header.Get("Authorization"))
	switch {
	case err != nil:
		return byToken, "", err
	case ok:
		return byToken, token, nil
	}
	if c, err := r.Cookie(sessionCookie); err == nil && catalog.ValidSession(c.Value) {
		return byCookie, c.Value, nil
	}
	return byNone, "", nil
}

// cartSession names the caller's cart (cartCredential): its token's, its
// cookie's, or a new session's. The cookie, new or not, is set on the
// response, so that its lifetime counts from the cart's last use; no
// cookie is set for a token's caller.
func (s *Server) cartSession(ctx context.Context, w http.ResponseWriter, r *http.Request) (string, error) {
	by, v, err := cartCredential(r)
	switch {
	case err != nil:
		return "", err
	case by == byToken:
		key, err := s.cartKey(ctx)
		if err != nil {
			return "", err
		}
		return tokenSession(key, v), nil
	case by == byCookie:
		s.sawCookie(r)
	default:
		s.warnWithoutCredentials(r)
		v = newSession()
	}
	s.setSession(w, v)
	return v, nil
}

// The warnings of cart requests that bring no credentials from another
// origin: at most one an origin a minute, of at most 1,000 origins a
// minute, each origin cut to 256 bytes.
const (
	credentialWarningEvery   = time.Minute
	credentialWarningOrigins = 1000
	maxWarnedOrigin          = 256
)

// cookieSeenFor is how long an origin allowed credentials is known to
// send the cookie after a cart request from it did: its requests without
// one meanwhile are shoppers' first, not a client that never sends it.
const cookieSeenFor = time.Hour

// credentialFix tells a storefront's developer how to keep a cart.
const credentialFix = `send the cookie: fetch(url, {credentials: "include"}) or axios withCredentials: true, ` +
	`with the origin listed by name in the CORS allow-list (--cors-origins; "*" lets no cookie through), over https or from localhost; ` +
	`or send a cart token, one per shopper: Authorization: Bearer <token> (Basic credentials are not a token)`

// warnWithoutCredentials logs a cart request from a browser on another
// origin that brought neither the cookie nor a token: each such request
// starts a new, empty cart (POST /cart answers 201, then GET /cart []),
// and nothing else tells the storefront's developer why. Not when the
// origin sent the cookie within cookieSeenFor.
func (s *Server) warnWithoutCredentials(r *http.Request) {
	origin, ok := crossOrigin(r)
	if !ok {
		return
	}
	if seen := s.cookieSeen[origin]; seen != nil && time.Since(time.Unix(0, seen.Load())) < cookieSeenFor {
		return
	}
	key := origin[:min(len(origin), maxWarnedOrigin)]
	if !s.credentialWarnings.allow(key, time.Now()) {
		return
	}
	s.cfg.Logger.LogAttrs(r.Context(), slog.LevelWarn,
		"a browser on another origin called the cart without the cart cookie or a token: each such call starts a new, empty cart",
		slog.String("origin", key),
		slog.String("method", r.Method),
		slog.String("path", requestedPath(r)),
		slog.Bool("cookie_allowed", s.cfg.CORS.credentialed(origin)),
		slog.String("fix", credentialFix),
	)
}

// sawCookie notes that a cart request from an origin allowed credentials
// brought the cookie.
func (s *Server) sawCookie(r *http.Request) {
	if seen := s.cookieSeen[r.Header.Get("Origin")]; seen != nil {
		seen.Store(time.Now().UnixNano())
	}
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
