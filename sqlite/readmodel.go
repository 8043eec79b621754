package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"catalog"
	"catalog/internal/reload"
	"catalog/readmodel"
)

// chunkSQL are the reads of a chunk's rows, for the read model: each
// table's rows of the products with ids in [?1, ?2] (after those of the
// products themselves, the first ?2 with ids over ?1), in the order
// readmodel.Chunk wants.
type chunkSQL struct {
	products, features, styles, photos, skus, related string
}

// chunkQueries returns the reads of chunks from the tables named with a
// suffix ("_new": a load's), of the products whose id passes only (a
// condition on it, such as "IN (SELECT id FROM temp.affected)"; "" for all).
func chunkQueries(suffix, only string) chunkSQL {
	cond := func(col string) string {
		if only == "" {
			return ""
		}
		return " AND " + col + " " + only
	}
	return chunkSQL{
		products: `SELECT ` + productColumns + ` FROM products` + suffix + ` p WHERE p.id > ?` + cond("p.id") + ` ORDER BY p.id LIMIT ?`,
		features: `SELECT id, product_id, feature, value FROM features` + suffix + `
			WHERE product_id BETWEEN ?1 AND ?2` + cond("product_id") + ` ORDER BY product_id, id`,
		styles: `SELECT id, product_id, name, sale_price, original_price, default_style FROM styles` + suffix + `
			WHERE product_id BETWEEN ?1 AND ?2` + cond("product_id") + ` ORDER BY product_id, id`,
		photos: `SELECT s.product_id, ph.id, ph.style_id, ph.url, ph.thumbnail_url
			FROM styles` + suffix + ` s JOIN photos` + suffix + ` ph ON ph.style_id = s.id
			WHERE s.product_id BETWEEN ?1 AND ?2` + cond("s.product_id") + ` ORDER BY s.product_id, ph.style_id, ph.id`,
		skus: `SELECT s.product_id, k.id, k.style_id, k.size, k.quantity
			FROM styles` + suffix + ` s JOIN skus` + suffix + ` k ON k.style_id = s.id
			WHERE s.product_id BETWEEN ?1 AND ?2` + cond("s.product_id") + ` ORDER BY s.product_id, k.style_id, k.id`,
		related: `SELECT id, product_id, related_id FROM related` + suffix + `
			WHERE product_id BETWEEN ?1 AND ?2` + cond("product_id") + ` ORDER BY product_id, id`,
	}
}

// newChunks are the reads of a load's new catalog.
var newChunks = chunkQueries("_new", "")

var stampsSQL = `SELECT id, hash, version FROM product_docs WHERE id > ? AND id <= ? ORDER BY id`

// docSource is a load's new catalog as readmodel.BuildAll reads it: its
// chunks on the read pool, while the load's connection writes.
type docSource struct{ l *load }

var _ readmodel.Source = docSource{}

func (s docSource) Chunk(ctx context.Context, after int64, n int) (*readmodel.Chunk, error) {
	return readChunk(ctx, s.l.db.read, newChunks, after, n)
}

