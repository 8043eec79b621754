package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"catalog/loadtest"
)

// stormWindow is how long before a change starts, and after it ends, the
// storm report looks.
const stormWindow = 10 * time.Second

// sample is one reading of a serve's cache counters and of the
// generation it serves.
type sample struct {
	at                       time.Time
	hits, misses, generation float64
}

// event is one change of the catalog bench/storm.sh made: a name, when the
// command started and when it ended (just after its swap).
type event struct {
	name       string
	start, end time.Time
}

// storm writes the table of what each change did to a warm server under a
// constant load: the steady state in the window before the change began,
// against the window after it ended. RESULTS holds bench/bench.json (one
// step a second), metrics.tsv (unix ms, cache hits, misses) and events.tsv
// (name, start and end in unix ms).
func storm(dir string, w io.Writer) error {
	var rep loadtest.Report
	b, err := os.ReadFile(filepath.Join(dir, "bench", "bench.json"))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		return err
	}
	var samples []sample
	err = readTSV(filepath.Join(dir, "metrics.tsv"), func(f []string) {
		hits, _ := strconv.ParseFloat(f[1], 64)
		misses, _ := strconv.ParseFloat(f[2], 64)
		generation := -1.0
		if len(f) > 3 {
			generation, _ = strconv.ParseFloat(f[3], 64)
		}
		samples = append(samples, sample{unixMilli(f[0]), hits, misses, generation})
	})
	if err != nil {
		return err
	}
	var events []event
	if err := readTSV(filepath.Join(dir, "events.tsv"), func(f []string) {
		events = append(events, event{f[0], unixMilli(f[1]), unixMilli(f[2])})
	}); err != nil {
		return err
	}
	fmt.Fprintf(w, "| change | took | swap seen | window | 2xx/s | non-2xx | p99 of the 1 s steps: median | highest | cache hit ratio |\n")
	fmt.Fprintf(w, "|---|---:|---:|---|---:|---|---:|---:|---:|\n")
	for _, e := range events {
		swap := swapSeen(samples, e)
		for _, win := range []struct {
			name     string
			from, to time.Time
		}{
			{"steady, the 10 s before", e.start.Add(-stormWindow), e.start},
			{"the 10 s after serve saw its swap", swap, swap.Add(stormWindow)},
		} {
			ok, errs, p99s := stepsIn(rep.Steps, win.from, win.to)
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %.1f ms | %.1f ms | %s |\n", e.name, e.end.Sub(e.start).Round(100*time.Millisecond),
				swap.Sub(e.start).Round(100*time.Millisecond), win.name, thousands(int(ok/stormWindow.Seconds()+0.5)), errs, median(p99s), slices.Max(append(p99s, 0)), hitRatio(samples, win.from, win.to))
		}
	}
	return nil
}

// swapSeen returns when serve was first seen serving a generation other
// than the one it served as the change began; the change's end when the
// samples do not tell.
func swapSeen(samples []sample, e event) time.Time {
	before := -1.0
	for _, s := range samples {
		switch {
		case s.at.Before(e.start):
			before = s.generation
		case before >= 0 && s.generation >= 0 && s.generation != before && !s.at.After(e.end.Add(stormWindow)):
			return s.at
		}
	}
	return e.end
}

// stepsIn sums the steps that started in [from, to): their 2xx, their
// failures by kind, and their p99s.
func stepsIn(steps []loadtest.Step, from, to time.Time) (ok float64, errs string, p99s []float64) {
	byKind := map[string]int{}
	for _, s := range steps {
		if s.Start.Before(from) || !s.Start.Before(to) {
			continue
		}
		failed := 0
		for k, n := range s.Errors {
			byKind[k] += n
			failed += n
		}
		ok += float64(s.Requests - failed)
		p99s = append(p99s, s.P99)
	}
	if len(byKind) == 0 {
		return ok, "0", p99s
	}
	var parts []string
	for k, n := range byKind {
		parts = append(parts, k+": "+thousands(n))
	}
	return ok, "**" + strings.Join(parts, ", ") + "**", p99s
}

// median returns the median of xs, 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Sorted(slices.Values(xs))
	return xs[len(xs)/2]
}

// hitRatio is the share of hits among the cache's lookups between the
// samples nearest from and to.
func hitRatio(samples []sample, from, to time.Time) string {
	var a, b *sample
	for i := range samples {
		s := &samples[i]
		if a == nil && !s.at.Before(from) {
			a = s
		}
		if !s.at.After(to) {
			b = s
		}
	}
	if a == nil || b == nil || b.hits+b.misses <= a.hits+a.misses {
		return "unknown"
	}
	hits, all := b.hits-a.hits, b.hits+b.misses-a.hits-a.misses
	return fmt.Sprintf("%.2f%%", 100*hits/all)
}

func readTSV(path string, row func([]string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) >= 3 {
			row(fields)
		}
	}
	return sc.Err()
}

func unixMilli(s string) time.Time {
	ms, _ := strconv.ParseInt(s, 10, 64)
	return time.UnixMilli(ms)
}
