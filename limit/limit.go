// Package limit bounds work in flight (requests being served, calls to a
// store) and sheds the excess: past capacity, work fails at once as
// EUNAVAILABLE (503 with Retry-After) rather than joining a queue that makes
// every caller slow.
package limit

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"catalog"
)

// DefaultMaxWait is how long a call may queue for a slot when Config
// leaves MaxWait zero.
const DefaultMaxWait = 50 * time.Millisecond

// Config bounds a Limiter.
type Config struct {
	// Calls is how many calls may be in the store at once: about the
	// store's connections, as more would only queue for one. Less than 1
	// counts as 1.
	Calls int
	// Queue is how many calls may wait for a slot; one more is shed at
	// once. 0 means 16 times Calls: a burst is absorbed, and MaxWait sheds
	// a load that lasts.
	Queue int
	// MaxWait bounds a wait for a slot; 0 means DefaultMaxWait.
	MaxWait time.Duration
}

// Limiter admits calls to a store, up to its bounds.
type Limiter struct {
	sem     *semaphore.Weighted
	queue   int64
	maxWait time.Duration

	waiting          atomic.Int64
	admitted, queued atomic.Int64
	shed             atomic.Int64
}

// New returns a limiter of cfg.Calls calls in flight.
func New(cfg Config) *Limiter {
	calls := max(cfg.Calls, 1)
	if cfg.Queue <= 0 {
		cfg.Queue = 16 * calls
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = DefaultMaxWait
	}
	return &Limiter{sem: semaphore.NewWeighted(int64(calls)), queue: int64(cfg.Queue), maxWait: cfg.MaxWait}
}

// errOverloaded is what a shed call returns.
var errOverloaded = catalog.Errorf(catalog.EUNAVAILABLE, "the service is over capacity; retry shortly")

// Acquire takes a slot, waiting in a bounded queue for a bounded time; it
// fails as EUNAVAILABLE when there is none, or with ctx's error. A caller
// that acquired must Release.
func (l *Limiter) Acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if l.sem.TryAcquire(1) {
		l.admitted.Add(1)
		return nil
	}
	if l.waiting.Add(1) > l.queue {
		l.waiting.Add(-1)
		l.shed.Add(1)
		return errOverloaded
	}
	defer l.waiting.Add(-1)
	wctx, cancel := context.WithTimeout(ctx, l.maxWait)
	defer cancel()
	if err := l.sem.Acquire(wctx, 1); err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // the caller gave up, not the limiter
		}
		l.shed.Add(1)
		return errOverloaded
	}
	l.admitted.Add(1)
	l.queued.Add(1)
	return nil
}

// Release gives back a slot Acquire took.
func (l *Limiter) Release() { l.sem.Release(1) }

// Stats are a limiter's counters.
type Stats struct {
	// Admitted counts calls let through, Queued those of them that waited,
	// Shed those refused.
	Admitted, Queued, Shed int64
	// Waiting is how many wait now.
	Waiting int64
}

// Stats returns the limiter's counters.
func (l *Limiter) Stats() Stats {
	return Stats{Admitted: l.admitted.Load(), Queued: l.queued.Load(), Shed: l.shed.Load(), Waiting: l.waiting.Load()}
}

// IsOverloaded reports whether err is a call the limiter shed.
func IsOverloaded(err error) bool { return errors.Is(err, errOverloaded) }

// call runs f within a slot.
func call[T any](ctx context.Context, l *Limiter, f func() (T, error)) (T, error) {
	if err := l.Acquire(ctx); err != nil {
		var zero T
		return zero, err
	}
	defer l.Release()
	return f()
}

// Products bounds the calls to p.
func (l *Limiter) Products(p catalog.ProductService) catalog.ProductService {
	return products{l: l, next: p}
}

// Carts bounds the calls to c.
func (l *Limiter) Carts(c catalog.CartService) catalog.CartService { return carts{l: l, next: c} }

type products struct {
	l    *Limiter
	next catalog.ProductService
}

func (p products) ListProducts(ctx context.Context, page catalog.Page) ([]catalog.Product, error) {
	return call(ctx, p.l, func() ([]catalog.Product, error) { return p.next.ListProducts(ctx, page) })
}

func (p products) FindProduct(ctx context.Context, id int64) (catalog.Product, error) {
	return call(ctx, p.l, func() (catalog.Product, error) { return p.next.FindProduct(ctx, id) })
}

func (p products) FindStyles(ctx context.Context, productID int64) ([]catalog.Style, error) {
	return call(ctx, p.l, func() ([]catalog.Style, error) { return p.next.FindStyles(ctx, productID) })
}

func (p products) FindRelated(ctx context.Context, productID int64) ([]int64, error) {
	return call(ctx, p.l, func() ([]int64, error) { return p.next.FindRelated(ctx, productID) })
}

type carts struct {
	l    *Limiter
	next catalog.CartService
}

func (c carts) Cart(ctx context.Context, session string) ([]catalog.CartItem, error) {
	return call(ctx, c.l, func() ([]catalog.CartItem, error) { return c.next.Cart(ctx, session) })
}

func (c carts) AddToCart(ctx context.Context, session string, skuID int64) error {
	_, err := call(ctx, c.l, func() (struct{}, error) { return struct{}{}, c.next.AddToCart(ctx, session, skuID) })
	return err
}
