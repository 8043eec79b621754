package postgres_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"catalog"
	"catalog/internal/pgtest"
	"catalog/internal/schema"
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
	var ve *schema.VersionError
	if !errors.As(err, &ve) || ve.Have != 0 || ve.Want != postgres.SchemaVersion() {
		t.Fatalf("open of an empty database: %v, want a refusal naming no schema", err)
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
// another of the lost ones.
func TestRead_AllConnectionsLost(t *testing.T) {
	db, conn := openLoadedWithConn(t)
	if err := afterAllLost(t, db, conn, func() error { _, err := db.FindDocument(context.Background(), 1, catalog.DocProduct); return err }); err != nil {
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
		{"add", func() error { return db.AddToCart(ctx, session, sku, 0) }},
		{"read", func() error { _, err := db.Cart(ctx, session); return err }},
	} {
		if err := afterAllLost(t, db, conn, step.call); err != nil {
			t.Fatalf("the first cart %s after every connection was lost: %v", step.name, err)
		}
	}
	items, err := db.Cart(ctx, session)
	if err != nil || len(items) != 1 || items[0].SKUID != sku || items[0].Count != 1 {
		t.Fatalf("the cart holds %+v (%v), want one unit of SKU %d", items, err, sku)
	}
}

// An add that failed before its commit made nothing, and is tried again;
// one whose commit failed may have been made, and is not (it answers
// unavailable), even when the failure is one a retry would cure. A
// trigger makes the failure, a serialization failure, and counts the tries
// in a sequence, which no rollback undoes.
func TestAddToCart_Failures(t *testing.T) {
	for _, tc := range []struct {
		name, fails, trigger string
		wantErr              bool
		tries, units         int64
	}{
		{"before the commit", "nextval('tries') = 1",
			"CREATE TRIGGER fail BEFORE INSERT ON cart FOR EACH ROW", false, 2, 1},
		{"at the commit", "nextval('tries') > 0",
			"CREATE CONSTRAINT TRIGGER fail AFTER INSERT ON cart DEFERRABLE INITIALLY DEFERRED FOR EACH ROW", true, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db, conn := openLoadedWithConn(t)
			for _, q := range []string{
				`CREATE SEQUENCE tries`,
				`CREATE FUNCTION fail() RETURNS trigger LANGUAGE plpgsql AS $$
					BEGIN
						IF ` + tc.fails + ` THEN
							RAISE EXCEPTION 'the add fails' USING ERRCODE = '40001';
						END IF;
						RETURN NEW;
					END $$`,
				tc.trigger + ` EXECUTE FUNCTION fail()`,
			} {
				if _, err := conn.Exec(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			session, sku := "0123456789abcdef0123456789abcdef", storetest.NewFixture().SKUs[0].ID
			err := db.AddToCart(ctx, session, sku, 0)
			if tc.wantErr != (err != nil) || (err != nil && catalog.ErrorCode(err) != catalog.EUNAVAILABLE) {
				t.Fatalf("AddToCart: %v, want an error %v (unavailable)", err, tc.wantErr)
			}
			var tries int64
			if err := conn.QueryRow(ctx, `SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM tries`).Scan(&tries); err != nil {
				t.Fatal(err)
			}
			items, err := db.Cart(ctx, session)
			if err != nil {
				t.Fatal(err)
			}
			var units int64
			for _, it := range items {
				units += it.Count
			}
			if tries != tc.tries || units != tc.units {
				t.Errorf("%d tries, %d units in the cart; want %d and %d", tries, units, tc.tries, tc.units)
			}
		})
	}
}

// afterAllLost ends every connection of db's pool, each used just before,
// and returns what call then returns. The pool checks a connection that has
// been idle for a second before it lends it, and would find the loss
// itself, so call must come within a second of that use: if ending the
// connections took longer, it tries again, up to 5 times.
func afterAllLost(t *testing.T, db *postgres.DB, conn *pgx.Conn, call func() error) error {
	t.Helper()
	for range 5 {
		used := warmPool(t, db)
		endBackends(t, conn)
		if time.Since(used) < 800*time.Millisecond {
			return call()
		}
	}
	t.Fatal("ending the pool's connections took a second or more, 5 times")
	return nil
}

// warmPool uses db's pool, with 16 reads at once, until it holds 3
// connections or more, and returns when it last used them.
func warmPool(t *testing.T, db *postgres.DB) time.Time {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() { db.FindDocument(context.Background(), 1, catalog.DocStyles) })
		}
		wg.Wait()
		if db.PoolStats()[0].Conns >= 3 {
			return time.Now()
		}
		if time.Now().After(deadline) {
			t.Fatalf("the pool opened %d connections, want 3 or more", db.PoolStats()[0].Conns)
		}
	}
}

// endBackends ends every other session of conn's database, and waits until
// each has ended, not only been asked to (up to 5 s).
func endBackends(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	const others = `FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`
	if _, err := conn.Exec(ctx, `SELECT pg_terminate_backend(pid) `+others); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		var left int
		if err := conn.QueryRow(ctx, `SELECT count(*) `+others).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions still there 5 s after they were ended", left)
		}
	}
}

