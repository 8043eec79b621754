// Package metrics exposes the service's workings to Prometheus
// (client_golang): request durations by route and status class, requests
// in flight, the response cache's counters, the catalog being served, and
// the Go runtime's and the process's own metrics.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"catalog"
)

// Metrics is a registry of the service's metrics.
type Metrics struct {
	reg      *prometheus.Registry
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

// New returns the service's metrics, with the Go runtime's and the
// process's.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "catalog_http_request_duration_seconds",
			Help: "Time to answer a request, by route pattern and status class.",
			// From a cached answer (tens of µs) to the store's timeout.
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "catalog_http_requests_in_flight",
			Help: "Requests being answered.",
		}),
	}
	m.reg.MustRegister(m.duration, m.inFlight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Begin counts a request in flight.
func (m *Metrics) Begin() { m.inFlight.Inc() }

// End records a finished request.
func (m *Metrics) End(pattern string, status int, d time.Duration) {
	m.inFlight.Dec()
	m.duration.WithLabelValues(pattern, statusClass(status)).Observe(d.Seconds())
}

// statusClasses are the label values of status classes, made once rather
// than per request.
var statusClasses = [...]string{"1xx", "2xx", "3xx", "4xx", "5xx"}

// statusClass is "2xx", "4xx" and so on: few label values, whatever the
// statuses.
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return statusClasses[status/100-1]
}

// CacheStats are the counters of a response cache.
type CacheStats struct {
	Hits, Misses, Evictions, Bytes, MaxBytes uint64
	Entries                                  int
}

// WatchCache exposes a cache's counters, read at each scrape.
func (m *Metrics) WatchCache(stats func() CacheStats) {
	counter := func(name, help string, v func(CacheStats) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return v(stats()) })
	}
	gauge := func(name, help string, v func(CacheStats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return v(stats()) })
	}
	m.reg.MustRegister(
		counter("catalog_cache_hits_total", "Responses served from the cache.", func(s CacheStats) float64 { return float64(s.Hits) }),
		counter("catalog_cache_misses_total", "Responses the cache did not hold.", func(s CacheStats) float64 { return float64(s.Misses) }),
		counter("catalog_cache_evictions_total", "Responses evicted to stay within the bound.", func(s CacheStats) float64 { return float64(s.Evictions) }),
		gauge("catalog_cache_bytes", "Bytes the cache holds, per-entry overhead included.", func(s CacheStats) float64 { return float64(s.Bytes) }),
		gauge("catalog_cache_max_bytes", "The cache's bound in bytes.", func(s CacheStats) float64 { return float64(s.MaxBytes) }),
		gauge("catalog_cache_entries", "Responses the cache holds.", func(s CacheStats) float64 { return float64(s.Entries) }),
	)
}

// RemoteStats are the counters of a shared cache tier.
type RemoteStats struct {
	Hits, Misses, Errors, Skipped uint64
}

// WatchRemote exposes a shared cache tier's counters, read at each scrape.
func (m *Metrics) WatchRemote(stats func() RemoteStats) {
	vec := prometheus.NewDesc("catalog_remote_cache_requests_total",
		"Calls to the shared cache tier by outcome: hit, miss, error (failed or timed out), skipped (after a recent error).", []string{"outcome"}, nil)
	m.reg.MustRegister(collectorFunc{desc: vec, collect: func(ch chan<- prometheus.Metric) {
		s := stats()
		for outcome, v := range map[string]uint64{"hit": s.Hits, "miss": s.Misses, "error": s.Errors, "skipped": s.Skipped} {
			ch <- prometheus.MustNewConstMetric(vec, prometheus.CounterValue, float64(v), outcome)
		}
	}})
}

// collectorFunc is a collector of one described metric.
type collectorFunc struct {
	desc    *prometheus.Desc
	collect func(chan<- prometheus.Metric)
}

func (c collectorFunc) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }
func (c collectorFunc) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }

// WatchCatalog exposes the generation, size and load time of the catalog
// a store serves, asked at each scrape.
func (m *Metrics) WatchCatalog(store catalog.Describer) {
	m.reg.MustRegister(&catalogCollector{store: store,
		generation: prometheus.NewDesc("catalog_generation", "Loads made live in the store; 0 before any.", nil, nil),
		products:   prometheus.NewDesc("catalog_products", "Products in the catalog being served.", nil, nil),
		loadedAt:   prometheus.NewDesc("catalog_loaded_timestamp_seconds", "When the catalog being served was made live.", nil, nil),
		up:         prometheus.NewDesc("catalog_store_up", "1 if the store answered the scrape's question, else 0.", nil, nil),
	})
}

type catalogCollector struct {
	store                              catalog.Describer
	generation, products, loadedAt, up *prometheus.Desc
}

func (c *catalogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.generation
	ch <- c.products
	ch <- c.loadedAt
	ch <- c.up
}

func (c *catalogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	info, err := c.store.CatalogInfo(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(c.generation, prometheus.GaugeValue, float64(info.Generation))
	ch <- prometheus.MustNewConstMetric(c.products, prometheus.GaugeValue, float64(info.Products))
	if !info.LoadedAt.IsZero() {
		ch <- prometheus.MustNewConstMetric(c.loadedAt, prometheus.GaugeValue, float64(info.LoadedAt.UnixMilli())/1000)
	}
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
