package http

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
	"catalog/wire"
)

func TestListKeys(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`[]`, "catalog products"},
		{`[{"id":1,"campus":"c","name":"{\"id\":9"},{"id":22,"campus":"c"}]`, "catalog products product-1 product-22"},
		{`[{"id":}]`, "catalog products"},
	} {
		if got := listKeys([]byte(tc.body)); got != tc.want {
			t.Errorf("listKeys(%s) = %q, want %q", tc.body, got, tc.want)
		}
	}
}

func FuzzListKeys(f *testing.F) {
	f.Add(int64(1), "Harbor Parka", `{"id":2}`)
	f.Fuzz(func(t *testing.T, id int64, name, slogan string) {
		id = max(id, 0)
		p := catalog.Product{ID: id, Name: name, Slogan: catalog.Some(slogan)}
		body := wire.AppendProducts(nil, []catalog.Product{p, p}, "c")
		want := "catalog products " + productKey(id) + " " + productKey(id)
		if got := listKeys(body); got != want {
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
		if got := PurgeKeys(tc.seen, h); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("seen %d: keys %v, want %v", tc.seen, got, tc.want)
		}
	}
}

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
		keys[i] = productKey(int64(i))
	}
	p := &Purger{URL: tier.URL, Client: tier.Client()}
	if err := p.Purge(context.Background(), keys); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, keys) {
		t.Fatalf("the tier was told %d keys, want the %d given in order", len(got), len(keys))
	}
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) }))
	defer refusing.Close()
	if err := (&Purger{URL: refusing.URL, Client: refusing.Client()}).Purge(context.Background(), keys[:1]); err == nil {
		t.Fatal("a purge refused with 403: no error")
	}
}

// fakeCatalog is a catalog whose generation a test sets, and whose
// history is given.
type fakeCatalog struct {
	mu         sync.Mutex
	generation int64
	history    catalog.History
}

func (f *fakeCatalog) CatalogInfo(context.Context) (catalog.CatalogInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return catalog.CatalogInfo{Generation: f.generation}, nil
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

// Follow purges nothing for the catalog it finds first, then what each
// new one changed.
func TestPurger_Follow(t *testing.T) {
	purged := make(chan string, 10)
	tier := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		purged <- r.Header.Get("xkey-purge")
	}))
	defer tier.Close()
	store := &fakeCatalog{generation: 3, history: catalog.History{From: 0, To: 3}}
	w := catalog.NewWatcher(store, time.Hour)
	ctx := context.Background()
	if _, err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	p := &Purger{URL: tier.URL, Client: tier.Client(), Logger: slog.New(slog.DiscardHandler)}
	p.Follow(w, store)
	store.set(4, catalog.History{From: 3, To: 4, Changes: []catalog.Change{{Generation: 4, Products: []catalog.ProductChange{{ID: 8, Pos: 5}}}}})
	if _, err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case keys := <-purged:
		if keys != "product-8" {
			t.Fatalf("purged %q, want product-8", keys)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no purge")
	}
	select {
	case keys := <-purged:
		t.Fatalf("a second purge, of %q", keys)
	case <-time.After(100 * time.Millisecond):
	}
}
