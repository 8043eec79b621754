package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"catalog"
	"catalog/internal/reload"
	"catalog/readmodel"
)

// txRows is how many rows a load writes per transaction: between its
// transactions, cart writes get their turn at SQLite's single write lock, so
// a transaction is kept to tens of milliseconds.
const txRows = 10_000

// load is a new catalog being built in tables named <table>_new; its
// reload.Steps are SQLite's SQL for each step of the reload.
type load struct {
	*reload.Load
	reload.Adds
	writer
	db     *DB
	unlock func()
	// restarts is whether the swap starts the history of changes anew.
	restarts bool
	// copying is whether the load copies the live catalog (Rebuild), which
	// holds what shoppers wrote already.
	copying bool
}

// writer writes rows on one connection, in transactions of up to txRows
// rows, with statements prepared in the current one.
type writer struct {
	conn   *sql.Conn
	tx     *sql.Tx
	txRows int
	stmts  map[string]*sql.Stmt
}

// BeginLoad starts a new catalog beside the live one. Only one load runs at
// a time; what an interrupted load left behind is cleared first.
func (db *DB) BeginLoad(ctx context.Context) (catalog.Load, error) {
	w, unlock, err := db.loadWriter(ctx)
	if err != nil {
		return nil, err
	}
	l := &load{db: db, writer: w, unlock: unlock}
	l.Adds = reload.Adds{Write: l.write, Values: rowValues(millis(db.now()))}
	if l.Load, err = reload.Begin(ctx, l); err != nil {
		l.Release()
		return nil, err
	}
	return l, nil
}

// Rebuild loads the live catalog again, from its own rows, as a new
// generation: a load whose rows are copied from the live tables.
func (db *DB) Rebuild(ctx context.Context) error {
	begun, err := db.BeginLoad(ctx)
	if err != nil {
		return err
	}
	l := begun.(*load)
	l.copying = true
	return reload.Rebuild(ctx, l.Load, tableColumns(), func(ctx context.Context, stmts ...string) error {
		return l.execTx(ctx, "copy the live catalog", stmts...)
	})
}

// loadWriter takes the load lock, which one load or delta holds at a
// time, and the catalog file's writing connection.
func (db *DB) loadWriter(ctx context.Context) (writer, func(), error) {
	unlock, err := lockFile(db.path + "-load.lock")
	if err != nil {
		return writer{}, nil, catalog.Errorf(catalog.EUNAVAILABLE, "a load into %s is already running", db.path)
	}
	conn, err := db.load.Conn(ctx)
	if err != nil {
		unlock()
		return writer{}, nil, storeError("begin load", err)
	}
	return writer{conn: conn, stmts: map[string]*sql.Stmt{}}, unlock, nil
}

func (l *load) DropLeftovers(ctx context.Context) error {
	stmts := []string{unrecordSQL("catalog_changes"), unrecordSQL("catalog_shifts")}
	for _, t := range catalogTables {
		stmts = append(stmts, "DROP TABLE IF EXISTS "+t.name+"_new", "DROP TABLE IF EXISTS "+t.name+"_old")
	}
	return l.execTx(ctx, "drop leftovers of an earlier load", stmts...)
}

func (l *load) NextGeneration(ctx context.Context) (int64, error) {
	var generation int64
	err := l.conn.QueryRowContext(ctx, `SELECT generation + 1 FROM catalog_meta`).Scan(&generation)
	return generation, storeError("begin load", err)
}

func (l *load) CreateTables(ctx context.Context) error {
	var stmts []string
	for _, t := range catalogTables {
		stmts = append(stmts, t.createTable(t.name+"_new"))
	}
	return l.execTx(ctx, "begin load", stmts...)
}

