package surrogate_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"catalog"
	"catalog/surrogate"
	"catalog/wire"
)

func TestListKeys(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`[]`, "catalog products"},
		{`[{"id":1,"campus":"c","name":"{\"id\":9"},{"id":22,"campus":"c"}]`, "catalog products product-1 product-22"},
		{`[{"id":}]`, "catalog products"},
		{"[" + strings.Repeat(`{"id":1},`, surrogate.MaxPageKeys) + `{"id":2}]`, "catalog products products-long"},
	} {
		if got := surrogate.ListKeys([]byte(tc.body)); got != tc.want {
			t.Errorf("ListKeys(%s) = %q, want %q", tc.body, got, tc.want)
		}
	}
}

func FuzzListKeys(f *testing.F) {
	f.Add(int64(1), "Harbor Parka", `{"id":2}`)
	f.Fuzz(func(t *testing.T, id int64, name, slogan string) {
		id = max(id, 0)
		p := catalog.Product{ID: id, Name: name, Slogan: catalog.Some(slogan)}
		body := wire.AppendProducts(nil, []catalog.Product{p, p}, "c")
		want := "catalog products " + surrogate.ProductKey(id) + " " + surrogate.ProductKey(id)
		if got := surrogate.ListKeys(body); got != want {
			t.Fatalf("keys of %s: %q, want %q", body, got, want)
		}
	})
}

func TestPurgeKeys(t *testing.T) {
	h := catalog.History{From: 3, To: 5, Changes: []catalog.Change{
		{Generation: 4, Products: []catalog.ProductChange{{ID: 7, Pos: 7}}},
		{Generation: 5, Products: []catalog.ProductChange{{ID: 9}, {ID: 12, Pos: 11}}, ShiftFrom: 9},
	}}
	for _, tc := range []struct {
		seen int64
		want []string
	}{
		{3, []string{"product-7", "product-9", "product-12", "products"}},
		{4, []string{"product-9", "product-12", "products"}},
		{2, []string{"catalog"}}, // the history starts after what was seen
		{5, nil},
	} {
		if got := surrogate.PurgeKeys(tc.seen, h); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("seen %d: keys %v, want %v", tc.seen, got, tc.want)
		}
	}
	// Without a shift, the long pages go with the products.
	h.Changes[1].ShiftFrom = 0
	if got, want := surrogate.PurgeKeys(4, h), []string{"product-9", "product-12", "products-long"}; !reflect.DeepEqual(got, want) {
		t.Errorf("no shift: keys %v, want %v", got, want)
	}
}

func TestPurgeReviewKeys(t *testing.T) {
	h := catalog.ReviewHistory{From: 3, To: 6, Changes: []catalog.ReviewChange{{Seq: 4, ProductID: 7}, {Seq: 5, ProductID: 2}, {Seq: 6, ProductID: 7}}}
	for _, tc := range []struct {
		seen int64
		want []string
	}{
		{3, []string{"reviews-2", "reviews-7"}},
		{5, []string{"reviews-7"}},
		{2, []string{"reviews"}}, // the changes start after what was seen
		{6, nil},
	} {
		if got := surrogate.PurgeReviewKeys(tc.seen, h); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("seen %d: keys %v, want %v", tc.seen, got, tc.want)
		}
	}
	h.Changes[1].ProductID = catalog.AllProducts
	if got, want := surrogate.PurgeReviewKeys(3, h), []string{"reviews"}; !reflect.DeepEqual(got, want) {
		t.Errorf("a whole load: keys %v, want %v", got, want)
	}
}

var quiet = slog.New(slog.DiscardHandler)

func TestPurger_Purge(t *testing.T) {
	var mu sync.Mutex
	var got []string
	tier := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Method != "PURGE" {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		got = append(got, strings.Fields(r.Header.Get("xkey-purge"))...)
	}))
	defer tier.Close()
	keys := make([]string, 250)
	for i := range keys {
		keys[i] = surrogate.ProductKey(int64(i))
	}
	if err := surrogate.NewPurger(tier.URL, 0, tier.Client(), quiet).Purge(context.Background(), keys); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, keys) {
		t.Fatalf("the tier was told %d keys, want the %d given in order", len(got), len(keys))
	}
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) }))
	defer refusing.Close()
	if err := surrogate.NewPurger(refusing.URL, 0, refusing.Client(), quiet).Purge(context.Background(), keys[:1]); err == nil {
		t.Fatal("a purge refused with 403: no error")
	}
}

