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
// test's own: its capacity is one that the load generator, on its own core,
// can offer three times over.
func TestOverload(t *testing.T) {
	url := startPostgres(t)
	run(t, "load", "--db", url, generated(t, overloadProducts))
	s := startServe(t, "--db", url, "--cache-mb", "0")
	tr := classic(s.base, int64(overloadProducts))

	// Capacity: a closed loop of as many clients as the store's bound
	// admits with its queue, so that none waits long or is shed.
	attack(tr, 0, 3*time.Second, 16) // warm the connections and the caches
	capRun := summarize(attack(tr, 0, 8*time.Second, 16), 200)
	capacity := capRun.count(200) / 8
	t.Logf("capacity: %d req/s (%s)", capacity, capRun.codes())

	low := max(capacity/10, 50)
	base := summarize(attack(tr, low, 8*time.Second, 16), 200)
	p99 := base.p(0.99)

	stopRSS := sample(100*time.Millisecond, s.rssMiB)
	stopGo := sample(100*time.Millisecond, func() float64 { return s.metric("go_goroutines") })
	overRate := overloadFactor * capacity
	overRes := attack(tr, overRate, 15*time.Second, 64)
	// The rate sent, over the span of the sends: not the wait for the last
	// answers.
	byTime := func(a, b vegeta.Result) int { return a.Timestamp.Compare(b.Timestamp) }
	span := slices.MaxFunc(overRes, byTime).Timestamp.Sub(slices.MinFunc(overRes, byTime).Timestamp)
	sent := float64(len(overRes)) / (span + time.Second/time.Duration(overRate)).Seconds()
	over := summarize(overRes, 200)
	peakRSS, peakGo := stopRSS(), stopGo()
	after := summarize(attack(tr, low, 5*time.Second, 16), 200)

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
		measured: fmt.Sprintf("200: %d, 503: %d (p99 %s); p99 of the 200s %s; peak RSS %.0f MiB, %.0f goroutines",
			over.count(200), over.count(503), ms(summarize(overRes, 503).p(0.99)), ms(over.p(0.99)), peakRSS, peakGo),
		held: overErrors == 0 && over.count(503) > 0 && over.p(0.99) <= 3*p99 && peakRSS < 1024,
	})
	record(t, row{
		trial:    fmt.Sprintf("right after: %d req/s", low),
		requests: after.n, errors: after.n - after.count(200),
		expected: fmt.Sprintf("no errors; p99 ≤ 3× unloaded (%s)", ms(3*p99)), measured: "p99 " + ms(after.p(0.99)),
		held: after.n == after.count(200) && after.p(0.99) <= 3*p99,
	})
}
