package catalog_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"catalog"
)

// describer answers CatalogInfo with the generation it is set to, or err,
// counting the questions.
type describer struct {
	mu    sync.Mutex
	gen   int64
	err   error
	asked int
}

func (d *describer) CatalogInfo(context.Context) (catalog.CatalogInfo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked++
	return catalog.CatalogInfo{Generation: d.gen, Products: 10 * d.gen}, d.err
}

func (d *describer) set(gen int64, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gen, d.err = gen, err
}

func TestWatcher(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := &describer{gen: 1}
		w := catalog.NewWatcher(store, time.Second)
		if _, err := w.Current(); err == nil {
			t.Fatal("Current before any poll: no error")
		}
		var seen []int64
		w.OnChange(func(info catalog.CatalogInfo) { seen = append(seen, info.Generation) })
		if info, err := w.Poll(t.Context()); err != nil || info.Generation != 1 {
			t.Fatalf("Poll: %+v, %v", info, err)
		}
		var errs []error
		go w.Run(t.Context(), func(err error) { errs = append(errs, err) })

		time.Sleep(2500 * time.Millisecond) // two polls, no change
		store.set(2, nil)
		time.Sleep(time.Second)
		synctest.Wait()
		if info, err := w.Current(); err != nil || info.Generation != 2 || info.Products != 20 {
			t.Fatalf("Current after a new generation: %+v, %v", info, err)
		}
		down := errors.New("down")
		store.set(2, down)
		time.Sleep(time.Second)
		synctest.Wait()
		if _, err := w.Current(); !errors.Is(err, down) {
			t.Fatalf("Current after a failed poll: %v, want %v", err, down)
		}
		store.set(2, nil)
		time.Sleep(time.Second)
		synctest.Wait() // Run's writes happen before the reads below
		if info, err := w.Current(); err != nil || info.Generation != 2 {
			t.Fatalf("Current after the store came back: %+v, %v", info, err)
		}
		var late []int64
		w.OnChange(func(info catalog.CatalogInfo) { late = append(late, info.Generation) })
		if want := []int64{1, 2}; !reflect.DeepEqual(seen, want) {
			t.Errorf("changes passed on: %v, want %v (the first poll, then each new generation once)", seen, want)
		}
		if want := []int64{2}; !reflect.DeepEqual(late, want) {
			t.Errorf("a subscriber after the polls began was told %v, want %v at once", late, want)
		}
		if len(errs) != 1 || !errors.Is(errs[0], down) {
			t.Errorf("errors reported: %v, want the one failed poll", errs)
		}
		store.mu.Lock()
		defer store.mu.Unlock()
		if store.asked != 6 {
			t.Errorf("the store was asked %d times in 5.5 s at one a second after the first, want 6", store.asked)
		}
	})
}
