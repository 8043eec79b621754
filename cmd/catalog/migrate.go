package main

import (
	"context"
	"fmt"
	"io"
)

func runMigrate(ctx context.Context, args []string, env environment, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", "migrate [flags]", stderr)
	store := defaultStoreConfig()
	store.flags(fs)
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("migrate takes no arguments, got %q", fs.Args())
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
	fmt.Fprintf(stdout, "%s: schema up to date; catalog generation %d, %d products\n", redact(store.DB), info.Generation, info.Products)
	return nil
}
