// Command capacity turns what bench/capacity.sh measures into
// docs/capacity.md: the cost of each kind of answer here, and how many
// Varnish nodes, catalog instances, PostgreSQL replicas and Redis shards
// serve 100,000 and 1,000,000 requests a second at given tier hit ratios
// and p99 budgets.
//
//	bash bench/capacity.sh                      # writes RESULTS/runs.jsonl
//	cp RESULTS/runs.jsonl RESULTS/settings.txt docs/capacity/
//	go run ./bench/capacity docs/capacity/runs.jsonl > docs/capacity.md
//
// The measured figures come only from the runs; what the model assumes
// (node sizes, headroom, the hot set, max-age) are flags, printed in the
// document beside the figures.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("capacity: ")
	a := defaultAssumptions()
	fs := flag.NewFlagSet("capacity", flag.ExitOnError)
	fs.IntVar(&a.Cores, "cores", a.Cores, "cores of each tier node, instance and replica")
	fs.Float64Var(&a.Headroom, "headroom", a.Headroom, "the most of a node's CPU the plan uses (the rest absorbs bursts and GC)")
	fs.Float64Var(&a.NICGbits, "nic-gbits", a.NICGbits, "each tier node's network, Gbit/s")
	fs.IntVar(&a.HotObjects, "hot-objects", a.HotObjects, "responses asked for at least once per max-age, which each tier node revalidates once per max-age")
	fs.DurationVar(&a.MaxAge, "max-age", a.MaxAge, "the catalog's max-age (catalog serve --max-age)")
	fs.Parse(os.Args[1:])
	if fs.NArg() != 1 {
		log.Fatal("usage: capacity [flags] RUNS.jsonl")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	runs, err := readRuns(f)
	if err != nil {
		log.Fatal(err)
	}
	m, err := measure(runs)
	if err != nil {
		log.Fatal(err)
	}
	write(os.Stdout, fs.Arg(0), m, a)
}

// run is one line of runs.jsonl: a wrk run, or the mean bytes of a route.
type run struct {
	Name string `json:"run"`
	Wrk  struct {
		Requests int            `json:"requests"`
		OK       int            `json:"ok"`
		Seconds  float64        `json:"seconds"`
		OKRPS    float64        `json:"ok_rps"`
		P99      float64        `json:"p99_ms"`
		Status   map[string]int `json:"status"`
		Bytes    float64        `json:"bytes"`
		Socket   int            `json:"socket_errors"`
	} `json:"wrk"`
	CPU      map[string]float64 `json:"cpu_seconds"`
	Counters map[string]float64 `json:"counters"`

	Route    string  `json:"route"`
	Encoding string  `json:"encoding"`
	Mean     float64 `json:"mean"`
}

// answers is what the run's CPU is divided by: its 2xx, or for a run of
// conditional requests its 304s.
func (r run) answers() float64 {
	if n := r.Wrk.Status["304"]; n > 0 {
		return float64(n)
	}
	return float64(r.Wrk.OK)
}

// micros is a group's CPU per answer, in microseconds.
func (r run) micros(group string) float64 { return r.CPU[group] / r.answers() * 1e6 }

// counter sums the run's counters whose names start with prefix.
func (r run) counter(prefix string) float64 {
	var n float64
	for k, v := range r.Counters {
		if strings.HasPrefix(k, prefix) {
			n += v
		}
	}
	return n
}

func readRuns(r io.Reader) (map[string]run, error) {
	runs := map[string]run{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var x run
		if err := json.Unmarshal(sc.Bytes(), &x); err != nil {
			return nil, fmt.Errorf("a line of the runs: %w", err)
		}
		if x.Name == "bytes" {
			x.Name += " " + x.Route + " " + x.Encoding
		}
		runs[x.Name] = x
	}
	return runs, sc.Err()
}

