package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"catalog"
)

// Opener opens a new, empty store for one test, whose clock is now, and
// closes it when the test ends.
type Opener func(tb testing.TB, now func() time.Time) catalog.Store

// Clock is a settable clock for stores under test.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// T0 is the time the suite's first load happens at.
var T0 = time.Date(2021, 8, 13, 14, 37, 33, 145_000_000, time.UTC)

// Load writes a fixture into a store as a new catalog and commits it.
func Load(tb testing.TB, s catalog.Loader, f Fixture) {
	tb.Helper()
	if err := load(context.Background(), s, f); err != nil {
		tb.Fatal(err)
	}
}

// load writes a fixture into a store as a new catalog and commits it, or
// rolls it back and says why not.
func load(ctx context.Context, s catalog.Loader, f Fixture) error {
	l, err := s.BeginLoad(ctx)
	if err != nil {
		return fmt.Errorf("BeginLoad: %w", err)
	}
	if err := addFixture(ctx, l, f); err != nil {
		_ = l.Rollback()
		return fmt.Errorf("load: %w", err)
	}
	if err := l.Commit(ctx); err != nil {
		return fmt.Errorf("Commit: %w", err)
	}
	return nil
}

// addFixture adds a fixture's rows to a load.
func addFixture(ctx context.Context, l catalog.Load, f Fixture) error {
	return errors.Join(
		l.AddProducts(ctx, f.Products),
		l.AddStyles(ctx, f.Styles),
		l.AddFeatures(ctx, f.Features),
		l.AddPhotos(ctx, f.Photos),
		l.AddSKUs(ctx, f.SKUs),
		l.AddRelated(ctx, f.Related),
		l.AddCartLines(ctx, f.CartLines),
		l.AddReviews(ctx, f.Reviews),
		l.AddReviewPhotos(ctx, f.ReviewPhotos),
		l.AddCharacteristics(ctx, f.Characteristics),
		l.AddCharacteristicVotes(ctx, f.CharacteristicVotes),
		l.AddQuestions(ctx, f.Questions),
		l.AddAnswers(ctx, f.Answers),
		l.AddAnswerPhotos(ctx, f.AnswerPhotos),
	)
}

// Run runs the whole suite against stores that open makes.
func Run(t *testing.T, open Opener) {
	t.Run("ListProducts", func(t *testing.T) { testListProducts(t, open) })
	t.Run("FindDocument", func(t *testing.T) { testFindDocument(t, open) })
	t.Run("Cart", func(t *testing.T) { testCart(t, open) })
	t.Run("CartConcurrency", func(t *testing.T) { testCartConcurrency(t, open) })
	t.Run("CartKey", func(t *testing.T) { testCartKey(t, open) })
	t.Run("CartLimit", func(t *testing.T) { testCartLimit(t, open) })
	t.Run("ExpireCarts", func(t *testing.T) { testExpireCarts(t, open) })
	t.Run("Interactions", func(t *testing.T) { testInteractions(t, open) })
	t.Run("Load", func(t *testing.T) { testLoad(t, open) })
	t.Run("Import", func(t *testing.T) { testImport(t, open) })
	t.Run("ReloadUnderReads", func(t *testing.T) { testReloadUnderReads(t, open) })
	t.Run("Documents", func(t *testing.T) { testDocuments(t, open) })
	t.Run("Changes", func(t *testing.T) { testChanges(t, open) })
	t.Run("Delta", func(t *testing.T) { testDelta(t, open) })
	t.Run("Reviews", func(t *testing.T) { testReviews(t, open) })
	t.Run("Questions", func(t *testing.T) { testQuestions(t, open) })
	t.Run("PostQA", func(t *testing.T) { testPostQA(t, open) })
	t.Run("QAHelpful", func(t *testing.T) { testQAHelpful(t, open) })
	t.Run("ReportQA", func(t *testing.T) { testReportQA(t, open) })
	t.Run("QAChanges", func(t *testing.T) { testQAChanges(t, open) })
	t.Run("QAWritesKept", func(t *testing.T) { testQAWritesKept(t, open) })
	t.Run("ReviewMeta", func(t *testing.T) { testReviewMeta(t, open) })
	t.Run("PostReview", func(t *testing.T) { testPostReview(t, open) })
	t.Run("ReviewHelpful", func(t *testing.T) { testReviewHelpful(t, open) })
	t.Run("ReportReview", func(t *testing.T) { testReportReview(t, open) })
	t.Run("ReviewSums", func(t *testing.T) { testReviewSums(t, open) })
	t.Run("ReviewWritesKept", func(t *testing.T) { testReviewWritesKept(t, open) })
	t.Run("ReviewsOfDeletedProduct", func(t *testing.T) { testReviewsOfDeletedProduct(t, open) })
	t.Run("ReviewChanges", func(t *testing.T) { testReviewChanges(t, open) })
	t.Run("ConcurrentWrites", func(t *testing.T) { testConcurrentWrites(t, open) })
	t.Run("WritesDuringLoad", func(t *testing.T) { testWritesDuringLoad(t, open) })
}

