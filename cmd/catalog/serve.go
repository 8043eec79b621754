package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"catalog"
	"catalog/csv"
	"catalog/generate"
	cataloghttp "catalog/http"
)

// DemoProducts is the size of the demo catalog an empty store is seeded with.
const DemoProducts = 10_000

func runServe(ctx context.Context, args []string, env environment, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "serve [flags]", stderr)
	store := addStoreFlags(fs)
	addr := fs.String("addr", "127.0.0.1:3000", "the address to listen on")
	campus := fs.String("campus", "hr-rfp", "the campus every product carries")
	demo := fs.Int("demo-products", DemoProducts, "products in the demo catalog seeded into an empty SQLite store (0: none)")
	timeout := fs.Duration("request-timeout", cataloghttp.DefaultRequestTimeout, "the longest a request may wait for the store")
	grace := fs.Duration("shutdown-timeout", 30*time.Second, "how long a shutdown waits for requests in flight")
	cors := fs.String("cors-origins", "*", "browser origins that may call the API, comma-separated: * for any (without cookies), or origins such as https://shop.example (with cookies); empty for none")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve takes no arguments, got %q", fs.Args())
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("--log-level: %v", err)
	}
	logger := newLogger(stderr, lvl)

	db, err := store.open(ctx, false)
	if err != nil {
		return err
	}
	defer db.Close()
	info, err := db.CatalogInfo(ctx)
	if err != nil {
		return err
	}
	switch {
	case info.Generation == 0 && *demo > 0 && !isPostgres(*store.db):
		// Only the embedded store seeds itself: an empty production
		// database is a fact to report, not to paper over.
		if err := seedDemo(ctx, db, *demo, logger); err != nil {
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

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	var origins []string
	for _, o := range strings.Split(*cors, ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}
	srv := cataloghttp.NewServer(db, db, cataloghttp.Config{Campus: *campus, RequestTimeout: *timeout, Logger: logger,
		CORS: cataloghttp.CORS{AllowOrigins: origins}})
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

// seedDemo generates a small dataset and loads it through the importer, as
// a user's files would be.
func seedDemo(ctx context.Context, store catalog.Loader, products int, logger *slog.Logger) error {
	dir, err := os.MkdirTemp("", "catalog-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	logger.Info("the store is empty: generating a demo catalog", "products", products)
	if _, err := generate.Write(ctx, dir, generate.Options{Products: products, Seed: 1}); err != nil {
		return err
	}
	rep, err := csv.Import(ctx, dir, store, csv.Options{})
	if err != nil {
		return err
	}
	if n := rep.Rejected(); n > 0 {
		return errors.New("bug: the generated demo catalog had rejected rows")
	}
	return nil
}
