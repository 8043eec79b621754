package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"catalog"
	"catalog/readmodel"
)

// chunkSQL are the reads of a chunk's rows, for the read model: each
// table's rows of the products with ids in [$1, $2] (after those of the
// products themselves, the first $2 with ids over $1), in the order
// readmodel.Chunk wants.
type chunkSQL struct {
	products, features, styles, photos, skus, related string
}

// chunkQueries returns the reads of chunks from the tables named with a
// suffix ("_new": a load's), of the products whose id passes only (a
// condition on it, such as "IN (SELECT id FROM affected)"; "" for all).
// LATERAL with an ORDER BY keeps the planner to a nested loop over the
// chunk's styles: as a join, it chose to hash all of photos or skus for
// each chunk (130 ms a chunk at 100,000 products, against 17).
func chunkQueries(suffix, only string) chunkSQL {
	cond := func(col string) string {
		if only == "" {
			return ""
		}
		return " AND " + col + " " + only
	}
	return chunkSQL{
		products: `SELECT ` + productColumns + ` FROM products` + suffix + ` p WHERE p.id > $1` + cond("p.id") + ` ORDER BY p.id LIMIT $2`,
		features: `SELECT id, product_id, feature, value FROM features` + suffix + `
			WHERE product_id BETWEEN $1 AND $2` + cond("product_id") + ` ORDER BY product_id, id`,
		styles: `SELECT id, product_id, name, sale_price, original_price, default_style FROM styles` + suffix + `
			WHERE product_id BETWEEN $1 AND $2` + cond("product_id") + ` ORDER BY product_id, id`,
		photos: `SELECT s.product_id, ph.id, ph.style_id, ph.url, ph.thumbnail_url
			FROM styles` + suffix + ` s CROSS JOIN LATERAL (SELECT * FROM photos` + suffix + ` ph WHERE ph.style_id = s.id ORDER BY ph.id) ph
			WHERE s.product_id BETWEEN $1 AND $2` + cond("s.product_id") + ` ORDER BY s.product_id, s.id`,
		skus: `SELECT s.product_id, k.id, k.style_id, k.size, k.quantity
			FROM styles` + suffix + ` s CROSS JOIN LATERAL (SELECT * FROM skus` + suffix + ` k WHERE k.style_id = s.id ORDER BY k.id) k
			WHERE s.product_id BETWEEN $1 AND $2` + cond("s.product_id") + ` ORDER BY s.product_id, s.id`,
		related: `SELECT id, product_id, related_id FROM related` + suffix + `
			WHERE product_id BETWEEN $1 AND $2` + cond("product_id") + ` ORDER BY product_id, id`,
	}
}

// newChunks are the reads of a load's new catalog.
var newChunks = chunkQueries("_new", "")

var stampsSQL = `SELECT id, hash, version FROM product_docs WHERE id > $1 AND id <= $2 ORDER BY id`

// docSource is a load's new catalog as readmodel.BuildAll reads it: its
// chunks on a connection of their own, read, while the load's connection
// writes.
type docSource struct {
	l    *load
	read *pgx.Conn
}

var _ readmodel.Source = docSource{}

func (s docSource) Chunk(ctx context.Context, after int64, n int) (*readmodel.Chunk, error) {
	return readChunk(ctx, s.read, newChunks, after, n)
}