func TestLoad_Leftovers(t *testing.T) {
	ctx := context.Background()
	db, conn := openLoadedWithConn(t)
	storetest.LoadLeftovers(t, db, func(q string) error { _, err := conn.Exec(ctx, q); return err }, func() (n int, err error) {
		err = conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'
			AND (tablename LIKE '%\_new' OR tablename LIKE '%\_old')`).Scan(&n)
		return n, err
	})
}

func TestStaleReadModel(t *testing.T) {
	db, conn := openLoadedWithConn(t)
	storetest.StaleReadModel(t, db, func() error {
		_, err := conn.Exec(context.Background(), `UPDATE catalog_meta SET docs_format = 0`)
		return err
	})
}

func TestHistoryWindow(t *testing.T) {
	db, conn := openLoadedWithConn(t)
	storetest.HistoryWindow(t, db, func() (n int, err error) {
		err = conn.QueryRow(context.Background(), `SELECT count(*) FROM catalog_changes`).Scan(&n)
		return n, err
	})
}

func TestFindDocument_ReadsTheReadModel(t *testing.T) {
	db, conn := openLoadedWithConn(t)
	storetest.DocumentsAreRead(t, db, func() error {
		_, err := conn.Exec(context.Background(), `UPDATE product_docs SET product = $1 WHERE id = 1`, []byte(storetest.Marked))
		return err
	})
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
	if len(plans) != 6 {
		t.Fatalf("%d plans, want 6", len(plans))
	}
	for _, p := range plans {
		if !strings.Contains(p.Plan, "Execution Time") || p.SQL == "" {
			t.Errorf("%s: plan %q", p.Endpoint, p.Plan)
		}
	}
}

// Readers through a cache keyed by versions never get a document older
// than what the versions have seen, while deltas and reloads come and go;
// through Redis too.
func TestVersionedReads(t *testing.T) {
	storetest.RunVersionedReads(t, func(t *testing.T) catalog.Store { return MustOpenDB(t, time.Now) })
}

// TestExpireCarts_SkipsACartBeingAddedTo: an add holds its cart's lock
// until it commits; expiry leaves that cart alone rather than delete its
// lines from under the add.
func TestExpireCarts_SkipsACartBeingAddedTo(t *testing.T) {
	ctx := context.Background()
	clock := storetest.NewClock(storetest.T0)
	url := pgtest.NewDatabase(t)
	db, err := postgres.Open(ctx, url, postgres.Config{Migrate: true, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.Load(t, db, storetest.NewFixture())
	for _, session := range []string{"busy", "idle"} {
		if err := db.AddToCart(ctx, session, 9, 0); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('busy'), 0)`); err != nil {
		t.Fatal(err)
	}
	n, err := db.ExpireCarts(ctx, storetest.T0.Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("ExpireCarts: %d lines, %v; want the idle cart's 1", n, err)
	}
	if items, err := db.Cart(ctx, "busy"); err != nil || len(items) != 1 {
		t.Fatalf("the cart being added to: %v, %v; want it kept", items, err)
	}
}

func TestReviewWritesDropped(t *testing.T) {
	storetest.ReviewWritesDropped(t, func(tb testing.TB, now func() time.Time) catalog.Store {
		db, err := postgres.Open(context.Background(), pgtest.NewDatabase(tb), postgres.Config{Migrate: true, Now: now, DropWrites: true})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
		return db
	})
}

// A database of schema 9, whose review_stats held only the counts of the
// products with reviews, migrates to review_stats as each product's meta:
// every product's meta reads as it did, a product with characteristics
// and no reviews (3) included.
func TestMigrate_ReviewMetaRow(t *testing.T) {
	ctx := context.Background()
	db, conn := openLoadedWithConn(t)
	products := []int64{1, 2, 3, 4, 99}
	want := make(map[int64]catalog.ReviewMeta)
	for _, id := range products {
		m, err := db.ReviewMeta(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want[id] = m
	}
	db.Close()
	for _, s := range []string{
		`ALTER TABLE review_stats DROP COLUMN char_ids, DROP COLUMN char_names, DROP COLUMN char_votes, DROP COLUMN char_sums`,
		`DELETE FROM review_stats WHERE rated_1 + rated_2 + rated_3 + rated_4 + rated_5 = 0`,
		`UPDATE schema_version SET version = 9`,
	} {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	db, err := postgres.Open(ctx, conn.Config().ConnString(), postgres.Config{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, id := range products {
		got, err := db.ReviewMeta(ctx, id)
		if err != nil || !reflect.DeepEqual(got, want[id]) {
			t.Errorf("product %d after the migration: %+v, %v; want %+v", id, got, err, want[id])
		}
	}
	if len(want[3].Characteristics) != 1 {
		t.Fatalf("product 3: %+v, want its one characteristic", want[3])
	}
}
