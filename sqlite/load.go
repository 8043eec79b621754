package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"catalog"
)

// txRows is how many rows a load writes per transaction: between its
// transactions, cart writes get their turn at SQLite's single write lock, so
// a transaction is kept to tens of milliseconds.
const txRows = 10_000

// load is a new catalog being built in tables named <table>_new.
type load struct {
	db         *DB
	conn       *sql.Conn
	unlock     func()
	generation int64
	tx         *sql.Tx
	txRows     int
	stmts      map[string]*sql.Stmt
	done       bool
}

// BeginLoad starts a new catalog beside the live one. Only one load runs at
// a time; what an interrupted load left behind is cleared first.
func (db *DB) BeginLoad(ctx context.Context) (catalog.Load, error) {
	unlock, err := lockFile(db.path + "-load.lock")
	if err != nil {
		return nil, catalog.Errorf(catalog.EUNAVAILABLE, "a load into %s is already running", db.path)
	}
	conn, err := db.load.Conn(ctx)
	if err != nil {
		unlock()
		return nil, storeError("begin load", err)
	}
	l := &load{db: db, conn: conn, unlock: unlock, stmts: map[string]*sql.Stmt{}}
	if err := l.begin(ctx); err != nil {
		l.release()
		return nil, err
	}
	return l, nil
}

func (l *load) begin(ctx context.Context) error {
	if err := l.dropLeftovers(ctx); err != nil {
		return err
	}
	if err := l.conn.QueryRowContext(ctx, `SELECT generation + 1 FROM catalog_meta`).Scan(&l.generation); err != nil {
		return storeError("begin load", err)
	}
	var stmts []string
	for _, t := range catalogTables {
		stmts = append(stmts, t.createTable(t.name+"_new"))
	}
	return l.execTx(ctx, "begin load", stmts...)
}

// dropLeftovers drops the tables of a load that did not finish, or the old
// tables of one that was stopped after its swap.
func (l *load) dropLeftovers(ctx context.Context) error {
	var stmts []string
	for _, t := range catalogTables {
		for _, suffix := range []string{"_new", "_old"} {
			stmts = append(stmts, "DROP TABLE IF EXISTS "+t.name+suffix)
		}
	}
	return l.execTx(ctx, "drop leftovers of an earlier load", stmts...)
}

// execTx runs statements in one transaction on the load's connection.
func (l *load) execTx(ctx context.Context, what string, stmts ...string) error {
	tx, err := l.conn.BeginTx(ctx, nil)
	if err != nil {
		return storeError(what, err)
	}
	defer func() { _ = tx.Rollback() }()
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return storeError(what, fmt.Errorf("%s: %w", firstWords(s), err))
		}
	}
	return storeError(what, tx.Commit())
}

func firstWords(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// insert writes rows into a new table, in the current transaction.
func insert[T any](ctx context.Context, l *load, table string, columns string, rows []T, args func(T) []any) error {
	if l.done {
		return fmt.Errorf("load is finished")
	}
	if l.tx == nil {
		// The transaction spans calls, and the context of one call may end
		// before the next: cancellation applies to each statement instead.
		tx, err := l.conn.BeginTx(context.WithoutCancel(ctx), nil)
		if err != nil {
			return storeError("load "+table, err)
		}
		l.tx = tx
	}
	stmt := l.stmts[table]
	if stmt == nil {
		n := strings.Count(columns, ",") + 1
		q := fmt.Sprintf("INSERT INTO %s_new (%s) VALUES (?%s)", table, columns, strings.Repeat(", ?", n-1))
		var err error
		if stmt, err = l.tx.PrepareContext(ctx, q); err != nil {
			return storeError("load "+table, err)
		}
		l.stmts[table] = stmt
	}
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, args(r)...); err != nil {
			return storeError("load "+table, err)
		}
	}
	l.txRows += len(rows)
	if l.txRows >= txRows {
		return l.flush()
	}
	return nil
}

// flush commits the rows written so far.
func (l *load) flush() error {
	if l.tx == nil {
		return nil
	}
	for k, s := range l.stmts {
		s.Close()
		delete(l.stmts, k)
	}
	err := l.tx.Commit()
	l.tx, l.txRows = nil, 0
	return storeError("load", err)
}

func (l *load) AddProducts(ctx context.Context, rows []catalog.Product) error {
	now := millis(l.db.now())
	return insert(ctx, l, "products", "id, name, slogan, description, category, default_price, created_at, updated_at", rows,
		func(p catalog.Product) []any {
			return []any{p.ID, p.Name, toNullString(p.Slogan), toNullString(p.Description), toNullString(p.Category),
				int64(p.DefaultPrice), now, now}
		})
}

