package readmodel

import (
	"context"

	"catalog"
)

// Affected is what a delta affects, as a store sees it in the transaction
// that applies the delta, once its rows are written: the products whose
// documents may have changed.
type Affected interface {
	// Stamps returns the stamps of the affected products' documents as
	// they were before the delta.
	Stamps(ctx context.Context) (map[int64]Stamp, error)
	// Chunk reads the rows of the first n affected products with ids over
	// after that exist after the delta.
	Chunk(ctx context.Context, after int64, n int) (*Chunk, error)
	// Write adds documents, or replaces those of the same ids.
	Write(ctx context.Context, docs []Doc) error
	// Gone deletes the documents of the affected products that no longer
	// exist, and returns their ids.
	Gone(ctx context.Context) ([]int64, error)
	// Position returns the list position a product id has, or would have:
	// one after the products of lower ids.
	Position(ctx context.Context, id int64) (int64, error)
	// FirstShifted returns the lowest id of the products the delta added
	// or deleted, if it did.
	FirstShifted(ctx context.Context) (int64, bool, error)
}

// BuildDelta writes the documents of the products a delta of a generation
// changed, and returns what it changed: the affected products whose
// documents differ, those gone, and from where the list shifted.
func BuildDelta(ctx context.Context, a Affected, generation int64) (catalog.Change, error) {
	change := catalog.Change{Generation: generation}
	old, err := a.Stamps(ctx)
	if err != nil {
		return change, err
	}
	var changed []int64
	for after := int64(0); ; {
		c, err := a.Chunk(ctx, after, ChunkSize)
		if err != nil || len(c.Products) == 0 {
			if err != nil {
				return change, err
			}
			break
		}
		after = c.Products[len(c.Products)-1].ID
		docs, err := c.Docs()
		if err != nil {
			return change, err
		}
		docs = Changed(docs, old, generation)
		if err := a.Write(ctx, docs); err != nil {
			return change, err
		}
		for _, d := range docs {
			changed = append(changed, d.ID)
		}
	}
	gone, err := a.Gone(ctx)
	if err != nil {
		return change, err
	}
	for _, id := range gone {
		change.Products = append(change.Products, catalog.ProductChange{ID: id})
	}
	for _, id := range changed {
		pos, err := a.Position(ctx, id)
		if err != nil {
			return change, err
		}
		change.Products = append(change.Products, catalog.ProductChange{ID: id, Pos: pos})
	}
	first, shifted, err := a.FirstShifted(ctx)
	if err != nil || !shifted {
		return change, err
	}
	change.ShiftFrom, err = a.Position(ctx, first)
	return change, err
}
