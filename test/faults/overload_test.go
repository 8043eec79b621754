//go:build faults

package faults_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"catalog/limit"
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
// excess is answered 503, the requests it accepts wait no longer than the
// queue-wait budget (serve's default, limit.DefaultWait) beyond their
// service time, memory stays bounded, and it recovers at once when the
// load drops. The store is PostgreSQL, a cluster of the
// test's own. The same load is then sent to the yardstick, a server that
// does nothing, to show what the generator and the machine add
// (docs/reliability.md).
func TestOverload(t *testing.T) {
	url := startPostgres(t)
	run(t, "load", "--db", url, generated(t, overloadProducts))
	s := startServe(t, "--db", url, "--cache-mb", "0")
	tr := classic(s.base, int64(overloadProducts))

	// Capacity: a closed loop of 16 clients, more than the store's
	// connections, so that the store is never idle. A closed loop is not
	// overload: nothing of it may be shed.
	const capSeconds = 8
	attack(tr, 0, 3*time.Second, 16) // warm the connections and the caches
	capRun := summarize(attack(tr, 0, capSeconds*time.Second, 16), 200)
	capacity := capRun.count(200) / capSeconds
	t.Logf("capacity: %d req/s (%s; shed so far: %.0f)", capacity, capRun.codes(), s.metric(`catalog_http_requests_shed_total{requests="reads"}`))
	if capacity == 0 {
		t.Fatal("no capacity to overload")
	}

	// One attack on the same connections, all open before it starts (see
	// openConns): a tenth of the capacity, then the overload at once, then
	// a tenth again. All of the generator's workers start at once. There
	// are enough of them for every request of the queue's budget and
	// 100 ms more of the overload to be out at once: a request may wait
	// the budget and more, and a generator out of workers would wait with
	// it, a closed loop rather than an overload.
	low := max(capacity/10, 50)
	overRate := overloadFactor * capacity
	workers := max(1000, int(float64(overRate)*(limit.DefaultWait+100*time.Millisecond).Seconds()))
	load := phases{{low, 8 * time.Second}, {overRate, 15 * time.Second}, {low, 5 * time.Second}}
	cpus := watchCPUs(os.Getenv("FAULTS_SERVER_CPUS"))
	defer cpus.stop()
	conns, dials := openConns(t, s.base+"/healthz", workers)
	stopRSS := sample(100*time.Millisecond, s.rssMiB)
	stopGo := sample(100*time.Millisecond, func() float64 { return s.metric("go_goroutines") })
	parts := load.attack(tr, uint64(workers), conns)
	peakRSS, peakGo := stopRSS(), stopGo()
	base, overRes, after := summarize(parts[0], 200), parts[1], summarize(parts[2], 200)
	p99 := base.p(0.99)
	sent := sentRate(overRes, overRate)
	over := summarize(overRes, 200)
	busy := cpus.between(sendSpan(overRes))
	s.stop()
	t.Logf("the generator dialled %d connections during the attack on the server, beyond the %d it opened before", dials(), workers)

	// The same load against the yardstick, a server that does nothing: what
	// the generator and this machine add to every figure above.
	y := startCeiling(t)
	yConns, yDials := openConns(t, y.base+"/", workers)
	yParts := load.attack(classic(y.base, int64(overloadProducts)), uint64(workers), yConns)
	yBase, yOver := summarize(yParts[0], 200), summarize(yParts[1], 200)
	yBusy := cpus.between(sendSpan(yParts[1]))
	y.stop()
	t.Logf("the generator dialled %d connections during the attack on the yardstick, beyond the %d it opened before", yDials(), workers)
	yardstick := fmt.Sprintf("the yardstick (bench/ceiling), same load: p99 %s unloaded, %s overloaded (%.0f req/s sent, %d not 200, its cores %s busy)",
		ms(yBase.p(0.99)), ms(yOver.p(0.99)), sentRate(yParts[1], overRate), yBase.n+yOver.n-yBase.count(200)-yOver.count(200), percent(yBusy))
	writeOut(t, "overload.md", fmt.Sprintf("# The overload trial, by when each request was sent\n\n"+
		"%d req/s offered (%d× the capacity of %d req/s) for 15 s, after 8 s at %d req/s.\n\n"+
		"## catalog serve\n\n%s\n## The yardstick (bench/ceiling), same load\n\n%s",
		overRate, overloadFactor, capacity, low, timeline(overRes), timeline(yParts[1])))

	record(t, row{
		trial:    fmt.Sprintf("unloaded: %d req/s, a tenth of the capacity (%d req/s)", low, capacity),
		requests: base.n, errors: base.n - base.count(200),
		expected: "no errors", measured: "p99 " + ms(p99), held: base.n == base.count(200),
	})
	overErrors := over.n - over.count(200, 503)
	shed := summarize(overRes, 503)
	// An accepted request waits at most the budget for its turn, then is
	// served as it is at capacity: the capacity loop's p99 is that service
	// time.
	service := capRun.p(0.99)
	bound := limit.DefaultWait + service
	record(t, row{
		trial:    fmt.Sprintf("overload: %d req/s offered, %d× capacity (%.0f req/s sent)", overRate, overloadFactor, sent),
		requests: over.n, errors: overErrors,
		expected: fmt.Sprintf("the excess answered 503; p99 of the 200s and of the 503s ≤ the queue-wait budget + the p99 at capacity (%s + %s); RSS < 1 GiB", ms(limit.DefaultWait), ms(service)),
		measured: fmt.Sprintf("200: %d, 503: %d (p50 %s, p99 %s); p99 of the 200s %s; the server's cores (and its database's) %s busy; peak RSS %.0f MiB, %.0f goroutines; %s",
			over.count(200), over.count(503), ms(shed.p(0.5)), ms(shed.p(0.99)), ms(over.p(0.99)), percent(busy), peakRSS, peakGo, yardstick),
		held: overErrors == 0 && over.count(503) > 0 && over.p(0.99) <= bound && shed.p(0.99) <= bound && peakRSS < 1024,
	})
	// The queue the overload left, at most the budget's worth, drains
	// first: normal means normal once it has.
	drained := summarize(sentAfter(parts[2], limit.DefaultWait), 200)
	record(t, row{
		trial:    fmt.Sprintf("right after: %d req/s, on the same connections", low),
		requests: after.n, errors: after.n - after.count(200),
		expected: fmt.Sprintf("once the queue the overload left has drained (requests sent %s after the drop or later): no errors, p99 ≤ 3× unloaded (%s)", ms(limit.DefaultWait), ms(3*p99)),
		measured: fmt.Sprintf("all: %s, p99 %s; once drained: %s, p99 %s", after.codes(), ms(after.p(0.99)), drained.codes(), ms(drained.p(0.99))),
		held:     drained.n > 0 && drained.n == drained.count(200) && drained.p(0.99) <= 3*p99,
	})
}

