//go:build faults

package faults_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// overloadProducts is the catalog of the overload trial: large enough that
// most requests reach the store, small enough to load in seconds.
var overloadProducts = envInt("FAULTS_OVERLOAD_PRODUCTS", 100_000)

// overloadFactor is how many times the capacity the overload trial offers.
// The issue asks for 3; on two cores the generator's one core cannot always
// offer that much without measuring its own lateness (see
// docs/reliability.md), so a run may ask for less, and says so.
var overloadFactor = envInt("FAULTS_OVERLOAD_FACTOR", 3)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestOverload offers three times the measured capacity of an instance
// whose every request reaches the store (no cache), and checks that the
// requests it accepts stay fast, memory stays bounded, and it recovers at
// once when the load drops. The store is PostgreSQL, a cluster of the
// test's own. The same load is then sent to the yardstick, a server that
// does nothing, to show what the generator adds: at three times this
// capacity, its one core is near its own limit (docs/reliability.md).
func TestOverload(t *testing.T) {
	url := startPostgres(t)
	run(t, "load", "--db", url, generated(t, overloadProducts))
	s := startServe(t, "--db", url, "--cache-mb", "0")
	tr := classic(s.base, int64(overloadProducts))

	// Capacity: a closed loop of as many clients as the store's bound
	// admits with its queue, so that none waits long or is shed.
	const capSeconds = 8
	attack(tr, 0, 3*time.Second, 16) // warm the connections and the caches
	capRun := summarize(attack(tr, 0, capSeconds*time.Second, 16), 200)
	capacity := capRun.count(200) / capSeconds
	t.Logf("capacity: %d req/s (%s)", capacity, capRun.codes())
	if capacity == 0 {
		t.Fatal("no capacity to overload")
	}

	// One attack on the same connections: a tenth of the capacity, then
	// the overload at once, then a tenth again. All 1000 of the
	// generator's workers start at once.
	low := max(capacity/10, 50)
	overRate := overloadFactor * capacity
	load := phases{{low, 8 * time.Second}, {overRate, 15 * time.Second}, {low, 5 * time.Second}}
	stopRSS := sample(100*time.Millisecond, s.rssMiB)
	stopGo := sample(100*time.Millisecond, func() float64 { return s.metric("go_goroutines") })
	parts := load.attack(tr, 1000)
	peakRSS, peakGo := stopRSS(), stopGo()
	base, overRes, after := summarize(parts[0], 200), parts[1], summarize(parts[2], 200)
	p99 := base.p(0.99)
	sent := sentRate(overRes, overRate)
	over := summarize(overRes, 200)
	s.stop()

	// The same load against the yardstick, a server that does nothing: what
	// the generator and this machine add to every figure above.
	y := startCeiling(t)
	yParts := load.attack(classic(y.base, int64(overloadProducts)), 1000)
	yBase, yOver := summarize(yParts[0], 200), summarize(yParts[1], 200)
	y.stop()
	yardstick := fmt.Sprintf("the yardstick (bench/ceiling), same load: p99 %s unloaded, %s overloaded (%.0f req/s sent, %d not 200)",
		ms(yBase.p(0.99)), ms(yOver.p(0.99)), sentRate(yParts[1], overRate), yBase.n+yOver.n-yBase.count(200)-yOver.count(200))

	record(t, row{
		trial:    fmt.Sprintf("unloaded: %d req/s, a tenth of the capacity (%d req/s)", low, capacity),
		requests: base.n, errors: base.n - base.count(200),
		expected: "no errors", measured: "p99 " + ms(p99), held: base.n == base.count(200),
	})
	overErrors := over.n - over.count(200, 503)
	record(t, row{
		trial:    fmt.Sprintf("overload: %d req/s offered, %d× capacity (%.0f req/s sent)", overRate, overloadFactor, sent),
		requests: over.n, errors: overErrors,
		expected: fmt.Sprintf("the excess answered 503; p99 of the 200s ≤ 3× unloaded (%s); RSS < 1 GiB", ms(3*p99)),
		measured: fmt.Sprintf("200: %d, 503: %d (p99 %s); p99 of the 200s %s; peak RSS %.0f MiB, %.0f goroutines; %s",
			over.count(200), over.count(503), ms(summarize(overRes, 503).p(0.99)), ms(over.p(0.99)), peakRSS, peakGo, yardstick),
		held: overErrors == 0 && over.count(503) > 0 && over.p(0.99) <= 3*p99 && peakRSS < 1024,
	})
	record(t, row{
		trial:    fmt.Sprintf("right after: %d req/s, on the same connections", low),
		requests: after.n, errors: after.n - after.count(200),
		expected: fmt.Sprintf("no errors; p99 ≤ 3× unloaded (%s)", ms(3*p99)), measured: after.codes() + "; p99 " + ms(after.p(0.99)),
		held: after.n == after.count(200) && after.p(0.99) <= 3*p99,
	})
}

