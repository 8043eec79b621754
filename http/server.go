// Package http serves the catalog over HTTP: the routes, parameters, cart
// sessions and wire format of the Products API contract, and the mapping of
// domain errors to statuses.
package http

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"catalog"
)

// Config is what a Server needs besides its services.
type Config struct {
	// Campus is the campus every product carries.
	Campus string
	// Campuses, when set, are the only campuses served under the hosted
	// API's prefix (/api/fec2/<campus>/…); when empty, any is.
	Campuses []string
	// RequestTimeout bounds each request's time in the store.
	RequestTimeout time.Duration
	// CORS says which browser origins may call the API.
	CORS   CORS
	Logger *slog.Logger
	// Cache, when set, keeps encoded catalog responses.
	Cache Cache
	// Live, when set, tells /readyz which catalog is served.
	Live Live
	// Observer, when set, is told of every request: when it starts, and
	// its route pattern, status and duration when it ends.
	Observer Observer
	// LogSample is the share of requests logged, from 0 (none) to 1 (all).
	LogSample float64
	// Admission, when set, bounds the requests in flight: a request it
	// refuses is answered 503 with Retry-After. Health checks pass by it.
	Admission Admission
	// Freshness is what the catalog's responses tell HTTP caches; the zero
	// value has them revalidate every time.
	Freshness Freshness
	// CartMaxSKUs is the most distinct SKUs a cart may hold; 0: no bound.
	CartMaxSKUs int
	// Browser serves the product browser at /.
	Browser bool
	// CartKey, when set, is the key callers' cart tokens are hashed with,
	// in place of the one the store keeps.
	CartKey []byte
}

// Live tells which catalog is served, as the service's one reader of it
// (catalog.Feed) last found it.
type Live interface {
	// Current returns the catalog last read, or why the last read failed.
	Current() (catalog.CatalogInfo, error)
}

// Admission admits requests, up to a bound, such as limit.Limiter.
type Admission interface {
	// Acquire admits a request, and returns when, or fails (as
	// EUNAVAILABLE when over capacity); an admitted request calls Release
	// with that time when done.
	Acquire(ctx context.Context) (time.Time, error)
	Release(admitted time.Time)
}

// Observer watches requests, for metrics.
type Observer interface {
	Begin()
	// End is told a request's route pattern ("shed" when the admission
	// refused it, "none" when no route matched), its status
	// (StatusAbandoned when the client went away first) and duration.
	End(pattern string, status int, d time.Duration)
}

// StatusAbandoned is the status a request is counted and logged with when
// its client went away before an answer was written (nginx's 499).
const StatusAbandoned = 499

// DefaultRequestTimeout is the request timeout when Config leaves it zero.
const DefaultRequestTimeout = 5 * time.Second

// Server serves the API.
type Server struct {
	products catalog.ProductService
	carts    catalog.CartService
	cache    Cache // cfg.Cache, or one that keeps nothing
	cfg      Config
	campuses map[string]bool        // Config.Campuses; nil: any
	tokenKey atomic.Pointer[[]byte] // the key of cart tokens, once known
	// cacheControl is the Cache-Control of the catalog's 200s.
	cacheControl string
	handler      http.Handler
	srv          *http.Server
}

// NewServer returns a server of the given services.
func NewServer(products catalog.ProductService, carts catalog.CartService, cfg Config) *Server {
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{products: products, carts: carts, cache: cfg.Cache, cfg: cfg,
		cacheControl: cfg.Freshness.cacheControl()}
	if s.cache == nil {
		s.cache = noCache{}
	}
	for _, c := range cfg.Campuses {
		if s.campuses == nil {
			s.campuses = map[string]bool{}
		}
		s.campuses[c] = true
	}
	if cfg.CartKey != nil {
		s.tokenKey.Store(&cfg.CartKey)
	}
	mux := http.NewServeMux()
	s.routes(mux)
	var routed http.Handler = mux
	if cfg.Admission != nil {
		// Inside the observer and the logs: shed requests count too.
		routed = s.admit(routed)
	}
	if cfg.Observer != nil || cfg.LogSample > 0 {
		routed = s.track(routed)
	}
	s.handler = s.recoverPanics(cfg.CORS.wrap(s.stripPrefix(canonicalPaths(routed))))
	// The http.Server exists before Serve runs, so that a Shutdown that
	// comes first (a signal right after start) is not lost.
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	return s
}

func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /products", s.handleListProducts)
	mux.HandleFunc("GET /products/{id}", byProductID(s, RouteProduct, catalog.DocProduct))
	mux.HandleFunc("GET /products/{id}/styles", byProductID(s, RouteStyles, catalog.DocStyles))
	mux.HandleFunc("GET /products/{id}/related", byProductID(s, RouteRelated, catalog.DocRelated))
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.HandleFunc("GET /openapi.json", s.static(jsonType, openAPI))
	if s.cfg.Browser {
		mux.HandleFunc("GET /{$}", s.static("text/html; charset=utf-8", browserPage))
	}
	mux.HandleFunc("GET /cart", private(s.handleCart))
	mux.HandleFunc("POST /cart", private(s.handleAddToCart))
	// Any other method on a known path is 405 with Allow, as JSON.
	known := map[string]string{
		"/products":              "GET, HEAD",
		"/products/{id}":         "GET, HEAD",
		"/products/{id}/styles":  "GET, HEAD",
		"/products/{id}/related": "GET, HEAD",
		"/cart":                  "GET, HEAD, POST",
		"/healthz":               "GET, HEAD",
		"/readyz":                "GET, HEAD",
		"/openapi.json":          "GET, HEAD",
	}
	if s.cfg.Browser {
		known["/{$}"] = "GET, HEAD"
	}
	for path, allow := range known {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeError(w, r, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed on "+r.URL.Path+"; use "+allow)
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, "no such path: "+r.URL.Path)
	})
}

