// Package limit bounds the requests a service works on at once and sheds
// only those that would wait longer than a user would bear: past its slots,
// a request waits its turn in a first-come queue for up to a budget, and is
// answered EUNAVAILABLE (503 with Retry-After) when its wait would be
// longer. A queue that drains within the budget, as a closed loop's does
// unless its clients outnumber what the budget lets the slots serve,
// sheds nothing; a load past capacity gets its excess refused at once.
package limit

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"catalog"
)

// DefaultWait is the queue-wait budget when Config leaves it zero: about
// what a shopper does not notice on a page's request, and far more than a
// queue that keeps up with its load ever waits.
const DefaultWait = 200 * time.Millisecond

// Config bounds a Limiter.
type Config struct {
	// Slots is how many calls may run at once; less than 1 counts as 1.
	Slots int
	// Queue is how many calls may wait for a slot, the bound on the
	// memory the waiting hold; one more is shed at once. 0 means 16 times
	// Slots.
	Queue int
	// Wait is the queue-wait budget: the longest a call waits for a slot
	// (less when its context ends sooner). 0 means DefaultWait.
	Wait time.Duration
}

// Limiter admits calls up to its slots and queues the rest, first come
// first served, for up to its budget. A call is shed at once when the wait
// its place in the queue predicts is over the budget, or over its
// context's time left: each slot frees about once per the average time a
// call holds one, so the place-th in line waits about place × that time ÷
// the slots.
type Limiter struct {
	sem   *semaphore.Weighted
	slots int64
	queue int64
	wait  time.Duration

	waiting                atomic.Int64
	admitted, queued, shed atomic.Int64
	held                   atomic.Int64 // a moving average of how long a call holds a slot, in ns
}

// New returns a limiter of cfg.Slots slots.
func New(cfg Config) *Limiter {
	slots := max(cfg.Slots, 1)
	if cfg.Queue <= 0 {
		cfg.Queue = 16 * slots
	}
	if cfg.Wait <= 0 {
		cfg.Wait = DefaultWait
	}
	return &Limiter{sem: semaphore.NewWeighted(int64(slots)), slots: int64(slots), queue: int64(cfg.Queue), wait: cfg.Wait}
}

// errOverloaded is what a shed call returns.
var errOverloaded = catalog.Errorf(catalog.EUNAVAILABLE, "the service is over capacity; retry shortly")

// IsOverloaded reports whether err is a call the limiter shed.
func IsOverloaded(err error) bool { return errors.Is(err, errOverloaded) }

// Acquire takes a slot, waiting for one in turn within the budget, and
// returns when it took it; it fails as EUNAVAILABLE when the call is shed
// (its wait would be, or was, past the budget or its deadline), or with
// ctx's error when the caller has gone. A caller that acquired must
// Release.
func (l *Limiter) Acquire(ctx context.Context) (time.Time, error) {
	return l.AcquireWithin(ctx, l.wait)
}

// AcquireWithin is Acquire with a budget of its own, when it is shorter
// than the limiter's: for calls that are the first to shed under load (a
// click log), which take a turn while the queue is short, and are shed
// while the calls with the whole budget still wait theirs.
func (l *Limiter) AcquireWithin(ctx context.Context, budget time.Duration) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	if l.sem.TryAcquire(1) {
		l.admitted.Add(1)
		return time.Now(), nil
	}
	place := l.waiting.Add(1)
	defer l.waiting.Add(-1)
	budget = min(budget, l.wait)
	d, hasDeadline := ctx.Deadline()
	if hasDeadline {
		budget = min(budget, time.Until(d)) // the caller's time may run out first
	}
	if place > l.queue || l.predict(place) > budget {
		l.shed.Add(1)
		return time.Time{}, errOverloaded
	}
	wctx := ctx
	if !hasDeadline || budget < time.Until(d) {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, budget)
		defer cancel()
	}
	if err := l.sem.Acquire(wctx, 1); err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return time.Time{}, ctx.Err() // the caller went away: nothing to answer
		}
		l.shed.Add(1) // the budget, or the caller's deadline, ran out first
		return time.Time{}, errOverloaded
	}
	l.admitted.Add(1)
	l.queued.Add(1)
	return time.Now(), nil
}

// heldWeight is the weight of one call in the moving average of how long
// calls hold a slot: a few hundred calls count, so that one slow call, or
// one pause of the process, does not swing the prediction.
const heldWeight = 256

// Release gives back the slot that Acquire took at admitted.
func (l *Limiter) Release(admitted time.Time) {
	l.sem.Release(1)
	d := int64(time.Since(admitted))
	for {
		old := l.held.Load()
		avg := d
		if old != 0 {
			avg = old + (d-old)/heldWeight
		}
		if l.held.CompareAndSwap(old, max(avg, 1)) {
			return
		}
	}
}

// predict returns the wait for a slot of the place-th call in line.
func (l *Limiter) predict(place int64) time.Duration {
	return time.Duration(place * l.held.Load() / l.slots)
}

// Stats are a limiter's counters.
type Stats struct {
	// Admitted counts calls let through, Queued those of them that waited,
	// Shed those refused; Waiting is how many wait now.
	Admitted, Queued, Shed, Waiting int64
}

// Stats returns the limiter's counters.
func (l *Limiter) Stats() Stats {
	return Stats{Admitted: l.admitted.Load(), Queued: l.queued.Load(), Shed: l.shed.Load(), Waiting: l.waiting.Load()}
}
