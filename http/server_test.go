package http_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"catalog"
	"catalog/cache"
	"catalog/csv"
	cataloghttp "catalog/http"
	"catalog/internal/pgtest"
	"catalog/postgres"
	"catalog/sqlite"
	"catalog/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// writeFixtureCSV writes the store suite's fixture as a dataset directory,
// so the golden tests go through the importer too.
func writeFixtureCSV(t testing.TB) string {
	t.Helper()
	f := storetest.NewFixture()
	dir := t.TempDir()
	writeTable(t, dir, csv.Products, f.Products)
	writeTable(t, dir, csv.Features, f.Features)
	writeTable(t, dir, csv.Styles, f.Styles)
	writeTable(t, dir, csv.Photos, f.Photos)
	writeTable(t, dir, csv.SKUs, f.SKUs)
	writeTable(t, dir, csv.Related, f.Related)
	writeTable(t, dir, csv.CartLines, f.CartLines)
	return dir
}

func writeTable[T any](t testing.TB, dir string, tab *csv.Table[T], rows []T) {
	t.Helper()
	b := []byte(tab.Header())
	for _, r := range rows {
		b = tab.Append(b, r)
	}
	if err := os.WriteFile(filepath.Join(dir, tab.File), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// stores are the stores the HTTP tests run against.
var stores = []string{"sqlite", "postgres"}

// openStore opens an empty store of a kind, whose clock stands at
// storetest.T0, closed when the test ends.
func openStore(t testing.TB, kind string) catalog.Store {
	t.Helper()
	clock := storetest.NewClock(storetest.T0)
	var s catalog.Store
	var err error
	switch kind {
	case "sqlite":
		s, err = sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "catalog.db"), sqlite.WithClock(clock.Now))
	case "postgres":
		s, err = postgres.Open(context.Background(), pgtest.NewDatabase(t), postgres.Config{Migrate: true, Now: clock.Now})
	default:
		t.Fatalf("no store %q", kind)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newServerOn returns a server of a store of a kind loaded with dir.
func newServerOn(t testing.TB, kind, dir string) http.Handler {
	t.Helper()
	return newServerWith(t, kind, dir, cataloghttp.Config{Campus: "hr-rfp", Freshness: cataloghttp.DefaultFreshness})
}

// newServerWith returns a server with cfg of a store of a kind loaded with
// dir.
func newServerWith(t testing.TB, kind, dir string, cfg cataloghttp.Config) http.Handler {
	t.Helper()
	s := openStore(t, kind)
	rep, err := csv.Import(context.Background(), dir, s, csv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rejected() != 0 {
		t.Fatalf("rows of %s rejected: %+v", dir, rep)
	}
	return cataloghttp.NewServer(cataloghttp.Services{Products: s, Carts: s}, cfg).Handler()
}

// newCachedServer returns a server with cfg of a store of a kind loaded
// with dir, its responses kept in a cache, all of version 0, which it
// returns too.
func newCachedServer(t testing.TB, kind, dir string, cfg cataloghttp.Config) (http.Handler, *cache.Responses) {
	t.Helper()
	s := openStore(t, kind)
	if _, err := csv.Import(context.Background(), dir, s, csv.Options{}); err != nil {
		t.Fatal(err)
	}
	c := cache.NewResponses(cataloghttp.StoreSource{Products: s, Campus: cfg.Campus}, catalog.NewVersions(), 1<<20, time.Second)
	cfg.Source = c
	return cataloghttp.NewServer(cataloghttp.Services{Products: s, Carts: s}, cfg).Handler(), c
}

// newServer returns a server of a SQLite store loaded with dir, for the
// tests of the HTTP layer itself.
func newServer(t testing.TB, dir string) http.Handler {
	t.Helper()
	return newServerOn(t, "sqlite", dir)
}

type request struct {
	method, path, body string
	header             map[string]string
}

func serve(h http.Handler, req request) *http.Response {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, newRequest(req))
	return w.Result()
}

func newRequest(req request) *http.Request {
	method := req.method
	if method == "" {
		method = http.MethodGet
	}
	r := httptest.NewRequest(method, req.path, strings.NewReader(req.body))
	for k, v := range req.header {
		r.Header.Set(k, v)
	}
	return r
}

// dump renders a response for a golden file: status, the headers a client
// depends on, the body.
func dump(req request, resp *http.Response) string {
	body, _ := io.ReadAll(resp.Body)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", strings.ToUpper(cmp(req.method, "GET")), req.path)
	if req.body != "" {
		fmt.Fprintf(&b, "> %s\n", req.body)
	}
	fmt.Fprintf(&b, "%d\n", resp.StatusCode)
	var keys []string
	for k := range resp.Header {
		if k != "Date" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range resp.Header[k] {
			if k == "Set-Cookie" {
				// A new session's name is random.
				v = sessionValue.ReplaceAllString(v, "<session>")
			}
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", body)
	return b.String()
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TestServer_Golden pins whole responses: bytes, status and headers.
// Run with -update to rewrite, then read the diff.
func TestServer_Golden(t *testing.T) {
	for _, kind := range stores {
		t.Run(kind, func(t *testing.T) { testGolden(t, newServerOn(t, kind, writeFixtureCSV(t)), false) })
	}
	// With a cache the bytes are the same, whether they are loaded into it
	// (the first round) or served from it (the second).
	t.Run("sqlite_cached", func(t *testing.T) {
		h, c := newCachedServer(t, "sqlite", writeFixtureCSV(t), cataloghttp.Config{Campus: "hr-rfp", Freshness: cataloghttp.DefaultFreshness})
		t.Run("miss", func(t *testing.T) { testGolden(t, h, false) })
		before := c.Stats()
		t.Run("hit", func(t *testing.T) { testGolden(t, h, true) })
		// Errors are not cached: the one 404 of a product id misses again.
		if st := c.Stats(); st.Hits-before.Hits != 15 || st.Misses-before.Misses != 1 {
			t.Errorf("second round: %d hits, %d misses; want 15 hits and 1 miss", st.Hits-before.Hits, st.Misses-before.Misses)
		}
	})
}

// goldenRequests are the requests whose responses testdata/golden holds.
var goldenRequests = func() []namedRequest {
	cookie := map[string]string{"Cookie": "user_session=1001"}
	return []namedRequest{
		{"products", request{path: "/products"}},
		{"products_page2_count2", request{path: "/products?page=2&count=2"}},
		{"products_past_end", request{path: "/products?page=3&count=5"}},
		{"product", request{path: "/products/1"}},
		{"product_null_value", request{path: "/products/2"}},
		{"product_unicode_escapes", request{path: "/products/5"}},
		{"product_no_features", request{path: "/products/13"}},
		{"styles", request{path: "/products/1/styles"}},
		{"styles_no_skus", request{path: "/products/8/styles"}},
		{"styles_no_photos", request{path: "/products/13/styles"}},
		{"styles_none", request{path: "/products/3/styles"}},
		{"related", request{path: "/products/1/related"}},
		{"related_none", request{path: "/products/3/related"}},
		{"hosted_prefix", request{path: "/api/fec2/hr-rfp/products/2/related"}},
		{"cart", request{path: "/cart", header: cookie}},
		{"cart_add", request{method: "POST", path: "/cart", body: `{"sku_id":15}`, header: cookie}},
		{"cart_new_session", request{path: "/cart"}},
		{"cart_add_new_session", request{method: "POST", path: "/cart", body: `{"sku_id":"14"}`}},
		{"error_path_not_canonical", request{path: "/products//1"}},
		{"products_page_huge", request{path: "/products?page=99999999999999999999999&count=1000"}},
		{"error_id_text", request{path: "/products/abc"}},
		{"error_id_too_big", request{path: "/products/99999999999"}},
		{"error_not_found", request{path: "/products/4"}},
		{"error_unknown_path", request{path: "/productz"}},
		{"error_method", request{method: "DELETE", path: "/products/1"}},
		{"error_method_cart", request{method: "PUT", path: "/cart"}},
		{"error_count", request{path: "/products?count=1001"}},
		{"error_sku_unknown", request{method: "POST", path: "/cart", body: `{"sku_id":999}`, header: cookie}},
		{"error_sku_sold_out", request{method: "POST", path: "/cart", body: `{"sku_id":13}`, header: cookie}},
		{"error_body", request{method: "POST", path: "/cart", body: `sku_id: 1`, header: cookie}},
	}
}()

// namedRequest is a request with a name for its golden file.
type namedRequest struct {
	name string
	req  request
}

// testGolden compares each response with its golden file; catalogOnly
// leaves out the requests that read or change carts.
func testGolden(t *testing.T, h http.Handler, catalogOnly bool) {
	for _, tc := range goldenRequests {
		if catalogOnly && strings.HasPrefix(tc.req.path, "/cart") {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			got := dump(tc.req, serve(h, tc.req))
			path := filepath.Join("testdata", "golden", tc.name+".http")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Fatalf("response differs from %s:\n got: %s\nwant: %s", path, got, want)
			}
		})
	}
}

// badInput is the corpus of malformed and odd requests, with the status
// and a substring of the error message each gets.
var badInput = func() []badRequest {
	big := strings.Repeat("x", cataloghttp.MaxBodyBytes+1)
	return []badRequest{
		{request{path: "/products/-1"}, 400, `product id "-1"`},
		{request{path: "/products/+1"}, 400, `product id "+1"`},
		{request{path: "/products/0"}, 400, `product id "0"`},
		{request{path: "/products/1.5"}, 400, `product id "1.5"`},
		{request{path: "/products/1e3"}, 400, `product id "1e3"`},
		{request{path: "/products/0x1"}, 400, `product id "0x1"`},
		{request{path: "/products/%201"}, 400, `product id " 1"`},
		{request{path: "/products/1%20"}, 400, `product id "1 "`},
		{request{path: "/products/2147483648"}, 400, "2147483648"},
		{request{path: "/products/4294967297"}, 400, "4294967297"},
		{request{path: "/products/" + strings.Repeat("9", 300)}, 400, "(300 bytes)"},
		{request{path: "/products/%00"}, 400, "product id"},
		{request{path: "/products/%E2%80%8B1"}, 400, "product id"},
		{request{path: "/products/%2F1"}, 400, "product id"},
		{request{path: "/products/00000000000000000000001"}, 200, ""},
		{request{path: "/products/2147483647"}, 404, "does not exist"},
		{request{path: "/products/1/styles/"}, 404, "no such path"},
		{request{path: "/products/1/./styles"}, 404, "no such path"},
		{request{path: "/products/1/../2"}, 404, "no such path"},
		{request{path: "//"}, 404, "no such path"},
		{request{path: "/api/fec2/hr-rfp/products//1"}, 404, "no such path"},
		{request{path: "/api/fec2/hr-rfp/products/1%2F2"}, 400, `product id "1/2"`},
		{request{path: "/products/1%2F2"}, 400, `product id "1/2"`},
		{request{path: "/api/fec2/a.b/products/1"}, 404, "no such path"},
		{request{path: "/api/fec2/hr-rfp%2Fproducts"}, 404, "no such path"},
		{request{path: "/api/fec2/h%72-rfp/products%2F1"}, 404, "no such path"},
		{request{path: "/api/fec2/hr-rfp/products%2F1"}, 404, "no such path"},
		{request{path: "/api/fec2/hratx/products/1"}, 200, ""},
		{request{path: "/cart", header: map[string]string{"Authorization": "Bearer a b"}}, 400, "Authorization header is not a token"},
		{request{path: "/products?page=0"}, 400, `page "0"`},
		{request{path: "/products?page=-1"}, 400, `page "-1"`},
		{request{path: "/products?page=1.5"}, 400, `page "1.5"`},
		{request{path: "/products?page="}, 400, `page ""`},
		{request{path: "/products?page=2147483648"}, 200, ""},
		{request{path: "/products?page=99999999999999999999999"}, 200, ""},
		{request{path: "/products?page=-0"}, 400, `page "-0"`},
		{request{path: "/products?page=2147483647&count=1000"}, 200, ""},
		{request{path: "/products?count=1000"}, 200, ""},
		{request{path: "/products?count=0"}, 400, "from 1 to 1000"},
		{request{path: "/products?count=abc"}, 400, `count "abc"`},
		{request{path: "/products?count=%zz"}, 400, "malformed"},
		{request{path: "/products?count=5&count=abc"}, 200, ""},
		{request{path: "/products?page=1%27%20OR%201=1--"}, 400, "page"},
		{request{path: "/products?other=1&page=2"}, 200, ""},
		// A GET ignores its body and headers it has no use for.
		{request{path: "/products/1", body: "{}", header: map[string]string{"Content-Type": "application/json", "Authorization": "ghp_token"}}, 200, ""},
		{request{method: "OPTIONS", path: "/products"}, 405, "use GET, HEAD"},
		{request{method: "POST", path: "/products/1/styles"}, 405, "use GET, HEAD"},
		// POST /cart bodies.
		{request{method: "POST", path: "/cart"}, 422, "body is empty"},
		{request{method: "POST", path: "/cart", body: "   "}, 422, "body is empty"},
		{request{method: "POST", path: "/cart", body: big}, 413, "over 4096 bytes"},
		{request{method: "POST", path: "/cart", body: "not json"}, 422, "JSON object"},
		{request{method: "POST", path: "/cart", body: `[{"sku_id":9}]`}, 422, "JSON object"},
		{request{method: "POST", path: "/cart", body: `{"sku_id":9} trailing`}, 422, "JSON object"},
		{request{method: "POST", path: "/cart", body: `{"sku_id":9`}, 422, "JSON object"},
		{request{method: "POST", path: "/cart", body: `{}`}, 422, "sku_id is missing"},
		{request{method: "POST", path: "/cart", body: `{"SKU_ID":9}`}, 422, "sku_id is missing"},
		{request{method: "POST", path: "/cart", body: `{"sku_id":null}`}, 422, "not a number"},
		{request{method: "POST", path: "/cart", body: `{"sku_id":true}`}, 422, "not a number"},
		{request{method: "POST", path: "/cart", body: `{"sku_id":[9]}`}, 422, "not a number"},
		{request{method: "POST", path: "/cart", body: `{"sku_id":-9}`}, 422, `sku_id "-9"`},
		{request{method: "POST", path: "/cart", body: `{"sku_id":9.5}`}, 422, `sku_id "9.5"`},
		{request{method: "POST", path: "/cart", body: `{"sku_id":9e0}`}, 422, `sku_id "9e0"`},
		{request{method: "POST", path: "/cart", body: `{"sku_id":"abc"}`}, 422, `sku_id "abc"`},
		{request{method: "POST", path: "/cart", body: `{"sku_id":"9 OR 1=1"}`}, 422, "sku_id"},
		{request{method: "POST", path: "/cart", body: `{"sku_id":99999999999}`}, 422, "99999999999"},
		{request{method: "POST", path: "/cart", body: `{"sku_id":"9"}`}, 201, ""},
		{request{method: "POST", path: "/cart", body: `{"sku_id":9,"count":3}`}, 201, ""},
		{request{method: "POST", path: "/cart", body: "sku_id=9", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 201, ""},
		{request{method: "POST", path: "/cart", body: "sku=9", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 422, "sku_id is missing"},
		{request{method: "POST", path: "/cart", body: "sku_id=%zz", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 422, "JSON object"},
		{request{method: "POST", path: "/cart", body: "--x\r\n", header: map[string]string{"Content-Type": "multipart/form-data; boundary=x"}}, 422, "JSON object"},
	}
}()

type badRequest struct {
	req     request
	status  int
	message string // a substring of the JSON error message
}

func TestServer_BadInput(t *testing.T) {
	h := newServer(t, writeFixtureCSV(t))
	for _, tc := range badInput {
		t.Run(tc.req.method+" "+tc.req.path+" "+clip(tc.req.body), func(t *testing.T) {
			resp := serve(h, tc.req)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tc.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 201 && ct != "application/json; charset=utf-8" {
				t.Fatalf("Content-Type %q", ct)
			}
			if tc.status >= 400 {
				msg := errorMessage(t, body)
				if !strings.Contains(msg, tc.message) {
					t.Fatalf("message %q lacks %q", msg, tc.message)
				}
			}
		})
	}
}

func clip(s string) string {
	if len(s) > 30 {
		return s[:30]
	}
	return s
}
