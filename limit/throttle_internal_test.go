package limit

import (
	"math"
	"runtime"
	"sync"
	"testing"
	"time"
)

// calls makes n calls of t, and reports how many it allowed.
func calls(t *Throttle, n int) int {
	ok := 0
	for range n {
		if t.Allow() {
			ok++
		}
	}
	return ok
}

func TestThrottle_Step(t *testing.T) {
	const second = time.Second
	th := NewThrottle(ThrottleConfig{Target: time.Millisecond, MinRate: 50, Signal: func() time.Duration { return 0 }})
	if got := calls(th, 5000); got != 5000 || !math.IsInf(th.Rate(), 1) {
		t.Fatalf("unthrottled: %d of 5000 allowed, rate %v; want all, and no bound", got, th.Rate())
	}
	// Calm: nothing changes.
	th.step(500*time.Microsecond, second)
	if !math.IsInf(th.Rate(), 1) {
		t.Fatalf("a signal under the target set a rate: %v", th.Rate())
	}
	// Over the target, but the store had room: not the calls' doing.
	calls(th, 2000)
	th.step(3*time.Millisecond, second)
	if !math.IsInf(th.Rate(), 1) {
		t.Fatalf("a late signal with no call contended set a rate: %v", th.Rate())
	}
	// Over the target with calls contending: three quarters of the rate
	// let through.
	calls(th, 2000)
	th.Contended()
	th.step(3*time.Millisecond, second)
	if got := th.Rate(); got != 1500 {
		t.Fatalf("after 2000 calls in a second and a signal over the target: rate %v, want 1500", got)
	}
	// Over again: three quarters of the lower of the bound and the rate
	// that came, never under MinRate.
	th.Contended()
	th.step(3*time.Millisecond, second)
	if got := th.Rate(); got != 50 {
		t.Fatalf("no calls and a signal over the target: rate %v, want the floor 50", got)
	}
	th.set(1000)
	th.allowed.Store(100) // as if 100 came through in the step's 100ms
	th.Contended()
	th.step(3*time.Millisecond, second/10)
	if got := th.Rate(); got != 750 {
		t.Fatalf("100 calls in 100ms with a bound of 1000/s: rate %v, want 750", got)
	}
	// Under the target while it sheds: up 5% a step.
	if got := calls(th, 1000); got == 1000 {
		t.Fatalf("a bound of 750/s let 1000 calls through at once")
	}
	th.Contended()
	th.step(0, second)
	if got := th.Rate(); math.Abs(got-787.5) > 1e-9 {
		t.Fatalf("a calm step while shedding, the store busy: rate %v, want 787.5", got)
	}
	// Shedding while the store has room: up half as much again.
	calls(th, 1000)
	th.step(0, second)
	if got := th.Rate(); math.Abs(got-1181.25) > 1e-9 {
		t.Fatalf("a calm step while shedding, the store idle: rate %v, want 1181.25", got)
	}
	// Nothing shed for ten calm steps: the bound is lifted.
	for i := range 10 {
		if math.IsInf(th.Rate(), 1) {
			t.Fatalf("bound lifted after %d calm steps, want 10", i)
		}
		th.step(0, second)
	}
	if !math.IsInf(th.Rate(), 1) {
		t.Fatalf("after ten calm steps with nothing shed: rate %v, want no bound", th.Rate())
	}
	if got := calls(th, 3000); got != 3000 {
		t.Errorf("lifted: %d of 3000 allowed", got)
	}
	if th.Shed() == 0 {
		t.Errorf("Shed counts nothing after calls were refused")
	}
}

func TestThrottle_Limiter(t *testing.T) {
	th := NewThrottle(ThrottleConfig{Signal: func() time.Duration { return 0 }})
	th.set(DefaultThrottleMinRate) // a burst of 1
	l := New(Config{Calls: 100, Throttle: th})
	ctx := t.Context()
	shed := 0
	for range 10 {
		if err := l.Acquire(ctx); err != nil {
			if !IsOverloaded(err) {
				t.Fatalf("a throttled call: %v, want shed", err)
			}
			shed++
			continue
		}
		l.Release()
	}
	st := l.Stats()
	if shed == 0 || st.Shed != int64(shed) || st.Throttled != int64(shed) || st.Rate != DefaultThrottleMinRate {
		t.Errorf("%d shed by a bound of %v/s; stats %+v", shed, float64(DefaultThrottleMinRate), st)
	}
}

func TestQuantile(t *testing.T) {
	buckets := []float64{0, 0.001, 0.002, 0.004, math.Inf(1)}
	for _, tc := range []struct {
		counts []uint64
		q      float64
		want   time.Duration
	}{
		{[]uint64{10, 0, 0, 0}, 0.99, time.Millisecond},
		{[]uint64{98, 1, 1, 0}, 0.99, 2 * time.Millisecond},
		{[]uint64{98, 1, 1, 0}, 0.999, 4 * time.Millisecond},
		{[]uint64{0, 0, 0, 5}, 0.5, 4 * time.Millisecond}, // the open bucket: its lower bound
		{[]uint64{50, 50, 0, 0}, 0.5, time.Millisecond},
		{[]uint64{50, 50, 0, 0}, 0.51, 2 * time.Millisecond},
	} {
		var total uint64
		for _, c := range tc.counts {
			total += c
		}
		if got := quantile(tc.counts, buckets, total, tc.q); got != tc.want {
			t.Errorf("quantile(%v, %v) = %v, want %v", tc.counts, tc.q, got, tc.want)
		}
	}
}

func TestSchedLatency(t *testing.T) {
	signal := SchedLatency(0.99)
	signal()
	// Goroutines that wait for one another to run: some latency is seen.
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for start := time.Now(); time.Since(start) < 2*time.Millisecond; {
			}
		})
	}
	wg.Wait()
	if got := signal(); got <= 0 || got > 10*time.Second {
		t.Errorf("after 50 goroutines took turns on one thread: %v, want a positive latency", got)
	}
}
