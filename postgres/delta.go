package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"catalog"
	"catalog/internal/reload"
	"catalog/readmodel"
)

// delta is a change of the live catalog being written: its rows wait in
// temporary tables of its connection, which holds the load lock, until
// Commit applies them in one transaction.
type delta struct {
	reload.Adds
	db   *DB
	conn *pgx.Conn
	now  time.Time
	done bool
}

// BeginDelta starts a change of the live catalog, once no load runs.
func (db *DB) BeginDelta(ctx context.Context) (catalog.Delta, error) {
	conn, err := db.loadConn(ctx)
	if err != nil {
		return nil, err
	}
	d := &delta{db: db, conn: conn, now: db.now()}
	d.Adds = reload.Adds{Values: rowValues(d.now).OfDelta(), Write: d.stage}
	stmts := []string{"CREATE TEMP TABLE delta_deleted (entity text NOT NULL, id integer NOT NULL)"}
	for _, t := range reload.Tables {
		stmts = append(stmts, fmt.Sprintf("CREATE TEMP TABLE delta_%s (LIKE %[1]s)", t))
	}
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			d.release()
			return nil, storeError("begin delta", err)
		}
	}
	return d, nil
}

// release ends the delta: its connection, with its temporary tables and
// the load lock, is closed.
func (d *delta) release() {
	d.done = true
	d.conn.Close(context.Background())
}

// stage stages rows of a table.
func (d *delta) stage(ctx context.Context, table string, rows reload.Rows) error {
	if d.done {
		return reload.ErrFinished
	}
	_, err := d.conn.CopyFrom(ctx, pgx.Identifier{"delta_" + table}, tableNamed(table).columnNames(),
		pgx.CopyFromSlice(rows.N, func(i int) ([]any, error) { return rows.Values(i), nil }))
	return storeError("stage "+table, err)
}

func (d *delta) Delete(ctx context.Context, rows []catalog.Deletion) error {
	if d.done {
		return reload.ErrFinished
	}
	_, err := d.conn.CopyFrom(ctx, pgx.Identifier{"delta_deleted"}, []string{"entity", "id"},
		pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) { return []any{string(rows[i].Entity), rows[i].ID}, nil }))
	return storeError("stage deletions", err)
}

// parentsSQL reads the parents of live rows, by entity.
var parentsSQL = map[catalog.Entity]string{
	catalog.EntityProduct: `SELECT id, id FROM products WHERE id = ANY($1)`,
	catalog.EntityFeature: `SELECT id, product_id FROM features WHERE id = ANY($1)`,
	catalog.EntityStyle:   `SELECT id, product_id FROM styles WHERE id = ANY($1)`,
	catalog.EntityPhoto:   `SELECT id, style_id FROM photos WHERE id = ANY($1)`,
	catalog.EntitySKU:     `SELECT id, style_id FROM skus WHERE id = ANY($1)`,
	catalog.EntityRelated: `SELECT id, product_id FROM related WHERE id = ANY($1)`,
}

// Parents reads the live catalog on the primary's pool: the delta's own
// connection is writing its rows meanwhile.
func (d *delta) Parents(ctx context.Context, e catalog.Entity, ids []int64) (map[int64]int64, error) {
	q, ok := parentsSQL[e]
	if !ok {
		return nil, fmt.Errorf("no entity %q", e)
	}
	out := make(map[int64]int64, len(ids))
	err := queryRows(ctx, d.db.pool, q, []any{ids}, func(rows pgx.Rows) error {
		var id, parent int64
		err := rows.Scan(&id, &parent)
		out[id] = parent
		return err
	})
	return out, storeError("look up live rows", err)
}

func (d *delta) Rollback() error {
	if !d.done {
		d.release()
	}
	return nil
}

// Commit applies the delta as one new generation, in one transaction.
func (d *delta) Commit(ctx context.Context) error {
	if d.done {
		return reload.ErrFinished
	}
	defer d.release()
	err := pgx.BeginFunc(ctx, d.conn, func(tx pgx.Tx) error { return d.apply(ctx, tx) })
	return storeError("apply the delta", err)
}

// deletedOf selects the ids of an entity's rows deleted.csv deletes.
func deletedOf(e catalog.Entity) string {
	return fmt.Sprintf("SELECT id FROM delta_deleted WHERE entity = '%s'", e)
}

