package http_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"catalog/csv"
	cataloghttp "catalog/http"
)

// TestServer_CartToken: on each store, a caller known by its Authorization
// token keeps one cart, whatever cookie comes along.
func TestServer_CartToken(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			dir := writeFixtureCSV(t)
			s := openStore(t, kind)
			if _, err := csv.Import(context.Background(), dir, s, csv.Options{}); err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			cfg := cataloghttp.Config{Campus: "hr-rfp", LogSample: 1, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
			h := cataloghttp.NewServer(cataloghttp.Services{Products: s, Carts: s}, cfg).Handler()
			cart := func(t *testing.T, hdr map[string]string) string {
				t.Helper()
				resp := serve(h, request{path: "/cart", header: hdr})
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != 200 || len(resp.Cookies()) != 0 {
					t.Fatalf("GET /cart %v: status %d, cookies %v", hdr, resp.StatusCode, resp.Cookies())
				}
				return string(body)
			}
			add := func(t *testing.T, hdr map[string]string, sku string) {
				t.Helper()
				resp := serve(h, request{method: "POST", path: "/api/fec2/hr-rfp/cart", body: `{"sku_id":` + sku + `}`, header: hdr})
				if resp.StatusCode != 201 || len(resp.Cookies()) != 0 {
					t.Fatalf("POST /cart %v: status %d, cookies %v; want 201 and no cookie", hdr, resp.StatusCode, resp.Cookies())
				}
			}
			tok1 := map[string]string{"Authorization": "tok1"}
			tok2 := map[string]string{"Authorization": "Bearer tok2"}

			t.Run("KeepsOneCart", func(t *testing.T) {
				add(t, tok1, "9")
				add(t, tok1, `"9"`)
				add(t, tok1, "14")
				if got, want := cart(t, tok1), `[{"sku_id":9,"count":2},{"sku_id":14,"count":1}]`; got != want {
					t.Fatalf("cart = %s, want %s", got, want)
				}
			})
			t.Run("TwoTokensTwoCarts", func(t *testing.T) {
				add(t, tok2, "10")
				if got := cart(t, tok2); got != `[{"sku_id":10,"count":1}]` {
					t.Fatalf("tok2's cart = %s", got)
				}
				if got := cart(t, map[string]string{"Authorization": "tok3"}); got != `[]` {
					t.Fatalf("a new token's cart = %s", got)
				}
			})
			t.Run("SchemeIgnored", func(t *testing.T) {
				if cart(t, map[string]string{"Authorization": "Bearer tok1"}) != cart(t, tok1) {
					t.Fatal("Bearer tok1 and tok1 have two carts")
				}
			})
			t.Run("TokenWinsOverCookie", func(t *testing.T) {
				resp := serve(h, request{method: "POST", path: "/cart", body: `{"sku_id":15}`})
				cookie := "user_session=" + resp.Cookies()[0].Value
				both := map[string]string{"Authorization": "tok1", "Cookie": cookie}
				if got, want := cart(t, both), cart(t, tok1); got != want {
					t.Fatalf("token and cookie: cart %s, want the token's %s", got, want)
				}
				add(t, both, "10")
				if got := cart(t, tok1); !strings.Contains(got, `{"sku_id":10,"count":1}`) {
					t.Fatalf("an add with token and cookie is not in the token's cart: %s", got)
				}
				body, _ := io.ReadAll(serve(h, request{path: "/cart", header: map[string]string{"Cookie": cookie}}).Body)
				if string(body) != `[{"sku_id":15,"count":1}]` {
					t.Fatalf("the cookie's cart = %s, want its own", body)
				}
			})
			t.Run("OneKeyPerStore", func(t *testing.T) {
				// Another instance of the store: the same carts.
				other := cataloghttp.NewServer(cataloghttp.Services{Products: s, Carts: s}, cataloghttp.Config{Campus: "hr-rfp", Logger: quietLogger()}).Handler()
				body, _ := io.ReadAll(serve(other, request{path: "/cart", header: tok1}).Body)
				if string(body) != cart(t, tok1) {
					t.Fatalf("another instance: cart %s, want %s", body, cart(t, tok1))
				}
				// One given its own key: other carts.
				keyed := cataloghttp.NewServer(cataloghttp.Services{Products: s, Carts: s}, cataloghttp.Config{Campus: "hr-rfp", Logger: quietLogger(),
					CartKey: []byte(strings.Repeat("k", 32))}).Handler()
				body, _ = io.ReadAll(serve(keyed, request{path: "/cart", header: tok1}).Body)
				if string(body) != `[]` {
					t.Fatalf("an instance with its own key: cart %s, want []", body)
				}
			})
			t.Run("Invalid", func(t *testing.T) {
				for _, v := range []string{"a b c", "tok,1", strings.Repeat("x", cataloghttp.MaxTokenLen+1)} {
					resp := serve(h, request{method: "POST", path: "/cart", body: `{"sku_id":9}`, header: map[string]string{"Authorization": v}})
					body, _ := io.ReadAll(resp.Body)
					if resp.StatusCode != 400 || len(resp.Cookies()) != 0 || !strings.Contains(errorMessage(t, body), "Authorization") {
						t.Errorf("Authorization %.20q: status %d, cookies %v, body %s; want 400 naming the header", v, resp.StatusCode, resp.Cookies(), body)
					}
				}
			})
			t.Run("NeverLogged", func(t *testing.T) {
				if logs.Len() == 0 || strings.Contains(logs.String(), "tok1") || strings.Contains(logs.String(), "tok2") {
					t.Fatalf("the request log holds a token, or nothing:\n%s", logs.String())
				}
			})
		})
	}
}

