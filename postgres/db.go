// Package postgres stores the catalog in PostgreSQL through pgx: a pool for
// reads, optionally spread over streaming replicas, binary COPY for loads,
// migrations embedded and versioned.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"catalog"
	"catalog/internal/groupcommit"
	"catalog/internal/reload"
	"catalog/internal/schema"
	"catalog/readmodel"
)

var _ catalog.Store = (*DB)(nil)

// Config tunes the connection to PostgreSQL.
type Config struct {
	// MaxConns bounds the pool; 0 means DefaultMaxConns.
	MaxConns int32
	// StatementTimeout bounds every statement of the service (not of a
	// load's bulk work); 0 means DefaultStatementTimeout.
	StatementTimeout time.Duration
	// Migrate brings the schema up to date on Open; without it, Open
	// refuses a schema that is not this program's.
	Migrate bool
	// Replicas are the URLs of streaming replicas of the database that serve
	// catalog reads (see replica.go). A replica serves only once it has the
	// generation the service serves: a user of replicas tells Serving of
	// each new one (serve's feed of the catalog does, every --catalog-poll).
	Replicas []string
	// ReplicaCheck is how often the replicas are checked; 0 means
	// DefaultReplicaCheck.
	ReplicaCheck time.Duration
	// Logger is told when a replica is skipped or serves again; nil means
	// no logs.
	Logger *slog.Logger
	// Now returns the current time; tests set it.
	Now func() time.Time
	// History is the window of generations whose changes loads and deltas
	// keep; 0 means readmodel.DefaultHistory, and it is at least
	// readmodel.MinHistory.
	History int
	// DropWrites has whole loads let go of the reviews, helpful votes and
	// reports shoppers wrote through the API, for a dataset that holds
	// them already, rather than carry them onto it.
	DropWrites bool
}

// Defaults of Config.
const (
	DefaultStatementTimeout = 5 * time.Second
)

// DefaultMaxConns is the pool size when Config leaves it zero: a few
// connections per CPU of this process, as the service's work per query is
// mostly waiting on the database.
var DefaultMaxConns = int32(max(4, 4*runtime.GOMAXPROCS(0)))

// DB is a catalog store in a PostgreSQL database.
type DB struct {
	// QAMarks are the marks of questions and answers, made by markQA.
	reload.QAMarks
	pool *pgxpool.Pool // the primary's
	// writes commits shoppers' writes on the primary, several to a
	// transaction.
	writes *groupcommit.Committer[*writeTx]
	turns  atomic.Uint64 // anyKey's count
	url    string
	cfg    Config

	replicas     []*replica
	next         atomic.Uint64 // the replica to try first, in turn
	generation   atomic.Int64  // the highest the primary has reported
	primaryReads atomic.Int64
	stopWatch    context.CancelFunc
	watching     sync.WaitGroup
}

// Open connects to the database at url (postgres://…) and checks that its
// schema is this program's, or with cfg.Migrate brings it up to date.
func Open(ctx context.Context, url string, cfg Config) (*DB, error) {
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.StatementTimeout <= 0 {
		cfg.StatementTimeout = DefaultStatementTimeout
	}
	if cfg.ReplicaCheck <= 0 {
		cfg.ReplicaCheck = DefaultReplicaCheck
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.History <= 0 {
		cfg.History = readmodel.DefaultHistory
	}
	cfg.History = max(cfg.History, readmodel.MinHistory)
	pc, err := poolConfig(url, cfg, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, storeError("connect", err)
	}
	db := &DB{pool: pool, url: url, cfg: cfg}
	db.QAMarks = reload.NewQAMarks(db.markQA)
	db.writes = shopperWrites(db)
	if err := db.checkSchema(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if db.replicas, err = openReplicas(ctx, cfg.Replicas, cfg); err != nil {
		pool.Close()
		return nil, err
	}
	// The generation replicas must have, before they are first checked.
	info, err := db.CatalogInfo(ctx)
	if err != nil && len(db.replicas) == 0 {
		pool.Close()
		return nil, err
	}
	db.Serving(info.Generation)
	if len(db.replicas) > 0 {
		db.checkReplicas(ctx)
		wctx, stop := context.WithCancel(context.WithoutCancel(ctx))
		db.stopWatch = stop
		db.watching.Go(func() { db.watchReplicas(wctx) })
	}
	return db, nil
}

// poolConfig is the configuration of a pool of the primary or a replica,
// whose connections time out after connectTimeout unless the URL or the
// environment (PGCONNECT_TIMEOUT) says otherwise.
func poolConfig(url string, cfg Config, connectTimeout time.Duration) (*pgxpool.Config, error) {
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	pc.MaxConns = cfg.MaxConns
	if pc.ConnConfig.ConnectTimeout == 0 {
		pc.ConnConfig.ConnectTimeout = connectTimeout
	}
	rp := pc.ConnConfig.RuntimeParams
	rp["statement_timeout"] = fmt.Sprint(cfg.StatementTimeout.Milliseconds())
	if rp["application_name"] == "" {
		rp["application_name"] = "catalog"
	}
	return pc, nil
}

// checkSchema migrates, or checks the schema version.
func (db *DB) checkSchema(ctx context.Context) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return storeError("connect", err)
	}
	defer conn.Release()
	if db.cfg.Migrate {
		return migrate(ctx, conn.Conn())
	}
	v, err := versionOf(ctx, conn)
	if err != nil {
		return storeError("read schema version", err)
	}
	if want := SchemaVersion(); v != want {
		return &schema.VersionError{Have: v, Want: want}
	}
	return nil
}