func (l *load) AddFeatures(ctx context.Context, rows []catalog.Feature) error {
	return insert(ctx, l, "features", "id, product_id, feature, value", rows, func(f catalog.Feature) []any {
		return []any{f.ID, f.ProductID, f.Name, toNullString(f.Value)}
	})
}

func (l *load) AddStyles(ctx context.Context, rows []catalog.Style) error {
	return insert(ctx, l, "styles", "id, product_id, name, sale_price, original_price, default_style", rows,
		func(s catalog.Style) []any {
			sale := sql.NullInt64{Int64: int64(s.SalePrice.V), Valid: s.SalePrice.Valid}
			return []any{s.ID, s.ProductID, s.Name, sale, int64(s.OriginalPrice), s.Default}
		})
}

func (l *load) AddPhotos(ctx context.Context, rows []catalog.Photo) error {
	return insert(ctx, l, "photos", "id, style_id, url, thumbnail_url", rows, func(p catalog.Photo) []any {
		return []any{p.ID, p.StyleID, toNullString(p.URL), toNullString(p.ThumbnailURL)}
	})
}

func (l *load) AddSKUs(ctx context.Context, rows []catalog.SKU) error {
	return insert(ctx, l, "skus", "id, style_id, size, quantity", rows, func(k catalog.SKU) []any {
		return []any{k.ID, k.StyleID, k.Size, k.Quantity}
	})
}

func (l *load) AddRelated(ctx context.Context, rows []catalog.Related) error {
	return insert(ctx, l, "related", "id, product_id, related_id", rows, func(r catalog.Related) []any {
		return []any{r.ID, r.ProductID, r.RelatedID}
	})
}

func (l *load) AddCartLines(ctx context.Context, rows []catalog.CartLine) error {
	return insert(ctx, l, "cart_imported", "id, session, sku_id, active", rows, func(c catalog.CartLine) []any {
		return []any{c.ID, c.Session, c.SKUID, c.Active}
	})
}

// Commit indexes the new catalog, carries over the timestamps of products
// that were there before, and swaps the new tables in by renaming them, in
// one transaction: readers see the old catalog or the new, never a mix.
func (l *load) Commit(ctx context.Context) error {
	if l.done {
		return fmt.Errorf("load is finished")
	}
	if err := l.flush(); err != nil {
		return err
	}
	stmts := []string{
		`INSERT INTO product_pages_new (product_id) SELECT id FROM products_new ORDER BY id`,
		// A product keeps its created_at across loads, and its updated_at
		// unless its row changed.
		`UPDATE products_new AS n SET created_at = o.created_at,
			updated_at = CASE WHEN n.name IS o.name AND n.slogan IS o.slogan AND n.description IS o.description
				AND n.category IS o.category AND n.default_price IS o.default_price
				THEN o.updated_at ELSE n.updated_at END
			FROM products AS o WHERE o.id = n.id`,
	}
	for _, t := range catalogTables {
		stmts = append(stmts, t.createIndexes(t.name+"_new", l.generation)...)
	}
	// One transaction each, so that cart writes get the lock between them.
	for _, s := range stmts {
		if err := l.execTx(ctx, "index the new catalog", s); err != nil {
			return err
		}
	}
	swap := []string{}
	for _, t := range catalogTables {
		swap = append(swap,
			fmt.Sprintf("ALTER TABLE %s RENAME TO %s_old", t.name, t.name),
			fmt.Sprintf("ALTER TABLE %s_new RENAME TO %s", t.name, t.name))
	}
	swap = append(swap, fmt.Sprintf("UPDATE catalog_meta SET generation = %d, loaded_at = %d, products = (SELECT count(*) FROM products)",
		l.generation, millis(l.db.now())))
	if err := l.execTx(ctx, "swap the new catalog in", swap...); err != nil {
		return err
	}
	l.done = true
	defer l.release()
	var drop []string
	for _, t := range catalogTables {
		drop = append(drop, "DROP TABLE "+t.name+"_old")
	}
	if err := l.execTx(context.WithoutCancel(ctx), "drop the old catalog", drop...); err != nil {
		return err
	}
	_, err := l.conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA optimize")
	return storeError("optimize", err)
}

// Rollback abandons the load; the live catalog stays.
func (l *load) Rollback() error {
	if l.done {
		return nil
	}
	l.done = true
	defer l.release()
	for k, s := range l.stmts {
		s.Close()
		delete(l.stmts, k)
	}
	if l.tx != nil {
		_ = l.tx.Rollback()
		l.tx = nil
	}
	return l.dropLeftovers(context.Background())
}

func (l *load) release() {
	l.conn.Close()
	l.unlock()
}
