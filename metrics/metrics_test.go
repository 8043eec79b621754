package metrics_test

import (
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"catalog"
	"catalog/internal/pool"
	"catalog/metrics"
)

// current is what a feed of the catalog last read.
func current(info catalog.CatalogInfo, err error) func() (catalog.CatalogInfo, error) {
	return func() (catalog.CatalogInfo, error) { return info, err }
}

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(w.Result().Body)
	if w.Code != 200 {
		t.Fatalf("scrape: %d %s", w.Code, body)
	}
	return string(body)
}

func wantLines(t *testing.T, body string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(body, "\n"+l+"\n") {
			t.Errorf("metrics lack %q", l)
		}
	}
}

func TestMetrics(t *testing.T) {
	t.Run("Requests", func(t *testing.T) {
		m := metrics.New()
		m.Begin()
		m.Begin()
		m.End("GET /products/{id}", 200, 3*time.Millisecond)
		m.Begin()
		m.End("GET /products/{id}", 404, time.Millisecond)
		m.End("GET /products/{id}", 503, 2*time.Second)
		body := scrape(t, m)
		wantLines(t, body,
			`catalog_http_request_duration_seconds_count{route="GET /products/{id}",status="2xx"} 1`,
			`catalog_http_request_duration_seconds_count{route="GET /products/{id}",status="4xx"} 1`,
			`catalog_http_request_duration_seconds_bucket{route="GET /products/{id}",status="2xx",le="0.0025"} 0`,
			`catalog_http_request_duration_seconds_bucket{route="GET /products/{id}",status="2xx",le="0.005"} 1`,
			`catalog_http_request_duration_seconds_bucket{route="GET /products/{id}",status="5xx",le="1"} 0`,
			`catalog_http_requests_in_flight 0`,
		)
		if !strings.Contains(body, "go_goroutines") {
			t.Error("no Go runtime metrics")
		}
	})
	t.Run("Cache", func(t *testing.T) {
		m := metrics.New()
		st := metrics.CacheStats{Hits: 7, Misses: 3, Evictions: 1, Bytes: 4096, MaxBytes: 1 << 20, Entries: 2}
		m.WatchCache(func() metrics.CacheStats { return st })
		wantLines(t, scrape(t, m), "catalog_cache_hits_total 7", "catalog_cache_misses_total 3", "catalog_cache_evictions_total 1",
			"catalog_cache_bytes 4096", "catalog_cache_max_bytes 1.048576e+06", "catalog_cache_entries 2")
		st.Hits = 9
		wantLines(t, scrape(t, m), "catalog_cache_hits_total 9")
	})
	t.Run("Catalog", func(t *testing.T) {
		m := metrics.New()
		m.WatchCatalog(current(catalog.CatalogInfo{Generation: 3, Products: 1000, LoadedAt: time.UnixMilli(1_700_000_000_500)}, nil))
		wantLines(t, scrape(t, m), "catalog_store_up 1", "catalog_generation 3", "catalog_products 1000",
			"catalog_loaded_timestamp_seconds 1.7000000005e+09")
	})
	t.Run("StoreDown", func(t *testing.T) {
		m := metrics.New()
		m.WatchCatalog(current(catalog.CatalogInfo{}, errors.New("connection refused")))
		body := scrape(t, m)
		wantLines(t, body, "catalog_store_up 0")
		if strings.Contains(body, "catalog_generation") {
			t.Error("a generation reported for a store that did not answer")
		}
	})
	t.Run("Pools", func(t *testing.T) {
		m := metrics.New()
		m.WatchPools(func() []pool.Stats {
			return []pool.Stats{
				{Name: "primary", MaxConns: 8, Conns: 3, InUse: 1, Waits: 2, WaitTime: 1500 * time.Millisecond, Reads: 40, Usable: true},
				{Name: "replica 10.0.0.2:5432/catalog", MaxConns: 8, Reads: 7},
			}
		})
		wantLines(t, scrape(t, m),
			`catalog_store_pool_max_conns{pool="primary"} 8`,
			`catalog_store_pool_conns{pool="primary"} 3`,
			`catalog_store_pool_conns_in_use{pool="primary"} 1`,
			`catalog_store_pool_waits_total{pool="primary"} 2`,
			`catalog_store_pool_wait_seconds_total{pool="primary"} 1.5`,
			`catalog_store_pool_reads_total{pool="primary"} 40`,
			`catalog_store_pool_usable{pool="primary"} 1`,
			`catalog_store_pool_reads_total{pool="replica 10.0.0.2:5432/catalog"} 7`,
			`catalog_store_pool_usable{pool="replica 10.0.0.2:5432/catalog"} 0`)
	})
	t.Run("Import", func(t *testing.T) {
		m := metrics.New()
		m.ImportStarted("product.csv", 1000)
		m.ImportRead("product.csv", 600)
		m.ImportRead("product.csv", 400)
		m.ImportRows("product.csv", 2048, 3)
		m.ImportRows("product.csv", 10, 0)
		m.ImportDone("product.csv")
		wantLines(t, scrape(t, m),
			`catalog_import_file_size_bytes{file="product.csv"} 1000`,
			`catalog_import_read_bytes_total{file="product.csv"} 1000`,
			`catalog_import_rows_total{file="product.csv",outcome="accepted"} 2058`,
			`catalog_import_rows_total{file="product.csv",outcome="rejected"} 3`,
			`catalog_import_files_total{state="started"} 1`,
			`catalog_import_files_total{state="done"} 1`)
	})
	t.Run("Admission", func(t *testing.T) {
		m := metrics.New()
		m.WatchAdmission("reads", func() metrics.AdmissionStats {
			return metrics.AdmissionStats{Admitted: 90, Queued: 12, Shed: 7, Waiting: 3}
		})
		m.WatchAdmission("writes", func() metrics.AdmissionStats {
			return metrics.AdmissionStats{Admitted: 5, Queued: 4, Shed: 2, Waiting: 1}
		})
		wantLines(t, scrape(t, m), `catalog_http_requests_admitted_total{requests="reads"} 90`, `catalog_http_requests_queued_total{requests="reads"} 12`,
			`catalog_http_requests_shed_total{requests="reads"} 7`, `catalog_http_requests_waiting{requests="reads"} 3`,
			`catalog_http_requests_admitted_total{requests="writes"} 5`, `catalog_http_requests_queued_total{requests="writes"} 4`,
			`catalog_http_requests_shed_total{requests="writes"} 2`, `catalog_http_requests_waiting{requests="writes"} 1`)
	})
}

