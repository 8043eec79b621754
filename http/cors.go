package http

import (
	"net/http"
	"slices"
	"strings"
)

// CORS lets storefronts call the API from the browser, as they called the
// hosted API: a preflight (OPTIONS with Access-Control-Request-Method) is
// answered 204, and responses to a request with an Origin carry
// Access-Control-Allow-Origin. With AllowOrigins ["*"] any origin may read
// the API but without credentials, so cart cookies are not sent across
// origins; listed origins are echoed and may send credentials.
type CORS struct {
	// AllowOrigins lists the origins allowed: "*" for any (without
	// credentials), or exact origins such as "https://shop.example". Empty
	// turns CORS off. An origin listed by name makes the cart cookie
	// SameSite=None; Secure (newSessionCookie), which it needs to come
	// back from another site.
	AllowOrigins []string
}

// credentials reports whether some origin may send credentials (the cart
// cookie): one listed by name. "*" allows none.
func (c CORS) credentials() bool {
	return slices.ContainsFunc(c.AllowOrigins, func(o string) bool { return o != "*" })
}

// credentialed reports whether origin may send credentials: it is listed
// by name.
func (c CORS) credentialed(origin string) bool {
	return origin != "*" && slices.Contains(c.AllowOrigins, origin)
}

// crossOrigin returns the Origin of a request that a browser sent from
// another origin than the API's: one whose host is not the request's Host
// (a same-origin POST carries an Origin too), unless the browser says,
// in Sec-Fetch-Site, that it is the same. A page of no origin (file://, a
// sandboxed frame) sends "null": that is another origin too.
func crossOrigin(r *http.Request) (origin string, ok bool) {
	origin = r.Header.Get("Origin")
	if origin == "" || r.Header.Get("Sec-Fetch-Site") == "same-origin" {
		return "", false
	}
	_, host, _ := strings.Cut(origin, "://")
	return origin, host != r.Host
}

func (c CORS) wrap(next http.Handler) http.Handler {
	if len(c.AllowOrigins) == 0 {
		return next
	}
	anyOrigin := slices.Contains(c.AllowOrigins, "*")
	onlyAny := anyOrigin && len(c.AllowOrigins) == 1
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if !onlyAny {
			// The answer differs by origin: shared caches must key on it.
			h.Add("Vary", "Origin")
		}
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		switch {
		case c.credentialed(origin):
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
		case anyOrigin:
			h.Set("Access-Control-Allow-Origin", "*")
		default:
			next.ServeHTTP(w, r) // not allowed: the browser will refuse
			return
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", corsMethods)
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				h.Set("Access-Control-Allow-Headers", sanitizeHeaderList(req))
			}
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// corsMethods are the methods a preflight allows: every method the API
// answers, the PUTs of helpful and report among them.
const corsMethods = "GET, HEAD, POST, PUT"

// sanitizeHeaderList keeps the header names of a requested list that are
// tokens, so nothing else is echoed back.
func sanitizeHeaderList(s string) string {
	var out []string
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if name != "" && len(name) <= 64 && strings.IndexFunc(name, func(r rune) bool {
			return !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
		}) < 0 {
			out = append(out, name)
		}
	}
	return strings.Join(out, ", ")
}
