// Package redis is a shared second tier for the response cache, on Redis
// (go-redis): instances behind one load balancer ask it before their store.
// It is only a cache: when Redis is down or slow, Get misses and Set does
// nothing within a short timeout, and after a failure the tier is skipped
// for a moment, so requests never wait on it; it comes back by itself.
package redis

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Options tune a Tier; zero values take the defaults.
type Options struct {
	// Prefix starts every key, so that deployments (and tests) sharing a
	// Redis keep apart. Default "catalog:".
	Prefix string
	// Timeout bounds each Get or Set. Default 50ms.
	Timeout time.Duration
	// Cooldown is how long the tier is skipped after a failure. Default 1s.
	Cooldown time.Duration
	// TTL is how long an entry lives: entries of a replaced catalog are
	// never asked for again, and go with it. Default 24h.
	TTL time.Duration
}

// Tier is a Redis-backed cache tier.
type Tier struct {
	client    *goredis.Client
	opts      Options
	downUntil atomic.Int64 // unix nanoseconds; the tier is skipped before it
	stats     struct{ hits, misses, errors, skipped atomic.Uint64 }
}

// Open returns a tier of the Redis at url (redis://host:port/db). It does
// not wait for Redis: one that is down when the service starts is found
// when it comes up (Ping tells whether it answers now).
func Open(url string, opts Options) (*Tier, error) {
	o, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	if opts.Prefix == "" {
		opts.Prefix = "catalog:"
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 50 * time.Millisecond
	}
	if opts.Cooldown <= 0 {
		opts.Cooldown = time.Second
	}
	if opts.TTL <= 0 {
		opts.TTL = 24 * time.Hour
	}
	o.DialTimeout = 2 * opts.Timeout
	o.ReadTimeout, o.WriteTimeout = opts.Timeout, opts.Timeout
	o.MaxRetries = -1 // a cache miss is cheaper than a retry
	o.ContextTimeoutEnabled = true
	return &Tier{client: goredis.NewClient(o), opts: opts}, nil
}

// Ping tells whether Redis answers.
func (t *Tier) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := t.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis at %s: %w", t.client.Options().Addr, err)
	}
	return nil
}

// Close closes the connections.
func (t *Tier) Close() error { return t.client.Close() }

func (t *Tier) up() bool { return time.Now().UnixNano() >= t.downUntil.Load() }

func (t *Tier) failed() {
	t.stats.errors.Add(1)
	t.downUntil.Store(time.Now().Add(t.opts.Cooldown).UnixNano())
}

// Get returns the value of key, or false when Redis does not have it, is
// down, or does not answer within the timeout.
func (t *Tier) Get(ctx context.Context, key string) ([]byte, bool) {
	if !t.up() {
		t.stats.skipped.Add(1)
		return nil, false
	}
	ctx, cancel := context.WithTimeout(ctx, t.opts.Timeout)
	defer cancel()
	b, err := t.client.Get(ctx, t.opts.Prefix+key).Bytes()
	switch {
	case errors.Is(err, goredis.Nil):
		t.stats.misses.Add(1)
		return nil, false
	case err != nil:
		t.failed()
		return nil, false
	}
	t.stats.hits.Add(1)
	return b, true
}

// Set stores value under key, unless Redis is down or slow.
func (t *Tier) Set(ctx context.Context, key string, value []byte) {
	if !t.up() {
		t.stats.skipped.Add(1)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, t.opts.Timeout)
	defer cancel()
	if err := t.client.Set(ctx, t.opts.Prefix+key, value, t.opts.TTL).Err(); err != nil {
		t.failed()
	}
}

// Stats counts a tier's answers.
type Stats struct {
	// Hits and Misses are Gets Redis answered; Errors are calls that
	// failed or timed out; Skipped are calls made while the tier was
	// skipped after a failure.
	Hits, Misses, Errors, Skipped uint64
}

// Stats returns the tier's counters.
func (t *Tier) Stats() Stats {
	return Stats{Hits: t.stats.hits.Load(), Misses: t.stats.misses.Load(), Errors: t.stats.errors.Load(), Skipped: t.stats.skipped.Load()}
}
