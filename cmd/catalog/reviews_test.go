package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"catalog/internal/pgtest"
	"catalog/internal/redistest"
	"catalog/internal/testenv"
)

// metric returns a counter's value in a metrics page, 0 when absent.
func metric(t *testing.T, page, name string) float64 {
	t.Helper()
	for line := range strings.Lines(page) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("metric %s: %v", name, err)
			}
			return f
		}
	}
	return 0
}

// reviewCount is how many reviews a meta body counts.
func reviewCount(t *testing.T, body string) int {
	t.Helper()
	var meta struct{ Ratings map[string]string }
	if err := json.Unmarshal([]byte(body), &meta); err != nil {
		t.Fatalf("meta %s: %v", body, err)
	}
	n := 0
	for _, c := range meta.Ratings {
		v, _ := strconv.Atoi(c)
		n += v
	}
	return n
}

// send sends a request with a JSON body and returns its status.
func send(method, url, body string) (int, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// TestRun_ReviewsTwoInstances: two instances of one PostgreSQL store, each
// with its cache, sharing a Redis tier. A review posted on one is read at
// once on it and within a poll on the other, while readers read on both
// and never see the count go back; another product's meta stays cached;
// helpful votes split across both all count.
func TestRun_ReviewsTwoInstances(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	redisURL, prefix := redistest.Shared(t)
	data := filepath.Join(t.TempDir(), "data")
	if err := run(ctx, []string{"generate", "--out", data, "--products", "50"}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"load", "--db", url, data}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	a, b, adminA := testenv.FreeAddr(t), testenv.FreeAddr(t), testenv.FreeAddr(t)
	common := []string{"--db", url, "--redis", redisURL, "--redis-prefix", prefix, "--catalog-poll", "100ms"}
	startServe(t, append([]string{"--addr", a, "--admin-addr", adminA}, common...)...)
	startServe(t, append([]string{"--addr", b, "--admin-addr", ""}, common...)...)
	meta := func(addr string, product int) string {
		return fmt.Sprintf("http://%s/reviews/meta?product_id=%d", addr, product)
	}
	before := reviewCount(t, get(t, meta(a, 7)))
	if n := reviewCount(t, get(t, meta(b, 7))); n != before {
		t.Fatalf("instances disagree: %d and %d reviews", before, n)
	}
	other := get(t, meta(a, 8))

	// Readers on both instances while the write lands: a count never
	// goes back.
	stop := make(chan struct{})
	var readers sync.WaitGroup
	errs := make(chan error, 2)
	for _, addr := range []string{a, b} {
		readers.Go(func() {
			last := before
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := http.Get(meta(addr, 7))
				if err != nil {
					errs <- err
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var m struct{ Ratings map[string]string }
				if resp.StatusCode != 200 || json.Unmarshal(body, &m) != nil {
					errs <- fmt.Errorf("%s: %d %s", addr, resp.StatusCode, body)
					return
				}
				n := 0
				for _, c := range m.Ratings {
					v, _ := strconv.Atoi(c)
					n += v
				}
				if n < last {
					errs <- fmt.Errorf("%s: the count went back from %d to %d", addr, last, n)
					return
				}
				last = n
			}
		})
	}
	post := `{"product_id":7,"rating":5,"summary":"Two instances","body":"Posted on one, read on the other.","recommend":true,` +
		`"name":"tester","email":"tester@example.com","photos":[],"characteristics":{}}`
	if status, err := send("POST", "http://"+a+"/reviews", post); err != nil || status != 201 {
		t.Fatalf("POST /reviews: %d %v", status, err)
	}
	if n := reviewCount(t, get(t, meta(a, 7))); n != before+1 {
		t.Fatalf("the writing instance counts %d reviews right after, want %d", n, before+1)
	}
	for deadline := time.Now().Add(5 * time.Second); reviewCount(t, get(t, meta(b, 7))) != before+1; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the other instance never counted the posted review")
		}
	}
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Another product's meta was not changed: still cached.
	m := get(t, "http://"+adminA+"/metrics")
	if get(t, meta(a, 8)) != other || metric(t, get(t, "http://"+adminA+"/metrics"), "catalog_cache_hits_total") <= metric(t, m, "catalog_cache_hits_total") {
		t.Fatal("product 8's meta was not served from the cache after the write")
	}

	// Helpful votes split across both instances all count.
	list := func(addr string) []struct{ ReviewID, Helpfulness int } {
		var out struct {
			Results []struct {
				ReviewID    int `json:"review_id"`
				Helpfulness int
			}
		}
		if err := json.Unmarshal([]byte(get(t, fmt.Sprintf("http://%s/reviews?product_id=7&sort=newest&count=1", addr))), &out); err != nil {
			t.Fatal(err)
		}
		r := make([]struct{ ReviewID, Helpfulness int }, len(out.Results))
		for i, x := range out.Results {
			r[i].ReviewID, r[i].Helpfulness = x.ReviewID, x.Helpfulness
		}
		return r
	}
	posted := list(a)
	if len(posted) != 1 || posted[0].Helpfulness != 0 {
		t.Fatalf("newest review of product 7 = %+v, want the posted one, helpfulness 0", posted)
	}
	const callers = 50
	var wg sync.WaitGroup
	statuses := make(chan int, callers)
	for i := range callers {
		addr := []string{a, b}[i%2]
		wg.Go(func() {
			status, err := send("PUT", fmt.Sprintf("http://%s/reviews/%d/helpful", addr, posted[0].ReviewID), "")
			if err != nil {
				status = -1
			}
			statuses <- status
		})
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != 204 {
			t.Fatalf("PUT helpful: %d", s)
		}
	}
	for _, addr := range []string{a, b} {
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if got := list(addr); got[0].Helpfulness == callers {
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("%s: helpfulness %d, want %d", addr, got[0].Helpfulness, callers)
			}
		}
	}
}
