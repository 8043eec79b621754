// Command explain prints, as Markdown, the PostgreSQL plan of each read
// endpoint's statement for a product among the last of the catalog and for
// a deep page, run on the catalog in the database given.
//
//	go run ./bench/explain --db postgres://…/catalog > docs/postgres-plans.md
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"catalog/postgres"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "explain:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	url := fs.String("db", "", "the PostgreSQL database holding a loaded catalog")
	id := fs.Int64("id", 0, "the product (default: the one at 95% of the catalog)")
	pages := fs.String("pages", "1,200000", "the pages of 5 products whose plans to show")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, *url, postgres.Config{})
	if err != nil {
		return err
	}
	defer db.Close()
	info, err := db.CatalogInfo(ctx)
	if err != nil {
		return err
	}
	if *id == 0 {
		*id = info.Products * 95 / 100
	}
	fmt.Fprintf(out, "# PostgreSQL plans of the read endpoints\n\n")
	fmt.Fprintf(out, "Made by `go run ./bench/explain` on a catalog of %d products (generation %d), for product %d and pages %s of 5 products. Each statement ran once before, so the plans show a warm cache.\n\n",
		info.Products, info.Generation, *id, *pages)
	shown := map[string]bool{}
	for _, p := range strings.Split(*pages, ",") {
		var page int64
		if _, err := fmt.Sscan(p, &page); err != nil {
			return fmt.Errorf("--pages: %v", err)
		}
		if _, err := db.Explain(ctx, *id, page, 5); err != nil { // warm up
			return err
		}
		plans, err := db.Explain(ctx, *id, page, 5)
		if err != nil {
			return err
		}
		for _, pl := range plans {
			title := pl.Endpoint
			if strings.Contains(title, "page=") {
				title = fmt.Sprintf("GET /products?page=%d&count=5", page)
			} else if shown[title] {
				continue
			}
			shown[title] = true
			fmt.Fprintf(out, "## %s\n\n```sql\n%s\n```\n\nParameters: %s.\n\n```\n%s\n```\n\n", title, dedent(pl.SQL), pl.Args, pl.Plan)
		}
	}
	return nil
}

// dedent removes the Go source's indentation from a statement.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, "\t")
	}
	return strings.Join(lines, "\n")
}
