package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"catalog"
	"catalog/internal/pgtest"
	"catalog/postgres"
	"catalog/storetest"
)

// MustOpenDB opens a store on a new database, migrated, closed when the
// test ends.
func MustOpenDB(tb testing.TB, now func() time.Time) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), pgtest.NewDatabase(tb), postgres.Config{Migrate: true, Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestDB_Store(t *testing.T) {
	storetest.Run(t, func(tb testing.TB, now func() time.Time) catalog.Store { return MustOpenDB(tb, now) })
}

func TestOpen_Schema(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	_, err := postgres.Open(ctx, url, postgres.Config{})
	if err == nil || !strings.Contains(err.Error(), "catalog migrate") {
		t.Fatalf("open of an empty database: %v, want a refusal that says to migrate", err)
	}
	db, err := postgres.Open(ctx, url, postgres.Config{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = postgres.Open(ctx, url, postgres.Config{})
	if err != nil {
		t.Fatalf("open of a migrated database: %v", err)
	}
	db.Close()
	// Migrating again changes nothing.
	db, err = postgres.Open(ctx, url, postgres.Config{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "UPDATE schema_version SET version = 999"); err != nil {
		t.Fatal(err)
	}
	for _, migrate := range []bool{false, true} {
		_, err = postgres.Open(ctx, url, postgres.Config{Migrate: migrate})
		if err == nil || !strings.Contains(err.Error(), "newer than this program") {
			t.Fatalf("open (migrate %v) of a newer schema: %v", migrate, err)
		}
	}
}

func TestOpen_Unreachable(t *testing.T) {
	ctx := context.Background()
	_, err := postgres.Open(ctx, "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2", postgres.Config{})
	if catalog.ErrorCode(err) != catalog.EUNAVAILABLE {
		t.Fatalf("err = %v (code %q), want EUNAVAILABLE", err, catalog.ErrorCode(err))
	}
}

// openLoadedWithConn opens a store of a new database holding the fixture,
// and a plain connection to the database for a test to look or meddle with.
func openLoadedWithConn(t *testing.T) (*postgres.DB, *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	db, err := postgres.Open(ctx, url, postgres.Config{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	storetest.Load(t, db, storetest.NewFixture())
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return db, conn
}

// When every connection of the pool is lost at once, as when the database
// restarts, a read still answers: its retry takes a new connection, not
// another of the lost ones (the pool checks only connections idle for a
// second before it lends them).
func TestRead_AllConnectionsLost(t *testing.T) {
	ctx := context.Background()
	db, conn := openLoadedWithConn(t)
	warmPool(t, db)
	endBackends(t, conn)
	if _, err := db.FindProduct(ctx, 1); err != nil {
		t.Fatalf("the first read after every connection was lost: %v", err)
	}
}

// The same for carts: a cart read, and an add that failed before its
// commit (so it cannot have been made), are tried again on a new
// connection, and the add is made once.
func TestCart_AllConnectionsLost(t *testing.T) {
	ctx := context.Background()
	db, conn := openLoadedWithConn(t)
	session, sku := "0123456789abcdef0123456789abcdef", storetest.NewFixture().SKUs[0].ID
	for _, step := range []struct {
		name string
		call func() error
	}{
		{"add", func() error { return db.AddToCart(ctx, session, sku) }},
		{"read", func() error { _, err := db.Cart(ctx, session); return err }},
	} {
		warmPool(t, db)
		endBackends(t, conn)
		if err := step.call(); err != nil {
			t.Fatalf("the first cart %s after every connection was lost: %v", step.name, err)
		}
	}
	items, err := db.Cart(ctx, session)
	if err != nil || len(items) != 1 || items[0].SKUID != sku || items[0].Count != 1 {
		t.Fatalf("the cart holds %+v (%v), want one unit of SKU %d", items, err, sku)
	}
}

// warmPool has db's pool open 3 connections or more.
func warmPool(t *testing.T, db *postgres.DB) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); db.PoolStats()[0].Conns < 3; {
		if time.Now().After(deadline) {
			t.Fatalf("the pool opened %d connections, want 3 or more", db.PoolStats()[0].Conns)
		}
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() { db.FindStyles(context.Background(), 1) })
		}
		wg.Wait()
	}
}

// endBackends ends every other session of conn's database, and waits until
// each has ended, not only been asked to (up to 5 s).
func endBackends(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), `SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
}

// An interrupted load leaves its tables behind; the next load clears them,
// and the catalog being served is untouched.
func TestLoad_Leftovers(t *testing.T) {
	ctx := context.Background()
	db, conn := openLoadedWithConn(t)
	for _, q := range []string{
		"CREATE TABLE products_new (id integer, junk text)",
		"INSERT INTO products_new VALUES (1, 'half-loaded')",
		"CREATE TABLE styles_old (id integer)",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.FindProduct(ctx, 1); err != nil {
		t.Fatalf("serving with leftovers present: %v", err)
	}
	storetest.Load(t, db, storetest.NewFixture())
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'
		AND (tablename LIKE '%\_new' OR tablename LIKE '%\_old')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d leftover tables remain after a load", n)
	}
	info, err := db.CatalogInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Generation != 2 || info.Products != 6 {
		t.Fatalf("info = %+v, want generation 2 with 6 products", info)
	}
}

// A load leaves its tables vacuumed: every page all-visible, so reads
// neither dirty pages to set hint bits nor visit the heap from index-only
// scans.
func TestLoad_Vacuumed(t *testing.T) {
	ctx := context.Background()
	_, conn := openLoadedWithConn(t)
	rows, err := conn.Query(ctx, `SELECT relname, relpages, relallvisible FROM pg_class
		WHERE relname IN ('products', 'features', 'styles', 'photos', 'skus', 'related') ORDER BY relname`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name string
		var pages, visible int32
		if err := rows.Scan(&name, &pages, &visible); err != nil {
			t.Fatal(err)
		}
		n++
		if pages == 0 || visible != pages {
			t.Errorf("%s: %d of %d pages all-visible after a load", name, visible, pages)
		}
	}
	if err := rows.Err(); err != nil || n != 6 {
		t.Fatalf("%d tables, %v", n, err)
	}
}

func TestDB_Explain(t *testing.T) {
	db := MustOpenDB(t, time.Now)
	storetest.Load(t, db, storetest.NewFixture())
	plans, err := db.Explain(context.Background(), 1, 1, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 5 {
		t.Fatalf("%d plans, want 5", len(plans))
	}
	for _, p := range plans {
		if !strings.Contains(p.Plan, "Execution Time") || p.SQL == "" {
			t.Errorf("%s: plan %q", p.Endpoint, p.Plan)
		}
	}
}
