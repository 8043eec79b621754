package catalog_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"catalog"
)

// idleRecorder is a CartService that records what ExpireCarts is asked.
type idleRecorder struct {
	catalog.CartService
	asked chan time.Time
}

func (r idleRecorder) ExpireCarts(_ context.Context, idleSince time.Time) (int64, error) {
	r.asked <- idleSince
	return 3, errors.New("oops")
}

func TestCartExpiry(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	rec := idleRecorder{asked: make(chan time.Time, 10)}
	results := make(chan error, 10)
	e := catalog.CartExpiry{Carts: rec, Idle: 48 * time.Hour, Every: 10 * time.Millisecond, Now: func() time.Time { return now },
		Done: func(n int64, err error) {
			if n != 3 {
				t.Errorf("Done told of %d lines, want 3", n)
			}
			results <- err
		}}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { e.Run(ctx); close(stopped) }()
	for range 2 { // at once, then every Every
		if got, want := <-rec.asked, now.Add(-48*time.Hour); !got.Equal(want) {
			t.Errorf("carts idle since %v asked for, want %v", got, want)
		}
		if err := <-results; err == nil || err.Error() != "oops" {
			t.Errorf("Done told of %v, want the store's error", err)
		}
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return when its context ended")
	}
}
