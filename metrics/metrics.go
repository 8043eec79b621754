// Package metrics exposes the service's workings to Prometheus
// (client_golang): request durations by route and status class, requests
// in flight, the response cache's counters, the catalog being served, the
// store's connection pools, an import's progress, storefronts'
// interactions, and the Go runtime's and the process's own metrics.
package metrics

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"catalog"
	"catalog/internal/pool"
)

// Metrics is a registry of the service's metrics.
type Metrics struct {
	reg      *prometheus.Registry
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge

	importSize  *prometheus.GaugeVec
	importRead  *prometheus.CounterVec
	importRows  *prometheus.CounterVec
	importFiles *prometheus.CounterVec

	changedProducts prometheus.Counter
	historyGaps     prometheus.Counter
	followed        atomic.Int64 // the generation of the last update counted; -1 before one

	interactions *prometheus.CounterVec
	// widgets are the counters of the widgets with a label of their own,
	// at most widgetLabels; otherWidgets counts the rest.
	widgetsMu    sync.RWMutex
	widgets      map[string]prometheus.Counter
	otherWidgets prometheus.Counter
}

// widgetLabels is how many widgets catalog_interactions_total gives a
// label of their own: widgets are what clients send, so the label's values
// are bounded.
const widgetLabels = 32

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
	m.followed.Store(-1)
	m.importSize = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "catalog_import_file_size_bytes",
		Help: "The size of each file of the import under way or last made.",
	}, []string{"file"})
	m.importRead = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "catalog_import_read_bytes_total",
		Help: "Bytes of each dataset file read by imports.",
	}, []string{"file"})
	m.importRows = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "catalog_import_rows_total",
		Help: "Records of each dataset file read by imports: accepted (handed to the store) or rejected.",
	}, []string{"file", "outcome"})
	m.importFiles = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "catalog_import_files_total",
		Help: "Dataset files imports started and finished (or abandoned).",
	}, []string{"state"})
	m.changedProducts = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "catalog_changed_products_total",
		Help: "Products whose responses the new catalogs this instance followed changed (a product changed by two generations counts twice).",
	})
	m.historyGaps = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "catalog_history_gaps_total",
		Help: "New catalogs whose changes this instance could not read or had fallen behind: every cached response was taken as changed.",
	})
	m.interactions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "catalog_interactions_total",
		Help: "Interactions (clicks) storefronts sent that were taken to be written, by widget: the first " + strconv.Itoa(widgetLabels) +
			` widgets this instance took have a label of their own; the rest, and text that is not UTF-8, count under widget="other".`,
	}, []string{"widget"})
	m.widgets, m.otherWidgets = map[string]prometheus.Counter{}, m.interactions.WithLabelValues("other")
	m.reg.MustRegister(m.duration, m.inFlight, m.importSize, m.importRead, m.importRows, m.importFiles, m.changedProducts, m.historyGaps,
		m.interactions, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ImportStarted records the start of a file's import.
func (m *Metrics) ImportStarted(file string, size int64) {
	m.importFiles.WithLabelValues("started").Inc()
	m.importSize.WithLabelValues(file).Set(float64(size))
}

// ImportRead records bytes of a file read by an import.
func (m *Metrics) ImportRead(file string, n int) { m.importRead.WithLabelValues(file).Add(float64(n)) }

// ImportRows records records of a file accepted and rejected by an import.
func (m *Metrics) ImportRows(file string, accepted, rejected int64) {
	m.importRows.WithLabelValues(file, "accepted").Add(float64(accepted))
	m.importRows.WithLabelValues(file, "rejected").Add(float64(rejected))
}

// ImportDone records the end of a file's import.
func (m *Metrics) ImportDone(string) { m.importFiles.WithLabelValues("done").Inc() }

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
	Hits, Misses, Evictions uint64
	Entries                 int
	Bytes, MaxBytes         uint64
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

// AdmissionStats are the counters of the bound on requests in flight
// (limit.Stats, converted).
type AdmissionStats struct {
	Admitted, Queued, Shed, Waiting int64
}

// WatchAdmission exposes the counters of a bound on requests in flight,
// read at each scrape, labelled requests="reads" (every request but
// shoppers' writes) or "writes" (shoppers' writes, bounded apart).
func (m *Metrics) WatchAdmission(requests string, stats func() AdmissionStats) {
	labels := prometheus.Labels{"requests": requests}
	counter := func(name, help string, v func(AdmissionStats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels},
			func() float64 { return float64(v(stats())) })
	}
	m.reg.MustRegister(
		counter("catalog_http_requests_admitted_total", "Requests let through by the bound on requests in flight.", func(s AdmissionStats) int64 { return s.Admitted }),
		counter("catalog_http_requests_queued_total", "Admitted requests that waited for a turn first.", func(s AdmissionStats) int64 { return s.Queued }),
		counter("catalog_http_requests_shed_total", "Requests answered 503 because they would have waited past the queue-wait budget, or the queue was full.", func(s AdmissionStats) int64 { return s.Shed }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "catalog_http_requests_waiting", Help: "Requests waiting for a turn.", ConstLabels: labels},
			func() float64 { return float64(stats().Waiting) }),
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
	m.reg.MustRegister(collector{
		describe: func(ch chan<- *prometheus.Desc) { ch <- vec },
		collect: func(ch chan<- prometheus.Metric) {
			s := stats()
			for outcome, v := range map[string]uint64{"hit": s.Hits, "miss": s.Misses, "error": s.Errors, "skipped": s.Skipped} {
				ch <- prometheus.MustNewConstMetric(vec, prometheus.CounterValue, float64(v), outcome)
			}
		},
	})
}