// readChunk reads the rows of the first n products with ids over after.
func readChunk(ctx context.Context, q querier, sqls chunkSQL, after int64, n int) (*readmodel.Chunk, error) {
	var c readmodel.Chunk
	err := queryRows(ctx, q, sqls.products, []any{after, n}, func(rows pgx.Rows) error {
		var p catalog.Product
		var slogan, description, category *string
		err := rows.Scan(productFields(&p, &slogan, &description, &category)...)
		finishProduct(&p, slogan, description, category)
		c.Products = append(c.Products, p)
		return err
	})
	if err != nil || len(c.Products) == 0 {
		return &c, storeError("read the catalog", err)
	}
	span := []any{c.Products[0].ID, c.Products[len(c.Products)-1].ID}
	for _, r := range []struct {
		sql  string
		scan func(pgx.Rows) error
	}{
		{sqls.features, func(rows pgx.Rows) error {
			var f catalog.Feature
			var value *string
			err := rows.Scan(&f.ID, &f.ProductID, &f.Name, &value)
			f.Value = null(value)
			c.Features = append(c.Features, f)
			return err
		}},
		{sqls.styles, func(rows pgx.Rows) error {
			var st catalog.Style
			var sale *int64
			err := rows.Scan(&st.ID, &st.ProductID, &st.Name, &sale, &st.OriginalPrice, &st.Default)
			if sale != nil {
				st.SalePrice = catalog.Some(catalog.Cents(*sale))
			}
			c.Styles = append(c.Styles, st)
			return err
		}},
		{sqls.photos, func(rows pgx.Rows) error {
			var ph readmodel.Photo
			var u, thumb *string
			err := rows.Scan(&ph.ProductID, &ph.ID, &ph.StyleID, &u, &thumb)
			ph.URL, ph.ThumbnailURL = null(u), null(thumb)
			c.Photos = append(c.Photos, ph)
			return err
		}},
		{sqls.skus, func(rows pgx.Rows) error {
			var k readmodel.SKU
			err := rows.Scan(&k.ProductID, &k.ID, &k.StyleID, &k.Size, &k.Quantity)
			c.SKUs = append(c.SKUs, k)
			return err
		}},
		{sqls.related, func(rows pgx.Rows) error {
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
	err := queryRows(ctx, s.l.conn, stampsSQL, []any{after, upTo}, func(rows pgx.Rows) error {
		var st readmodel.Stamp
		var hash int64
		err := rows.Scan(&st.ID, &hash, &st.Version)
		st.Hash = uint64(hash)
		stamps = append(stamps, st)
		return err
	})
	return stamps, storeError("read the live catalog's stamps", err)
}

func (s docSource) Write(ctx context.Context, docs []readmodel.Doc) error {
	_, err := s.l.conn.CopyFrom(ctx, pgx.Identifier{"product_docs_new"}, tableNamed("product_docs").columnNames(),
		pgx.CopyFromSlice(len(docs), func(i int) ([]any, error) {
			d := &docs[i]
			return []any{d.ID, d.Version, int64(d.Hash), d.Product, d.Related, d.Styles}, nil
		}))
	return storeError("write the read model", err)
}

// buildDocs writes the new catalog's read model and records what it
// changes: in catalog_changes and catalog_shifts, as rows of a generation
// that is not live until the swap; or, when it changes most of the
// catalog, not at all, and the swap starts the history anew.
func (l *load) buildDocs(ctx context.Context, generation int64) error {
	cc := l.conn.Config()
	cc.RuntimeParams["max_parallel_workers_per_gather"] = "0" // a chunk is small: workers cost more than they save
	read, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return storeError("read the new catalog", err)
	}
	defer read.Close(context.WithoutCancel(ctx))
	change, restarts, err := readmodel.BuildAll(ctx, docSource{l: l, read: read}, generation)
	if err != nil {
		return err
	}
	l.restarts = restarts
	if restarts {
		return nil
	}
	if change.ShiftFrom > 0 {
		_, err := l.conn.Exec(ctx, `INSERT INTO catalog_shifts (generation, shift_from) VALUES ($1, $2)`, generation, change.ShiftFrom)
		if err != nil {
			return storeError("record the changes", err)
		}
	}
	_, err = l.conn.CopyFrom(ctx, pgx.Identifier{"catalog_changes"}, []string{"generation", "product_id", "pos"},
		pgx.CopyFromSlice(len(change.Products), func(i int) ([]any, error) {
			c := change.Products[i]
			return []any{generation, c.ID, c.Pos}, nil
		}))
	return storeError("record the changes", err)
}

// queryRows runs a query and calls scan on each row.
func queryRows(ctx context.Context, q querier, sql string, args []any, scan func(pgx.Rows) error) error {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
