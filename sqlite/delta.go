package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"catalog"
	"catalog/internal/reload"
	"catalog/readmodel"
)

// delta is a change of the live catalog being written: its rows wait in
// temporary tables of its connection (which take no lock of the catalog
// file) until Commit applies them in one transaction.
type delta struct {
	reload.Adds
	writer
	db     *DB
	unlock func()
	now    int64
	done   bool
}

// BeginDelta starts a change of the live catalog. It waits for no load:
// one running makes it fail, as a second load does.
func (db *DB) BeginDelta(ctx context.Context) (catalog.Delta, error) {
	w, unlock, err := db.loadWriter(ctx)
	if err != nil {
		return nil, err
	}
	d := &delta{db: db, writer: w, unlock: unlock, now: millis(db.now())}
	d.Adds = reload.Adds{Values: rowValues(d.now).OfDelta(), Write: d.write}
	stmts := d.dropTemp()
	for _, t := range reload.Tables {
		stmts = append(stmts, fmt.Sprintf("CREATE TEMP TABLE delta_%s AS SELECT * FROM main.%[1]s WHERE 0", t))
	}
	stmts = append(stmts, "CREATE TEMP TABLE delta_deleted (entity TEXT NOT NULL, id INTEGER NOT NULL)")
	if err := d.execTx(ctx, "begin delta", stmts...); err != nil {
		d.release()
		return nil, err
	}
	return d, nil
}

// dropTemp returns the statements that drop the delta's temporary tables:
// its connection outlives it.
func (d *delta) dropTemp() []string {
	stmts := []string{"DROP TABLE IF EXISTS temp.delta_deleted", "DROP TABLE IF EXISTS temp.affected",
		"DROP TABLE IF EXISTS temp.shifted", "DROP TABLE IF EXISTS temp.gone_styles"}
	for _, t := range reload.Tables {
		stmts = append(stmts, "DROP TABLE IF EXISTS temp.delta_"+t)
	}
	return stmts
}

func (d *delta) release() {
	d.done = true
	d.closeStmts()
	if d.tx != nil {
		_ = d.tx.Rollback()
		d.tx = nil
	}
	_ = d.execTx(context.Background(), "end delta", d.dropTemp()...)
	d.conn.Close()
	d.unlock()
}

// write stages rows of a table.
func (d *delta) write(ctx context.Context, table string, rows reload.Rows) error {
	if d.done {
		return reload.ErrFinished
	}
	return insertInto(ctx, &d.writer, "temp.delta_"+table, tableNamed(table).columnNames(), rows)
}

func (d *delta) Delete(ctx context.Context, rows []catalog.Deletion) error {
	if d.done {
		return reload.ErrFinished
	}
	return insertInto(ctx, &d.writer, "temp.delta_deleted", []string{"entity", "id"}, reload.RowsOf(rows, func(r catalog.Deletion) []any {
		return []any{string(r.Entity), r.ID}
	}))
}

// parentsSQL reads the parents of live rows, by entity; ?1 is a JSON
// array of ids.
var parentsSQL = map[catalog.Entity]string{
	catalog.EntityProduct: `SELECT id, id FROM products WHERE id IN (SELECT value FROM json_each(?1))`,
	catalog.EntityFeature: `SELECT id, product_id FROM features WHERE id IN (SELECT value FROM json_each(?1))`,
	catalog.EntityStyle:   `SELECT id, product_id FROM styles WHERE id IN (SELECT value FROM json_each(?1))`,
	catalog.EntityPhoto:   `SELECT id, style_id FROM photos WHERE id IN (SELECT value FROM json_each(?1))`,
	catalog.EntitySKU:     `SELECT id, style_id FROM skus WHERE id IN (SELECT value FROM json_each(?1))`,
	catalog.EntityRelated: `SELECT id, product_id FROM related WHERE id IN (SELECT value FROM json_each(?1))`,
}

// Parents reads the live catalog on the read pool: the delta's own
// connection is writing its rows meanwhile.
func (d *delta) Parents(ctx context.Context, e catalog.Entity, ids []int64) (map[int64]int64, error) {
	q, ok := parentsSQL[e]
	if !ok {
		return nil, fmt.Errorf("no entity %q", e)
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]int64, len(ids))
	err = queryRows(ctx, d.db.read, q, []any{string(list)}, func(rows *sql.Rows) error {
		var id, parent int64
		err := rows.Scan(&id, &parent)
		out[id] = parent
		return err
	})
	return out, storeError("look up live rows", err)
}

