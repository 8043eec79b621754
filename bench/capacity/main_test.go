package main

import (
	"math"
	"testing"
	"time"
)

func TestErlangC(t *testing.T) {
	for _, tc := range []struct {
		c    int
		a    float64
		want float64
	}{
		{1, 0.5, 0.5}, // M/M/1: an arrival waits with probability rho
		{1, 0.9, 0.9},
		{2, 1, 1.0 / 3}, // by hand: B = 1/5, C = B / (1 - rho(1-B))
		{16, 8, 0.0090}, // the closed form: (a^c/c! c/(c-a)) / (sum_{k<c} a^k/k! + that)
	} {
		if got := erlangC(tc.c, tc.a); math.Abs(got-tc.want) > 1e-3 {
			t.Errorf("erlangC(%d, %v) = %.4f, want %.4f", tc.c, tc.a, got, tc.want)
		}
	}
}

func TestWaitP99(t *testing.T) {
	// M/M/1 at rho 0.5, service 1 ms: P(W > t) = 0.5 e^{-500 t}.
	want := math.Log(50) / 500
	if got := waitP99(1, 1e-3, 0.5); math.Abs(got-want) > 1e-9 {
		t.Errorf("waitP99 = %v, want %v", got, want)
	}
	if got := waitP99(16, 1e-3, 0.3); got != 0 {
		t.Errorf("16 cores at 30%%: p99 wait %v, want 0 (fewer than 1%% wait)", got)
	}
}

func TestUtilizationCap(t *testing.T) {
	t.Run("Headroom", func(t *testing.T) {
		if got := utilizationCap(16, 20, 10*time.Millisecond, 1, 0.6); got != 0.6 {
			t.Errorf("got %v, want the headroom 0.6", got)
		}
	})
	t.Run("Budget", func(t *testing.T) {
		// M/M/1, 1 ms service, 10 ms of slack: P(W > 10ms) = rho e^{-(1-rho) 10} = 0.01.
		got := utilizationCap(1, 1000, 11*time.Millisecond, 1, 0.99)
		if w := waitP99(1, 1e-3, got); got <= 0 || got >= 0.99 || math.Abs(w-0.010) > 1e-4 {
			t.Errorf("got %v (p99 wait %v), want the rho whose p99 wait is 10 ms", got, w)
		}
	})
	t.Run("AloneOverBudget", func(t *testing.T) {
		if got := utilizationCap(16, 20, time.Millisecond, 1.5, 0.6); got != 0 {
			t.Errorf("got %v, want 0", got)
		}
	})
}

func TestTierCosts(t *testing.T) {
	const request, fetch = 10.0, 40.0 // µs
	mk := func(requests, fetches float64) run {
		r := run{CPU: map[string]float64{"tier": (requests*request + fetches*fetch) / 1e6},
			Counters: map[string]float64{"MAIN.backend_req": fetches}}
		r.Wrk.OK = int(requests)
		return r
	}
	rq, f, err := tierCosts(mk(100_000, 10_000), mk(100_000, 95_000))
	if err != nil || math.Abs(rq-request) > 1e-6 || math.Abs(f-fetch) > 1e-6 {
		t.Errorf("got %v, %v, %v; want %v, %v", rq, f, err, request, fetch)
	}
	if _, _, err := tierCosts(mk(100_000, 10_000), mk(100_000, 15_000)); err == nil {
		t.Error("fetch shares 0.10 and 0.15: want an error")
	}
}

func TestPlan(t *testing.T) {
	m := measured{TierRequestMicros: 10, TierFetchMicros: 40, InstanceMissMicros: 200, NotModifiedMicros: 20,
		PGStoreMicros: 100, PGReadsPerMiss: 1, RedisMicros: 5, RedisCallsPerMiss: 2, GzipBytes: 700, TierP99: 0.1, PGMissP99: 1}
	a := defaultAssumptions()
	a.HotObjects = 60_000 // 1,000 revalidations a second per tier node
	p := m.plan(a, 1_000_000, 0.99, 20*time.Millisecond)
	// Tier: 1,000,000 requests x 10 µs + (10,000 misses + 1,000 x nodes)
	// x 40 µs at 16 cores x 0.6 = 9.6 s of CPU a second per node: 2
	// nodes, and a spare; the 3 revalidate 3,000 a second.
	// Instances: 10,000 x 200 µs + 3,000 x 20 µs = 2.06 s: 1, and a spare.
	// Replicas: 10,000 x 100 µs = 1 s: 1, and a spare.
	// Redis: 10,000 x 5 µs = 0.05 s: 1.
	if !p.Feasible || p.TierNodes != 3 || p.Revalidations != 3000 || p.Instances != 2 || p.Replicas != 2 || p.RedisShards != 1 {
		t.Errorf("got %+v", p)
	}
	if p := m.plan(a, 1_000_000, 0.99, time.Millisecond); p.Feasible {
		t.Errorf("a 1 ms budget with a 1 ms miss alone: got a feasible plan %+v", p)
	}
}
