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
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"catalog"
)

// DB is a catalog store in one SQLite file, in WAL mode: readers never wait
// for the writer, and a load builds the new catalog beside the live one.
type DB struct {
	path string
	// read serves queries on several connections; write is the one
	// connection that changes carts and swaps catalogs in; loads get a
	// connection of their own from load.
	read, write, load *sql.DB
	// now returns the current time; tests set it.
	now func() time.Time
}

// Option configures a DB.
type Option func(*DB)

// WithClock makes the DB read the time from now, for tests.
func WithClock(now func() time.Time) Option { return func(db *DB) { db.now = now } }

// busyTimeout is how long a connection waits for another's lock.
const busyTimeout = 5 * time.Second

// Open opens (creating if need be) the database at path and brings its
// schema up to date.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	db := &DB{path: path, now: time.Now}
	for _, o := range opts {
		o(db)
	}
	var err error
	// The writer comes first: it sets WAL mode and migrates.
	if db.write, err = openPool(path, 1, "_txlock=immediate", "_pragma=synchronous(FULL)", "_pragma=journal_mode(WAL)"); err != nil {
		return nil, err
	}
	if err := migrate(ctx, db.write); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	readers := max(4, 2*runtime.GOMAXPROCS(0))
	if db.read, err = openPool(path, readers, "_pragma=query_only(1)", "_pragma=mmap_size(268435456)"); err != nil {
		db.write.Close()
		return nil, err
	}
	if db.load, err = openPool(path, 1, "_pragma=synchronous(NORMAL)"); err != nil {
		db.write.Close()
		db.read.Close()
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
	return errors.Join(db.read.Close(), db.load.Close(), db.write.Close())
}

// CatalogInfo describes the catalog being served.
func (db *DB) CatalogInfo(ctx context.Context) (catalog.CatalogInfo, error) {
	var info catalog.CatalogInfo
	var loadedAt sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT generation, loaded_at, (SELECT count(*) FROM products) FROM catalog_meta`).
		Scan(&info.Generation, &loadedAt, &info.Products)
	if err != nil {
		return info, storeError("read catalog info", err)
	}
	if loadedAt.Valid {
		info.LoadedAt = time.UnixMilli(loadedAt.Int64).UTC()
	}
	return info, nil
}

// storeError translates a driver error at the store's boundary: a busy or
// locked database, or a context that ran out, is EUNAVAILABLE; anything else
// is wrapped as it is.
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
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", what, catalog.Errorf(catalog.EUNAVAILABLE, "the store did not answer in time; retry shortly"))
	}
	return fmt.Errorf("%s: %w", what, err)
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func nullString(s sql.NullString) catalog.Null[string] {
	return catalog.Null[string]{V: s.String, Valid: s.Valid}
}

func toNullString(s catalog.Null[string]) sql.NullString {
	return sql.NullString{String: s.V, Valid: s.Valid}
}
