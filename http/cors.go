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
	// turns CORS off.
	AllowOrigins []string
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
		case slices.Contains(c.AllowOrigins, origin):
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
		case anyOrigin:
			h.Set("Access-Control-Allow-Origin", "*")
		default:
			next.ServeHTTP(w, r) // not allowed: the browser will refuse
			return
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST")
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
