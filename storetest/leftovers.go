package storetest

import (
	"context"
	"testing"

	"catalog"
)

// LoadLeftovers tests that the tables an interrupted load leaves behind are
// cleared by the next load, and that the catalog being served is untouched
// meanwhile. s holds the fixture, loaded once; exec runs a statement on its
// database behind its back, and leftovers counts the tables there named
// <table>_new or <table>_old.
func LoadLeftovers(t *testing.T, s catalog.Store, exec func(query string) error, leftovers func() (int, error)) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{
		"CREATE TABLE products_new (id integer, junk text)",
		"INSERT INTO products_new VALUES (1, 'half-loaded')",
		"CREATE TABLE styles_old (id integer)",
	} {
		if err := exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.FindDocument(ctx, 1, catalog.DocProduct); err != nil {
		t.Fatalf("serving with leftovers present: %v", err)
	}
	Load(t, s, NewFixture())
	n, err := leftovers()
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d leftover tables remain after a load", n)
	}
	info, err := s.CatalogInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Generation != 2 || info.Products != 6 {
		t.Fatalf("info = %+v, want generation 2 with 6 products", info)
	}
}
