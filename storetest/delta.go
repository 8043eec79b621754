package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"catalog"
	"catalog/readmodel"
)

// Delta is a change of the fixture for ApplyDelta: rows to add or replace,
// and rows to delete.
type Delta struct {
	Fixture
	Deleted []catalog.Deletion
}

// ApplyDelta applies a delta to a store and commits it.
func ApplyDelta(tb testing.TB, s catalog.DeltaLoader, d Delta) {
	tb.Helper()
	if err := applyDelta(context.Background(), s, d); err != nil {
		tb.Fatal(err)
	}
}

func applyDelta(ctx context.Context, s catalog.DeltaLoader, d Delta) error {
	dl, err := s.BeginDelta(ctx)
	if err != nil {
		return fmt.Errorf("BeginDelta: %w", err)
	}
	for _, err := range []error{
		dl.Delete(ctx, d.Deleted),
		dl.AddProducts(ctx, d.Products),
		dl.AddStyles(ctx, d.Styles),
		dl.AddFeatures(ctx, d.Features),
		dl.AddPhotos(ctx, d.Photos),
		dl.AddSKUs(ctx, d.SKUs),
		dl.AddRelated(ctx, d.Related),
	} {
		if err != nil {
			_ = dl.Rollback()
			return fmt.Errorf("delta: %w", err)
		}
	}
	if err := dl.Commit(ctx); err != nil {
		return fmt.Errorf("Commit: %w", err)
	}
	return nil
}

// StaleReadModel tests a catalog whose read model is of another format
// than this version's: s holds the fixture, and stale records another
// format behind its back. CatalogInfo says so; a delta, which would leave
// the documents it does not change stale, is refused; Rebuild writes the
// read model anew as a new generation, and deltas apply again.
func StaleReadModel(t *testing.T, s catalog.Store, stale func() error) {
	t.Helper()
	ctx := context.Background()
	if err := stale(); err != nil {
		t.Fatal(err)
	}
	info, err := s.CatalogInfo(ctx)
	if err != nil || info.Format == readmodel.Format {
		t.Fatalf("CatalogInfo of a stale read model: %+v (%v), want another format than %d", info, err, readmodel.Format)
	}
	err = applyDelta(ctx, s, fixtureDelta())
	wantCode(t, err, catalog.EUNPROCESSABLE)
	if _, err := s.FindDocument(ctx, 3, catalog.DocProduct); err != nil {
		t.Fatalf("product 3, which the refused delta deletes: %v", err)
	}
	if err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := s.CatalogInfo(ctx)
	if err != nil || rebuilt.Format != readmodel.Format || rebuilt.Generation != info.Generation+1 || rebuilt.Products != info.Products {
		t.Fatalf("CatalogInfo after Rebuild: %+v (%v), want format %d, generation %d, %d products", rebuilt, err, readmodel.Format, info.Generation+1, info.Products)
	}
	checkDocuments(t, s, NewFixture())
	items, err := s.Cart(ctx, "1001")
	if err != nil || len(items) == 0 {
		t.Errorf("a historical cart after Rebuild: %v (%v), want it kept", items, err)
	}
	ApplyDelta(t, s, fixtureDelta())
}

// fixtureDelta changes the fixture: product 1's row given again as it was,
// product 2 renamed and a photo of it deleted, product 3 and product 13
// (with its style, its SKU and the link of product 1 to it) deleted, SKU
// 15 of product 5 restocked, product 21 added with a style, a photo and a
// SKU.
func fixtureDelta() Delta {
	f := NewFixture()
	renamed := f.Products[1]
	renamed.Name = "Lunar Sunglasses II"
	sku := f.SKUs[6]
	sku.Quantity += 10
	return Delta{
		Fixture: Fixture{
			Products: []catalog.Product{f.Products[0], renamed, {ID: 21, Name: "New Thing", DefaultPrice: 100}},
			Styles:   []catalog.Style{{ID: 8, ProductID: 21, Name: "Plain", OriginalPrice: 100, Default: true}},
			Photos:   []catalog.Photo{{ID: 6, StyleID: 8, URL: str("https://img.example/new.jpg")}},
			SKUs:     []catalog.SKU{sku, {ID: 17, StyleID: 8, Size: "M", Quantity: 4}},
		},
		Deleted: []catalog.Deletion{
			{Entity: catalog.EntityProduct, ID: 3}, {Entity: catalog.EntityProduct, ID: 13},
			{Entity: catalog.EntityPhoto, ID: 4},
		},
	}
}

