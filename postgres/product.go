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
	findProductSQL = `SELECT ` + productColumns + `, f.ids, f.names, f.vals
		FROM products p
		CROSS JOIN LATERAL (SELECT array_agg(id ORDER BY id) AS ids, array_agg(feature ORDER BY id) AS names,
				array_agg(value ORDER BY id) AS vals
			FROM features WHERE product_id = p.id) f
		WHERE p.id = $1`
	findStylesSQL = `SELECT s.id, s.name, s.sale_price, s.original_price, s.default_style,
			ph.ids, ph.urls, ph.thumbs, k.ids, k.sizes, k.qtys
		FROM products p
		LEFT JOIN styles s ON s.product_id = p.id
		LEFT JOIN LATERAL (SELECT array_agg(id ORDER BY id) AS ids, array_agg(url ORDER BY id) AS urls,
				array_agg(thumbnail_url ORDER BY id) AS thumbs
			FROM photos WHERE style_id = s.id) ph ON true
		LEFT JOIN LATERAL (SELECT array_agg(id ORDER BY id) AS ids, array_agg(size ORDER BY id) AS sizes,
				array_agg(quantity ORDER BY id) AS qtys
			FROM skus WHERE style_id = s.id) k ON true
		WHERE p.id = $1 ORDER BY s.id`
	findRelatedSQL = `SELECT array_agg(r.related_id ORDER BY r.id)
		FROM products p LEFT JOIN related r ON r.product_id = p.id
		WHERE p.id = $1 GROUP BY p.id`
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

// FindProduct returns a product with its features.
func (db *DB) FindProduct(ctx context.Context, id int64) (catalog.Product, error) {
	var p catalog.Product
	var slogan, description, category *string
	var fids []int64
	var fnames []string
	var fvalues []*string
	dest := append(productFields(&p, &slogan, &description, &category), &fids, &fnames, &fvalues)
	if err := db.readRow(ctx, "find product", id, findProductSQL, dest...); err != nil {
		return p, err
	}
	finishProduct(&p, slogan, description, category)
	p.Features = make([]catalog.Feature, len(fids))
	for i := range fids {
		p.Features[i] = catalog.Feature{ID: fids[i], ProductID: id, Name: fnames[i], Value: null(fvalues[i])}
	}
	return p, nil
}

// FindStyles returns a product's styles with their photos and SKUs.
func (db *DB) FindStyles(ctx context.Context, productID int64) ([]catalog.Style, error) {
	var styles []catalog.Style
	err := db.read(ctx, func(q querier) error {
		var err error
		styles, err = findStyles(ctx, q, productID)
		return err
	})
	return styles, err
}

func findStyles(ctx context.Context, q querier, productID int64) ([]catalog.Style, error) {
	rows, err := q.Query(ctx, findStylesSQL, productID)
	if err != nil {
		return nil, storeError("find styles", err)
	}
	defer rows.Close()
	found := false
	styles := []catalog.Style{}
	for rows.Next() {
		found = true
		var (
			id, original, sale *int64
			name               *string
			def                *bool
			phIDs, kIDs, kQty  []int64
			urls, thumbs       []*string
			sizes              []string
		)
		if err := rows.Scan(&id, &name, &sale, &original, &def, &phIDs, &urls, &thumbs, &kIDs, &sizes, &kQty); err != nil {
			return nil, storeError("find styles", err)
		}
		if id == nil {
			continue // the product has no styles
		}
		s := catalog.Style{ID: *id, ProductID: productID, Name: *name, OriginalPrice: catalog.Cents(*original), Default: *def}
		if sale != nil {
			s.SalePrice = catalog.Some(catalog.Cents(*sale))
		}
		for i := range phIDs {
			s.Photos = append(s.Photos, catalog.Photo{ID: phIDs[i], StyleID: s.ID, URL: null(urls[i]), ThumbnailURL: null(thumbs[i])})
		}
		for i := range kIDs {
			s.SKUs = append(s.SKUs, catalog.SKU{ID: kIDs[i], StyleID: s.ID, Size: sizes[i], Quantity: kQty[i]})
		}
		styles = append(styles, s)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError("find styles", err)
	}
	if !found {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "product %d does not exist", productID)
	}
	return styles, nil
}

// FindRelated returns the ids a product links to, in link order.
func (db *DB) FindRelated(ctx context.Context, productID int64) ([]int64, error) {
	var ids []*int64
	if err := db.readRow(ctx, "find related", productID, findRelatedSQL, &ids); err != nil {
		return nil, err
	}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id != nil { // the one NULL of a product without links
			out = append(out, *id)
		}
	}
	return out, nil
}

// readRow reads the one row a statement of product id returns, on a
// replica or the primary; no row means the product does not exist.
func (db *DB) readRow(ctx context.Context, what string, id int64, sql string, dest ...any) error {
	return db.read(ctx, func(q querier) error {
		err := q.QueryRow(ctx, sql, id).Scan(dest...)
		if errors.Is(err, pgx.ErrNoRows) {
			return catalog.Errorf(catalog.ENOTFOUND, "product %d does not exist", id)
		}
		return storeError(what, err)
	})
}

func (db *DB) now() time.Time { return db.cfg.Now() }
