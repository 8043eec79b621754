package readmodel

import (
	"cmp"
	"fmt"
	"slices"

	"catalog"
)

// Photo is a photo with the product of its style, as a Chunk holds it.
type Photo struct {
	ProductID int64
	catalog.Photo
}

// SKU is a SKU with the product of its style, as a Chunk holds it.
type SKU struct {
	ProductID int64
	catalog.SKU
}

// Chunk is the rows of a run of products, each table's in the order the
// documents list them: products by id; features, styles and related rows
// by product, then id; photos and SKUs by product (within a product, they
// are sorted by style and id). Every row's product is among Products.
type Chunk struct {
	Products []catalog.Product
	Features []catalog.Feature
	Styles   []catalog.Style
	Photos   []Photo
	SKUs     []SKU
	Related  []catalog.Related
}

// Stamp is what a store keeps of a product's documents to tell whether a
// load changed them.
type Stamp struct {
	ID      int64
	Hash    uint64
	Version int64
}

// Builder makes the documents of a new catalog, chunk by chunk in id
// order, and finds what changed against the catalog it replaces.
type Builder struct {
	change catalog.Change
	pos    int64 // the products built so far
	old    int64 // the live catalog's products seen so far
}

// NewBuilder returns a builder of the catalog of a generation.
func NewBuilder(generation int64) *Builder {
	return &Builder{change: catalog.Change{Generation: generation}}
}

// Add returns the documents of a chunk's products, in id order. old are
// the stamps of the live catalog's products from after the previous
// chunk's last id up to this chunk's last id, in id order: a document
// whose hash is its old one keeps its version.
func (b *Builder) Add(c *Chunk, old []Stamp) ([]Doc, error) {
	docs, err := c.Docs()
	if err != nil {
		return nil, err
	}
	b.old += int64(len(old))
	o := 0
	for i := range docs {
		d := &docs[i]
		for ; o < len(old) && old[o].ID < d.ID; o++ {
			b.deleted(old[o].ID)
		}
		b.pos++
		switch {
		case o < len(old) && old[o].ID == d.ID && old[o].Hash == d.Hash:
			d.Version = old[o].Version
		case o < len(old) && old[o].ID == d.ID:
			d.Version = b.change.Generation
			b.change.Products = append(b.change.Products, catalog.ProductChange{ID: d.ID, Pos: b.pos})
		default: // added
			d.Version = b.change.Generation
			b.change.Products = append(b.change.Products, catalog.ProductChange{ID: d.ID, Pos: b.pos})
			b.shift(b.pos)
		}
		if o < len(old) && old[o].ID == d.ID {
			o++
		}
	}
	if o < len(old) {
		return nil, fmt.Errorf("the live product %d is past the chunk's last product", old[o].ID)
	}
	return docs, nil
}

// Finish accounts for the live catalog's products after the last chunk's
// last id (old, in id order), which are gone, and returns what the new
// catalog changes.
func (b *Builder) Finish(old []Stamp) catalog.Change {
	b.old += int64(len(old))
	for _, s := range old {
		b.deleted(s.ID)
	}
	return b.change
}

// deleted records a product of the live catalog missing from the new one:
// the product at the next position is another than before.
func (b *Builder) deleted(id int64) {
	b.change.Products = append(b.change.Products, catalog.ProductChange{ID: id})
	b.shift(b.pos + 1)
}

func (b *Builder) shift(pos int64) {
	if b.change.ShiftFrom == 0 {
		b.change.ShiftFrom = pos
	}
}