// upsertSQL writes a delta table's rows into the live one: new ids
// added, others replaced; a product keeps its created_at, and its
// updated_at unless its row changed.
func upsertSQL(t string) string {
	cols := tableNamed(t).columnNames()
	var set []string
	for _, c := range cols[1:] {
		switch {
		case t == "products" && c == "created_at":
		case t == "products" && c == "updated_at":
			compared := reload.Compared(cols)
			set = append(set, fmt.Sprintf("updated_at = CASE WHEN (products.%s) IS NOT DISTINCT FROM (EXCLUDED.%s) THEN products.updated_at ELSE EXCLUDED.updated_at END",
				strings.Join(compared, ", products."), strings.Join(compared, ", EXCLUDED.")))
		default:
			set = append(set, fmt.Sprintf("%s = EXCLUDED.%[1]s", c))
		}
	}
	return fmt.Sprintf("INSERT INTO %[1]s (%[2]s) SELECT %[2]s FROM delta_%[1]s ON CONFLICT (id) DO UPDATE SET %[3]s",
		t, strings.Join(cols, ", "), strings.Join(set, ", "))
}

// The statements of a delta's apply, in order: what it affects, its rows
// (parents first, as the foreign keys want), its deletions (children
// first), the blocks of positions.
var (
	deletedProducts = deletedOf(catalog.EntityProduct)
	// affectedBeforeSQL are the products whose documents the delta may
	// change, as the live catalog knows them: of the rows it adds or
	// replaces and of those it deletes.
	affectedBeforeSQL = []string{
		`CREATE TEMP TABLE affected (id integer PRIMARY KEY) ON COMMIT DROP`,
		`CREATE TEMP TABLE shifted (id integer PRIMARY KEY) ON COMMIT DROP`,
		`INSERT INTO shifted SELECT id FROM delta_products d WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = d.id)
			UNION ` + deletedProducts,
		`INSERT INTO affected
			SELECT id FROM delta_products
			UNION SELECT product_id FROM delta_styles
			UNION SELECT product_id FROM delta_features
			UNION SELECT product_id FROM delta_related
			UNION SELECT product_id FROM styles WHERE id IN (SELECT id FROM delta_styles UNION ` + deletedOf(catalog.EntityStyle) + `)
			UNION SELECT product_id FROM features WHERE id IN (SELECT id FROM delta_features UNION ` + deletedOf(catalog.EntityFeature) + `)
			UNION SELECT product_id FROM related WHERE id IN (SELECT id FROM delta_related UNION ` + deletedOf(catalog.EntityRelated) + `)
			UNION SELECT s.product_id FROM photos ph JOIN styles s ON s.id = ph.style_id
				WHERE ph.id IN (SELECT id FROM delta_photos UNION ` + deletedOf(catalog.EntityPhoto) + `)
			UNION SELECT s.product_id FROM skus k JOIN styles s ON s.id = k.style_id
				WHERE k.id IN (SELECT id FROM delta_skus UNION ` + deletedOf(catalog.EntitySKU) + `)
			UNION ` + deletedProducts + `
			UNION SELECT product_id FROM related WHERE related_id IN (` + deletedProducts + `)`,
	}
	upsertsSQL = []string{upsertSQL("products"), upsertSQL("styles"), upsertSQL("features"),
		upsertSQL("photos"), upsertSQL("skus"), upsertSQL("related")}
	// affectedAfterSQL adds the products of the styles the delta's photos
	// and SKUs now name.
	affectedAfterSQL = `INSERT INTO affected
		SELECT s.product_id FROM delta_photos ph JOIN styles s ON s.id = ph.style_id
		UNION SELECT s.product_id FROM delta_skus k JOIN styles s ON s.id = k.style_id
		ON CONFLICT DO NOTHING`
	// deletesSQL deletes the rows deleted.csv names, and what depends on
	// them, children first: a statement for each condition, which an
	// index answers (with OR, PostgreSQL scanned the whole table).
	deletesSQL = slices.Concat(
		[]string{`CREATE TEMP TABLE gone_styles (id INTEGER PRIMARY KEY) ON COMMIT DROP`,
			`INSERT INTO gone_styles ` + deletedOf(catalog.EntityStyle) + `
				UNION SELECT id FROM styles WHERE product_id IN (` + deletedProducts + `)`},
		deleteWhere("photos", "id IN ("+deletedOf(catalog.EntityPhoto)+")", "style_id IN (SELECT id FROM gone_styles)"),
		deleteWhere("cart_imported", "sku_id IN ("+deletedOf(catalog.EntitySKU)+")",
			"sku_id IN (SELECT id FROM skus WHERE style_id IN (SELECT id FROM gone_styles))"),
		deleteWhere("skus", "id IN ("+deletedOf(catalog.EntitySKU)+")", "style_id IN (SELECT id FROM gone_styles)"),
		deleteWhere("features", "id IN ("+deletedOf(catalog.EntityFeature)+")", "product_id IN ("+deletedProducts+")"),
		deleteWhere("related", "id IN ("+deletedOf(catalog.EntityRelated)+")", "product_id IN ("+deletedProducts+")",
			"related_id IN ("+deletedProducts+")"),
		// A deleted product's reviews go with it, and what shoppers wrote
		// of them.
		deleteWhere("review_photos", "review_id IN (SELECT id FROM reviews WHERE product_id IN ("+deletedProducts+"))"),
		deleteWhere("characteristic_votes", "review_id IN (SELECT id FROM reviews WHERE product_id IN ("+deletedProducts+"))"),
		deleteWhere("reviews", "product_id IN ("+deletedProducts+")"),
		deleteWhere("characteristics", "product_id IN ("+deletedProducts+")"),
		deleteWhere("review_stats", "product_id IN ("+deletedProducts+")"),
		deleteWhere("review_writes", "product_id IN ("+deletedProducts+")"),
		// And its questions, with their answers.
		deleteWhere("answer_photos", "answer_id IN (SELECT a.id FROM answers a JOIN questions q ON q.id = a.question_id WHERE q.product_id IN ("+deletedProducts+"))"),
		deleteWhere("answers", "question_id IN (SELECT id FROM questions WHERE product_id IN ("+deletedProducts+"))"),
		deleteWhere("questions", "product_id IN ("+deletedProducts+")"),
		deleteWhere("qa_docs", "product_id IN ("+deletedProducts+")"),
		deleteWhere("qa_writes", "product_id IN ("+deletedProducts+")"),
		deleteWhere("styles", "id IN (SELECT id FROM gone_styles)"),
		deleteWhere("products", "id IN ("+deletedProducts+")"),
	)
	// blocksSQL counts again the products of the blocks whose products
	// were added or deleted, and numbers the blocks again.
	blocksSQL = []string{
		fmt.Sprintf(`DELETE FROM product_blocks WHERE block IN (SELECT id / %d FROM shifted)`, reload.BlockSize),
		fmt.Sprintf(`INSERT INTO product_blocks (block, first_pos, count)
			SELECT b.block, 0, count(*) FROM (SELECT DISTINCT id / %[1]d AS block FROM shifted) b
			JOIN products p ON p.id >= b.block * %[1]d AND p.id < (b.block + 1) * %[1]d GROUP BY b.block`, reload.BlockSize),
		`UPDATE product_blocks SET first_pos = c.pos
			FROM (SELECT block, sum(count) OVER (ORDER BY block) - count + 1 AS pos FROM product_blocks) c
			WHERE c.block = product_blocks.block AND product_blocks.first_pos <> c.pos`,
	}
	// positionSQL is the list position $1 has, or would have: one after
	// the products with lower ids.
	positionSQL = fmt.Sprintf(`SELECT 1 + coalesce((SELECT first_pos + count - 1 FROM product_blocks
			WHERE block < $1::integer / %[1]d ORDER BY block DESC LIMIT 1), 0)
		+ (SELECT count(*) FROM products WHERE id >= $1::integer / %[1]d * %[1]d AND id < $1::integer)`, reload.BlockSize)
)

