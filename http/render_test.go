package http

import (
	"context"
	"testing"

	"catalog"
	"catalog/wire"
)

// BenchmarkRender is why render appends to a pooled buffer: a body of
// two styles (about 2 KB) costs one allocation of its own size that way,
// against one per doubling, and the bytes of every size it outgrew, for a
// slice grown from nothing.
//
//	go test -run '^$' -bench Render ./http
func BenchmarkRender(b *testing.B) {
	var styles []catalog.Style
	for i := range 2 {
		s := catalog.Style{ID: int64(i + 1), Name: "Forest Green & Black", OriginalPrice: 14000, Default: i == 0}
		for j := range 3 {
			s.Photos = append(s.Photos, catalog.Photo{ID: int64(j),
				URL:          catalog.Some("https://images.example.com/photo-1501088430049-71c79fa3283e?auto=format&fit=crop&w=668&q=80"),
				ThumbnailURL: catalog.Some("https://images.example.com/photo-1501088430049-71c79fa3283e?auto=format&fit=crop&w=300&q=80")})
		}
		for j := range 6 {
			s.SKUs = append(s.SKUs, catalog.SKU{ID: int64(100 + j), Size: "XL", Quantity: 8})
		}
		styles = append(styles, s)
	}
	fill := func(_ context.Context, b []byte) ([]byte, error) { return wire.AppendStyles(b, 1, styles), nil }
	b.Run("Pooled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := render(context.Background(), fill); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Growing", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := fill(context.Background(), nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
