// Package http serves the catalog over HTTP: the routes, parameters, cart
// sessions and wire format of the Products API contract and of its Ratings
// & Reviews and Q&A parts, and the mapping of domain errors to statuses.
package http

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
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
	// Source, when set, gives the catalog's responses, such as a cache in
	// front of the store; else they are read from the store each time.
	Source Source
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
	// WriteAdmission, when set with Admission, bounds shoppers' writes in
	// flight apart from it: the POSTs and PUTs of carts, reviews and Q&A
	// (not clicks, the first shed by Admission). A write spends most of
	// its time waiting for the disk's flush, not working, and must not
	// hold a read's turn while it waits.
	WriteAdmission Admission
	// Freshness is what the catalog's responses tell HTTP caches; the zero
	// value has them revalidate every time.
	Freshness Freshness
	// CartMaxSKUs is the most distinct SKUs a cart may hold; 0: no bound.
	CartMaxSKUs int
	// CartIdle is how long a cart may go without an addition before it is
	// deleted (0: never): the session cookie lives as long from each cart
	// request, or MaxCookieAge when CartIdle is 0 or longer.
	CartIdle time.Duration
	// Browser serves the product browser at /.
	Browser bool
	// CartKey, when set, is the key callers' cart tokens are hashed with,
	// in place of the one the store keeps.
	CartKey []byte
	// Wrote, when set, is called after a write of reviews or Q&A, before
	// it is answered: to have the process's cache take the change in at
	// once (catalog.Feed.Poll), so that the writer's next read sees it.
	Wrote func(ctx context.Context)
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
	// AcquireWithin is Acquire with a shorter budget for the wait: for
	// requests shed first under load.
	AcquireWithin(ctx context.Context, wait time.Duration) (time.Time, error)
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

// Services are the domain services a Server serves.
type Services struct {
	Products catalog.ProductService
	Carts    catalog.CartService
	// Reviews, when nil, leaves the review routes out: they answer 404,
	// as any unknown path does.
	Reviews catalog.ReviewService
	// QA, when nil, leaves the Q&A routes out, as Reviews the review
	// routes.
	QA catalog.QAService
	// Clicks takes storefronts' interactions (catalog.Clicks); nil leaves
	// POST /interactions out.
	Clicks ClickLog
}

// ClickLog takes interactions to keep, and refuses them (false) at once
// when it cannot take more now.
type ClickLog interface {
	Add(i catalog.Interaction) bool
}

// Server serves the API.
type Server struct {
	products catalog.ProductService
	carts    catalog.CartService
	reviews  catalog.ReviewService // nil: no review routes
	qa       catalog.QAService     // nil: no Q&A routes
	clicks   ClickLog              // nil: no POST /interactions
	source   Source                // cfg.Source, or the store
	cfg      Config
	campuses map[string]bool        // Config.Campuses; nil: any
	tokenKey atomic.Pointer[[]byte] // the key of cart tokens, once known
	cookie   http.Cookie            // the session cookie but for its value (newSessionCookie)
	// credentialWarnings limits the warnings of cart requests from other
	// origins without credentials; cookieSeen holds, for each origin
	// allowed credentials, when a cart request from it last brought the
	// cookie (Unix nanoseconds).
	credentialWarnings *warnLimiter
	cookieSeen         map[string]*atomic.Int64
	// cacheControl is the Cache-Control of the catalog's 200s, and
	// reviewCacheControl of the review responses'.
	cacheControl, reviewCacheControl string
	handler                          http.Handler
	srv                              *http.Server
}

// NewServer returns a server of the given services.
func NewServer(svc Services, cfg Config) *Server {
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{products: svc.Products, carts: svc.Carts, reviews: svc.Reviews, qa: svc.QA, clicks: svc.Clicks, source: cfg.Source, cfg: cfg,
		cacheControl: cfg.Freshness.cacheControl(), reviewCacheControl: cfg.Freshness.reviewCacheControl(),
		cookie: newSessionCookie(cfg), credentialWarnings: newWarnLimiter(credentialWarningEvery, credentialWarningOrigins)}
	if s.source == nil {
		s.source = StoreSource{Products: svc.Products, Reviews: svc.Reviews, QA: svc.QA, Campus: cfg.Campus}
	}
	for _, c := range cfg.Campuses {
		if s.campuses == nil {
			s.campuses = map[string]bool{}
		}
		s.campuses[c] = true
	}
	for _, o := range cfg.CORS.AllowOrigins {
		if cfg.CORS.credentialed(o) {
			if s.cookieSeen == nil {
				s.cookieSeen = map[string]*atomic.Int64{}
			}
			s.cookieSeen[o] = new(atomic.Int64)
		}
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

// Handler returns the server's handler, for tests and for mounting.
func (s *Server) Handler() http.Handler { return s.handler }

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
