package http_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"catalog"
	"catalog/cache"
	cataloghttp "catalog/http"
	"catalog/limit"
	"catalog/storetest"
	"catalog/wire"
)

func TestServer_Head(t *testing.T) {
	h := newServer(t, writeFixtureCSV(t))
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Head(srv.URL + "/products/1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength <= 0 {
		t.Fatalf("HEAD: status %d, %d body bytes, Content-Length %d", resp.StatusCode, len(body), resp.ContentLength)
	}
}

var sessionValue = regexp.MustCompile(`[0-9a-f]{32}`)

func TestServer_CartSession(t *testing.T) {
	h := newServer(t, writeFixtureCSV(t))
	t.Run("Issued", func(t *testing.T) {
		resp := serve(h, request{path: "/cart"})
		cookies := resp.Cookies()
		if len(cookies) != 1 {
			t.Fatalf("cookies = %v, want one", cookies)
		}
		c := cookies[0]
		if c.Name != "user_session" || !isSession(c.Value) || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
			t.Fatalf("cookie = %+v, want user_session=<32 hex>, HttpOnly, SameSite=Lax, Path=/", c)
		}
		// The issued session holds the cart of the next requests.
		hdr := map[string]string{"Cookie": "user_session=" + c.Value}
		// It is set again, the same, as the cart is used.
		if resp := serve(h, request{method: "POST", path: "/cart", body: `{"sku_id":9}`, header: hdr}); resp.StatusCode != 201 ||
			len(resp.Cookies()) != 1 || resp.Cookies()[0].Value != c.Value || resp.Cookies()[0].MaxAge != c.MaxAge {
			t.Fatalf("POST with the session: status %d, cookies %v; want 201 and the session again", resp.StatusCode, resp.Cookies())
		}
		resp = serve(h, request{method: "POST", path: "/cart", body: `{"sku_id":"9"}`, header: hdr})
		if resp.StatusCode != 201 {
			t.Fatalf("second POST: %d", resp.StatusCode)
		}
		body, _ := io.ReadAll(serve(h, request{path: "/cart", header: hdr}).Body)
		if string(body) != `[{"sku_id":9,"count":2}]` {
			t.Fatalf("cart = %s", body)
		}
	})
	t.Run("Distinct", func(t *testing.T) {
		a := serve(h, request{path: "/cart"}).Cookies()[0].Value
		b := serve(h, request{path: "/cart"}).Cookies()[0].Value
		if a == b {
			t.Fatalf("two new sessions share the name %s", a)
		}
	})
	t.Run("PostWithoutCookie", func(t *testing.T) {
		resp := serve(h, request{method: "POST", path: "/cart", body: `{"sku_id":14}`})
		if resp.StatusCode != 201 || len(resp.Cookies()) != 1 {
			t.Fatalf("status %d, cookies %v; want 201 and a new session", resp.StatusCode, resp.Cookies())
		}
		body, _ := io.ReadAll(serve(h, request{path: "/cart", header: map[string]string{"Cookie": "user_session=" + resp.Cookies()[0].Value}}).Body)
		if string(body) != `[{"sku_id":14,"count":1}]` {
			t.Fatalf("cart of the new session = %s", body)
		}
	})
	t.Run("InvalidCookieReplaced", func(t *testing.T) {
		for _, v := range []string{"a%20b", "a.b", strings.Repeat("a", 65), "<script>", "é"} {
			resp := serve(h, request{path: "/cart", header: map[string]string{"Cookie": "user_session=" + v}})
			if resp.StatusCode != 200 || len(resp.Cookies()) != 1 || !isSession(resp.Cookies()[0].Value) {
				t.Errorf("cookie %q: status %d, cookies %v; want 200 and a fresh session", v, resp.StatusCode, resp.Cookies())
			}
		}
	})
	t.Run("FailedAddIssuesNothing", func(t *testing.T) {
		resp := serve(h, request{method: "POST", path: "/cart", body: `{}`})
		if resp.StatusCode != 422 || len(resp.Cookies()) != 0 {
			t.Fatalf("status %d, cookies %v", resp.StatusCode, resp.Cookies())
		}
	})
}

