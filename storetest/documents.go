package storetest

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"catalog"
	"catalog/wire"
)

// checkDocuments checks that every document the store serves is the one
// rendered from f, the rows it holds (and that products it does not hold
// are ENOTFOUND).
func checkDocuments(t *testing.T, s catalog.Store, f Fixture) {
	t.Helper()
	ctx := context.Background()
	want := renderDocuments(t, s, f)
	for id := int64(1); id <= 1024; id++ {
		for _, kind := range []catalog.Document{catalog.DocProduct, catalog.DocStyles, catalog.DocRelated} {
			w, ok := want[docKey{id, kind}]
			if !ok {
				w = catalog.ENOTFOUND
			}
			if got := readDoc(ctx, s, id, kind); got != w {
				t.Errorf("product %d's document %d = %s, want %s", id, kind, got, w)
			}
		}
	}
}

// renderDocuments renders the documents of a catalog of f's rows, the
// suite's own way, apart from any store's read model: each product with
// its features, its styles with their photos and SKUs, and the ids it
// links to, each in id order. The products' timestamps, which the store
// sets, are read from s's list.
func renderDocuments(t *testing.T, s catalog.Store, f Fixture) map[docKey]string {
	t.Helper()
	listed, err := s.ListProducts(context.Background(), catalog.Page{Number: 1, Size: 1000})
	if err != nil {
		t.Fatal(err)
	}
	stamps := map[int64]catalog.Product{}
	for _, p := range listed {
		stamps[p.ID] = p
	}
	byID := func(a, b int64) int { return cmp.Compare(a, b) }
	docs := map[docKey]string{}
	for _, p := range f.Products {
		p.CreatedAt, p.UpdatedAt = stamps[p.ID].CreatedAt, stamps[p.ID].UpdatedAt
		p.Features = []catalog.Feature{}
		for _, x := range f.Features {
			if x.ProductID == p.ID {
				p.Features = append(p.Features, x)
			}
		}
		slices.SortFunc(p.Features, func(a, b catalog.Feature) int { return byID(a.ID, b.ID) })
		styles := []catalog.Style{}
		for _, st := range f.Styles {
			if st.ProductID != p.ID {
				continue
			}
			for _, ph := range f.Photos {
				if ph.StyleID == st.ID {
					st.Photos = append(st.Photos, ph)
				}
			}
			for _, k := range f.SKUs {
				if k.StyleID == st.ID {
					st.SKUs = append(st.SKUs, k)
				}
			}
			slices.SortFunc(st.Photos, func(a, b catalog.Photo) int { return byID(a.ID, b.ID) })
			slices.SortFunc(st.SKUs, func(a, b catalog.SKU) int { return byID(a.ID, b.ID) })
			styles = append(styles, st)
		}
		slices.SortFunc(styles, func(a, b catalog.Style) int { return byID(a.ID, b.ID) })
		related := slices.Clone(f.Related)
		slices.SortFunc(related, func(a, b catalog.Related) int { return byID(a.ID, b.ID) })
		links := []int64{}
		for _, r := range related {
			if r.ProductID == p.ID {
				links = append(links, r.RelatedID)
			}
		}
		docs[docKey{p.ID, catalog.DocProduct}] = string(wire.AppendProductDoc(nil, &p))
		docs[docKey{p.ID, catalog.DocStyles}] = string(wire.AppendStyles(nil, p.ID, styles))
		docs[docKey{p.ID, catalog.DocRelated}] = string(wire.AppendIDs(nil, links))
	}
	return docs
}

func testDocuments(t *testing.T, open Opener) {
	s, clock := openLoaded(t, open)
	checkDocuments(t, s, NewFixture())
	// A reload that changes a product's row, a SKU of another, and drops a
	// third writes the documents anew.
	clock.Set(T0.Add(DayLater))
	Load(t, s, changedFixture())
	checkDocuments(t, s, changedFixture())
}

// DayLater is how long after T0 the suite's second loads happen.
const DayLater = 24 * time.Hour

// changedFixture is the fixture with product 2 renamed, product 3 (which
// has no styles, features or links) gone, and a SKU of product 5's style
// restocked: three of six products changed.
func changedFixture() Fixture {
	f := NewFixture()
	f.Products = append(append([]catalog.Product{}, f.Products[:2]...), f.Products[3:]...)
	f.Products[1].Name = "Lunar Sunglasses II"
	f.SKUs = append([]catalog.SKU{}, f.SKUs...)
	for i := range f.SKUs {
		if f.SKUs[i].StyleID == 5 {
			f.SKUs[i].Quantity += 10
		}
	}
	return f
}

func testChanges(t *testing.T, open Opener) {
	ctx := context.Background()
	s, clock := openLoaded(t, open)
	history := func(after int64, want catalog.History) {
		t.Helper()
		got, err := s.Changes(ctx, after)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Changes(%d) = %+v, want %+v", after, got, want)
		}
	}
	// The first load makes every product new: the history starts after it.
	history(0, catalog.History{Start: 1, From: 1, To: 1})
	// A reload of the same rows changes nothing.
	Load(t, s, NewFixture())
	history(1, catalog.History{Start: 1, From: 1, To: 2})
	clock.Set(T0.Add(DayLater))
	Load(t, s, changedFixture())
	gen3 := catalog.Change{Generation: 3, ShiftFrom: 3, Products: []catalog.ProductChange{
		{ID: 2, Pos: 2}, {ID: 3, Pos: 0}, {ID: 5, Pos: 3},
	}}
	history(0, catalog.History{Start: 1, From: 1, To: 3, Changes: []catalog.Change{gen3}})
	history(2, catalog.History{Start: 1, From: 2, To: 3, Changes: []catalog.Change{gen3}})
	history(3, catalog.History{Start: 1, From: 3, To: 3})
	// A load that changes most products starts the history anew.
	f := changedFixture()
	f.Products = append([]catalog.Product{}, f.Products...)
	for i := range f.Products {
		f.Products[i].DefaultPrice++
	}
	Load(t, s, f)
	history(1, catalog.History{Start: 4, From: 4, To: 4})
}

// Marked is the product document DocumentsAreRead has a test write behind
// the store's back.
const Marked = `{"id":1,"marked":true}`

// DocumentsAreRead tests that FindDocument reads the read model, not the
// tables: s holds the fixture, and mark makes product 1's product document
// Marked behind its back.
func DocumentsAreRead(t *testing.T, s catalog.Store, mark func() error) {
	t.Helper()
	if err := mark(); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindDocument(context.Background(), 1, catalog.DocProduct)
	if err != nil || string(got) != Marked {
		t.Fatalf("product 1's document = %s (%v), want the one written into the read model, %s", got, err, Marked)
	}
}
