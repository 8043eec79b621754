package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"catalog"
	"catalog/cache"
	"catalog/csv"
	"catalog/generate"
	cataloghttp "catalog/http"
	"catalog/internal/pool"
	"catalog/limit"
	"catalog/metrics"
	"catalog/postgres"
	"catalog/readmodel"
	"catalog/redis"
	"catalog/surrogate"
)

// serveConfig is what serve is told. Its defaults are defaultServeConfig;
// each flag's check sits beside it in flags; validate checks the flags
// that depend on each other.
type serveConfig struct {
	Store           storeConfig
	Addr            string
	AdminAddr       string // metrics, cache counters and pprof; loopback only
	Campus          string
	DemoProducts    int // seeded into an empty SQLite store
	RequestTimeout  time.Duration
	ShutdownTimeout time.Duration
	CORSOrigins     string
	LogLevel        slog.Level
	LogRequests     float64 // the share of requests logged
	CacheMB         int
	Redis           string
	RedisPrefix     string
	CatalogPoll     time.Duration
	MaxInFlight     int
	QueueWait       time.Duration
	Freshness       cataloghttp.Freshness // what catalog responses tell HTTP caches
	PurgeURL        string                // where a caching tier takes purges by surrogate key
	CartTokenKey    string                // a secret cart tokens are hashed with; empty: the store's key
	Campuses        string                // the campuses of the hosted prefix served, comma-separated; empty: any
	Browser         bool                  // the product browser at /
	CartIdle        time.Duration         // carts idle longer are deleted; 0: never
	InteractionKeep time.Duration         // interactions older are deleted; 0: never
	CartMaxSKUs     int                   // the most distinct SKUs in a cart; 0: no bound
}

// DefaultCacheMB is the default bound of the response cache: it holds all
// four responses of a tenth of a full-size catalog's products (about 3.6 KB
// each, and a page of five per five products), the classic test's hot set.
const DefaultCacheMB = 512

// DefaultAdminAddr is where the admin listener listens unless told.
const DefaultAdminAddr = "127.0.0.1:9090"

// DemoProducts is the size of the demo catalog an empty store is seeded with.
const DemoProducts = 10_000

func defaultServeConfig() serveConfig {
	return serveConfig{
		Store:           defaultStoreConfig(),
		Addr:            "127.0.0.1:3000",
		AdminAddr:       DefaultAdminAddr,
		Campus:          "hr-rfp",
		DemoProducts:    DemoProducts,
		RequestTimeout:  cataloghttp.DefaultRequestTimeout,
		ShutdownTimeout: 30 * time.Second,
		CORSOrigins:     "*",
		LogLevel:        slog.LevelInfo,
		CacheMB:         DefaultCacheMB,
		RedisPrefix:     "catalog:",
		CatalogPoll:     time.Second,
		// Enough to keep the CPUs and the store's connections busy (16
		// clients of TestOverload reach the capacity of a 2-CPU instance);
		// past it, requests wait their turn in the queue, whose wait is
		// predicted and bounded, rather than in the store's pool.
		MaxInFlight:     16 * runtime.GOMAXPROCS(0),
		QueueWait:       limit.DefaultWait,
		Freshness:       cataloghttp.DefaultFreshness,
		Browser:         true,
		CartIdle:        catalog.DefaultCartIdle,
		InteractionKeep: catalog.DefaultClickKeep,
		CartMaxSKUs:     catalog.DefaultCartMaxSKUs,
	}
}