// admit serves a request once the admission admits it, and answers 503
// when it does not. Health checks are cheap and must answer under load:
// they pass by.
func (s *Server) admit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			next.ServeHTTP(w, r)
			return
		}
		admitted, err := s.cfg.Admission.Acquire(r.Context())
		if err != nil {
			if r.Context().Err() == nil {
				r.Pattern = "shed" // for the observer: no route was reached
			}
			s.Error(w, r, err)
			return
		}
		defer s.cfg.Admission.Release(admitted)
		next.ServeHTTP(w, r)
	})
}

// storeContext bounds a request's time in the store by the request timeout.
// (Its wait for a turn is bounded by the admission's budget, before.)
func (s *Server) storeContext(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
}

// statusWriter remembers the status a handler wrote, if it wrote one.
type statusWriter struct {
	http.ResponseWriter
	status int // 0 until written
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// outcome is the status a request ended with: the one written, or
// StatusAbandoned when its client went away before one was.
func (w *statusWriter) outcome(r *http.Request) int {
	switch {
	case w.status != 0:
		return w.status
	case r.Context().Err() != nil:
		return StatusAbandoned
	}
	return http.StatusOK // a handler that wrote nothing: net/http answers 200
}

// Handler returns the server's handler, for tests and for mounting.
func (s *Server) Handler() http.Handler { return s.handler }

// hostedPrefix starts the hosted API's paths: /api/fec2/<campus>/products….
const hostedPrefix = "/api/fec2/"

// stripPrefix serves the API under the hosted API's prefix too, with any
// campus in it (or one of Config.Campuses), so that clients written
// against it, each with its own cohort's campus in its code, need only a
// new host. The bodies carry Config.Campus whatever the path's: the
// catalog is one, and its responses cache as one.
func (s *Server) stripPrefix(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		campus, rest, ok := hostedPath(r.URL.Path)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		// The prefix and campus have nothing to escape, so the escaped
		// path starts with them and a slash too; one that does not (an
		// escaped campus, or a slash escaped after it) names no route.
		escaped, ok := strings.CutPrefix(r.URL.EscapedPath(), hostedPrefix+campus)
		if !ok || !strings.HasPrefix(escaped, "/") {
			writeError(w, r, http.StatusNotFound, "no such path: "+r.URL.Path)
			return
		}
		if s.campuses != nil && !s.campuses[campus] {
			writeError(w, r, http.StatusNotFound, fmt.Sprintf("campus %q is not served here", campus))
			return
		}
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path, u.RawPath = rest, ""
		if escaped != rest {
			u.RawPath = escaped
		}
		r2.URL = &u
		next.ServeHTTP(w, r2)
	})
}

// hostedPath splits a path of the hosted API, /api/fec2/<campus>/rest,
// into its campus and /rest. A campus is 1 to 64 letters, digits, '-' or
// '_' (catalog.ValidSession's characters).
func hostedPath(p string) (campus, rest string, ok bool) {
	after, ok := strings.CutPrefix(p, hostedPrefix)
	if !ok {
		return "", "", false
	}
	campus, rest, ok = strings.Cut(after, "/")
	if !ok || !catalog.ValidSession(campus) {
		return "", "", false
	}
	return campus, "/" + rest, true
}

// canonicalPaths answers a path that is not canonical (//, /./, /../) with a
// JSON 404 itself, where ServeMux would redirect with an HTML body.
func canonicalPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.EscapedPath(); p != "/" && (strings.Contains(p, "//") || path.Clean(p) != strings.TrimSuffix(p, "/")) {
			writeError(w, r, http.StatusNotFound, "no such path: "+r.URL.Path)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic in a handler into a logged 500, not a dropped
// connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Logger.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v)
				writeError(w, r, http.StatusInternalServerError, "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// Serve accepts connections on ln until Shutdown or Close; after either, it
// returns nil at once.
func (s *Server) Serve(ln net.Listener) error {
	err := s.srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections and waits, until ctx ends, for the
// requests in flight to finish. Called before Serve, it makes Serve return
// at once.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// Close closes every connection at once, for when a shutdown's grace has
// run out.
func (s *Server) Close() error { return s.srv.Close() }

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// render returns the body fill appends, in a slice of its exact size: fill
// appends to a pooled buffer, so that a body costs one allocation, not one
// for each time a growing slice doubles.
func render(ctx context.Context, fill func(ctx context.Context, b []byte) ([]byte, error)) ([]byte, error) {
	bp := bufPool.Get().(*[]byte)
	b, err := fill(ctx, (*bp)[:0])
	if err != nil {
		bufPool.Put(bp)
		return nil, err
	}
	body := bytes.Clone(b)
	if cap(b) <= 1<<20 { // a buffer that grew too large is let go
		*bp = b[:0]
		bufPool.Put(bp)
	}
	return body, nil
}

// writeBody writes a complete response body with its length.
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

const jsonType = "application/json; charset=utf-8"

// writeJSON writes the JSON that fill appends.
func writeJSON(w http.ResponseWriter, status int, fill func([]byte) []byte) {
	writeBody(w, status, jsonType, fill(make([]byte, 0, 128)))
}
