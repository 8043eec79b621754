package storetest

import (
	"bytes"
	"context"
	"reflect"
	"testing"
	"time"

	"catalog"
	"catalog/readmodel"
)

// checkDocuments checks that every document of the products ids (and of
// one that does not exist) is what the store's joins render.
func checkDocuments(t *testing.T, s catalog.Store, ids []int64) {
	t.Helper()
	ctx := context.Background()
	for _, id := range append(ids, 404) {
		for _, kind := range []catalog.Document{catalog.DocProduct, catalog.DocStyles, catalog.DocRelated} {
			got, err := s.FindDocument(ctx, id, kind)
			want, wantErr := readmodel.Render(ctx, s, id, kind)
			if catalog.ErrorCode(err) != catalog.ErrorCode(wantErr) || !bytes.Equal(got, want) {
				t.Errorf("product %d's document %d = %s (%v), want %s (%v)", id, kind, got, err, want, wantErr)
			}
		}
	}
}

func testDocuments(t *testing.T, open Opener) {
	s, clock := openLoaded(t, open)
	f := NewFixture()
	checkDocuments(t, s, ids(f.Products))
	// A reload that changes a product's row, a SKU of another, and drops a
	// third writes the documents anew.
	f = changedFixture()
	clock.Set(T0.Add(DayLater))
	Load(t, s, f)
	checkDocuments(t, s, append(ids(f.Products), 3))
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