// stubStore answers every call with err, after delay, or panics.
type stubStore struct {
	err   error
	delay time.Duration
	panic bool
	calls atomic.Int64
}

func (s *stubStore) wait(ctx context.Context) error {
	s.calls.Add(1)
	if s.panic {
		panic("stub store panics")
	}
	select {
	case <-time.After(s.delay):
		return s.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *stubStore) ListProducts(ctx context.Context, _ catalog.Page) ([]catalog.Product, error) {
	return []catalog.Product{}, s.wait(ctx)
}
func (s *stubStore) FindDocument(ctx context.Context, id int64, kind catalog.Document) ([]byte, error) {
	p := catalog.Product{ID: id, Name: "Slow", Features: []catalog.Feature{}}
	docs := map[catalog.Document][]byte{catalog.DocProduct: wire.AppendProductDoc(nil, &p),
		catalog.DocStyles: wire.AppendStyles(nil, id, []catalog.Style{}), catalog.DocRelated: wire.AppendIDs(nil, []int64{})}
	return docs[kind], s.wait(ctx)
}
func (s *stubStore) Cart(ctx context.Context, _ string) ([]catalog.CartItem, error) {
	return []catalog.CartItem{}, s.wait(ctx)
}
func (s *stubStore) AddToCart(ctx context.Context, _ string, _ int64, _ int) error {
	return s.wait(ctx)
}
func (s *stubStore) ExpireCarts(ctx context.Context, _ time.Time) (int64, error) {
	return 0, s.wait(ctx)
}
func (s *stubStore) CartKey(ctx context.Context) ([]byte, error) { return nil, s.wait(ctx) }

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestServer_StoreErrors(t *testing.T) {
	for _, tc := range []struct {
		name       string
		store      *stubStore
		timeout    time.Duration
		status     int
		message    string
		retryAfter bool
	}{
		{"Unavailable", &stubStore{err: catalog.Errorf(catalog.EUNAVAILABLE, "the store is busy; retry shortly")}, 0, 503, "the store is busy", true},
		{"Timeout", &stubStore{delay: time.Second}, 20 * time.Millisecond, 503, "did not answer in time", true},
		{"Internal", &stubStore{err: errors.New("pq: relation \"products\" does not exist at /srv/db")}, 0, 500, "internal error", false},
		{"Panic", &stubStore{panic: true}, 0, 500, "internal error", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := cataloghttp.NewServer(cataloghttp.Services{Products: tc.store, Carts: tc.store}, cataloghttp.Config{Campus: "c", RequestTimeout: tc.timeout, Logger: quietLogger()}).Handler()
			for _, path := range []string{"/products", "/products/1", "/products/1/styles", "/products/1/related", "/cart"} {
				resp := serve(h, request{path: path})
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != tc.status {
					t.Fatalf("%s: status %d, want %d", path, resp.StatusCode, tc.status)
				}
				if msg := errorMessage(t, body); msg != tc.message && !strings.Contains(msg, tc.message) {
					t.Fatalf("%s: message %q, want %q", path, msg, tc.message)
				}
				if got := resp.Header.Get("Retry-After") != ""; got != tc.retryAfter {
					t.Fatalf("%s: Retry-After present %v, want %v", path, got, tc.retryAfter)
				}
			}
		})
	}
}