// flags adds serve's flags to fs, with c's values as their defaults.
func (c *serveConfig) flags(fs *flag.FlagSet) {
	c.Store.flags(fs)
	c.Store.replicaFlag(fs)
	fs.StringVar(&c.Addr, "addr", c.Addr, "the address to listen on")
	fs.Var(loopback(&c.AdminAddr), "admin-addr", "the loopback address of the admin listener: Prometheus metrics at /metrics, cache counters at /debug/cache, pprof at /debug/pprof/ (empty: none)")
	fs.StringVar(&c.Campus, "campus", c.Campus, "the campus every product carries")
	fs.Var(atLeast(&c.DemoProducts, 0), "demo-products", "products in the demo catalog seeded into an empty SQLite store (0: none)")
	fs.Var(positive(&c.RequestTimeout), "request-timeout", "the longest a request may wait for the store, once its turn has come")
	fs.Var(positive(&c.ShutdownTimeout), "shutdown-timeout", "how long a shutdown waits for requests in flight")
	fs.StringVar(&c.CORSOrigins, "cors-origins", c.CORSOrigins, "browser origins that may call the API, comma-separated: * for any (without cookies), or origins such as https://shop.example (with cookies); empty for none")
	fs.TextVar(&c.LogLevel, "log-level", c.LogLevel, "the least severe `level` logged: debug, info, warn or error")
	fs.Var(share(&c.LogRequests), "log-requests", "the share of requests logged, with their request ids: 0 (none) to 1 (all)")
	fs.Var(atLeast(&c.CacheMB, 0), "cache-mb", "MiB of encoded responses kept in memory (0: no cache)")
	fs.StringVar(&c.Redis, "redis", c.Redis, "a Redis URL (redis://host:6379/0) for a cache tier shared by instances of one store, behind the in-process cache (empty: none)")
	fs.StringVar(&c.RedisPrefix, "redis-prefix", c.RedisPrefix, "the prefix of this store's keys in Redis: instances of one store share it, other stores sharing the Redis need their own")
	fs.Var(positive(&c.CatalogPoll), "catalog-poll", "how often to ask the store which catalog it serves, to follow a reload")
	fs.Var(atLeast(&c.MaxInFlight, 1), "max-in-flight", "requests served at once; the rest wait their turn, up to --queue-wait")
	fs.Var(positive(&c.QueueWait), "queue-wait", "the longest a request waits for its turn; one that would wait longer is answered 503 at once")
	fs.Var(wholeSeconds(&c.Freshness.MaxAge), "max-age", "how long browsers and HTTP caches may serve a catalog response without asking again (Cache-Control max-age)")
	fs.Var(wholeSeconds(&c.Freshness.StaleWhileRevalidate), "stale-while-revalidate", "how long after max-age a cache may serve a response while it revalidates it")
	fs.Var(wholeSeconds(&c.Freshness.StaleIfError), "stale-if-error", "how long after max-age a cache may serve a response when the service fails or is down")
	fs.StringVar(&c.CartTokenKey, "cart-token-key", c.CartTokenKey, "a secret of at least 32 bytes that callers' cart tokens (Authorization) are hashed with; give every instance of a store the same (empty: a random key the store keeps)")
	fs.StringVar(&c.Campuses, "campuses", c.Campuses, "the campuses served under the hosted API's prefix /api/fec2/<campus>/, comma-separated; empty for any (bodies carry --campus whatever the path's)")
	fs.Var(atLeast(&c.CartMaxSKUs, 0), "cart-max-skus", "the most distinct SKUs a cart may hold; an add past it is a 422 (0: no bound)")
	fs.Var(nonNegative(&c.CartIdle), "cart-idle", "how long a cart may go without an addition before it is deleted, in the background (0: never)")
	fs.Var(nonNegative(&c.InteractionKeep), "interaction-keep", "how long storefronts' interactions (POST /interactions) are kept before they are deleted, in the background (0: for ever)")
	fs.BoolVar(&c.Browser, "browser", c.Browser, "serve the product browser, a page that uses only the public API, at / (false: / is a 404)")
	fs.StringVar(&c.PurgeURL, "purge-url", c.PurgeURL, "an http(s) URL of a caching tier to send a PURGE to, with the surrogate keys of what each new catalog changed in its xkey-purge header (empty: none)")
}