func (d *delta) Rollback() error {
	if d.done {
		return nil
	}
	d.release()
	return nil
}

// Commit applies the delta as one new generation, in one transaction.
func (d *delta) Commit(ctx context.Context) error {
	if d.done {
		return reload.ErrFinished
	}
	defer d.release()
	if err := d.flush(); err != nil {
		return err
	}
	tx, err := d.conn.BeginTx(ctx, nil)
	if err != nil {
		return storeError("apply the delta", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := d.apply(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return storeError("apply the delta", err)
	}
	return nil
}

// deletedOf selects the ids of an entity's rows deleted.csv deletes.
func deletedOf(e catalog.Entity) string {
	return fmt.Sprintf("SELECT id FROM temp.delta_deleted WHERE entity = '%s'", e)
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
			var same []string
			for _, c := range reload.Compared(cols) {
				same = append(same, fmt.Sprintf("%s IS excluded.%[1]s", c))
			}
			set = append(set, "updated_at = CASE WHEN "+strings.Join(same, " AND ")+" THEN updated_at ELSE excluded.updated_at END")
		default:
			set = append(set, fmt.Sprintf("%s = excluded.%[1]s", c))
		}
	}
	return fmt.Sprintf("INSERT INTO main.%s (%s) SELECT %[2]s FROM temp.delta_%[1]s WHERE true ON CONFLICT (id) DO UPDATE SET %[3]s",
		t, strings.Join(cols, ", "), strings.Join(set, ", "))
}

