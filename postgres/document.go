package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"catalog"
	"catalog/readmodel"
)

// The reads of the read model: one document of one product.
var findDocSQL = map[catalog.Document]string{
	catalog.DocProduct: `SELECT product FROM product_docs WHERE id = $1`,
	catalog.DocStyles:  `SELECT styles FROM product_docs WHERE id = $1`,
	catalog.DocRelated: `SELECT related FROM product_docs WHERE id = $1`,
}

// FindDocument returns a product's document: one key lookup.
func (db *DB) FindDocument(ctx context.Context, id int64, kind catalog.Document) ([]byte, error) {
	q, ok := findDocSQL[kind]
	if !ok {
		return nil, fmt.Errorf("no document of kind %d", kind)
	}
	var doc []byte
	err := db.readRow(ctx, "find document", id, q, &doc)
	return doc, err
}

// Changes returns what the generations after after changed, as far as the
// history goes back: one snapshot, on the primary, which a poll of the
// catalog has just read.
func (db *DB) Changes(ctx context.Context, after int64) (catalog.History, error) {
	var h catalog.History
	err := db.again(ctx, func() error {
		return pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) (err error) {
			h, err = readmodel.ReadHistory(ctx, historyReads{tx}, after)
			return err
		})
	}, nil)
	return h, storeError("read the changes", err)
}

// historyReads reads the history in a transaction.
type historyReads struct{ tx pgx.Tx }

func (r historyReads) Window(ctx context.Context) (start, current int64, err error) {
	err = r.tx.QueryRow(ctx, `SELECT history_from, generation FROM catalog_meta`).Scan(&start, &current)
	return start, current, err
}

func (r historyReads) Shifts(ctx context.Context, from, to int64) (map[int64]int64, error) {
	shifts := map[int64]int64{}
	err := queryRows(ctx, r.tx, `SELECT generation, shift_from FROM catalog_shifts WHERE generation > $1 AND generation <= $2`,
		[]any{from, to}, func(rows pgx.Rows) error {
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
		WHERE generation > $1 AND generation <= $2 ORDER BY generation, product_id`,
		[]any{from, to}, func(rows pgx.Rows) error {
			var c readmodel.ChangeRow
			err := rows.Scan(&c.Generation, &c.ID, &c.Pos)
			changes = append(changes, c)
			return err
		})
	return changes, err
}