// validate checks what no single flag can.
func (c serveConfig) validate() error {
	if c.Redis != "" && c.CacheMB == 0 {
		return errors.New("--redis is a tier behind the in-process cache: give --cache-mb more than 0")
	}
	if len(c.Store.Replicas) > 0 && !isPostgres(c.Store.DB) {
		return errors.New("--db-replica: read replicas are PostgreSQL's; --db names a SQLite file")
	}
	if u, err := url.Parse(c.PurgeURL); c.PurgeURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		return fmt.Errorf("--purge-url %q: want an http or https URL", c.PurgeURL)
	}
	for _, campus := range splitList(c.Campuses) {
		if !catalog.ValidSession(campus) {
			return fmt.Errorf("--campuses: %q is not a campus: want 1 to 64 letters, digits, '-' or '_'", campus)
		}
	}
	if n := len(c.CartTokenKey); n > 0 && n < cartTokenKeyMin {
		return fmt.Errorf("--cart-token-key: %d bytes; want at least %d (a random secret, such as openssl rand -hex 32 prints)", n, cartTokenKeyMin)
	}
	return nil
}

// cartTokenKeyMin is the shortest --cart-token-key accepted.
const cartTokenKeyMin = 32

// LogValue is the effective configuration, passwords hidden.
func (c serveConfig) LogValue() slog.Value {
	replicas := make([]string, len(c.Store.Replicas))
	for i, r := range c.Store.Replicas {
		replicas[i] = redact(r)
	}
	return slog.GroupValue(
		slog.String("db", redact(c.Store.DB)), slog.Int("db_max_conns", c.Store.MaxConns),
		slog.Duration("db_statement_timeout", c.Store.StatementTimeout), slog.Any("db_replicas", replicas),
		slog.Int("history", c.Store.History), slog.Bool("drop_writes", c.Store.DropWrites),
		slog.String("addr", c.Addr), slog.String("admin_addr", c.AdminAddr), slog.String("campus", c.Campus),
		slog.Int("demo_products", c.DemoProducts), slog.Duration("request_timeout", c.RequestTimeout),
		slog.Duration("shutdown_timeout", c.ShutdownTimeout), slog.String("cors_origins", c.CORSOrigins),
		slog.String("log_level", c.LogLevel.String()), slog.Float64("log_requests", c.LogRequests),
		slog.Int("cache_mb", c.CacheMB), slog.String("redis", redact(c.Redis)), slog.String("redis_prefix", c.RedisPrefix),
		slog.Duration("catalog_poll", c.CatalogPoll), slog.Int("max_in_flight", c.MaxInFlight),
		slog.Duration("queue_wait", c.QueueWait), slog.Duration("max_age", c.Freshness.MaxAge),
		slog.Duration("stale_while_revalidate", c.Freshness.StaleWhileRevalidate), slog.Duration("stale_if_error", c.Freshness.StaleIfError),
		slog.String("purge_url", redact(c.PurgeURL)), slog.Bool("cart_token_key", c.CartTokenKey != ""),
		slog.String("campuses", c.Campuses), slog.Bool("browser", c.Browser),
		slog.Duration("cart_idle", c.CartIdle), slog.Int("cart_max_skus", c.CartMaxSKUs), slog.Duration("interaction_keep", c.InteractionKeep),
	)
}

func runServe(ctx context.Context, args []string, env environment, stdout, stderr io.Writer) error {
	cfg := defaultServeConfig()
	fs := newFlagSet("serve", "serve [flags]", stderr)
	cfg.flags(fs)
	if _, err := env.parseArgs(fs, args); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	logger := newLogger(stderr, cfg.LogLevel)
	logger.Info("starting", "config", cfg)
	// The ports come first: one that is taken is told at once, before a
	// store is opened or a demo catalog seeded.
	lns, err := cfg.listen()
	if err != nil {
		return err
	}
	svc, err := openService(ctx, cfg, lns, logger)
	if err != nil {
		return err
	}
	defer svc.close()
	return svc.serve(ctx, cfg, logger)
}

// listeners are serve's ports, taken before anything else is done.
type listeners struct {
	api   net.Listener
	admin net.Listener // nil without --admin-addr
}

// listen takes the ports of --addr and --admin-addr.
func (c serveConfig) listen() (listeners, error) {
	api, err := listen("addr", c.Addr)
	if err != nil {
		return listeners{}, err
	}
	if c.AdminAddr == "" {
		return listeners{api: api}, nil
	}
	admin, err := listenAdmin(c.AdminAddr)
	if err != nil {
		api.Close()
		return listeners{}, err
	}
	return listeners{api: api, admin: admin}, nil
}

