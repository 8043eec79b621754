package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"catalog"
	"catalog/internal/reload"
)

// readTx runs fn in a read transaction: every query in it sees the same
// catalog, even when a load swaps a new one in meanwhile.
func (db *DB) readTx(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	return inTx(ctx, db.read, &sql.TxOptions{ReadOnly: true}, what, fn)
}

// inTx runs fn in a transaction of pool, committed if fn succeeds.
func inTx(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, what string, fn func(tx *sql.Tx) error) error {
	tx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return storeError(what, err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		return txError(what, err)
	}
	return storeError(what, tx.Commit())
}

// txError is what a transaction's work failed with: an error meant for
// the caller as it is, any other translated at the store's boundary.
func txError(what string, err error) error {
	var e *catalog.Error
	if errors.As(err, &e) {
		return err
	}
	return storeError(what, err)
}

// productColumns are the columns of products the reads select, in the
// order of the table's definition.
var productColumns = "p." + strings.Join(tableNamed("products").columnNames(), ", p.")

// The read queries, prepared once per connection: parsing and planning them
// per request was an eighth of a cold request's CPU.
var (
	// A page starts in the last block whose first position is at most
	// its own (?1), so many rows into it; ?2 is its size.
	listProductsSQL = `SELECT ` + productColumns + ` FROM products p
		WHERE p.id >= (SELECT block FROM product_blocks WHERE first_pos <= ?1 ORDER BY first_pos DESC LIMIT 1) * ` +
		strconv.Itoa(reload.BlockSize) + `
		ORDER BY p.id LIMIT ?2
		OFFSET ?1 - coalesce((SELECT first_pos FROM product_blocks WHERE first_pos <= ?1 ORDER BY first_pos DESC LIMIT 1), ?1)`
)

// readStmts are the read queries prepared on the read pool.
type readStmts struct {
	listProducts *sql.Stmt
	findDoc      map[catalog.Document]*sql.Stmt
	reviewMeta   *sql.Stmt
	reviews      map[catalog.ReviewSort]*sql.Stmt
	qaDoc        *sql.Stmt
	answers      *sql.Stmt
}

func prepareReads(ctx context.Context, pool *sql.DB) (*readStmts, error) {
	var st readStmts
	for _, q := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&st.listProducts, listProductsSQL},
		{&st.reviewMeta, reviewMetaSQL},
		{&st.qaDoc, `SELECT doc FROM qa_docs WHERE product_id = ?`},
		{&st.answers, answersSQL},
	} {
		stmt, err := pool.PrepareContext(ctx, q.sql)
		if err != nil {
			return nil, fmt.Errorf("prepare %q: %w", q.sql, err)
		}
		*q.dst = stmt
	}
	st.reviews = map[catalog.ReviewSort]*sql.Stmt{}
	for sort, order := range reload.ReviewOrder {
		stmt, err := pool.PrepareContext(ctx, reviewsSQL(order))
		if err != nil {
			return nil, fmt.Errorf("prepare the reviews in order %s: %w", order, err)
		}
		st.reviews[sort] = stmt
	}
	st.findDoc = map[catalog.Document]*sql.Stmt{}
	for kind, q := range findDocSQL {
		stmt, err := pool.PrepareContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("prepare %q: %w", q, err)
		}
		st.findDoc[kind] = stmt
	}
	return &st, nil
}

func scanProduct(row interface{ Scan(...any) error }) (catalog.Product, error) {
	var p catalog.Product
	var slogan, description, category sql.NullString
	var created, updated int64
	if err := row.Scan(&p.ID, &p.Name, &slogan, &description, &category, &p.DefaultPrice, &created, &updated); err != nil {
		return p, err
	}
	p.Slogan, p.Description, p.Category = nullString(slogan), nullString(description), nullString(category)
	p.CreatedAt, p.UpdatedAt = fromMillis(created), fromMillis(updated)
	return p, nil
}

// ListProducts returns a page of products in id order.
func (db *DB) ListProducts(ctx context.Context, page catalog.Page) ([]catalog.Product, error) {
	db.reads.Add(1)
	first := page.First()
	rows, err := db.stmts.listProducts.QueryContext(ctx, first, page.Size)
	if err != nil {
		return nil, storeError("list products", err)
	}
	defer rows.Close()
	products := make([]catalog.Product, 0, min(page.Size, 100))
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return nil, storeError("list products", err)
		}
		products = append(products, p)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError("list products", err)
	}
	return products, nil
}
