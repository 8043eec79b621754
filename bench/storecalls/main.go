// Command storecalls measures the catalog stores side by side: the time to
// import one generated dataset into SQLite and into PostgreSQL, then the
// latency of each store call over random product ids, the two stores
// interleaved in rounds so that a noisy machine weighs on both alike. It
// prints its settings and a Markdown table.
//
//	go run ./bench/storecalls --products 100000 --calls 10000
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"catalog"
	"catalog/csv"
	"catalog/generate"
	"catalog/internal/scratchdb"
	"catalog/postgres"
	"catalog/sqlite"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "storecalls:", err)
		os.Exit(1)
	}
}

type store struct {
	name   string
	s      catalog.Store
	load   time.Duration
	lat    map[string][]time.Duration
	errors int
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("storecalls", flag.ContinueOnError)
	products := fs.Int("products", 100_000, "products in the generated dataset")
	calls := fs.Int("calls", 10_000, "calls per endpoint per store")
	rounds := fs.Int("rounds", 10, "rounds the calls are split into, alternating the stores")
	seed := fs.Uint64("seed", 1, "dataset and id seed")
	server := fs.String("postgres", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "a PostgreSQL server where a scratch database is made")
	work := fs.String("dir", "", "working directory (default: a new temporary one, removed after)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir := *work
	if dir == "" {
		d, err := os.MkdirTemp("", "storecalls-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	fmt.Fprintf(out, "# Store calls, SQLite and PostgreSQL side by side\n\n")
	fmt.Fprintf(out, "Settings: %d generated products (seed %d); %d calls per endpoint per store, in %d alternating rounds, one caller; ids uniform over all products. Go %s, GOMAXPROCS %d.\n\n",
		*products, *seed, *calls, *rounds, runtime.Version(), runtime.GOMAXPROCS(0))

	data := filepath.Join(dir, "data")
	start := time.Now()
	if _, err := generate.Write(ctx, data, generate.Options{Products: *products, Seed: *seed}); err != nil {
		return err
	}
	fmt.Fprintf(out, "Generated the dataset in %s.\n\n", time.Since(start).Round(time.Millisecond))

	lite, err := sqlite.Open(ctx, filepath.Join(dir, "bench.db"))
	if err != nil {
		return err
	}
	defer lite.Close()
	pgURL, drop, err := scratchdb.New(ctx, *server, "catalog_storecalls")
	if err != nil {
		return err
	}
	defer drop()
	pg, err := postgres.Open(ctx, pgURL, postgres.Config{Migrate: true})
	if err != nil {
		return err
	}
	defer pg.Close()

	stores := []*store{{name: "SQLite", s: lite}, {name: "PostgreSQL", s: pg}}
	for _, st := range stores {
		start := time.Now()
		rep, err := csv.Import(ctx, data, st.s, csv.Options{})
		if err != nil {
			return fmt.Errorf("import into %s: %w", st.name, err)
		}
		if rep.Rejected() != 0 {
			return fmt.Errorf("import into %s rejected rows", st.name)
		}
		st.load = time.Since(start)
		st.lat = map[string][]time.Duration{}
	}

	endpoints := []struct {
		name string
		call func(ctx context.Context, s catalog.Store, id int64) error
	}{
		{"ListProducts (count 5)", func(ctx context.Context, s catalog.Store, id int64) error {
			_, err := s.ListProducts(ctx, catalog.Page{Number: (id + 4) / 5, Size: 5})
			return err
		}},
		{"FindDocument (product)", func(ctx context.Context, s catalog.Store, id int64) error {
			_, err := s.FindDocument(ctx, id, catalog.DocProduct)
			return err
		}},
		{"FindDocument (styles)", func(ctx context.Context, s catalog.Store, id int64) error {
			_, err := s.FindDocument(ctx, id, catalog.DocStyles)
			return err
		}},
		{"FindDocument (related)", func(ctx context.Context, s catalog.Store, id int64) error {
			_, err := s.FindDocument(ctx, id, catalog.DocRelated)
			return err
		}},
		{"Cart", func(ctx context.Context, s catalog.Store, id int64) error {
			_, err := s.Cart(ctx, fmt.Sprint(id))
			return err
		}},
	}
	r := rand.New(rand.NewPCG(*seed, 2))
	perRound := *calls / *rounds
	for round := 0; round < *rounds; round++ {
		for _, ep := range endpoints {
			ids := make([]int64, perRound)
			for i := range ids {
				ids[i] = 1 + r.Int64N(int64(*products))
			}
			order := stores
			if round%2 == 1 {
				order = []*store{stores[1], stores[0]}
			}
			for _, st := range order {
				for _, id := range ids {
					t := time.Now()
					err := ep.call(ctx, st.s, id)
					st.lat[ep.name] = append(st.lat[ep.name], time.Since(t))
					if err != nil {
						st.errors++
					}
				}
			}
		}
	}

	fmt.Fprintf(out, "| | %s | %s |\n|---|---:|---:|\n", stores[0].name, stores[1].name)
	fmt.Fprintf(out, "| import (generate excluded) | %s | %s |\n", stores[0].load.Round(time.Millisecond), stores[1].load.Round(time.Millisecond))
	for _, ep := range endpoints {
		var cells []string
		for _, st := range stores {
			cells = append(cells, summary(st.lat[ep.name]))
		}
		fmt.Fprintf(out, "| %s: p50 / p99 / max | %s |\n", ep.name, strings.Join(cells, " | "))
	}
	fmt.Fprintf(out, "| errors | %d | %d |\n", stores[0].errors, stores[1].errors)
	return nil
}

func summary(d []time.Duration) string {
	s := slices.Clone(d)
	slices.Sort(s)
	q := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	f := func(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d.Nanoseconds())/1e3) }
	return f(q(0.50)) + " / " + f(q(0.99)) + " / " + f(s[len(s)-1])
}