// listenAdmin listens on the address of --admin-addr.
func listenAdmin(addr string) (net.Listener, error) {
	ln, err := listen("admin-addr", addr)
	if err != nil {
		return nil, fmt.Errorf("%w (give --admin-addr another loopback port, or an empty one for none)", err)
	}
	return ln, nil
}

// listen listens on the address of the flag named; its error names the
// flag and says why, without the system call's name
// (--addr 127.0.0.1:3000: address already in use).
func listen(flagName, addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln, nil
	}
	var op *net.OpError
	if errors.As(err, &op) {
		err = op.Err
	}
	var sys *os.SyscallError
	if errors.As(err, &sys) {
		err = sys.Err
	}
	return nil, fmt.Errorf("--%s %s: %w", flagName, addr, err)
}

// service is serve's parts, wired: close releases them, last opened first.
type service struct {
	srv     *cataloghttp.Server
	ln      net.Listener // the API's
	closers []func()
}

func (s *service) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

// openService opens the store, follows its catalog, and builds the cache,
// the admission bound, the API server and the admin server on it, to
// serve on lns, which it owns from then on.
func openService(ctx context.Context, cfg serveConfig, lns listeners, logger *slog.Logger) (_ *service, err error) {
	svc := &service{ln: lns.api}
	// Closed last: a server shut down has closed its listener already.
	svc.closers = append(svc.closers, func() { lns.api.Close() })
	if lns.admin != nil {
		svc.closers = append(svc.closers, func() { lns.admin.Close() })
	}
	defer func() {
		if err != nil {
			svc.close()
		}
	}()
	db, err := cfg.Store.open(ctx, false, logger)
	if err != nil {
		return nil, err
	}
	svc.closers = append(svc.closers, func() { db.Close() })
	feed := catalog.NewFeed(db, cfg.CatalogPoll)
	feed.OnError = func(err error) {
		logger.Warn("cannot read what the new catalog changed: every cached response is taken as changed", "error", err)
	}
	m := storeMetrics(db, feed)

	var cacheStats func() any // for the admin listener
	httpCfg := cataloghttp.Config{Campus: cfg.Campus, RequestTimeout: cfg.RequestTimeout, Logger: logger,
		CORS: cataloghttp.CORS{AllowOrigins: splitList(cfg.CORSOrigins)}, Live: feed, Observer: m, LogSample: cfg.LogRequests,
		Freshness: cfg.Freshness, Campuses: splitList(cfg.Campuses), Browser: cfg.Browser, CartMaxSKUs: cfg.CartMaxSKUs,
		CartIdle: cfg.CartIdle}
	if cfg.CartTokenKey != "" {
		httpCfg.CartKey = []byte(cfg.CartTokenKey)
	}
	// A write of reviews is taken in before it is answered: the writer's
	// next read, here, is of the changed reviews. (Other instances take it
	// in at their next poll.) A failed poll is the polling loop's to tell.
	httpCfg.Wrote = func(ctx context.Context) { _, _ = feed.Poll(ctx) }
	// The feed hands each new catalog, with what it changed, to these in
	// this order: the store, so that a replica behind the new generation
	// serves no read that the cache would keep under it; the cache's
	// versions; the metrics; the purger, which purges later on a
	// goroutine of its own.
	if s, ok := db.(servingStore); ok {
		// The history may go past the generation described, when a load
		// came between the two reads: the versions go as far.
		feed.Subscribe(func(u catalog.Update) { s.Serving(max(u.Info.Generation, u.History.To)) })
	}
	if cfg.CacheMB > 0 {
		versions := catalog.NewVersions()
		feed.Subscribe(func(u catalog.Update) {
			versions.Apply(u.History)
			versions.ApplyReviews(u.Reviews)
		})
		store := cataloghttp.StoreSource{Products: db, Reviews: db, QA: db, Campus: cfg.Campus}
		c, closeTier, err := openCache(ctx, cfg, store, versions, m, logger)
		if err != nil {
			return nil, err
		}
		svc.closers = append(svc.closers, closeTier)
		httpCfg.Source, cacheStats = c, func() any { return c.Stats() }
	}
	feed.Subscribe(m.CatalogUpdated)
	if cfg.PurgeURL != "" {
		// Two polls: every instance behind the tier has seen the new
		// catalog by then, so what the tier fetches again is new.
		p := surrogate.NewPurger(cfg.PurgeURL, 2*cfg.CatalogPoll, &http.Client{Timeout: 10 * time.Second}, logger)
		feed.Subscribe(p.Take)
		svc.closers = append(svc.closers, inBackground(p.Run))
	}
	if err := followCatalog(ctx, cfg, db, feed, m, logger); err != nil {
		return nil, err
	}
	svc.closers = append(svc.closers, runFeed(feed, func(err error) {
		logger.Warn("cannot read which catalog the store serves", "error", err)
	}))
	if cfg.CartIdle > 0 {
		svc.closers = append(svc.closers, runCartExpiry(db, cfg.CartIdle, logger))
	}
	clicks := runClicks(db, m, logger, &svc.closers)
	if cfg.InteractionKeep > 0 {
		svc.closers = append(svc.closers, runClickExpiry(db, cfg.InteractionKeep, logger))
	}

	admission := limit.New(limit.Config{Slots: cfg.MaxInFlight, Wait: cfg.QueueWait})
	m.WatchAdmission("reads", func() metrics.AdmissionStats { return metrics.AdmissionStats(admission.Stats()) })
	httpCfg.Admission = admission
	writes := limit.New(limit.Config{Slots: writesInFlight * cfg.MaxInFlight, Wait: cfg.QueueWait})
	m.WatchAdmission("writes", func() metrics.AdmissionStats { return metrics.AdmissionStats(writes.Stats()) })
	httpCfg.WriteAdmission = writes
	svc.srv = cataloghttp.NewServer(cataloghttp.Services{Products: db, Carts: db, Reviews: db, QA: db, Clicks: clicks}, httpCfg)
	if lns.admin != nil {
		admin := serveAdmin(lns.admin, m.Handler(), cacheStats, logger)
		svc.closers = append(svc.closers, func() { admin.Close() })
	}
	return svc, nil
}

