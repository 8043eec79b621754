package http

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
)

// BenchmarkCompressLevels compresses a body at the levels worth weighing,
// reporting the compressed size: the body of $CATALOG_BENCH_BODY (a
// response saved with curl), or a styles response of the test fixture.
//
//	curl -s localhost:3000/products/500000/styles > /tmp/styles.json
//	CATALOG_BENCH_BODY=/tmp/styles.json go test ./http -run - -bench CompressLevels
func BenchmarkCompressLevels(b *testing.B) {
	body := []byte(`{"product_id":"1","results":[{"style_id":1,"name":"Forest Green & Black","original_price":"140.00","sale_price":null,"default?":true,"photos":[{"thumbnail_url":"https://images.example/photo-1501088430049?w=300&q=80","url":"https://images.example/photo-1501088430049?w=1200&q=80"}],"skus":{"1":{"quantity":8,"size":"XS"},"2":{"quantity":16,"size":"S"}}}]}`)
	if path := os.Getenv("CATALOG_BENCH_BODY"); path != "" {
		var err error
		if body, err = os.ReadFile(path); err != nil {
			b.Fatal(err)
		}
	}
	for _, level := range []int{1, 6, 9} {
		w, _ := gzip.NewWriterLevel(nil, level)
		benchEncoder(b, fmt.Sprintf("gzip-%d", level), body, w)
	}
	for _, quality := range []int{4, 6, 8, 11} {
		benchEncoder(b, fmt.Sprintf("br-%d", quality), body, brotli.NewWriterLevel(nil, quality))
	}
}

func benchEncoder(b *testing.B, name string, body []byte, w encoder) {
	b.Run(name, func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			w.Reset(&buf)
			_, _ = w.Write(body)
			_ = w.Close()
		}
		b.ReportMetric(float64(buf.Len()), "bytes")
	})
}
