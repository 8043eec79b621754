package catalog_test

import (
	"testing"

	"catalog"
)

func page(n, size int64) catalog.Page { return catalog.Page{Number: n, Size: size} }

func TestVersions(t *testing.T) {
	v := catalog.NewVersions()
	if v.Product(1) != 0 || v.Page(page(1, 5)) != 0 {
		t.Fatal("versions before any history are not 0")
	}
	// The history starts after generation 3: everything is of version 3.
	v.Apply(catalog.History{From: 3, To: 4, Changes: []catalog.Change{
		{Generation: 4, Products: []catalog.ProductChange{{ID: 7, Pos: 6}}},
	}})
	for _, tc := range []struct {
		name      string
		got, want int64
	}{
		{"an unchanged product", v.Product(1), 3},
		{"the changed product", v.Product(7), 4},
		{"a page before it", v.Page(page(1, 5)), 3},
		{"its page", v.Page(page(2, 5)), 4},
		{"a page after it", v.Page(page(3, 5)), 3},
		{"a page of another size holding it", v.Page(page(1, 10)), 4},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: version %d, want %d", tc.name, tc.got, tc.want)
		}
	}
	// Generation 5 deletes a product at position 9: every page from it on
	// shifts. Changes already taken in are not taken again.
	v.Apply(catalog.History{From: 4, To: 5, Changes: []catalog.Change{
		{Generation: 4, Products: []catalog.ProductChange{{ID: 1, Pos: 1}}},
		{Generation: 5, Products: []catalog.ProductChange{{ID: 12}}, ShiftFrom: 9},
	}})
	if v.Product(1) != 3 || v.Product(12) != 5 || v.Seen() != 5 {
		t.Errorf("products 1 and 12 at %d and %d, seen %d; want 3, 5, 5", v.Product(1), v.Product(12), v.Seen())
	}
	if v.Page(page(1, 5)) != 3 || v.Page(page(2, 5)) != 5 || v.Page(page(100, 5)) != 5 {
		t.Errorf("pages 1, 2, 100 at %d, %d, %d; want 3, 5, 5", v.Page(page(1, 5)), v.Page(page(2, 5)), v.Page(page(100, 5)))
	}
	// A history that starts after what was seen leaves a gap: everything
	// is taken as changed at its start.
	v.Apply(catalog.History{From: 8, To: 8})
	if v.Product(7) != 8 || v.Page(page(1, 5)) != 8 {
		t.Errorf("after a gap: product 7 at %d, page 1 at %d; want 8", v.Product(7), v.Page(page(1, 5)))
	}
}

// When the store's window of history moves on, the changes before its
// start are forgotten: the versions are then those of an instance that
// starts now, and the map holds only the window's products.
func TestVersions_Window(t *testing.T) {
	change := func(g int64, ids ...int64) catalog.Change {
		c := catalog.Change{Generation: g}
		for _, id := range ids {
			c.Products = append(c.Products, catalog.ProductChange{ID: id, Pos: id})
		}
		return c
	}
	full := catalog.History{From: 0, To: 6, Changes: []catalog.Change{change(2, 1, 2), change(4, 3), change(6, 4)}}
	running := catalog.NewVersions()
	running.Apply(catalog.History{From: 0, To: 4, Changes: full.Changes[:2]})
	// The store now keeps the history after generation 3 only.
	running.Apply(catalog.History{Start: 3, From: 4, To: 6, Changes: full.Changes[2:]})
	starting := catalog.NewVersions()
	starting.Apply(catalog.History{Start: 3, From: 3, To: 6, Changes: full.Changes[1:]})
	for id := int64(1); id <= 5; id++ {
		if r, s := running.Product(id), starting.Product(id); r != s {
			t.Errorf("product %d: version %d on the running instance, %d on one starting now", id, r, s)
		}
	}
	for n := int64(1); n <= 5; n++ {
		if r, s := running.Page(page(n, 1)), starting.Page(page(n, 1)); r != s {
			t.Errorf("page %d: version %d on the running instance, %d on one starting now", n, r, s)
		}
	}
	if got := running.Product(1); got != 3 {
		t.Errorf("product 1, changed at 2, before the window: version %d, want its start, 3", got)
	}
	if running.Len() != 2 || starting.Len() != 2 {
		t.Errorf("versions kept apart: %d and %d, want 2 (products 3 and 4)", running.Len(), starting.Len())
	}
}

// Only the last changes of pages are kept apart: an older one raises the
// version of every page no later change reaches, never lowers one.
func TestVersions_OldPageChanges(t *testing.T) {
	v := catalog.NewVersions()
	var h catalog.History
	for g := int64(1); g <= 100; g++ {
		h.Changes = append(h.Changes, catalog.Change{Generation: g, Products: []catalog.ProductChange{{ID: g, Pos: g}}})
	}
	h.To = 100
	v.Apply(h)
	for pos := int64(1); pos <= 100; pos++ {
		if got := v.Page(page(pos, 1)); got < pos {
			t.Fatalf("page %d at version %d, before its change at %d", pos, got, pos)
		}
	}
	if got := v.Page(page(100, 1)); got != 100 {
		t.Errorf("the last changed page at %d, want 100", got)
	}
	if got := v.Page(page(101, 1)); got >= 100 {
		t.Errorf("a page no change reached at %d: older changes should not all be taken as the last", got)
	}
}

func TestVersions_Reviews(t *testing.T) {
	v := catalog.NewVersions()
	check := func(want map[int64]int64) {
		t.Helper()
		for id, w := range want {
			if got := v.Reviews(id); got != w {
				t.Fatalf("Reviews(%d) = %d (%d<<40 | %d), want %d<<40 | %d", id, got, got>>40, got&(1<<40-1), w>>40, w&(1<<40-1))
			}
		}
	}
	check(map[int64]int64{5: 0})
	v.ApplyReviews(catalog.ReviewHistory{From: 0, To: 3, Changes: []catalog.ReviewChange{{Seq: 1, ProductID: 5}, {Seq: 2, ProductID: 6}, {Seq: 3, ProductID: 5}}})
	check(map[int64]int64{5: 3, 6: 2, 7: 0})
	// A generation that changed product 5 changes its review responses too.
	v.Apply(catalog.History{From: 0, To: 2, Changes: []catalog.Change{{Generation: 2, Products: []catalog.ProductChange{{ID: 5, Pos: 1}}}}})
	check(map[int64]int64{5: 2<<40 | 3, 6: 2})
	// Taken in again, a change changes nothing.
	v.ApplyReviews(catalog.ReviewHistory{From: 2, To: 3, Changes: []catalog.ReviewChange{{Seq: 3, ProductID: 7}}})
	check(map[int64]int64{7: 0})
	// A whole load may change every product's reviews.
	v.ApplyReviews(catalog.ReviewHistory{From: 3, To: 5, Changes: []catalog.ReviewChange{{Seq: 4, ProductID: catalog.AllProducts}, {Seq: 5, ProductID: 6}}})
	check(map[int64]int64{5: 2<<40 | 4, 6: 5, 7: 4})
	// The store's window moves past 5: what came before is forgotten.
	v.ApplyReviews(catalog.ReviewHistory{Start: 6, From: 5, To: 7, Changes: []catalog.ReviewChange{{Seq: 7, ProductID: 8}}})
	check(map[int64]int64{6: 6, 8: 7})
	// A gap: everything changed at its start.
	v.ApplyReviews(catalog.ReviewHistory{Start: 20, From: 20, To: 20})
	check(map[int64]int64{6: 20, 8: 20, 9: 20})
}