// writesInFlight is how many shoppers' writes are served at once for each
// request of --max-in-flight: a write waits for the disk more than it
// works, and writes that wait together commit together.
const writesInFlight = 8

// The parts serve wires, checked against what they stand for.
var (
	_ cataloghttp.Source    = (*cache.Responses)(nil)
	_ cataloghttp.Admission = (*limit.Limiter)(nil)
	_ cataloghttp.Live      = (*catalog.Feed)(nil)
	_ servingStore          = (*postgres.DB)(nil)
	_ cache.Remote          = (*redis.Tier)(nil)
)

// memoryHeadroom is what the process may use besides its cache before the
// garbage collector works harder to stay under the limit: connections,
// buffers, the store's page caches.
const memoryHeadroom = 384 << 20

// openCache returns the response cache in front of the store's responses,
// with its Redis tier if there is one, and what closes the tier.
func openCache(ctx context.Context, cfg serveConfig, store cataloghttp.Source, versions *catalog.Versions, m *metrics.Metrics, logger *slog.Logger) (*cache.Responses, func(), error) {
	if _, ok := os.LookupEnv("GOMEMLIMIT"); !ok {
		// A soft limit: the heap of a full cache may not grow to twice its
		// size before the collector runs, as it would by GOGC alone.
		debug.SetMemoryLimit(int64(cfg.CacheMB)<<20 + memoryHeadroom)
	}
	c := cache.NewResponses(store, versions, int64(cfg.CacheMB)<<20, cfg.RequestTimeout)
	m.WatchCache(func() metrics.CacheStats { return metrics.CacheStats(c.Stats()) })
	if cfg.Redis == "" {
		return c, func() {}, nil
	}
	tier, err := redis.Open(cfg.Redis, redis.Options{Prefix: cfg.RedisPrefix})
	if err != nil {
		return nil, nil, err
	}
	if err := tier.Ping(ctx); err != nil {
		logger.Warn("the shared cache tier does not answer: serving without it until it does", "error", err)
	}
	c.WithRemote(tier)
	m.WatchRemote(func() metrics.RemoteStats { return metrics.RemoteStats(tier.Stats()) })
	return c, func() { tier.Close() }, nil
}