// execTx runs statements in one transaction on the writer's connection.
func (l *writer) execTx(ctx context.Context, what string, stmts ...string) error {
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

// write writes rows into a table's new version, in the current
// transaction.
func (l *load) write(ctx context.Context, table string, rows reload.Rows) error {
	if l.Finished() {
		return reload.ErrFinished
	}
	return insertInto(ctx, &l.writer, table+"_new", tableNamed(table).columnNames(), rows)
}

// insertInto writes rows into a table, in the current transaction, which
// is committed every txRows rows.
func insertInto(ctx context.Context, l *writer, table string, columns []string, rows reload.Rows) error {
	if l.tx == nil {
		// The transaction spans calls, and the context of one call may end
		// before the next: cancellation applies to each statement instead.
		tx, err := l.conn.BeginTx(context.WithoutCancel(ctx), nil)
		if err != nil {
			return storeError("load "+table, err)
		}
		l.tx = tx
	}
	values := make([]any, 0, rowsPerInsert*len(columns))
	for start := 0; start < rows.N; start += rowsPerInsert {
		end := min(start+rowsPerInsert, rows.N)
		stmt, err := l.insertStmt(ctx, table, columns, end-start)
		if err != nil {
			return storeError("load "+table, err)
		}
		values = values[:0]
		for i := start; i < end; i++ {
			values = append(values, rows.Values(i)...)
		}
		if _, err := stmt.ExecContext(ctx, values...); err != nil {
			return storeError("load "+table, err)
		}
	}
	l.txRows += rows.N
	if l.txRows >= txRows {
		return l.flush()
	}
	return nil
}

// rowsPerInsert is how many rows one INSERT writes: a statement's cost,
// through database/sql and SQLite's VM, is shared by its rows.
const rowsPerInsert = 64

// insertStmt returns the statement, prepared in the current transaction,
// that inserts n rows into a table.
func (l *writer) insertStmt(ctx context.Context, table string, columns []string, n int) (*sql.Stmt, error) {
	key := fmt.Sprintf("%s/%d", table, n)
	if stmt := l.stmts[key]; stmt != nil {
		return stmt, nil
	}
	row := "(?" + strings.Repeat(", ?", len(columns)-1) + ")"
	q := fmt.Sprintf("INSERT INTO %s (%s) VALUES %s%s", table, strings.Join(columns, ", "), row, strings.Repeat(", "+row, n-1))
	stmt, err := l.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	l.stmts[key] = stmt
	return stmt, nil
}

// flush commits the rows written so far.
func (l *writer) flush() error {
	if l.tx == nil {
		return nil
	}
	l.closeStmts()
	err := l.tx.Commit()
	l.tx, l.txRows = nil, 0
	return storeError("load", err)
}

func (l *writer) closeStmts() {
	for k, s := range l.stmts {
		s.Close()
		delete(l.stmts, k)
	}
}

// rowValues are the values of each entity's rows, new at now.
func rowValues(now int64) reload.Values {
	return reload.Values{Product: productArgs(now), Feature: featureArgs, Style: styleArgs, Photo: photoArgs,
		SKU: skuArgs, Related: relatedArgs, CartLine: func(c catalog.CartLine) []any { return []any{c.ID, c.Session, c.SKUID, c.Active} },
		Review: reviewArgs, ReviewPhoto: reload.ReviewPhotoValues,
		Characteristic: reload.CharacteristicValues, CharacteristicVote: reload.VoteValues,
		Question: questionArgs, Answer: answerArgs, AnswerPhoto: reload.AnswerPhotoValues}
}

func questionArgs(q catalog.Question) []any {
	return []any{q.ID, q.ProductID, q.Body, millis(q.Date), q.AskerName, toNullString(q.AskerEmail), q.Reported, q.Helpfulness}
}

func answerArgs(a catalog.Answer) []any {
	return []any{a.ID, a.QuestionID, a.Body, millis(a.Date), a.AnswererName, toNullString(a.AnswererEmail), a.Reported, a.Helpfulness}
}

func reviewArgs(r catalog.Review) []any {
	return []any{r.ID, r.ProductID, r.Rating, millis(r.Date), r.Summary, r.Body, r.Recommend, r.Reported,
		r.ReviewerName, r.ReviewerEmail, toNullString(r.Response), r.Helpfulness}
}

// productArgs returns a product row's values, new at now, in the order of
// the table's columns; the others give theirs.
func productArgs(now int64) func(catalog.Product) []any {
	return func(p catalog.Product) []any {
		return []any{p.ID, p.Name, toNullString(p.Slogan), toNullString(p.Description), toNullString(p.Category),
			int64(p.DefaultPrice), now, now}
	}
}

func featureArgs(f catalog.Feature) []any {
	return []any{f.ID, f.ProductID, f.Name, toNullString(f.Value)}
}

func styleArgs(s catalog.Style) []any {
	sale := sql.NullInt64{Int64: int64(s.SalePrice.V), Valid: s.SalePrice.Valid}
	return []any{s.ID, s.ProductID, s.Name, sale, int64(s.OriginalPrice), s.Default}
}

func photoArgs(p catalog.Photo) []any {
	return []any{p.ID, p.StyleID, toNullString(p.URL), toNullString(p.ThumbnailURL)}
}

func skuArgs(k catalog.SKU) []any { return []any{k.ID, k.StyleID, k.Size, k.Quantity} }

func relatedArgs(r catalog.Related) []any { return []any{r.ID, r.ProductID, r.RelatedID} }

func (l *load) FinishRows(context.Context) error { return l.flush() }

func (l *load) AbortRows() {
	l.closeStmts()
	if l.tx != nil {
		_ = l.tx.Rollback()
		l.tx = nil
	}
}

// carryTimestampsSQL keeps a product's created_at across loads, and its
// updated_at unless its row changed.
var carryTimestampsSQL = func() string {
	var same []string
	for _, c := range reload.Compared(tableNamed("products").columnNames()) {
		same = append(same, fmt.Sprintf("n.%s IS o.%[1]s", c))
	}
	return `UPDATE products_new AS n SET created_at = o.created_at,
		updated_at = CASE WHEN ` + strings.Join(same, " AND ") + ` THEN o.updated_at ELSE n.updated_at END
		FROM products AS o WHERE o.id = n.id`
}()

func (l *load) Build(ctx context.Context, generation int64) error {
	stmts := []string{reload.FillBlocksSQL("product_blocks_new", "products_new"), carryTimestampsSQL}
	for _, t := range catalogTables {
		stmts = append(stmts, t.createIndexes(t.name+"_new", generation)...)
	}
	stmts = append(stmts, buildReviewSumsSQL...)
	stmts = append(stmts, qaDocsSQL("_new", "")...)
	// One transaction each, so that cart writes get the lock between them.
	for _, s := range stmts {
		if err := l.execTx(ctx, "index the new catalog", s); err != nil {
			return err
		}
	}
	return l.buildDocs(ctx, generation)
}

func (l *load) Swap(ctx context.Context, generation int64) error {
	var stmts []string
	for _, t := range catalogTables {
		stmts = append(stmts,
			fmt.Sprintf("ALTER TABLE %s RENAME TO %s_old", t.name, t.name),
			fmt.Sprintf("ALTER TABLE %s_new RENAME TO %s", t.name, t.name))
	}
	stmts = append(stmts, fmt.Sprintf("UPDATE catalog_meta SET generation = %d, loaded_at = %d, products = (SELECT count(*) FROM products), docs_format = %d",
		generation, millis(l.db.now()), readmodel.Format))
	var start int64
	if err := l.conn.QueryRowContext(ctx, `SELECT history_from FROM catalog_meta`).Scan(&start); err != nil {
		return storeError("swap the new catalog in", err)
	}
	stmts = append(stmts, pruneHistorySQL(start, readmodel.HistoryFrom(start, generation, l.db.history, l.restarts))...)
	return l.immediateTx(ctx, "swap the new catalog in", func(conn *sql.Conn) error {
		if err := l.carryWrites(ctx, conn); err != nil {
			return err
		}
		for _, s := range stmts {
			if _, err := conn.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("%s: %w", firstWords(s), err)
			}
		}
		return nil
	})
}

