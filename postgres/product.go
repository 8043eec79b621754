package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"catalog"
	"catalog/internal/reload"
)

// Each read is one statement: one round trip, and one snapshot, so a load
// swapping a new catalog in is seen entirely or not at all.

// productColumns are the columns of products the reads select, in the
// order of the table's definition.
var productColumns = "p." + strings.Join(tableNamed("products").columnNames(), ", p.")

// The statements of the read endpoints.
var (
	// A page starts in the last block whose first position is at most
	// its own ($1), so many rows into it; $2 is its size.
	listProductsSQL = `SELECT ` + productColumns + ` FROM products p
		WHERE p.id >= (SELECT block FROM product_blocks WHERE first_pos <= $1::bigint ORDER BY first_pos DESC LIMIT 1) * ` +
		strconv.Itoa(reload.BlockSize) + `
		ORDER BY p.id LIMIT $2::bigint
		OFFSET $1::bigint - coalesce((SELECT first_pos FROM product_blocks WHERE first_pos <= $1::bigint ORDER BY first_pos DESC LIMIT 1), $1::bigint)`
)

func productFields(p *catalog.Product, slogan, description, category **string) []any {
	return []any{&p.ID, &p.Name, slogan, description, category, &p.DefaultPrice, &p.CreatedAt, &p.UpdatedAt}
}

func null(s *string) catalog.Null[string] {
	if s == nil {
		return catalog.Null[string]{}
	}
	return catalog.Some(*s)
}

func finishProduct(p *catalog.Product, slogan, description, category *string) {
	p.Slogan, p.Description, p.Category = null(slogan), null(description), null(category)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
}

// ListProducts returns a page of products in id order.
func (db *DB) ListProducts(ctx context.Context, page catalog.Page) ([]catalog.Product, error) {
	first := page.First()
	var products []catalog.Product
	err := db.read(ctx, func(q querier) error {
		var err error
		products, err = listProducts(ctx, q, first, page.Size)
		return err
	})
	return products, err
}

func listProducts(ctx context.Context, q querier, first, size int64) ([]catalog.Product, error) {
	rows, err := q.Query(ctx, listProductsSQL, first, size)
	if err != nil {
		return nil, storeError("list products", err)
	}
	defer rows.Close()
	products := make([]catalog.Product, 0, min(size, 100))
	for rows.Next() {
		var p catalog.Product
		var slogan, description, category *string
		if err := rows.Scan(productFields(&p, &slogan, &description, &category)...); err != nil {
			return nil, storeError("list products", err)
		}
		finishProduct(&p, slogan, description, category)
		products = append(products, p)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError("list products", err)
	}
	return products, nil
}

// readRow reads the one row a statement of product id returns, on a
// replica or the primary; no row means the product does not exist.
func (db *DB) readRow(ctx context.Context, what string, id int64, sql string, dest ...any) error {
	return db.read(ctx, func(q querier) error {
		err := q.QueryRow(ctx, sql, id).Scan(dest...)
		if errors.Is(err, pgx.ErrNoRows) {
			return catalog.ErrNoProduct(id)
		}
		return storeError(what, err)
	})
}

func (db *DB) now() time.Time { return db.cfg.Now() }
