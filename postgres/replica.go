package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"catalog"
	"catalog/internal/pool"
)

// Catalog reads may go to streaming replicas; writes (carts, loads), cart
// reads (a client reads its cart right after adding to it) and the
// catalog's description go to the primary.
//
// A replica serves reads while it answers its checks, has this program's
// schema, and has replayed the catalog generation the service serves
// (Serving). The last rule keeps a replica that lags a load from serving
// the old catalog after the service has moved on to the new one: the
// response cache would otherwise keep old answers under the new
// generation's keys. The service's one follower of the catalog
// (catalog.Feed) tells the store of a new generation before it moves the
// cache on: so the replicas learn of it before the cache does, never later.

// DefaultReplicaCheck is how often replicas are checked when Config leaves
// ReplicaCheck zero.
const DefaultReplicaCheck = time.Second

// replicaCheckTimeout bounds the check of the primary and of each replica.
const replicaCheckTimeout = 2 * time.Second

// replicaConnectTimeout bounds a connection to a replica, unless its URL
// says otherwise.
const replicaConnectTimeout = time.Second

// The states of a replica, as its last check or read found it.
const (
	replicaUnchecked int32 = iota
	replicaUp
	replicaBehind
	replicaDown
)

type replica struct {
	name       string
	pool       *pgxpool.Pool
	state      atomic.Int32
	generation atomic.Int64
	reads      atomic.Int64
}

// usable reports whether the replica may serve a read of generation known.
func (r *replica) usable(known int64) bool {
	return r.state.Load() == replicaUp && r.generation.Load() >= known
}

// set records the replica's state and logs a change.
func (r *replica) set(state int32, err error, log *slog.Logger) {
	if r.state.Swap(state) == state {
		return
	}
	switch state {
	case replicaUp:
		log.Info("replica serves catalog reads", "replica", r.name, "generation", r.generation.Load())
	case replicaBehind:
		log.Warn("replica skipped: it has not replayed the primary's catalog yet", "replica", r.name, "generation", r.generation.Load())
	case replicaDown:
		log.Warn("replica skipped until it answers a check", "replica", r.name, "error", err)
	}
}

// check asks the replica for its schema version and catalog generation,
// within its own time.
func (r *replica) check(ctx context.Context, known func() int64, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, replicaCheckTimeout)
	defer cancel()
	var version int
	var gen int64
	err := r.pool.QueryRow(ctx, `SELECT s.version, m.generation FROM schema_version s CROSS JOIN catalog_meta m`).Scan(&version, &gen)
	if want := SchemaVersion(); err == nil && version != want {
		err = fmt.Errorf("its schema is at version %d, this program's at %d", version, want)
	}
	if err != nil {
		r.set(replicaDown, err, log)
		return
	}
	r.generation.Store(gen)
	if gen < known() {
		r.set(replicaBehind, nil, log)
		return
	}
	r.set(replicaUp, nil, log)
}

// openReplicas opens a pool per replica URL; none connects yet.
func openReplicas(ctx context.Context, urls []string, cfg Config) ([]*replica, error) {
	var out []*replica
	for _, u := range urls {
		// A replica that does not answer costs a read this long before it
		// moves on, well within a request's time.
		pc, err := poolConfig(u, cfg, replicaConnectTimeout)
		if err != nil {
			closeReplicas(out)
			return nil, fmt.Errorf("replica URL: %w", err)
		}
		pool, err := pgxpool.NewWithConfig(ctx, pc)
		if err != nil {
			closeReplicas(out)
			return nil, storeError("replica", err)
		}
		name := "replica " + net.JoinHostPort(pc.ConnConfig.Host, strconv.Itoa(int(pc.ConnConfig.Port))) + "/" + pc.ConnConfig.Database
		if slices.ContainsFunc(out, func(r *replica) bool { return r.name == name }) {
			name += "#" + strconv.Itoa(len(out)+1)
		}
		out = append(out, &replica{name: name, pool: pool})
	}
	return out, nil
}

func closeReplicas(rs []*replica) {
	for _, r := range rs {
		r.pool.Close()
	}
}