// The statements of a delta's apply, in order: what it affects, its rows,
// its deletions, the blocks of positions.
var (
	deletedProducts = deletedOf(catalog.EntityProduct)
	// affectedBeforeSQL are the products whose documents the delta may
	// change, as the live catalog knows them: of the rows it adds or
	// replaces and of those it deletes.
	affectedBeforeSQL = []string{
		`CREATE TEMP TABLE affected (id INTEGER PRIMARY KEY)`,
		`CREATE TEMP TABLE shifted (id INTEGER PRIMARY KEY)`,
		`INSERT INTO temp.shifted SELECT id FROM temp.delta_products d WHERE NOT EXISTS (SELECT 1 FROM main.products p WHERE p.id = d.id)
			UNION ` + deletedProducts,
		`INSERT OR IGNORE INTO temp.affected
			SELECT id FROM temp.delta_products
			UNION SELECT product_id FROM temp.delta_styles
			UNION SELECT product_id FROM temp.delta_features
			UNION SELECT product_id FROM temp.delta_related
			UNION SELECT product_id FROM main.styles WHERE id IN (SELECT id FROM temp.delta_styles UNION ` + deletedOf(catalog.EntityStyle) + `)
			UNION SELECT product_id FROM main.features WHERE id IN (SELECT id FROM temp.delta_features UNION ` + deletedOf(catalog.EntityFeature) + `)
			UNION SELECT product_id FROM main.related WHERE id IN (SELECT id FROM temp.delta_related UNION ` + deletedOf(catalog.EntityRelated) + `)
			UNION SELECT s.product_id FROM main.photos ph JOIN main.styles s ON s.id = ph.style_id
				WHERE ph.id IN (SELECT id FROM temp.delta_photos UNION ` + deletedOf(catalog.EntityPhoto) + `)
			UNION SELECT s.product_id FROM main.skus k JOIN main.styles s ON s.id = k.style_id
				WHERE k.id IN (SELECT id FROM temp.delta_skus UNION ` + deletedOf(catalog.EntitySKU) + `)
			UNION ` + deletedProducts + `
			UNION SELECT product_id FROM main.related WHERE related_id IN (` + deletedProducts + `)`,
	}
	upsertsSQL = []string{upsertSQL("products"), upsertSQL("styles"), upsertSQL("features"),
		upsertSQL("photos"), upsertSQL("skus"), upsertSQL("related")}
	// affectedAfterSQL adds the products of the styles the delta's photos
	// and SKUs now name.
	affectedAfterSQL = `INSERT OR IGNORE INTO temp.affected
		SELECT s.product_id FROM temp.delta_photos ph JOIN main.styles s ON s.id = ph.style_id
		UNION SELECT s.product_id FROM temp.delta_skus k JOIN main.styles s ON s.id = k.style_id`
	// deletesSQL deletes the rows deleted.csv names, and what depends on
	// them, children first: a statement for each condition, which an
	// index answers (with OR, PostgreSQL scanned the whole table).
	deletesSQL = slices.Concat(
		[]string{`CREATE TEMP TABLE gone_styles (id INTEGER PRIMARY KEY)`,
			`INSERT INTO temp.gone_styles ` + deletedOf(catalog.EntityStyle) + `
				UNION SELECT id FROM main.styles WHERE product_id IN (` + deletedProducts + `)`},
		deleteWhere("photos", "id IN ("+deletedOf(catalog.EntityPhoto)+")", "style_id IN (SELECT id FROM temp.gone_styles)"),
		deleteWhere("cart_imported", "sku_id IN ("+deletedOf(catalog.EntitySKU)+")",
			"sku_id IN (SELECT id FROM main.skus WHERE style_id IN (SELECT id FROM temp.gone_styles))"),
		deleteWhere("skus", "id IN ("+deletedOf(catalog.EntitySKU)+")", "style_id IN (SELECT id FROM temp.gone_styles)"),
		deleteWhere("features", "id IN ("+deletedOf(catalog.EntityFeature)+")", "product_id IN ("+deletedProducts+")"),
		deleteWhere("related", "id IN ("+deletedOf(catalog.EntityRelated)+")", "product_id IN ("+deletedProducts+")",
			"related_id IN ("+deletedProducts+")"),
		// A deleted product's reviews go with it, and what shoppers wrote
		// of them.
		deleteWhere("review_photos", "review_id IN (SELECT id FROM main.reviews WHERE product_id IN ("+deletedProducts+"))"),
		deleteWhere("characteristic_votes", "review_id IN (SELECT id FROM main.reviews WHERE product_id IN ("+deletedProducts+"))"),
		deleteWhere("reviews", "product_id IN ("+deletedProducts+")"),
		deleteWhere("characteristics", "product_id IN ("+deletedProducts+")"),
		deleteWhere("review_stats", "product_id IN ("+deletedProducts+")"),
		deleteWhere("review_writes", "product_id IN ("+deletedProducts+")"),
		// And its questions, with their answers.
		deleteWhere("answer_photos", "answer_id IN (SELECT a.id FROM main.answers a JOIN main.questions q ON q.id = a.question_id WHERE q.product_id IN ("+deletedProducts+"))"),
		deleteWhere("answers", "question_id IN (SELECT id FROM main.questions WHERE product_id IN ("+deletedProducts+"))"),
		deleteWhere("questions", "product_id IN ("+deletedProducts+")"),
		deleteWhere("qa_docs", "product_id IN ("+deletedProducts+")"),
		deleteWhere("qa_writes", "product_id IN ("+deletedProducts+")"),
		deleteWhere("styles", "id IN (SELECT id FROM temp.gone_styles)"),
		deleteWhere("products", "id IN ("+deletedProducts+")"),
	)
	// blocksSQL counts again the products of the blocks whose products
	// were added or deleted, and numbers the blocks again.
	blocksSQL = []string{
		fmt.Sprintf(`DELETE FROM main.product_blocks WHERE block IN (SELECT id / %d FROM temp.shifted)`, reload.BlockSize),
		fmt.Sprintf(`INSERT INTO main.product_blocks (block, first_pos, count)
			SELECT b.block, 0, count(*) FROM (SELECT DISTINCT id / %[1]d AS block FROM temp.shifted) b
			JOIN main.products p ON p.id >= b.block * %[1]d AND p.id < (b.block + 1) * %[1]d GROUP BY b.block`, reload.BlockSize),
		`UPDATE main.product_blocks SET first_pos = c.pos
			FROM (SELECT block, sum(count) OVER (ORDER BY block) - count + 1 AS pos FROM main.product_blocks) c
			WHERE c.block = product_blocks.block AND product_blocks.first_pos <> c.pos`,
	}
	// positionSQL is the list position ?1 has, or would have: one after
	// the products with lower ids.
	positionSQL = fmt.Sprintf(`SELECT 1 + coalesce((SELECT first_pos + count - 1 FROM main.product_blocks
			WHERE block < ?1 / %[1]d ORDER BY block DESC LIMIT 1), 0)
		+ (SELECT count(*) FROM main.products WHERE id >= ?1 / %[1]d * %[1]d AND id < ?1)`, reload.BlockSize)
)

// affectedChunks are the reads of the affected products' rows.
var affectedChunks = chunkQueries("", "IN (SELECT id FROM temp.affected)")

