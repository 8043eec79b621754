package http_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"catalog"
	cataloghttp "catalog/http"
	"catalog/storetest"
)

// live is what a feed last read.
type live struct {
	info catalog.CatalogInfo
	err  error
}

func (l live) Current() (catalog.CatalogInfo, error) { return l.info, l.err }

func TestServer_Health(t *testing.T) {
	store := openStore(t, "sqlite")
	storetest.Load(t, store, storetest.NewFixture())
	feed := catalog.NewFeed(store, time.Hour)
	if _, err := feed.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		live   cataloghttp.Live
		path   string
		status int
		body   string
	}{
		{"Alive", feed, "/healthz", 200, `{"status":"ok"}`},
		{"Ready", feed, "/readyz", 200, `{"status":"ready","generation":1,"products":6}`},
		{"ReadyPrefixed", feed, "/api/fec2/c/readyz", 200, `{"status":"ready","generation":1,"products":6}`},
		{"NotLoaded", live{}, "/readyz", 503, `{"message":"not ready: no catalog is loaded"}`},
		{"NotReadYet", catalog.NewFeed(store, time.Hour), "/readyz", 503, `{"message":"not ready: the store does not answer"}`},
		{"StoreDown", live{err: errors.New("connection refused")}, "/readyz", 503, `{"message":"not ready: the store does not answer"}`},
		{"AliveWhenStoreDown", live{err: errors.New("connection refused")}, "/healthz", 200, `{"status":"ok"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c", Live: tc.live, Logger: quietLogger()}).Handler()
			resp := serve(h, request{path: tc.path})
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || string(body) != tc.body {
				t.Fatalf("GET %s: %d %s, want %d %s", tc.path, resp.StatusCode, body, tc.status, tc.body)
			}
			if tc.status == 503 && resp.Header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		})
	}
	t.Run("ErrMethod", func(t *testing.T) {
		h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c", Logger: quietLogger()}).Handler()
		resp := serve(h, request{method: "POST", path: "/readyz"})
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Fatalf("POST /readyz: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
		}
	})
}

type observed struct {
	pattern string
	status  int
}

type recorder struct {
	mu       sync.Mutex
	inFlight int
	seen     []observed
}

func (r *recorder) Begin() { r.mu.Lock(); r.inFlight++; r.mu.Unlock() }

func (r *recorder) End(pattern string, status int, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inFlight--
	if d <= 0 {
		pattern += " (no duration)"
	}
	r.seen = append(r.seen, observed{pattern, status})
}

// The observer sees each request's route pattern, not its path, so that
// metrics have few label values whatever clients ask.
func TestServer_Observer(t *testing.T) {
	store := openStore(t, "sqlite")
	storetest.Load(t, store, storetest.NewFixture())
	rec := &recorder{}
	h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c", Observer: rec, Logger: quietLogger()}).Handler()
	for _, p := range []string{"/products/1", "/products/2/styles", "/products/4", "/api/fec2/c/products?page=2", "/nope", "/products/x"} {
		serve(h, request{path: p})
	}
	serve(h, request{method: "DELETE", path: "/cart"})
	// A client that goes away before the store answers: abandoned, not 200.
	slow := cataloghttp.NewServer(cataloghttp.Services{Products: &stubStore{delay: time.Second}, Carts: store}, cataloghttp.Config{Campus: "c", Observer: rec, Logger: quietLogger()}).Handler()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	w := httptest.NewRecorder()
	slow.ServeHTTP(w, httptest.NewRequestWithContext(ctx, "GET", "/products/1/styles", nil))
	// A handler that panics: answered 500, and counted so.
	panics := cataloghttp.NewServer(cataloghttp.Services{Products: &stubStore{panic: true}, Carts: store}, cataloghttp.Config{Campus: "c", Observer: rec, Logger: quietLogger()}).Handler()
	serve(panics, request{path: "/products/1/related"})
	want := []observed{
		{"GET /products/{id}", 200}, {"GET /products/{id}/styles", 200}, {"GET /products/{id}", 404},
		{"GET /products", 200}, {"/", 404}, {"GET /products/{id}", 400}, {"/cart", http.StatusMethodNotAllowed},
		{"GET /products/{id}/styles", cataloghttp.StatusAbandoned},
		{"GET /products/{id}/related", 500},
	}
	if rec.inFlight != 0 || len(rec.seen) != len(want) {
		t.Fatalf("in flight %d, seen %v", rec.inFlight, rec.seen)
	}
	for i := range want {
		if rec.seen[i] != want[i] {
			t.Errorf("request %d: %v, want %v", i, rec.seen[i], want[i])
		}
	}
}
