package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"catalog"
	"catalog/internal/reload"
	"catalog/readmodel"
)

// loadLock is the advisory lock key a load holds: one load at a time.
const loadLock = 0x63617461_6c6f6702 // "catalog" + 2

// load is a new catalog being built in tables named <table>_new, filled by
// binary COPY on a connection of its own (no statement timeout; it holds the
// load lock, which its end releases, however it ends). Its reload.Steps are
// PostgreSQL's SQL for each step of the reload.
type load struct {
	*reload.Load
	reload.Adds
	db     *DB
	conn   *pgx.Conn
	now    time.Time
	stream *copyStream
	// restarts is whether the swap starts the history of changes anew.
	restarts bool
	// copying is whether the load copies the live catalog (Rebuild), which
	// holds what shoppers wrote already.
	copying bool
}

// BeginLoad starts a new catalog beside the live one. What an interrupted
// load left behind is cleared first.
func (db *DB) BeginLoad(ctx context.Context) (catalog.Load, error) {
	conn, err := db.loadConn(ctx)
	if err != nil {
		return nil, err
	}
	l := &load{db: db, conn: conn, now: db.now()}
	l.Adds = reload.Adds{Write: l.copyRows, Values: rowValues(l.now)}
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

// loadLockWait is how long a load waits for the load lock: enough for the
// server to notice that the client of a killed load is gone (the load's
// connection checks for that every second) and release its lock.
const loadLockWait = 15 * time.Second

// loadConn connects for a load or a delta, with no statement timeout,
// and takes the load lock, which the connection holds until it closes.
func (db *DB) loadConn(ctx context.Context) (*pgx.Conn, error) {
	cc, err := pgx.ParseConfig(db.url)
	if err != nil {
		return nil, err
	}
	cc.RuntimeParams["statement_timeout"] = "0"
	cc.RuntimeParams["maintenance_work_mem"] = "256MB"
	cc.RuntimeParams["application_name"] = "catalog load"
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return nil, storeError("begin load", err)
	}
	if err := lockLoads(ctx, conn); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return conn, nil
}

// lockLoads takes the load lock on a connection.
func lockLoads(ctx context.Context, conn *pgx.Conn) error {
	// While it runs a long statement, the server notices only this way
	// that a killed load's client has gone (PostgreSQL 14 and later).
	if _, err := conn.Exec(ctx, `SET client_connection_check_interval = 1000`); err != nil {
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "42704" { // undefined_object: an older server
			return storeError("begin load", err)
		}
	}
	_, err := conn.Exec(ctx, fmt.Sprintf(`SET lock_timeout = %d`, loadLockWait.Milliseconds()))
	if err == nil {
		_, err = conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(loadLock))
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available
		return catalog.Errorf(catalog.EUNAVAILABLE, "another load into this database is running (waited %v for it)", loadLockWait)
	}
	if err == nil {
		_, err = conn.Exec(ctx, `RESET lock_timeout`)
	}
	return storeError("begin load", err)
}

func (l *load) DropLeftovers(ctx context.Context) error {
	var names []string
	for _, t := range catalogTables {
		names = append(names, t.name+"_new", t.name+"_old")
	}
	return l.execTx(ctx, "drop leftovers of an earlier load", "DROP TABLE IF EXISTS "+strings.Join(names, ", ")+" CASCADE",
		unrecordSQL("catalog_changes"), unrecordSQL("catalog_shifts"))
}

// unrecordSQL deletes from a table of the history the rows of generations
// an unfinished load recorded.
func unrecordSQL(table string) string {
	return "DELETE FROM " + table + " WHERE generation > (SELECT generation FROM catalog_meta)"
}

// pruneHistory moves the start of the history of changes from start to
// from, when that is later: what came before is forgotten.
func pruneHistory(ctx context.Context, tx pgx.Tx, start, from int64) error {
	if from <= start {
		return nil
	}
	for _, s := range []string{
		`UPDATE catalog_meta SET history_from = $1`,
		`DELETE FROM catalog_changes WHERE generation <= $1`,
		`DELETE FROM catalog_shifts WHERE generation <= $1`,
	} {
		if _, err := tx.Exec(ctx, s, from); err != nil {
			return err
		}
	}
	return nil
}