// sentAfter returns the results of requests sent d or more after the
// first of rs was.
func sentAfter(rs []vegeta.Result, d time.Duration) []vegeta.Result {
	first, _ := sendSpan(rs)
	var out []vegeta.Result
	for _, r := range rs {
		if !r.Timestamp.Before(first.Add(d)) {
			out = append(out, r)
		}
	}
	return out
}

// sentRate is the rate of requests sent, over the span of their sends: not
// the wait for the last answers.
func sentRate(rs []vegeta.Result, rate int) float64 {
	if len(rs) == 0 {
		return 0
	}
	first, last := sendSpan(rs)
	return float64(len(rs)) / (last.Sub(first) + time.Second/time.Duration(rate)).Seconds()
}

// percent is a share as a percentage; "?" if it is not known (< 0).
func percent(share float64) string {
	if share < 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f%%", 100*share)
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

// timeline is a table of an attack's results by when they were sent: a
// quarter of a second at a time for the first two seconds, where a change
// of load shows, then a second at a time.
func timeline(rs []vegeta.Result) string {
	var b strings.Builder
	b.WriteString("| from (s) | sent | 200 | 503 | other | p50 of the 200s | p99 of the 200s | p99 of the 503s |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	if len(rs) == 0 {
		return b.String()
	}
	first := slices.MinFunc(rs, func(a, b vegeta.Result) int { return a.Timestamp.Compare(b.Timestamp) }).Timestamp
	window := func(d time.Duration) (int, time.Duration) {
		if d < 2*time.Second {
			return int(d / (time.Second / 4)), time.Duration(d/(time.Second/4)) * time.Second / 4
		}
		return 8 + int((d-2*time.Second)/time.Second), d.Truncate(time.Second)
	}
	var windows [][]vegeta.Result
	var starts []time.Duration
	for _, r := range rs {
		i, from := window(r.Timestamp.Sub(first))
		for len(windows) <= i {
			windows, starts = append(windows, nil), append(starts, 0)
		}
		windows[i], starts[i] = append(windows[i], r), from
	}
	for i, w := range windows {
		if len(w) == 0 {
			continue
		}
		ok, shed := summarize(w, 200), summarize(w, 503)
		fmt.Fprintf(&b, "| %.2f | %d | %d | %d | %d | %s | %s | %s |\n", starts[i].Seconds(), len(w), ok.count(200), ok.count(503),
			len(w)-ok.count(200, 503), ok.quantile(0.5), ok.quantile(0.99), shed.quantile(0.99))
	}
	return b.String()
}

// quantile is the q-quantile of the latencies as ms gives it, or "–" if
// there are none.
func (s summary) quantile(q float64) string {
	if len(s.latency) == 0 {
		return "–"
	}
	return ms(s.p(q))
}

// cpuShare watches how busy the cores in cpus (as taskset takes them: "0",
// "0,2", "1-3") are, from /proc/stat; between returns the busy share of
// their time from one time to another, to within the sampling interval (-1
// if it cannot tell).
type cpuShare struct {
	cores map[string]bool // "cpu0", …
	mu    sync.Mutex
	marks []cpuMark
	done  chan struct{}
}

type cpuMark struct {
	at          time.Time
	busy, total uint64
}

func watchCPUs(cpus string) *cpuShare {
	c := &cpuShare{cores: map[string]bool{}, done: make(chan struct{})}
	for _, part := range strings.Split(cpus, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, errA := strconv.Atoi(lo)
		b, errB := a, error(nil)
		if isRange {
			b, errB = strconv.Atoi(hi)
		}
		if errA != nil || errB != nil || b < a {
			clear(c.cores) // not cores taskset would take: between says it cannot tell
			return c
		}
		for i := a; i <= b; i++ {
			c.cores[fmt.Sprintf("cpu%d", i)] = true
		}
	}
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			c.mark()
			select {
			case <-c.done:
				return
			case <-tick.C:
			}
		}
	}()
	return c
}