// openLoaded opens a store holding the fixture, loaded at T0.
func openLoaded(t *testing.T, open Opener) (catalog.Store, *Clock) {
	t.Helper()
	clock := NewClock(T0)
	s := open(t, clock.Now)
	Load(t, s, NewFixture())
	return s, clock
}

func ids(ps []catalog.Product) []int64 {
	out := []int64{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := catalog.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func testListProducts(t *testing.T, open Opener) {
	s, _ := openLoaded(t, open)
	ctx := context.Background()
	for _, tc := range []struct {
		page catalog.Page
		want []int64
	}{
		{catalog.Page{Number: 1, Size: 5}, []int64{1, 2, 3, 5, 8}},
		{catalog.Page{Number: 2, Size: 5}, []int64{13}},
		{catalog.Page{Number: 3, Size: 5}, []int64{}},
		{catalog.Page{Number: 2, Size: 2}, []int64{3, 5}},
		{catalog.Page{Number: 6, Size: 1}, []int64{13}},
		{catalog.Page{Number: 1, Size: 1000}, []int64{1, 2, 3, 5, 8, 13}},
		{catalog.Page{Number: catalog.MaxID, Size: 1000}, []int64{}},
	} {
		t.Run(fmt.Sprintf("page%d_count%d", tc.page.Number, tc.page.Size), func(t *testing.T) {
			got, err := s.ListProducts(ctx, tc.page)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ids(got), tc.want) {
				t.Fatalf("ids = %v, want %v", ids(got), tc.want)
			}
		})
	}
	t.Run("AcrossBlocks", func(t *testing.T) { testPagesAcrossBlocks(t, open) })
	t.Run("Fields", func(t *testing.T) {
		got, err := s.ListProducts(ctx, catalog.Page{Number: 1, Size: 3})
		if err != nil {
			t.Fatal(err)
		}
		want := NewFixture().Products[2]
		want.CreatedAt, want.UpdatedAt = T0, T0
		if !reflect.DeepEqual(got[2], want) {
			t.Fatalf("product 3 = %+v, want %+v", got[2], want)
		}
		if got[0].Features != nil {
			t.Fatalf("a listed product has features %v; the list carries none", got[0].Features)
		}
	})
}

func testFindDocument(t *testing.T, open Opener) {
	s, _ := openLoaded(t, open)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		id   int64
		kind catalog.Document
		want string // a part of the document
	}{
		{"FeaturesInIDOrder", 2, catalog.DocProduct, `"features":[{"feature":"Lenses","value":"Polarized"},{"feature":"UV Protection","value":null}]`},
		{"NoFeatures", 13, catalog.DocProduct, `"features":[]`},
		{"NoSKUs", 8, catalog.DocStyles, `"skus":{"null":{"quantity":null,"size":null}}`},
		{"NoStyles", 3, catalog.DocStyles, `"results":[]`},
		{"RelatedInLinkOrder", 1, catalog.DocRelated, `[2,8,2,13,1]`}, // duplicates and self-links kept
		{"NoRelated", 3, catalog.DocRelated, `[]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := readDoc(ctx, s, tc.id, tc.kind); !strings.Contains(got, tc.want) {
				t.Fatalf("product %d's document %d = %s, want it to hold %s", tc.id, tc.kind, got, tc.want)
			}
		})
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, kind := range []catalog.Document{catalog.DocProduct, catalog.DocStyles, catalog.DocRelated} {
			_, err := s.FindDocument(ctx, 4, kind)
			wantCode(t, err, catalog.ENOTFOUND)
		}
	})
	t.Run("All", func(t *testing.T) { checkDocuments(t, s, NewFixture()) })
}

func testCart(t *testing.T, open Opener) {
	s, _ := openLoaded(t, open)
	ctx := context.Background()
	cart := func(t *testing.T, session string) []catalog.CartItem {
		t.Helper()
		items, err := s.Cart(ctx, session)
		if err != nil {
			t.Fatal(err)
		}
		if items == nil {
			t.Fatal("cart is nil, want a non-nil slice")
		}
		return items
	}
	t.Run("Empty", func(t *testing.T) {
		if got := cart(t, "nobody"); len(got) != 0 {
			t.Fatalf("got %v, want empty", got)
		}
	})
	t.Run("Imported", func(t *testing.T) {
		// Inactive lines do not count.
		want := []catalog.CartItem{{SKUID: 14, Count: 2}, {SKUID: 9, Count: 1}}
		if got := cart(t, "1001"); !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
	t.Run("AddOrder", func(t *testing.T) {
		for _, sku := range []int64{15, 9, 15, 10} {
			if err := s.AddToCart(ctx, "s1", sku, 0); err != nil {
				t.Fatalf("add %d: %v", sku, err)
			}
		}
		want := []catalog.CartItem{{SKUID: 15, Count: 2}, {SKUID: 9, Count: 1}, {SKUID: 10, Count: 1}}
		if got := cart(t, "s1"); !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		if got := cart(t, "s2"); len(got) != 0 {
			t.Fatalf("another session's cart = %v, want empty", got)
		}
	})
	t.Run("AfterImported", func(t *testing.T) {
		if err := s.AddToCart(ctx, "1001", 15, 0); err != nil {
			t.Fatal(err)
		}
		if err := s.AddToCart(ctx, "1001", 9, 0); err != nil {
			t.Fatal(err)
		}
		want := []catalog.CartItem{{SKUID: 14, Count: 2}, {SKUID: 9, Count: 2}, {SKUID: 15, Count: 1}}
		if got := cart(t, "1001"); !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
	t.Run("ErrStock", func(t *testing.T) {
		// sku 12 has 1 in stock; sku 16 has 2, both in session 2002's
		// imported cart after one more.
		if err := s.AddToCart(ctx, "s3", 12, 0); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.AddToCart(ctx, "s3", 12, 0), catalog.EUNPROCESSABLE)
		if err := s.AddToCart(ctx, "2002", 16, 0); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.AddToCart(ctx, "2002", 16, 0), catalog.EUNPROCESSABLE)
		want := []catalog.CartItem{{SKUID: 16, Count: 2}}
		if got := cart(t, "2002"); !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
	t.Run("ErrSoldOut", func(t *testing.T) {
		wantCode(t, s.AddToCart(ctx, "s4", 13, 0), catalog.EUNPROCESSABLE)
	})
	t.Run("ErrUnknownSKU", func(t *testing.T) {
		wantCode(t, s.AddToCart(ctx, "s4", 999, 0), catalog.EUNPROCESSABLE)
		if got := cart(t, "s4"); len(got) != 0 {
			t.Fatalf("got %v after failed adds, want empty", got)
		}
	})
}

func testCartConcurrency(t *testing.T, open Opener) {
	s, _ := openLoaded(t, open)
	ctx := context.Background()
	// sku 9 has 8 in stock; 50 clients race for it in one session.
	var ok, refused atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.AddToCart(ctx, "race", 9, 0)
			switch catalog.ErrorCode(err) {
			case "":
				ok.Add(1)
			case catalog.EUNPROCESSABLE:
				refused.Add(1)
			default:
				t.Errorf("add: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 8 || refused.Load() != 42 {
		t.Fatalf("%d adds succeeded and %d were refused, want 8 and 42", ok.Load(), refused.Load())
	}
	items, err := s.Cart(ctx, "race")
	if err != nil {
		t.Fatal(err)
	}
	if want := []catalog.CartItem{{SKUID: 9, Count: 8}}; !reflect.DeepEqual(items, want) {
		t.Fatalf("cart = %v, want %v", items, want)
	}
}

func testCartLimit(t *testing.T, open Opener) {
	s, _ := openLoaded(t, open)
	ctx := context.Background()
	// A cart of at most two SKUs: more units of those, but no third.
	for _, sku := range []int64{9, 10, 9, 10} {
		if err := s.AddToCart(ctx, "two", sku, 2); err != nil {
			t.Fatalf("add sku %d: %v", sku, err)
		}
	}
	err := s.AddToCart(ctx, "two", 14, 2)
	wantCode(t, err, catalog.EUNPROCESSABLE)
	if !strings.Contains(err.Error(), "2 different SKUs") {
		t.Errorf("error %q does not say the bound", err)
	}
	if err := s.AddToCart(ctx, "other", 14, 2); err != nil {
		t.Fatalf("another cart: %v", err)
	}
	// Racing adds of new SKUs to one cart pass the bound no more than once.
	var ok atomic.Int64
	var wg sync.WaitGroup
	for _, sku := range []int64{9, 10, 11, 12, 14, 15, 16} {
		wg.Go(func() {
			if s.AddToCart(ctx, "race-skus", sku, 3) == nil {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	items, err := s.Cart(ctx, "race-skus")
	if err != nil || len(items) != 3 || ok.Load() != 3 {
		t.Fatalf("7 racing adds of new SKUs to a cart of at most 3: %d succeeded, cart %v, %v", ok.Load(), items, err)
	}
}

func testExpireCarts(t *testing.T, open Opener) {
	s, clock := openLoaded(t, open)
	ctx := context.Background()
	add := func(session string, sku int64) {
		t.Helper()
		if err := s.AddToCart(ctx, session, sku, 0); err != nil {
			t.Fatalf("add %d to %s: %v", sku, session, err)
		}
	}
	add("old", 9)
	add("old", 10)
	add("touched", 9)
	// More idle carts than one batch of the expiry takes.
	const many = 600
	for i := range many {
		add(fmt.Sprintf("idle-%04d", i), 9)
	}
	clock.Set(T0.Add(10 * time.Hour))
	add("touched", 14) // its last addition is recent: the whole cart stays
	add("new", 15)
	n, err := s.ExpireCarts(ctx, T0.Add(time.Hour))
	if err != nil || n != 2+many {
		t.Fatalf("ExpireCarts: %d lines, %v; want the %d of the idle carts", n, err, 2+many)
	}
	for session, want := range map[string]int{"old": 0, "touched": 2, "new": 1, "1001": 2} {
		items, err := s.Cart(ctx, session)
		if err != nil || len(items) != want {
			t.Errorf("cart %s: %v, %v; want %d SKUs", session, items, err, want)
		}
	}
	if n, err := s.ExpireCarts(ctx, T0.Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("again: %d lines, %v; want none", n, err)
	}
	// A cart can be made again after it expired.
	add("old", 9)
	if items, _ := s.Cart(ctx, "old"); len(items) != 1 {
		t.Errorf("the expired cart added to again: %v", items)
	}
}

func testCartKey(t *testing.T, open Opener) {
	s := open(t, NewClock(T0).Now)
	ctx := context.Background()
	// Callers racing for a new store's first key all get one key.
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if keys[i], err = s.CartKey(ctx); err != nil {
				t.Errorf("CartKey: %v", err)
			}
		}()
	}
	wg.Wait()
	for _, k := range keys {
		if len(k) != catalog.CartKeyLen || !bytes.Equal(k, keys[0]) {
			t.Fatalf("keys %x: want one key of %d bytes", keys, catalog.CartKeyLen)
		}
	}
	// A load replaces the catalog, not the carts or their key.
	Load(t, s, NewFixture())
	if k, err := s.CartKey(ctx); err != nil || !bytes.Equal(k, keys[0]) {
		t.Fatalf("after a load: key %x, %v; want %x", k, err, keys[0])
	}
	if other, err := open(t, NewClock(T0).Now).CartKey(ctx); err != nil || bytes.Equal(other, keys[0]) {
		t.Fatalf("another store's key %x, %v; want a key of its own", other, err)
	}
}

func testLoad(t *testing.T, open Opener) {
	ctx := context.Background()
	t.Run("Info", func(t *testing.T) {
		clock := NewClock(T0)
		s := open(t, clock.Now)
		info, err := s.CatalogInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Generation != 0 || info.Products != 0 {
			t.Fatalf("new store: %+v, want generation 0 and no products", info)
		}
		Load(t, s, NewFixture())
		info, err = s.CatalogInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Generation != 1 || info.Products != 6 || !info.LoadedAt.Equal(T0) {
			t.Fatalf("after a load: %+v, want generation 1, 6 products, loaded at %v", info, T0)
		}
	})
	t.Run("Replaces", func(t *testing.T) {
		s, clock := openLoaded(t, open)
		if err := s.AddToCart(ctx, "keeper", 15, 0); err != nil {
			t.Fatal(err)
		}
		// The new catalog: product 1 unchanged, product 2 renamed, product 3
		// (which has no styles, features or links) gone, product 21 new; no
		// historical carts.
		f := NewFixture()
		f.Products = append(append([]catalog.Product{}, f.Products[:2]...), f.Products[3:]...)
		f.Products = append(f.Products, catalog.Product{ID: 21, Name: "New Thing", DefaultPrice: 100})
		f.Products[1].Name = "Lunar Sunglasses II"
		f.CartLines = nil
		t1 := T0.Add(24 * time.Hour)
		clock.Set(t1)
		Load(t, s, f)

		got, err := s.ListProducts(ctx, catalog.Page{Number: 1, Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{1, 2, 5, 8, 13, 21}; !reflect.DeepEqual(ids(got), want) {
			t.Fatalf("ids after reload = %v, want %v", ids(got), want)
		}
		for _, tc := range []struct {
			i                int
			created, updated time.Time
		}{
			{0, T0, T0}, // unchanged: both timestamps kept
			{1, T0, t1}, // changed: updated_at bumped
			{5, t1, t1}, // new
		} {
			p := got[tc.i]
			if !p.CreatedAt.Equal(tc.created) || !p.UpdatedAt.Equal(tc.updated) {
				t.Errorf("product %d: created %v updated %v, want %v and %v", p.ID, p.CreatedAt, p.UpdatedAt, tc.created, tc.updated)
			}
		}
		_, err = s.FindDocument(ctx, 3, catalog.DocProduct)
		wantCode(t, err, catalog.ENOTFOUND)
		// Carts added through the API survive; historical ones go with the
		// catalog they came with.
		items, err := s.Cart(ctx, "keeper")
		if err != nil {
			t.Fatal(err)
		}
		if want := []catalog.CartItem{{SKUID: 15, Count: 1}}; !reflect.DeepEqual(items, want) {
			t.Fatalf("cart after reload = %v, want %v", items, want)
		}
		items, err = s.Cart(ctx, "1001")
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 0 {
			t.Fatalf("historical cart after a reload without cart lines = %v, want empty", items)
		}
	})
	t.Run("Rollback", func(t *testing.T) {
		s, _ := openLoaded(t, open)
		l, err := s.BeginLoad(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.AddProducts(ctx, []catalog.Product{{ID: 99, Name: "Never", DefaultPrice: 1}}); err != nil {
			t.Fatal(err)
		}
		// Until Commit, the old catalog is served.
		if _, err := s.FindDocument(ctx, 99, catalog.DocProduct); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("a product of an uncommitted load is visible: %v", err)
		}
		if _, err := s.FindDocument(ctx, 1, catalog.DocProduct); err != nil {
			t.Fatalf("old catalog during a load: %v", err)
		}
		if err := l.Rollback(); err != nil {
			t.Fatal(err)
		}
		got, err := s.ListProducts(ctx, catalog.Page{Number: 1, Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{1, 2, 3, 5, 8, 13}; !reflect.DeepEqual(ids(got), want) {
			t.Fatalf("ids after rollback = %v, want %v", ids(got), want)
		}
		// The next load is not blocked by the abandoned one.
		Load(t, s, NewFixture())
		info, err := s.CatalogInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Generation != 2 {
			t.Fatalf("generation = %d, want 2", info.Generation)
		}
	})
	t.Run("OneAtATime", func(t *testing.T) {
		s, _ := openLoaded(t, open)
		l, err := s.BeginLoad(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Rollback()
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		if l2, err := s.BeginLoad(cctx); err == nil {
			l2.Rollback()
			t.Fatal("a second load began while one was running")
		}
	})
}

// testPagesAcrossBlocks lists every page of several sizes of a catalog
// whose ids gather in some blocks of ids (reload.BlockSize) and leave
// others empty, at their edges and far apart.
func testPagesAcrossBlocks(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t, NewClock(T0).Now)
	var f Fixture
	all := []int64{1, 2, 63, 64, 65, 127, 128, 129, 300, 1000, 1001, 1002, 4095, 4096, 100000}
	for _, id := range all {
		f.Products = append(f.Products, catalog.Product{ID: id, Name: fmt.Sprint("p", id), DefaultPrice: 1})
	}
	Load(t, s, f)
	for size := int64(1); size <= 4; size++ {
		for n := int64(1); (n-1)*size <= int64(len(all)); n++ {
			got, err := s.ListProducts(ctx, catalog.Page{Number: n, Size: size})
			if err != nil {
				t.Fatal(err)
			}
			want := all[min((n-1)*size, int64(len(all))):min(n*size, int64(len(all)))]
			if !reflect.DeepEqual(ids(got), append([]int64{}, want...)) {
				t.Fatalf("page %d of %d: ids %v, want %v", n, size, ids(got), want)
			}
		}
	}
}