// InteractionTaken counts an interaction taken to be written, by its
// widget (catalog.ClickConfig.Taken).
func (m *Metrics) InteractionTaken(widget string) { m.widgetCounter(widget).Inc() }

// widgetCounter returns the counter of a widget's interactions: its own
// while fewer than widgetLabels widgets have one, else the others'.
func (m *Metrics) widgetCounter(widget string) prometheus.Counter {
	m.widgetsMu.RLock()
	c, ok := m.widgets[widget]
	full := len(m.widgets) >= widgetLabels
	m.widgetsMu.RUnlock()
	switch {
	case ok:
		return c
	case full || !utf8.ValidString(widget): // a label must be UTF-8
		return m.otherWidgets
	}
	m.widgetsMu.Lock()
	defer m.widgetsMu.Unlock()
	if c, ok := m.widgets[widget]; ok {
		return c
	}
	if len(m.widgets) >= widgetLabels {
		return m.otherWidgets
	}
	c = m.interactions.WithLabelValues(widget)
	m.widgets[widget] = c
	return c
}

// InteractionStats are the counters of the writer of storefronts'
// interactions (catalog.ClickStats, converted). Taken is counted by
// widget instead, through InteractionTaken.
type InteractionStats struct {
	Taken, Batches, Shed, Dropped, Queued int64
}

// WatchInteractions exposes the counters of the writer of storefronts'
// interactions, read at each scrape.
func (m *Metrics) WatchInteractions(stats func() InteractionStats) {
	counter := func(name, help string, v func(InteractionStats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(v(stats())) })
	}
	m.reg.MustRegister(
		counter("catalog_interactions_shed_total", "Interactions answered 503, not taken: the queue of those waiting to be written was full, or the service was stopping.",
			func(s InteractionStats) int64 { return s.Shed }),
		counter("catalog_interactions_dropped_total", "Interactions taken, then dropped: every write of their batch failed.",
			func(s InteractionStats) int64 { return s.Dropped }),
		counter("catalog_interaction_batches_total", "Batches of interactions written to the store.",
			func(s InteractionStats) int64 { return s.Batches }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "catalog_interactions_queued", Help: "Interactions taken and waiting to be written."},
			func() float64 { return float64(stats().Queued) }),
	)
}

