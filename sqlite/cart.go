package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"
	"time"

	"catalog"
)

// cartCounts is how many units of each SKU a cart's lines hold, and the
// first line of each.
type cartCounts map[int64]struct{ count, first int64 }

func queryCounts(ctx context.Context, pool *sql.DB, query, session string) (cartCounts, error) {
	rows, err := pool.QueryContext(ctx, query, session)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := cartCounts{}
	for rows.Next() {
		var sku, count, first int64
		if err := rows.Scan(&sku, &count, &first); err != nil {
			return nil, err
		}
		counts[sku] = struct{ count, first int64 }{count, first}
	}
	return counts, rows.Err()
}

// Cart returns a session's cart: the dataset's active historical lines
// first, then the lines added through the API, grouped by SKU in order of
// first addition; those of SKUs the catalog no longer has are left out.
func (db *DB) Cart(ctx context.Context, session string) ([]catalog.CartItem, error) {
	imported, err := queryCounts(ctx, db.read, `SELECT sku_id, count(*), min(id) FROM cart_imported
		WHERE session = ? AND active GROUP BY sku_id`, session)
	if err != nil {
		return nil, storeError("read cart", err)
	}
	live, err := queryCounts(ctx, db.carts, `SELECT sku_id, count(*), min(id) FROM cart
		WHERE session = ? GROUP BY sku_id`, session)
	if err != nil {
		return nil, storeError("read cart", err)
	}
	// The carts file is another database: the SKUs the catalog still has
	// are asked of the catalog's.
	if err := keepLiveSKUs(ctx, db.read, live); err != nil {
		return nil, storeError("read cart", err)
	}
	type entry struct {
		item         catalog.CartItem
		src, firstID int64
	}
	var entries []entry
	for sku, c := range imported {
		entries = append(entries, entry{catalog.CartItem{SKUID: sku, Count: c.count + live[sku].count}, 0, c.first})
	}
	for sku, c := range live {
		if _, ok := imported[sku]; !ok {
			entries = append(entries, entry{catalog.CartItem{SKUID: sku, Count: c.count}, 1, c.first})
		}
	}
	sort.Slice(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		return a.src < b.src || a.src == b.src && a.firstID < b.firstID
	})
	items := make([]catalog.CartItem, len(entries))
	for i, e := range entries {
		items[i] = e.item
	}
	return items, nil
}

// AddToCart adds one unit of a SKU to a session's cart, within its stock.
// The SKU's stock and the historical lines come from the catalog; the count
// of the cart's own lines and the insert share one write transaction on the
// carts file's single writer, so concurrent adds cannot overrun the stock.
func (db *DB) AddToCart(ctx context.Context, session string, skuID int64, maxSKUs int) error {
	var quantity, imported int64
	err := db.read.QueryRowContext(ctx, `SELECT quantity,
			(SELECT count(*) FROM cart_imported WHERE session = ?1 AND sku_id = ?2 AND active)
		FROM skus WHERE id = ?2`, session, skuID).Scan(&quantity, &imported)
	if errors.Is(err, sql.ErrNoRows) {
		return catalog.ErrNoSKU(skuID)
	}
	if err != nil {
		return storeError("add to cart", err)
	}
	if err := catalog.CheckStock(quantity, 0, skuID); err != nil {
		return err // sold out: the carts file need not be locked to know
	}
	tx, err := db.cartWrite.BeginTx(ctx, nil)
	if err != nil {
		return storeError("add to cart", err)
	}
	defer func() { _ = tx.Rollback() }()
	var inCart, skus int64
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM cart WHERE session = ?1 AND sku_id = ?2),
			(SELECT count(DISTINCT sku_id) FROM cart WHERE session = ?1)`, session, skuID).Scan(&inCart, &skus); err != nil {
		return storeError("add to cart", err)
	}
	if err := catalog.CheckStock(quantity, inCart+imported, skuID); err != nil {
		return err
	}
	if err := catalog.CheckCartSKUs(inCart, skus, maxSKUs, skuID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO cart (session, sku_id, created_at) VALUES (?, ?, ?)`,
		session, skuID, millis(db.now())); err != nil {
		return storeError("add to cart", err)
	}
	return storeError("add to cart", tx.Commit())
}

// keepLiveSKUs deletes from counts the SKUs the catalog does not have.
func keepLiveSKUs(ctx context.Context, catalogDB *sql.DB, counts cartCounts) error {
	if len(counts) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(counts))
	for sku := range counts {
		ids = append(ids, sku)
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	live := map[int64]bool{}
	err = queryRows(ctx, catalogDB, `SELECT id FROM skus WHERE id IN (SELECT value FROM json_each(?))`, []any{string(list)},
		func(rows *sql.Rows) error {
			var id int64
			err := rows.Scan(&id)
			live[id] = true
			return err
		})
	if err != nil {
		return err
	}
	for sku := range counts {
		if !live[sku] {
			delete(counts, sku)
		}
	}
	return nil
}

// CartKey returns the key cart tokens are hashed with, made and kept in the
// carts file by the first caller; the others read it.
func (db *DB) CartKey(ctx context.Context) ([]byte, error) {
	if _, err := db.cartWrite.ExecContext(ctx, `INSERT INTO cart_key (id, key) VALUES (1, ?) ON CONFLICT (id) DO NOTHING`,
		catalog.NewCartKey()); err != nil {
		return nil, storeError("make the cart key", err)
	}
	var key []byte
	if err := db.carts.QueryRowContext(ctx, `SELECT key FROM cart_key`).Scan(&key); err != nil {
		return nil, storeError("read the cart key", err)
	}
	return key, nil
}

// ExpireCarts deletes the lines of the carts last added to before
// idleSince, up to expireBatchSize carts a transaction, each going on from
// the last cart the one before reached, so that adds wait for the carts
// file's one writer for a short transaction at most and the whole expiry
// reads the carts index once. A transaction is atomic against adds (one
// writer): a cart added to meanwhile is not idle when it runs.
func (db *DB) ExpireCarts(ctx context.Context, idleSince time.Time) (int64, error) {
	var total int64
	last := ""
	for {
		n, next, err := db.expireBatch(ctx, last, millis(idleSince))
		if err != nil {
			return total, storeError("expire carts", err)
		}
		if total += n; next == "" {
			return total, nil
		}
		last = next
	}
}

// expireBatch deletes the idle carts of the next expireBatchSize after
// last, in one write transaction, and returns the lines deleted and the
// last cart of the batch ("" when there was none).
func (db *DB) expireBatch(ctx context.Context, last string, idleSince int64) (int64, string, error) {
	tx, err := db.cartWrite.BeginTx(ctx, nil)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = tx.Rollback() }()
	var next sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT max(session) FROM (SELECT session FROM cart WHERE session > ?1
			GROUP BY session HAVING max(created_at) < ?2 ORDER BY session LIMIT ?3)`,
		last, idleSince, expireBatchSize).Scan(&next); err != nil || !next.Valid {
		return 0, "", err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM cart WHERE session IN (SELECT session FROM cart
			WHERE session > ?1 AND session <= ?2 GROUP BY session HAVING max(created_at) < ?3)`, last, next.String, idleSince)
	if err != nil {
		return 0, "", err
	}
	n, _ := res.RowsAffected()
	return n, next.String, tx.Commit()
}

// expireBatchSize is how many carts one transaction of ExpireCarts
// deletes.
const expireBatchSize = 500
