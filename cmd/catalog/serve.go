package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"catalog"
	"catalog/cache"
	"catalog/csv"
	"catalog/generate"
	cataloghttp "catalog/http"
	"catalog/limit"
	"catalog/metrics"
	"catalog/redis"
)

// DefaultCacheMB is the default bound of the response cache: it holds all
// four responses of a tenth of a full-size catalog's products (about 3.6 KB
// each, and a page of five per five products), the classic test's hot set.
const DefaultCacheMB = 512

// memoryHeadroom is what the process may use besides its cache before the
// garbage collector works harder to stay under the limit: connections,
// buffers, the store's page caches.
const memoryHeadroom = 384 << 20

// DefaultAdminAddr is where the admin listener listens unless told.
const DefaultAdminAddr = "127.0.0.1:9090"

// DefaultInFlightWait is how long a request may wait for its turn when
// --max-in-flight requests are being served.
const DefaultInFlightWait = 10 * time.Millisecond

// cartWait is how long a cart call may wait for its turn at the store.
const cartWait = time.Second

// DemoProducts is the size of the demo catalog an empty store is seeded with.
const DemoProducts = 10_000

func runServe(ctx context.Context, args []string, env environment, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "serve [flags]", stderr)
	store := addStoreFlags(fs)
	store.addReplicaFlag(fs)
	addr := fs.String("addr", "127.0.0.1:3000", "the address to listen on")
	campus := fs.String("campus", "hr-rfp", "the campus every product carries")
	demo := fs.Int("demo-products", DemoProducts, "products in the demo catalog seeded into an empty SQLite store (0: none)")
	timeout := fs.Duration("request-timeout", cataloghttp.DefaultRequestTimeout, "the longest a request may wait for the store")
	grace := fs.Duration("shutdown-timeout", 30*time.Second, "how long a shutdown waits for requests in flight")
	cors := fs.String("cors-origins", "*", "browser origins that may call the API, comma-separated: * for any (without cookies), or origins such as https://shop.example (with cookies); empty for none")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	adminAddr := fs.String("admin-addr", DefaultAdminAddr, "the loopback address of the admin listener: Prometheus metrics at /metrics, cache counters at /debug/cache, pprof at /debug/pprof/ (empty: none)")
	logRequests := fs.Float64("log-requests", 0, "the share of requests logged, with their request ids: 0 (none) to 1 (all)")
	cacheMB := fs.Int("cache-mb", DefaultCacheMB, "MiB of encoded responses kept in memory (0: no cache)")
	redisURL := fs.String("redis", "", "a Redis URL (redis://host:6379/0) for a cache tier shared by instances of one store, behind the in-process cache (empty: none)")
	redisPrefix := fs.String("redis-prefix", "catalog:", "the prefix of this store's keys in Redis: instances of one store share it, other stores sharing the Redis need their own")
	poll := fs.Duration("catalog-poll", time.Second, "how often to look for a reload of the catalog, which empties the cache")
	maxInFlight := fs.Int("max-in-flight", 0, "requests served at once; 16 times as many more wait, up to --max-in-flight-wait, and the rest are answered 503 at once (0: 64 per CPU)")
	maxInFlightWait := fs.Duration("max-in-flight-wait", DefaultInFlightWait, "the longest a request waits for its turn before it is answered 503")
	maxCalls := fs.Int("max-store-calls", 0, "calls in the store at once; 16 times as many more wait, up to --max-store-wait, and the rest are answered 503 at once (0: the store's read connections)")
	maxWait := fs.Duration("max-store-wait", limit.DefaultMaxWait, "the longest a request waits for a turn at the store before it is answered 503")
	throttleTarget := fs.Duration("throttle-target", 0, "when the 99th percentile of how long goroutines wait to run goes over this while calls to the store find it busy, those calls are cut to a rate under the one they come at, and the rest answered 503 at once; it trades served requests for their latency (0: no throttle; try 2ms)")
	standingWait := fs.Duration("standing-wait", limit.DefaultStandingWait, "the longest a request waits, for its turn or at the store, once that queue has not emptied for 100ms: a load past capacity, not a burst (at most the waits above)")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve takes no arguments, got %q", fs.Args())
	}
	if *cacheMB < 0 {
		return fmt.Errorf("--cache-mb %d: want 0 (no cache) or more", *cacheMB)
	}
	if *adminAddr != "" {
		if err := checkAdminAddr(*adminAddr); err != nil {
			return err
		}
	}
	if *logRequests < 0 || *logRequests > 1 {
		return fmt.Errorf("--log-requests %g: want a share from 0 to 1", *logRequests)
	}
	if *redisURL != "" && *cacheMB == 0 {
		return errors.New("--redis is a tier behind the in-process cache: give --cache-mb more than 0")
	}
	if *poll <= 0 {
		return fmt.Errorf("--catalog-poll %v: want a positive duration", *poll)
	}
	if *maxCalls < 0 || *maxWait <= 0 || *maxInFlight < 0 || *maxInFlightWait <= 0 {
		return fmt.Errorf("--max-in-flight %d, --max-store-calls %d: want 0 or more; --max-in-flight-wait %v, --max-store-wait %v: want positive waits",
			*maxInFlight, *maxCalls, *maxInFlightWait, *maxWait)
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("--log-level: %v", err)
	}
	logger := newLogger(stderr, lvl)

	store.logger = logger
	db, err := store.open(ctx, false)
	if err != nil {
		return err
	}
	defer db.Close()
	m := storeMetrics(db)
	info, err := db.CatalogInfo(ctx)
	if err != nil {
		return err
	}
	switch {
	case info.Generation == 0 && *demo > 0 && !isPostgres(*store.db):
		// Only the embedded store seeds itself: an empty production
		// database is a fact to report, not to paper over.
		if err := seedDemo(ctx, db, *demo, importProgress{metrics: m}, logger); err != nil {
			return fmt.Errorf("seed the demo catalog: %w", err)
		}
		logger.Info("the store was empty: seeded a demo catalog of generated products",
			"products", *demo, "db", redact(*store.db),
			"load_real_data", fmt.Sprintf("go run ./cmd/catalog load --db %s DIR   (DIR holds product.csv, styles.csv, …)", redact(*store.db)))
	case info.Generation == 0:
		logger.Warn("the catalog is empty: every product is 404 until a load", "db", redact(*store.db),
			"load", fmt.Sprintf("catalog load --db %s DIR", redact(*store.db)))
	default:
		logger.Info("serving catalog", "db", redact(*store.db), "generation", info.Generation, "products", info.Products,
			"loaded_at", info.LoadedAt)
	}

	var origins []string
	for _, o := range strings.Split(*cors, ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}
	var stats func() any // the cache's counters, for the admin listener
	cfg := cataloghttp.Config{Campus: *campus, RequestTimeout: *timeout, Logger: logger,
		CORS: cataloghttp.CORS{AllowOrigins: origins}, Catalog: db, Observer: m, LogSample: *logRequests}
	if *cacheMB > 0 {
		if _, ok := os.LookupEnv("GOMEMLIMIT"); !ok {
			// A soft limit: the heap of a full cache may not grow to twice
			// its size before the collector runs, as it would by GOGC alone.
			debug.SetMemoryLimit(int64(*cacheMB)<<20 + memoryHeadroom)
		}
		c := cache.New[cataloghttp.CacheKey](int64(*cacheMB) << 20)
		stats = func() any { return c.Stats() }
		m.WatchCache(func() metrics.CacheStats { return metrics.CacheStats(c.Stats()) })
		if *redisURL != "" {
			tier, err := redis.Open(*redisURL, redis.Options{Prefix: *redisPrefix})
			if err != nil {
				return err
			}
			defer tier.Close()
			if err := tier.Ping(ctx); err != nil {
				logger.Warn("the shared cache tier does not answer: serving without it until it does", "error", err)
			}
			c.WithRemote(tier, cataloghttp.CacheKey.String)
			m.WatchRemote(func() metrics.RemoteStats { return metrics.RemoteStats(tier.Stats()) })
			logger.Info("shared cache tier", "redis", redact(*redisURL))
		}
		c.SetGeneration(info.Generation)
		wctx, stopWatch := context.WithCancel(ctx)
		defer stopWatch()
		go c.Watch(wctx, db, *poll, func(err error) { logger.Warn("cannot read the catalog generation", "error", err) })
		cfg.Cache = c
	}
	if *maxCalls == 0 {
		*maxCalls = store.readConns()
	}
	var throttle *limit.Throttle
	if *throttleTarget > 0 {
		throttle = limit.NewThrottle(limit.ThrottleConfig{Target: *throttleTarget})
		go throttle.Run(ctx)
	}
	lim := limit.New(limit.Config{Calls: *maxCalls, MaxWait: *maxWait, StandingWait: *standingWait, Throttle: throttle})
	m.WatchLimiter(limiterStats(lim))
	if *maxInFlight == 0 {
		*maxInFlight = 64 * runtime.GOMAXPROCS(0)
	}
	admission := limit.New(limit.Config{Calls: *maxInFlight, MaxWait: *maxInFlightWait, StandingWait: *standingWait})
	m.WatchAdmission(limiterStats(admission))
	cfg.Admission = admission
	// Cart writes to one cart wait on each other, a burst of them longer
	// than a read would: they have a bound of their own, with a longer wait
	// that a standing queue does not cut (a queue of adds is one cart's).
	cartLim := limit.New(limit.Config{Calls: store.writeConns(), MaxWait: cartWait, StandingWait: cartWait})
	m.WatchCartLimiter(limiterStats(cartLim))
	srv := cataloghttp.NewServer(lim.Products(db), cartLim.Carts(db), cfg)
	if *adminAddr != "" {
		admin, err := startAdmin(*adminAddr, m.Handler(), stats, logger)
		if err != nil {
			return err
		}
		defer admin.Close()
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("listening", "addr", "http://"+ln.Addr().String())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests in flight", "grace", *grace)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), *grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// The grace ran out: close what is left before the store goes.
		logger.Warn("shutdown grace ran out: closing the connections left", "error", err)
		srv.Close()
	}
	if err := <-served; err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
}

// storeMetrics returns the metrics of a store: its catalog, and its pools
// where it has them.
func storeMetrics(db catalog.Store) *metrics.Metrics {
	m := metrics.New()
	m.WatchCatalog(db)
	if p, ok := db.(poolStater); ok {
		m.WatchPools(p.PoolStats)
	}
	return m
}

// limiterStats reads a limiter's counters for the metrics.
func limiterStats(l *limit.Limiter) func() metrics.LimiterStats {
	return func() metrics.LimiterStats { return metrics.LimiterStats(l.Stats()) }
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

// checkAdminAddr refuses an admin address that is not a loopback one:
// profiles are not for the public.
func checkAdminAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--admin-addr %q: %v", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--admin-addr %q: the admin listener serves profiles and must be on a loopback address", addr)
	}
	return nil
}

// startAdmin serves the admin endpoints (Prometheus metrics, the cache's
// counters, pprof) on addr.
func startAdmin(addr string, metrics http.Handler, cacheStats func() any, logger *slog.Logger) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin listener: %w (give --admin-addr another loopback port, or an empty one for none)", err)
	}
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
	return srv, nil
}