// Serving records that the service now serves generation gen, which the
// primary reported: replicas that have not replayed it stop serving
// reads. The service's feed of the catalog (catalog.Feed) tells it first,
// before the cache moves on to gen.
func (db *DB) Serving(gen int64) {
	for {
		old := db.generation.Load()
		if gen <= old || db.generation.CompareAndSwap(old, gen) {
			return
		}
	}
}

// checkReplicas checks each replica's state, side by side, each within its
// own time.
func (db *DB) checkReplicas(ctx context.Context) {
	var wg sync.WaitGroup
	for _, r := range db.replicas {
		wg.Go(func() { r.check(ctx, db.generation.Load, db.cfg.Logger) })
	}
	wg.Wait()
}

// watchReplicas checks the replicas every cfg.ReplicaCheck until ctx ends.
func (db *DB) watchReplicas(ctx context.Context) {
	t := time.NewTicker(db.cfg.ReplicaCheck)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			db.checkReplicas(ctx)
		}
	}
}

// querier runs statements: a pool of the primary or of a replica.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// read runs a catalog read on a usable replica, in turn, moving on to the
// next, then to the primary, when one fails as unavailable. A replica that
// fails is skipped until its next check finds it well.
func (db *DB) read(ctx context.Context, f func(querier) error) error {
	if n := uint64(len(db.replicas)); n > 0 {
		known := db.generation.Load()
		start := db.next.Add(1)
		for i := range n {
			r := db.replicas[(start+i)%n]
			if !r.usable(known) {
				continue
			}
			err := f(r.pool)
			if err == nil || catalog.ErrorCode(err) != catalog.EUNAVAILABLE {
				r.reads.Add(1)
				return err
			}
			if ctx.Err() != nil {
				// The caller's time ran out, not the replica.
				return err
			}
			r.set(replicaDown, err, db.cfg.Logger)
		}
	}
	db.primaryReads.Add(1)
	return db.again(ctx, func() error { return f(db.pool) }, nil)
}

// again runs f on the primary, and once more if it failed in a way worth
// it (retryable) and the caller's time has not run out, unless once reports
// that f's failure may have taken effect. A lost connection first resets
// the pool: the others in it are most likely gone too (a restart ends them
// all), and the retry would take one of them; it gets a new one instead.
func (db *DB) again(ctx context.Context, f func() error, once func() bool) error {
	err := f()
	if retryable(err) && ctx.Err() == nil && (once == nil || !once()) {
		if lostConnection(err) {
			db.pool.Reset()
		}
		err = f()
	}
	return err
}

// lostConnection reports whether err says the connection a read ran on is
// gone: ended by the database's shutdown, or cut. That is a retryable
// error other than a conflict, and not a connection that could not be
// made: then there is nothing in the pool to let go.
func lostConnection(err error) bool {
	var ce *pgconn.ConnectError
	return retryable(err) && !conflicted(err) && !errors.As(err, &ce)
}

// conflicted reports whether err is a statement cancelled by a deadlock or
// a serialization conflict.
func conflicted(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// retryable reports whether a read that failed is worth once more on the
// primary: it was chosen as a deadlock's victim or cancelled by a conflict
// (the other party, a load's swap, has gone on), or its connection failed,
// as the pool's connections do when the database restarts. Not a statement
// that ran out of time: once more would double the wait.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return conflicted(err) || pe.Code == "57P01"
	}
	return catalog.ErrorCode(err) == catalog.EUNAVAILABLE && !errors.Is(err, context.DeadlineExceeded)
}

// PoolStats describes the primary's pool and each replica's.
func (db *DB) PoolStats() []pool.Stats {
	stats := func(name string, p *pgxpool.Pool, reads int64, usable bool) pool.Stats {
		s := p.Stat()
		return pool.Stats{Name: name, MaxConns: int64(s.MaxConns()), Conns: int64(s.TotalConns()),
			InUse: int64(s.AcquiredConns()), Waits: s.EmptyAcquireCount(), WaitTime: s.EmptyAcquireWaitTime(),
			Reads: reads, Usable: usable}
	}
	out := []pool.Stats{stats("primary", db.pool, db.primaryReads.Load(), true)}
	known := db.generation.Load()
	for _, r := range db.replicas {
		out = append(out, stats(r.name, r.pool, r.reads.Load(), r.usable(known)))
	}
	return out
}
