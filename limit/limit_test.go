package limit_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"catalog"
	"catalog/limit"
)

// call takes a slot of l, holds it for d and gives it back; it returns
// how long Acquire took, and its error.
func call(ctx context.Context, l *limit.Limiter, d time.Duration) (time.Duration, error) {
	start := time.Now()
	at, err := l.Acquire(ctx)
	waited := time.Since(start)
	if err == nil {
		time.Sleep(d)
		l.Release(at)
	}
	return waited, err
}

func TestLimiter_ClosedLoopIsNotShed(t *testing.T) {
	// 256 clients, each sending its next call when the last is answered,
	// on 4 slots held 1ms each: the queue stands at 252 all the while, and
	// drains in 63ms, within the budget, so no call is shed.
	synctest.Test(t, func(t *testing.T) {
		l := limit.New(limit.Config{Slots: 4, Queue: 1024, Wait: 100 * time.Millisecond})
		var wg sync.WaitGroup
		for range 256 {
			wg.Go(func() {
				for range 50 {
					if _, err := call(t.Context(), l, time.Millisecond); err != nil {
						t.Errorf("Acquire: %v", err)
						return
					}
				}
			})
		}
		wg.Wait()
		st := l.Stats()
		if st.Shed != 0 || st.Admitted != 256*50 || st.Queued == 0 {
			t.Fatalf("stats %+v: want all %d admitted, some queued, none shed", st, 256*50)
		}
	})
}

func TestLimiter_OverloadIsShedAtOnce(t *testing.T) {
	// One slot serving a call in 10 ms (100 a second), offered one call
	// every 2 ms (five times as many) for a second, with a 50 ms budget.
	synctest.Test(t, func(t *testing.T) {
		const budget = 50 * time.Millisecond
		l := limit.New(limit.Config{Slots: 1, Wait: budget})
		var mu sync.Mutex
		var served, shedAtOnce, shedLate int
		var longest time.Duration
		var wg sync.WaitGroup
		for range 500 {
			wg.Go(func() {
				waited, err := call(t.Context(), l, 10*time.Millisecond)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					served++
					longest = max(longest, waited)
				case !limit.IsOverloaded(err) || catalog.ErrorCode(err) != catalog.EUNAVAILABLE:
					t.Errorf("a shed call's error %v: want EUNAVAILABLE", err)
				case waited == 0:
					shedAtOnce++
				default:
					shedLate++
				}
			})
			time.Sleep(2 * time.Millisecond)
		}
		wg.Wait()
		if longest > budget {
			t.Errorf("an admitted call waited %v, over the budget %v", longest, budget)
		}
		// About a second's worth of service is admitted; the rest shed,
		// most of it without waiting.
		if served < 90 || served > 110 {
			t.Errorf("served %d of 500, want about 100 (the slot's capacity)", served)
		}
		if shedAtOnce < 4*shedLate {
			t.Errorf("shed at once %d, after waiting %d: want most shed at once", shedAtOnce, shedLate)
		}
		// Then the load drops to what the slot serves: nothing is shed.
		before := l.Stats().Shed
		for range 50 {
			if _, err := call(t.Context(), l, 10*time.Millisecond); err != nil {
				t.Fatalf("after the overload: %v", err)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if n := l.Stats().Shed - before; n != 0 {
			t.Fatalf("%d calls shed after the overload ended", n)
		}
	})
}

// held returns a limiter of one slot, held until the test ends.
func held(t *testing.T, cfg limit.Config) *limit.Limiter {
	cfg.Slots = 1
	l := limit.New(cfg)
	at, err := l.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Release(at) })
	return l
}