func testDelta(t *testing.T, open Opener) {
	ctx := context.Background()
	// The fixture, and products enough that the delta changes fewer than
	// half of them: the history records it.
	clock := NewClock(T0)
	s := open(t, clock.Now)
	f := NewFixture()
	for id := int64(1001); id <= 1020; id++ {
		f.Products = append(f.Products, catalog.Product{ID: id, Name: "Filler", DefaultPrice: 1})
	}
	Load(t, s, f)
	// A cart holds SKU 16, of product 13, which the delta deletes.
	for _, sku := range []int64{16, 15} {
		if err := s.AddToCart(ctx, "keeper", sku, 0); err != nil {
			t.Fatal(err)
		}
	}
	t1 := T0.Add(DayLater)
	clock.Set(t1)
	ApplyDelta(t, s, fixtureDelta())

	// The cart leaves out the SKU that is gone, which cannot be added
	// again either.
	items, err := s.Cart(ctx, "keeper")
	if err != nil || !reflect.DeepEqual(items, []catalog.CartItem{{SKUID: 15, Count: 1}}) {
		t.Errorf("cart after its SKU 16 was deleted = %v (%v), want only SKU 15", items, err)
	}
	wantCode(t, s.AddToCart(ctx, "keeper", 16, 0), catalog.EUNPROCESSABLE)

	got, err := s.ListProducts(ctx, catalog.Page{Number: 1, Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{1, 2, 5, 8, 21}; !reflect.DeepEqual(ids(got), want) {
		t.Fatalf("ids after the delta = %v, want %v", ids(got), want)
	}
	for _, tc := range []struct {
		i                int
		created, updated time.Time
	}{
		{0, T0, T0}, // given again as it was: both timestamps kept
		{1, T0, t1}, // renamed: updated_at bumped
		{4, t1, t1}, // new
	} {
		if p := got[tc.i]; !p.CreatedAt.Equal(tc.created) || !p.UpdatedAt.Equal(tc.updated) {
			t.Errorf("product %d: created %v updated %v, want %v and %v", p.ID, p.CreatedAt, p.UpdatedAt, tc.created, tc.updated)
		}
	}
	for _, id := range []int64{3, 13} {
		_, err := s.FindDocument(ctx, id, catalog.DocProduct)
		wantCode(t, err, catalog.ENOTFOUND)
	}
	for _, tc := range []struct {
		id        int64
		kind      catalog.Document
		want, why string
	}{
		{1, catalog.DocRelated, `[2,8,2,1]`, "the link to the deleted 13 gone"},
		{2, catalog.DocStyles, `"photos":[{"thumbnail_url":null,"url":null}]`, "its one style without the deleted photo"},
		{5, catalog.DocStyles, `"15":{"quantity":15,`, "SKU 15 restocked to 15"},
	} {
		if got := readDoc(ctx, s, tc.id, tc.kind); !strings.Contains(got, tc.want) {
			t.Errorf("product %d's document %d = %s, want %s", tc.id, tc.kind, got, tc.why)
		}
	}
	checkDocuments(t, s, applied(f, fixtureDelta()))

	h, err := s.Changes(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := catalog.History{Start: 1, From: 1, To: 2, Changes: []catalog.Change{{Generation: 2, ShiftFrom: 3, Products: []catalog.ProductChange{
		{ID: 1, Pos: 1}, {ID: 2, Pos: 2}, {ID: 3}, {ID: 5, Pos: 3}, {ID: 13}, {ID: 21, Pos: 5},
	}}}}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("Changes(1) = %+v, want %+v", h, want)
	}

	// The same rows again change nothing, but make a generation.
	ApplyDelta(t, s, Delta{Fixture: Fixture{Products: got[:2], SKUs: fixtureDelta().SKUs}})
	if h, err := s.Changes(ctx, 2); err != nil || !reflect.DeepEqual(h, catalog.History{Start: 1, From: 2, To: 3}) {
		t.Errorf("after the same rows again: Changes(2) = %+v (%v), want no change of generation 3", h, err)
	}

	// A delta rolled back changes nothing.
	d, err := s.BeginDelta(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.AddProducts(ctx, []catalog.Product{{ID: 99, Name: "Never", DefaultPrice: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := d.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindDocument(ctx, 99, catalog.DocProduct); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Fatalf("a rolled back delta's product: %v", err)
	}
	if info, err := s.CatalogInfo(ctx); err != nil || info.Generation != 3 || info.Products != 25 {
		t.Fatalf("after a rollback: %+v (%v), want generation 3 and 25 products", info, err)
	}
}

// applied returns the rows of f once d is applied, as the suite reckons
// them: d's rows add rows or replace those of the same ids, and its
// deletions delete rows and what depends on them (Delta's rules).
func applied(f Fixture, d Delta) Fixture {
	gone := map[catalog.Entity]map[int64]bool{}
	for _, e := range catalog.Entities {
		gone[e] = map[int64]bool{}
	}
	for _, del := range d.Deleted {
		gone[del.Entity][del.ID] = true
	}
	var out Fixture
	out.Products = upsert(f.Products, d.Products, func(p catalog.Product) int64 { return p.ID })
	out.Products = slices.DeleteFunc(out.Products, func(p catalog.Product) bool { return gone[catalog.EntityProduct][p.ID] })
	out.Styles = upsert(f.Styles, d.Styles, func(x catalog.Style) int64 { return x.ID })
	out.Styles = slices.DeleteFunc(out.Styles, func(x catalog.Style) bool {
		return gone[catalog.EntityStyle][x.ID] || gone[catalog.EntityProduct][x.ProductID]
	})
	styles := map[int64]bool{}
	for _, x := range out.Styles {
		styles[x.ID] = true
	}
	out.Features = slices.DeleteFunc(upsert(f.Features, d.Features, func(x catalog.Feature) int64 { return x.ID }), func(x catalog.Feature) bool {
		return gone[catalog.EntityFeature][x.ID] || gone[catalog.EntityProduct][x.ProductID]
	})
	out.Photos = slices.DeleteFunc(upsert(f.Photos, d.Photos, func(x catalog.Photo) int64 { return x.ID }), func(x catalog.Photo) bool {
		return gone[catalog.EntityPhoto][x.ID] || !styles[x.StyleID]
	})
	out.SKUs = slices.DeleteFunc(upsert(f.SKUs, d.SKUs, func(x catalog.SKU) int64 { return x.ID }), func(x catalog.SKU) bool {
		return gone[catalog.EntitySKU][x.ID] || !styles[x.StyleID]
	})
	out.Related = slices.DeleteFunc(upsert(f.Related, d.Related, func(x catalog.Related) int64 { return x.ID }), func(x catalog.Related) bool {
		return gone[catalog.EntityRelated][x.ID] || gone[catalog.EntityProduct][x.ProductID] || gone[catalog.EntityProduct][x.RelatedID]
	})
	return out
}

// upsert returns rows with each of news added, or in place of the row of
// its id.
func upsert[T any](rows, news []T, id func(T) int64) []T {
	out := slices.Clone(rows)
	for _, n := range news {
		if i := slices.IndexFunc(out, func(r T) bool { return id(r) == id(n) }); i >= 0 {
			out[i] = n
		} else {
			out = append(out, n)
		}
	}
	return out
}