// Shutdown lets the requests in flight finish.
func TestServer_Shutdown(t *testing.T) {
	store := &stubStore{delay: 300 * time.Millisecond}
	srv := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c", Logger: quietLogger()})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/products/1")
		if err != nil {
			done <- result{err: err}
			return
		}
		resp.Body.Close()
		done <- result{status: resp.StatusCode}
	}()
	for store.calls.Load() == 0 { // wait until the request is in the store
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if r := <-done; r.err != nil || r.status != 200 {
		t.Fatalf("request in flight: status %d, err %v; want 200", r.status, r.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/products/1"); err == nil {
		t.Fatal("a request after shutdown was served")
	}
}

// FuzzServer_Cookie: whatever the Cookie header, GET /cart answers 200, and
// issues a new session exactly when the header holds no valid one.
func FuzzServer_Cookie(f *testing.F) {
	store := &stubStore{}
	h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c", Logger: quietLogger()}).Handler()
	for _, s := range []string{"user_session=abc", "user_session=", "a=b; user_session=1234", "user_session=\"x\"", "user_session=a\x00b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cookie string) {
		r := httptest.NewRequest("GET", "/cart", nil)
		r.Header.Set("Cookie", cookie)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			t.Fatalf("status %d", w.Code)
		}
		valid := false
		if c, err := r.Cookie("user_session"); err == nil {
			valid = catalog.ValidSession(c.Value)
		}
		// A valid session is set again; anything else is replaced by a new
		// one.
		issued := w.Result().Cookies()
		if len(issued) != 1 {
			t.Fatalf("cookie %q: issued %v, want one", cookie, issued)
		}
		if c, _ := r.Cookie("user_session"); valid && issued[0].Value != c.Value || !valid && !isSession(issued[0].Value) {
			t.Fatalf("cookie %q: valid %v, issued %q", cookie, valid, issued[0].Value)
		}
	})
}

func TestServer_CORS(t *testing.T) {
	store := &stubStore{}
	newHandler := func(origins ...string) http.Handler {
		return cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c", Logger: quietLogger(),
			CORS: cataloghttp.CORS{AllowOrigins: origins}}).Handler()
	}
	preflight := map[string]string{"Origin": "https://shop.example", "Access-Control-Request-Method": "GET",
		"Access-Control-Request-Headers": "authorization, content-type, x-evil\r\nInjected: 1"}
	t.Run("AnyOrigin", func(t *testing.T) {
		h := newHandler("*")
		resp := serve(h, request{method: "OPTIONS", path: "/products/1", header: preflight})
		if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
			resp.Header.Get("Access-Control-Allow-Credentials") != "" || resp.Header.Get("Access-Control-Allow-Headers") != "authorization, content-type" {
			t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
		}
		// A storefront on another origin marks reviews and answers helpful
		// with PUTs, which browsers send only after a preflight allows them.
		put := map[string]string{"Origin": "https://shop.example", "Access-Control-Request-Method": "PUT"}
		resp = serve(h, request{method: "OPTIONS", path: "/api/fec2/c/reviews/1/helpful", header: put})
		if methods := strings.Split(resp.Header.Get("Access-Control-Allow-Methods"), ", "); resp.StatusCode != 204 || !slices.Contains(methods, "PUT") {
			t.Fatalf("preflight of a PUT: %d, allowed methods %q; want 204 and PUT among them", resp.StatusCode, methods)
		}
		resp = serve(h, request{path: "/products/1", header: map[string]string{"Origin": "https://shop.example", "Authorization": "token"}})
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("GET: %d %v", resp.StatusCode, resp.Header)
		}
		// An OPTIONS that is not a preflight is still a wrong method.
		if resp := serve(h, request{method: "OPTIONS", path: "/products/1"}); resp.StatusCode != 405 {
			t.Fatalf("plain OPTIONS: %d", resp.StatusCode)
		}
	})
	t.Run("ListedOrigin", func(t *testing.T) {
		h := newHandler("https://shop.example")
		resp := serve(h, request{path: "/cart", header: map[string]string{"Origin": "https://shop.example"}})
		if resp.Header.Get("Access-Control-Allow-Origin") != "https://shop.example" || resp.Header.Get("Access-Control-Allow-Credentials") != "true" {
			t.Fatalf("listed origin: %v", resp.Header)
		}
		resp = serve(h, request{path: "/cart", header: map[string]string{"Origin": "https://evil.example"}})
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("unlisted origin allowed: %v", resp.Header)
		}
	})
	t.Run("Off", func(t *testing.T) {
		resp := serve(newHandler(), request{method: "OPTIONS", path: "/products/1", header: preflight})
		if resp.StatusCode != 405 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("CORS off: %d %v", resp.StatusCode, resp.Header)
		}
	})
}

