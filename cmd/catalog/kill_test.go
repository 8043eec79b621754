package main

import (
	"context"
	"database/sql"
	"io"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite"

	"catalog"
	"catalog/internal/pgtest"
)

// startCatalog builds the catalog command (as users run it: without the
// race detector, which slows it twenty-fold) and starts it in a process of
// its own.
func startCatalog(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "catalog")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// TestLoad_KilledMidway: a load killed with SIGKILL while it writes leaves
// the old catalog serving, and the next load is not blocked by what it left.
func TestLoad_KilledMidway(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	small, big := filepath.Join(dir, "small"), filepath.Join(dir, "big")
	for _, g := range []struct {
		dir string
		n   string
	}{{small, "300"}, {big, "40000"}} {
		if err := run(ctx, []string{"generate", "--out", g.dir, "--products", g.n}, noEnv, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	// The load is killed while it copies rows, or while it builds the new
	// catalog's indexes (their names end in the generation, _g2).
	for _, tc := range []struct{ kind, stage, sqliteSQL, postgresSQL string }{
		{"sqlite", "rows", `SELECT count(*) FROM sqlite_schema WHERE name = 'products_new'`, ""},
		{"sqlite", "indexes", `SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name LIKE '%_g2'`, ""},
		{"postgres", "rows", "", `SELECT count(*) FROM pg_tables WHERE tablename = 'products_new'`},
		{"postgres", "indexes", "", `SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%_g2'`},
	} {
		kind := tc.kind
		t.Run(kind+"/"+tc.stage, func(t *testing.T) {
			// count runs a count query on the store's database.
			var db string
			var count func(query string) int
			query := tc.sqliteSQL
			switch kind {
			case "sqlite":
				db = filepath.Join(t.TempDir(), "c.db")
				count = func(q string) (n int) {
					raw, err := sql.Open("sqlite", db+"?_pragma=busy_timeout(1000)")
					if err == nil {
						defer raw.Close()
						raw.QueryRow(q).Scan(&n)
					}
					return n
				}
			case "postgres":
				db, query = pgtest.NewDatabase(t), tc.postgresSQL
				count = func(q string) (n int) {
					conn, err := pgx.Connect(ctx, db)
					if err == nil {
						defer conn.Close(ctx)
						conn.QueryRow(ctx, q).Scan(&n)
					}
					return n
				}
			}
			loading := func() bool { return count(query) > 0 } // whether the load has reached the stage
			if err := run(ctx, []string{"load", "--db", db, small}, noEnv, io.Discard, io.Discard); err != nil {
				t.Fatal(err)
			}
			cmd := startCatalog(t, "load", "--db", db, "--rejects", filepath.Join(t.TempDir(), "r.jsonl"), big)
			deadline := time.Now().Add(3 * time.Minute) // a busy machine loads slowly
			for !loading() {
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("the load never reached its %s", tc.stage)
				}
				time.Sleep(5 * time.Millisecond)
			}
			if tc.stage == "rows" {
				time.Sleep(300 * time.Millisecond) // into the rows
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
				t.Fatalf("the load ended before it was killed: %v", err)
			}

			check := func(wantGen, wantProducts int64) {
				t.Helper()
				// Opened as serve opens it.
				store := defaultStoreConfig()
				store.DB = db
				s, err := store.open(ctx, false, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				info, err := s.CatalogInfo(ctx)
				if _, e := s.FindDocument(ctx, wantProducts, catalog.DocStyles); e != nil {
					t.Fatalf("last product's styles: %v", e)
				}
				if err != nil || info.Generation != wantGen || info.Products != wantProducts {
					t.Fatalf("catalog generation %d with %d products (%v), want %d with %d", info.Generation, info.Products, err, wantGen, wantProducts)
				}
			}
			check(1, 300) // the old catalog serves
			if err := run(ctx, []string{"load", "--db", db, small}, noEnv, io.Discard, io.Discard); err != nil {
				t.Fatalf("the load after a killed one: %v", err)
			}
			check(2, 300)
		})
	}
}
