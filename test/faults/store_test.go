//go:build faults

package faults_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"catalog/internal/pgtest"
	"catalog/internal/redistest"
)

// TestPostgresStopped stops PostgreSQL in the middle of a steady load:
// cached products are still served, the rest fail fast with 503, nothing
// piles up, and the service recovers by itself once the database is back.
func TestPostgresStopped(t *testing.T) {
	const products, cached = 2000, 200
	c := pgtest.StartCluster(t)
	pinPostgres(t, c)
	url := c.URL("postgres")
	run(t, "load", "--db", url, generated(t, products))
	s := startServe(t, "--db", url, "--cache-mb", "64")
	for id := int64(1); id <= cached; id++ {
		resp, err := http.Get(s.base + productPath(id))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("warm product %d: %v %v", id, resp, err)
		}
		resp.Body.Close()
	}
	// Half the requests are for cached products, half for the others up
	// to probe; ids past probe are never asked for by the load, so the
	// first of them to answer after the restart measures the recovery
	// from the database, not from the cache.
	const probe = 1900
	hot, cold := uniform(s.base, 1, cached, productPath), uniform(s.base, cached+1, probe, productPath)
	var n atomic.Uint64
	tr := func(tgt *vegeta.Target) error {
		if n.Add(1)%2 == 0 {
			return hot(tgt)
		}
		return cold(tgt)
	}
	const rate, duration = 400, 20 * time.Second
	stopAt, outageFor := 5*time.Second, 6*time.Second
	var stopping, restarted, recovered time.Time
	faults := make(chan error, 1)
	go func() {
		defer close(faults)
		time.Sleep(stopAt)
		stopping = time.Now()
		if err := c.TryStop(); err != nil {
			faults <- err
			return
		}
		time.Sleep(outageFor)
		if err := c.TryStart(); err != nil {
			faults <- err
			return
		}
		restarted = time.Now()
		if err := pin(c); err != nil {
			faults <- err
			return
		}
		// A product never asked for before, until it answers.
		for time.Since(restarted) < 10*time.Second {
			resp, err := http.Get(s.base + productPath(probe+1))
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					recovered = time.Now()
					break
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	stopGo := sample(100*time.Millisecond, func() float64 { return s.metric("go_goroutines") })
	res := attack(tr, rate, duration, 16)
	peakGo := stopGo()
	for err := range faults {
		t.Fatal(err)
	}

	isHot := func(r vegeta.Result) bool {
		var id int64
		fmt.Sscanf(r.URL[strings.LastIndex(r.URL, "/")+1:], "%d", &id)
		return id <= cached
	}
	var hotRes, outage, afterRes []vegeta.Result
	for _, r := range res {
		switch {
		case isHot(r):
			hotRes = append(hotRes, r)
		case r.Timestamp.After(stopping) && r.Timestamp.Before(restarted):
			outage = append(outage, r)
		case r.Timestamp.After(recovered):
			afterRes = append(afterRes, r)
		}
	}
	h := summarize(hotRes, 200)
	record(t, row{trial: "PostgreSQL stopped 6 s mid-load: cached products", requests: h.n, errors: h.n - h.count(200),
		expected: "no errors", measured: h.codes(), held: h.n == h.count(200)})
	// Products asked for before the stop are cached by then: 200.
	o := summarize(outage, 503)
	record(t, row{trial: "PostgreSQL stopped: other products, from the stop to the restart", requests: o.n, errors: o.n - o.count(200, 503),
		expected: "200 from the cache, or 503 answered within 1 s; some 503s; goroutines < 500",
		measured: fmt.Sprintf("%s; p99 of the 503s %s; peak %.0f goroutines", o.codes(), ms(o.p(0.99)), peakGo),
		held:     o.n == o.count(200, 503) && o.count(503) > 0 && o.p(0.99) < time.Second && peakGo < 500})
	l := summarize(afterRes, 200)
	recovery := recovered.Sub(restarted)
	record(t, row{trial: "PostgreSQL back: other products", requests: l.n, errors: l.n - l.count(200),
		expected: "a product never asked for before answers within 5 s of the restart, with no restart of the service; then under 1% errors while the pool reconnects",
		measured: fmt.Sprintf("first such 200 %.2f s after the restart; after it %s", recovery.Seconds(), l.codes()),
		held:     !recovered.IsZero() && recovery < 5*time.Second && l.n > 0 && 100*(l.n-l.count(200)) < l.n})
}

// TestRedisStopped kills the shared cache tier mid-load and starts it
// again: it is only a cache, so no request may fail.
func TestRedisStopped(t *testing.T) {
	const products = 2000
	r := redistest.Start(t)
	db := filepath.Join(work, "redis.db")
	run(t, "load", "--db", db, generated(t, products))
	// A small local cache, so that most requests ask Redis.
	s := startServe(t, "--db", db, "--cache-mb", "1", "--redis", r.URL())
	var wg sync.WaitGroup
	wg.Go(func() {
		time.Sleep(4 * time.Second)
		r.Stop()
		time.Sleep(5 * time.Second)
		r.Start() // its Fatalf, off the test goroutine, only marks the test failed
	})
	res := summarize(attack(classic(s.base, products), 500, 15*time.Second, 16), 200)
	wg.Wait()
	remote := scrapeLines(s, "catalog_remote_cache_requests_total")
	record(t, row{trial: "Redis killed 5 s mid-load", requests: res.n, errors: res.n - res.count(200),
		expected: "no errors; Redis calls failed or skipped meanwhile", measured: res.codes() + "; Redis calls: " + remote,
		held: res.n == res.count(200) && strings.Contains(remote, "skipped") && !strings.Contains(remote, "skipped 0")})
}

// scrapeLines gives the outcomes of a labelled counter in /metrics, as
// "hit 10, miss 3".
func scrapeLines(s *server, name string) string {
	var parts []string
	for _, l := range s.scrape() {
		if rest, ok := strings.CutPrefix(l, name+`{outcome="`); ok {
			parts = append(parts, strings.Replace(rest, `"} `, " ", 1))
		}
	}
	return strings.Join(parts, ", ")
}

// stylesSKUs reads the SKUs of a product's styles: id → quantity.
func stylesSKUs(t *testing.T, base string, product int64) map[int64]int64 {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("%s/products/%d/styles", base, product))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Results []struct {
			SKUs map[string]struct {
				Quantity int64 `json:"quantity"`
			} `json:"skus"`
		} `json:"results"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("styles of product %d: %v", product, err)
	}
	out := map[int64]int64{}
	for _, st := range body.Results {
		for id, sku := range st.SKUs {
			if n, err := strconv.ParseInt(id, 10, 64); err == nil {
				out[n] = sku.Quantity
			}
		}
	}
	return out
}

// stock is a SKU and how many are in stock.
type stock struct{ id, quantity int64 }

// inStock returns n SKUs whose stock ok accepts, from the styles of the
// first products.
func inStock(t *testing.T, base string, n int, ok func(quantity int64) bool) []stock {
	t.Helper()
	var out []stock
	for p := int64(1); len(out) < n && p < 500; p++ {
		for id, q := range stylesSKUs(t, base, p) {
			if ok(q) && len(out) < n {
				out = append(out, stock{id, q})
			}
		}
	}
	if len(out) < n {
		t.Fatalf("found %d SKUs with the stock wanted, want %d", len(out), n)
	}
	return out
}

// stores are the two stores the cart trials run on.
func stores(t *testing.T) map[string]string {
	return map[string]string{
		"SQLite":     filepath.Join(t.TempDir(), "carts.db"),
		"PostgreSQL": startPostgres(t),
	}
}

// TestCartKilled kills the service with SIGKILL while clients add to their
// carts, restarts it, and checks that every add answered 201 is there.
func TestCartKilled(t *testing.T) {
	for name, db := range stores(t) {
		t.Run(name, func(t *testing.T) {
			run(t, "load", "--db", db, generated(t, 2000))
			s := startServe(t, "--db", db)
			var skus []int64
			for _, sk := range inStock(t, s.base, 40, func(q int64) bool { return q > 0 }) {
				skus = append(skus, sk.id)
			}
			type key struct {
				who caller
				sku int64
			}
			var callers [16]caller
			for w := range callers {
				callers[w] = newCaller(w%2 == 1) // half the writers by cookie, half by token
			}
			var mu sync.Mutex
			acked := map[key]int64{}
			sent := writeUntilKilled(s, func(client *http.Client, w, i int) {
				sku := skus[(w*7+i)%len(skus)]
				if post(client, s.base, callers[w], sku) == 201 {
					mu.Lock()
					acked[key{callers[w], sku}]++
					mu.Unlock()
				}
			})
			s2 := startServe(t, "--db", db)
			lost, total := int64(0), int64(0)
			byCaller := map[caller]map[int64]int64{}
			for k, n := range acked {
				if byCaller[k.who] == nil {
					byCaller[k.who] = cartCounts(t, s2.base, k.who)
				}
				total += n
				lost += max(0, n-byCaller[k.who][k.sku])
			}
			record(t, row{trial: "kill -9 during cart writes, " + name, requests: sent, errors: int(lost),
				expected: "every add answered 201 (half by cookie, half by token) is in the cart after a restart",
				measured: fmt.Sprintf("%d adds answered 201, %d of them lost", total, lost), held: total > 0 && lost == 0})
		})
	}
}

// TestCartRace: 50 clients add the same SKU to the same cart at once, a
// cookie's and then a token's; the cart never holds more than the stock.
func TestCartRace(t *testing.T) {
	for name, db := range stores(t) {
		for _, who := range []caller{newCaller(false), newCaller(true)} {
			t.Run(name+"/"+who.String(), func(t *testing.T) {
				run(t, "load", "--db", db, generated(t, 2000))
				s := startServe(t, "--db", db)
				scarce := inStock(t, s.base, 1, func(q int64) bool { return q > 1 && q < 50 })[0]
				sku, quantity := scarce.id, scarce.quantity
				var created, refused, other atomic.Int64
				var wg sync.WaitGroup
				for range 50 {
					wg.Go(func() {
						switch post(&http.Client{Timeout: 10 * time.Second}, s.base, who, sku) {
						case 201:
							created.Add(1)
						case 422:
							refused.Add(1)
						default:
							other.Add(1)
						}
					})
				}
				wg.Wait()
				got := cartCounts(t, s.base, who)[sku]
				record(t, row{trial: fmt.Sprintf("50 clients add one SKU (stock %d) to one cart (by %s), %s", quantity, who, name), requests: 50, errors: int(other.Load()),
					expected: "exactly the stock answered 201, the rest 422; the cart holds the stock; within 10 s",
					measured: fmt.Sprintf("201: %d, 422: %d, other: %d; the cart holds %d", created.Load(), refused.Load(), other.Load(), got),
					held:     created.Load() == quantity && refused.Load() == 50-quantity && got == quantity && other.Load() == 0})
			})
		}
	}
}
