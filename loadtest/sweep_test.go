package loadtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"catalog/loadtest"
)

// quickOptions are a short sweep's settings.
func quickOptions(rates ...int) loadtest.Options {
	o := loadtest.DefaultOptions
	o.Rates, o.Duration, o.Timeout = rates, 300*time.Millisecond, 2*time.Second
	return o
}

func TestSweep(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		var hits atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			_, _ = w.Write([]byte("[]"))
		}))
		defer srv.Close()
		var answered atomic.Int64
		opts := quickOptions(50, 100)
		opts.Progress = func(_, n int) { answered.Store(int64(n)) }
		steps, err := loadtest.Sweep(context.Background(), loadtest.NewTargets(srv.URL, loadtest.Classic, loadtest.Uniform, 10, 1).Targeter(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) != 2 {
			t.Fatalf("%d steps, want 2", len(steps))
		}
		total := 0
		for i, s := range steps {
			want := opts.Rates[i] * 3 / 10
			if s.Rate != opts.Rates[i] || s.Requests < want-2 || s.Requests > want+2 || s.ErrorRate != 0 || s.Failed != "" ||
				s.Achieved < 0.8*float64(s.Rate) || s.Achieved > 1.2*float64(s.Rate) {
				t.Errorf("step %d = %+v, want about %d requests, no errors, about the rate achieved", i, s, want)
			}
			if s.P50 <= 0 || s.P50 > s.P90 || s.P90 > s.P99 || s.P99 > s.Max {
				t.Errorf("step %d percentiles out of order: %+v", i, s)
			}
			total += s.Requests
		}
		if hits.Load() != int64(total) || answered.Load() != int64(steps[1].Requests) {
			t.Fatalf("server saw %d requests, steps counted %d, progress last said %d", hits.Load(), total, answered.Load())
		}
	})
	// A step with too many errors stops the sweep; errors are counted by
	// status code.
	t.Run("StopOnErrors", func(t *testing.T) {
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1)%4 == 0 {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
		}))
		defer srv.Close()
		steps, err := loadtest.Sweep(context.Background(), loadtest.NewTargets(srv.URL, loadtest.Classic, loadtest.Uniform, 10, 1).Targeter(), quickOptions(40, 80, 160))
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) != 1 {
			t.Fatalf("%d steps ran, want the sweep to stop after the first", len(steps))
		}
		s := steps[0]
		if s.Errors["503"] != s.Requests/4 || len(s.Errors) != 1 || !strings.Contains(s.Failed, "errors over 5%") {
			t.Fatalf("step = %+v, want a quarter of 503s and a failure", s)
		}
	})
	t.Run("StopOnP99", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(30 * time.Millisecond)
		}))
		defer srv.Close()
		opts := quickOptions(40, 80)
		opts.StopP99 = 10 * time.Millisecond
		steps, _ := loadtest.Sweep(context.Background(), loadtest.NewTargets(srv.URL, loadtest.Classic, loadtest.Uniform, 10, 1).Targeter(), opts)
		if len(steps) != 1 || !strings.HasPrefix(steps[0].Failed, "p99 over") || steps[0].P50 < 30 {
			t.Fatalf("steps = %+v, want one failed for its p99", steps)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		steps, _ := loadtest.Sweep(context.Background(), loadtest.NewTargets(url, loadtest.Classic, loadtest.Uniform, 10, 1).Targeter(), quickOptions(20))
		if len(steps) != 1 || steps[0].Errors["refused"] != steps[0].Requests || steps[0].ErrorRate != 1 {
			t.Fatalf("steps = %+v, want every request refused", steps)
		}
	})
	t.Run("Canceled", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		ctx, cancel := context.WithCancel(context.Background())
		opts := quickOptions(50, 50)
		opts.Duration = time.Minute
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		_, err := loadtest.Sweep(ctx, loadtest.NewTargets(srv.URL, loadtest.Classic, loadtest.Uniform, 10, 1).Targeter(), opts)
		if err == nil || time.Since(start) > 10*time.Second {
			t.Fatalf("err = %v after %v; want the sweep cut short", err, time.Since(start))
		}
	})
}

func TestDiscoverProducts(t *testing.T) {
	for _, n := range []int64{1, 2, 37, 1024, 1000011} {
		t.Run(strconv.FormatInt(n, 10), func(t *testing.T) {
			var asked atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				asked.Add(1)
				id, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/products/"), 10, 64)
				if err != nil || id < 1 || id > n {
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			got, err := loadtest.DiscoverProducts(context.Background(), srv.Client(), srv.URL)
			if err != nil || got != n {
				t.Fatalf("DiscoverProducts = %d, %v; want %d", got, err, n)
			}
			if asked.Load() > 45 {
				t.Fatalf("%d requests to find %d", asked.Load(), n)
			}
		})
	}
	t.Run("ErrEmpty", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		if _, err := loadtest.DiscoverProducts(context.Background(), srv.Client(), srv.URL); err == nil || !strings.Contains(err.Error(), "no product 1") {
			t.Fatalf("err = %v, want no product 1", err)
		}
	})
	t.Run("ErrStatus", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
		defer srv.Close()
		if _, err := loadtest.DiscoverProducts(context.Background(), srv.Client(), srv.URL); err == nil || !strings.Contains(err.Error(), "503") {
			t.Fatalf("err = %v, want the 503 reported", err)
		}
	})
}

func TestReport(t *testing.T) {
	r := &loadtest.Report{Title: "a <test> run", Settings: []string{"mix: classic"}, Steps: []loadtest.Step{
		{Rate: 100, Achieved: 100, Requests: 3000, P50: 0.4, P90: 0.8, P99: 2.5, Max: 12, Errors: map[string]int{}},
		{Rate: 5000, Achieved: 4100, Requests: 150000, P50: 3, P90: 40, P99: 900, Max: 2100,
			Errors: map[string]int{"503": 300, "timeout": 1200}, ErrorRate: 0.01, Failed: "p99 over 500ms"},
	}}
	var md bytes.Buffer
	if err := r.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"### a <test> run", "- mix: classic",
		"| 100 | 100 | 3000 | 0.40 | 0.80 | 2.50 | 12.0 | none | ok |",
		"| 5000 | 4100 | 150000 | 3.00 | 40.00 | 900.00 | 2100.0 | 1.00% (timeout: 1200, 503: 300) | failed: p99 over 500ms |",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back loadtest.Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Steps[1].Errors["timeout"] != 1200 || back.Steps[1].P99 != 900 {
		t.Fatalf("JSON round trip: %v, %+v", err, back)
	}
	var svg bytes.Buffer
	if err := r.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	// Well-formed XML, the title escaped, a line per percentile.
	dec := xml.NewDecoder(&svg)
	lines := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("SVG is not well-formed: %v", err)
			}
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "polyline" {
			lines++
		}
	}
	if lines != 4 {
		t.Fatalf("%d series drawn, want 4 (p50, p90, p99, max)", lines)
	}
}
