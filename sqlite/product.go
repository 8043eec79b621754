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
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return storeError(what, err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		var e *catalog.Error
		if errors.As(err, &e) {
			return err
		}
		return storeError(what, err)
	}
	return nil
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
	findProductSQL  = `SELECT ` + productColumns + ` FROM products p WHERE p.id = ?`
	findFeaturesSQL = `SELECT id, feature, value FROM features WHERE product_id = ? ORDER BY id`
	findStylesSQL   = `SELECT s.id, s.name, s.sale_price, s.original_price, s.default_style
		FROM products p LEFT JOIN styles s ON s.product_id = p.id
		WHERE p.id = ? ORDER BY s.id`
	findPhotosSQL = `SELECT ph.id, ph.style_id, ph.url, ph.thumbnail_url
		FROM styles s JOIN photos ph ON ph.style_id = s.id
		WHERE s.product_id = ? ORDER BY ph.style_id, ph.id`
	findSKUsSQL = `SELECT k.id, k.style_id, k.size, k.quantity
		FROM styles s JOIN skus k ON k.style_id = s.id
		WHERE s.product_id = ? ORDER BY k.style_id, k.id`
	findRelatedSQL = `SELECT r.related_id
		FROM products p LEFT JOIN related r ON r.product_id = p.id
		WHERE p.id = ? ORDER BY r.id`
)

// readStmts are the read queries prepared on the read pool.
type readStmts struct {
	listProducts, findProduct, findFeatures, findStyles, findPhotos, findSKUs, findRelated *sql.Stmt
	findDoc                                                                                map[catalog.Document]*sql.Stmt
}

func prepareReads(ctx context.Context, pool *sql.DB) (*readStmts, error) {
	var st readStmts
	for _, q := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&st.listProducts, listProductsSQL}, {&st.findProduct, findProductSQL}, {&st.findFeatures, findFeaturesSQL},
		{&st.findStyles, findStylesSQL}, {&st.findPhotos, findPhotosSQL}, {&st.findSKUs, findSKUsSQL},
		{&st.findRelated, findRelatedSQL},
	} {
		stmt, err := pool.PrepareContext(ctx, q.sql)
		if err != nil {
			return nil, fmt.Errorf("prepare %q: %w", q.sql, err)
		}
		*q.dst = stmt
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

// FindProduct returns a product with its features.
func (db *DB) FindProduct(ctx context.Context, id int64) (catalog.Product, error) {
	db.reads.Add(1)
	var p catalog.Product
	err := db.readTx(ctx, "find product", func(tx *sql.Tx) error {
		var err error
		p, err = scanProduct(tx.StmtContext(ctx, db.stmts.findProduct).QueryRowContext(ctx, id))
		if errors.Is(err, sql.ErrNoRows) {
			return catalog.Errorf(catalog.ENOTFOUND, "product %d does not exist", id)
		}
		if err != nil {
			return err
		}
		rows, err := tx.StmtContext(ctx, db.stmts.findFeatures).QueryContext(ctx, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		p.Features = []catalog.Feature{}
		for rows.Next() {
			f := catalog.Feature{ProductID: id}
			var value sql.NullString
			if err := rows.Scan(&f.ID, &f.Name, &value); err != nil {
				return err
			}
			f.Value = nullString(value)
			p.Features = append(p.Features, f)
		}
		return rows.Err()
	})
	return p, err
}

// FindStyles returns a product's styles with their photos and SKUs: three
// queries, whatever the number of styles.
func (db *DB) FindStyles(ctx context.Context, productID int64) ([]catalog.Style, error) {
	db.reads.Add(1)
	var styles []catalog.Style
	err := db.readTx(ctx, "find styles", func(tx *sql.Tx) error {
		rows, err := tx.StmtContext(ctx, db.stmts.findStyles).QueryContext(ctx, productID)
		if err != nil {
			return err
		}
		found := false
		for rows.Next() {
			found = true
			var id, original sql.NullInt64
			var name sql.NullString
			var sale sql.NullInt64
			var def sql.NullBool
			if err := rows.Scan(&id, &name, &sale, &original, &def); err != nil {
				rows.Close()
				return err
			}
			if !id.Valid {
				continue // the product has no styles
			}
			styles = append(styles, catalog.Style{
				ID: id.Int64, ProductID: productID, Name: name.String,
				SalePrice:     catalog.Null[catalog.Cents]{V: catalog.Cents(sale.Int64), Valid: sale.Valid},
				OriginalPrice: catalog.Cents(original.Int64), Default: def.Bool,
			})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if !found {
			return catalog.Errorf(catalog.ENOTFOUND, "product %d does not exist", productID)
		}
		if len(styles) == 0 {
			styles = []catalog.Style{}
			return nil
		}
		if err := db.findPhotos(ctx, tx, productID, styles); err != nil {
			return err
		}
		return db.findSKUs(ctx, tx, productID, styles)
	})
	return styles, err
}

// styleOf returns the style with id among styles, which are in id order,
// starting at *i and leaving *i there: rows come in style id order, so
// the walk is one pass, with no map.
func styleOf(styles []catalog.Style, i *int, id int64) (*catalog.Style, error) {
	for *i < len(styles) && styles[*i].ID < id {
		*i++
	}
	if *i == len(styles) || styles[*i].ID != id {
		return nil, fmt.Errorf("a row of style %d, which is not among the product's styles", id)
	}
	return &styles[*i], nil
}

func (db *DB) findPhotos(ctx context.Context, tx *sql.Tx, productID int64, styles []catalog.Style) error {
	rows, err := tx.StmtContext(ctx, db.stmts.findPhotos).QueryContext(ctx, productID)
	if err != nil {
		return err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var ph catalog.Photo
		var u, thumb sql.NullString
		if err := rows.Scan(&ph.ID, &ph.StyleID, &u, &thumb); err != nil {
			return err
		}
		ph.URL, ph.ThumbnailURL = nullString(u), nullString(thumb)
		s, err := styleOf(styles, &i, ph.StyleID)
		if err != nil {
			return err
		}
		s.Photos = append(s.Photos, ph)
	}
	return rows.Err()
}

func (db *DB) findSKUs(ctx context.Context, tx *sql.Tx, productID int64, styles []catalog.Style) error {
	rows, err := tx.StmtContext(ctx, db.stmts.findSKUs).QueryContext(ctx, productID)
	if err != nil {
		return err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var k catalog.SKU
		if err := rows.Scan(&k.ID, &k.StyleID, &k.Size, &k.Quantity); err != nil {
			return err
		}
		s, err := styleOf(styles, &i, k.StyleID)
		if err != nil {
			return err
		}
		s.SKUs = append(s.SKUs, k)
	}
	return rows.Err()
}

// FindRelated returns the ids a product links to, in link order.
func (db *DB) FindRelated(ctx context.Context, productID int64) ([]int64, error) {
	db.reads.Add(1)
	rows, err := db.stmts.findRelated.QueryContext(ctx, productID)
	if err != nil {
		return nil, storeError("find related", err)
	}
	defer rows.Close()
	found := false
	ids := []int64{}
	for rows.Next() {
		found = true
		var id sql.NullInt64
		if err := rows.Scan(&id); err != nil {
			return nil, storeError("find related", err)
		}
		if id.Valid {
			ids = append(ids, id.Int64)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, storeError("find related", err)
	}
	if !found {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "product %d does not exist", productID)
	}
	return ids, nil
}