// immediateTx runs fn in a transaction that holds the write lock from its
// start, so that what it reads no shoppers' write changes before it
// writes.
func (l *writer) immediateTx(ctx context.Context, what string, fn func(conn *sql.Conn) error) error {
	if _, err := l.conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return storeError(what, err)
	}
	if err := fn(l.conn); err != nil {
		_, _ = l.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return txError(what, err)
	}
	if _, err := l.conn.ExecContext(ctx, "COMMIT"); err != nil {
		_, _ = l.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return storeError(what, err)
	}
	return nil
}

// DropOld drops the old tables, then has SQLite refresh the statistics of
// the new ones.
func (l *load) DropOld(ctx context.Context) error {
	var stmts []string
	for _, t := range catalogTables {
		stmts = append(stmts, "DROP TABLE "+t.name+"_old")
	}
	if err := l.execTx(ctx, "drop the old catalog", stmts...); err != nil {
		return err
	}
	_, err := l.conn.ExecContext(ctx, "PRAGMA optimize")
	return storeError("optimize", err)
}

func (l *load) Release() {
	l.conn.Close()
	l.unlock()
}

// unrecordSQL deletes from a table of the history the rows of generations
// an unfinished load recorded.
func unrecordSQL(table string) string {
	return "DELETE FROM " + table + " WHERE generation > (SELECT generation FROM catalog_meta)"
}

// pruneHistorySQL moves the start of the history of changes from start
// to from, when that is later: what came before is forgotten.
func pruneHistorySQL(start, from int64) []string {
	if from <= start {
		return nil
	}
	return []string{
		fmt.Sprintf("UPDATE catalog_meta SET history_from = %d", from),
		fmt.Sprintf("DELETE FROM catalog_changes WHERE generation <= %d", from),
		fmt.Sprintf("DELETE FROM catalog_shifts WHERE generation <= %d", from),
	}
}