// followCatalog reads which catalog the store serves, seeding an empty
// SQLite store with the demo catalog first, and says what it serves.
func followCatalog(ctx context.Context, cfg serveConfig, db catalog.Store, feed *catalog.Feed, m *metrics.Metrics, logger *slog.Logger) error {
	info, err := feed.Poll(ctx)
	if err != nil {
		return err
	}
	where := redact(cfg.Store.DB)
	switch {
	case info.Generation == 0 && cfg.DemoProducts > 0 && !isPostgres(cfg.Store.DB):
		// Only the embedded store seeds itself: an empty production
		// database is a fact to report, not to paper over.
		if err := seedDemo(ctx, db, cfg.DemoProducts, importProgress{metrics: m}, logger); err != nil {
			return fmt.Errorf("seed the demo catalog: %w", err)
		}
		if _, err := feed.Poll(ctx); err != nil {
			return err
		}
		logger.Info("the store was empty: seeded a demo catalog of generated products", "products", cfg.DemoProducts, "db", where,
			"load_real_data", fmt.Sprintf("go run ./cmd/catalog load --db %s DIR   (DIR holds product.csv, styles.csv, …)", where))
	case info.Generation == 0:
		logger.Warn("the catalog is empty: every product is 404 until a load", "db", where,
			"load", fmt.Sprintf("catalog load --db %s DIR", where))
	case info.Format != readmodel.Format:
		return staleReadModel(where, info)
	default:
		logger.Info("serving catalog", "db", where, "generation", info.Generation, "products", info.Products, "loaded_at", info.LoadedAt)
	}
	return nil
}

// staleReadModel is the error of a catalog whose read model this version
// does not serve.
func staleReadModel(where string, info catalog.CatalogInfo) error {
	return fmt.Errorf("the catalog in %s has its documents in format %d, and this version serves format %d: "+
		"build them anew with `catalog migrate --db %s` (or load the dataset again)", where, info.Format, readmodel.Format, where)
}

// serve answers on the API's listener until ctx ends, then lets the
// requests in flight finish, for up to the shutdown timeout.
func (s *service) serve(ctx context.Context, cfg serveConfig, logger *slog.Logger) error {
	served := make(chan error, 1)
	go func() { served <- s.srv.Serve(s.ln) }()
	logger.Info("listening", "addr", "http://"+s.ln.Addr().String())
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests in flight", "grace", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := s.srv.Shutdown(sctx); err != nil {
		// The grace ran out: close what is left before the store goes.
		logger.Warn("shutdown grace ran out: closing the connections left", "error", err)
		s.srv.Close()
	}
	if err := <-served; err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// runFeed polls f in the background, telling onErr of failed polls, until
// the function it returns is called; that waits for the polls to stop,
// so that the store can close after it.
func runFeed(f *catalog.Feed, onErr func(error)) (stop func()) {
	return inBackground(func(ctx context.Context) { f.Run(ctx, onErr) })
}

// servingStore is a store told which generation the service serves: one
// with read replicas (postgres.DB).
type servingStore interface {
	Serving(generation int64)
}

