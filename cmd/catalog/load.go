package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"catalog/csv"
)

func runLoad(ctx context.Context, args []string, env environment, stdout, stderr io.Writer) error {
	fs := newFlagSet("load", "load [flags] DIR", stderr)
	store := addStoreFlags(fs)
	rejects := fs.String("rejects", "rejects.jsonl", "where rejected rows go, as JSON lines (created only if a row is rejected)")
	allow := fs.Bool("allow-rejects", false, "exit 0 even when rows were rejected")
	progress := fs.Bool("progress", isTerminal(stderr), "show progress bars")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("load takes one directory, got %d arguments", fs.NArg())
	}
	dir := fs.Arg(0)

	db, err := store.open(ctx, true)
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
	opts := csv.Options{Rejects: rw}
	var bars *barProgress
	if *progress {
		bars = newBarProgress(ctx, stderr)
		opts.Progress = bars
	}
	start := time.Now()
	rep, err := csv.Import(ctx, dir, db, opts)
	if bars != nil {
		bars.wait()
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

// barProgress shows a progress bar per file.
type barProgress struct {
	p  *mpb.Progress
	mu sync.Mutex
}

func newBarProgress(ctx context.Context, w io.Writer) *barProgress {
	return &barProgress{p: mpb.NewWithContext(ctx, mpb.WithOutput(w), mpb.WithWidth(40))}
}

func (b *barProgress) StartFile(name string, size int64) csv.FileProgress {
	b.mu.Lock()
	defer b.mu.Unlock()
	bar := b.p.AddBar(size,
		mpb.PrependDecorators(decor.Name(name, decor.WC{W: 13, C: decor.DindentRight})),
		mpb.AppendDecorators(decor.CountersKibiByte("% .1f / % .1f", decor.WC{W: 24}), decor.Percentage(decor.WC{W: 6})))
	return &fileBar{bar: bar}
}

func (b *barProgress) wait() { b.p.Wait() }

type fileBar struct{ bar *mpb.Bar }

func (f *fileBar) Read(n int) { f.bar.IncrBy(n) }

func (f *fileBar) Done() { f.bar.SetTotal(-1, true) }