func (l *load) NextGeneration(ctx context.Context) (int64, error) {
	var generation int64
	err := l.conn.QueryRow(ctx, `SELECT generation + 1 FROM catalog_meta`).Scan(&generation)
	return generation, storeError("begin load", err)
}

func (l *load) CreateTables(ctx context.Context) error {
	var stmts []string
	for _, t := range catalogTables {
		stmts = append(stmts, t.create(t.name+"_new"))
	}
	return l.execTx(ctx, "begin load", stmts...)
}

func (l *load) execTx(ctx context.Context, what string, stmts ...string) error {
	err := pgx.BeginFunc(ctx, l.conn, func(tx pgx.Tx) error {
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s); err != nil {
				return fmt.Errorf("%.60s…: %w", s, err)
			}
		}
		return nil
	})
	return storeError(what, err)
}

// copyStream feeds one COPY with the batches Add sends it.
type copyStream struct {
	table   string
	batches chan [][]any
	result  chan error
	err     error // the COPY's result, once known
	cur     [][]any
	i       int
}

func (s *copyStream) Next() bool {
	s.i++
	for s.i >= len(s.cur) {
		b, ok := <-s.batches
		if !ok {
			return false
		}
		s.cur, s.i = b, 0
	}
	return true
}

func (s *copyStream) Values() ([]any, error) { return s.cur[s.i], nil }

func (s *copyStream) Err() error { return nil }

// send gives the COPY a batch, or returns its error if it has failed.
func (s *copyStream) send(rows [][]any) error {
	if s.err != nil {
		return s.err
	}
	select {
	case s.batches <- rows:
		return nil
	case s.err = <-s.result:
		if s.err == nil {
			s.err = errors.New("COPY ended early")
		}
		return s.err
	}
}

// finish ends the COPY and returns its result.
func (s *copyStream) finish() error {
	if s.err != nil {
		return s.err
	}
	close(s.batches)
	s.err = <-s.result
	if s.err == nil {
		s.err = errDone
	}
	if errors.Is(s.err, errDone) {
		return nil
	}
	return s.err
}

var errDone = errors.New("COPY done")

// copyRows sends rows to the COPY into a table's new version, starting it
// (and finishing the previous table's) when the table changes.
func (l *load) copyRows(ctx context.Context, table string, rows reload.Rows) error {
	if l.Finished() {
		return reload.ErrFinished
	}
	if l.stream == nil || l.stream.table != table {
		if err := l.finishStream(); err != nil {
			return err
		}
		s := &copyStream{table: table, batches: make(chan [][]any, 2), result: make(chan error, 1), i: -1}
		l.stream = s
		// The COPY outlives the call that starts it; Rollback ends it.
		cctx := context.WithoutCancel(ctx)
		go func() {
			_, err := l.conn.CopyFrom(cctx, pgx.Identifier{table + "_new"}, tableNamed(table).columnNames(), s)
			s.result <- err
		}()
	}
	batch := make([][]any, rows.N)
	for i := range batch {
		batch[i] = rows.Values(i)
	}
	if err := l.stream.send(batch); err != nil {
		return storeError("load "+table, err)
	}
	return nil
}

func (l *load) finishStream() error {
	if l.stream == nil {
		return nil
	}
	err := l.stream.finish()
	return storeError("load "+l.stream.table, err)
}

func nullable(s catalog.Null[string]) any {
	if !s.Valid {
		return nil
	}
	return s.V
}

// rowValues are the values of each entity's rows, new at now.
func rowValues(now time.Time) reload.Values {
	return reload.Values{Product: productValues(now), Feature: featureValues, Style: styleValues, Photo: photoValues,
		SKU: skuValues, Related: relatedValues, CartLine: func(c catalog.CartLine) []any { return []any{c.ID, c.Session, c.SKUID, c.Active} },
		Review: reviewValues, ReviewPhoto: reload.ReviewPhotoValues,
		Characteristic: reload.CharacteristicValues, CharacteristicVote: reload.VoteValues,
		Question: questionValues, Answer: answerValues, AnswerPhoto: reload.AnswerPhotoValues}
}

