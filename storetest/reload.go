package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"catalog"
	"catalog/csv"
	"catalog/generate"
)

// answer is what a read returned: a value, or an error's code.
type answer struct {
	value any
	code  string
}

func ask[T any](v T, err error) answer {
	if err != nil {
		return answer{code: catalog.ErrorCode(err)}
	}
	return answer{value: v}
}

// read is one read of the catalog, named by a key.
type read struct {
	key string
	do  func(ctx context.Context, s catalog.Store) answer
}

func reads(products int64) []read {
	var out []read
	for id := int64(1); id <= products; id++ {
		for _, kind := range []catalog.Document{catalog.DocProduct, catalog.DocStyles, catalog.DocRelated} {
			out = append(out, read{fmt.Sprint("document ", kind, " of ", id), func(ctx context.Context, s catalog.Store) answer {
				doc, err := s.FindDocument(ctx, id, kind)
				return ask(string(doc), err)
			}})
		}
	}
	for page := int64(1); page <= products/5+1; page++ {
		out = append(out, read{fmt.Sprint("page ", page), func(ctx context.Context, s catalog.Store) answer {
			return ask(s.ListProducts(ctx, catalog.Page{Number: page, Size: 5}))
		}})
	}
	return out
}

// testReloadUnderReads reloads the catalog back and forth between two
// datasets while readers ask for every product, page, style and link: each
// answer must be the old catalog's or the new one's, whole, and never an
// error.
func testReloadUnderReads(t *testing.T, open Opener) {
	ctx := context.Background()
	const productsA, productsB = 240, 200 // 201-240 exist only in A
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if _, err := generate.Write(ctx, a, generate.Options{Products: productsA, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	if _, err := generate.Write(ctx, b, generate.Options{Products: productsB, Seed: 12}); err != nil {
		t.Fatal(err)
	}
	// The clock stands still, so a product's timestamps are the same in
	// every load and each catalog has one right answer per read.
	s := open(t, NewClock(T0).Now)
	load := func(dir string) {
		t.Helper()
		if _, err := csv.Import(ctx, dir, s, csv.Options{}); err != nil {
			t.Fatalf("load %s: %v", dir, err)
		}
	}
	all := reads(productsA)
	snapshot := func() map[string]answer {
		m := map[string]answer{}
		for _, r := range all {
			m[r.key] = r.do(ctx, s)
		}
		return m
	}
	load(b)
	wantB := snapshot()
	load(a)
	wantA := snapshot()
	if reflect.DeepEqual(wantA["document 1 of 1"], wantB["document 1 of 1"]) {
		t.Fatal("the two catalogs answer alike: the test would prove nothing")
	}

	var (
		stop                atomic.Bool
		wg                  sync.WaitGroup
		total, fromA, fromB atomic.Int64
		mu                  sync.Mutex
		bad                 []string
	)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 99))
			for !stop.Load() {
				rd := all[r.IntN(len(all))]
				got := rd.do(ctx, s)
				total.Add(1)
				switch {
				case reflect.DeepEqual(got, wantA[rd.key]):
					fromA.Add(1)
				case reflect.DeepEqual(got, wantB[rd.key]):
					fromB.Add(1)
				default:
					mu.Lock()
					if len(bad) < 5 {
						bad = append(bad, fmt.Sprintf("%s: %+v", rd.key, got))
					}
					mu.Unlock()
				}
			}
		}()
	}
	start := time.Now()
	for _, d := range []string{b, a, b, a} {
		load(d)
	}
	// Readers that began with the last load go on a moment after it.
	time.Sleep(50 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("%d reads during 4 reloads (%v); answers of neither catalog:\n%v", total.Load(), time.Since(start).Round(time.Millisecond), bad)
	}
	if fromA.Load() == 0 || fromB.Load() == 0 {
		t.Fatalf("reads saw catalog A %d times and B %d times: the reloads did not overlap the reads", fromA.Load(), fromB.Load())
	}
	t.Logf("%d reads during 4 reloads in %v: %d from the old or new A, %d from B", total.Load(), time.Since(start).Round(time.Millisecond), fromA.Load(), fromB.Load())
}
