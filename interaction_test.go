package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"catalog"
)

// clickStore is an InteractionStore that keeps the batches written, and
// fails or hangs as a test says.
type clickStore struct {
	mu      sync.Mutex
	batches [][]catalog.Interaction
	tries   int
	// fail is how many writes fail before one succeeds; -1 for all.
	fail int
	// hangs is how many writes wait for their context to end, or release
	// to be closed, and fail; -1 for all.
	hangs   int
	release chan struct{}
	// written is told of each write that succeeded, when set.
	written chan int
}

var errStore = errors.New("store down")

func (s *clickStore) AddInteractions(ctx context.Context, batch []catalog.Interaction) error {
	s.mu.Lock()
	s.tries++
	hang, fail := s.hangs != 0, s.fail != 0
	if s.hangs > 0 {
		s.hangs--
	}
	if s.fail > 0 && !hang {
		s.fail--
	}
	s.mu.Unlock()
	if hang {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.release:
			return errStore
		}
	}
	if fail {
		return errStore
	}
	s.mu.Lock()
	s.batches = append(s.batches, append([]catalog.Interaction(nil), batch...))
	s.mu.Unlock()
	if s.written != nil {
		s.written <- len(batch)
	}
	return nil
}

// set sets what the next writes do.
func (s *clickStore) set(fail, hangs int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail, s.hangs = fail, hangs
}

func (s *clickStore) DeleteInteractions(context.Context, time.Time, int) (int64, error) {
	return 0, errors.New("not here")
}

// kept returns the batches written and the writes tried.
func (s *clickStore) kept() ([][]catalog.Interaction, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.batches, s.tries
}

func clicks(n int) []catalog.Interaction {
	at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	var out []catalog.Interaction
	for i := range n {
		out = append(out, catalog.Interaction{Element: fmt.Sprint("button#", i), Widget: "overview", Time: "now", At: at})
	}
	return out
}

// run runs c until the function it returns is called, which waits for
// Run to return, for at most five seconds.
func run(t *testing.T, c *catalog.Clicks) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { c.Run(ctx); close(stopped) }()
	return func() {
		t.Helper()
		cancel()
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return when its context ended")
		}
	}
}

// add adds each of is, and fails the test if one is shed.
func add(t *testing.T, c *catalog.Clicks, is []catalog.Interaction) {
	t.Helper()
	for _, i := range is {
		if !c.Add(i) {
			t.Fatalf("Add shed %v; stats %+v", i, c.Stats())
		}
	}
}

