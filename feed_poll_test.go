package catalog

import (
	"context"
	"sync"
	"testing"
	"time"
)

// slowStore is a feed's store whose first CatalogInfo waits until release
// is closed; it counts the questions, and the review changes written.
type slowStore struct {
	mu      sync.Mutex
	asked   int
	rev     int64
	first   sync.Once
	entered chan struct{}
	release chan struct{}
}

func (s *slowStore) CatalogInfo(context.Context) (CatalogInfo, error) {
	s.first.Do(func() {
		close(s.entered)
		<-s.release
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked++
	return CatalogInfo{Generation: 1, ReviewSeq: s.rev}, nil
}

func (s *slowStore) Changes(_ context.Context, after int64) (History, error) {
	return History{From: after, To: 1}, nil
}

func (s *slowStore) ReviewChanges(_ context.Context, after int64) (ReviewHistory, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ReviewHistory{From: after, To: s.rev}, nil
}

// TestFeed_PollTogether: writers that call Poll while a poll runs (each
// after a write of its own) are answered together by one poll more, which
// began after they called, so that each sees its write; not by one each.
func TestFeed_PollTogether(t *testing.T) {
	s := &slowStore{entered: make(chan struct{}), release: make(chan struct{})}
	f := NewFeed(s, time.Hour)
	var wg sync.WaitGroup
	wg.Go(func() { f.Poll(context.Background()) })
	<-s.entered // the first poll asks the store, and waits
	const writers = 10
	seqs := make([]int64, writers)
	for i := range writers {
		s.mu.Lock()
		s.rev++ // the writer's write commits, then it polls
		s.mu.Unlock()
		wg.Go(func() {
			info, err := f.Poll(context.Background())
			if err != nil {
				t.Error(err)
			}
			seqs[i] = info.ReviewSeq
		})
	}
	for deadline := time.Now().Add(10 * time.Second); f.asked.Load() < writers+1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the writers did not call Poll")
		}
	}
	close(s.release)
	wg.Wait()
	if s.asked != 2 {
		t.Errorf("the store was asked %d times; want 2: the poll that ran, then one for the %d writers", s.asked, writers)
	}
	for i, seq := range seqs {
		if seq != writers {
			t.Errorf("writer %d was answered review change %d; want %d, which its write and the others' made", i, seq, writers)
		}
	}
}
