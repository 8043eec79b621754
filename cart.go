package catalog

import (
	"context"
	"time"
)

// DefaultCartIdle is how long a cart may go without an addition before it
// is deleted: a shopper who comes back within a month finds the cart, as
// storefronts' month-long cart cookies promise, and carts a script made
// are gone after one, so the carts a store holds are bounded by a month
// of adds.
const DefaultCartIdle = 30 * 24 * time.Hour

// DefaultCartMaxSKUs is the most distinct SKUs a cart may hold: far past
// what a shopper buys at once, and a bound on what one cart can grow to.
const DefaultCartMaxSKUs = 100

// CartExpiry deletes idle carts in the background.
type CartExpiry struct {
	Carts CartService
	Idle  time.Duration    // a cart idle longer is deleted
	Every time.Duration    // how often to look
	Now   func() time.Time // time.Now, but for tests
	// Done, when set, is told of each round: the lines deleted, or why none.
	Done func(deleted int64, err error)
}

// Run looks for idle carts every Every, and at once, until ctx ends.
func (e CartExpiry) Run(ctx context.Context) {
	t := time.NewTicker(e.Every)
	defer t.Stop()
	for {
		n, err := e.Carts.ExpireCarts(ctx, e.Now().Add(-e.Idle))
		if ctx.Err() != nil {
			return
		}
		if e.Done != nil {
			e.Done(n, err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