func questionValues(q catalog.Question) []any {
	return []any{q.ID, q.ProductID, q.Body, q.Date.UnixMilli(), q.AskerName, nullable(q.AskerEmail), q.Reported, q.Helpfulness}
}

func answerValues(a catalog.Answer) []any {
	return []any{a.ID, a.QuestionID, a.Body, a.Date.UnixMilli(), a.AnswererName, nullable(a.AnswererEmail), a.Reported, a.Helpfulness}
}

func reviewValues(r catalog.Review) []any {
	return []any{r.ID, r.ProductID, r.Rating, r.Date.UnixMilli(), r.Summary, r.Body, r.Recommend, r.Reported,
		r.ReviewerName, r.ReviewerEmail, nullable(r.Response), r.Helpfulness}
}

// productValues returns a product row's values, new at now, in the order
// of the table's columns; the others give theirs.
func productValues(now time.Time) func(catalog.Product) []any {
	return func(p catalog.Product) []any {
		return []any{p.ID, p.Name, nullable(p.Slogan), nullable(p.Description), nullable(p.Category), int64(p.DefaultPrice), now, now}
	}
}

func featureValues(f catalog.Feature) []any {
	return []any{f.ID, f.ProductID, f.Name, nullable(f.Value)}
}

func styleValues(s catalog.Style) []any {
	var sale any
	if s.SalePrice.Valid {
		sale = int64(s.SalePrice.V)
	}
	return []any{s.ID, s.ProductID, s.Name, sale, int64(s.OriginalPrice), s.Default}
}

func photoValues(p catalog.Photo) []any {
	return []any{p.ID, p.StyleID, nullable(p.URL), nullable(p.ThumbnailURL)}
}

func skuValues(k catalog.SKU) []any { return []any{k.ID, k.StyleID, k.Size, k.Quantity} }

func relatedValues(r catalog.Related) []any { return []any{r.ID, r.ProductID, r.RelatedID} }

func (l *load) FinishRows(context.Context) error { return l.finishStream() }

func (l *load) AbortRows() {
	if s := l.stream; s != nil && s.err == nil {
		// A row of the wrong width makes the COPY fail, so its goroutine
		// ends; unless it has ended already.
		select {
		case s.batches <- [][]any{{"rolled back"}}:
			close(s.batches)
			s.err = <-s.result
		case s.err = <-s.result:
		}
	}
}

// carryTimestampsSQL keeps a product's created_at across loads, and its
// updated_at unless its row changed.
var carryTimestampsSQL = func() string {
	compared := reload.Compared(tableNamed("products").columnNames())
	return fmt.Sprintf(`UPDATE products_new AS n SET created_at = o.created_at,
		updated_at = CASE WHEN (n.%s) IS NOT DISTINCT FROM (o.%s) THEN o.updated_at ELSE n.updated_at END
		FROM products AS o WHERE o.id = n.id`, strings.Join(compared, ", n."), strings.Join(compared, ", o."))
}()

func (l *load) Build(ctx context.Context, generation int64) error {
	stmts := []string{
		reload.FillBlocksSQL("product_blocks_new", "products_new"),
	}
	for _, t := range catalogTables {
		stmts = append(stmts, t.constrain(t.name+"_new", "_new", generation)...)
	}
	stmts = append(stmts, carryTimestampsSQL)
	stmts = append(stmts, buildReviewSumsSQL...)
	stmts = append(stmts, qaDocsSQL("_new", "")...)
	if err := l.execTx(ctx, "index the new catalog", stmts...); err != nil {
		return err
	}
	// The tables are vacuumed before the read model is read from them, so
	// its reads are planned with their statistics, then the read model.
	if err := l.vacuum(ctx, "product_docs"); err != nil {
		return err
	}
	if err := l.buildDocs(ctx, generation); err != nil {
		return err
	}
	_, err := l.conn.Exec(ctx, "VACUUM (FREEZE, ANALYZE) product_docs_new")
	return storeError("vacuum the new catalog", err)
}