// Interactions are counted by widget, the first 32 widgets under their
// own label and the rest under "other", from many goroutines at once.
func TestMetrics_Interactions(t *testing.T) {
	m := metrics.New()
	wantLines(t, scrape(t, m), `catalog_interactions_total{widget="other"} 0`)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for w := range 40 {
				m.InteractionTaken(fmt.Sprintf("w%02d", w%32))
			}
			for w := range 40 {
				m.InteractionTaken(fmt.Sprintf("w%02d", w))
			}
		})
	}
	wg.Wait()
	m.InteractionTaken("\xff not UTF-8")
	m.InteractionTaken("w00")
	m.WatchInteractions(func() metrics.InteractionStats {
		return metrics.InteractionStats{Taken: 321, Batches: 4, Shed: 7, Dropped: 2, Queued: 5}
	})
	body := scrape(t, m)
	wantLines(t, body,
		`catalog_interactions_total{widget="w00"} 13`,
		`catalog_interactions_total{widget="w07"} 12`,
		`catalog_interactions_total{widget="w31"} 8`,
		`catalog_interactions_total{widget="other"} 33`, // 4 times w32 to w39, and the text that is not UTF-8
		"catalog_interactions_shed_total 7", "catalog_interactions_dropped_total 2",
		"catalog_interaction_batches_total 4", "catalog_interactions_queued 5")
	if n := strings.Count(body, "catalog_interactions_total{"); n != 33 {
		t.Errorf("%d widget labels, want 33 (32 and other)", n)
	}
}

// The feed's updates are counted: the products each new catalog changed,
// and the gaps; the first update, the store's history from before the
// instance started, is not.
func TestMetrics_CatalogUpdated(t *testing.T) {
	m := metrics.New()
	change := func(g int64, ids ...int64) catalog.Change {
		c := catalog.Change{Generation: g}
		for _, id := range ids {
			c.Products = append(c.Products, catalog.ProductChange{ID: id})
		}
		return c
	}
	m.CatalogUpdated(catalog.Update{History: catalog.History{From: 0, To: 3, Changes: []catalog.Change{change(3, 1, 2, 3)}}})
	m.CatalogUpdated(catalog.Update{History: catalog.History{From: 3, To: 5, Changes: []catalog.Change{change(4, 7), change(5, 8, 9)}}})
	m.CatalogUpdated(catalog.Update{History: catalog.History{Start: 9, From: 9, To: 9}}) // a gap
	body := scrape(t, m)
	for _, want := range []string{"catalog_changed_products_total 3", "catalog_history_gaps_total 1"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