// fakeCatalog is a catalog whose generation a test sets, and whose
// history is given.
type fakeCatalog struct {
	mu         sync.Mutex
	generation int64
	history    catalog.History
	reviews    catalog.ReviewHistory
}

func (f *fakeCatalog) CatalogInfo(context.Context) (catalog.CatalogInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return catalog.CatalogInfo{Generation: f.generation, ReviewSeq: f.reviews.To}, nil
}

func (f *fakeCatalog) ReviewChanges(context.Context, int64) (catalog.ReviewHistory, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reviews, nil
}

func (f *fakeCatalog) Changes(context.Context, int64) (catalog.History, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.history, nil
}

func (f *fakeCatalog) set(generation int64, h catalog.History) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.generation, f.history = generation, h
}

// A purger fed by the catalog's feed purges nothing for the catalog
// found first, then what each new one changed; after a purge the tier
// refused, everything.
func TestPurger_Take(t *testing.T) {
	purged := make(chan string, 10)
	var refuse sync.Once
	tier := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		purged <- r.Header.Get("xkey-purge")
		refuse.Do(func() { w.WriteHeader(http.StatusServiceUnavailable) })
	}))
	defer tier.Close()
	store := &fakeCatalog{generation: 3, history: catalog.History{From: 0, To: 3}}
	feed := catalog.NewFeed(store, time.Hour)
	p := surrogate.NewPurger(tier.URL, 0, tier.Client(), quiet)
	feed.Subscribe(p.Take)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Run(ctx)
	if _, err := feed.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	next := func(g int64, ids ...int64) {
		t.Helper()
		c := catalog.Change{Generation: g}
		for _, id := range ids {
			c.Products = append(c.Products, catalog.ProductChange{ID: id, Pos: id})
		}
		store.set(g, catalog.History{From: g - 1, To: g, Changes: []catalog.Change{c}})
		if _, err := feed.Poll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want := func(keys string) {
		t.Helper()
		select {
		case got := <-purged:
			if got != keys {
				t.Fatalf("purged %q, want %q", got, keys)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no purge of %q", keys)
		}
	}
	next(4, 8)
	want("product-8 products-long") // refused
	next(5, 9)
	want("catalog")
	next(6, 10)
	want("product-10 products-long")
	// Review changes purge the review responses of their products, and
	// those of every product after a whole load.
	store.mu.Lock()
	store.reviews = catalog.ReviewHistory{From: 0, To: 2, Changes: []catalog.ReviewChange{{Seq: 1, ProductID: 7}, {Seq: 2, ProductID: 3}}}
	store.mu.Unlock()
	if _, err := feed.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	want("reviews-3 reviews-7")
	// A change of a question purges its product's question lists and its
	// answer lists, not the product's reviews.
	store.mu.Lock()
	store.reviews = catalog.ReviewHistory{From: 2, To: 3, Changes: []catalog.ReviewChange{{Seq: 3, ProductID: 7, QuestionID: 40}}}
	store.mu.Unlock()
	if _, err := feed.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	want("answers-40 qa-7")
	select {
	case keys := <-purged:
		t.Fatalf("a purge too many, of %q", keys)
	case <-time.After(100 * time.Millisecond):
	}
}

// Each update's keys are purged Delay after it, not sooner: the instances
// behind the tier may not have the new catalog before.
func TestPurger_Delay(t *testing.T) {
	purged := make(chan time.Time, 10)
	tier := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { purged <- time.Now() }))
	defer tier.Close()
	const delay = 300 * time.Millisecond
	p := surrogate.NewPurger(tier.URL, delay, tier.Client(), quiet)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Run(ctx)
	p.Take(catalog.Update{History: catalog.History{To: 1}})
	took := time.Now()
	p.Take(catalog.Update{History: catalog.History{From: 1, To: 2, Changes: []catalog.Change{
		{Generation: 2, Products: []catalog.ProductChange{{ID: 1, Pos: 1}}}}}})
	select {
	case at := <-purged:
		if at.Sub(took) < delay {
			t.Errorf("purged %v after the update, before its delay of %v", at.Sub(took), delay)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no purge")
	}
}
