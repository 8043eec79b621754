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
// and Changes with a change of product g for each generation g, or
// historyErr; it counts the questions.
type describer struct {
	mu         sync.Mutex
	gen        int64
	err        error
	historyErr error
	asked      int
	reads      []int64 // the after of each Changes
	// rev is the last review change: ReviewChanges gives one of product
	// 100+s for each s; reviewReads are their afters.
	rev         int64
	reviewReads []int64
}

func (d *describer) CatalogInfo(context.Context) (catalog.CatalogInfo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked++
	return catalog.CatalogInfo{Generation: d.gen, Products: 10 * d.gen, ReviewSeq: d.rev}, d.err
}

func (d *describer) ReviewChanges(_ context.Context, after int64) (catalog.ReviewHistory, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.reviewReads = append(d.reviewReads, after)
	h := catalog.ReviewHistory{From: after, To: d.rev}
	for s := after + 1; s <= d.rev; s++ {
		h.Changes = append(h.Changes, catalog.ReviewChange{Seq: s, ProductID: 100 + s})
	}
	return h, nil
}

func (d *describer) Changes(_ context.Context, after int64) (catalog.History, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.reads = append(d.reads, after)
	if d.historyErr != nil {
		return catalog.History{}, d.historyErr
	}
	h := catalog.History{From: after, To: d.gen}
	for g := after + 1; g <= d.gen; g++ {
		h.Changes = append(h.Changes, catalog.Change{Generation: g, Products: []catalog.ProductChange{{ID: g}}})
	}
	return h, nil
}

func (d *describer) set(gen int64, err, historyErr error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gen, d.err, d.historyErr = gen, err, historyErr
}

func TestFeed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := &describer{gen: 1}
		f := catalog.NewFeed(store, time.Second)
		if _, err := f.Current(); err == nil {
			t.Fatal("Current before any poll: no error")
		}
		var order []string
		var updates []catalog.Update
		f.Subscribe(func(u catalog.Update) { order = append(order, "first"); updates = append(updates, u) })
		f.Subscribe(func(catalog.Update) { order = append(order, "second") })
		var historyErrs []error
		f.OnError = func(err error) { historyErrs = append(historyErrs, err) }
		if info, err := f.Poll(t.Context()); err != nil || info.Generation != 1 {
			t.Fatalf("Poll: %+v, %v", info, err)
		}
		var errs []error
		go f.Run(t.Context(), func(err error) { errs = append(errs, err) })

		time.Sleep(2500 * time.Millisecond) // two polls, no change
		store.set(3, nil, nil)              // two generations between polls
		time.Sleep(time.Second)
		synctest.Wait()
		if info, err := f.Current(); err != nil || info.Generation != 3 || info.Products != 30 {
			t.Fatalf("Current after a new generation: %+v, %v", info, err)
		}
		down := errors.New("down")
		store.set(3, down, nil)
		time.Sleep(time.Second)
		synctest.Wait()
		if _, err := f.Current(); !errors.Is(err, down) {
			t.Fatalf("Current after a failed poll: %v, want %v", err, down)
		}
		unreadable := errors.New("history unreadable")
		store.set(4, nil, unreadable)
		time.Sleep(time.Second)
		synctest.Wait() // Run's writes happen before the reads below
		if info, err := f.Current(); err != nil || info.Generation != 4 {
			t.Fatalf("Current after the store came back: %+v, %v", info, err)
		}
		store.set(5, nil, nil)
		time.Sleep(time.Second)
		synctest.Wait()

		want := []catalog.History{
			{From: 0, To: 1, Changes: []catalog.Change{{Generation: 1, Products: []catalog.ProductChange{{ID: 1}}}}},
			{From: 1, To: 3, Changes: []catalog.Change{
				{Generation: 2, Products: []catalog.ProductChange{{ID: 2}}}, {Generation: 3, Products: []catalog.ProductChange{{ID: 3}}}}},
			{Start: 4, From: 4, To: 4}, // unreadable: a gap
			{From: 4, To: 5, Changes: []catalog.Change{{Generation: 5, Products: []catalog.ProductChange{{ID: 5}}}}},
		}
		var got []catalog.History
		for _, u := range updates {
			got = append(got, u.History)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("histories handed on:\n got %+v\nwant %+v", got, want)
		}
		if want := []string{"first", "second", "first", "second", "first", "second", "first", "second"}; !reflect.DeepEqual(order, want) {
			t.Errorf("subscribers called %v, want each in turn, in the order they subscribed", order)
		}
		if len(errs) != 1 || !errors.Is(errs[0], down) {
			t.Errorf("errors reported: %v, want the one failed poll", errs)
		}
		if len(historyErrs) != 1 || !errors.Is(historyErrs[0], unreadable) {
			t.Errorf("history errors reported: %v, want the one unreadable history", historyErrs)
		}
		store.mu.Lock()
		defer store.mu.Unlock()
		if store.asked != 7 {
			t.Errorf("the store was asked %d times in 6.5 s at one a second after the first, want 7", store.asked)
		}
		if want := []int64{0, 1, 3, 4}; !reflect.DeepEqual(store.reads, want) {
			t.Errorf("histories read after %v, want %v: once for each new generation, from the last handed on", store.reads, want)
		}
	})
}

// TestFeed_Reviews: a review change is handed on with the review changes
// since the last update, and the generations' history goes nowhere; the
// generations' history is not read again for it.
func TestFeed_Reviews(t *testing.T) {
	ctx := context.Background()
	store := &describer{gen: 1, rev: 2}
	f := catalog.NewFeed(store, time.Second)
	var got []catalog.Update
	f.Subscribe(func(u catalog.Update) { got = append(got, u) })
	for _, rev := range []int64{2, 2, 4} {
		store.mu.Lock()
		store.rev = rev
		store.mu.Unlock()
		if _, err := f.Poll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 2 {
		t.Fatalf("%d updates, want 2 (the first poll, then review change 4)", len(got))
	}
	want := catalog.Update{Info: catalog.CatalogInfo{Generation: 1, Products: 10, ReviewSeq: 4},
		History: catalog.History{From: 1, To: 1},
		Reviews: catalog.ReviewHistory{From: 2, To: 4, Changes: []catalog.ReviewChange{{Seq: 3, ProductID: 103}, {Seq: 4, ProductID: 104}}}}
	if !reflect.DeepEqual(got[1], want) {
		t.Fatalf("update = %+v, want %+v", got[1], want)
	}
	if !reflect.DeepEqual(store.reads, []int64{0}) || !reflect.DeepEqual(store.reviewReads, []int64{0, 2}) {
		t.Fatalf("history read after %v, reviews after %v; want [0] and [0 2]", store.reads, store.reviewReads)
	}
}
