package limit

import (
	"context"
	"math"
	"runtime/metrics"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Defaults for the settings ThrottleConfig leaves zero.
const (
	DefaultThrottleTarget   = 2 * time.Millisecond
	DefaultThrottleInterval = 100 * time.Millisecond
	DefaultThrottleMinRate  = 100
)

// ThrottleConfig sets up a Throttle.
type ThrottleConfig struct {
	// Target is the most the signal may read before the throttle cuts the
	// rate of calls; 0 means DefaultThrottleTarget.
	Target time.Duration
	// Interval is how often the signal is read and the rate set; 0 means
	// DefaultThrottleInterval.
	Interval time.Duration
	// MinRate is the fewest calls a second the throttle lets through, so
	// that a signal that stays high for another reason does not stop the
	// service; 0 means DefaultThrottleMinRate.
	MinRate float64
	// Signal reads how late work runs now; nil means SchedLatency(0.99).
	Signal func() time.Duration
}

// Throttle bounds the rate of calls, not their number, when the process is
// short of CPU. A bound on calls in flight cannot do that on a small machine:
// one call at a time, each a few hundred microseconds of work for this
// process and its database, keeps a core busy, and the requests that must
// be answered 503 then wait for it like the others. So the throttle watches
// a signal of CPU contention (by default, how long goroutines wait to run)
// and, while it reads over Target and calls find the store's slots full, cuts
// the rate of calls it lets through to three quarters of the rate they came
// in; then it raises the rate 5% an interval, or by half while it sheds
// calls that would have found a free slot, and lifts the bound once it has
// shed nothing for ten intervals. Calls past the rate are shed at once,
// which costs a small part of a served call.
type Throttle struct {
	cfg ThrottleConfig
	lim *rate.Limiter

	allowed   atomic.Int64 // calls let through since the last step
	throttled atomic.Int64 // calls shed since the last step
	contended atomic.Bool  // whether a call found no free slot since the last step
	total     atomic.Int64 // calls shed in all
	calm      int          // steps in a row with nothing shed
}

// NewThrottle returns a throttle that lets every call through until its
// signal says otherwise. Run must run for it to act.
func NewThrottle(cfg ThrottleConfig) *Throttle {
	if cfg.Target <= 0 {
		cfg.Target = DefaultThrottleTarget
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultThrottleInterval
	}
	if cfg.MinRate <= 0 {
		cfg.MinRate = DefaultThrottleMinRate
	}
	if cfg.Signal == nil {
		cfg.Signal = SchedLatency(0.99)
	}
	return &Throttle{cfg: cfg, lim: rate.NewLimiter(rate.Inf, 0)}
}

// Allow reports whether a call may go ahead now.
func (t *Throttle) Allow() bool {
	if t.lim.Allow() {
		t.allowed.Add(1)
		return true
	}
	t.throttled.Add(1)
	t.total.Add(1)
	return false
}

// Contended tells the throttle that a call found no free slot: the store is
// busy, so a late signal may be its doing. The throttle cuts the rate only
// then, not for a lateness that calls to the store did not cause.
func (t *Throttle) Contended() { t.contended.Store(true) }

// Rate is the bound on calls a second; +Inf when there is none.
func (t *Throttle) Rate() float64 {
	if r := t.lim.Limit(); r != rate.Inf {
		return float64(r)
	}
	return math.Inf(1)
}

// Shed counts the calls the throttle has refused.
func (t *Throttle) Shed() int64 { return t.total.Load() }

// Run reads the signal and sets the rate every interval until ctx ends.
func (t *Throttle) Run(ctx context.Context) {
	tick := time.NewTicker(t.cfg.Interval)
	defer tick.Stop()
	last := time.Now()
	t.cfg.Signal() // starts the signal's window
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			t.step(t.cfg.Signal(), now.Sub(last))
			last = now
		}
	}
}

// step sets the rate from the signal read over the last elapsed.
func (t *Throttle) step(signal, elapsed time.Duration) {
	allowed, throttled := t.allowed.Swap(0), t.throttled.Swap(0)
	contended := t.contended.Swap(false)
	came := float64(allowed) / elapsed.Seconds() // the rate let through
	cur := t.Rate()
	switch {
	case signal > t.cfg.Target && contended:
		t.calm = 0
		t.set(max(t.cfg.MinRate, 0.75*min(came, cur)))
	case math.IsInf(cur, 1):
	case throttled == 0:
		if t.calm++; t.calm >= 10 {
			t.lim.SetLimit(rate.Inf)
			return
		}
		t.set(cur * 1.05)
	case !contended:
		// Shedding while the store has room: the bound is too low.
		t.calm = 0
		t.set(cur * 1.5)
	default:
		t.calm = 0
		t.set(cur * 1.05)
	}
}

// set bounds the calls to r a second, in bursts of at most 10ms of them.
func (t *Throttle) set(r float64) {
	t.lim.SetBurst(max(1, int(r/100)))
	t.lim.SetLimit(rate.Limit(r))
}

// SchedLatency returns a signal of CPU contention in this process: the
// q-quantile of how long its goroutines waited to run, from the runtime's
// histogram, over the time since the signal was last read (zero if none
// ran). Only one caller should read it.
func SchedLatency(q float64) func() time.Duration {
	s := []metrics.Sample{{Name: "/sched/latencies:seconds"}}
	var prev []uint64
	return func() time.Duration {
		metrics.Read(s)
		h := s[0].Value.Float64Histogram()
		delta := make([]uint64, len(h.Counts))
		var total uint64
		for i, c := range h.Counts {
			if i < len(prev) {
				c -= prev[i]
			}
			delta[i] = c
			total += c
		}
		prev = append(prev[:0], h.Counts...)
		if total == 0 {
			return 0
		}
		return quantile(delta, h.Buckets, total, q)
	}
}

// quantile is the upper bound of the bucket holding the q-quantile of
// counts, whose bucket i spans buckets[i] to buckets[i+1] seconds.
func quantile(counts []uint64, buckets []float64, total uint64, q float64) time.Duration {
	want := uint64(math.Ceil(q * float64(total)))
	var seen uint64
	for i, c := range counts {
		if seen += c; seen >= want && c > 0 {
			hi := buckets[i+1]
			if math.IsInf(hi, 1) {
				hi = buckets[i]
			}
			return time.Duration(hi * float64(time.Second))
		}
	}
	return 0
}