// CatalogUpdated counts what a new catalog changed, as the service's feed
// of the catalog hands it on (catalog.Feed). The first update's history is
// the store's, from before the instance started: it is not counted.
func (m *Metrics) CatalogUpdated(u catalog.Update) {
	seen := m.followed.Swap(u.History.To)
	switch {
	case seen < 0:
	case u.History.From > seen:
		m.historyGaps.Inc()
	default:
		for _, c := range u.History.Changes {
			m.changedProducts.Add(float64(len(c.Products)))
		}
	}
}

// WatchCatalog exposes the generation, size and load time of the catalog
// served, as current reports it at each scrape (catalog.Feed.Current):
// the metrics ask the service's one reader of the catalog, not the store.
func (m *Metrics) WatchCatalog(current func() (catalog.CatalogInfo, error)) {
	m.reg.MustRegister(&catalogCollector{current: current,
		generation: prometheus.NewDesc("catalog_generation", "Loads made live in the store; 0 before any.", nil, nil),
		products:   prometheus.NewDesc("catalog_products", "Products in the catalog being served.", nil, nil),
		loadedAt:   prometheus.NewDesc("catalog_loaded_timestamp_seconds", "When the catalog being served was made live.", nil, nil),
		up:         prometheus.NewDesc("catalog_store_up", "1 if the store answered the last question about its catalog, else 0.", nil, nil),
	})
}

type catalogCollector struct {
	current                            func() (catalog.CatalogInfo, error)
	generation, products, loadedAt, up *prometheus.Desc
}

func (c *catalogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.generation
	ch <- c.products
	ch <- c.loadedAt
	ch <- c.up
}

func (c *catalogCollector) Collect(ch chan<- prometheus.Metric) {
	info, err := c.current()
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

// WatchPools exposes the state of a store's connection pools, read at each
// scrape.
func (m *Metrics) WatchPools(stats func() []pool.Stats) {
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, []string{"pool"}, nil)
	}
	type metric struct {
		desc  *prometheus.Desc
		typ   prometheus.ValueType
		value func(pool.Stats) float64
	}
	all := []metric{
		{desc("catalog_store_pool_max_conns", "The most connections the pool opens."), prometheus.GaugeValue,
			func(s pool.Stats) float64 { return float64(s.MaxConns) }},
		{desc("catalog_store_pool_conns", "Connections open."), prometheus.GaugeValue,
			func(s pool.Stats) float64 { return float64(s.Conns) }},
		{desc("catalog_store_pool_conns_in_use", "Connections busy with a statement or transaction."), prometheus.GaugeValue,
			func(s pool.Stats) float64 { return float64(s.InUse) }},
		{desc("catalog_store_pool_waits_total", "Times a caller waited for a connection."), prometheus.CounterValue,
			func(s pool.Stats) float64 { return float64(s.Waits) }},
		{desc("catalog_store_pool_wait_seconds_total", "Time callers waited for a connection."), prometheus.CounterValue,
			func(s pool.Stats) float64 { return s.WaitTime.Seconds() }},
		{desc("catalog_store_pool_reads_total", "Catalog reads the pool served."), prometheus.CounterValue,
			func(s pool.Stats) float64 { return float64(s.Reads) }},
		{desc("catalog_store_pool_usable", "1 if the pool may serve; 0 for a replica skipped as down or behind the primary."), prometheus.GaugeValue,
			func(s pool.Stats) float64 {
				if s.Usable {
					return 1
				}
				return 0
			}},
	}
	m.reg.MustRegister(collector{
		describe: func(ch chan<- *prometheus.Desc) {
			for _, x := range all {
				ch <- x.desc
			}
		},
		collect: func(ch chan<- prometheus.Metric) {
			for _, s := range stats() {
				for _, x := range all {
					ch <- prometheus.MustNewConstMetric(x.desc, x.typ, x.value(s), s.Name)
				}
			}
		},
	})
}

// collector is a collector of several described metrics.
type collector struct {
	describe func(chan<- *prometheus.Desc)
	collect  func(chan<- prometheus.Metric)
}

func (c collector) Describe(ch chan<- *prometheus.Desc) { c.describe(ch) }
func (c collector) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
