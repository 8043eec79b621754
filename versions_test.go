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
	v.Restart(9)
	if v.Product(7) != 9 || v.Seen() != 9 {
		t.Errorf("after a restart: product 7 at %d, seen %d; want 9", v.Product(7), v.Seen())
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