// apply applies the staged delta in tx and records it as a generation.
func (d *delta) apply(ctx context.Context, tx *sql.Tx) error {
	var generation, products, format, start int64
	if err := tx.QueryRowContext(ctx, `SELECT generation + 1, products, docs_format, history_from FROM catalog_meta`).Scan(&generation, &products, &format, &start); err != nil {
		return storeError("apply the delta", err)
	}
	if err := readmodel.CheckDelta(format, products); err != nil {
		return err
	}
	stmts := append(append([]string{}, affectedBeforeSQL...), upsertsSQL...)
	stmts = append(append(append(stmts, affectedAfterSQL), deletesSQL...), blocksSQL...)
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return storeError("apply the delta", fmt.Errorf("%s: %w", firstWords(s), err))
		}
	}
	change, err := readmodel.BuildDelta(ctx, affected{tx}, generation)
	if err != nil {
		return err
	}
	if err := insertChanges(ctx, tx, change); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM main.products`).Scan(&products); err != nil {
		return storeError("apply the delta", err)
	}
	stmts = []string{fmt.Sprintf("UPDATE catalog_meta SET generation = %d, loaded_at = %d, products = %d, docs_format = %d",
		generation, d.now, products, readmodel.Format)}
	if change.ShiftFrom > 0 {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO catalog_shifts (generation, shift_from) VALUES (%d, %d)`, generation, change.ShiftFrom))
	}
	from := readmodel.HistoryFrom(start, generation, d.db.history, readmodel.RestartsHistory(change, products))
	stmts = append(stmts, pruneHistorySQL(start, from)...)
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return storeError("apply the delta", err)
		}
	}
	return nil
}

// affected is what a delta affects, in the transaction applying it.
type affected struct{ tx *sql.Tx }

var _ readmodel.Affected = affected{}

func (a affected) Stamps(ctx context.Context) (map[int64]readmodel.Stamp, error) {
	old := map[int64]readmodel.Stamp{}
	err := queryRows(ctx, a.tx, `SELECT id, hash, version FROM main.product_docs WHERE id IN (SELECT id FROM temp.affected)`, nil,
		func(rows *sql.Rows) error {
			var s readmodel.Stamp
			var hash int64
			err := rows.Scan(&s.ID, &hash, &s.Version)
			s.Hash = uint64(hash)
			old[s.ID] = s
			return err
		})
	return old, storeError("read the documents", err)
}

func (a affected) Chunk(ctx context.Context, after int64, n int) (*readmodel.Chunk, error) {
	return readChunk(ctx, a.tx, affectedChunks, after, n)
}

func (a affected) Write(ctx context.Context, docs []readmodel.Doc) error {
	for _, d := range docs {
		_, err := a.tx.ExecContext(ctx, `INSERT OR REPLACE INTO main.product_docs (id, version, hash, product, related, styles)
			VALUES (?, ?, ?, ?, ?, ?)`, docArgs(d)...)
		if err != nil {
			return storeError("write the documents", err)
		}
	}
	return nil
}

func (a affected) Gone(ctx context.Context) ([]int64, error) {
	var gone []int64
	err := queryRows(ctx, a.tx, `DELETE FROM main.product_docs
		WHERE id IN (SELECT id FROM temp.affected) AND NOT EXISTS (SELECT 1 FROM main.products p WHERE p.id = product_docs.id) RETURNING id`, nil,
		func(rows *sql.Rows) error {
			var id int64
			err := rows.Scan(&id)
			gone = append(gone, id)
			return err
		})
	slices.Sort(gone)
	return gone, storeError("delete the documents", err)
}

func (a affected) Position(ctx context.Context, id int64) (int64, error) {
	var pos int64
	err := a.tx.QueryRowContext(ctx, positionSQL, id).Scan(&pos)
	return pos, storeError("find a position", err)
}

func (a affected) FirstShifted(ctx context.Context) (int64, bool, error) {
	var first sql.NullInt64
	err := a.tx.QueryRowContext(ctx, `SELECT min(id) FROM temp.shifted`).Scan(&first)
	return first.Int64, first.Valid, storeError("apply the delta", err)
}

func insertChanges(ctx context.Context, tx *sql.Tx, change catalog.Change) error {
	for _, c := range change.Products {
		if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_changes (generation, product_id, pos) VALUES (?, ?, ?)`,
			change.Generation, c.ID, c.Pos); err != nil {
			return storeError("record the changes", err)
		}
	}
	return nil
}

// deleteWhere returns a DELETE of a table's rows for each condition.
func deleteWhere(table string, conds ...string) []string {
	var out []string
	for _, c := range conds {
		out = append(out, "DELETE FROM main."+table+" WHERE "+c)
	}
	return out
}