// Close closes the pools.
func (db *DB) Close() error {
	if db.stopWatch != nil {
		db.stopWatch()
		db.watching.Wait()
	}
	closeReplicas(db.replicas)
	db.pool.Close()
	return nil
}

// CatalogInfo describes the catalog being served, as the primary knows it;
// while the primary is unavailable, as a replica that answers does.
func (db *DB) CatalogInfo(ctx context.Context) (catalog.CatalogInfo, error) {
	info, err := catalogInfo(ctx, db.pool)
	if err == nil {
		return info, nil
	}
	if catalog.ErrorCode(err) != catalog.EUNAVAILABLE {
		return info, err
	}
	// Only a replica that has the catalog last seen on the primary may
	// answer: an older generation would take the cache back to it.
	known := db.generation.Load()
	for _, r := range db.replicas {
		if ctx.Err() != nil {
			break
		}
		if !r.usable(known) {
			continue
		}
		ri, rerr := catalogInfo(ctx, r.pool)
		if rerr == nil {
			return ri, nil
		}
		if catalog.ErrorCode(rerr) == catalog.EUNAVAILABLE && ctx.Err() == nil {
			// As read does: skipped until a check finds it well (unless
			// it was the caller's time that ran out).
			r.set(replicaDown, rerr, db.cfg.Logger)
		}
	}
	return info, err
}

// catalogInfo reads the description of the catalog.
func catalogInfo(ctx context.Context, q querier) (catalog.CatalogInfo, error) {
	var info catalog.CatalogInfo
	var loadedAt *time.Time
	err := q.QueryRow(ctx, `SELECT generation, loaded_at, products, docs_format,
		(SELECT coalesce(max(seq), 0) FROM review_changes) FROM catalog_meta`).
		Scan(&info.Generation, &loadedAt, &info.Products, &info.Format, &info.ReviewSeq)
	if err != nil {
		return info, storeError("read catalog info", err)
	}
	if loadedAt != nil {
		info.LoadedAt = loadedAt.UTC()
	}
	return info, nil
}

// storeError translates a driver error at the store's boundary: a database
// that cannot be reached, is shutting down, has no connection to spare, or
// cancelled a statement for its timeout is EUNAVAILABLE, as is a lock or
// serialization conflict worth a retry; anything else is wrapped as it is.
func storeError(what string, err error) error {
	if err == nil {
		return nil
	}
	unavailable := func(msg string) error {
		return fmt.Errorf("%s: %w (%w)", what, catalog.Errorf(catalog.EUNAVAILABLE, "%s", msg), err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "57014": // query_canceled: the statement timeout
			return unavailable("the store did not answer in time; retry shortly")
		case "57P01", "57P02", "57P03", "53300", "53400": // shutting down, starting, too many connections
			return unavailable("the store is unavailable; retry shortly")
		case "40001", "40P01", "55P03": // serialization failure, deadlock, lock not available
			return unavailable("the store is busy; retry shortly")
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	// A connection cut without a word from the server (a crash, a proxy)
	// ends in EOF; a pool closed under a call, in net.ErrClosed.
	var ne net.Error
	if errors.As(err, &ne) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return unavailable("the store is unavailable; retry shortly")
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return unavailable("the store is unavailable; retry shortly")
	}
	return fmt.Errorf("%s: %w", what, err)
}
