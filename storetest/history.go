package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"catalog"
	"catalog/readmodel"
)

// HistoryDeltas is how many deltas HistoryWindow applies.
const HistoryDeltas = 1000

// HistoryWindow tests that a store keeps the history of a window of
// generations, readmodel.DefaultHistory of them: s holds the fixture, and
// rows counts the rows of its history of changes, whatever their
// generation. It applies HistoryDeltas deltas that each add a product,
// follows them as serve does (a feed handing each to the versions), and
// checks after each that the rows and the versions kept apart stay within
// the window, that no product's version is older than its last change,
// and at the end that an instance starting then agrees with the one that
// followed every delta.
func HistoryWindow(t *testing.T, s catalog.Store, rows func() (int, error)) {
	t.Helper()
	ctx := context.Background()
	versions := catalog.NewVersions()
	feed := catalog.NewFeed(s, time.Hour) // polled after each delta
	feed.OnError = func(err error) { t.Errorf("changes: %v", err) }
	feed.Subscribe(func(u catalog.Update) { versions.Apply(u.History) })
	if _, err := feed.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	const window = readmodel.DefaultHistory
	changed := map[int64]int64{} // the generation of each added product
	for i := range HistoryDeltas {
		id := int64(1000 + i)
		p := catalog.Product{ID: id, Name: fmt.Sprint("Added ", i), DefaultPrice: 100}
		ApplyDelta(t, s, Delta{Fixture: Fixture{Products: []catalog.Product{p}}})
		info, err := feed.Poll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		changed[id] = info.Generation
		n, err := rows()
		if err != nil {
			t.Fatal(err)
		}
		if n > window || versions.Len() > window {
			t.Fatalf("after delta %d: %d rows of history, %d versions kept apart; want at most the window's %d (one product a generation)",
				i+1, n, versions.Len(), window)
		}
		for id, g := range changed {
			if v := versions.Product(id); v < g {
				t.Fatalf("after delta %d: product %d at version %d, before its change at %d", i+1, id, v, g)
			}
		}
	}
	h, err := s.Changes(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if h.To-h.Start > window || h.To != versions.Seen() {
		t.Errorf("the history keeps generations %d to %d, %d of them; want at most %d, up to %d", h.Start+1, h.To, h.To-h.Start, window, versions.Seen())
	}
	starting := catalog.NewVersions()
	starting.Apply(h)
	for id := int64(1); id < 1000+HistoryDeltas; id++ {
		if a, b := versions.Product(id), starting.Product(id); a != b {
			t.Fatalf("product %d: version %d where every delta was followed, %d on an instance starting now", id, a, b)
		}
	}
	for n := int64(1); n <= 250; n++ {
		p := catalog.Page{Number: n, Size: 5}
		if a, b := versions.Page(p), starting.Page(p); a != b {
			t.Fatalf("page %d: version %d where every delta was followed, %d on an instance starting now", n, a, b)
		}
	}
}