// TestServer_Campus: any campus in the hosted prefix is served, its bodies
// carrying the configured campus, unless the operator names the campuses.
func TestServer_Campus(t *testing.T) {
	dir := writeFixtureCSV(t)
	t.Run("Any", func(t *testing.T) {
		h := newServer(t, dir)
		for _, campus := range []string{"hr-rfp", "hr-rfe", "hratx", "hr-rfc"} {
			resp := serve(h, request{path: "/api/fec2/" + campus + "/products/1"})
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || !strings.Contains(string(body), `"campus":"hr-rfp"`) {
				t.Errorf("campus %s: status %d, body %s; want 200 with the configured campus", campus, resp.StatusCode, body)
			}
		}
	})
	t.Run("Restricted", func(t *testing.T) {
		h := newServerWith(t, "sqlite", dir, cataloghttp.Config{Campus: "hr-rfp", Campuses: []string{"hr-rfp", "hratx"}})
		if resp := serve(h, request{path: "/api/fec2/hratx/products/1/related"}); resp.StatusCode != 200 {
			t.Errorf("a campus served: status %d", resp.StatusCode)
		}
		resp := serve(h, request{path: "/api/fec2/hr-rfe/products/1"})
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 404 || !strings.Contains(errorMessage(t, body), `campus "hr-rfe" is not served here`) {
			t.Errorf("a campus not served: status %d, body %s; want 404 naming it", resp.StatusCode, body)
		}
		if resp := serve(h, request{path: "/products/1"}); resp.StatusCode != 200 {
			t.Errorf("the unprefixed API: status %d", resp.StatusCode)
		}
	})
}

// TestServer_Browser: the page is at / when asked for, with its icon at
// /favicon.ico, and both are 404s otherwise.
func TestServer_Browser(t *testing.T) {
	dir := writeFixtureCSV(t)
	on := newServerWith(t, "sqlite", dir, cataloghttp.Config{Campus: "hr-rfp", Browser: true})
	resp := serve(on, request{path: "/"})
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" || !strings.Contains(string(body), "<title>catalog</title>") {
		t.Errorf("browser on: status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp := serve(on, request{path: "/index.html"}); resp.StatusCode != 404 {
		t.Errorf("browser on, /index.html: status %d, want 404", resp.StatusCode)
	}
	if resp := serve(on, request{method: "POST", path: "/"}); resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("browser on, POST /: status %d, Allow %q; want 405 and GET, HEAD", resp.StatusCode, resp.Header.Get("Allow"))
	}
	resp = serve(on, request{path: "/favicon.ico"})
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(string(body), "<svg") {
		t.Errorf("browser on, /favicon.ico: status %d, Content-Type %q, body %.20q; want the SVG icon", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	for _, path := range []string{"/", "/favicon.ico"} {
		if resp := serve(newServer(t, dir), request{path: path}); resp.StatusCode != 404 {
			t.Errorf("browser off, %s: status %d, want 404", path, resp.StatusCode)
		}
	}
}

// TestServer_CartMaxSKUs: an add of one SKU too many is a clear 422.
func TestServer_CartMaxSKUs(t *testing.T) {
	h := newServerWith(t, "sqlite", writeFixtureCSV(t), cataloghttp.Config{Campus: "hr-rfp", CartMaxSKUs: 1})
	hdr := map[string]string{"Authorization": "one-sku"}
	for _, sku := range []string{"9", "9"} {
		if resp := serve(h, request{method: "POST", path: "/cart", body: `{"sku_id":` + sku + `}`, header: hdr}); resp.StatusCode != 201 {
			t.Fatalf("add sku %s: status %d", sku, resp.StatusCode)
		}
	}
	resp := serve(h, request{method: "POST", path: "/cart", body: `{"sku_id":14}`, header: hdr})
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 422 || !strings.Contains(errorMessage(t, body), "1 different SKUs, the most a cart may") {
		t.Fatalf("a second SKU: status %d, body %s; want 422 saying the bound", resp.StatusCode, body)
	}
}
