// Command storefront plays a storefront's product page views against a
// catalog service, as the public storefront clients make them, and
// reports every call's statuses and latency: the product list, the
// product, its styles, related ids and review meta; for each related id
// its product, styles and meta (the related cards); a page of 100 reviews;
// every question (count=1000000000) and the answers of the first; then
// the shopper's writes: a review, a question, an answer to it, a helpful
// vote, a report, a cart add and a click. Every call goes under
// /api/fec2/<campus>/ with an Authorization token, as the hosted API's
// clients send one.
//
//	go run ./bench/storefront --url http://127.0.0.1:3000 --rate 200 --duration 20s --products 1000011
//
// Page views start at --rate a second (each on its own goroutine, its
// calls one after the other, as a browser's page does them), for
// --duration, on products uniform over 1..--products; the run is bounded
// by --duration plus the last views' time (each call times out after 10 s).
// It prints a table: each call, how many, the statuses, p50 and p99.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "storefront:", err)
		os.Exit(1)
	}
}

type config struct {
	url, campus string
	rate        int
	duration    time.Duration
	products    int
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var c config
	fs := flag.NewFlagSet("storefront", flag.ContinueOnError)
	fs.StringVar(&c.url, "url", "http://127.0.0.1:3000", "the service (loopback only)")
	fs.StringVar(&c.campus, "campus", "hr-rfp", "the campus of the /api/fec2/<campus>/ prefix")
	fs.IntVar(&c.rate, "rate", 200, "page views started a second")
	fs.DurationVar(&c.duration, "duration", 20*time.Second, "how long page views are started")
	fs.IntVar(&c.products, "products", 1000, "the products viewed are uniform over 1..products")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !strings.HasPrefix(c.url, "http://127.0.0.1") && !strings.HasPrefix(c.url, "http://localhost") {
		return fmt.Errorf("--url %q: loopback only", c.url)
	}
	fmt.Fprintf(out, "storefront: %d page views a second for %s, products 1..%d, %s/api/fec2/%s/, with a token\n\n",
		c.rate, c.duration, c.products, c.url, c.campus)
	r := &recorder{calls: map[string]*calls{}}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1024}}
	var views sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(max(c.rate, 1)))
	defer tick.Stop()
	deadline := time.After(c.duration)
	n := 0
loop:
	for {
		select {
		case <-deadline:
			break loop
		case <-ctx.Done():
			break loop
		case <-tick.C:
			n++
			v := view{c: c, client: client, r: r, token: fmt.Sprintf("Bearer storefront-%d", n), product: 1 + rand.IntN(c.products)}
			views.Go(v.play)
		}
	}
	views.Wait()
	r.print(out, n)
	return nil
}

// view is one page view of one product by one shopper.
type view struct {
	c       config
	client  *http.Client
	r       *recorder
	token   string
	product int
}

// call makes one request, records it under name and returns its body
// when it is 2xx.
func (v view) call(name, method, path, body string) []byte {
	url := fmt.Sprintf("%s/api/fec2/%s%s", v.c.url, v.c.campus, path)
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", v.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := v.client.Do(req)
	status := 0 // no answer
	var b []byte
	if err == nil {
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
	}
	v.r.add(name, status, time.Since(start))
	if status/100 != 2 {
		return nil
	}
	return b
}

func (v view) play() {
	p := v.product
	v.call("GET /products", "GET", "/products?page=1&count=5", "")
	v.call("GET /products/{id}", "GET", fmt.Sprintf("/products/%d", p), "")
	styles := v.call("GET /products/{id}/styles", "GET", fmt.Sprintf("/products/%d/styles", p), "")
	var related []int
	_ = json.Unmarshal(v.call("GET /products/{id}/related", "GET", fmt.Sprintf("/products/%d/related", p), ""), &related)
	v.call("GET /reviews/meta", "GET", fmt.Sprintf("/reviews/meta?product_id=%d", p), "")
	for _, id := range related {
		v.call("GET /products/{id} (card)", "GET", fmt.Sprintf("/products/%d", id), "")
		v.call("GET /products/{id}/styles (card)", "GET", fmt.Sprintf("/products/%d/styles", id), "")
		v.call("GET /reviews/meta (card)", "GET", fmt.Sprintf("/reviews/meta?product_id=%d", id), "")
	}
	var reviews struct {
		Results []struct {
			ID int `json:"review_id"`
		} `json:"results"`
	}
	_ = json.Unmarshal(v.call("GET /reviews", "GET", fmt.Sprintf("/reviews?product_id=%d&sort=relevant&count=100", p), ""), &reviews)
	var questions struct {
		Results []struct {
			ID int `json:"question_id"`
		} `json:"results"`
	}
	_ = json.Unmarshal(v.call("GET /qa/questions", "GET", fmt.Sprintf("/qa/questions?product_id=%d&count=1000000000", p), ""), &questions)
	if len(questions.Results) > 0 {
		v.call("GET /qa/questions/{id}/answers", "GET", fmt.Sprintf("/qa/questions/%d/answers", questions.Results[0].ID), "")
	}
	v.write(p, styles, reviews.Results)
}