// measured are the figures the model takes from the runs.
type measured struct {
	runs map[string]run

	CeilingRPS, CeilingMicros float64

	HitMicros, GzipHitMicros, BrHitMicros, NotModifiedMicros float64
	SQLiteMissMicros                                         float64
	PGMissMicros, PGStoreMicros, PGReadsPerMiss              float64
	// RedisMicros is Redis's CPU per miss through it: its GET and its SET.
	RedisMissMicros, RedisMicros, RedisCallsPerMiss float64
	// TierRequestMicros is Varnish's CPU for any request, and
	// TierFetchMicros what a backend fetch adds to it.
	TierRequestMicros, TierFetchMicros float64
	// InstanceMissMicros is an instance's CPU for a request that misses
	// every cache and reads PostgreSQL: the PostgreSQL miss, and what
	// asking Redis first and storing in it after adds (the Redis run's
	// instance CPU less the SQLite miss's, both on SQLite).
	InstanceMissMicros float64
	// GzipBytes is the mean response, headers included, of the hot mix
	// with gzip, as the tier's clients are sent it.
	GzipBytes float64
	// P99 alone (one connection), ms.
	TierP99, NotModifiedP99, PGMissP99 float64
}

func measure(runs map[string]run) (measured, error) {
	want := []string{"ceiling", "hit", "hit-gzip", "hit-br", "not-modified", "not-modified-alone", "sqlite-miss",
		"pg-miss", "pg-miss-alone", "redis-miss", "tier-hot", "tier-cold", "tier-alone"}
	for _, name := range want {
		r, ok := runs[name]
		if !ok {
			return measured{}, fmt.Errorf("no run %q in the runs", name)
		}
		if r.answers() == 0 || r.Wrk.Socket > 0 {
			return measured{}, fmt.Errorf("run %q: %d answers counted, %d socket errors", name, int(r.answers()), r.Wrk.Socket)
		}
	}
	m := measured{runs: runs}
	m.CeilingRPS = runs["ceiling"].Wrk.OKRPS
	m.CeilingMicros = runs["ceiling"].micros("ceiling")
	m.HitMicros = runs["hit"].micros("serve")
	m.GzipHitMicros = runs["hit-gzip"].micros("serve")
	m.BrHitMicros = runs["hit-br"].micros("serve")
	m.NotModifiedMicros = runs["not-modified"].micros("serve")
	m.SQLiteMissMicros = runs["sqlite-miss"].micros("serve")
	pg := runs["pg-miss"]
	m.PGMissMicros = pg.micros("serve")
	m.PGStoreMicros = pg.micros("store")
	m.PGReadsPerMiss = pg.counter("catalog_store_pool_reads_total") / pg.answers()
	rd := runs["redis-miss"]
	m.RedisMissMicros = rd.micros("serve")
	m.RedisMicros = rd.micros("redis")
	if m.RedisCallsPerMiss = rd.counter("catalog_remote_cache_requests_total") / rd.answers(); m.RedisCallsPerMiss == 0 {
		return measured{}, errors.New("run redis-miss: no calls to Redis counted")
	}
	m.InstanceMissMicros = m.PGMissMicros + math.Max(0, m.RedisMissMicros-m.SQLiteMissMicros)
	var err error
	if m.TierRequestMicros, m.TierFetchMicros, err = tierCosts(runs["tier-hot"], runs["tier-cold"]); err != nil {
		return measured{}, err
	}
	g := runs["hit-gzip"].Wrk
	m.GzipBytes = g.Bytes / float64(g.Requests)
	m.TierP99 = runs["tier-alone"].Wrk.P99
	m.NotModifiedP99 = runs["not-modified-alone"].Wrk.P99
	m.PGMissP99 = runs["pg-miss-alone"].Wrk.P99
	return m, nil
}

// missP99 is the p99 alone of a miss's path: through the tier, then an
// instance that reads PostgreSQL (Redis's round trip was not timed alone).
func (m measured) missP99() float64 { return m.TierP99 + m.PGMissP99 }

