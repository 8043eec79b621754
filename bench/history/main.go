// Command history measures what a store's history of changes costs an
// instance that starts: it applies --deltas deltas of --products products
// each to a loaded store (each product's row again with a new name, so
// that every one is a change), then reads the history as serve does at
// start (catalog.ChangeLog.Changes after generation 0, taken in by
// catalog.Versions) and prints the rows read, the time the read took and
// the heap the versions hold.
//
//	go run ./bench/history --db catalog.db --deltas 1000 --products 1000
//
// The store is changed for good: use a scratch copy.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"time"

	"catalog"
	"catalog/postgres"
	"catalog/sqlite"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "history:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	db := fs.String("db", "catalog.db", "the store: a SQLite file, or a postgres:// URL")
	deltas := fs.Int("deltas", 1000, "deltas to apply (0: only read the history)")
	products := fs.Int("products", 1000, "products each delta changes")
	seed := fs.Uint64("seed", 1, "the seed of the products drawn")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	info, err := store.CatalogInfo(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "store %s: generation %d, %d products; %d deltas of %d products (seed %d)\n",
		*db, info.Generation, info.Products, *deltas, *products, *seed)
	r := rand.New(rand.NewPCG(*seed, 0x4157))
	start := time.Now()
	for i := range *deltas {
		if err := applyDelta(ctx, store, r, info.Products, *products, i); err != nil {
			return fmt.Errorf("delta %d: %w", i+1, err)
		}
		if (i+1)%100 == 0 {
			fmt.Fprintf(out, "  %d deltas applied in %s\n", i+1, time.Since(start).Round(time.Millisecond))
		}
	}
	return readHistory(ctx, store, out)
}

// applyDelta changes n products drawn from ids 1 to max: their rows again,
// with a new name.
func applyDelta(ctx context.Context, store catalog.Store, r *rand.Rand, maxID int64, n, round int) error {
	d, err := store.BeginDelta(ctx)
	if err != nil {
		return err
	}
	defer d.Rollback()
	ids := map[int64]bool{}
	for len(ids) < n {
		ids[1+r.Int64N(maxID)] = true
	}
	live, err := d.Parents(ctx, catalog.EntityProduct, keys(ids))
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	rows := make([]catalog.Product, 0, len(live))
	for id := range live {
		rows = append(rows, catalog.Product{ID: id, Name: fmt.Sprintf("history bench %d", round), DefaultPrice: 100, CreatedAt: now, UpdatedAt: now})
	}
	if err := d.AddProducts(ctx, rows); err != nil {
		return err
	}
	return d.Commit(ctx)
}

// readHistory reads the whole history as an instance does at start.
func readHistory(ctx context.Context, store catalog.Store, out io.Writer) error {
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	h, err := store.Changes(ctx, 0)
	if err != nil {
		return err
	}
	read := time.Since(start)
	v := catalog.NewVersions()
	v.Apply(h)
	took := time.Since(start)
	rows := 0
	for _, c := range h.Changes {
		rows += len(c.Products)
	}
	from, to, generations := h.From, h.To, len(h.Changes)
	h = catalog.History{}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	fmt.Fprintf(out, "history: generations %d to %d, %d generations with changes, %d rows\n", from, to, generations, rows)
	fmt.Fprintf(out, "start-up read: %s reading, %s with the versions taken in; the versions hold %.1f MB of heap\n",
		read.Round(time.Millisecond), took.Round(time.Millisecond), float64(after.HeapAlloc-before.HeapAlloc)/1e6)
	runtime.KeepAlive(v)
	return nil
}

func keys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func open(ctx context.Context, db string) (catalog.Store, error) {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return postgres.Open(ctx, db, postgres.Config{})
	}
	return sqlite.Open(ctx, db)
}
