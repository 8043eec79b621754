package storetest

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"catalog"
)

// InteractionReader is a store that reads back the interactions it keeps,
// the first limit of them in the order they were added. The suite needs
// it to see what a store kept: nothing else reads interactions.
type InteractionReader interface {
	Interactions(ctx context.Context, limit int) ([]catalog.Interaction, error)
}

// interactions returns every interaction s keeps.
func interactions(t *testing.T, s catalog.Store) []catalog.Interaction {
	t.Helper()
	r, ok := s.(InteractionReader)
	if !ok {
		t.Fatalf("%T cannot read back its interactions: want an Interactions method (storetest.InteractionReader)", s)
	}
	got, err := r.Interactions(context.Background(), 1_000_000)
	if err != nil {
		t.Fatalf("Interactions: %v", err)
	}
	return got
}

// click returns the n-th interaction of a test, taken n minutes after T0.
func click(n int) catalog.Interaction {
	return catalog.Interaction{Element: fmt.Sprintf("button#%d", n), Widget: "overview", Time: T0.Format(time.RFC3339), At: T0.Add(time.Duration(n) * time.Minute)}
}

func testInteractions(t *testing.T, open Opener) {
	ctx := context.Background()
	t.Run("Kept", func(t *testing.T) {
		s, _ := openLoaded(t, open)
		first := []catalog.Interaction{
			{Element: "img.thumbnail", Widget: "overview", Time: "Tue Aug 17 2021 12:00:00 GMT-0400 (Eastern Daylight Time)", At: T0},
			// Any text, as the storefront sends it: UTF-8 of several
			// widths, quotes, and fields of MaxInteractionField characters.
			{Element: "Ünïcödé ✓ 🛒 \"quoted\" 'single' \\ back", Widget: "相关产品", Time: "not a time at all", At: T0.Add(time.Millisecond)},
			{Element: strings.Repeat("é", catalog.MaxInteractionField), Widget: strings.Repeat("w", catalog.MaxInteractionField),
				Time: strings.Repeat("🕒", catalog.MaxInteractionField), At: T0.Add(-24 * time.Hour)},
		}
		second := []catalog.Interaction{click(1), click(2)}
		for _, b := range [][]catalog.Interaction{first, nil, {}, second} {
			if err := s.AddInteractions(ctx, b); err != nil {
				t.Fatalf("AddInteractions of %d: %v", len(b), err)
			}
		}
		// A whole load replaces the catalog, not the interactions.
		Load(t, s, NewFixture())
		got, want := interactions(t, s), append(append([]catalog.Interaction{}, first...), second...)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("interactions =\n%q\nwant\n%q", got, want)
		}
	})
	t.Run("EmptyBatch", func(t *testing.T) {
		s := open(t, NewClock(T0).Now)
		for _, b := range [][]catalog.Interaction{nil, {}} {
			if err := s.AddInteractions(ctx, b); err != nil {
				t.Fatalf("AddInteractions(%#v): %v", b, err)
			}
		}
		if got := interactions(t, s); len(got) != 0 {
			t.Fatalf("interactions after empty batches = %v, want none", got)
		}
	})
	t.Run("LargeBatch", func(t *testing.T) {
		s := open(t, NewClock(T0).Now)
		var batch []catalog.Interaction
		for n := range 2000 {
			batch = append(batch, click(n))
		}
		if err := s.AddInteractions(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if got := interactions(t, s); !reflect.DeepEqual(got, batch) {
			t.Fatalf("%d interactions kept of a batch of %d, or not as they were", len(got), len(batch))
		}
	})
	t.Run("NUL", func(t *testing.T) {
		// Valid UTF-8 may hold a NUL, which PostgreSQL's text may not: it
		// must not fail the batch it came in.
		s := open(t, NewClock(T0).Now)
		nul := click(2)
		nul.Element = "a\x00b"
		if err := s.AddInteractions(ctx, []catalog.Interaction{click(1), nul, click(3)}); err != nil {
			t.Fatalf("a batch with a NUL in a field: %v", err)
		}
		if got := interactions(t, s); len(got) != 3 || got[1].Widget != nul.Widget || !strings.HasPrefix(got[1].Element, "a") {
			t.Fatalf("interactions = %q, want the batch's 3", got)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		s := open(t, NewClock(T0).Now)
		// Ten clicks a minute apart, added newest first in two batches: the
		// oldest are deleted first whatever order they were added in.
		var batch []catalog.Interaction
		for n := 9; n >= 0; n-- {
			batch = append(batch, click(n))
		}
		for _, b := range [][]catalog.Interaction{batch[:4], batch[4:]} {
			if err := s.AddInteractions(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		before := T0.Add(5 * time.Minute) // clicks 0 to 4; click 5 is at it, not before
		for _, tc := range []struct {
			limit int
			want  int64
			left  []int // the clicks kept
		}{
			{0, 0, []int{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
			{3, 3, []int{9, 8, 7, 6, 5, 4, 3}},
			{3, 2, []int{9, 8, 7, 6, 5}},
			{3, 0, []int{9, 8, 7, 6, 5}},
		} {
			n, err := s.DeleteInteractions(ctx, before, tc.limit)
			if err != nil || n != tc.want {
				t.Fatalf("DeleteInteractions(limit %d) = %d, %v; want %d", tc.limit, n, err, tc.want)
			}
			var want []catalog.Interaction
			for _, k := range tc.left {
				want = append(want, click(k))
			}
			if got := interactions(t, s); !reflect.DeepEqual(got, want) {
				t.Fatalf("after deleting %d: interactions\n%v\nwant\n%v", n, got, want)
			}
		}
		if n, err := s.DeleteInteractions(ctx, T0.Add(time.Hour), 100); err != nil || n != 5 {
			t.Fatalf("DeleteInteractions of all = %d, %v; want the 5 left", n, err)
		}
	})
}
