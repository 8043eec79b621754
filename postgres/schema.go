package postgres

import (
	"context"
	"embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"

	"catalog/internal/reload"
	"catalog/internal/schema"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrations returns the embedded migrations in order; a database's version
// is the number of them applied, kept in schema_version.
func migrations() ([]string, error) { return schema.Migrations(migrationFS, "migrations") }

// SchemaVersion is the schema version this program knows.
func SchemaVersion() int { return schemaVersion() }

// schemaVersion counts the embedded migrations once: the replica checks ask
// every second.
var schemaVersion = sync.OnceValue(func() int {
	m, err := migrations()
	if err != nil {
		panic(err) // the migrations are embedded: this is a build defect
	}
	return len(m)
})

// migrationLock is the advisory lock key that serializes migrations.
const migrationLock = 0x63617461_6c6f6701 // "catalog" + 1

// versionOf returns the schema version of the database; 0 for a database
// that has none of our tables.
func versionOf(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (int, error) {
	var exists bool
	if err := q.QueryRow(ctx, `SELECT to_regclass('schema_version') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, err
	}
	if !exists {
		return 0, nil
	}
	var v int
	err := q.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&v)
	return v, err
}

// migrate applies the migrations the database lacks, each in a transaction,
// then creates the empty catalog tables of a new database.
func migrate(ctx context.Context, conn *pgx.Conn) error {
	all, err := migrations()
	if err != nil {
		return err
	}
	// A migration of a full catalog takes longer than a service's
	// statement may, and so may the wait of another instance for it.
	if _, err := conn.Exec(ctx, `SET statement_timeout = 0`); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `RESET statement_timeout`)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLock)); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrationLock))
	version, err := versionOf(ctx, conn)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if version > len(all) {
		return &schema.VersionError{Have: version, Want: len(all)}
	}
	for v := version; v < len(all); v++ {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if v == 0 {
				if _, err := tx.Exec(ctx, `CREATE TABLE schema_version (version integer NOT NULL)`); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO schema_version VALUES (0)`); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, all[v]); err != nil {
				return err
			}
			if err := createCatalog(ctx, tx); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE schema_version SET version = $1`, v+1)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
	}
	return nil
}

// catalogTable is a table of the catalog proper. A load builds every one of
// them anew beside the live one, then renames it into place, so their
// definitions live here; the load's COPY and the reads of products take
// their column lists from here too. A migration that changes one must
// change the live table and this definition alike.
type catalogTable struct {
	name string
	// columns are the column definitions: each a name, a space, a type.
	columns []string
	// key is the primary key column; "id" when empty.
	key string
	// indexes are the column lists of the secondary indexes, and refs the
	// foreign keys ("product_id products"), made after the rows are copied.
	indexes []string
	refs    []string
}

var catalogTables = []catalogTable{
	{name: "products", columns: []string{"id integer NOT NULL", "name text NOT NULL", "slogan text", "description text",
		"category text", "default_price bigint NOT NULL", "created_at timestamptz NOT NULL", "updated_at timestamptz NOT NULL"}},
	// product_blocks counts the products of each block of ids, with the
	// list position of its first (reload.BlockSize), so that a page is a
	// short scan from its block rather than an OFFSET scan of the catalog.
	{name: "product_blocks", columns: []string{"block integer NOT NULL", "first_pos bigint NOT NULL", "count integer NOT NULL"},
		key: "block", indexes: []string{"first_pos"}},
	{name: "features", columns: []string{"id integer NOT NULL", "product_id integer NOT NULL", "feature text NOT NULL", "value text"},
		indexes: []string{"product_id, id"}, refs: []string{"product_id products"}},
	{name: "styles", columns: []string{"id integer NOT NULL", "product_id integer NOT NULL", "name text NOT NULL", "sale_price bigint",
		"original_price bigint NOT NULL", "default_style boolean NOT NULL"},
		indexes: []string{"product_id, id"}, refs: []string{"product_id products"}},
	{name: "photos", columns: []string{"id integer NOT NULL", "style_id integer NOT NULL", "url text", "thumbnail_url text"},
		indexes: []string{"style_id, id"}, refs: []string{"style_id styles"}},
	{name: "skus", columns: []string{"id integer NOT NULL", "style_id integer NOT NULL", "size text NOT NULL", "quantity integer NOT NULL"},
		indexes: []string{"style_id, id"}, refs: []string{"style_id styles"}},
	{name: "related", columns: []string{"id integer NOT NULL", "product_id integer NOT NULL", "related_id integer NOT NULL"},
		// related_id: a delta deletes the links to a product it deletes.
		indexes: []string{"product_id, id", "related_id"}, refs: []string{"product_id products", "related_id products"}},
	// product_docs is the read model: each product's documents
	// (readmodel.Doc), the small first. TOAST keeps large ones apart,
	// compressed with lz4, several times faster to write and read than
	// the default pglz.
	{name: "product_docs", columns: []string{"id integer NOT NULL", "version bigint NOT NULL", "hash bigint NOT NULL",
		"product bytea COMPRESSION lz4 NOT NULL", "related bytea COMPRESSION lz4 NOT NULL", "styles bytea COMPRESSION lz4 NOT NULL"}},
	// cart_imported holds the dataset's historical carts (cart.csv); they
	// are replaced with the catalog, while the cart table is not.
	{name: "cart_imported", columns: []string{"id integer NOT NULL", "session text NOT NULL", "sku_id integer NOT NULL", "active boolean NOT NULL"},
		indexes: []string{"session, sku_id"}, refs: []string{"sku_id skus"}},
	// The reviews, dates in epoch milliseconds. The votes and vote_sum of
	// characteristics and review_stats sum up the unreported reviews: a
	// load builds them, and every write keeps them. review_stats is each
	// product's meta, so that reading it is one key lookup: the counts of
	// its reviews' ratings and recommendations, and a copy of its
	// characteristics' sums as arrays in id order (a join of the
	// characteristics cost a third more of PostgreSQL's CPU). Posted
	// rows take their ids from the identities, which a load sets past the
	// dataset's. Reviews refer to products without a foreign key: a delta
	// may delete a product, and the importer checks them.
	{name: "reviews", columns: []string{"id integer GENERATED BY DEFAULT AS IDENTITY", "product_id integer NOT NULL",
		"rating smallint NOT NULL", "date bigint NOT NULL", "summary text NOT NULL", "body text NOT NULL", "recommend boolean NOT NULL",
		"reported boolean NOT NULL", "reviewer_name text NOT NULL", "reviewer_email text NOT NULL", "response text",
		"helpfulness integer NOT NULL"}, indexes: []string{"product_id"}},
	{name: "review_photos", columns: []string{"id integer GENERATED BY DEFAULT AS IDENTITY", "review_id integer NOT NULL", "url text NOT NULL"},
		indexes: []string{"review_id"}, refs: []string{"review_id reviews"}},
	{name: "characteristics", columns: []string{"id integer GENERATED BY DEFAULT AS IDENTITY", "product_id integer NOT NULL",
		"name text NOT NULL", "votes integer NOT NULL", "vote_sum bigint NOT NULL"},
		indexes: []string{"product_id, id, name, votes, vote_sum"}}, // covers the copy into review_stats
	{name: "characteristic_votes", columns: []string{"id integer GENERATED BY DEFAULT AS IDENTITY", "characteristic_id integer NOT NULL",
		"review_id integer NOT NULL", "value smallint NOT NULL"},
		indexes: []string{"review_id"}, refs: []string{"review_id reviews", "characteristic_id characteristics"}},
	{name: "review_stats", columns: []string{"product_id integer NOT NULL", "rated_1 integer NOT NULL", "rated_2 integer NOT NULL",
		"rated_3 integer NOT NULL", "rated_4 integer NOT NULL", "rated_5 integer NOT NULL", "not_recommended integer NOT NULL",
		"recommended integer NOT NULL", "char_ids integer[] NOT NULL DEFAULT '{}'", "char_names text[] NOT NULL DEFAULT '{}'",
		"char_votes integer[] NOT NULL DEFAULT '{}'", "char_sums bigint[] NOT NULL DEFAULT '{}'"}, key: "product_id"},
	// The questions and their answers, dates in epoch milliseconds;
	// posted rows take their ids from the identities, as reviews do.
	{name: "questions", columns: []string{"id integer GENERATED BY DEFAULT AS IDENTITY", "product_id integer NOT NULL",
		"body text NOT NULL", "date bigint NOT NULL", "asker_name text NOT NULL", "asker_email text", "reported boolean NOT NULL",
		"helpfulness integer NOT NULL"}, indexes: []string{"product_id"}},
	{name: "answers", columns: []string{"id integer GENERATED BY DEFAULT AS IDENTITY", "question_id integer NOT NULL",
		"body text NOT NULL", "date bigint NOT NULL", "answerer_name text NOT NULL", "answerer_email text", "reported boolean NOT NULL",
		"helpfulness integer NOT NULL"}, indexes: []string{"question_id"}, refs: []string{"question_id questions"}},
	{name: "answer_photos", columns: []string{"id integer GENERATED BY DEFAULT AS IDENTITY", "answer_id integer NOT NULL", "url text NOT NULL"},
		indexes: []string{"answer_id"}, refs: []string{"answer_id answers"}},
	// qa_docs holds each product's questions with their answers as one
	// document (reload.QuestionPage), so that a page of them is one
	// lookup: a load writes them from the rows, and every write of a
	// product's questions writes its document anew.
	{name: "qa_docs", columns: []string{"product_id integer NOT NULL", "doc text NOT NULL"}, key: "product_id"},
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

// create returns the statement that creates t, bare, under a name.
func (t catalogTable) create(name string) string {
	return fmt.Sprintf("CREATE TABLE %s (%s)", name, strings.Join(t.columns, ", "))
}

// constrain returns the statements that give t, named name, its primary
// key, indexes and foreign keys; suffix names the tables it refers to
// ("_new" during a load). Constraint and index names carry the generation,
// so that a new catalog's never clash with the live one's.
func (t catalogTable) constrain(name, suffix string, generation int64) []string {
	g := fmt.Sprintf("_g%d", generation)
	key := t.key
	if key == "" {
		key = "id"
	}
	out := []string{fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s_pkey%s PRIMARY KEY (%s)", name, t.name, g, key)}
	for _, cols := range t.indexes {
		idx := t.name + "_" + strings.NewReplacer(", ", "_").Replace(cols) + g
		out = append(out, fmt.Sprintf("CREATE INDEX %s ON %s (%s)", idx, name, cols))
	}
	for _, ref := range t.refs {
		col, parent, _ := strings.Cut(ref, " ")
		out = append(out, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s_%s_fkey%s FOREIGN KEY (%s) REFERENCES %s%s (id)",
			name, t.name, col, g, col, parent, suffix))
	}
	return out
}

// createCatalog creates the catalog tables a database lacks (all of them
// in a new one; one a migration adds in an old one), empty, as tables of
// generation 0.
func createCatalog(ctx context.Context, tx pgx.Tx) error {
	for _, t := range catalogTables {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, t.name).Scan(&exists); err != nil {
			return err
		}
		if exists {
			continue
		}
		stmts := append([]string{t.create(t.name)}, t.constrain(t.name, "", 0)...)
		if t.name == "product_blocks" { // added by a migration: the blocks of the products there
			stmts = append(stmts, reload.FillBlocksSQL("product_blocks", "products"))
		}
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s); err != nil {
				return fmt.Errorf("create %s: %w", t.name, err)
			}
		}
	}
	return nil
}
