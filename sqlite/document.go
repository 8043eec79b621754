package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"catalog"
	"catalog/readmodel"
)

// The reads of the read model: one document of one product.
var findDocSQL = map[catalog.Document]string{
	catalog.DocProduct: `SELECT product FROM product_docs WHERE id = ?`,
	catalog.DocStyles:  `SELECT styles FROM product_docs WHERE id = ?`,
	catalog.DocRelated: `SELECT related FROM product_docs WHERE id = ?`,
}

// FindDocument returns a product's document: one key lookup.
func (db *DB) FindDocument(ctx context.Context, id int64, kind catalog.Document) ([]byte, error) {
	stmt, ok := db.stmts.findDoc[kind]
	if !ok {
		return nil, fmt.Errorf("no document of kind %d", kind)
	}
	db.reads.Add(1)
	var doc []byte
	err := stmt.QueryRowContext(ctx, id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.ErrNoProduct(id)
	}
	return doc, storeError("find document", err)
}

// Changes returns what the generations after after changed, as far as the
// history goes back.
func (db *DB) Changes(ctx context.Context, after int64) (catalog.History, error) {
	var h catalog.History
	err := db.readTx(ctx, "read the changes", func(tx *sql.Tx) (err error) {
		h, err = readmodel.ReadHistory(ctx, historyReads{tx}, after)
		return err
	})
	return h, err
}

// historyReads reads the history in a transaction.
type historyReads struct{ tx *sql.Tx }

func (r historyReads) Window(ctx context.Context) (start, current int64, err error) {
	err = r.tx.QueryRowContext(ctx, `SELECT history_from, generation FROM catalog_meta`).Scan(&start, &current)
	return start, current, err
}

func (r historyReads) Shifts(ctx context.Context, from, to int64) (map[int64]int64, error) {
	shifts := map[int64]int64{}
	err := queryRows(ctx, r.tx, `SELECT generation, shift_from FROM catalog_shifts WHERE generation > ? AND generation <= ?`,
		[]any{from, to}, func(rows *sql.Rows) error {
			var g, pos int64
			err := rows.Scan(&g, &pos)
			shifts[g] = pos
			return err
		})
	return shifts, err
}

func (r historyReads) Rows(ctx context.Context, from, to int64) ([]readmodel.ChangeRow, error) {
	var changes []readmodel.ChangeRow
	err := queryRows(ctx, r.tx, `SELECT generation, product_id, pos FROM catalog_changes
		WHERE generation > ? AND generation <= ? ORDER BY generation, product_id`,
		[]any{from, to}, func(rows *sql.Rows) error {
			var c readmodel.ChangeRow
			err := rows.Scan(&c.Generation, &c.ID, &c.Pos)
			changes = append(changes, c)
			return err
		})
	return changes, err
}