// inBackground runs run in a goroutine until the function it returns is
// called; that ends run's context and waits for run to return.
func inBackground(run func(ctx context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var running sync.WaitGroup
	running.Go(func() { run(ctx) })
	return func() { cancel(); running.Wait() }
}

// cartExpiryEvery is how often serve looks for idle carts (or as often as
// --cart-idle, when that is shorter).
const cartExpiryEvery = 10 * time.Minute

// runCartExpiry deletes carts idle longer than idle in the background,
// until the function it returns is called; that waits for the round under
// way, so that the store can close after it.
func runCartExpiry(carts catalog.CartService, idle time.Duration, logger *slog.Logger) (stop func()) {
	e := catalog.CartExpiry{Carts: carts, Idle: idle, Every: min(idle, cartExpiryEvery), Now: time.Now,
		Done: func(n int64, err error) {
			switch {
			case err != nil:
				logger.Warn("cannot delete idle carts", "error", err)
			case n > 0:
				logger.Info("deleted idle carts", "cart_lines", n, "idle_since", time.Now().Add(-idle))
			}
		}}
	return inBackground(e.Run)
}

// runClicks keeps storefronts' interactions in batches in the background;
// the closer it adds, which runs after the server has shut down, writes
// what is queued, so that a graceful stop loses none.
func runClicks(db catalog.Store, m *metrics.Metrics, logger *slog.Logger, closers *[]func()) *catalog.Clicks {
	clicks := catalog.NewClicks(db, catalog.ClickConfig{
		Taken: func(i catalog.Interaction) { m.InteractionTaken(i.Widget) },
		Done: func(n int, err error) {
			if err != nil {
				logger.Error("dropped interactions: their batch could not be written", "interactions", n, "error", err)
			}
		},
	})
	m.WatchInteractions(func() metrics.InteractionStats { return metrics.InteractionStats(clicks.Stats()) })
	*closers = append(*closers, inBackground(clicks.Run))
	return clicks
}

// interactionExpiryEvery is how often serve looks for interactions past
// --interaction-keep (or as often as that, when it is shorter).
const interactionExpiryEvery = 10 * time.Minute

// runClickExpiry deletes interactions older than keep in the background,
// until the function it returns is called.
func runClickExpiry(s catalog.InteractionStore, keep time.Duration, logger *slog.Logger) (stop func()) {
	e := catalog.ClickExpiry{Interactions: s, Keep: keep, Every: min(keep, interactionExpiryEvery), Now: time.Now,
		Done: func(n int64, err error) {
			switch {
			case err != nil:
				logger.Warn("cannot delete old interactions", "error", err)
			case n > 0:
				logger.Info("deleted old interactions", "interactions", n, "taken_before", time.Now().Add(-keep))
			}
		}}
	return inBackground(e.Run)
}

// poolStater is a store that tells the state of its connection pools.
type poolStater interface {
	PoolStats() []pool.Stats
}

// storeMetrics returns the metrics of a store: its catalog, as its feed
// last read it, and its connection pools, where it has them.
func storeMetrics(db catalog.Store, feed *catalog.Feed) *metrics.Metrics {
	m := metrics.New()
	m.WatchCatalog(feed.Current)
	if p, ok := db.(poolStater); ok {
		m.WatchPools(p.PoolStats)
	}
	return m
}

// seedDemo generates a small dataset and loads it through the importer, as
// a user's files would be.
func seedDemo(ctx context.Context, store catalog.Loader, products int, progress csv.Progress, logger *slog.Logger) error {
	dir, err := os.MkdirTemp("", "catalog-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	logger.Info("the store is empty: generating a demo catalog", "products", products)
	if _, err := generate.Write(ctx, dir, generate.Options{Products: products, Seed: 1}); err != nil {
		return err
	}
	rep, err := csv.Import(ctx, dir, store, csv.Options{Progress: progress})
	if err != nil {
		return err
	}
	if n := rep.Rejected(); n > 0 {
		return errors.New("bug: the generated demo catalog had rejected rows")
	}
	return nil
}

// serveAdmin serves the admin endpoints (Prometheus metrics, the cache's
// counters, pprof) on ln, until the server it returns is closed.
func serveAdmin(ln net.Listener, metrics http.Handler, cacheStats func() any, logger *slog.Logger) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	mux.HandleFunc("GET /debug/cache", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		var v any = map[string]string{"cache": "off"}
		if cacheStats != nil {
			v = cacheStats()
		}
		_ = json.NewEncoder(w).Encode(v)
	})
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	logger.Info("admin listening", "metrics", "http://"+ln.Addr().String()+"/metrics", "pprof", "http://"+ln.Addr().String()+"/debug/pprof/")
	return srv
}