// sentRate is the rate of requests sent, over the span of their sends: not
// the wait for the last answers.
func sentRate(rs []vegeta.Result, rate int) float64 {
	if len(rs) == 0 {
		return 0
	}
	byTime := func(a, b vegeta.Result) int { return a.Timestamp.Compare(b.Timestamp) }
	span := slices.MaxFunc(rs, byTime).Timestamp.Sub(slices.MinFunc(rs, byTime).Timestamp)
	return float64(len(rs)) / (span + time.Second/time.Duration(rate)).Seconds()
}

// TestPhases checks the overload trial's pacer: hits due at each rate in
// turn, a wait until the next one (also after a sleep that overshot), a
// hit past a phase's end that opens the next one (no second hit at its
// start), no catching up across phases, the end, and results parted by
// phase.
func TestPhases(t *testing.T) {
	ps := phases{{100, time.Second}, {1000, 2 * time.Second}}
	type call struct {
		elapsed time.Duration
		hits    uint64
		wait    time.Duration
		stop    bool
	}
	check := func(p *phasePacer, calls []call) {
		t.Helper()
		for _, c := range calls {
			wait, stop := p.Pace(c.elapsed, c.hits)
			if (wait-c.wait).Abs() > time.Microsecond || stop != c.stop {
				t.Errorf("Pace(%v, %d) = %v, %v; want %v, %v", c.elapsed, c.hits, wait, stop, c.wait, c.stop)
			}
		}
	}
	p := ps.pacer()
	check(p, []call{
		{0, 0, 0, false},                     // hit 0 is due at once
		{0, 1, 10 * time.Millisecond, false}, // hit 1 in 10 ms
		// A sleep that overshot a little: hit 2 is not due yet.
		{10*time.Millisecond + 5*time.Microsecond, 2, 10*time.Millisecond - 5*time.Microsecond, false},
		{500 * time.Millisecond, 10, 0, false}, // 50 due: behind
		{500 * time.Millisecond, 51, 10 * time.Millisecond, false},
		// Hit 100 falls past the first phase's end: it opens the second.
		{995 * time.Millisecond, 100, 5 * time.Millisecond, false},
		{time.Second, 100, 0, false},
		{time.Second, 101, time.Millisecond, false},
		// Past the last phase's end: the attack is over.
		{2999 * time.Millisecond, 2100, 0, true},
		{3 * time.Second, 2100, 0, true},
	})
	if r := p.Rate(1500 * time.Millisecond); r != 1000 {
		t.Errorf("Rate(1.5s) = %v, want 1000", r)
	}
	// The second phase seen 50 ms late, with 95 sent: hit 95 goes at once
	// and 96 a millisecond later, not 50 at once to catch up.
	check(ps.pacer(), []call{
		{0, 0, 0, false},
		{1050 * time.Millisecond, 95, 0, false},
		{1050 * time.Millisecond, 96, time.Millisecond, false},
		{1550 * time.Millisecond, 596, time.Millisecond, false},
		{1550 * time.Millisecond, 590, 0, false},
	})
	// Hit 100 opened the second phase; an attack cut short leaves the rest
	// in the phase it reached.
	var rs []vegeta.Result
	for _, seq := range []uint64{0, 99, 100, 500} {
		rs = append(rs, vegeta.Result{Seq: seq})
	}
	if got := p.split(rs); len(got) != 2 || len(got[0]) != 2 || len(got[1]) != 2 {
		t.Errorf("split: %d phases, of %d and %d; want 2 of 2 and 2", len(got), len(got[0]), len(got[1]))
	}
	if got := ps.pacer().split(rs); len(got[0]) != 4 || len(got[1]) != 0 {
		t.Errorf("split of a second phase never begun: %d and %d, want 4 and 0", len(got[0]), len(got[1]))
	}
}
