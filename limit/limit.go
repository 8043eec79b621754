// Package limit bounds work in flight (requests being served, calls to a
// store) and sheds the excess: past capacity, work fails at once as
// EUNAVAILABLE (503 with Retry-After) rather than joining a queue that makes
// every caller slow.
//
// Its queue is managed as CoDel manages a router's (the "controlled delay"
// of Facebook's "Fail at Scale", 2015): a queue that empties now and then is
// a burst, and a call may wait for it up to MaxWait; a queue that has not
// emptied for an Interval is a load past capacity, where waiting only adds
// latency to every call admitted, so a call then waits at most StandingWait.
package limit

import (
	"context"
	"errors"
	"math"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"catalog"
)

// Defaults for the durations Config leaves zero.
const (
	DefaultMaxWait      = 50 * time.Millisecond
	DefaultStandingWait = time.Millisecond
	DefaultInterval     = 100 * time.Millisecond
)

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
	// MaxWait bounds a wait for a slot while the queue comes and goes;
	// 0 means DefaultMaxWait.
	MaxWait time.Duration
	// StandingWait bounds a wait for a slot once the queue has not been
	// empty for Interval; 0 means DefaultStandingWait, and it is never more
	// than MaxWait. Equal to MaxWait, the queue is not managed.
	StandingWait time.Duration
	// Interval is how long a queue must stand to be a load and not a
	// burst; 0 means DefaultInterval.
	Interval time.Duration
	// Throttle, when set, bounds the rate of calls as well: a call past
	// its rate is shed before it looks for a slot.
	Throttle *Throttle
}

// Limiter admits calls to a store, up to its bounds.
type Limiter struct {
	sem                   *semaphore.Weighted
	queue                 int64
	maxWait, standingWait time.Duration
	interval              time.Duration
	throttle              *Throttle
	epoch                 time.Time // lastEmpty counts from it, on the monotonic clock

	waiting   atomic.Int64
	lastEmpty atomic.Int64 // when the queue was last seen empty, in ns since epoch

	admitted, queued atomic.Int64
	shed, standing   atomic.Int64
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
	if cfg.StandingWait <= 0 {
		cfg.StandingWait = DefaultStandingWait
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	return &Limiter{
		sem:          semaphore.NewWeighted(int64(calls)),
		queue:        int64(cfg.Queue),
		maxWait:      cfg.MaxWait,
		standingWait: min(cfg.StandingWait, cfg.MaxWait),
		interval:     cfg.Interval,
		throttle:     cfg.Throttle,
		epoch:        time.Now(),
	}
}

// now is the time since the limiter's epoch.
func (l *Limiter) now() int64 { return int64(time.Since(l.epoch)) }

// errOverloaded is what a shed call returns.
var errOverloaded = catalog.Errorf(catalog.EUNAVAILABLE, "the service is over capacity; retry shortly")

// Acquire takes a slot, waiting in a bounded queue for a bounded time; it
// fails as EUNAVAILABLE when there is none, or with ctx's error. A caller
// that acquired must Release.
func (l *Limiter) Acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if l.throttle != nil && !l.throttle.Allow() {
		l.shed.Add(1)
		return errOverloaded
	}
	if l.sem.TryAcquire(1) {
		// No one waits: the queue's last emptying is already noted, by
		// leave or by the first call to join it.
		l.admitted.Add(1)
		return nil
	}
	if l.throttle != nil {
		l.throttle.Contended()
	}
	n := l.waiting.Add(1)
	if n > l.queue {
		l.leave()
		l.shed.Add(1)
		return errOverloaded
	}
	defer l.leave()
	if n == 1 {
		// The queue was empty until now, however long the calls in the
		// slots have taken: not a standing queue.
		l.lastEmpty.Store(l.now())
	}
	wait := l.maxWait
	if l.now()-l.lastEmpty.Load() > int64(l.interval) {
		wait = l.standingWait
		l.standing.Add(1)
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
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

// leave takes a call out of the queue, noting when the queue empties.
func (l *Limiter) leave() {
	if l.waiting.Add(-1) == 0 {
		l.lastEmpty.Store(l.now())
	}
}

// Release gives back a slot Acquire took.
func (l *Limiter) Release() { l.sem.Release(1) }

// Stats are a limiter's counters.
type Stats struct {
	// Admitted counts calls let through, Queued those of them that waited,
	// Shed those refused. Standing counts the calls that found the queue
	// standing, and so waited at most StandingWait.
	Admitted, Queued, Shed, Standing int64
	// Waiting is how many wait now.
	Waiting int64
	// Throttled counts the calls of Shed that the throttle refused; Rate is
	// its bound on calls a second now (+Inf: none, or no throttle).
	Throttled int64
	Rate      float64
}

// Stats returns the limiter's counters.
func (l *Limiter) Stats() Stats {
	st := Stats{
		Admitted: l.admitted.Load(), Queued: l.queued.Load(), Shed: l.shed.Load(),
		Standing: l.standing.Load(), Waiting: l.waiting.Load(), Rate: math.Inf(1),
	}
	if l.throttle != nil {
		st.Throttled, st.Rate = l.throttle.Shed(), l.throttle.Rate()
	}
	return st
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
