package groupcommit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeTx records a transaction's statements: the savepoints, and the
// writes' own as "write N".
type fakeTx struct{ log []string }

// fakeStore counts transactions, and fails commits while failCommit, or
// the first attempt of each transaction while failFirst.
type fakeStore struct {
	mu                    sync.Mutex
	txs                   []*fakeTx
	failCommit, failFirst bool
}

func (s *fakeStore) store(retry func(error) bool) Store[*fakeTx] {
	return Store[*fakeTx]{
		InTx: func(ctx context.Context, fn func(*fakeTx) error) error {
			tx := &fakeTx{}
			err := fn(tx)
			s.mu.Lock()
			defer s.mu.Unlock()
			if err == nil && s.failFirst {
				tx = &fakeTx{}
				err = fn(tx)
			}
			if err != nil {
				return err
			}
			if s.failCommit {
				return errCommit
			}
			s.txs = append(s.txs, tx)
			return nil
		},
		Savepoint: logged(SavepointSQL),
		Release:   logged(ReleaseSQL),
		Undo:      logged(UndoSQL),
		Retry:     retry,
	}
}

// logged returns a savepoint step that logs stmt.
func logged(stmt string) func(context.Context, *fakeTx) error {
	return func(_ context.Context, tx *fakeTx) error {
		tx.log = append(tx.log, stmt)
		return nil
	}
}

var (
	errCommit = errors.New("commit failed")
	errWrite  = errors.New("write refused")
	errAgain  = errors.New("deadlock")
)

// writeN returns a write that logs itself.
func writeN(n int) func(context.Context, *fakeTx) error {
	return func(_ context.Context, tx *fakeTx) error {
		tx.log = append(tx.log, fmt.Sprint("write ", n))
		return nil
	}
}

func TestDo_BatchesWritesThatWait(t *testing.T) {
	s := &fakeStore{}
	c := New(s.store(nil), 1)
	first, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		err := c.Do(context.Background(), 0, func(_ context.Context, tx *fakeTx) error {
			close(first)
			<-release // the others arrive while this batch runs
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	})
	<-first
	const n = 50
	for i := range n {
		wg.Go(func() {
			if err := c.Do(context.Background(), 0, writeN(i)); err != nil {
				t.Error(err)
			}
		})
	}
	waitFor(t, func() bool { return c.lanes[0].waitingNow() == n })
	close(release)
	wg.Wait()

	if len(s.txs) != 2 {
		t.Fatalf("%d transactions; want 2: the first write's, then the %d that waited for it", len(s.txs), n)
	}
	var writes []string
	for _, stmt := range s.txs[1].log {
		if stmt != SavepointSQL && stmt != ReleaseSQL {
			writes = append(writes, stmt)
		}
	}
	if len(writes) != n {
		t.Errorf("the second transaction ran %d writes; want %d", len(writes), n)
	}
}

// TestDo_Lanes: with two lanes, a write of the other lane's key that
// comes while a batch runs runs beside it, in a batch of its own, while
// one of the same lane's key waits for it.
func TestDo_Lanes(t *testing.T) {
	s := &fakeStore{}
	c := New(s.store(nil), 2)
	release := make(chan struct{})
	first := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- c.Do(context.Background(), 0, func(context.Context, *fakeTx) error {
			close(first)
			<-release
			return nil
		})
	}()
	<-first
	sameLane, otherLane := make(chan error, 1), make(chan error)
	go func() { sameLane <- c.Do(context.Background(), 2, writeN(2)) }()
	go func() { otherLane <- c.Do(context.Background(), 1, writeN(1)) }()
	select {
	case err := <-otherLane:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the other lane's write waited for the first batch; want it run in its lane")
	}
	select {
	case err := <-sameLane:
		t.Fatalf("the same lane's write ran beside the first batch (%v); want it to wait", err)
	case <-time.After(10 * time.Millisecond):
	}
	close(release)
	for _, ch := range []chan error{done, sameLane} {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	if len(s.txs) != 3 {
		t.Errorf("%d transactions; want 3", len(s.txs))
	}
}

func TestDo_BatchesAtMost(t *testing.T) {
	s := &fakeStore{}
	c := New(s.store(nil), 1)
	c.lanes[0].turn <- struct{}{} // as if a batch ran: the writes queue
	n := MaxBatch + 10
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := c.Do(context.Background(), 0, writeN(i)); err != nil {
				t.Error(err)
			}
		})
	}
	waitFor(t, func() bool { return c.lanes[0].waitingNow() == n })
	<-c.lanes[0].turn
	wg.Wait()
	if len(s.txs) != 2 {
		t.Errorf("%d writes in %d transactions; want 2 (at most %d a transaction)", n, len(s.txs), MaxBatch)
	}
}