// affectedChunks are the reads of the affected products' rows.
var affectedChunks = chunkQueries("", "IN (SELECT id FROM affected)")

// apply applies the staged delta in tx and records it as a generation.
func (d *delta) apply(ctx context.Context, tx pgx.Tx) error {
	var generation, products, format, start int64
	if err := tx.QueryRow(ctx, `SELECT generation + 1, products, docs_format, history_from FROM catalog_meta`).Scan(&generation, &products, &format, &start); err != nil {
		return err
	}
	if err := readmodel.CheckDelta(format, products); err != nil {
		return err
	}
	// The staged rows' statistics, for the plans of what follows.
	stmts := []string{"ANALYZE delta_deleted"}
	for _, t := range reload.Tables {
		stmts = append(stmts, "ANALYZE delta_"+t)
	}
	stmts = append(append(stmts, affectedBeforeSQL...), upsertsSQL...)
	stmts = append(append(append(stmts, affectedAfterSQL), deletesSQL...), blocksSQL...)
	for _, s := range stmts {
		if _, err := tx.Exec(ctx, s); err != nil {
			return fmt.Errorf("%.60s…: %w", s, err)
		}
	}
	change, err := readmodel.BuildDelta(ctx, affected{tx}, generation)
	if err != nil {
		return err
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"catalog_changes"}, []string{"generation", "product_id", "pos"},
		pgx.CopyFromSlice(len(change.Products), func(i int) ([]any, error) {
			return []any{generation, change.Products[i].ID, change.Products[i].Pos}, nil
		}))
	if err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM products`).Scan(&products); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE catalog_meta SET generation = $1, loaded_at = $2, products = $3, docs_format = $4`,
		generation, d.now, products, readmodel.Format); err != nil {
		return err
	}
	if change.ShiftFrom > 0 {
		_, err = tx.Exec(ctx, `INSERT INTO catalog_shifts (generation, shift_from) VALUES ($1, $2)`, generation, change.ShiftFrom)
		if err != nil {
			return err
		}
	}
	from := readmodel.HistoryFrom(start, generation, d.db.cfg.History, readmodel.RestartsHistory(change, products))
	return pruneHistory(ctx, tx, start, from)
}

