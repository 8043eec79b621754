package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"text/tabwriter"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"catalog"
	"catalog/csv"
	"catalog/metrics"
)

func runLoad(ctx context.Context, args []string, env environment, stdout, stderr io.Writer) error {
	fs := newFlagSet("load", "load [flags] DIR\n\nDIR is a dataset, which replaces the catalog; with --delta, a change of it:\nany of the dataset's files, whose rows add rows or replace those of the same\nids, and deleted.csv (header file,id), whose rows delete rows.", stderr)
	store := defaultStoreConfig()
	store.flags(fs)
	store.historyFlag(fs)
	store.dropWritesFlag(fs)
	rejects := fs.String("rejects", "rejects.jsonl", "where rejected rows go, as JSON lines (created only if a row is rejected)")
	allow := fs.Bool("allow-rejects", false, "exit 0 even when rows were rejected")
	isDelta := fs.Bool("delta", false, "apply DIR as a change of the live catalog, not a whole new one")
	progress := fs.Bool("progress", isTerminal(stderr), "show progress bars")
	var adminAddr string
	fs.Var(loopback(&adminAddr), "admin-addr", "a loopback address to serve the import's Prometheus metrics and pprof on while it runs (empty: none)")
	pos, err := env.parseArgs(fs, args, "DIR")
	if err != nil {
		return err
	}
	dir := pos[0]
	var adminLn net.Listener
	if adminAddr != "" {
		// Taken first: a port in use is told before the store is touched.
		if adminLn, err = listenAdmin(adminAddr); err != nil {
			return err
		}
		defer adminLn.Close()
	}

	db, err := store.open(ctx, true, nil)
	if err != nil {
		return err
	}
	defer db.Close()

	// The rejects file speaks of this load only: an old one goes first.
	if err := os.Remove(*rejects); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	rw := &lazyFile{path: *rejects}
	defer rw.Close()
	var follow importProgress
	if adminLn != nil {
		feed := catalog.NewFeed(db, time.Second)
		follow.metrics = storeMetrics(db, feed)
		_, _ = feed.Poll(ctx) // a store that does not answer fails the load below
		defer runFeed(feed, func(error) {})()
		admin := serveAdmin(adminLn, follow.metrics.Handler(), nil, newLogger(stderr, slog.LevelInfo))
		defer admin.Close()
	}
	if *progress {
		follow.bars = mpb.NewWithContext(ctx, mpb.WithOutput(stderr), mpb.WithWidth(40))
	}
	start := time.Now()
	opts := csv.Options{Rejects: rw}
	if follow.bars != nil || follow.metrics != nil {
		opts.Progress = follow // else no file is stat'd or its reads counted
	}
	var rep *csv.Report
	if *isDelta {
		rep, err = csv.ImportDelta(ctx, dir, db, opts)
	} else {
		rep, err = csv.Import(ctx, dir, db, opts)
	}
	if follow.bars != nil {
		follow.bars.Wait()
	}
	if err != nil {
		return err
	}
	if err := rw.Close(); err != nil {
		return fmt.Errorf("write %s: %w", *rejects, err)
	}
	printReport(stdout, rep, time.Since(start))
	if n := rep.Rejected(); n > 0 {
		fmt.Fprintf(stdout, "\n%d rows rejected: see %s\n", n, *rejects)
		if !*allow {
			fmt.Fprintln(stdout, "the load is live, but exits 1 for the rejects; pass --allow-rejects to accept them")
			return exitError(1)
		}
	}
	return nil
}

func printReport(w io.Writer, rep *csv.Report, took time.Duration) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "file\tlines\theader\tblank\tloaded\trejected\trepaired\t")
	for _, f := range rep.Files {
		if f.Absent {
			fmt.Fprintf(tw, "%s\tabsent\t-\t-\t-\t-\t-\t\n", f.File)
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t\n", f.File, f.Lines, f.HeaderLines, f.BlankLines, f.Loaded, f.Rejected, f.Repaired)
	}
	tw.Flush()
	for _, f := range rep.Files {
		for _, n := range f.Notes {
			fmt.Fprintf(w, "%s: %s\n", f.File, n)
		}
		for _, r := range f.Repairs {
			if r.Lines > 1 {
				fmt.Fprintf(w, "%s:%d-%d: repaired: %s\n", f.File, r.Line, r.Line+r.Lines-1, r.What)
			} else {
				fmt.Fprintf(w, "%s:%d: repaired: %s\n", f.File, r.Line, r.What)
			}
		}
		if int64(len(f.Repairs)) < f.Repaired {
			fmt.Fprintf(w, "%s: … and %d more repaired rows\n", f.File, f.Repaired-int64(len(f.Repairs)))
		}
	}
	fmt.Fprintf(w, "loaded in %s\n", took.Round(time.Millisecond))
}

// lazyFile creates its file on the first write, so a clean load leaves no
// empty rejects file behind.
type lazyFile struct {
	path string
	f    *os.File
	err  error
}

func (l *lazyFile) Write(b []byte) (int, error) {
	if l.f == nil && l.err == nil {
		l.f, l.err = os.Create(l.path)
	}
	if l.err != nil {
		return 0, l.err
	}
	return l.f.Write(b)
}

func (l *lazyFile) Close() error {
	if l.f == nil {
		return l.err
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// importProgress follows an import with a progress bar per file, metrics,
// both or neither.
type importProgress struct {
	bars    *mpb.Progress
	metrics *metrics.Metrics
}

func (p importProgress) StartFile(name string, size int64) csv.FileProgress {
	f := &fileProgress{name: name, metrics: p.metrics}
	if p.bars != nil {
		f.bar = p.bars.AddBar(size,
			mpb.PrependDecorators(decor.Name(name, decor.WC{W: 13, C: decor.DindentRight})),
			mpb.AppendDecorators(decor.CountersKibiByte("% .1f / % .1f", decor.WC{W: 24}), decor.Percentage(decor.WC{W: 6})))
	}
	if p.metrics != nil {
		p.metrics.ImportStarted(name, size)
	}
	return f
}

type fileProgress struct {
	name    string
	bar     *mpb.Bar
	metrics *metrics.Metrics
}

func (f *fileProgress) Read(n int) {
	if f.bar != nil {
		f.bar.IncrBy(n)
	}
	if f.metrics != nil {
		f.metrics.ImportRead(f.name, n)
	}
}

func (f *fileProgress) Rows(accepted, rejected int64) {
	if f.metrics != nil {
		f.metrics.ImportRows(f.name, accepted, rejected)
	}
}

func (f *fileProgress) Done() {
	if f.bar != nil {
		f.bar.SetTotal(-1, true)
	}
	if f.metrics != nil {
		f.metrics.ImportDone(f.name)
	}
}
