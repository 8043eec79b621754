package readmodel

import (
	"context"

	"golang.org/x/sync/errgroup"

	"catalog"
)

// ChunkSize is how many products a Source reads at once.
const ChunkSize = 2048

// Source is a store's new catalog, read for BuildAll.
type Source interface {
	// Chunk reads the rows of the new catalog's first n products with ids
	// over after; no products when there are none. It runs while the
	// previous chunk is written, so on a connection of its own.
	Chunk(ctx context.Context, after int64, n int) (*Chunk, error)
	// Stamps returns the stamps of the live catalog's products with ids in
	// (after, upTo], in id order.
	Stamps(ctx context.Context, after, upTo int64) ([]Stamp, error)
	// Write writes documents into the new catalog.
	Write(ctx context.Context, docs []Doc) error
}

// BuildAll writes the documents of every product of a new catalog of a
// generation, and returns what it changes against the live one, and
// whether that is most of the catalog: then the history is best started
// anew, the catalog treated as all new. The next chunk is read while one
// is encoded and written.
func BuildAll(ctx context.Context, src Source, generation int64) (change catalog.Change, restarts bool, err error) {
	g, ctx := errgroup.WithContext(ctx)
	chunks := make(chan *Chunk, 1)
	g.Go(func() error {
		defer close(chunks)
		var after int64
		for {
			c, err := src.Chunk(ctx, after, ChunkSize)
			if err != nil || len(c.Products) == 0 {
				return err
			}
			select {
			case chunks <- c:
			case <-ctx.Done():
				return ctx.Err()
			}
			after = c.Products[len(c.Products)-1].ID
		}
	})
	b := NewBuilder(generation)
	g.Go(func() error {
		var after int64
		for c := range chunks {
			last := c.Products[len(c.Products)-1].ID
			old, err := src.Stamps(ctx, after, last)
			if err != nil {
				return err
			}
			docs, err := b.Add(c, old)
			if err != nil {
				return err
			}
			if err := src.Write(ctx, docs); err != nil {
				return err
			}
			after = last
		}
		old, err := src.Stamps(ctx, after, catalog.MaxID)
		change = b.Finish(old)
		return err
	})
	if err := g.Wait(); err != nil {
		return catalog.Change{}, false, err
	}
	return change, RestartsHistory(change, max(b.pos, b.old)), nil
}

// RestartsHistory reports whether a change of a catalog of products is
// better not recorded, and the history started anew after it: when it
// changes most of the catalog, which is then best treated as all new.
func RestartsHistory(c catalog.Change, products int64) bool {
	return int64(len(c.Products)) > products/2
}

// DefaultHistory is how many generations of changes a store keeps unless
// told otherwise. An instance reads them all when it starts, and every
// response a change older than the history made is taken as changed when
// the history starts after it: with a delta a day, a month of deltas is
// kept, and cached responses are keyed afresh about every two weeks.
const DefaultHistory = 32

// HistoryFrom returns the generation after which a store's history tells
// every change, once generation g is recorded in a history told from
// from: g itself when g restarts it; else from, until the history would
// hold more than window generations, when it keeps the newer half of the
// window. Forgetting half at once, not one generation a time, is what
// keeps cached responses: each time the start moves, every response no
// change in the history reaches is keyed afresh.
func HistoryFrom(from, g int64, window int, restarts bool) int64 {
	switch {
	case restarts:
		return g
	case g-from > int64(window):
		return g - int64(window)/2
	}
	return from
}

// MinHistory is the smallest window of generations a store keeps: one
// that forgets half of it forgets one at least.
const MinHistory = 2

// ChangeRow is one row of a store's history of changes: a product a
// generation changed.
type ChangeRow struct {
	Generation int64
	catalog.ProductChange
}

// HistoryReads are a store's reads of its history of changes, all in one
// snapshot of it.
type HistoryReads interface {
	// Window returns the generation the history starts after, and the
	// generation served.
	Window(ctx context.Context) (start, current int64, err error)
	// Shifts returns the shift of each generation in (from, to] that has
	// one.
	Shifts(ctx context.Context, from, to int64) (map[int64]int64, error)
	// Rows returns the rows of the generations in (from, to], by
	// generation, then product id.
	Rows(ctx context.Context, from, to int64) ([]ChangeRow, error)
}

// ReadHistory reads what the generations after after changed, as far as
// the store's history goes back.
func ReadHistory(ctx context.Context, r HistoryReads, after int64) (catalog.History, error) {
	start, current, err := r.Window(ctx)
	if err != nil {
		return catalog.History{}, err
	}
	from := max(start, after)
	shifts, err := r.Shifts(ctx, from, current)
	if err != nil {
		return catalog.History{}, err
	}
	rows, err := r.Rows(ctx, from, current)
	if err != nil {
		return catalog.History{}, err
	}
	h := HistoryOf(from, current, rows, shifts)
	h.Start = start
	return h, nil
}

// HistoryOf assembles the history from from to to out of a store's rows:
// the changes in generation order, and each generation's shift.
func HistoryOf(from, to int64, rows []ChangeRow, shifts map[int64]int64) catalog.History {
	h := catalog.History{From: from, To: to}
	for _, r := range rows {
		if n := len(h.Changes); n == 0 || h.Changes[n-1].Generation != r.Generation {
			h.Changes = append(h.Changes, catalog.Change{Generation: r.Generation, ShiftFrom: shifts[r.Generation]})
		}
		c := &h.Changes[len(h.Changes)-1]
		c.Products = append(c.Products, r.ProductChange)
	}
	return h
}
