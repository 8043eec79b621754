package limit_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"catalog"
	"catalog/limit"
)

// gate is a store whose calls block until it is opened, counting those in
// flight.
type gate struct {
	open              chan struct{}
	inFlight, maxSeen atomic.Int64
}

func newGate() *gate { return &gate{open: make(chan struct{})} }

func (g *gate) enter() {
	n := g.inFlight.Add(1)
	for {
		m := g.maxSeen.Load()
		if n <= m || g.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	<-g.open
	g.inFlight.Add(-1)
}

func (g *gate) ListProducts(context.Context, catalog.Page) ([]catalog.Product, error) {
	g.enter()
	return nil, nil
}
func (g *gate) FindProduct(context.Context, int64) (catalog.Product, error) {
	g.enter()
	return catalog.Product{ID: 1}, nil
}
func (g *gate) FindStyles(context.Context, int64) ([]catalog.Style, error) {
	g.enter()
	return nil, nil
}
func (g *gate) FindRelated(context.Context, int64) ([]int64, error)      { g.enter(); return nil, nil }
func (g *gate) Cart(context.Context, string) ([]catalog.CartItem, error) { g.enter(); return nil, nil }
func (g *gate) AddToCart(context.Context, string, int64) error           { g.enter(); return nil }

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// slotHeld returns a limiter of one slot, and its products, with that slot
// held by a call that ends when the test does.
func slotHeld(t *testing.T, cfg limit.Config) (*limit.Limiter, catalog.ProductService) {
	t.Helper()
	g := newGate()
	t.Cleanup(func() { close(g.open) })
	cfg.Calls = 1
	l := limit.New(cfg)
	p := l.Products(g)
	go p.FindProduct(context.Background(), 1)
	waitUntil(t, "a call in flight", func() bool { return g.inFlight.Load() == 1 })
	return l, p
}

func TestLimiter(t *testing.T) {
	ctx := context.Background()
	t.Run("ShedsPastQueue", func(t *testing.T) {
		g := newGate()
		l := limit.New(limit.Config{Calls: 3, Queue: 2, MaxWait: time.Minute})
		p, c := l.Products(g), l.Carts(g)
		var wg sync.WaitGroup
		errs := make(chan error, 5)
		calls := []func() error{
			func() error { _, err := p.FindProduct(ctx, 1); return err },
			func() error { _, err := p.FindStyles(ctx, 1); return err },
			func() error { _, err := p.ListProducts(ctx, catalog.Page{Number: 1, Size: 5}); return err },
			func() error { return c.AddToCart(ctx, "s", 1) },
			func() error { _, err := c.Cart(ctx, "s"); return err },
		}
		for _, f := range calls {
			wg.Go(func() { errs <- f() })
		}
		waitUntil(t, "3 calls in flight and 2 waiting", func() bool { return g.inFlight.Load() == 3 && l.Stats().Waiting == 2 })
		// The sixth is shed at once.
		start := time.Now()
		_, err := p.FindRelated(ctx, 1)
		if !limit.IsOverloaded(err) || catalog.ErrorCode(err) != catalog.EUNAVAILABLE {
			t.Fatalf("a call past the queue: %v, want shed as unavailable", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("shedding took %v", d)
		}
		close(g.open)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("an admitted call failed: %v", err)
			}
		}
		if got := g.maxSeen.Load(); got != 3 {
			t.Errorf("%d calls were in the store at once, want at most 3", got)
		}
		if st := l.Stats(); st.Admitted != 5 || st.Queued != 2 || st.Shed != 1 || st.Waiting != 0 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("WaitIsBounded", func(t *testing.T) {
		_, p := slotHeld(t, limit.Config{MaxWait: 30 * time.Millisecond})
		start := time.Now()
		_, err := p.FindProduct(ctx, 2)
		if !limit.IsOverloaded(err) {
			t.Fatalf("a call that waited past MaxWait: %v, want shed", err)
		}
		if d := time.Since(start); d < 30*time.Millisecond || d > 2*time.Second {
			t.Errorf("shed after %v, want about 30ms", d)
		}
	})
	t.Run("CallerGivesUp", func(t *testing.T) {
		l, p := slotHeld(t, limit.Config{MaxWait: time.Minute})
		cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		_, err := p.FindProduct(cctx, 2)
		if !errors.Is(err, context.DeadlineExceeded) || limit.IsOverloaded(err) {
			t.Fatalf("a caller whose deadline passed in the queue: %v, want its own deadline", err)
		}
		if st := l.Stats(); st.Shed != 0 || st.Waiting != 0 {
			t.Errorf("stats %+v: a caller's own deadline is not shedding", st)
		}
	})
}

func TestLimiter_StandingQueue(t *testing.T) {
	ctx := context.Background()
	// One slot, held throughout: the queue behind it never empties.
	l, p := slotHeld(t, limit.Config{MaxWait: time.Minute, StandingWait: 5 * time.Millisecond, Interval: 50 * time.Millisecond})
	// A queue younger than the interval is a burst: a call waits long.
	burst := make(chan error, 1)
	go func() { _, err := p.FindProduct(ctx, 2); burst <- err }()
	waitUntil(t, "a call waiting", func() bool { return l.Stats().Waiting == 1 })
	time.Sleep(100 * time.Millisecond) // the queue has now stood past the interval
	select {
	case err := <-burst:
		t.Fatalf("a call that came while the queue was a burst gave up early: %v", err)
	default:
	}
	start := time.Now()
	_, err := p.FindProduct(ctx, 3)
	if !limit.IsOverloaded(err) {
		t.Fatalf("a call behind a standing queue: %v, want shed", err)
	}
	if d := time.Since(start); d < 5*time.Millisecond || d > time.Second {
		t.Errorf("shed after %v, want about the standing wait (5ms), not MaxWait", d)
	}
	if st := l.Stats(); st.Standing != 1 || st.Shed != 1 {
		t.Errorf("stats %+v, want one call that met a standing queue, shed", st)
	}
}

func TestLimiter_SlowCallsAreNotAStandingQueue(t *testing.T) {
	ctx := context.Background()
	l, p := slotHeld(t, limit.Config{MaxWait: 200 * time.Millisecond, StandingWait: time.Millisecond, Interval: 20 * time.Millisecond})
	time.Sleep(60 * time.Millisecond) // a slow call, no one waiting
	start := time.Now()
	_, err := p.FindProduct(ctx, 2)
	if !limit.IsOverloaded(err) {
		t.Fatalf("a call behind a slot held past MaxWait: %v, want shed", err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("shed after %v: an empty queue was taken for a standing one", d)
	}
	if st := l.Stats(); st.Standing != 0 {
		t.Errorf("stats %+v, want no standing queue", st)
	}
}
