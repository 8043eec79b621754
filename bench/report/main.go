// Command report turns the results bench/run.sh collects into
// docs/benchmarks.md: the closed-loop table against the fixed-body
// ceiling, each store's open-model sweep with its chart, deep pages, memory,
// and where each of the targets stands.
//
//	go run ./bench/report --in RESULTS --stores "sqlite postgres" --out docs/benchmarks.md
//
// With --closed it turns what bench/closed.sh collects into one Markdown
// table instead, printed and written to RESULTS/closed.md:
//
//	go run ./bench/report --closed --in RESULTS
//
// With --storm it prints the table of what bench/storm.sh collects:
//
//	go run ./bench/report --storm --in RESULTS
//
// Throughput is 2xx answers per second: a non-2xx answer is not a request
// served, however fast it came. Non-2xx are shown by status, and a run with
// any of them, or with a socket error, meets no target.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dustin/go-humanize"

	"catalog/loadtest"
)

// wrkResult is the line bench/mix.lua prints when wrk is done.
type wrkResult struct {
	Requests int     `json:"requests"` // every response, whatever its status
	Seconds  float64 `json:"seconds"`
	RPS      float64 `json:"rps"` // Requests per second: not the throughput
	// OK is the 2xx among Requests, nil in results from before mix.lua
	// counted them: the throughput is then unknown.
	OK *int `json:"ok"`
	// Status holds the non-2xx by status code ("503"), and "unseen" for any
	// response wrk counted whose status mix.lua did not see.
	Status       map[string]int `json:"status"`
	P50          float64        `json:"p50_ms"`
	P90          float64        `json:"p90_ms"`
	P99          float64        `json:"p99_ms"`
	Max          float64        `json:"max_ms"`
	Non2xx       int            `json:"non2xx"` // Requests - OK; in older results, wrk's count of statuses over 399
	SocketErrors int            `json:"socket_errors"`
}

// throughput is the 2xx per second; ok is false when the result does not
// say how many answers were 2xx.
func (w wrkResult) throughput() (rps float64, ok bool) {
	if w.OK == nil || w.Seconds <= 0 {
		return 0, false
	}
	return float64(*w.OK) / w.Seconds, true
}

// clean reports whether every answer was a 2xx and no socket failed; a
// result that does not count its 2xx is not clean.
func (w wrkResult) clean() bool {
	return w.OK != nil && *w.OK == w.Requests && w.SocketErrors == 0
}

// non2xx describes the answers that were not 2xx, by status: "503: 1,234,
// 429: 17", "0", or, for results without the counts, unknown.
func (w wrkResult) non2xx() string {
	if w.OK == nil {
		return fmt.Sprintf("unknown (wrk: %s over 399)", thousands(w.Non2xx))
	}
	if len(w.Status) == 0 && *w.OK == w.Requests {
		return "0"
	}
	codes := make([]string, 0, len(w.Status))
	for c := range w.Status {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool { // the most first
		a, b := codes[i], codes[j]
		return w.Status[a] > w.Status[b] || w.Status[a] == w.Status[b] && a < b
	})
	parts := make([]string, 0, len(codes))
	for _, c := range codes {
		parts = append(parts, c+": "+thousands(w.Status[c]))
	}
	if len(parts) == 0 { // the counts do not add up: say so rather than 0
		parts = append(parts, "other: "+thousands(w.Requests-*w.OK))
	}
	return "**" + strings.Join(parts, ", ") + "**"
}

// thousands writes n with commas: 1,234,567.
func thousands(n int) string { return humanize.Comma(int64(n)) }

// rate writes a throughput, or "unknown".
func rate(rps float64, ok bool) string {
	if !ok {
		return "unknown"
	}
	return thousands(int(rps + 0.5))
}

// share writes rps as a share of the ceiling, or "unknown".
func share(rps float64, ok bool, ceiling float64, ceilingOK bool) string {
	if !ok || !ceilingOK || ceiling <= 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.0f%%", 100*rps/ceiling)
}

type cacheStats struct{ Hits, Misses, Evictions, Bytes uint64 }

// page is one deep-page run: mix.lua's result for one URL.
type page struct {
	Page int `json:"page"`
	wrkResult
}

