// Package sqlite stores the catalog in an embedded SQLite database file,
// through the pure-Go driver modernc.org/sqlite: no server, no C compiler.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"catalog"
	"catalog/internal/groupcommit"
	"catalog/internal/pool"
	"catalog/internal/reload"
	"catalog/readmodel"
)

var _ catalog.Store = (*DB)(nil)

// DB is a catalog store in a SQLite file, in WAL mode: readers never wait
// for the writer, and a load builds the new catalog beside the live one.
// Carts added through the API live in a second file beside it (the path
// with "-carts" added), so that a load never makes a cart write wait.
type DB struct {
	// QAMarks are the marks of questions and answers, made by markQA.
	reload.QAMarks
	path string
	// read serves catalog queries on several connections; load is the one
	// connection that migrates the catalog file and runs loads; write
	// takes shoppers' writes of reviews and Q&A, between a load's
	// transactions, which writes commits several to a transaction.
	read, load, write *sql.DB
	writes            *groupcommit.Committer[*sql.Tx]
	stmts             *readStmts
	// carts reads the carts file; cartWrite is its one writer.
	carts, cartWrite *sql.DB
	// reads counts the catalog reads served.
	reads atomic.Int64
	// now returns the current time; tests set it.
	now func() time.Time
	// history is the window of generations whose changes the store keeps.
	history int
	// dropWrites has a whole load let go of what shoppers wrote through
	// the API rather than carry it over.
	dropWrites bool
}

// Option configures a DB.
type Option func(*DB)

// WithClock makes the DB read the time from now, for tests.
func WithClock(now func() time.Time) Option { return func(db *DB) { db.now = now } }

// WithHistory has the DB's loads and deltas keep the changes of the last
// generations generations (at least readmodel.MinHistory), in place of
// readmodel.DefaultHistory's.
func WithHistory(generations int) Option {
	return func(db *DB) { db.history = max(generations, readmodel.MinHistory) }
}

// WithDropWrites has the DB's whole loads let go of the reviews,
// helpful votes and reports shoppers wrote through the API, for a dataset
// that holds them already, rather than carry them onto it.
func WithDropWrites(drop bool) Option { return func(db *DB) { db.dropWrites = drop } }

// Readers is how many connections serve the catalog's reads (and as many
// the carts'): a couple per CPU, as SQLite's work is this process's own.
var Readers = max(4, 2*runtime.GOMAXPROCS(0))

// busyTimeout is how long a connection waits for another's lock.
const busyTimeout = 5 * time.Second

// CartsPath is the file that holds the carts of the store at path.
func CartsPath(path string) string { return path + "-carts" }

// Open opens (creating if need be) the database at path, and its carts file,
// and brings their schemas up to date.
func Open(ctx context.Context, path string, opts ...Option) (_ *DB, err error) {
	db := &DB{path: path, now: time.Now, history: readmodel.DefaultHistory}
	db.QAMarks = reload.NewQAMarks(db.markQA)
	for _, o := range opts {
		o(db)
	}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	readers := Readers
	// Each file's single writer comes first: it sets WAL mode and migrates.
	if db.load, err = openPool(path, 1, "_pragma=journal_mode(WAL)", "_pragma=synchronous(NORMAL)"); err != nil {
		return nil, err
	}
	if err := whileBusy(ctx, func() error { return migrate(ctx, db.load, "catalog") }); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := whileBusy(ctx, func() error { return ensureCatalog(ctx, db.load) }); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// A review answered 201 is on disk: this writer syncs every commit.
	if db.write, err = openPool(path, 1, "_txlock=immediate", "_pragma=synchronous(FULL)"); err != nil {
		return nil, err
	}
	db.writes = shopperWrites(db.write)
	if db.read, err = openPool(path, readers, "_pragma=query_only(1)"); err != nil {
		return nil, err
	}
	if db.stmts, err = prepareReads(ctx, db.read); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if _, err := db.CatalogInfo(ctx); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	cartsPath := CartsPath(path)
	// A cart answered 201 is on disk: the carts file syncs every commit.
	if db.cartWrite, err = openPool(cartsPath, 1, "_txlock=immediate", "_pragma=journal_mode(WAL)", "_pragma=synchronous(FULL)"); err != nil {
		return nil, err
	}
	if err := whileBusy(ctx, func() error { return migrate(ctx, db.cartWrite, "carts") }); err != nil {
		return nil, fmt.Errorf("open %s: %w", cartsPath, err)
	}
	if db.carts, err = openPool(cartsPath, readers, "_pragma=query_only(1)"); err != nil {
		return nil, err
	}
	return db, nil
}

func openPool(path string, conns int, params ...string) (*sql.DB, error) {
	dsn := "file:" + url.PathEscape(path) + "?_pragma=busy_timeout(" + fmt.Sprint(busyTimeout.Milliseconds()) + ")"
	for _, p := range params {
		dsn += "&" + p
	}
	pool, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(conns)
	pool.SetMaxIdleConns(conns)
	pool.SetConnMaxIdleTime(0)
	return pool, nil
}

// Close closes the database.
func (db *DB) Close() error {
	var errs []error
	for _, p := range []*sql.DB{db.read, db.load, db.write, db.carts, db.cartWrite} {
		if p != nil {
			errs = append(errs, p.Close())
		}
	}
	return errors.Join(errs...)
}

// PoolStats describes the connection pools: the catalog's readers, its one
// loader, the carts' readers and their one writer.
func (db *DB) PoolStats() []pool.Stats {
	stats := func(name string, p *sql.DB, reads int64) pool.Stats {
		s := p.Stats()
		return pool.Stats{Name: name, MaxConns: int64(s.MaxOpenConnections), Conns: int64(s.OpenConnections),
			InUse: int64(s.InUse), Waits: s.WaitCount, WaitTime: s.WaitDuration, Reads: reads, Usable: true}
	}
	return []pool.Stats{
		stats("catalog", db.read, db.reads.Load()),
		stats("catalog load", db.load, 0),
		stats("shopper writes", db.write, 0),
		stats("carts", db.carts, 0),
		stats("cart writes", db.cartWrite, 0),
	}
}

// CatalogInfo describes the catalog being served.
func (db *DB) CatalogInfo(ctx context.Context) (catalog.CatalogInfo, error) {
	var info catalog.CatalogInfo
	var loadedAt sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT generation, loaded_at, products, docs_format,
		(SELECT coalesce(max(seq), 0) FROM review_changes) FROM catalog_meta`).
		Scan(&info.Generation, &loadedAt, &info.Products, &info.Format, &info.ReviewSeq)
	if err != nil {
		return info, storeError("read catalog info", err)
	}
	if loadedAt.Valid {
		info.LoadedAt = time.UnixMilli(loadedAt.Int64).UTC()
	}
	return info, nil
}

// storeError translates a driver error at the store's boundary: a busy or
// locked database is EUNAVAILABLE; anything else is wrapped as it is (a
// deadline that ran out is EUNAVAILABLE by catalog.ErrorCode).
func storeError(what string, err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("%s: %w", what, catalog.Errorf(catalog.EUNAVAILABLE, "the store is busy; retry shortly"))
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// whileBusy runs fn again while it fails for a locked file, for up to
// busyTimeout: switching a new file to WAL mode, which processes opening it
// at once all do, gives up at once rather than wait for the busy timeout.
func whileBusy(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		err := fn()
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func nullString(s sql.NullString) catalog.Null[string] {
	return catalog.Null[string]{V: s.String, Valid: s.Valid}
}

func toNullString(s catalog.Null[string]) sql.NullString {
	return sql.NullString{String: s.V, Valid: s.Valid}
}