// tierCosts separates Varnish's CPU per request from its CPU per backend
// fetch (a miss, or a revalidation): two runs with different shares of
// fetches give two equations, cpu = requests*request + fetches*fetch.
func tierCosts(hot, cold run) (request, fetch float64, err error) {
	n1, f1 := hot.answers(), hot.Counters["MAIN.backend_req"]
	n2, f2 := cold.answers(), cold.Counters["MAIN.backend_req"]
	if f2/n2 < f1/n1+0.2 {
		return 0, 0, fmt.Errorf("tier runs: fetch shares %.2f (hot) and %.2f (cold) too close to tell a request's cost from a fetch's", f1/n1, f2/n2)
	}
	det := n1*f2 - n2*f1
	c1, c2 := hot.CPU["tier"], cold.CPU["tier"]
	request = (c1*f2 - c2*f1) / det * 1e6
	fetch = (n1*c2 - n2*c1) / det * 1e6
	if request <= 0 || fetch <= 0 {
		return 0, 0, fmt.Errorf("tier runs: no positive costs fit them (request %.1f us, fetch %.1f us)", request, fetch)
	}
	return request, fetch, nil
}

// assumptions are what the model takes as given rather than measured.
type assumptions struct {
	Cores      int
	Headroom   float64
	NICGbits   float64
	HotObjects int
	MaxAge     time.Duration
	Rates      []float64
	HitRatios  []float64
	Budgets    []time.Duration
}

func defaultAssumptions() assumptions {
	return assumptions{
		Cores:    16,
		Headroom: 0.6,
		NICGbits: 10,
		// The classic test's hot set: the last tenth of 1,000,011 products,
		// each with its product, styles and related bodies, and their pages
		// of five.
		HotObjects: 100_001*3 + 20_001,
		MaxAge:     time.Minute,
		Rates:      []float64{100_000, 1_000_000},
		HitRatios:  []float64{0.90, 0.99},
		Budgets:    []time.Duration{time.Millisecond, 10 * time.Millisecond},
	}
}

// plan is what serves one rate at one tier hit ratio and p99 budget.
type plan struct {
	Rate, HitRatio              float64
	Budget                      time.Duration
	TierNodes, Instances        int
	Replicas, RedisShards       int
	Misses, Revalidations       float64 // per second, reaching the instances
	TierGbits                   float64 // leaving the tier, in all
	Feasible                    bool
	TierCap, InstanceCap, StCap float64 // the utilization each kind is planned to
}

// plan sizes each kind of node from the CPU its share of the load costs,
// at the utilization its p99 budget and the headroom allow.
func (m measured) plan(a assumptions, rate, hitRatio float64, budget time.Duration) plan {
	p := plan{Rate: rate, HitRatio: hitRatio, Budget: budget, Feasible: true}
	c := float64(a.Cores)
	p.Misses = rate * (1 - hitRatio)
	p.TierCap = utilizationCap(a.Cores, m.TierRequestMicros, budget, m.TierP99, a.Headroom)
	p.InstanceCap = utilizationCap(a.Cores, m.InstanceMissMicros, budget, m.missP99(), a.Headroom)
	p.StCap = utilizationCap(a.Cores, m.PGStoreMicros/m.PGReadsPerMiss, budget, m.missP99(), a.Headroom)
	if p.TierCap == 0 || p.InstanceCap == 0 || p.StCap == 0 {
		p.Feasible = false
		return p
	}
	// Each tier node revalidates the hot objects once per max-age, so the
	// revalidations grow with the nodes; a few rounds settle it. Each kind
	// but Redis gets a spare node on top of what its load needs, so that
	// losing one leaves enough (a lost Redis shard's keys are misses until
	// it is back).
	revalidations := func(tierNodes int) float64 {
		return float64(tierNodes) * math.Min(float64(a.HotObjects)/a.MaxAge.Seconds(), rate*hitRatio/float64(tierNodes))
	}
	p.TierGbits = rate * m.GzipBytes * 8 / 1e9
	need := 1
	for range 10 {
		cpu := rate*m.TierRequestMicros + (p.Misses+revalidations(need))*m.TierFetchMicros
		need = max(nodes(cpu, c*p.TierCap), int(math.Ceil(p.TierGbits/(a.NICGbits*a.Headroom))))
	}
	p.TierNodes = need + 1
	p.Revalidations = revalidations(p.TierNodes)
	// A miss is cold everywhere: Redis asked and filled, PostgreSQL read.
	// A revalidation is a 304 from an instance's cache.
	p.Instances = nodes(p.Misses*m.InstanceMissMicros+p.Revalidations*m.NotModifiedMicros, c*p.InstanceCap) + 1
	p.Replicas = nodes(p.Misses*m.PGStoreMicros, c*p.StCap) + 1
	p.RedisShards = nodes(p.Misses*m.RedisMicros, utilizationCap(1, m.RedisMicros, budget, 0, a.Headroom))
	return p
}

