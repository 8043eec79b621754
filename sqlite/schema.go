package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"catalog/internal/reload"
	"catalog/internal/schema"
)

//go:embed migrations
var migrationFS embed.FS

// migrations returns the embedded migrations of one file ("catalog" or
// "carts") in order; the version a file is at is the number of its
// migrations applied (PRAGMA user_version).
func migrations(file string) ([]string, error) {
	return schema.Migrations(migrationFS, "migrations/"+file)
}

// migrate applies the migrations a file lacks under the write lock,
// reading the version again inside it, so processes opening a new file at
// once (two loads, a load and a serve) migrate it once.
func migrate(ctx context.Context, db *sql.DB, file string) error {
	all, err := migrations(file)
	if err != nil {
		return err
	}
	var version int
	pending := func(q queryer) (bool, error) {
		if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
			return false, fmt.Errorf("read schema version: %w", err)
		}
		if version > len(all) {
			return false, &schema.VersionError{Have: version, Want: len(all)}
		}
		return version < len(all), nil
	}
	return withWriteLock(ctx, db, pending, func(conn *sql.Conn) error {
		for v := version; v < len(all); v++ {
			if _, err := conn.ExecContext(ctx, all[v]); err != nil {
				return fmt.Errorf("migration %s/%d: %w", file, v+1, err)
			}
		}
		_, err := conn.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(len(all)))
		return err
	})
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// withWriteLock runs fn in a transaction that holds the write lock from its
// start, committed if fn succeeds, when pending says there is work to do;
// pending is asked first without the lock, so that opening a file that is
// up to date never waits for a load holding it, then again under it.
func withWriteLock(ctx context.Context, db *sql.DB, pending func(queryer) (bool, error), fn func(conn *sql.Conn) error) error {
	if ok, err := pending(db); err != nil || !ok {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("take the write lock: %w", err)
	}
	rollback := func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK") }
	ok, err := pending(conn)
	if err == nil && ok {
		err = fn(conn)
	}
	if err != nil || !ok {
		rollback()
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		rollback()
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// catalogTable is a table of the catalog proper. A load builds every one of
// them anew beside the live one, then renames it into place, so their
// definitions live here, not in migrations; the load's inserts and the
// reads of products take their column lists from here too.
type catalogTable struct {
	name string
	// columns are the column definitions: each a name, a space, a type.
	columns []string
	// indexes lists the column lists of the secondary indexes, built after
	// the rows are written.
	indexes []string
}

var catalogTables = []catalogTable{
	{"products", []string{"id INTEGER PRIMARY KEY", "name TEXT NOT NULL", "slogan TEXT", "description TEXT", "category TEXT",
		"default_price INTEGER NOT NULL", "created_at INTEGER NOT NULL", "updated_at INTEGER NOT NULL"}, nil},
	// product_blocks counts the products of each block of ids, with the
	// list position of its first (reload.BlockSize), so that a page is a
	// short scan from its block rather than an OFFSET scan of the catalog.
	{"product_blocks", []string{"block INTEGER PRIMARY KEY", "first_pos INTEGER NOT NULL", "count INTEGER NOT NULL"},
		[]string{"first_pos"}},
	{"features", []string{"id INTEGER PRIMARY KEY", "product_id INTEGER NOT NULL", "feature TEXT NOT NULL", "value TEXT"},
		[]string{"product_id"}},
	{"styles", []string{"id INTEGER PRIMARY KEY", "product_id INTEGER NOT NULL", "name TEXT NOT NULL", "sale_price INTEGER",
		"original_price INTEGER NOT NULL", "default_style INTEGER NOT NULL"}, []string{"product_id"}},
	{"photos", []string{"id INTEGER PRIMARY KEY", "style_id INTEGER NOT NULL", "url TEXT", "thumbnail_url TEXT"},
		[]string{"style_id"}},
	{"skus", []string{"id INTEGER PRIMARY KEY", "style_id INTEGER NOT NULL", "size TEXT NOT NULL", "quantity INTEGER NOT NULL"},
		[]string{"style_id"}},
	{"related", []string{"id INTEGER PRIMARY KEY", "product_id INTEGER NOT NULL", "related_id INTEGER NOT NULL"},
		[]string{"product_id", "related_id"}}, // related_id: a delta deletes the links to a product it deletes
	// product_docs is the read model: each product's documents
	// (readmodel.Doc), the small first, as a row is read up to the column
	// asked for.
	{"product_docs", []string{"id INTEGER PRIMARY KEY", "version INTEGER NOT NULL", "hash INTEGER NOT NULL",
		"product BLOB NOT NULL", "related BLOB NOT NULL", "styles BLOB NOT NULL"}, nil},
	// cart_imported holds the dataset's historical carts (cart.csv); they
	// are replaced with the catalog, while the cart table is not.
	{"cart_imported", []string{"id INTEGER PRIMARY KEY", "session TEXT NOT NULL", "sku_id INTEGER NOT NULL", "active INTEGER NOT NULL"},
		[]string{"session, sku_id"}},
	// The reviews, dates in epoch milliseconds. review_stats and the
	// votes and vote_sum of characteristics sum up the unreported
	// reviews: a load builds them, and every write keeps them.
	{"reviews", []string{"id INTEGER PRIMARY KEY", "product_id INTEGER NOT NULL", "rating INTEGER NOT NULL", "date INTEGER NOT NULL",
		"summary TEXT NOT NULL", "body TEXT NOT NULL", "recommend INTEGER NOT NULL", "reported INTEGER NOT NULL",
		"reviewer_name TEXT NOT NULL", "reviewer_email TEXT NOT NULL", "response TEXT", "helpfulness INTEGER NOT NULL"},
		[]string{"product_id"}},
	{"review_photos", []string{"id INTEGER PRIMARY KEY", "review_id INTEGER NOT NULL", "url TEXT NOT NULL"}, []string{"review_id"}},
	{"characteristics", []string{"id INTEGER PRIMARY KEY", "product_id INTEGER NOT NULL", "name TEXT NOT NULL",
		"votes INTEGER NOT NULL", "vote_sum INTEGER NOT NULL"}, []string{"product_id, id, name, votes, vote_sum"}}, // covers the meta
	{"characteristic_votes", []string{"id INTEGER PRIMARY KEY", "characteristic_id INTEGER NOT NULL", "review_id INTEGER NOT NULL",
		"value INTEGER NOT NULL"}, []string{"review_id"}},
	{"review_stats", []string{"product_id INTEGER PRIMARY KEY", "rated_1 INTEGER NOT NULL", "rated_2 INTEGER NOT NULL",
		"rated_3 INTEGER NOT NULL", "rated_4 INTEGER NOT NULL", "rated_5 INTEGER NOT NULL",
		"not_recommended INTEGER NOT NULL", "recommended INTEGER NOT NULL"}, nil},
	// The questions and their answers, dates in epoch milliseconds.
	{"questions", []string{"id INTEGER PRIMARY KEY", "product_id INTEGER NOT NULL", "body TEXT NOT NULL", "date INTEGER NOT NULL",
		"asker_name TEXT NOT NULL", "asker_email TEXT", "reported INTEGER NOT NULL", "helpfulness INTEGER NOT NULL"},
		[]string{"product_id"}},
	{"answers", []string{"id INTEGER PRIMARY KEY", "question_id INTEGER NOT NULL", "body TEXT NOT NULL", "date INTEGER NOT NULL",
		"answerer_name TEXT NOT NULL", "answerer_email TEXT", "reported INTEGER NOT NULL", "helpfulness INTEGER NOT NULL"},
		[]string{"question_id"}},
	{"answer_photos", []string{"id INTEGER PRIMARY KEY", "answer_id INTEGER NOT NULL", "url TEXT NOT NULL"}, []string{"answer_id"}},
	// qa_docs holds each product's questions with their answers as one
	// document (reload.QuestionPage), so that a page of them is one
	// lookup: a load writes them from the rows, and every write of a
	// product's questions writes its document anew.
	{"qa_docs", []string{"product_id INTEGER PRIMARY KEY", "doc TEXT NOT NULL"}, nil},
}

// tableNamed returns the catalog table of a name.
func tableNamed(name string) catalogTable {
	return catalogTables[slices.IndexFunc(catalogTables, func(t catalogTable) bool { return t.name == name })]
}

// columnNames returns the names of t's columns, in order.
func (t catalogTable) columnNames() []string { return reload.Names(t.columns) }

// tableColumns returns each catalog table's column definitions.
func tableColumns() map[string][]string {
	out := map[string][]string{}
	for _, t := range catalogTables {
		out[t.name] = t.columns
	}
	return out
}

// createTable returns the statement that creates t under a name.
func (t catalogTable) createTable(name string) string {
	return fmt.Sprintf("CREATE TABLE %s (%s)", name, strings.Join(t.columns, ", "))
}

// createIndexes returns the statements that index t under a name. Index
// names carry the generation, so that a new catalog's indexes never clash
// with the live one's.
func (t catalogTable) createIndexes(name string, generation int64) []string {
	var out []string
	for _, cols := range t.indexes {
		idx := fmt.Sprintf("%s_%s_g%d", t.name, strings.NewReplacer(", ", "_", ",", "_").Replace(cols), generation)
		out = append(out, fmt.Sprintf("CREATE INDEX %s ON %s (%s)", idx, name, cols))
	}
	return out
}

// ensureCatalog creates the empty catalog tables of generation 0 in a new
// database, and counts the products of a catalog loaded before
// catalog_meta kept the count.
func ensureCatalog(ctx context.Context, db *sql.DB) error {
	var missing []catalogTable
	pending := func(q queryer) (bool, error) {
		missing = missing[:0]
		for _, t := range catalogTables {
			var n int
			if err := q.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", t.name).Scan(&n); err != nil {
				return false, err
			}
			if n == 0 {
				missing = append(missing, t)
			}
		}
		if len(missing) > 0 {
			return true, nil
		}
		var uncounted bool
		err := q.QueryRowContext(ctx, "SELECT generation > 0 AND products = 0 FROM catalog_meta").Scan(&uncounted)
		return uncounted, err
	}
	return withWriteLock(ctx, db, pending, func(conn *sql.Conn) error {
		for _, t := range missing {
			stmts := append([]string{t.createTable(t.name)}, t.createIndexes(t.name, 0)...)
			if t.name == "product_blocks" { // added by a migration: the blocks of the products there
				stmts = append(stmts, reload.FillBlocksSQL("product_blocks", "products"))
			}
			for _, s := range stmts {
				if _, err := conn.ExecContext(ctx, s); err != nil {
					return fmt.Errorf("create %s: %w", t.name, err)
				}
			}
		}
		_, err := conn.ExecContext(ctx, "UPDATE catalog_meta SET products = (SELECT count(*) FROM products) WHERE generation > 0 AND products = 0")
		return err
	})
}
