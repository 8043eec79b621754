package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"catalog/readmodel"
)

func runMigrate(ctx context.Context, args []string, env environment, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", "migrate [flags]", stderr)
	store := defaultStoreConfig()
	store.flags(fs)
	if _, err := env.parseArgs(fs, args); err != nil {
		return err
	}
	db, err := store.open(ctx, true, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	info, err := db.CatalogInfo(ctx)
	if err != nil {
		return err
	}
	if info.Generation > 0 && info.Format != readmodel.Format {
		fmt.Fprintf(stdout, "%s: the documents are in format %d; building them in format %d, as a new generation of the same catalog…\n",
			redact(store.DB), info.Format, readmodel.Format)
		start := time.Now()
		if err := db.Rebuild(ctx); err != nil {
			return fmt.Errorf("build the read model: %w", err)
		}
		if info, err = db.CatalogInfo(ctx); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: read model built in %s\n", redact(store.DB), time.Since(start).Round(time.Millisecond))
	}
	fmt.Fprintf(stdout, "%s: schema and read model up to date; catalog generation %d, %d products\n", redact(store.DB), info.Generation, info.Products)
	return nil
}
