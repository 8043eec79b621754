package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"catalog"
)

// Cart returns a session's cart: the dataset's active historical lines
// first, then the lines added through the API, grouped by SKU in order of
// first addition.
func (db *DB) Cart(ctx context.Context, session string) ([]catalog.CartItem, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT sku_id, count(*) FROM (
			SELECT 0 AS src, id, sku_id FROM cart_imported WHERE session = ?1 AND active
			UNION ALL
			SELECT 1, id, sku_id FROM cart WHERE session = ?1)
		GROUP BY sku_id ORDER BY min(src * 4294967296 + id)`, session)
	if err != nil {
		return nil, storeError("read cart", err)
	}
	defer rows.Close()
	items := []catalog.CartItem{}
	for rows.Next() {
		var it catalog.CartItem
		if err := rows.Scan(&it.SKUID, &it.Count); err != nil {
			return nil, storeError("read cart", err)
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError("read cart", err)
	}
	return items, nil
}

// AddToCart adds one unit of a SKU to a session's cart, within its stock.
// The check and the insert share one write transaction on the single writer
// connection, so concurrent adds cannot overrun the stock.
func (db *DB) AddToCart(ctx context.Context, session string, skuID int64) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return storeError("add to cart", err)
	}
	defer func() { _ = tx.Rollback() }()
	var quantity, inCart int64
	err = tx.QueryRowContext(ctx, `SELECT quantity,
			(SELECT count(*) FROM cart WHERE session = ?1 AND sku_id = ?2) +
			(SELECT count(*) FROM cart_imported WHERE session = ?1 AND sku_id = ?2 AND active)
		FROM skus WHERE id = ?2`, session, skuID).Scan(&quantity, &inCart)
	if errors.Is(err, sql.ErrNoRows) {
		return catalog.Errorf(catalog.EUNPROCESSABLE, "sku %d does not exist", skuID)
	}
	if err != nil {
		return storeError("add to cart", err)
	}
	if quantity == 0 {
		return catalog.Errorf(catalog.EUNPROCESSABLE, "sku %d is out of stock", skuID)
	}
	if inCart >= quantity {
		return catalog.Errorf(catalog.EUNPROCESSABLE, "the cart already holds all %d units of sku %d in stock", quantity, skuID)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO cart (session, sku_id, created_at) VALUES (?, ?, ?)`,
		session, skuID, millis(db.now())); err != nil {
		return storeError("add to cart", err)
	}
	if err := tx.Commit(); err != nil {
		return storeError("add to cart", err)
	}
	return nil
}