func TestDo_AFailedWriteUndoesOnlyItself(t *testing.T) {
	s := &fakeStore{}
	c := New(s.store(nil), 1)
	c.lanes[0].turn <- struct{}{}
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() {
			errs[i] = c.Do(context.Background(), 0, func(ctx context.Context, tx *fakeTx) error {
				if err := writeN(i)(ctx, tx); err != nil || i != 1 {
					return err
				}
				return errWrite
			})
		})
		waitFor(t, func() bool { return c.lanes[0].waitingNow() == i+1 })
	}
	<-c.lanes[0].turn
	wg.Wait()

	if errs[0] != nil || !errors.Is(errs[1], errWrite) || errs[2] != nil {
		t.Errorf("errors %v; want nil, %v, nil", errs, errWrite)
	}
	want := []string{
		SavepointSQL, "write 0", ReleaseSQL,
		SavepointSQL, "write 1", UndoSQL,
		SavepointSQL, "write 2", ReleaseSQL,
	}
	if len(s.txs) != 1 || !slices.Equal(s.txs[0].log, want) {
		t.Errorf("transactions %v; want one of %q", s.txs, want)
	}
}

func TestDo_AFailedCommitFailsEveryWrite(t *testing.T) {
	s := &fakeStore{failCommit: true}
	c := New(s.store(nil), 1)
	c.lanes[0].turn <- struct{}{}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() { errs[i] = c.Do(context.Background(), 0, writeN(i)) })
	}
	waitFor(t, func() bool { return c.lanes[0].waitingNow() == 2 })
	<-c.lanes[0].turn
	wg.Wait()
	for i, err := range errs {
		if !errors.Is(err, errCommit) {
			t.Errorf("write %d: %v; want the commit's %v", i, err, errCommit)
		}
	}
}

func TestDo_RunAgainWhole(t *testing.T) {
	s := &fakeStore{failFirst: true}
	c := New(s.store(nil), 1)
	runs := 0
	err := c.Do(context.Background(), 0, func(ctx context.Context, tx *fakeTx) error {
		runs++
		if runs == 1 {
			return errWrite // undone; InTx runs the batch again
		}
		return nil
	})
	if err != nil || runs != 2 {
		t.Errorf("%v after %d runs; want nil after 2: the second run's outcome, not the first's", err, runs)
	}
}

func TestDo_Retry(t *testing.T) {
	deadlock := func(err error) bool { return errors.Is(err, errAgain) }
	for _, tc := range []struct {
		name  string
		retry func(error) bool
		fails int
		runs  int
		want  error
	}{
		{"NoRetry", nil, 1, 1, errAgain},
		{"RetriedOnce", deadlock, 1, 2, nil},
		{"UpToMaxRuns", deadlock, MaxRuns - 1, MaxRuns, nil},
		{"NotMore", deadlock, MaxRuns, MaxRuns, errAgain},
		{"NotAnotherError", func(err error) bool { return false }, 1, 1, errAgain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &fakeStore{}
			c := New(s.store(tc.retry), 1)
			runs := 0
			err := c.Do(context.Background(), 0, func(ctx context.Context, tx *fakeTx) error {
				runs++
				tx.log = append(tx.log, fmt.Sprint("run ", runs))
				if runs <= tc.fails {
					return errAgain
				}
				return nil
			})
			if !errors.Is(err, tc.want) || runs != tc.runs {
				t.Errorf("%v after %d runs; want %v after %d", err, runs, tc.want, tc.runs)
			}
			// Each run is a transaction of its own: a deadlock's victim
			// runs again once the writes before it have let go of their
			// locks.
			if len(s.txs) != runs {
				t.Fatalf("%d transactions for %d runs", len(s.txs), runs)
			}
			for i, tx := range s.txs {
				if !slices.Contains(tx.log, fmt.Sprint("run ", i+1)) {
					t.Errorf("transaction %d: %q; want run %d", i+1, tx.log, i+1)
				}
			}
		})
	}
}

func TestDo_EndedContextIsNotBegun(t *testing.T) {
	s := &fakeStore{}
	c := New(s.store(nil), 1)
	c.lanes[0].turn <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	done := make(chan error)
	go func() {
		done <- c.Do(ctx, 0, func(context.Context, *fakeTx) error { ran = true; return nil })
	}()
	waitFor(t, func() bool { return c.lanes[0].waitingNow() == 1 })
	cancel()
	<-c.lanes[0].turn
	if err := <-done; !errors.Is(err, context.Canceled) || ran {
		t.Errorf("%v, ran %v; want %v and not run", err, ran, context.Canceled)
	}
}

func TestDo_BatchContextOutlivesCallers(t *testing.T) {
	c := New((&fakeStore{}).store(nil), 1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	err := c.Do(ctx, 0, func(bctx context.Context, _ *fakeTx) error {
		cancel() // the caller gives up while its write runs
		if bctx.Err() != nil {
			return fmt.Errorf("the batch's context ended with its caller's: %w", bctx.Err())
		}
		if d, ok := bctx.Deadline(); !ok || time.Until(d) < 59*time.Minute {
			return fmt.Errorf("the batch's deadline %v; want the caller's, an hour away", d)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
	}
}

// waitingNow is how many writes wait in l.
func (l *lane[T]) waitingNow() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.waiting)
}
