// Package loadtest drives the catalog's HTTP API at constant request rates
// with vegeta (an open model: requests are sent on schedule whether or not
// earlier ones have been answered, so a slow server cannot hide its slowness
// by slowing the load) and reports latency percentiles and errors per rate.
package loadtest

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Route is one of the API's catalog routes.
type Route int

// The routes a mix draws from.
const (
	Product Route = iota // GET /products/{id}
	Styles               // GET /products/{id}/styles
	Related              // GET /products/{id}/related
	List                 // GET /products?page=…&count=5, the page holding id
)

var routeNames = [...]string{"product", "styles", "related", "list"}

func (r Route) String() string { return routeNames[r] }

// PageSize is the count of the list requests a mix makes.
const PageSize = 5

// path returns the path and query of a request of the route for id.
func (r Route) path(id int64) string {
	switch r {
	case Styles:
		return "/products/" + strconv.FormatInt(id, 10) + "/styles"
	case Related:
		return "/products/" + strconv.FormatInt(id, 10) + "/related"
	case List:
		return "/products?page=" + strconv.FormatInt((id-1)/PageSize+1, 10) + "&count=" + strconv.Itoa(PageSize)
	default:
		return "/products/" + strconv.FormatInt(id, 10)
	}
}

// Mix is the share of each route in a load, as whole-number weights.
type Mix [len(routeNames)]int

// Classic is the classic test's mix: equal shares of the four routes.
var Classic = Mix{1, 1, 1, 1}

// ParseMix parses a mix: "classic", or comma-separated route=weight pairs
// such as "product=2,styles=1" (routes left out get no share).
func ParseMix(s string) (Mix, error) {
	if s == "classic" {
		return Classic, nil
	}
	var m Mix
	var seen [len(routeNames)]bool
	for part := range strings.SplitSeq(s, ",") {
		name, weight, ok := strings.Cut(strings.TrimSpace(part), "=")
		r := slices.Index(routeNames[:], name)
		if !ok || r < 0 {
			return Mix{}, fmt.Errorf("mix %q: %q is not route=weight with a route among %s", s, part, strings.Join(routeNames[:], ", "))
		}
		w, err := strconv.Atoi(weight)
		if err != nil || w < 0 || w > 1000 {
			return Mix{}, fmt.Errorf("mix %q: the weight of %s is not a whole number from 0 to 1000", s, name)
		}
		if seen[r] {
			return Mix{}, fmt.Errorf("mix %q: %s is given twice", s, name)
		}
		seen[r], m[r] = true, w
	}
	if m == (Mix{}) {
		return Mix{}, fmt.Errorf("mix %q: no route has a weight", s)
	}
	return m, nil
}

func (m Mix) String() string {
	if m == Classic {
		return "classic (equal shares of product, styles, related, list)"
	}
	var parts []string
	for r, w := range m {
		if w > 0 {
			parts = append(parts, routeNames[r]+"="+strconv.Itoa(w))
		}
	}
	return strings.Join(parts, ",")
}

// IDs is how product ids are drawn.
type IDs string

// The distributions of ids.
const (
	// Last10 draws uniformly among the last tenth of ids: the classic test.
	Last10 IDs = "last10"
	// Uniform draws uniformly among all ids.
	Uniform IDs = "uniform"
	// Zipf draws few ids often and most rarely, as shoppers do: id k+1 has
	// weight 1/(k+1)^1.1, so the first ids are the hot ones.
	Zipf IDs = "zipf"
)

// ParseIDs parses the name of a distribution of ids.
func ParseIDs(s string) (IDs, error) {
	switch d := IDs(s); d {
	case Last10, Uniform, Zipf:
		return d, nil
	}
	return "", fmt.Errorf("ids %q: want last10, uniform or zipf", s)
}

// zipfS is the exponent of the Zipf distribution.
const zipfS = 1.1

// ParseRates parses a comma-separated list of request rates per second,
// each from 1 to 1,000,000.
func ParseRates(s string) ([]int, error) {
	var rates []int
	for part := range strings.SplitSeq(s, ",") {
		r, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || r < 1 || r > 1_000_000 {
			return nil, fmt.Errorf("rates %q: %q is not a rate from 1 to 1000000 per second", s, part)
		}
		rates = append(rates, r)
	}
	return rates, nil
}

// Targets makes the requests of a load: routes by the mix, product ids
// from 1 to Products by the distribution. It is safe for concurrent use.
type Targets struct {
	base     string
	mix      []Route // each route repeated by its weight
	ids      IDs
	first    int64
	products int64
	mu       sync.Mutex
	rng      *rand.Rand
	zipf     *rand.Zipf
}

// NewTargets returns the targets of a load of base (a URL without a
// trailing slash) over products ids, drawn from seed.
func NewTargets(base string, mix Mix, ids IDs, products int64, seed uint64) *Targets {
	t := &Targets{base: strings.TrimSuffix(base, "/"), ids: ids, first: 1, products: max(products, 1),
		rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	for r, w := range mix {
		for range w {
			t.mix = append(t.mix, Route(r))
		}
	}
	switch ids {
	case Last10:
		t.first = t.products - t.products/10 + 1
	case Zipf:
		t.zipf = rand.NewZipf(t.rng, zipfS, 1, uint64(t.products-1))
	}
	return t
}

// Next returns the route and product id of the next request.
func (t *Targets) Next() (Route, int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.mix[t.rng.IntN(len(t.mix))]
	if t.zipf != nil {
		return r, 1 + int64(t.zipf.Uint64())
	}
	return r, t.first + t.rng.Int64N(t.products-t.first+1)
}

// Targeter returns the targets as vegeta's targeter.
func (t *Targets) Targeter() vegeta.Targeter {
	return func(tgt *vegeta.Target) error {
		r, id := t.Next()
		tgt.Method = http.MethodGet
		tgt.URL = t.base + r.path(id)
		return nil
	}
}
