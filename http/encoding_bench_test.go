package http

import (
	"bytes"
	"fmt"
	"io"
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
		benchWriter(b, fmt.Sprintf("gzip-%d", level), body, w.Reset, w.Write, w.Close)
	}
	for _, quality := range []int{4, 6, 8, 11} {
		w := brotli.NewWriterLevel(nil, quality)
		benchWriter(b, fmt.Sprintf("br-%d", quality), body, w.Reset, w.Write, w.Close)
	}
}

func benchWriter(b *testing.B, name string, body []byte, reset func(w io.Writer), write func([]byte) (int, error), close func() error) {
	b.Run(name, func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			reset(&buf)
			_, _ = write(body)
			_ = close()
		}
		b.ReportMetric(float64(buf.Len()), "bytes")
	})
}