func wantWrites(t *testing.T, written <-chan int, sizes ...int) {
	t.Helper()
	for _, want := range sizes {
		select {
		case n := <-written:
			if n != want {
				t.Fatalf("a batch of %d written, want %d", n, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no batch of %d written", want)
		}
	}
}

func TestClicks_Batches(t *testing.T) {
	t.Run("Full", func(t *testing.T) {
		// Every is long: only full batches are written, then what is left
		// at the end.
		store := &clickStore{written: make(chan int, 10)}
		c := catalog.NewClicks(store, catalog.ClickConfig{Batch: 10, Every: time.Hour})
		all := clicks(35)
		add(t, c, all)
		stop := run(t, c)
		wantWrites(t, store.written, 10, 10, 10)
		select {
		case n := <-store.written:
			t.Fatalf("a batch of %d written before Every", n)
		case <-time.After(50 * time.Millisecond):
		}
		stop()
		wantWrites(t, store.written, 5) // 4 writes in all: ceil(35/10)
		batches, _ := store.kept()
		var got []catalog.Interaction
		for _, b := range batches {
			got = append(got, b...)
		}
		if !reflect.DeepEqual(got, all) {
			t.Fatalf("written %v, want %v", got, all)
		}
		if got, want := c.Stats(), (catalog.ClickStats{Taken: 35, Batches: 4}); got != want {
			t.Fatalf("stats %+v, want %+v", got, want)
		}
	})
	t.Run("Every", func(t *testing.T) {
		store := &clickStore{written: make(chan int, 10)}
		c := catalog.NewClicks(store, catalog.ClickConfig{Every: 20 * time.Millisecond})
		stop := run(t, c)
		add(t, c, clicks(3))
		wantWrites(t, store.written, 3) // a partial batch, after Every
		add(t, c, clicks(2))
		wantWrites(t, store.written, 2)
		stop()
		if got, want := c.Stats(), (catalog.ClickStats{Taken: 5, Batches: 2}); got != want {
			t.Fatalf("stats %+v, want %+v", got, want)
		}
	})
}

func TestClicks_Bound(t *testing.T) {
	t.Run("Full", func(t *testing.T) {
		c := catalog.NewClicks(&clickStore{}, catalog.ClickConfig{Queue: 5})
		add(t, c, clicks(5))
		if c.Add(clicks(1)[0]) {
			t.Fatal("Add took an interaction past the queue's bound")
		}
		if got, want := c.Stats(), (catalog.ClickStats{Taken: 5, Shed: 1, Queued: 5}); got != want {
			t.Fatalf("stats %+v, want %+v", got, want)
		}
	})
	t.Run("NeverWaits", func(t *testing.T) {
		// The store hangs: adds fill a batch and the queue, then are shed
		// at once, from many goroutines.
		store := &clickStore{hangs: -1, release: make(chan struct{})}
		c := catalog.NewClicks(store, catalog.ClickConfig{Queue: 50, Batch: 10, Every: time.Millisecond, Timeout: time.Hour})
		stop := run(t, c)
		var ok atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for range 8 {
			wg.Go(func() {
				for _, i := range clicks(1000) {
					if c.Add(i) {
						ok.Add(1)
					}
				}
			})
		}
		wg.Wait()
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("8000 adds took %v", d)
		}
		s := c.Stats()
		if ok.Load() > 60 || s.Taken != ok.Load() || s.Taken+s.Shed != 8000 {
			t.Errorf("%d adds took, stats %+v: want at most 60 taken (a batch and the queue), the rest shed", ok.Load(), s)
		}
		store.set(0, 0)
		close(store.release)
		stop()
		if got := c.Stats(); got.Dropped != 0 || got.Queued != 0 {
			t.Errorf("after shutdown: stats %+v, want all written", got)
		}
	})
}

func TestClicks_Retry(t *testing.T) {
	type done struct {
		n   int
		err error
	}
	for _, tc := range []struct {
		name  string
		fail  int // writes that fail
		want  done
		tries int
		kept  int // batches
		stats catalog.ClickStats
	}{
		{"ThenWritten", 2, done{3, nil}, 3, 1, catalog.ClickStats{Taken: 3, Batches: 1}},
		{"ThenDropped", -1, done{3, errStore}, 3, 0, catalog.ClickStats{Taken: 3, Dropped: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := &clickStore{fail: tc.fail}
			told := make(chan done, 10)
			c := catalog.NewClicks(store, catalog.ClickConfig{Batch: 3, Every: time.Hour, Tries: 3, Pause: time.Millisecond,
				Done: func(n int, err error) { told <- done{n, err} }})
			stop := run(t, c)
			add(t, c, clicks(3))
			select {
			case got := <-told:
				if got != tc.want {
					t.Errorf("Done told of %+v, want %+v", got, tc.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Done was not told of the batch")
			}
			stop()
			batches, tries := store.kept()
			if tries != tc.tries || len(batches) != tc.kept {
				t.Errorf("%d writes tried, %d batches kept; want %d and %d", tries, len(batches), tc.tries, tc.kept)
			}
			if got := c.Stats(); got != tc.stats {
				t.Errorf("stats %+v, want %+v", got, tc.stats)
			}
		})
	}
	t.Run("Timeout", func(t *testing.T) {
		// A write that hangs is cut short and tried again.
		store := &clickStore{hangs: 1, written: make(chan int, 1)}
		c := catalog.NewClicks(store, catalog.ClickConfig{Batch: 2, Every: time.Hour, Pause: time.Millisecond, Timeout: 20 * time.Millisecond})
		stop := run(t, c)
		defer stop()
		add(t, c, clicks(2))
		wantWrites(t, store.written, 2)
		if _, tries := store.kept(); tries != 2 {
			t.Errorf("%d writes tried, want 2", tries)
		}
	})
}

func TestClicks_Shutdown(t *testing.T) {
	t.Run("WritesTheQueue", func(t *testing.T) {
		store := &clickStore{}
		c := catalog.NewClicks(store, catalog.ClickConfig{Batch: 4, Every: time.Hour})
		stop := run(t, c)
		all := clicks(7)
		add(t, c, all)
		stop()
		batches, _ := store.kept()
		var got []catalog.Interaction
		for _, b := range batches {
			got = append(got, b...)
		}
		if !reflect.DeepEqual(got, all) {
			t.Fatalf("written at shutdown %v, want %v", got, all)
		}
		if c.Add(all[0]) {
			t.Fatal("Add took an interaction after Run ended")
		}
		if got, want := c.Stats(), (catalog.ClickStats{Taken: 7, Batches: 2, Shed: 1}); got != want {
			t.Fatalf("stats %+v, want %+v", got, want)
		}
	})
	t.Run("Bounded", func(t *testing.T) {
		// The store hangs at shutdown: Run gives up after Drain, and
		// tells of each batch it dropped.
		store := &clickStore{hangs: -1}
		var dropped atomic.Int64
		c := catalog.NewClicks(store, catalog.ClickConfig{Batch: 4, Every: time.Hour, Timeout: time.Hour, Pause: time.Millisecond,
			Drain: 50 * time.Millisecond, Done: func(n int, err error) {
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("Done told of %d written or dropped with %v, want dropped as the drain ran out", n, err)
				}
				dropped.Add(int64(n))
			}})
		add(t, c, clicks(3))
		stop := run(t, c)
		start := time.Now()
		stop()
		if d := time.Since(start); d > time.Second {
			t.Errorf("Run returned %v after its context ended, with a drain of 50ms", d)
		}
		if got, want := c.Stats(), (catalog.ClickStats{Taken: 3, Dropped: 3}); got != want || dropped.Load() != 3 {
			t.Fatalf("stats %+v, Done told of %d dropped; want %+v", got, dropped.Load(), want)
		}
	})
}

// oldClicks is an InteractionStore holding old interactions, which
// records what DeleteInteractions is asked.
type oldClicks struct {
	catalog.InteractionStore
	left   int64
	err    error
	before chan time.Time
}

func (s *oldClicks) DeleteInteractions(_ context.Context, before time.Time, limit int) (int64, error) {
	select {
	case s.before <- before:
	default:
	}
	if s.err != nil {
		return 0, s.err
	}
	n := min(s.left, int64(limit))
	s.left -= n
	return n, nil
}

type round struct {
	n   int64
	err error
}

// runExpiry runs e, telling of its rounds, until the function it returns
// is called.
func runExpiry(e catalog.ClickExpiry) (rounds <-chan round, stop func()) {
	told := make(chan round, 10)
	e.Done = func(n int64, err error) {
		select {
		case told <- round{n, err}:
		default:
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { e.Run(ctx); close(stopped) }()
	return told, func() { cancel(); <-stopped }
}

func TestClickExpiry(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	t.Run("OK", func(t *testing.T) {
		store := &oldClicks{left: 12, before: make(chan time.Time, 100)}
		rounds, stop := runExpiry(catalog.ClickExpiry{Interactions: store, Keep: 48 * time.Hour, Every: 10 * time.Millisecond, Limit: 5,
			Now: func() time.Time { return now }})
		// At once: deletes of 5, 5 and 2, until fewer than the limit are
		// deleted; then every Every, one that finds none.
		for _, want := range []round{{12, nil}, {0, nil}} {
			select {
			case got := <-rounds:
				if got != want {
					t.Fatalf("Done told of %+v, want %+v", got, want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no round")
			}
		}
		stop()
		if n := len(store.before); n < 4 {
			t.Fatalf("%d deletes asked for, want 3 and 1", n)
		}
		for range 4 {
			if got, want := <-store.before, now.Add(-48*time.Hour); !got.Equal(want) {
				t.Errorf("interactions before %v deleted, want %v", got, want)
			}
		}
	})
	t.Run("Error", func(t *testing.T) {
		store := &oldClicks{err: errors.New("oops"), before: make(chan time.Time, 100)}
		rounds, stop := runExpiry(catalog.ClickExpiry{Interactions: store, Keep: time.Hour, Every: time.Hour, Now: time.Now})
		defer stop()
		if got := <-rounds; got.err != store.err {
			t.Fatalf("Done told of %+v, want the store's error", got)
		}
	})
}

// BenchmarkClicks_Add measures what a click costs the request that sends
// it, from many goroutines, with Run writing to a store that takes no time.
func BenchmarkClicks_Add(b *testing.B) {
	c := catalog.NewClicks(&clickStore{}, catalog.ClickConfig{Queue: 1 << 20})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { c.Run(ctx); close(stopped) }()
	i := clicks(1)[0]
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Add(i)
		}
	})
	b.StopTimer()
	cancel()
	<-stopped
}
