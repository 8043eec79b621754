// Command report turns the results bench/run.sh collects into
// docs/benchmarks.md: the closed-loop table against the fixed-body
// ceiling, each store's open-model sweep with its chart, deep pages, memory,
// and where each of the targets stands.
//
//	go run ./bench/report --in RESULTS --stores "sqlite postgres" --out docs/benchmarks.md
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"catalog/loadtest"
)

// wrkResult is the line bench/mix.lua prints when wrk is done.
type wrkResult struct {
	Requests     int     `json:"requests"`
	Seconds      float64 `json:"seconds"`
	RPS          float64 `json:"rps"`
	P50          float64 `json:"p50_ms"`
	P90          float64 `json:"p90_ms"`
	P99          float64 `json:"p99_ms"`
	Max          float64 `json:"max_ms"`
	Non2xx       int     `json:"non2xx"`
	SocketErrors int     `json:"socket_errors"`
}

type cacheStats struct{ Hits, Misses, Evictions, Bytes uint64 }

// page is one deep-page run; latencies as wrk prints them (950.00us, 1.23ms).
type page struct {
	Page int     `json:"page"`
	P50  string  `json:"p50"`
	P99  string  `json:"p99"`
	RPS  float64 `json:"rps"`
}

func main() {
	in := flag.String("in", "", "the folder of results bench/run.sh wrote")
	storesFlag := flag.String("stores", "sqlite postgres", "the stores measured")
	out := flag.String("out", "docs/benchmarks.md", "the report to write; charts go beside it, in a folder of its name")
	flag.Parse()
	stores := strings.Fields(*storesFlag)
	r := &reader{dir: *in}
	chartDir := strings.TrimSuffix(*out, ".md")
	if err := os.MkdirAll(chartDir, 0o755); err != nil {
		log.Fatal(err)
	}

	var b strings.Builder
	machine := r.text("machine.txt")
	before, after := r.wrk("ceiling-before"), r.wrk("ceiling-after")
	ceiling := (before.RPS + after.RPS) / 2

	b.WriteString("# Benchmarks\n\n")
	b.WriteString("Written by `bash bench/run.sh` (the numbers below are from one run of it; rerun it to check them).\n")
	b.WriteString("The machine is shared and noisy: compare the ratios measured in the same run, not the absolute figures across runs.\n")
	b.WriteString("What the CPU profiles showed, and what was changed for it, is in [profiles.md](profiles.md).\n\n")
	b.WriteString("## Machine and settings\n\n")
	for _, l := range strings.Split(strings.TrimSpace(machine), "\n") {
		fmt.Fprintf(&b, "- %s\n", l)
	}
	b.WriteString("\nThe load generator runs on the same two cores as the server, as it did for the ceiling.\n\n")

	b.WriteString("## Closed loop: wrk -c64, the classic mix\n\n")
	b.WriteString("Equal shares of `/products/{id}`, `/products/{id}/styles`, `/products/{id}/related` and `/products?page=…&count=5`; ")
	b.WriteString("hot: ids uniform among the last 10% of products, cache on (512 MiB, first filled with every response of those products by bench/warm.lua); cold: cache off, ids uniform over all products.\n")
	b.WriteString("The ceiling is `bench/ceiling`, a Go net/http server answering a fixed 1,900-byte JSON body, measured before and after the stores with the same script.\n\n")
	b.WriteString("| run | requests/s | share of ceiling | p50 ms | p90 ms | p99 ms | max ms | non-2xx | socket errors |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	row := func(name string, w wrkResult) {
		fmt.Fprintf(&b, "| %s | %.0f | %.0f%% | %.2f | %.2f | %.2f | %.1f | %d | %d |\n",
			name, w.RPS, 100*w.RPS/ceiling, w.P50, w.P90, w.P99, w.Max, w.Non2xx, w.SocketErrors)
	}
	row("ceiling (before)", before)
	row("ceiling (after)", after)
	for _, s := range stores {
		row(s+" hot", r.wrk(s+"-hot"))
		row(s+" cold", r.wrk(s+"-cold"))
	}
	b.WriteString("\nShares are of the mean of the two ceiling runs.\n\n")

	b.WriteString("### Cache during the hot run\n\n| store | hits | misses | hit ratio | bytes held | evictions |\n|---|---:|---:|---:|---:|---:|\n")
	for _, s := range stores {
		c0, c1 := r.cache(s+"-cache-before"), r.cache(s+"-cache-after")
		hits, misses := c1.Hits-c0.Hits, c1.Misses-c0.Misses
		fmt.Fprintf(&b, "| %s | %d | %d | %.1f%% | %.0f MiB | %d |\n", s, hits, misses,
			100*float64(hits)/float64(max(hits+misses, 1)), float64(c1.Bytes)/(1<<20), c1.Evictions)
	}

	b.WriteString("\n## Open model: catalog bench, the classic mix\n\n")
	b.WriteString("vegeta at a constant rate per step: requests go out on schedule whether or not earlier ones were answered. Cache on, warm from the runs above.\n\n")
	sweeps := map[string]*loadtest.Report{}
	for _, s := range stores {
		var rep loadtest.Report
		r.json(filepath.Join(s+"-sweep", "bench.json"), &rep)
		sweeps[s] = &rep
		var md strings.Builder
		if err := rep.WriteMarkdown(&md); err != nil {
			log.Fatal(err)
		}
		b.WriteString(md.String())
		svg := s + "-sweep.svg"
		if err := os.WriteFile(filepath.Join(chartDir, svg), []byte(r.text(filepath.Join(s+"-sweep", "bench.svg"))), 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(&b, "\n![%s sweep](%s/%s)\n\n", s, filepath.Base(chartDir), svg)
	}

	b.WriteString("## Deep pages: /products?page=N&count=5, no cache\n\nwrk -t1 -c4 -d10s --latency on one URL each.\n\n")
	b.WriteString("| store | page | requests/s | p50 | p99 |\n|---|---:|---:|---:|---:|\n")
	pages := map[string][2]page{}
	for _, s := range stores {
		p1, pDeep := r.page(s+"-page-1"), r.page(s+"-page-200000")
		pages[s] = [2]page{p1, pDeep}
		for _, p := range []page{p1, pDeep} {
			fmt.Fprintf(&b, "| %s | %d | %.0f | %s | %s |\n", s, p.Page, p.RPS, p.P50, p.P99)
		}
	}

	b.WriteString("\n## Memory of the service\n\nFrom /proc/PID/status after the hot run and after the sweep (cache at its default 512 MiB). VmHWM is the peak.\n\n")
	b.WriteString("| store | after | VmRSS | VmHWM | RssAnon | RssFile |\n|---|---|---:|---:|---:|---:|\n")
	peak := map[string]float64{}
	for _, s := range stores {
		for _, when := range []string{"rss", "rss-sweep"} {
			m := map[string]float64{}
			r.json(s+"-"+when+".json", &m)
			label := map[string]string{"rss": "hot run", "rss-sweep": "sweep"}[when]
			fmt.Fprintf(&b, "| %s | %s | %.0f MiB | %.0f MiB | %.0f MiB | %.0f MiB |\n", s, label,
				m["VmRSS"]/1024, m["VmHWM"]/1024, m["RssAnon"]/1024, m["RssFile"]/1024)
			peak[s] = max(peak[s], m["VmHWM"]/1024)
		}
	}

	b.WriteString("\n## Targets\n\n| target | store | measured | met |\n|---|---|---|---|\n")
	verdict := func(ok bool) string {
		if ok {
			return "yes"
		}
		return "**no**"
	}
	for _, s := range stores {
		hot, cold := r.wrk(s+"-hot"), r.wrk(s+"-cold")
		fmt.Fprintf(&b, "| closed loop, hot: ≥ 70%% of the ceiling, zero non-2xx | %s | %.0f%% (%.0f of %.0f req/s), %d non-2xx | %s |\n",
			s, 100*hot.RPS/ceiling, hot.RPS, ceiling, hot.Non2xx, verdict(hot.RPS >= 0.7*ceiling && hot.Non2xx == 0 && hot.SocketErrors == 0))
		fmt.Fprintf(&b, "| closed loop, cold: ≥ 25%% of the ceiling | %s | %.0f%% (%.0f req/s), %d non-2xx | %s |\n",
			s, 100*cold.RPS/ceiling, cold.RPS, cold.Non2xx, verdict(cold.RPS >= 0.25*ceiling && cold.Non2xx == 0))
		for _, t := range []struct {
			rate  int
			p99   float64
			clean bool
		}{{2000, 5, true}, {5000, 20, false}} {
			st, ok := stepAt(sweeps[s], t.rate)
			measured, met := "not reached", false
			if ok {
				measured = fmt.Sprintf("p99 %.2f ms, errors %.2f%%", st.P99, 100*st.ErrorRate)
				met = st.P99 < t.p99 && (!t.clean || st.ErrorRate == 0) && st.Failed == ""
			}
			cond := fmt.Sprintf("p99 < %g ms", t.p99)
			if t.clean {
				cond += ", no errors"
			}
			fmt.Fprintf(&b, "| open model at %d/s: %s | %s | %s | %s |\n", t.rate, cond, s, measured, verdict(met))
		}
		p := pages[s]
		a, c := millis(p[0].P50), millis(p[1].P50)
		fmt.Fprintf(&b, "| page 200000 within 2× the latency of page 1 (p50) | %s | %s against %s (%.2f×) | %s |\n",
			s, p[1].P50, p[0].P50, c/a, verdict(c <= 2*a))
		fmt.Fprintf(&b, "| service RSS < 1 GiB, default cache | %s | peak %.0f MiB | %s |\n", s, peak[s], verdict(peak[s] < 1024))
	}
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

func stepAt(r *loadtest.Report, rate int) (loadtest.Step, bool) {
	for _, s := range r.Steps {
		if s.Rate == rate {
			return s, true
		}
	}
	return loadtest.Step{}, false
}

// millis parses a latency as wrk prints it (950.00us, 1.23ms, 1.02s, 1.50m).
func millis(s string) float64 {
	for _, u := range []struct {
		suffix string
		scale  time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				log.Fatalf("latency %q: %v", s, err)
			}
			return f * float64(u.scale) / float64(time.Millisecond)
		}
	}
	log.Fatalf("latency %q has no unit", s)
	return 0
}

type reader struct{ dir string }

func (r *reader) text(name string) string {
	b, err := os.ReadFile(filepath.Join(r.dir, name))
	if err != nil {
		log.Fatal(err)
	}
	return string(b)
}

func (r *reader) json(name string, v any) {
	if err := json.Unmarshal([]byte(r.text(name)), v); err != nil {
		log.Fatalf("%s: %v", name, err)
	}
}

func (r *reader) wrk(name string) (w wrkResult) { r.json(name+".wrk.json", &w); return w }

func (r *reader) cache(name string) (c cacheStats) { r.json(name+".json", &c); return c }

func (r *reader) page(name string) (p page) { r.json(name+".json", &p); return p }
