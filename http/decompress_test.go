package http

import (
	"bytes"
	"fmt"
	"io"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
)

// decompress returns a body sent in an encoding as it was, for tests.
func decompress(e Encoding, body []byte) ([]byte, error) {
	var r io.Reader
	switch e {
	case Gzip:
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		r = zr
	case Brotli:
		r = brotli.NewReader(bytes.NewReader(body))
	default:
		return nil, fmt.Errorf("no encoding %d", e)
	}
	return io.ReadAll(r)
}
