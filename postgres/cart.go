package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"catalog"
)

const cartSQL = `SELECT sku_id, count(*) FROM (
		SELECT 0 AS src, id::bigint AS id, sku_id FROM cart_imported WHERE session = $1 AND active
		UNION ALL
		SELECT 1, id, sku_id FROM cart WHERE session = $1) c
	WHERE EXISTS (SELECT 1 FROM skus k WHERE k.id = c.sku_id)
	GROUP BY sku_id ORDER BY min(src * 4294967296 + id)`

// Cart returns a session's cart: the dataset's active historical lines
// first, then the lines added through the API, grouped by SKU in order of
// first addition. It reads the primary, which has every add answered, and
// is tried once more as a catalog read is.
func (db *DB) Cart(ctx context.Context, session string) ([]catalog.CartItem, error) {
	var items []catalog.CartItem
	err := db.again(ctx, func() error {
		var err error
		items, err = db.cart(ctx, session)
		return err
	}, nil)
	return items, err
}

func (db *DB) cart(ctx context.Context, session string) ([]catalog.CartItem, error) {
	rows, err := db.pool.Query(ctx, cartSQL, session)
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

// AddToCart adds one unit of a SKU to a session's cart, within its stock
// and its bound of distinct SKUs. An advisory lock on the cart serializes
// concurrent adds to it, and expiry's deletes of it, so the checks and the
// insert cannot be overrun; adds to other carts do not wait. (Instances of
// a version that locked (cart, SKU) do not exclude this one's adds: a
// rolling upgrade from one should not run both under a race for one cart.)
//
// An add that failed before its commit, on a lost connection or as a
// deadlock's victim, made nothing: it is tried once more. One whose commit
// failed may have been made, and is not: a second could add a second unit.
func (db *DB) AddToCart(ctx context.Context, session string, skuID int64, maxSKUs int) error {
	var committing bool
	return db.again(ctx, func() error {
		committing = false
		return db.addToCart(ctx, session, skuID, maxSKUs, &committing)
	}, func() bool { return committing })
}

// addToCart makes one attempt of AddToCart, and sets committing once what
// fails next is the commit.
func (db *DB) addToCart(ctx context.Context, session string, skuID int64, maxSKUs int, committing *bool) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1), 0)`, session); err != nil {
			return err
		}
		var quantity, inCart, imported, skus int64
		err := tx.QueryRow(ctx, `SELECT quantity,
				(SELECT count(*) FROM cart WHERE session = $1 AND sku_id = $2),
				(SELECT count(*) FROM cart_imported WHERE session = $1 AND sku_id = $2 AND active),
				(SELECT count(DISTINCT sku_id) FROM cart WHERE session = $1)
			FROM skus WHERE id = $2`, session, skuID).Scan(&quantity, &inCart, &imported, &skus)
		if errors.Is(err, pgx.ErrNoRows) {
			return catalog.ErrNoSKU(skuID)
		}
		if err != nil {
			return err
		}
		if err := catalog.CheckStock(quantity, inCart+imported, skuID); err != nil {
			return err
		}
		if err := catalog.CheckCartSKUs(inCart, skus, maxSKUs, skuID); err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, `INSERT INTO cart (session, sku_id, created_at) VALUES ($1, $2, $3)`, session, skuID, db.now()); err != nil {
			return err
		}
		*committing = true // BeginFunc commits next
		return nil
	})
	var e *catalog.Error
	if errors.As(err, &e) {
		return err
	}
	return storeError("add to cart", err)
}

// CartKey returns the key cart tokens are hashed with, made and kept by
// the first caller of any instance; the others read it. The read is a
// statement of its own: one that raced another instance's insert sees it
// committed.
func (db *DB) CartKey(ctx context.Context) ([]byte, error) {
	var key []byte
	err := db.again(ctx, func() error {
		if _, err := db.pool.Exec(ctx, `INSERT INTO cart_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`,
			catalog.NewCartKey()); err != nil {
			return err
		}
		return db.pool.QueryRow(ctx, `SELECT key FROM cart_key`).Scan(&key)
	}, nil)
	if err != nil {
		return nil, storeError("cart key", err)
	}
	return key, nil
}

// ExpireCarts deletes the lines of the carts last added to before
// idleSince, up to expireBatchSize carts a transaction, each going on from
// the last cart the one before reached, so that the whole expiry reads the
// carts index once.
func (db *DB) ExpireCarts(ctx context.Context, idleSince time.Time) (int64, error) {
	var total int64
	last := ""
	for {
		var n int64
		var next string
		err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
			var err error
			n, next, err = expireBatch(ctx, tx, last, idleSince)
			return err
		})
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
// last, and returns the lines deleted and the last cart of the batch (""
// when there was none). An add holds its cart's advisory lock until it
// commits: the batch takes the lock of each cart it deletes first, skipping
// one being added to, then deletes with a snapshot taken after the locks,
// in which an add that committed meanwhile shows, and its cart is kept.
func expireBatch(ctx context.Context, tx pgx.Tx, last string, idleSince time.Time) (int64, string, error) {
	rows, err := tx.Query(ctx, `SELECT session, pg_try_advisory_xact_lock(hashtext(session), 0) FROM (
			SELECT session FROM cart WHERE session > $1 GROUP BY session HAVING max(created_at) < $2
			ORDER BY session LIMIT $3) idle ORDER BY session`, last, idleSince, expireBatchSize)
	if err != nil {
		return 0, "", err
	}
	var next string
	var locked []string
	for rows.Next() {
		var session string
		var ok bool
		if err := rows.Scan(&session, &ok); err != nil {
			return 0, "", err
		}
		if next = session; ok {
			locked = append(locked, session)
		}
	}
	if err := rows.Err(); err != nil || next == "" {
		return 0, "", err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM cart WHERE session IN (SELECT session FROM cart WHERE session = ANY($1)
			GROUP BY session HAVING max(created_at) < $2)`, locked, idleSince)
	if err != nil {
		return 0, "", err
	}
	return tag.RowsAffected(), next, nil
}

// expireBatchSize is how many carts one transaction of ExpireCarts
// deletes.
const expireBatchSize = 500