// readChunk reads the rows of the first n products with ids over after.
func readChunk(ctx context.Context, q rowsQueryer, sqls chunkSQL, after int64, n int) (*readmodel.Chunk, error) {
	var c readmodel.Chunk
	err := queryRows(ctx, q, sqls.products, []any{after, n}, func(rows *sql.Rows) error {
		p, err := scanProduct(rows)
		c.Products = append(c.Products, p)
		return err
	})
	if err != nil || len(c.Products) == 0 {
		return &c, storeError("read the catalog", err)
	}
	span := []any{c.Products[0].ID, c.Products[len(c.Products)-1].ID}
	for _, r := range []struct {
		sql  string
		scan func(*sql.Rows) error
	}{
		{sqls.features, func(rows *sql.Rows) error {
			var f catalog.Feature
			var value sql.NullString
			err := rows.Scan(&f.ID, &f.ProductID, &f.Name, &value)
			f.Value = nullString(value)
			c.Features = append(c.Features, f)
			return err
		}},
		{sqls.styles, func(rows *sql.Rows) error {
			var st catalog.Style
			var sale sql.NullInt64
			err := rows.Scan(&st.ID, &st.ProductID, &st.Name, &sale, &st.OriginalPrice, &st.Default)
			st.SalePrice = catalog.Null[catalog.Cents]{V: catalog.Cents(sale.Int64), Valid: sale.Valid}
			c.Styles = append(c.Styles, st)
			return err
		}},
		{sqls.photos, func(rows *sql.Rows) error {
			var ph readmodel.Photo
			var u, thumb sql.NullString
			err := rows.Scan(&ph.ProductID, &ph.ID, &ph.StyleID, &u, &thumb)
			ph.URL, ph.ThumbnailURL = nullString(u), nullString(thumb)
			c.Photos = append(c.Photos, ph)
			return err
		}},
		{sqls.skus, func(rows *sql.Rows) error {
			var k readmodel.SKU
			err := rows.Scan(&k.ProductID, &k.ID, &k.StyleID, &k.Size, &k.Quantity)
			c.SKUs = append(c.SKUs, k)
			return err
		}},
		{sqls.related, func(rows *sql.Rows) error {
			var r catalog.Related
			err := rows.Scan(&r.ID, &r.ProductID, &r.RelatedID)
			c.Related = append(c.Related, r)
			return err
		}},
	} {
		if err := queryRows(ctx, q, r.sql, span, r.scan); err != nil {
			return nil, storeError("read the catalog", err)
		}
	}
	return &c, nil
}

func (s docSource) Stamps(ctx context.Context, after, upTo int64) ([]readmodel.Stamp, error) {
	var stamps []readmodel.Stamp
	err := queryRows(ctx, s.l.conn, stampsSQL, []any{after, upTo}, func(rows *sql.Rows) error {
		var st readmodel.Stamp
		var hash int64
		err := rows.Scan(&st.ID, &hash, &st.Version)
		st.Hash = uint64(hash)
		stamps = append(stamps, st)
		return err
	})
	return stamps, storeError("read the live catalog's stamps", err)
}

// Write commits the documents at once: the next chunk is read on the
// same connection, outside a transaction.
func (s docSource) Write(ctx context.Context, docs []readmodel.Doc) error {
	err := s.l.write(ctx, "product_docs", reload.RowsOf(docs, docArgs))
	if err != nil {
		return err
	}
	return s.l.flush()
}

func docArgs(d readmodel.Doc) []any {
	return []any{d.ID, d.Version, int64(d.Hash), d.Product, d.Related, d.Styles}
}

// buildDocs writes the new catalog's read model and records what it
// changes: in catalog_changes and catalog_shifts, as rows of a generation
// that is not live until the swap; or, when it changes most of the
// catalog, not at all, and the swap starts the history anew.
func (l *load) buildDocs(ctx context.Context, generation int64) error {
	change, restarts, err := readmodel.BuildAll(ctx, docSource{l}, generation)
	if err != nil {
		return err
	}
	l.restarts = restarts
	if l.restarts {
		return nil
	}
	if change.ShiftFrom > 0 {
		err := l.execTx(ctx, "record the changes", fmt.Sprintf(`INSERT INTO catalog_shifts (generation, shift_from) VALUES (%d, %d)`, generation, change.ShiftFrom))
		if err != nil {
			return err
		}
	}
	err = insertInto(ctx, &l.writer, "catalog_changes", []string{"generation", "product_id", "pos"}, reload.RowsOf(change.Products, func(c catalog.ProductChange) []any {
		return []any{generation, c.ID, c.Pos}
	}))
	if err != nil {
		return err
	}
	return l.flush()
}

// rowsQueryer is a pool, a connection or a transaction.
type rowsQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryRows runs a query and calls scan on each row.
func queryRows(ctx context.Context, q rowsQueryer, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("%s: %w", firstWords(query), err)
		}
	}
	return rows.Err()
}
