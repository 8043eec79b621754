package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"catalog"
	"catalog/sqlite"
	"catalog/storetest"
)

// MustOpenDB opens a new database in a temporary directory, closed when the
// test ends.
func MustOpenDB(tb testing.TB, now func() time.Time) *sqlite.DB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "catalog.db")
	db, err := sqlite.Open(context.Background(), path, sqlite.WithClock(now))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

func TestDB_Store(t *testing.T) {
	storetest.Run(t, func(tb testing.TB, now func() time.Time) catalog.Store { return MustOpenDB(tb, now) })
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	t.Run("Reopen", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "catalog.db")
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		storetest.Load(t, db, storetest.NewFixture())
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		db, err = sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		info, err := db.CatalogInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Generation != 1 || info.Products != 6 {
			t.Fatalf("after reopening: %+v, want generation 1 with 6 products", info)
		}
	})
	// Two processes opening a new file at once (a load and a serve, two
	// loads) both succeed: the schema is migrated once, under a lock.
	t.Run("Concurrent", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "catalog.db")
		const openers = 4
		errs := make(chan error, openers)
		for range openers {
			go func() {
				db, err := sqlite.Open(ctx, path)
				if err == nil {
					err = db.Close()
				}
				errs <- err
			}()
		}
		for range openers {
			if err := <-errs; err != nil {
				t.Errorf("concurrent open: %v", err)
			}
		}
	})
	// A catalog loaded before catalog_meta kept its product count is
	// counted when the store opens.
	t.Run("CountsOlderCatalog", func(t *testing.T) {
		db, raw := openLoadedWithRaw(t)
		db.Close()
		if _, err := raw.Exec("UPDATE catalog_meta SET products = 0"); err != nil {
			t.Fatal(err)
		}
		db, err := sqlite.Open(ctx, dbPath(t, raw))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if info, err := db.CatalogInfo(ctx); err != nil || info.Products != 6 {
			t.Fatalf("CatalogInfo = %+v, %v; want 6 products", info, err)
		}
	})
	// A file that is up to date opens while another connection holds the
	// write lock, as a load does for its batches and indexes.
	t.Run("WhileWriteLocked", func(t *testing.T) {
		db, raw := openLoadedWithRaw(t)
		db.Close()
		holdWriteLock(t, raw)
		start := time.Now()
		db, err := sqlite.Open(ctx, dbPath(t, raw))
		if err != nil {
			t.Fatalf("open while write-locked: %v after %v", err, time.Since(start))
		}
		defer db.Close()
		if _, err := db.FindDocument(ctx, 1, catalog.DocProduct); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrNewerSchema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "catalog.db")
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec("PRAGMA user_version = 999"); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		_, err = sqlite.Open(ctx, path)
		if err == nil || !strings.Contains(err.Error(), "newer than this program knows") {
			t.Fatalf("err = %v, want a refusal of the newer schema", err)
		}
	})
	t.Run("WAL", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "catalog.db")
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var mode string
		if err := raw.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" {
			t.Fatalf("journal_mode = %q, want wal", mode)
		}
	})
}

// openLoadedWithRaw opens a store holding the fixture, and a plain
// connection pool to its catalog file for a test to meddle with.
func openLoadedWithRaw(t *testing.T) (*sqlite.DB, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "catalog.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	storetest.Load(t, db, storetest.NewFixture())
	raw, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return db, raw
}

func TestLoad_Leftovers(t *testing.T) {
	db, raw := openLoadedWithRaw(t)
	storetest.LoadLeftovers(t, db, func(q string) error { _, err := raw.Exec(q); return err }, func() (n int, err error) {
		err = raw.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name LIKE '%\_new' ESCAPE '\' OR name LIKE '%\_old' ESCAPE '\'`).Scan(&n)
		return n, err
	})
}

func TestHistoryWindow(t *testing.T) {
	db, raw := openLoadedWithRaw(t)
	storetest.HistoryWindow(t, db, func() (n int, err error) {
		err = raw.QueryRow(`SELECT count(*) FROM catalog_changes`).Scan(&n)
		return n, err
	})
}

func TestStaleReadModel(t *testing.T) {
	db, raw := openLoadedWithRaw(t)
	storetest.StaleReadModel(t, db, func() error {
		_, err := raw.Exec(`UPDATE catalog_meta SET docs_format = 0`)
		return err
	})
}

func TestFindDocument_ReadsTheReadModel(t *testing.T) {
	db, raw := openLoadedWithRaw(t)
	storetest.DocumentsAreRead(t, db, func() error {
		_, err := raw.Exec(`UPDATE product_docs SET product = ? WHERE id = 1`, []byte(storetest.Marked))
		return err
	})
}

// A cart write does not wait for the catalog file's write lock, which a
// load holds for whole statements (an index build) at a time.
func TestAddToCart_DuringCatalogWrite(t *testing.T) {
	ctx := context.Background()
	db, raw := openLoadedWithRaw(t)
	holdWriteLock(t, raw)

	start := time.Now()
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := db.AddToCart(cctx, "s", 9, 0); err != nil {
		t.Fatalf("add to cart while the catalog file is locked: %v", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("add to cart took %v while the catalog file was locked", took)
	}
	var carts string
	if err := raw.QueryRow(`SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&carts); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sqlite.CartsPath(carts)); err != nil {
		t.Fatalf("carts file: %v", err)
	}
}

// holdWriteLock takes the write lock of raw's file until the test ends, as
// a load holds it for a batch or an index build.
func holdWriteLock(t *testing.T, raw *sql.DB) {
	t.Helper()
	ctx := context.Background()
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = conn.ExecContext(ctx, "ROLLBACK")
		conn.Close()
	})
}

// dbPath returns the file a plain pool is open on.
func dbPath(t *testing.T, raw *sql.DB) string {
	t.Helper()
	var seq int
	var name, file string
	if err := raw.QueryRow("PRAGMA database_list").Scan(&seq, &name, &file); err != nil {
		t.Fatal(err)
	}
	return file
}

// Readers through a cache keyed by versions never get a document older
// than what the versions have seen, while deltas and reloads come and go;
// through Redis too.
func TestVersionedReads(t *testing.T) {
	storetest.RunVersionedReads(t, func(t *testing.T) catalog.Store { return MustOpenDB(t, time.Now) })
}

func TestReviewWritesDropped(t *testing.T) {
	storetest.ReviewWritesDropped(t, func(tb testing.TB, now func() time.Time) catalog.Store {
		db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "catalog.db"), sqlite.WithClock(now), sqlite.WithDropWrites(true))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
		return db
	})
}