// mark notes the cores' busy and total time so far: busy is user, nice,
// system, irq and softirq; the total adds idle, iowait and steal. (Guest
// time is already in user.)
func (c *cpuShare) mark() {
	b, err := os.ReadFile("/proc/stat")
	if err != nil || len(c.cores) == 0 {
		return
	}
	m := cpuMark{at: time.Now()}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 9 || !c.cores[f[0]] {
			continue
		}
		for i, v := range f[1:9] {
			n, _ := strconv.ParseUint(v, 10, 64)
			m.total += n
			if i != 3 && i != 4 && i != 7 { // idle, iowait, steal
				m.busy += n
			}
		}
	}
	c.mu.Lock()
	c.marks = append(c.marks, m)
	c.mu.Unlock()
}

func (c *cpuShare) stop() { close(c.done) }

func (c *cpuShare) between(from, to time.Time) float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := slices.IndexFunc(c.marks, func(m cpuMark) bool { return !m.at.Before(from) })
	j := len(c.marks) - 1
	for j >= 0 && c.marks[j].at.After(to) {
		j--
	}
	if i < 0 || j <= i {
		return -1
	}
	a, b := c.marks[i], c.marks[j]
	if b.total <= a.total || b.busy < a.busy || b.busy-a.busy > b.total-a.total {
		return -1 // counters that went back: no share to tell
	}
	return float64(b.busy-a.busy) / float64(b.total-a.total)
}

