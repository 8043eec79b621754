// Command carts measures what carts cost a store and that expiry gives the
// space back: on SQLite and on PostgreSQL, for --cycles cycles, it makes
// --carts new carts of --lines SKUs each, reads the carts' storage, lets a
// month pass (a fake clock) and expires them all. Space that expiry gives
// back and new carts reuse keeps the size flat from cycle to cycle. It
// prints a table.
//
//	go run ./bench/carts --carts 20000 --lines 3
//
// The carts go straight to the store (the same calls the HTTP handlers
// make), 8 at a time; the PostgreSQL database is a scratch one, dropped
// after. PostgreSQL gets a VACUUM of the cart table after the expiry, as
// autovacuum would give it: without one, new rows do not reuse the space.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"catalog"
	"catalog/csv"
	"catalog/generate"
	"catalog/internal/scratchdb"
	"catalog/postgres"
	"catalog/readmodel"
	"catalog/sqlite"
	"catalog/storetest"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "carts:", err)
		os.Exit(1)
	}
}

// trial is one store under the trial, and how to read its carts' bytes.
type trial struct {
	name  string
	store catalog.Store
	size  func(ctx context.Context) (int64, error)
	// settle runs after the expiry: what the engine needs to reuse space.
	settle func(ctx context.Context) error
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("carts", flag.ContinueOnError)
	carts := fs.Int("carts", 20_000, "carts made in each round")
	lines := fs.Int("lines", 3, "distinct SKUs in each cart (one unit each)")
	cycles := fs.Int("cycles", 4, "rounds of making carts, a month passing and expiring them all")
	server := fs.String("postgres", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "a PostgreSQL server where a scratch database is made")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "carts-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	data := filepath.Join(dir, "data")
	if _, err := generate.Write(ctx, data, generate.Options{Products: 2000, Seed: 1}); err != nil {
		return err
	}
	c := storetest.NewClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) // the stores' time, moved on by the trial

	lite, err := sqlite.Open(ctx, filepath.Join(dir, "c.db"), sqlite.WithClock(c.Now))
	if err != nil {
		return err
	}
	defer lite.Close()
	cartsFile, err := sql.Open("sqlite", sqlite.CartsPath(filepath.Join(dir, "c.db")))
	if err != nil {
		return err
	}
	defer cartsFile.Close()
	pgURL, drop, err := scratchdb.New(ctx, *server, "catalog_carts")
	if err != nil {
		return err
	}
	defer drop()
	pg, err := postgres.Open(ctx, pgURL, postgres.Config{Migrate: true, Now: c.Now})
	if err != nil {
		return err
	}
	defer pg.Close()
	pgConn, err := pgx.Connect(ctx, pgURL)
	if err != nil {
		return err
	}
	defer pgConn.Close(ctx)

	trials := []trial{
		{name: "SQLite", store: lite,
			size: func(ctx context.Context) (int64, error) {
				var pages, size int64
				err := cartsFile.QueryRowContext(ctx, `SELECT (SELECT page_count FROM pragma_page_count()),
					(SELECT page_size FROM pragma_page_size())`).Scan(&pages, &size)
				return pages * size, err
			},
			settle: func(context.Context) error { return nil }},
		{name: "PostgreSQL", store: pg,
			size: func(ctx context.Context) (int64, error) {
				var n int64
				err := pgConn.QueryRow(ctx, `SELECT pg_total_relation_size('cart')`).Scan(&n)
				return n, err
			},
			settle: func(ctx context.Context) error {
				_, err := pgConn.Exec(ctx, `VACUUM cart`)
				return err
			}},
	}
	fmt.Fprintf(out, "Settings: %d cycles of %d new carts of %d SKUs each (one unit each), made 8 at a time, then 31 days passing and every idle cart expired; a catalog of 2,000 generated products.\n\n", *cycles, *carts, *lines)
	fmt.Fprintf(out, "| store | bytes per cart line | one cycle's carts made in | size after each cycle's carts were made | size after the last expiry |\n|---|---:|---:|---|---:|\n")
	for _, tr := range trials {
		start := c.Now()
		row, err := tr.run(ctx, c, data, *carts, *lines, *cycles)
		if err != nil {
			return fmt.Errorf("%s: %w", tr.name, err)
		}
		c.Set(start) // the next store starts at the same time
		fmt.Fprintln(out, row)
	}
	fmt.Fprintf(out, "\nThe size is SQLite's carts file (its pages, the free ones included: an expiry puts pages on the free list, which new lines take), and PostgreSQL's pg_total_relation_size of the cart table, its indexes included. PostgreSQL got a VACUUM of the cart table after the expiry.\n")
	return nil
}

