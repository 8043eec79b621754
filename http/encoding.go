package http

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
)

// Encoding is a content coding of a catalog response.
type Encoding uint8

// The encodings served: a response is compressed once, when a cache is
// filled, and kept beside its identity body.
const (
	Identity Encoding = iota
	Gzip
	Brotli
)

// token is the coding's name in Accept-Encoding and Content-Encoding.
func (e Encoding) token() string {
	switch e {
	case Gzip:
		return "gzip"
	case Brotli:
		return "br"
	}
	return "identity"
}

// The compression levels: what a body is compressed with once, for all
// the requests that follow, on every cache miss of a client that asks for
// the encoding. Weighed with BenchmarkCompressLevels on a full-size
// catalog's styles response of 5,338 bytes: gzip 9 made it no smaller than
// 6 (872 bytes) in 2.7 times the time (36 us against 13 us); Brotli 11
// made it 7% smaller than 6 (700 bytes against 755) in 140 times the time
// (9.5 ms against 66 us).
const (
	gzipLevel     = gzip.DefaultCompression
	brotliQuality = 6
)

// minCompressed is the shortest body worth compressing: gzip's header and
// trailer alone are 18 bytes, and a product's related ids are about 30.
const minCompressed = 256

// negotiate returns the encoding to answer with, from a request's
// Accept-Encoding values (RFC 9110, 12.5.3): the acceptable one of highest
// q-value, Brotli before gzip before identity when equal. Identity is
// acceptable unless refused (identity;q=0, or *;q=0 without identity), and
// is the answer too when nothing offered is acceptable.
func negotiate(values []string) Encoding {
	if len(values) == 0 {
		return Identity
	}
	q := map[string]float64{}
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(part, ";")
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "" {
				continue
			}
			q[name] = qValue(params)
		}
	}
	of := func(e Encoding) float64 {
		if v, ok := q[e.token()]; ok {
			return v
		}
		if v, ok := q["*"]; ok {
			return v
		}
		if e == Identity {
			return 0.001 // acceptable, below any coding asked for
		}
		return 0
	}
	best, bestQ := Identity, of(Identity)
	for _, e := range []Encoding{Gzip, Brotli} {
		if v := of(e); v > 0 && v >= bestQ {
			best, bestQ = e, v
		}
	}
	return best
}

// qValue returns the q parameter of a coding's parameters: 1 when absent,
// 0 when malformed (a coding with a q it cannot read is not taken).
func qValue(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < 0 || f > 1 {
			return 0
		}
		return f
	}
	return 1
}

// encoder is a compressing writer that can be used again, as both
// libraries' are.
type encoder interface {
	io.WriteCloser
	Reset(w io.Writer)
}

// encoders pools the writers of each encoding: a Brotli writer's tables
// are costly to make for every body.
var encoders = map[Encoding]*sync.Pool{
	Gzip:   {New: func() any { w, _ := gzip.NewWriterLevel(nil, gzipLevel); return w }},
	Brotli: {New: func() any { return brotli.NewWriterLevel(nil, brotliQuality) }},
}

var gunzippers sync.Pool // of *gzip.Reader

// gunzip returns the body of a gzip member.
func gunzip(member []byte) ([]byte, error) {
	if len(member) < 18 { // a header and a trailer
		return nil, fmt.Errorf("inflate a packed document: %d bytes", len(member))
	}
	zr, _ := gunzippers.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(bytes.NewReader(member))
	} else {
		err = zr.Reset(bytes.NewReader(member))
	}
	if err != nil {
		return nil, fmt.Errorf("inflate a packed document: %w", err)
	}
	defer gunzippers.Put(zr)
	// The trailer says the body's length: the body takes no more memory
	// than it needs, which is what the cache counts. DEFLATE inflates at
	// most 1,032 times.
	n := binary.LittleEndian.Uint32(member[len(member)-4:])
	if uint64(n) > 1032*uint64(len(member)) {
		return nil, fmt.Errorf("inflate a packed document: a length of %d in %d bytes", n, len(member))
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(zr, body); err != nil {
		return nil, fmt.Errorf("inflate a packed document: %w", err)
	}
	var extra [1]byte
	if _, err := zr.Read(extra[:]); err != io.EOF {
		return nil, fmt.Errorf("inflate a packed document: not %d bytes long", n)
	}
	return body, nil
}

// compress returns body in an encoding.
func compress(e Encoding, body []byte) ([]byte, error) {
	pool, ok := encoders[e]
	if !ok {
		return nil, fmt.Errorf("no encoding %d", e)
	}
	w := pool.Get().(encoder)
	defer pool.Put(w)
	var buf bytes.Buffer
	buf.Grow(len(body)/3 + 64)
	w.Reset(&buf)
	if _, err := w.Write(body); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
