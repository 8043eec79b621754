package http

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	mathrand "math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// track tells the observer of every request and logs a share of them
// (cfg.LogSample: 0 none, 1 all), each with its request id: the
// X-Request-Id a proxy set (nginx's $request_id), or a new one. Sampling
// keeps logging from becoming the bottleneck. It wraps the mux itself,
// which sets the request's Pattern as it routes it.
func (s *Server) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Observer != nil {
			s.cfg.Observer.Begin()
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		panicked := true // until next returns: recoverPanics, outside, answers 500
		defer func() {
			d, status, pattern := time.Since(start), sw.outcome(r), r.Pattern
			if panicked {
				status = http.StatusInternalServerError
			}
			if pattern == "" {
				pattern = "none"
			}
			if s.cfg.Observer != nil {
				s.cfg.Observer.End(pattern, status, d)
			}
			if s.cfg.LogSample > 0 && (s.cfg.LogSample >= 1 || mathrand.Float64() < s.cfg.LogSample) {
				s.logRequest(r, pattern, status, d)
			}
		}()
		next.ServeHTTP(sw, r)
		panicked = false
	})
}

// logRequest logs one request with its id, the path it asked for and, on
// the cart's routes, what named its cart (cart: token, cookie or none;
// never the token or the session themselves).
func (s *Server) logRequest(r *http.Request, pattern string, status int, d time.Duration) {
	id := r.Header.Get("X-Request-Id")
	if !validRequestID(id) {
		id = newRequestID()
	}
	attrs := []slog.Attr{
		slog.String("request_id", id),
		slog.String("method", r.Method),
		slog.String("path", requestedPath(r)),
		slog.String("route", pattern),
		slog.Int("status_code", status),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
		slog.String("remote_addr", r.RemoteAddr),
	}
	if pattern == "GET /cart" || pattern == "POST /cart" {
		by, _, _ := cartCredential(r)
		attrs = append(attrs, slog.String("cart", by))
	}
	s.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
}

// requestedPath is the path the client asked for: the request line's
// (RequestURI's), which keeps the hosted prefix stripPrefix takes off
// r.URL, without its query.
func requestedPath(r *http.Request) string {
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && u.Path != "" {
		return u.Path
	}
	return r.URL.Path
}

// warnLimiter lets a warning about a key (an origin, say) through at most
// once every interval, keeping at most max keys: past that, until keys
// age out, it lets none through, so that callers who make up keys cannot
// grow it or flood the log.
type warnLimiter struct {
	every time.Duration
	max   int
	mu    sync.Mutex
	last  map[string]time.Time // key → when last let through
}

func newWarnLimiter(every time.Duration, max int) *warnLimiter {
	return &warnLimiter{every: every, max: max, last: map[string]time.Time{}}
}

// allow reports whether a warning about key may be logged at now, and if
// so counts it as logged.
func (l *warnLimiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, seen := l.last[key]
	if seen && now.Sub(t) < l.every {
		return false
	}
	if !seen && len(l.last) >= l.max {
		for k, t := range l.last {
			if now.Sub(t) >= l.every {
				delete(l.last, k)
			}
		}
		if len(l.last) >= l.max {
			return false
		}
	}
	l.last[key] = now
	return true
}

// validRequestID accepts ids of up to 64 letters, digits, '-', '_' and '.':
// what proxies generate, and nothing that could forge a log line.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// newRequestID returns a random request id of 64 bits.
func newRequestID() string { return randomHex(8) }

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails: see crypto/rand.Read
	return hex.EncodeToString(b)
}
