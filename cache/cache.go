// Package cache keeps the catalog's responses in process memory, bounded
// in bytes, and in a remote tier shared by instances: Responses decorates
// the store's source of responses, and keys each by its version
// (catalog.Versions), so that a new catalog gives the responses it changed
// new keys and leaves the others cached.
package cache

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"
	"github.com/maypok86/otter/v2/stats"
)

// entryOverhead is what an entry costs besides its value: the key and the
// cache's node, roughly.
const entryOverhead = 96

// Cache maps keys of type K to values of type V, bounded by the bytes its
// values weigh. A value is never changed in place: Update replaces it.
type Cache[K comparable, V any] struct {
	c      *otter.Cache[K, V]
	stats  *stats.Counter
	remote Remote
	name   func(K) string
	codec  Codec[V]
	// updated counts Updates that found their key, and absent those that
	// did not: otter counts each as a hit or a miss, which requests are
	// not.
	updated, absent atomic.Uint64
}

// Remote is a second tier shared by instances, such as redis.Tier: asked
// on a miss before the store, and given what the store answered. It never
// fails a request: a Remote that is down just misses.
type Remote interface {
	Get(ctx context.Context, key string) ([]byte, bool)
	Set(ctx context.Context, key string, value []byte)
}

// Codec turns values into the bytes a Remote keeps, and back.
type Codec[V any] struct {
	Marshal   func(V) []byte
	Unmarshal func([]byte) (V, error)
}

// New returns a cache holding values that weigh at most maxBytes, as
// weigh tells, with the overhead of each entry.
func New[K comparable, V any](maxBytes int64, weigh func(V) int) *Cache[K, V] {
	counter := stats.NewCounter()
	c := otter.Must(&otter.Options[K, V]{
		MaximumWeight: uint64(maxBytes),
		Weigher: func(_ K, v V) uint32 {
			return uint32(min(weigh(v)+entryOverhead, 1<<31))
		},
		StatsRecorder: counter,
	})
	return &Cache[K, V]{c: c, stats: counter}
}

// WithRemote makes the cache ask r on a miss before loading, and store in
// r what it loads, as codec encodes it. name turns a key into the string
// r keys it by: it must name everything that tells the value apart (its
// version, and the format codec writes, for instances of another version
// of the program that share r).
func (c *Cache[K, V]) WithRemote(r Remote, name func(K) string, codec Codec[V]) *Cache[K, V] {
	c.remote, c.name, c.codec = r, name, codec
	return c
}

// Get returns the value cached for k, or calls load, caches what it
// returns and returns it. Concurrent Gets of a missing key share one load.
// Errors are returned, not cached.
//
// load runs detached from ctx's cancellation, bounded by timeout: other
// callers may be waiting for it, and one caller going away must not fail
// them.
func (c *Cache[K, V]) Get(ctx context.Context, k K, timeout time.Duration, load func(context.Context) (V, error)) (V, error) {
	return c.c.Get(ctx, k, otter.LoaderFunc[K, V](func(ctx context.Context, k K) (V, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		if c.remote == nil {
			return load(ctx)
		}
		name := c.name(k)
		if b, ok := c.remote.Get(ctx, name); ok {
			if v, err := c.codec.Unmarshal(b); err == nil {
				return v, nil
			}
		}
		v, err := load(ctx)
		if err == nil {
			c.remote.Set(ctx, name, c.codec.Marshal(v))
		}
		return v, err
	}))
}

// Update replaces the value cached for k with what update makes of it,
// when k is cached and update says so, and tells the remote tier, bounded
// by timeout.
func (c *Cache[K, V]) Update(ctx context.Context, k K, timeout time.Duration, update func(V) (V, bool)) {
	found, written := false, false
	v, _ := c.c.ComputeIfPresent(k, func(old V) (V, otter.ComputeOp) {
		found = true
		if v, ok := update(old); ok {
			written = true
			return v, otter.WriteOp
		}
		return old, otter.CancelOp
	})
	if found {
		c.updated.Add(1)
	} else {
		c.absent.Add(1)
	}
	if written && c.remote != nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		c.remote.Set(ctx, c.name(k), c.codec.Marshal(v))
	}
}

// Stats counts a cache's work since it was made.
type Stats struct {
	Hits, Misses, Evictions uint64
	// Entries and Bytes are what the cache holds now; Bytes includes the
	// per-entry overhead it is bounded by.
	Entries int
	Bytes   uint64
	// MaxBytes is its bound.
	MaxBytes uint64
}

// Stats returns the cache's counters.
func (c *Cache[K, V]) Stats() Stats {
	// The Updates' own counts first: otter counts each before it returns,
	// so its counts are read no lower.
	updated, absent := c.updated.Load(), c.absent.Load()
	s := c.stats.Snapshot()
	return Stats{Hits: s.Hits - updated, Misses: s.Misses - absent, Evictions: s.Evictions,
		Entries: c.c.EstimatedSize(), Bytes: c.c.WeightedSize(), MaxBytes: c.c.GetMaximum()}
}