// affected is what a delta affects, in the transaction applying it.
type affected struct{ tx pgx.Tx }

var _ readmodel.Affected = affected{}

func (a affected) Stamps(ctx context.Context) (map[int64]readmodel.Stamp, error) {
	old := map[int64]readmodel.Stamp{}
	err := queryRows(ctx, a.tx, `SELECT id, hash, version FROM product_docs WHERE id IN (SELECT id FROM affected)`, nil,
		func(rows pgx.Rows) error {
			var s readmodel.Stamp
			var hash int64
			err := rows.Scan(&s.ID, &hash, &s.Version)
			s.Hash = uint64(hash)
			old[s.ID] = s
			return err
		})
	return old, err
}

func (a affected) Chunk(ctx context.Context, after int64, n int) (*readmodel.Chunk, error) {
	return readChunk(ctx, a.tx, affectedChunks, after, n)
}

func (a affected) Write(ctx context.Context, docs []readmodel.Doc) error {
	for _, d := range docs {
		_, err := a.tx.Exec(ctx, `INSERT INTO product_docs (id, version, hash, product, related, styles)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version,
			hash = EXCLUDED.hash, product = EXCLUDED.product, related = EXCLUDED.related, styles = EXCLUDED.styles`,
			d.ID, d.Version, int64(d.Hash), d.Product, d.Related, d.Styles)
		if err != nil {
			return err
		}
	}
	return nil
}

func (a affected) Gone(ctx context.Context) ([]int64, error) {
	var gone []int64
	err := queryRows(ctx, a.tx, `DELETE FROM product_docs
		WHERE id IN (SELECT id FROM affected) AND NOT EXISTS (SELECT 1 FROM products p WHERE p.id = product_docs.id) RETURNING id`, nil,
		func(rows pgx.Rows) error {
			var id int64
			err := rows.Scan(&id)
			gone = append(gone, id)
			return err
		})
	slices.Sort(gone)
	return gone, err
}

func (a affected) Position(ctx context.Context, id int64) (int64, error) {
	var pos int64
	err := a.tx.QueryRow(ctx, positionSQL, id).Scan(&pos)
	return pos, err
}

func (a affected) FirstShifted(ctx context.Context) (int64, bool, error) {
	var first *int64
	if err := a.tx.QueryRow(ctx, `SELECT min(id) FROM shifted`).Scan(&first); err != nil || first == nil {
		return 0, false, err
	}
	return *first, true, nil
}

// deleteWhere returns a DELETE of a table's rows for each condition.
func deleteWhere(table string, conds ...string) []string {
	var out []string
	for _, c := range conds {
		out = append(out, "DELETE FROM "+table+" WHERE "+c)
	}
	return out
}
