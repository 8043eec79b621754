package http

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	mathrand "math/rand/v2"
	"net/http"
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

// logRequest logs one request with its id.
func (s *Server) logRequest(r *http.Request, pattern string, status int, d time.Duration) {
	id := r.Header.Get("X-Request-Id")
	if !validRequestID(id) {
		id = newRequestID()
	}
	s.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("request_id", id),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.String("route", pattern),
		slog.Int("status_code", status),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
		slog.String("remote_addr", r.RemoteAddr),
	)
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