// A Shutdown that comes before Serve (a signal right after start) is not
// lost: Serve returns at once.
func TestServer_ShutdownBeforeServe(t *testing.T) {
	store := &stubStore{}
	srv := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c", Logger: quietLogger()})
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve kept serving after Shutdown")
	}
}

// isSession reports whether s is a session name the service issues.
func isSession(s string) bool { return len(s) == 32 && sessionValue.MatchString(s) }

// With a cache, a reload is served once the versions take in what it
// changed, and not before: responses are keyed by their versions. What it
// did not change stays cached.
func TestServer_CacheReload(t *testing.T) {
	ctx := context.Background()
	store := openStore(t, "sqlite")
	storetest.Load(t, store, storetest.NewFixture())
	versions := catalog.NewVersions()
	follow := func() {
		t.Helper()
		h, err := store.Changes(ctx, versions.Seen())
		if err != nil {
			t.Fatal(err)
		}
		versions.Apply(h)
	}
	follow()
	c := cache.NewResponses(cataloghttp.StoreSource{Products: store, Campus: "c"}, versions, 1<<20, time.Second)
	h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c", Source: c, Logger: quietLogger()}).Handler()
	get := func(path string) string {
		t.Helper()
		resp := serve(h, request{path: path})
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		return string(body)
	}
	if !strings.Contains(get("/products/1"), "Harbor Parka") || !strings.Contains(get("/products/2"), "Lunar") {
		t.Fatal("first answers lack the products' names")
	}
	f := storetest.NewFixture()
	f.Products[0].Name = "Harbour Parka II"
	storetest.Load(t, store, f)
	if !strings.Contains(get("/products/1"), "Harbor Parka") {
		t.Fatal("the cached answer changed before the versions took the reload in")
	}
	follow()
	before := c.Stats()
	if body := get("/products/1"); !strings.Contains(body, "Harbour Parka II") {
		t.Fatalf("after the reload: %s", body)
	}
	get("/products/2")
	if st := c.Stats(); st.Misses-before.Misses != 1 || st.Hits-before.Hits != 1 {
		t.Fatalf("after the reload: %d misses and %d hits, want the changed product missed and the other hit",
			st.Misses-before.Misses, st.Hits-before.Hits)
	}
}

// admission admits while open, and counts what it admitted and released.
type admission struct {
	open              bool
	acquired, release int
}

func (a *admission) Acquire(context.Context) (time.Time, error) {
	if !a.open {
		return time.Time{}, catalog.Errorf(catalog.EUNAVAILABLE, "the service is over capacity; retry shortly")
	}
	a.acquired++
	return time.Now(), nil
}

func (a *admission) Release(time.Time) { a.release++ }

func (a *admission) AcquireWithin(ctx context.Context, _ time.Duration) (time.Time, error) {
	return a.Acquire(ctx)
}

// TestServer_Admission: a request the admission refuses is answered 503
// with Retry-After, before the store; health checks pass by it; an admitted
// request gives its turn back.
func TestServer_Admission(t *testing.T) {
	store := &stubStore{err: errors.New("the store must not be reached")}
	adm := &admission{}
	h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c", Logger: quietLogger(), Admission: adm}).Handler()
	resp := serve(h, request{path: "/products/1"})
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || !strings.Contains(errorMessage(t, body), "over capacity") {
		t.Fatalf("refused request: %d %q Retry-After %q", resp.StatusCode, body, resp.Header.Get("Retry-After"))
	}
	if resp := serve(h, request{path: "/healthz"}); resp.StatusCode != 200 {
		t.Fatalf("/healthz while refusing: %d", resp.StatusCode)
	}
	adm.open = true
	serve(h, request{path: "/products/1"})
	if adm.acquired != 1 || adm.release != 1 {
		t.Fatalf("admitted %d, released %d; want 1 and 1", adm.acquired, adm.release)
	}
}

