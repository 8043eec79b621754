// Package pool describes a store's connection pools for the metrics: an
// operational fact of the stores, not a part of the domain.
package pool

import "time"

// Stats is the state of one of a store's connection pools: a PostgreSQL
// primary or replica, or a SQLite file's readers.
type Stats struct {
	// Name names the pool: "primary", "replica 10.0.0.2:5432/catalog", "catalog".
	Name string
	// MaxConns bounds the pool; Conns are open, InUse of them busy.
	MaxConns, Conns, InUse int64
	// Waits counts the times a caller waited for a connection, for WaitTime
	// in all.
	Waits    int64
	WaitTime time.Duration
	// Reads counts the catalog reads the pool served.
	Reads int64
	// Usable is false while a replica is skipped: down, or behind the
	// primary's catalog. Other pools are always usable.
	Usable bool
}
