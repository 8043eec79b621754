package cache_test

import (
	"context"
	"fmt"
	"hash/crc32"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"catalog"
	"catalog/cache"
	cataloghttp "catalog/http"
)

// source answers each key with a body naming it and the round it is in,
// counting its reads and its encodes.
type source struct {
	mu      sync.Mutex
	round   int
	reads   atomic.Int64
	encodes atomic.Int64
}

func (s *source) Response(_ context.Context, k cataloghttp.Key) (*cataloghttp.Response, error) {
	s.reads.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	body := []byte(k.String() + " of round " + string(rune('0'+s.round)))
	return &cataloghttp.Response{Body: body, Hash: hashOf(body), Keys: "catalog " + k.String()}, nil
}

// hashOf is a hash as responses carry it: hex digits.
func hashOf(body []byte) string { return fmt.Sprintf("%08x", crc32.ChecksumIEEE(body)) }

func (s *source) Encode(_ context.Context, _ cataloghttp.Key, r *cataloghttp.Response, e cataloghttp.Encoding) (*cataloghttp.Response, error) {
	s.encodes.Add(1)
	return r.WithEncoded(e, append([]byte("compressed "), r.Body...)), nil
}

func (s *source) next() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.round++
}

var (
	product1 = cataloghttp.Key{Route: cataloghttp.RouteProduct, ID: 1}
	product2 = cataloghttp.Key{Route: cataloghttp.RouteProduct, ID: 2}
)

func body(t *testing.T, rs cataloghttp.Source, k cataloghttp.Key) string {
	t.Helper()
	r, err := rs.Response(context.Background(), k)
	if err != nil {
		t.Fatal(err)
	}
	return string(r.Body)
}

// A response is cached under its version, with its facts: a hit reads
// nothing; a new version of one product is a fresh read, and the other
// products stay cached.
func TestResponses_Versions(t *testing.T) {
	src := &source{}
	versions := catalog.NewVersions()
	rs := cache.NewResponses(src, versions, 1<<20, time.Second)
	body(t, rs, product1)
	body(t, rs, product2)
	r, _ := rs.Response(context.Background(), product1)
	if got := string(r.Body); got != "product/1 of round 0" || r.Hash != hashOf([]byte("product/1 of round 0")) || r.Keys != "catalog product/1" || src.reads.Load() != 2 {
		t.Fatalf("a hit: %+v after %d reads; want round 0's response with its facts, 2 reads", r, src.reads.Load())
	}
	src.next()
	versions.Apply(catalog.History{From: 0, To: 1, Changes: []catalog.Change{{Generation: 1, Products: []catalog.ProductChange{{ID: 1, Pos: 1}}}}})
	if got := body(t, rs, product1); got != "product/1 of round 1" {
		t.Fatalf("after product 1 changed: %q, want round 1's", got)
	}
	if got := body(t, rs, product2); got != "product/2 of round 0" {
		t.Fatalf("product 2, unchanged: %q, want the cached round 0's", got)
	}
	if src.reads.Load() != 3 {
		t.Fatalf("%d reads of the source, want 3", src.reads.Load())
	}
}

// A compressed body is made once and kept with its response; one made of
// a response that a newer one has replaced in the cache is not kept.
func TestResponses_Encode(t *testing.T) {
	ctx := context.Background()
	src := &source{}
	versions := catalog.NewVersions()
	rs := cache.NewResponses(src, versions, 1<<20, time.Second)
	r, _ := rs.Response(ctx, product1)
	for range 3 {
		cached, _ := rs.Response(ctx, product1)
		out, err := rs.Encode(ctx, product1, cached, cataloghttp.Brotli)
		if err != nil || string(out.Brotli) != "compressed product/1 of round 0" {
			t.Fatalf("Encode: %+v, %v", out, err)
		}
	}
	if src.encodes.Load() != 1 {
		t.Fatalf("%d encodes, want 1", src.encodes.Load())
	}
	// r is now stale: the cache holds r with its Brotli body.
	src.next()
	versions.Apply(catalog.History{From: 0, To: 1, Changes: []catalog.Change{{Generation: 1, Products: []catalog.ProductChange{{ID: 1, Pos: 1}}}}})
	newer, _ := rs.Response(ctx, product1)
	if _, err := rs.Encode(ctx, product1, r, cataloghttp.Gzip); err != nil {
		t.Fatal(err)
	}
	if cached, _ := rs.Response(ctx, product1); cached.Gzip != nil || string(cached.Body) != string(newer.Body) {
		t.Fatalf("the cached response after an old one was encoded: %+v; want the newer one, without the old one's gzip", cached)
	}
}

// Instances share responses, with their facts and compressed bodies,
// through a remote tier.
func TestResponses_Remote(t *testing.T) {
	ctx := context.Background()
	tier := openTier(t)
	src := &source{}
	a := cache.NewResponses(src, catalog.NewVersions(), 1<<20, time.Second).WithRemote(tier)
	b := cache.NewResponses(src, catalog.NewVersions(), 1<<20, time.Second).WithRemote(tier)
	r, _ := a.Response(ctx, product1)
	if _, err := a.Encode(ctx, product1, r, cataloghttp.Gzip); err != nil {
		t.Fatal(err)
	}
	got, err := b.Response(ctx, product1)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := a.Response(ctx, product1)
	if !reflect.DeepEqual(got, want) || src.reads.Load() != 1 {
		t.Fatalf("instance b: %+v after %d reads of the store; want a's %+v, read once", got, src.reads.Load(), want)
	}
}

func TestMarshal(t *testing.T) {
	for _, r := range []*cataloghttp.Response{
		{Body: []byte(`{"id":1}`), Hash: "0123456789abcdef", Keys: "catalog product-1"},
		{Body: []byte(`[]`), Gzip: []byte{0x1f, 0x8b, 1}, Brotli: []byte{2}, Hash: "0a", Keys: ""},
	} {
		got, err := cache.Unmarshal(cache.Marshal(r))
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Errorf("Unmarshal(Marshal(%+v)) = %+v, %v", r, got, err)
		}
	}
	for _, b := range []string{"", "\x05ab", "\x01a\x00\x00\x00\x00", "\x01a\x00\x01x\x00\x00extra",
		"\x01h\x00\x01x\x00\x00", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"} {
		if r, err := cache.Unmarshal([]byte(b)); err == nil {
			t.Errorf("Unmarshal(%q) = %+v, want an error", b, r)
		}
	}
}

// FuzzUnmarshal: what a remote tier holds is outside input; any bytes
// are read back or refused, never a panic, and what is read marshals
// back to the same bytes.
func FuzzUnmarshal(f *testing.F) {
	f.Add(cache.Marshal(&cataloghttp.Response{Body: []byte(`{"id":1}`), Hash: "0123abcd", Keys: "k"}))
	f.Add([]byte("\x01h\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := cache.Unmarshal(b)
		if err != nil {
			return
		}
		if again := cache.Marshal(r); string(again) != string(b) {
			t.Fatalf("Marshal(Unmarshal(%q)) = %q", b, again)
		}
	})
}
