// Package cache keeps encoded responses in process memory, bounded in bytes,
// keyed by the version of each response (catalog.Versions): a new catalog
// gives the responses it changed new keys, and leaves the others cached.
package cache

import (
	"context"
	"strconv"
	"time"

	"github.com/maypok86/otter/v2"
	"github.com/maypok86/otter/v2/stats"
)

// entryOverhead is what an entry costs besides its bytes: the key, the
// slice header and the cache's node, roughly.
const entryOverhead = 96

// Cache maps keys of type K to encoded responses. Its keys are qualified by
// the version of the response, so a response cached before a change to it
// is never served again; responses of older versions are not looked up
// again, and are evicted as the bound requires.
type Cache[K comparable] struct {
	c       *otter.Cache[key[K], []byte]
	stats   *stats.Counter
	version func(K) int64
	remote  Remote
	name    func(K) string
}

// Remote is a second tier shared by instances, such as redis.Tier: asked
// on a miss before the store, and given what the store answered. It never
// fails a request: a Remote that is down just misses.
type Remote interface {
	Get(ctx context.Context, key string) ([]byte, bool)
	Set(ctx context.Context, key string, value []byte)
}

// WithRemote makes the cache ask r on a miss before loading, and store in
// r what it loads. name turns a key into the string r keys it by; the
// response's version is put in front of it.
func (c *Cache[K]) WithRemote(r Remote, name func(K) string) *Cache[K] {
	c.remote, c.name = r, name
	return c
}

type key[K comparable] struct {
	version int64
	k       K
}

// New returns a cache holding at most maxBytes of responses and keys,
// which version tells the version of.
func New[K comparable](maxBytes int64, version func(K) int64) *Cache[K] {
	counter := stats.NewCounter()
	c := otter.Must(&otter.Options[key[K], []byte]{
		MaximumWeight: uint64(maxBytes),
		Weigher: func(_ key[K], v []byte) uint32 {
			return uint32(min(len(v)+entryOverhead, 1<<31))
		},
		StatsRecorder: counter,
	})
	return &Cache[K]{c: c, stats: counter, version: version}
}

// Get returns the response cached for k, or calls load, caches what it
// returns and returns it. Concurrent Gets of a missing key share one load.
// Errors are returned, not cached.
//
// load runs detached from ctx's cancellation, bounded by timeout: other
// callers may be waiting for it, and one caller going away must not fail
// them.
func (c *Cache[K]) Get(ctx context.Context, k K, timeout time.Duration, load func(context.Context) ([]byte, error)) ([]byte, error) {
	kk := key[K]{version: c.version(k), k: k}
	return c.c.Get(ctx, kk, otter.LoaderFunc[key[K], []byte](func(ctx context.Context, kk key[K]) ([]byte, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		if c.remote == nil {
			return load(ctx)
		}
		name := strconv.FormatInt(kk.version, 10) + ":" + c.name(kk.k)
		if b, ok := c.remote.Get(ctx, name); ok {
			return b, nil
		}
		b, err := load(ctx)
		if err == nil {
			c.remote.Set(ctx, name, b)
		}
		return b, err
	}))
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
func (c *Cache[K]) Stats() Stats {
	s := c.stats.Snapshot()
	return Stats{Hits: s.Hits, Misses: s.Misses, Evictions: s.Evictions,
		Entries: c.c.EstimatedSize(), Bytes: c.c.WeightedSize(), MaxBytes: c.c.GetMaximum()}
}