// TestServer_WriteAdmission: shoppers' writes take their turns from the
// writes' admission, so that a full admission of reads sheds none of
// them; every other request, clicks too, takes its turn from the reads'.
func TestServer_WriteAdmission(t *testing.T) {
	store := &stubStore{}
	reads, writes := &admission{}, &admission{open: true}
	h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store, Clicks: &fakeClicks{room: 10}},
		cataloghttp.Config{Campus: "c", Logger: quietLogger(), Admission: reads, WriteAdmission: writes}).Handler()
	for _, tc := range []struct {
		method, path, body string
		write              bool
	}{
		{"POST", "/cart", `{"sku_id":1}`, true},
		{"POST", "/api/fec2/c/cart", `{"sku_id":1}`, true},
		{"PUT", "/reviews/1/helpful", "", true},
		{"GET", "/products/1", "", false},
		{"GET", "/cart", "", false},
		{"POST", "/interactions", `{"element":"a","widget":"b","time":"c"}`, false},
	} {
		before := writes.acquired
		resp := serve(h, request{method: tc.method, path: tc.path, body: tc.body, header: map[string]string{"Authorization": "shopper"}})
		if wrote := writes.acquired > before; wrote != tc.write || (resp.StatusCode == 503) == tc.write {
			t.Errorf("%s %s: status %d, took a write's turn %v; want a write's turn %v, and 503 only for a read (the reads' admission is full)",
				tc.method, tc.path, resp.StatusCode, wrote, tc.write)
		}
	}
	if writes.release != writes.acquired {
		t.Errorf("writes admitted %d, released %d", writes.acquired, writes.release)
	}
}

// TestServer_ClosedLoop: 256 clients, each asking again as soon as it is
// answered, against 16 slots and a store that takes a millisecond: a queue
// of 240 that stands all the while but drains within the budget, so every
// request is answered 200, none shed. On synctest's clock, so that a busy
// machine cannot make the store look slow.
func TestServer_ClosedLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := &stubStore{delay: time.Millisecond}
		adm := limit.New(limit.Config{Slots: 16, Wait: limit.DefaultWait})
		h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c", Logger: quietLogger(), Admission: adm}).Handler()
		var wg sync.WaitGroup
		var failed atomic.Int64
		for range 256 {
			wg.Go(func() {
				for range 10 {
					if resp := serve(h, request{path: "/products/1/styles"}); resp.StatusCode != 200 {
						failed.Add(1)
					}
				}
			})
		}
		wg.Wait()
		if st := adm.Stats(); failed.Load() != 0 || st.Shed != 0 || st.Queued == 0 {
			t.Fatalf("%d of %d requests not 200; admission %+v: want none shed, some queued", failed.Load(), 256*10, st)
		}
	})
}