// write makes the shopper's writes of the page view.
func (v view) write(p int, styles []byte, reviews []struct {
	ID int `json:"review_id"`
}) {
	v.call("POST /reviews", "POST", "/reviews", fmt.Sprintf(`{"product_id":%d,"rating":4,"summary":"From the storefront trial",`+
		`"body":"Played by bench/storefront.","recommend":true,"name":"trial","email":"trial@example.com","photos":[],"characteristics":{}}`, p))
	before := time.Now()
	if v.call("POST /qa/questions", "POST", "/qa/questions", fmt.Sprintf(
		`{"body":"Asked by the storefront trial?","name":"trial","email":"trial@example.com","product_id":%d}`, p)) != nil {
		// The question's id is not answered: it is the newest, and the
		// most helpful come first, so the list is read for it.
		var qs struct {
			Results []struct {
				ID   int    `json:"question_id"`
				Body string `json:"question_body"`
				Date string `json:"question_date"`
			} `json:"results"`
		}
		_ = json.Unmarshal(v.call("GET /qa/questions (after asking)", "GET", fmt.Sprintf("/qa/questions?product_id=%d&count=1000", p), ""), &qs)
		ids := []int{}
		for _, q := range qs.Results {
			if q.Body == "Asked by the storefront trial?" && q.Date >= before.UTC().Format("2006-01-02") {
				ids = append(ids, q.ID)
			}
		}
		if len(ids) > 0 {
			q := slices.Max(ids)
			v.call("POST /qa/questions/{id}/answers", "POST", fmt.Sprintf("/qa/questions/%d/answers", q),
				`{"body":"Answered by the storefront trial.","name":"trial","email":"trial@example.com","photos":[]}`)
			v.call("PUT /qa/questions/{id}/report", "PUT", fmt.Sprintf("/qa/questions/%d/report", q), "")
		}
	}
	if len(reviews) > 0 {
		v.call("PUT /reviews/{id}/helpful", "PUT", fmt.Sprintf("/reviews/%d/helpful", reviews[0].ID), "")
	}
	var s struct {
		Results []struct {
			SKUs map[string]struct {
				Quantity int `json:"quantity"`
			} `json:"skus"`
		} `json:"results"`
	}
	_ = json.Unmarshal(styles, &s)
	for _, st := range s.Results {
		for id, sku := range st.SKUs {
			if sku.Quantity > 0 {
				v.call("POST /cart", "POST", "/cart", fmt.Sprintf(`{"sku_id":%s}`, id))
				goto click
			}
		}
	}
click:
	v.call("POST /interactions", "POST", "/interactions",
		`{"element":"button#add-to-cart","widget":"Overview","time":"`+time.Now().UTC().Format(time.RFC3339)+`"}`)
}

// recorder keeps each call's statuses and latencies.
type recorder struct {
	mu    sync.Mutex
	order []string
	calls map[string]*calls
}

type calls struct {
	statuses  map[int]int
	latencies []time.Duration
}

func (r *recorder) add(name string, status int, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.calls[name]
	if c == nil {
		c = &calls{statuses: map[int]int{}}
		r.calls[name] = c
		r.order = append(r.order, name)
	}
	c.statuses[status]++
	c.latencies = append(c.latencies, d)
}

func (r *recorder) print(out io.Writer, views int) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%d page views\n\n| call | calls | 2xx | other statuses | p50 (ms) | p99 (ms) |\n|---|---:|---:|---|---:|---:|\n", views)
	total, bad := 0, 0
	for _, name := range r.order {
		c := r.calls[name]
		slices.Sort(c.latencies)
		ok, other := 0, []string{}
		codes := []int{}
		for code := range c.statuses {
			codes = append(codes, code)
		}
		sort.Ints(codes)
		for _, code := range codes {
			if code/100 == 2 {
				ok += c.statuses[code]
			} else {
				other = append(other, fmt.Sprintf("%d: %d", code, c.statuses[code]))
			}
		}
		n := len(c.latencies)
		total, bad = total+n, bad+n-ok
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %.2f | %.2f |\n", name, n, ok, strings.Join(other, ", "),
			ms(c.latencies[n/2]), ms(c.latencies[min(n-1, n*99/100)]))
	}
	fmt.Fprintf(&b, "\n%d calls, %d not 2xx (status 0: no answer)\n", total, bad)
	out.Write(b.Bytes())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