// vacuum vacuums and analyzes the new tables but one. VACUUM as well as
// ANALYZE: the first read of a copied row would otherwise set its hint
// bits and dirty its page, and index-only scans would visit the heap. Cold
// reads were a third slower without it.
func (l *load) vacuum(ctx context.Context, except string) error {
	var names []string
	for _, t := range catalogTables {
		if t.name != except {
			names = append(names, t.name+"_new")
		}
	}
	_, err := l.conn.Exec(ctx, "VACUUM (FREEZE, ANALYZE) "+strings.Join(names, ", "))
	return storeError("vacuum the new catalog", err)
}

// lockOrder is the order in which the swap and the drop lock the catalog
// tables: the order in which the service's statements take them, so
// neither deadlocks with a read.
var lockOrder = []string{"product_docs", "product_blocks", "products", "features", "styles", "photos", "skus", "related", "cart_imported",
	"review_stats", "reviews", "review_photos", "characteristics", "characteristic_votes", "qa_docs", "questions", "answers", "answer_photos"}

// lockedTx runs stmts in one transaction after locking the catalog tables
// named with suffix, in lockOrder. It waits at most a few seconds for the
// locks, so as not to stall reads behind it, and tries again; so it does
// when a read that began on a table before its rename was still on it and
// took the deadlock's blame elsewhere.
func (l *load) lockedTx(ctx context.Context, suffix string, stmts func(tx pgx.Tx) error) error {
	tables := make([]string, len(lockOrder))
	for i, t := range lockOrder {
		tables[i] = t + suffix
	}
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = pgx.BeginFunc(ctx, l.conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '2s'`); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "LOCK TABLE "+strings.Join(tables, ", ")+" IN ACCESS EXCLUSIVE MODE"); err != nil {
				return err
			}
			return stmts(tx)
		})
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || (pe.Code != "55P03" && pe.Code != "40P01") { // lock_not_available, deadlock_detected
			break
		}
	}
	return err
}

func (l *load) Swap(ctx context.Context, generation int64) error {
	var products int64
	if err := l.conn.QueryRow(ctx, `SELECT count(*) FROM products_new`).Scan(&products); err != nil {
		return storeError("count the new catalog", err)
	}
	err := l.lockedTx(ctx, "", func(tx pgx.Tx) error {
		if err := l.carryWrites(ctx, tx); err != nil {
			return err
		}
		for _, t := range catalogTables {
			if _, err := tx.Exec(ctx, fmt.Sprintf("ALTER TABLE %s RENAME TO %s_old", t.name, t.name)); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, fmt.Sprintf("ALTER TABLE %s_new RENAME TO %s", t.name, t.name)); err != nil {
				return err
			}
		}
		var start int64
		if err := tx.QueryRow(ctx, `SELECT history_from FROM catalog_meta`).Scan(&start); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE catalog_meta SET generation = $1, loaded_at = $2, products = $3, docs_format = $4`,
			generation, l.db.now(), products, readmodel.Format)
		if err != nil {
			return err
		}
		return pruneHistory(ctx, tx, start, readmodel.HistoryFrom(start, generation, l.db.cfg.History, l.restarts))
	})
	return storeError("swap the new catalog in", err)
}

// DropOld drops the retired tables. A read queued behind the swap may
// still hold one of them; lockedTx takes them in the readers' order.
func (l *load) DropOld(ctx context.Context) error {
	var old []string
	for _, t := range lockOrder {
		old = append(old, t+"_old")
	}
	err := l.lockedTx(ctx, "_old", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "DROP TABLE "+strings.Join(old, ", "))
		return err
	})
	return storeError("drop the old catalog", err)
}

func (l *load) Release() {
	l.conn.Close(context.Background())
}