// A catalog response carries an ETag of its body and the freshness it was
// given; a request naming the tag gets 304 with the same headers and no
// body, HEAD too; the cart and errors are kept by no cache.
func TestServer_Validators(t *testing.T) {
	fresh := cataloghttp.Freshness{MaxAge: time.Minute, StaleWhileRevalidate: 2 * time.Minute, StaleIfError: time.Hour}
	h := newServerWith(t, "sqlite", writeFixtureCSV(t), cataloghttp.Config{Campus: "c", Freshness: fresh, Logger: quietLogger()})
	const cc = "public, max-age=60, stale-while-revalidate=120, stale-if-error=3600"
	for _, path := range []string{"/products/1", "/products/1/styles", "/products/1/related", "/products?page=1&count=2"} {
		first := serve(h, request{path: path})
		tag := first.Header.Get("ETag")
		if first.StatusCode != 200 || len(tag) != 18 || first.Header.Get("Cache-Control") != cc {
			t.Fatalf("GET %s: status %d, ETag %q, Cache-Control %q", path, first.StatusCode, tag, first.Header.Get("Cache-Control"))
		}
		for _, tc := range []struct {
			method, inm string
			status      int
		}{
			{"GET", tag, 304}, {"GET", `W/` + tag, 304}, {"GET", `"other", ` + tag, 304}, {"GET", "*", 304},
			{"GET", `"other"`, 200}, {"HEAD", "", 200}, {"HEAD", tag, 304},
		} {
			resp := serve(h, request{method: tc.method, path: path, header: map[string]string{"If-None-Match": tc.inm}})
			body, _ := io.ReadAll(resp.Body)
			// A recorder keeps a HEAD's body, which a server drops
			// (TestServer_Head): only GET's is checked.
			bodyWrong := tc.method == "GET" && (len(body) > 0) != (tc.status == 200)
			if resp.StatusCode != tc.status || bodyWrong || resp.Header.Get("ETag") != tag || resp.Header.Get("Cache-Control") != cc {
				t.Errorf("%s %s, If-None-Match %s: status %d, %d body bytes, ETag %q, Cache-Control %q; want %d",
					tc.method, path, tc.inm, resp.StatusCode, len(body), resp.Header.Get("ETag"), resp.Header.Get("Cache-Control"), tc.status)
			}
		}
	}
	// Each encoding is a representation of its own, with its own tag, the
	// identity body compressed; a request naming it gets 304.
	identity := serve(h, request{path: "/products/1/styles"})
	want, _ := io.ReadAll(identity.Body)
	for _, tc := range []struct {
		accept   string
		encoding cataloghttp.Encoding
		token    string
	}{{"gzip", cataloghttp.Gzip, "gzip"}, {"gzip, deflate, br", cataloghttp.Brotli, "br"}} {
		for range 2 { // no cache here: made again, the same
			resp := serve(h, request{path: "/products/1/styles", header: map[string]string{"Accept-Encoding": tc.accept}})
			body, _ := io.ReadAll(resp.Body)
			got, err := cataloghttp.Decompress(tc.encoding, body)
			tag := resp.Header.Get("ETag")
			if err != nil || string(got) != string(want) || resp.Header.Get("Content-Encoding") != tc.token ||
				tag != strings.TrimSuffix(identity.Header.Get("ETag"), `"`)+"-"+tc.token+`"` || resp.Header.Get("Vary") != "Accept-Encoding" {
				t.Fatalf("Accept-Encoding %s: Content-Encoding %q, ETag %q, Vary %q, the body decoded equal to identity's: %v (%v)",
					tc.accept, resp.Header.Get("Content-Encoding"), tag, resp.Header.Get("Vary"), string(got) == string(want), err)
			}
			resp = serve(h, request{path: "/products/1/styles", header: map[string]string{"Accept-Encoding": tc.accept, "If-None-Match": tag}})
			if resp.StatusCode != 304 || resp.Header.Get("ETag") != tag {
				t.Fatalf("Accept-Encoding %s, If-None-Match its tag: status %d, ETag %q", tc.accept, resp.StatusCode, resp.Header.Get("ETag"))
			}
		}
	}
	// A body too short to gain is sent as it is.
	if resp := serve(h, request{path: "/products/1/related", header: map[string]string{"Accept-Encoding": "gzip, br"}}); resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("related ids sent with Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	// The same body, the same tag, from another server of the same catalog.
	other := newServerWith(t, "sqlite", writeFixtureCSV(t), cataloghttp.Config{Campus: "c", Logger: quietLogger()})
	if a, b := serve(h, request{path: "/products/2"}).Header.Get("ETag"), serve(other, request{path: "/products/2"}).Header.Get("ETag"); a != b {
		t.Errorf("two servers tag one body %s and %s", a, b)
	}
	for _, tc := range []struct {
		req  request
		want string
	}{
		{request{path: "/products/4"}, "public, max-age=10"}, // no such product
		{request{path: "/products/abc"}, "no-store"},
		{request{path: "/productz"}, "no-store"},
		{request{path: "/cart"}, "private, no-store"},
		{request{method: "POST", path: "/cart", body: `{"sku_id":15}`}, "private, no-store"},
		{request{method: "POST", path: "/cart", body: `{"sku_id":999}`}, "private, no-store"},
	} {
		resp := serve(h, tc.req)
		if got := resp.Header.Get("Cache-Control"); got != tc.want || resp.Header.Get("ETag") != "" {
			t.Errorf("%s %s: status %d, Cache-Control %q, ETag %q; want %q and no ETag", tc.req.method, tc.req.path, resp.StatusCode, got, resp.Header.Get("ETag"), tc.want)
		}
	}
}

// With a cache, a compressed body is made once and kept with the
// response, in its one entry: the requests that follow are hits of it.
func TestServer_CompressedOnce(t *testing.T) {
	h, c := newCachedServer(t, "sqlite", writeFixtureCSV(t), cataloghttp.Config{Campus: "c", Logger: quietLogger()})
	br := request{path: "/products/1/styles", header: map[string]string{"Accept-Encoding": "br"}}
	first := serve(h, br)
	before := c.Stats()
	if first.Header.Get("Content-Encoding") != "br" || before.Misses != 1 || before.Entries != 1 {
		t.Fatalf("first request: Content-Encoding %q, %d misses, %d entries; want br, 1 and 1",
			first.Header.Get("Content-Encoding"), before.Misses, before.Entries)
	}
	resp, err := c.Response(context.Background(), cataloghttp.Key{Route: cataloghttp.RouteStyles, ID: 1})
	if err != nil || resp.Brotli == nil {
		t.Fatalf("the cached response: %v, Brotli body %v; want the one made kept", err, resp.Brotli != nil)
	}
	before = c.Stats()
	for range 3 {
		serve(h, br)
	}
	if st := c.Stats(); st.Misses != before.Misses || st.Hits-before.Hits != 3 {
		t.Fatalf("three more: %d misses and %d hits more, want 0 and 3", st.Misses-before.Misses, st.Hits-before.Hits)
	}
}

// badSource gives a response whose body cannot be made in another
// encoding: a packed document gone corrupt.
type badSource struct{}

func (badSource) Response(context.Context, cataloghttp.Key) (*cataloghttp.Response, error) {
	return &cataloghttp.Response{Gzip: []byte("not gzip"), Hash: "0123456789abcdef", Keys: "catalog product-1"}, nil
}

func (badSource) Encode(context.Context, cataloghttp.Key, *cataloghttp.Response, cataloghttp.Encoding) (*cataloghttp.Response, error) {
	return nil, errors.New("inflate a packed document: corrupt")
}

// A response that cannot be encoded as asked is a plain 500 that no cache
// keeps, not an error under the headers of the response.
func TestServer_EncodeFails(t *testing.T) {
	h := cataloghttp.NewServer(cataloghttp.Services{Products: &stubStore{}, Carts: &stubStore{}}, cataloghttp.Config{Campus: "c", Source: badSource{}, Logger: quietLogger(),
		Freshness: cataloghttp.DefaultFreshness}).Handler()
	resp := serve(h, request{path: "/products/1/styles"})
	if resp.StatusCode != 500 || resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("ETag") != "" ||
		resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Surrogate-Key") != "" {
		t.Fatalf("status %d, Cache-Control %q, ETag %q, Content-Encoding %q, Surrogate-Key %q; want a 500 with no-store and none of the others",
			resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("ETag"), resp.Header.Get("Content-Encoding"), resp.Header.Get("Surrogate-Key"))
	}
}