// nodes is how many nodes of capacity micros-per-second-per-node serve
// cpu microseconds a second (at least one).
func nodes(cpu, capacity float64) int {
	return max(1, int(math.Ceil(cpu/(capacity*1e6))))
}

// utilizationCap is the highest utilization of a node of c cores, serving
// requests of mean CPU micros, at which a request whose p99 alone is
// aloneMs still meets budget once it has queued (M/M/c: Poisson arrivals,
// exponential service), and never above headroom; 0 if none does.
func utilizationCap(c int, micros float64, budget time.Duration, aloneMs, headroom float64) float64 {
	slack := budget.Seconds() - aloneMs/1e3
	if slack <= 0 {
		return 0
	}
	lo, hi := 0.0, headroom
	if waitP99(c, micros/1e6, hi) <= slack {
		return hi
	}
	for range 50 {
		mid := (lo + hi) / 2
		if waitP99(c, micros/1e6, mid) <= slack {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// waitP99 is the 99th percentile of the wait in an M/M/c queue of mean
// service time s seconds at utilization rho: P(W > t) = C(c, a) e^{-(cμ-λ)t}.
func waitP99(c int, s, rho float64) float64 {
	a := rho * float64(c) // offered load, in servers
	pWait := erlangC(c, a)
	if pWait <= 0.01 {
		return 0
	}
	return math.Log(pWait/0.01) / (float64(c)/s - a/s)
}

// erlangC is the probability that an arrival waits in an M/M/c queue of
// offered load a (< c), by the Erlang B recursion.
func erlangC(c int, a float64) float64 {
	b := 1.0
	for k := 1; k <= c; k++ {
		b = a * b / (float64(k) + a*b)
	}
	rho := a / float64(c)
	return b / (1 - rho*(1-b))
}

func write(w io.Writer, source string, m measured, a assumptions) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("# Capacity: from what one machine measures to 100,000 and 1,000,000 requests a second\n\n")
	p("Made by `go run ./bench/capacity %s > docs/capacity.md` from the runs of `bash bench/capacity.sh`; redo both when the code or the machine changes. The settings of the runs are in `settings.txt` beside them:\n\n", source)
	p("```\n%s```\n\n", settings(source))
	p("## What one answer costs\n\n")
	p("CPU is the process's (or processes') utime + stime over a run, divided by its 2xx answers (the 304 run's by its 304s); wrk `-t2 -c64` with `bench/mix.lua`, the classic mix. `bench/ceiling`, the fixed-body server, is in the first row for scale.\n\n")
	p("| answer | whose CPU | CPU per answer | answers/s in the run (2xx; for the 304, its 304s) | p99 alone (one connection) |\n|---|---|---:|---:|---:|\n")
	row := func(label, name, group, who string) {
		r := m.runs[name]
		alone := "-"
		if x, ok := m.runs[name+"-alone"]; ok {
			alone = fmt.Sprintf("%.2f ms", x.Wrk.P99)
		}
		rps := r.Wrk.OKRPS
		if n := r.Wrk.Status["304"]; n > 0 {
			rps = float64(n) / r.Wrk.Seconds
		}
		p("| %s | %s | %.1f µs | %s | %s |\n", label, who, r.micros(group), thousands(rps), alone)
	}
	row("bench/ceiling", "ceiling", "ceiling", "the ceiling")
	row("instance: cache hit, identity", "hit", "serve", "catalog serve")
	row("instance: cache hit, gzip", "hit-gzip", "serve", "catalog serve")
	row("instance: cache hit, br", "hit-br", "serve", "catalog serve")
	row("instance: 304 (one path)", "not-modified", "serve", "catalog serve")
	row("instance: miss, SQLite (its reads in process)", "sqlite-miss", "serve", "catalog serve")
	row("instance: miss, PostgreSQL", "pg-miss", "serve", "catalog serve")
	row("the same misses' reads", "pg-miss", "store", "PostgreSQL (every backend)")
	row("instance: miss through Redis, SQLite", "redis-miss", "serve", "catalog serve")
	row("the same misses' Redis GET and SET", "redis-miss", "redis", "Redis")
	p("| Varnish: a request (gzip) | varnishd | %.1f µs | | %.2f ms (hot set) |\n", m.TierRequestMicros, m.TierP99)
	p("| Varnish: what a backend fetch adds | varnishd | %.1f µs | | |\n\n", m.TierFetchMicros)
	p("- A PostgreSQL miss makes %.2f store reads (`catalog_store_pool_reads_total`), %.1f µs of PostgreSQL's CPU each.\n", m.PGReadsPerMiss, m.PGStoreMicros/m.PGReadsPerMiss)
	hot, cold := m.runs["tier-hot"], m.runs["tier-cold"]
	p("- Varnish's cost of a request and of a fetch are solved from two runs through it: the hot set warm (%.1f%% of requests fetched, %.1f µs of Varnish CPU an answer) and ids over the whole catalog (%.1f%% fetched, %.1f µs).\n",
		100*fetchShare(hot), hot.micros("tier"), 100*fetchShare(cold), cold.micros("tier"))
	p("- An instance's cold miss on PostgreSQL with Redis, as the model charges it: %.1f µs (the PostgreSQL miss, plus what Redis added to the SQLite miss).\n", m.InstanceMissMicros)
	p("- On 2 cores shared by the load, the instance and Varnish, most of a Varnish fetch's cost is the kernel's (a fetch hands the request from a client thread to a backend thread and back); on a node of its own it is likely less, so the tier nodes below are an upper bound.\n\n")

	p("## Bytes per route\n\nThe mean body of 51 products of the hot set per route (a page of five at each one's page), as sent:\n\n")
	p("| route | identity | gzip | br |\n|---|---:|---:|---:|\n")
	for _, route := range []string{"product", "styles", "related", "list"} {
		p("| %s | %s | %s | %s |\n", route, thousands(m.runs["bytes "+route+" identity"].Mean),
			thousands(m.runs["bytes "+route+" gzip"].Mean), thousands(m.runs["bytes "+route+" br"].Mean))
	}
	p("\nThe hot mix with gzip, headers included, averages %s bytes a response.\n\n", thousands(m.GzipBytes))

	p("## The model\n\n")
	p("Requests reach a tier of Varnish nodes; a share of them (the tier hit ratio) is answered there. The rest are misses, and the model takes each as cold everywhere: the instance asks Redis, reads PostgreSQL (a replica), and stores the body in Redis. Each tier node also revalidates each of the hot objects once per max-age; an instance answers that with a 304 from its cache.\n\n")
	p("Assumed, not measured (the defaults of `bench/capacity`, which flags change):\n\n")
	p("- every node has %d cores, each like one of this machine's, and a process's CPU per answer stays what it was here on 2 shared cores; a Redis shard is one core;\n", a.Cores)
	p("- each kind of node but Redis has one spare beyond what its load needs, so that losing one leaves enough; a lost Redis shard's keys are misses until it is back;\n")
	p("- no node is planned past %.0f%% of its CPU (headroom for bursts and GC), nor past the utilization at which queueing (M/M/c) would push a request whose p99 alone was measured above past the budget;\n", 100*a.Headroom)
	p("- %s hot objects, revalidated once per max-age of %s by every tier node;\n", thousands(float64(a.HotObjects)), a.MaxAge)
	p("- a tier node's network is %.0f Gbit/s, used to the same headroom.\n\n", a.NICGbits)
	p("| req/s | tier hit ratio | p99 budget | tier nodes | instances | PostgreSQL replicas | Redis shards | misses/s | revalidations/s | Gbit/s out of the tier |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, rate := range a.Rates {
		for _, h := range a.HitRatios {
			for _, b := range a.Budgets {
				pl := m.plan(a, rate, h, b)
				if !pl.Feasible {
					p("| %s | %.0f%% | %s | cannot meet the budget: a miss's p99 alone is %.2f ms | | | | | | |\n", thousands(rate), 100*h, b, m.missP99())
					continue
				}
				p("| %s | %.0f%% | %s | %d | %d | %d | %d | %s | %s | %.1f |\n", thousands(rate), 100*h, b, pl.TierNodes, pl.Instances,
					pl.Replicas, pl.RedisShards, thousands(pl.Misses), thousands(pl.Revalidations), pl.TierGbits)
			}
		}
	}
	p("\nWhat the table says, read from its own figures:\n\n")
	for _, line := range readings(m, a) {
		p("- %s\n", line)
	}
}

// readings are the conclusions the figures support, worked out from them.
func readings(m measured, a assumptions) []string {
	big := m.plan(a, a.Rates[len(a.Rates)-1], a.HitRatios[0], a.Budgets[len(a.Budgets)-1])
	best := m.plan(a, a.Rates[len(a.Rates)-1], a.HitRatios[len(a.HitRatios)-1], a.Budgets[len(a.Budgets)-1])
	tight := a.Budgets[0]
	budget := fmt.Sprintf("At %.0f%% of %d cores, %.2f%% of requests queue at all (M/M/c), so a budget binds through a path's own p99 rather than through queueing: ", 100*a.Headroom, a.Cores, 100*erlangC(a.Cores, a.Headroom*float64(a.Cores)))
	miss := fmt.Sprintf("a miss passes the tier (%.2f ms at p99 alone) and an instance that reads PostgreSQL (%.2f ms), %.2f ms before Redis's round trip, which was not timed alone", m.TierP99, m.PGMissP99, m.missP99())
	if m.missP99() > tight.Seconds()*1e3 {
		budget += miss + fmt.Sprintf(", so no plan meets %s for every request.", tight)
	} else {
		budget += miss + fmt.Sprintf(": within %s.", tight)
	}
	return []string{
		budget,
		fmt.Sprintf("A request costs Varnish %.1f µs of CPU and a fetch %.1f µs more, where an instance's cache hit with gzip costs %.1f µs.", m.TierRequestMicros, m.TierFetchMicros, m.GzipHitMicros),
		fmt.Sprintf("At %s req/s, going from a %.0f%% to a %.0f%% tier hit ratio takes the instances from %d to %d and the replicas from %d to %d.",
			thousands(big.Rate), 100*big.HitRatio, 100*best.HitRatio, big.Instances, best.Instances, big.Replicas, best.Replicas),
		fmt.Sprintf("Revalidations do not fall with the hit ratio: each tier node asks for %s a second (%s hot objects per %s), each a %.1f µs 304 on an instance. A longer max-age or fewer, larger tier nodes lowers them.",
			thousands(math.Min(float64(a.HotObjects)/a.MaxAge.Seconds(), big.Rate)), thousands(float64(a.HotObjects)), a.MaxAge, m.NotModifiedMicros),
	}
}

func fetchShare(r run) float64 { return r.Counters["MAIN.backend_req"] / r.answers() }

// settings is the settings.txt beside the runs, or a line saying it is missing.
func settings(runsPath string) string {
	dir := runsPath[:strings.LastIndexByte(runsPath, '/')+1]
	b, err := os.ReadFile(dir + "settings.txt")
	if err != nil {
		return "(no settings.txt beside the runs)\n"
	}
	return string(b)
}

// thousands formats x rounded, with thousands separated by commas.
func thousands(x float64) string { return humanize.Comma(int64(math.Round(x))) }