func main() {
	in := flag.String("in", "", "the folder of results bench/run.sh wrote")
	storesFlag := flag.String("stores", "sqlite postgres", "the stores measured")
	out := flag.String("out", "docs/benchmarks.md", "the report to write; charts go beside it, in a folder of its name")
	closed := flag.Bool("closed", false, "the folder is bench/closed.sh's: print its table and write it to closed.md there")
	stormRun := flag.Bool("storm", false, "the folder is bench/storm.sh's: print its table")
	flag.Parse()
	stores := strings.Fields(*storesFlag)
	r := &reader{dir: *in}
	if *closed {
		writeClosed(r)
		return
	}
	if *stormRun {
		if err := storm(*in, os.Stdout); err != nil {
			log.Fatal(err)
		}
		return
	}
	chartDir := strings.TrimSuffix(*out, ".md")
	if err := os.MkdirAll(chartDir, 0o755); err != nil {
		log.Fatal(err)
	}

	var b strings.Builder
	machine := r.text("machine.txt")
	before, after := r.wrk("ceiling-before"), r.wrk("ceiling-after")
	b0, ok0 := before.throughput()
	b1, ok1 := after.throughput()
	ceiling, ceilingOK := (b0+b1)/2, ok0 && ok1

	b.WriteString("# Benchmarks\n\n")
	b.WriteString("Written by `bash bench/run.sh` (the numbers below are from one run of it; rerun it to check them).\n")
	b.WriteString("The machine is shared and noisy: compare the ratios measured in the same run, not the absolute figures across runs.\n")
	b.WriteString("What the CPU profiles showed, and what was changed for it, is in [profiles.md](profiles.md).\n")
	b.WriteString("Throughput counts 2xx answers only: a non-2xx answer, however fast, is not a request served. The non-2xx are counted apart, by status, and a run with any of them, or with a socket error, meets no target. ")
	b.WriteString("wrk counts the statuses through bench/mix.lua's response() callback, which costs the load generator CPU on the cores the server uses; the ceiling, measured with the same script, pays the same for each answer.\n")
	b.WriteString("`bash bench/closed.sh` measures the closed-loop matrix (each store, connection count, cache on and off, id range), binaries side by side, and writes its table beside its results.\n\n")
	b.WriteString("## Machine and settings\n\n")
	for _, l := range strings.Split(strings.TrimSpace(machine), "\n") {
		fmt.Fprintf(&b, "- %s\n", l)
	}
	b.WriteString("\nThe load generator runs on the same two cores as the server, as it did for the ceiling.\n\n")

	b.WriteString("## Closed loop: wrk -c64, the classic mix\n\n")
	b.WriteString("Equal shares of `/products/{id}`, `/products/{id}/styles`, `/products/{id}/related` and `/products?page=…&count=5`; ")
	b.WriteString("hot: ids uniform among the last 10% of products, cache on (512 MiB, first filled with every response of those products by bench/warm.lua); cold: cache off, ids uniform over all products.\n")
	b.WriteString("The ceiling is `bench/ceiling`, a Go net/http server answering a fixed 1,900-byte JSON body, measured before and after the stores with the same script.\n")
	b.WriteString("2xx/s and the shares count 2xx answers only; latencies are of every answer.\n\n")
	b.WriteString("| run | 2xx/s | share of ceiling | p50 ms | p90 ms | p99 ms | max ms | non-2xx by status | socket errors |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---|---:|\n")
	row := func(name string, w wrkResult) {
		rps, ok := w.throughput()
		fmt.Fprintf(&b, "| %s | %s | %s | %.2f | %.2f | %.2f | %.1f | %s | %s |\n",
			name, rate(rps, ok), share(rps, ok, ceiling, ceilingOK), w.P50, w.P90, w.P99, w.Max, w.non2xx(), thousands(w.SocketErrors))
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

	b.WriteString("## Deep pages: /products?page=N&count=5, no cache\n\nwrk -t1 -c4 -d10s -s bench/mix.lua on one URL each.\n\n")
	b.WriteString("| store | page | 2xx/s | p50 ms | p99 ms | non-2xx by status | socket errors |\n|---|---:|---:|---:|---:|---|---:|\n")
	pages := map[string][2]page{}
	for _, s := range stores {
		p1, pDeep := r.page(s+"-page-1"), r.page(s+"-page-200000")
		pages[s] = [2]page{p1, pDeep}
		for _, p := range []page{p1, pDeep} {
			rps, ok := p.throughput()
			fmt.Fprintf(&b, "| %s | %d | %s | %.2f | %.2f | %s | %s |\n", s, p.Page, rate(rps, ok), p.P50, p.P99, p.non2xx(), thousands(p.SocketErrors))
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
	// A closed-loop target is met only by a run whose every answer was a 2xx
	// and whose 2xx/s reach the share: an unknown count meets nothing.
	closedTarget := func(name, store string, w wrkResult, min float64) {
		rps, ok := w.throughput()
		measured := fmt.Sprintf("%s (%s of %s 2xx/s), non-2xx: %s, socket errors: %s",
			share(rps, ok, ceiling, ceilingOK), rate(rps, ok), rate(ceiling, ceilingOK), w.non2xx(), thousands(w.SocketErrors))
		if !ok || !ceilingOK {
			measured = fmt.Sprintf("2xx not counted (a result from before mix.lua counted them): %.0f answers/s of every status against %.0f, non-2xx: %s, socket errors: %s",
				w.RPS, (before.RPS+after.RPS)/2, w.non2xx(), thousands(w.SocketErrors))
		}
		met := ok && ceilingOK && rps >= min*ceiling && w.clean()
		fmt.Fprintf(&b, "| %s: ≥ %.0f%% of the ceiling in 2xx/s, zero non-2xx, zero socket errors | %s | %s | %s |\n",
			name, 100*min, store, measured, verdict(met))
	}
	for _, s := range stores {
		closedTarget("closed loop, hot", s, r.wrk(s+"-hot"), 0.7)
		closedTarget("closed loop, cold", s, r.wrk(s+"-cold"), 0.25)
		// Any answer but a 2xx, or none, fails an open-model target too.
		for _, t := range []struct {
			rate int
			p99  float64
		}{{2000, 5}, {5000, 20}} {
			st, ok := stepAt(sweeps[s], t.rate)
			measured, met := "not reached", false
			if ok {
				measured = fmt.Sprintf("p99 %.2f ms, %s 2xx/s, errors: %s", st.P99, thousands(int(st.Achieved+0.5)), st.ErrorSummary())
				met = st.P99 < t.p99 && len(st.Errors) == 0 && st.Failed == ""
			}
			fmt.Fprintf(&b, "| open model at %d/s: p99 < %g ms, no non-2xx, no socket errors | %s | %s | %s |\n", t.rate, t.p99, s, measured, verdict(met))
		}
		p := pages[s]
		a, c := p[0].P50, p[1].P50
		measured := fmt.Sprintf("%.2f ms against %.2f ms (%.2f×)", c, a, c/max(a, 1e-9))
		for _, pg := range p {
			if !pg.clean() {
				measured += fmt.Sprintf("; page %d non-2xx: %s, socket errors: %s", pg.Page, pg.non2xx(), thousands(pg.SocketErrors))
			}
		}
		fmt.Fprintf(&b, "| page 200000 within 2× the latency of page 1 (p50), zero non-2xx, zero socket errors | %s | %s | %s |\n",
			s, measured, verdict(c <= 2*a && p[0].clean() && p[1].clean()))
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

// maybeWrk is r.wrk for a run that may have left no result (wrk or the
// server failed): false when the file is missing or empty.
func (r *reader) maybeWrk(name string) (w wrkResult, ok bool) {
	data, err := os.ReadFile(filepath.Join(r.dir, name+".wrk.json"))
	if err != nil || len(strings.TrimSpace(string(data))) == 0 {
		return w, false
	}
	if err := json.Unmarshal(data, &w); err != nil {
		log.Fatalf("%s.wrk.json: %v", name, err)
	}
	return w, true
}

func (r *reader) cache(name string) (c cacheStats) { r.json(name+".json", &c); return c }

func (r *reader) page(name string) (p page) { r.json(name+".json", &p); return p }

// writeClosed prints the table of bench/closed.sh's runs and writes it to
// closed.md in their folder. runs.tsv there lists the runs in the order they
// ran, one a line: binary, store, conns, cache, ids, and the name of the
// result (NAME.wrk.json); a run without a result shows as one.
func writeClosed(r *reader) {
	var b strings.Builder
	mix := "the classic mix"
	if strings.Contains(r.text("settings.txt"), "mix: page") {
		mix = "a storefront's product page"
	}
	b.WriteString("# Closed loop: wrk, " + mix + "\n\n")
	for _, l := range strings.Split(strings.TrimSpace(r.text("settings.txt")), "\n") {
		fmt.Fprintf(&b, "- %s\n", l)
	}
	b.WriteString("\n2xx/s is the throughput: a non-2xx answer, however fast, is not a request served. ")
	b.WriteString("requests counts every answer; p50 and p99 are of every answer, in ms.\n\n")
	var ceilings []string
	for _, when := range []string{"before", "after"} {
		w, ok := r.maybeWrk("ceiling-" + when)
		s := "no result"
		if ok {
			rps, known := w.throughput()
			s = rate(rps, known) + " 2xx/s"
			if !w.clean() {
				s += fmt.Sprintf(" (non-2xx: %s, socket errors: %s)", w.non2xx(), thousands(w.SocketErrors))
			}
		}
		ceilings = append(ceilings, fmt.Sprintf("%s %s", s, map[string]string{"before": "at the start", "after": "at the end"}[when]))
	}
	fmt.Fprintf(&b, "Ceiling (bench/ceiling, a fixed 1,900-byte body, same wrk settings at -c64): %s.\n\n", strings.Join(ceilings, ", "))
	b.WriteString("| binary | store | conns | cache | ids | requests | 2xx/s | non-2xx by status | socket errors | p50 | p99 |\n")
	b.WriteString("|---|---|---:|---|---|---:|---:|---|---:|---:|---:|\n")
	for _, line := range strings.Split(strings.TrimSpace(r.text("runs.tsv")), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			log.Fatalf("runs.tsv: %q: want binary, store, conns, cache, ids and name", line)
		}
		w, ok := r.maybeWrk(f[5])
		if !ok {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | **no result** | | | | | |\n", f[0], f[1], f[2], f[3], f[4])
			continue
		}
		rps, known := w.throughput()
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f | %.2f |\n", f[0], f[1], f[2], f[3], f[4],
			thousands(w.Requests), rate(rps, known), w.non2xx(), thousands(w.SocketErrors), w.P50, w.P99)
	}
	fmt.Print(b.String())
	if err := os.WriteFile(filepath.Join(r.dir, "closed.md"), []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}