func (tr trial) run(ctx context.Context, c *storetest.Clock, data string, carts, lines, cycles int) (string, error) {
	rep, err := csv.Import(ctx, data, tr.store, csv.Options{})
	if err != nil || rep.Rejected() != 0 {
		return "", fmt.Errorf("import: %v, %d rejected", err, rep.Rejected())
	}
	skus, err := inStock(ctx, tr.store, lines)
	if err != nil {
		return "", err
	}
	before, err := tr.size(ctx)
	if err != nil {
		return "", err
	}
	n := int64(carts * len(skus))
	var perLine int64
	var took time.Duration
	var sizes []string
	for cycle := range cycles {
		start := time.Now()
		if err := makeCarts(ctx, tr.store, fmt.Sprintf("c%d", cycle), carts, skus); err != nil {
			return "", err
		}
		full, err := tr.size(ctx)
		if err != nil {
			return "", err
		}
		if cycle == 0 {
			perLine, took = (full-before)/n, time.Since(start)
		}
		c.Set(c.Now().Add(31 * 24 * time.Hour))
		expired, err := tr.store.ExpireCarts(ctx, c.Now().Add(-catalog.DefaultCartIdle))
		if err != nil {
			return "", err
		}
		if expired != n {
			return "", fmt.Errorf("cycle %d: %d lines expired, want %d", cycle+1, expired, n)
		}
		if err := tr.settle(ctx); err != nil {
			return "", err
		}
		sizes = append(sizes, mb(full))
	}
	after, err := tr.size(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("| %s | %d | %s | %s | %s |", tr.name, perLine, took.Round(time.Millisecond), strings.Join(sizes, ", "), mb(after)), nil
}

// inStock returns n SKUs with units in stock.
func inStock(ctx context.Context, s catalog.Store, n int) ([]int64, error) {
	var skus []int64
	for id := int64(1); len(skus) < n && id <= 2000; id++ {
		stored, err := s.FindDocument(ctx, id, catalog.DocStyles)
		if err != nil {
			continue
		}
		doc, err := readmodel.JSON(stored, id, catalog.DocStyles)
		if err != nil {
			return nil, fmt.Errorf("product %d's styles: %w", id, err)
		}
		var styles struct {
			Results []struct {
				SKUs map[string]struct{ Quantity *int64 } `json:"skus"`
			} `json:"results"`
		}
		if err := json.Unmarshal(doc, &styles); err != nil {
			return nil, fmt.Errorf("product %d's styles: %w", id, err)
		}
		for _, st := range styles.Results {
			for key, sku := range st.SKUs {
				skuID, err := strconv.ParseInt(key, 10, 64)
				if err == nil && sku.Quantity != nil && *sku.Quantity > 0 && len(skus) < n {
					skus = append(skus, skuID)
				}
			}
		}
	}
	if len(skus) < n {
		return nil, fmt.Errorf("only %d SKUs in stock", len(skus))
	}
	return skus, nil
}

// makeCarts makes carts carts named prefix-i, each with one unit of every SKU.
func makeCarts(ctx context.Context, s catalog.Store, prefix string, carts int, skus []int64) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i := range carts {
		g.Go(func() error {
			for _, sku := range skus {
				if err := s.AddToCart(ctx, fmt.Sprintf("%s-%d", prefix, i), sku, catalog.DefaultCartMaxSKUs); err != nil {
					return fmt.Errorf("add to cart: %w", err)
				}
			}
			return nil
		})
	}
	return g.Wait()
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