func TestLimiter_Bounds(t *testing.T) {
	t.Run("QueueFull", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			l := limit.New(limit.Config{Slots: 1, Queue: 2, Wait: time.Second})
			at, _ := l.Acquire(t.Context())
			var wg sync.WaitGroup
			defer wg.Wait()
			for range 2 {
				wg.Go(func() { call(t.Context(), l, 0) })
			}
			synctest.Wait()
			defer l.Release(at)
			if waited, err := call(t.Context(), l, 0); !limit.IsOverloaded(err) || waited != 0 {
				t.Fatalf("a third waiter: %v after %v; want shed at once", err, waited)
			}
		})
	})
	t.Run("Budget", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			l := held(t, limit.Config{Wait: 30 * time.Millisecond})
			if waited, err := call(t.Context(), l, 0); !limit.IsOverloaded(err) || waited != 30*time.Millisecond {
				t.Fatalf("the first in line: %v after %v; want shed after the budget, 30ms", err, waited)
			}
		})
	})
	t.Run("Prediction", func(t *testing.T) {
		// Calls hold the one slot 10ms: the third in line is due in 30ms,
		// within the budget, and waits; the fourth, due in 40ms, is shed
		// at once. With 25ms left, the third is shed at once too.
		synctest.Test(t, func(t *testing.T) {
			l := limit.New(limit.Config{Slots: 1, Wait: 30 * time.Millisecond})
			for range 5 {
				call(t.Context(), l, 10*time.Millisecond)
			}
			at, _ := l.Acquire(t.Context())
			var wg sync.WaitGroup
			defer wg.Wait()
			for range 2 {
				wg.Go(func() { call(t.Context(), l, 10*time.Millisecond) })
			}
			synctest.Wait()
			ctx, cancel := context.WithTimeout(t.Context(), 25*time.Millisecond)
			defer cancel()
			if waited, err := call(ctx, l, 0); !limit.IsOverloaded(err) || waited != 0 {
				t.Errorf("third in line with 25ms left: %v after %v; want shed at once", err, waited)
			}
			wg.Go(func() { time.Sleep(5 * time.Millisecond); l.Release(at) })
			wg.Go(func() {
				if _, err := call(t.Context(), l, 10*time.Millisecond); err != nil {
					t.Errorf("third in line: %v", err)
				}
			})
			synctest.Wait()
			if waited, err := call(t.Context(), l, 0); !limit.IsOverloaded(err) || waited != 0 {
				t.Errorf("fourth in line: %v after %v; want shed at once", err, waited)
			}
			if st := l.Stats(); st.Shed != 2 {
				t.Errorf("stats %+v: want the two shed", st)
			}
		})
	})
	t.Run("Deadline", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			l := held(t, limit.Config{Wait: time.Second})
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
			defer cancel()
			if waited, err := call(ctx, l, 0); !limit.IsOverloaded(err) || waited != 20*time.Millisecond {
				t.Fatalf("with 20ms left: %v after %v; want shed when the deadline ran out, after 20ms", err, waited)
			}
		})
	})
	t.Run("CallerGone", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			l := held(t, limit.Config{Wait: time.Second})
			ctx, cancel := context.WithCancel(t.Context())
			time.AfterFunc(5*time.Millisecond, cancel)
			if _, err := call(ctx, l, 0); !errors.Is(err, context.Canceled) {
				t.Fatalf("a caller that went away: %v, want its own error", err)
			}
			if st := l.Stats(); st.Shed != 0 {
				t.Fatalf("stats %+v: a caller that went away is not shed", st)
			}
		})
	})
}

// TestLimiter_AcquireWithin: a call with a budget of its own takes a free
// slot, queues while the wait predicted is within its budget, and is shed
// at once past it, while a call with the whole budget still queues.
func TestLimiter_AcquireWithin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := limit.New(limit.Config{Slots: 1, Wait: time.Second})
		at, err := l.AcquireWithin(t.Context(), 10*time.Millisecond)
		if err != nil {
			t.Fatalf("a free slot was not taken: %v", err)
		}
		time.Sleep(100 * time.Millisecond) // calls hold the slot 100ms
		l.Release(at)

		held, _ := l.Acquire(t.Context())
		if _, err := l.AcquireWithin(t.Context(), 10*time.Millisecond); !limit.IsOverloaded(err) {
			t.Fatalf("a wait of 100ms within a budget of 10ms: %v, want shed at once", err)
		}
		queued := make(chan error, 2)
		go func() {
			at, err := l.AcquireWithin(t.Context(), 500*time.Millisecond)
			if err == nil {
				l.Release(at)
			}
			queued <- err
		}()
		go func() {
			at, err := l.Acquire(t.Context())
			if err == nil {
				l.Release(at)
			}
			queued <- err
		}()
		synctest.Wait()
		l.Release(held)
		for range 2 {
			if err := <-queued; err != nil {
				t.Fatalf("a call whose wait is within its budget: %v, want it admitted", err)
			}
		}
		if s := l.Stats(); s.Shed != 1 || s.Queued != 2 {
			t.Fatalf("stats %+v: want the one past its budget shed, the two within it queued", s)
		}
	})
}