// Docs encodes the documents of the chunk's products, in id order.
func (c *Chunk) Docs() ([]Doc, error) {
	docs := make([]Doc, 0, len(c.Products))
	var f, s, ph, k, r int // where each table's rows of the next product start
	for i := range c.Products {
		p := &c.Products[i]
		features, err := rowsOf(c.Features, &f, p.ID, func(x catalog.Feature) int64 { return x.ProductID })
		if err != nil {
			return nil, err
		}
		p.Features = features
		styles, err := rowsOf(c.Styles, &s, p.ID, func(x catalog.Style) int64 { return x.ProductID })
		if err != nil {
			return nil, err
		}
		photos, err := rowsOf(c.Photos, &ph, p.ID, func(x Photo) int64 { return x.ProductID })
		if err != nil {
			return nil, err
		}
		skus, err := rowsOf(c.SKUs, &k, p.ID, func(x SKU) int64 { return x.ProductID })
		if err != nil {
			return nil, err
		}
		if err := attach(styles, photos, skus); err != nil {
			return nil, fmt.Errorf("product %d: %w", p.ID, err)
		}
		related, err := rowsOf(c.Related, &r, p.ID, func(x catalog.Related) int64 { return x.ProductID })
		if err != nil {
			return nil, err
		}
		ids := make([]int64, len(related))
		for j, x := range related {
			ids[j] = x.RelatedID
		}
		docs = append(docs, Encode(p, styles, ids))
	}
	for _, left := range []struct {
		table string
		at, n int
	}{{"features", f, len(c.Features)}, {"styles", s, len(c.Styles)}, {"photos", ph, len(c.Photos)}, {"skus", k, len(c.SKUs)}, {"related", r, len(c.Related)}} {
		if left.at < left.n {
			return nil, fmt.Errorf("%d %s rows of no product of the chunk", left.n-left.at, left.table)
		}
	}
	return docs, nil
}

// rowsOf returns the rows of product id, which start at *at, and moves
// *at past them. A row of an earlier product left behind is out of order.
func rowsOf[T any](rows []T, at *int, id int64, productOf func(T) int64) ([]T, error) {
	start := *at
	for *at < len(rows) && productOf(rows[*at]) <= id {
		if productOf(rows[*at]) < id {
			return nil, fmt.Errorf("a row of product %d comes after product %d's, or names no product of the chunk", productOf(rows[*at]), id)
		}
		*at++
	}
	return rows[start:*at:*at], nil
}

// attach gives each style its photos and SKUs, sorted by style and id as
// the styles are: then it is one walk, no map.
func attach(styles []catalog.Style, photos []Photo, skus []SKU) error {
	slices.SortFunc(photos, func(a, b Photo) int { return cmp.Or(cmp.Compare(a.StyleID, b.StyleID), cmp.Compare(a.ID, b.ID)) })
	slices.SortFunc(skus, func(a, b SKU) int { return cmp.Or(cmp.Compare(a.StyleID, b.StyleID), cmp.Compare(a.ID, b.ID)) })
	i := 0
	for _, ph := range photos {
		s, err := styleOf(styles, &i, ph.StyleID)
		if err != nil {
			return err
		}
		s.Photos = append(s.Photos, ph.Photo)
	}
	i = 0
	for _, k := range skus {
		s, err := styleOf(styles, &i, k.StyleID)
		if err != nil {
			return err
		}
		s.SKUs = append(s.SKUs, k.SKU)
	}
	return nil
}

// styleOf returns the style with id among styles, starting at *i and
// leaving *i there.
func styleOf(styles []catalog.Style, i *int, id int64) (*catalog.Style, error) {
	for *i < len(styles) && styles[*i].ID < id {
		*i++
	}
	if *i == len(styles) || styles[*i].ID != id {
		return nil, fmt.Errorf("a row of style %d, which is not among the product's styles", id)
	}
	return &styles[*i], nil
}

// Changed returns those of docs whose hashes differ from their stamps in
// old, or that have none there, each of version generation.
func Changed(docs []Doc, old map[int64]Stamp, generation int64) []Doc {
	var out []Doc
	for _, d := range docs {
		if s, ok := old[d.ID]; ok && s.Hash == d.Hash {
			continue
		}
		d.Version = generation
		out = append(out, d)
	}
	return out
}
