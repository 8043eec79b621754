package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"catalog/loadtest"
)

func runBench(ctx context.Context, args []string, env environment, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", "bench [flags] URL\n\nURL is the base of a running API, such as http://127.0.0.1:3000.", stderr)
	d := loadtest.DefaultOptions
	rates := fs.String("rates", "100,1000,2000,5000,10000", "request rates per second, one step each, in order")
	duration := fs.Duration("duration", d.Duration, "the length of each step")
	mixFlag := fs.String("mix", "classic", "the share of each route: classic (equal shares), or route=weight,… with routes product, styles, related, list")
	idsFlag := fs.String("ids", string(loadtest.Last10), "how product ids are drawn: last10 (the last tenth, the classic test), uniform, or zipf")
	products := fs.Int64("products", 0, "the largest product id (0: find it by asking the API)")
	seed := fs.Uint64("seed", 1, "the seed of the ids and routes drawn")
	timeout := fs.Duration("timeout", d.Timeout, "the longest a request may take before it counts as an error")
	workers := fs.Int("max-workers", d.MaxWorkers, "the most requests in flight")
	stopErrors := fs.Float64("stop-error-rate", d.StopErrorRate, "stop the sweep after a step with more than this share of errors")
	stopP99 := fs.Duration("stop-p99", d.StopP99, "stop the sweep after a step whose p99 is over this")
	stopRate := fs.Float64("stop-rate", d.StopRate, "stop the sweep after a step whose 2xx per second are under this share of its rate (0: never)")
	out := fs.String("out", "bench-results", "the folder the report is written to (bench.md, bench.json, bench.svg)")
	title := fs.String("title", "", "the report's title (default: the URL and mix)")
	progress := fs.Bool("progress", isTerminal(stderr), "show a progress bar per step")
	pos, err := env.parseArgs(fs, args, "URL")
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(pos[0], "/")
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http:// or https:// URL: want the API's base, such as http://127.0.0.1:3000", pos[0])
	}
	opts := loadtest.DefaultOptions
	if opts.Rates, err = loadtest.ParseRates(*rates); err != nil {
		return err
	}
	mix, err := loadtest.ParseMix(*mixFlag)
	if err != nil {
		return err
	}
	ids, err := loadtest.ParseIDs(*idsFlag)
	if err != nil {
		return err
	}
	if *duration <= 0 || *duration > time.Hour {
		return fmt.Errorf("--duration %v: want more than 0 and at most an hour", *duration)
	}
	if *timeout <= 0 || *workers < 1 || *stopErrors < 0 || *stopP99 < 0 || *stopRate < 0 {
		return errors.New("--timeout and --max-workers must be positive, --stop-error-rate, --stop-p99 and --stop-rate not negative")
	}
	opts.Duration, opts.Timeout, opts.MaxWorkers, opts.StopErrorRate, opts.StopP99, opts.StopRate = *duration, *timeout, *workers, *stopErrors, *stopP99, *stopRate

	if *products <= 0 {
		n, err := loadtest.DiscoverProducts(ctx, &http.Client{Timeout: 10 * time.Second}, base)
		if err != nil {
			return fmt.Errorf("find the largest product id: %w (or give --products)", err)
		}
		*products = n
	}
	if *title == "" {
		*title = fmt.Sprintf("%s, %s mix, ids %s", base, *mixFlag, ids)
	}
	report := &loadtest.Report{Title: *title, Settings: []string{
		fmt.Sprintf("target: %s (products 1 to %d)", base, *products),
		fmt.Sprintf("mix: %s; ids: %s; seed %d", mix, ids, *seed),
		fmt.Sprintf("load: vegeta %s, open model at constant rate, %v per step, request timeout %v, at most %d in flight",
			vegetaVersion(), *duration, *timeout, *workers),
		fmt.Sprintf("stop after a step with errors over %g%%, p99 over %v, or under %g%% of the offered rate achieved",
			*stopErrors*100, *stopP99, opts.StopRate*100),
		fmt.Sprintf("load generator: %s/%s, %d CPUs, GOMAXPROCS %d, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version()),
	}}
	for _, s := range report.Settings {
		fmt.Fprintln(stderr, s)
	}

	var bars *stepBars
	if *progress {
		bars = newStepBars(ctx, stderr, opts)
		opts.Progress = bars.answered
	}
	targets := loadtest.NewTargets(base, mix, ids, *products, *seed)
	steps, err := loadtest.Sweep(ctx, targets.Targeter(), opts)
	if bars != nil {
		bars.wait()
	}
	report.Steps = steps
	if werr := writeReport(*out, report); werr != nil {
		return werr
	}
	if mdErr := report.WriteMarkdown(stdout); mdErr != nil {
		return mdErr
	}
	fmt.Fprintf(stdout, "\nwritten to %s\n", filepath.Join(*out, "bench.{md,json,svg}"))
	return err
}

// writeReport writes the report as Markdown, JSON and an SVG chart into dir.
func writeReport(dir string, r *loadtest.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, write := range map[string]func(io.Writer) error{
		"bench.md": r.WriteMarkdown, "bench.json": r.WriteJSON, "bench.svg": r.WriteSVG,
	} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := write(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

// vegetaVersion is the version of vegeta the binary was built with.
func vegetaVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == "github.com/tsenart/vegeta/v12" {
				return m.Version
			}
		}
	}
	return "v12"
}

// stepBars shows a bar per step: answers against the step's expected count.
type stepBars struct {
	p    *mpb.Progress
	mu   sync.Mutex
	bars []*mpb.Bar
	opts loadtest.Options
}

func newStepBars(ctx context.Context, w io.Writer, opts loadtest.Options) *stepBars {
	return &stepBars{p: mpb.NewWithContext(ctx, mpb.WithOutput(w), mpb.WithWidth(40)), opts: opts}
}

func (b *stepBars) answered(step, n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.bars) <= step {
		i := len(b.bars)
		if i > 0 {
			b.bars[i-1].SetTotal(-1, true)
		}
		rate := b.opts.Rates[i]
		total := int64(float64(rate) * b.opts.Duration.Seconds())
		b.bars = append(b.bars, b.p.AddBar(total,
			mpb.PrependDecorators(decor.Name(fmt.Sprintf("%6d/s", rate), decor.WC{W: 9, C: decor.DindentRight})),
			mpb.AppendDecorators(decor.CountersNoUnit("%d / %d", decor.WC{W: 20}), decor.Elapsed(decor.ET_STYLE_GO, decor.WC{W: 6}))))
	}
	b.bars[step].SetCurrent(int64(n))
}

func (b *stepBars) wait() {
	b.mu.Lock()
	if n := len(b.bars); n > 0 {
		b.bars[n-1].SetTotal(-1, true)
	}
	b.mu.Unlock()
	b.p.Wait()
}
