package postgres

import (
	"context"
	"strings"

	"catalog"
)

// Plan is the query plan of one endpoint's statement, as executed.
type Plan struct {
	Endpoint, SQL, Args, Plan string
}

// Explain runs each read endpoint's statement under EXPLAIN (ANALYZE,
// BUFFERS) for a product and a page, so an operator can see that every one
// uses its indexes on the catalog at hand.
func (db *DB) Explain(ctx context.Context, productID int64, page, count int64) ([]Plan, error) {
	first := (page-1)*count + 1
	cases := []struct {
		endpoint, sql, args string
		values              []any
	}{
		{"GET /products?page=P&count=C", listProductsSQL, "first position of the page, and its size", []any{first, count}},
		{"GET /products/{id}", findDocSQL[catalog.DocProduct], "product id", []any{productID}},
		{"GET /products/{id}/styles", findDocSQL[catalog.DocStyles], "product id", []any{productID}},
		{"GET /products/{id}/related", findDocSQL[catalog.DocRelated], "product id", []any{productID}},
		{"GET /reviews/meta?product_id={id}", reviewMetaSQL, "product id", []any{productID}},
		{"GET /cart", cartSQL, "session", []any{"1"}},
	}
	var plans []Plan
	for _, c := range cases {
		rows, err := db.pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+c.sql, c.values...)
		if err != nil {
			return nil, storeError("explain", err)
		}
		var lines []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				rows.Close()
				return nil, err
			}
			lines = append(lines, line)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, storeError("explain", err)
		}
		plans = append(plans, Plan{Endpoint: c.endpoint, SQL: c.sql, Args: c.args, Plan: strings.Join(lines, "\n")})
	}
	return plans, nil
}
