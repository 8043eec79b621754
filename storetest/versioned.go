package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"catalog"
	"catalog/cache"
	"catalog/csv"
	"catalog/generate"
	cataloghttp "catalog/http"
	"catalog/internal/redistest"
	"catalog/readmodel"
	"catalog/redis"
)

// docKey names one document of one product.
type docKey struct {
	id   int64
	kind catalog.Document
}

// routeKey names one response of one product.
type routeKey struct {
	id    int64
	route cataloghttp.Route
}

// seenDoc is what a reader got for a document, once its versions had taken
// in generation seen: the body, or that the product did not exist.
type seenDoc struct {
	seen int64
	key  routeKey
	body string
}

// RunVersionedReads runs VersionedReads on new stores that open makes:
// with the in-process cache alone, and with Redis as its second tier.
func RunVersionedReads(t *testing.T, open func(t *testing.T) catalog.Store) {
	t.Run("InProcess", func(t *testing.T) { VersionedReads(t, open(t), nil) })
	t.Run("Redis", func(t *testing.T) {
		url, prefix := redistest.Shared(t)
		tier, err := redis.Open(url, redis.Options{Prefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		defer tier.Close()
		VersionedReads(t, open(t), tier)
	})
}

// VersionedReads tests the rule the cache keeps with versions (see
// catalog.Versions): readers ask for documents through a cache keyed by
// versions, with remote as its second tier when it is not nil, while
// deltas and whole reloads are applied back and forth; a reader that has
// seen generation G never gets a document as it was before a change made
// at or before G. s is a new store.
func VersionedReads(t *testing.T, s catalog.Store, remote cache.Remote) {
	ctx := context.Background()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	const products = 120
	for i, d := range []string{a, b} {
		if _, err := generate.Write(ctx, d, generate.Options{Products: products, Seed: uint64(21 + i)}); err != nil {
			t.Fatal(err)
		}
	}
	var deltas []string
	for i := range 3 {
		d := filepath.Join(dir, fmt.Sprint("delta", i))
		if _, err := generate.WriteDelta(ctx, a, d, 20, uint64(i)); err != nil {
			t.Fatal(err)
		}
		deltas = append(deltas, d)
	}
	// The steps, back and forth: A, its deltas, B, A again, its deltas
	// again.
	steps := []func() error{func() error { _, err := csv.Import(ctx, a, s, csv.Options{}); return err }}
	for round := range 2 {
		for _, d := range deltas {
			steps = append(steps, func() error { _, err := csv.ImportDelta(ctx, d, s, csv.Options{}); return err })
		}
		if round == 0 {
			steps = append(steps,
				func() error { _, err := csv.Import(ctx, b, s, csv.Options{}); return err },
				func() error { _, err := csv.Import(ctx, a, s, csv.Options{}); return err })
		}
	}

	versions := catalog.NewVersions()
	w := catalog.NewFeed(s, time.Hour) // polled by the writer, after each step
	w.OnError = func(err error) { t.Errorf("changes: %v", err) }
	w.Subscribe(func(u catalog.Update) { versions.Apply(u.History) })
	// The service's own: the store's responses, through the cache.
	src := cataloghttp.StoreSource{Products: s, Campus: "c"}
	c := cache.NewResponses(src, versions, 1<<20, 5*time.Second)
	if remote != nil {
		c.WithRemote(remote)
	}
	ids := products + 20 // and the products the deltas add
	kinds := []cataloghttp.Route{cataloghttp.RouteProduct, cataloghttp.RouteStyles, cataloghttp.RouteRelated}
	read := func(c cataloghttp.Source, k routeKey) string {
		resp, err := c.Response(ctx, cataloghttp.Key{Route: k.route, ID: k.id})
		if err != nil {
			return catalog.ErrorCode(err)
		}
		return string(resp.Body)
	}

	// snapshots[g] is every document of generation g, read from the store.
	var mu sync.Mutex
	snapshots := map[int64]map[routeKey]string{}
	snapshot := func() (int64, error) {
		info, err := s.CatalogInfo(ctx)
		if err != nil {
			return 0, err
		}
		docs := map[routeKey]string{}
		for id := int64(1); id <= int64(ids); id++ {
			for _, kind := range kinds {
				docs[routeKey{id, kind}] = read(src, routeKey{id, kind})
			}
		}
		mu.Lock()
		snapshots[info.Generation] = docs
		mu.Unlock()
		return info.Generation, nil
	}

	if _, err := snapshot(); err != nil { // generation 0: no catalog yet
		t.Fatal(err)
	}
	var done atomic.Bool
	var wg sync.WaitGroup
	seen := make([][]seenDoc, 4)
	for r := range seen {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(r), 5))
			for !done.Load() {
				k := routeKey{1 + rng.Int64N(int64(ids)), kinds[rng.IntN(len(kinds))]}
				g := versions.Seen()
				seen[r] = append(seen[r], seenDoc{g, k, read(c, k)})
			}
		})
	}
	var last int64
	for i, step := range steps {
		if err := step(); err != nil {
			done.Store(true)
			wg.Wait()
			t.Fatalf("step %d: %v", i, err)
		}
		g, err := snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		last = g
		time.Sleep(20 * time.Millisecond) // the readers' turn
	}
	done.Store(true)
	wg.Wait()

	n, bad := 0, 0
	for _, rs := range seen {
		for _, o := range rs {
			n++
			if !fresh(snapshots, last, o) {
				if bad++; bad <= 5 {
					t.Errorf("a reader that had seen generation %d got product %d's response of route %d as it was before it: %.80s",
						o.seen, o.key.id, o.key.route, o.body)
				}
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d reads were made", n)
	}
	t.Logf("%d reads over %d generations, %d stale", n, last, bad)
}

// fresh reports whether a document a reader got is as of a generation no
// earlier than its last change at or before the one the reader had seen.
func fresh(snapshots map[int64]map[routeKey]string, last int64, o seenDoc) bool {
	changed := o.seen // the last change at or before seen
	for changed > 0 && snapshots[changed-1] != nil && snapshots[changed-1][o.key] == snapshots[changed][o.key] {
		changed--
	}
	for g := changed; g <= last; g++ {
		if snap := snapshots[g]; snap != nil && snap[o.key] == o.body {
			return true
		}
	}
	return false
}

// readDoc reads a document from the store: its body, or the code of the
// error it got.
func readDoc(ctx context.Context, s catalog.Store, id int64, kind catalog.Document) string {
	stored, err := s.FindDocument(ctx, id, kind)
	if err != nil {
		return catalog.ErrorCode(err)
	}
	body, err := readmodel.JSON(stored, id, kind)
	if err != nil {
		return "unreadable: " + err.Error()
	}
	return string(body)
}