// sendSpan is when the first and the last of rs were sent.
func sendSpan(rs []vegeta.Result) (first, last time.Time) {
	byTime := func(a, b vegeta.Result) int { return a.Timestamp.Compare(b.Timestamp) }
	return slices.MinFunc(rs, byTime).Timestamp, slices.MaxFunc(rs, byTime).Timestamp
}

// TestTimeline checks the overload trial's report helpers: the windows of
// the timeline, the cores that watchCPUs reads, and the busy share between
// two times.
func TestTimeline(t *testing.T) {
	at := time.Unix(1000, 0)
	var rs []vegeta.Result
	// Out of order, as workers hand results over.
	for _, r := range []struct {
		after time.Duration
		code  uint16
	}{
		{3500 * time.Millisecond, 200}, {0, 200}, {240 * time.Millisecond, 503}, {300 * time.Millisecond, 200},
		{1999 * time.Millisecond, 503}, {2 * time.Second, 0}, {2999 * time.Millisecond, 200},
	} {
		rs = append(rs, vegeta.Result{Timestamp: at.Add(r.after), Code: r.code, Latency: time.Millisecond})
	}
	got := strings.Split(strings.TrimSpace(timeline(rs)), "\n")[2:]
	want := []string{
		"| 0.00 | 2 | 1 | 1 | 0 | 1.00 ms | 1.00 ms | 1.00 ms |",
		"| 0.25 | 1 | 1 | 0 | 0 | 1.00 ms | 1.00 ms | – |",
		"| 1.75 | 1 | 0 | 1 | 0 | – | – | 1.00 ms |",
		"| 2.00 | 2 | 1 | 0 | 1 | 1.00 ms | 1.00 ms | – |",
		"| 3.00 | 1 | 1 | 0 | 0 | 1.00 ms | 1.00 ms | – |",
	}
	if !slices.Equal(got, want) {
		t.Errorf("timeline rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	for cpus, want := range map[string][]string{
		"0": {"cpu0"}, "0,2": {"cpu0", "cpu2"}, "1-3": {"cpu1", "cpu2", "cpu3"}, "0, 1": {"cpu0", "cpu1"},
		"": nil, "x": nil, "0,x": nil, "3-1": nil,
	} {
		c := watchCPUs(cpus)
		c.stop()
		var got []string
		for core := range c.cores {
			got = append(got, core)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("watchCPUs(%q) reads %v, want %v", cpus, got, want)
		}
	}

	ms := func(n int) time.Time { return at.Add(time.Duration(n) * time.Millisecond) }
	c := &cpuShare{marks: []cpuMark{{ms(0), 0, 0}, {ms(100), 50, 100}, {ms(200), 150, 200}, {ms(300), 150, 300}}}
	for _, tc := range []struct {
		from, to time.Time
		want     float64
	}{
		{ms(0), ms(200), 0.75},
		{ms(50), ms(300), 0.5},  // from the first mark after from
		{ms(0), ms(250), 0.75},  // to the last mark before to
		{ms(0), ms(5000), 0.5},  // past the last mark: up to it
		{ms(150), ms(250), -1},  // no two marks between
		{ms(-100), ms(-50), -1}, // before every mark
		{ms(400), ms(500), -1},  // after every mark
	} {
		if got := c.between(tc.from, tc.to); got != tc.want {
			t.Errorf("between(%v, %v) = %v, want %v", tc.from.Sub(at), tc.to.Sub(at), got, tc.want)
		}
	}
	back := &cpuShare{marks: []cpuMark{{ms(0), 50, 100}, {ms(100), 60, 90}}}
	if got := back.between(ms(0), ms(100)); got != -1 {
		t.Errorf("between over a total that went back = %v, want -1", got)
	}
}
