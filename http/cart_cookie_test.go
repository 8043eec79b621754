package http_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	cataloghttp "catalog/http"
)

// TestServer_CartCookie: the session cookie lives as long as an idle cart,
// is set again on each use, and is SameSite=None; Secure exactly when an
// origin is allowed to send it across sites.
func TestServer_CartCookie(t *testing.T) {
	for _, tc := range []struct {
		name    string
		origins []string
		idle    time.Duration
		attrs   string // after the value
	}{
		{"NeverIdle", nil, 0, "Path=/; Max-Age=34560000; HttpOnly; SameSite=Lax"},
		{"AnyOrigin", []string{"*"}, 30 * 24 * time.Hour, "Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax"},
		{"ListedOrigin", []string{"https://shop.example"}, time.Hour, "Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=None"},
		{"AnyAndListed", []string{"*", "http://localhost:5173"}, time.Hour, "Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=None"},
		{"PastBrowsersCap", nil, 1000 * 24 * time.Hour, "Path=/; Max-Age=34560000; HttpOnly; SameSite=Lax"},
		{"UnderASecond", nil, 1500 * time.Millisecond, "Path=/; Max-Age=2; HttpOnly; SameSite=Lax"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := &stubStore{}
			h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c", Logger: quietLogger(),
				CORS: cataloghttp.CORS{AllowOrigins: tc.origins}, CartIdle: tc.idle}).Handler()
			resp := serve(h, request{path: "/cart"})
			got := resp.Header.Values("Set-Cookie")
			if len(got) != 1 || !strings.HasPrefix(got[0], "user_session=") {
				t.Fatalf("Set-Cookie %q, want one user_session", got)
			}
			session, attrs, _ := strings.Cut(strings.TrimPrefix(got[0], "user_session="), "; ")
			if !isSession(session) || attrs != tc.attrs {
				t.Fatalf("Set-Cookie %q, want user_session=<session>; %s", got[0], tc.attrs)
			}
			// Each use sets it again, with the same session: its lifetime
			// counts from the cart's last use.
			for _, req := range []request{
				{path: "/cart", header: map[string]string{"Cookie": "user_session=" + session}},
				{method: "POST", path: "/api/fec2/hr-rfp/cart", body: `{"sku_id":1}`, header: map[string]string{"Cookie": "user_session=" + session}},
			} {
				resp := serve(h, req)
				if got, want := resp.Header.Values("Set-Cookie"), "user_session="+session+"; "+tc.attrs; len(got) != 1 || got[0] != want {
					t.Errorf("%s %s with the cookie: status %d, Set-Cookie %q, want %q", cmp(req.method, "GET"), req.path, resp.StatusCode, got, want)
				}
			}
			// A token's caller gets none.
			resp = serve(h, request{path: "/cart", header: map[string]string{"Authorization": "tok1", "Cookie": "user_session=" + session}})
			if got := resp.Header.Values("Set-Cookie"); resp.StatusCode != 200 || len(got) != 0 {
				t.Errorf("a token's caller: status %d, Set-Cookie %q; want none", resp.StatusCode, got)
			}
		})
	}
}

// TestServer_CartBasicAuth: Basic credentials, the same for every shopper
// behind a password-protected proxy, are not a cart token: each shopper
// keeps the cart of its cookie.
func TestServer_CartBasicAuth(t *testing.T) {
	h := newServer(t, writeFixtureCSV(t))
	basic := "Basic dXNlcjpwYXNz"
	shopper := func(t *testing.T) map[string]string {
		t.Helper()
		resp := serve(h, request{path: "/cart", header: map[string]string{"Authorization": basic}})
		if resp.StatusCode != 200 || len(resp.Cookies()) != 1 || !isSession(resp.Cookies()[0].Value) {
			t.Fatalf("Basic without a cookie: status %d, cookies %v; want 200 and a new session", resp.StatusCode, resp.Cookies())
		}
		return map[string]string{"Authorization": basic, "Cookie": "user_session=" + resp.Cookies()[0].Value}
	}
	a, b := shopper(t), shopper(t)
	if resp := serve(h, request{method: "POST", path: "/cart", body: `{"sku_id":9}`, header: a}); resp.StatusCode != 201 {
		t.Fatalf("add: status %d", resp.StatusCode)
	}
	for _, tc := range []struct {
		name string
		hdr  map[string]string
		want string
	}{
		{"OwnCart", a, `[{"sku_id":9,"count":1}]`},
		{"OtherShopper", b, `[]`},
		{"CookieAlone", map[string]string{"Cookie": a["Cookie"]}, `[{"sku_id":9,"count":1}]`},
		{"SchemeCase", map[string]string{"Authorization": "basic x", "Cookie": a["Cookie"]}, `[{"sku_id":9,"count":1}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, _ := io.ReadAll(serve(h, request{path: "/cart", header: tc.hdr}).Body)
			if string(body) != tc.want {
				t.Fatalf("cart = %s, want %s", body, tc.want)
			}
		})
	}
}

// TestServer_CrossOriginWithoutCredentials: a cart request from another
// origin with neither the cookie nor a token, which gets a new, empty cart
// each time, is warned of, at most once an origin a minute, with the fixes.
func TestServer_CrossOriginWithoutCredentials(t *testing.T) {
	type server struct {
		h    func(req request) int
		warn func() []map[string]any // the warnings logged since the last call
	}
	newServer := func(origins ...string) server {
		var buf bytes.Buffer
		store := &stubStore{}
		h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c",
			CORS: cataloghttp.CORS{AllowOrigins: origins}, Logger: slog.New(slog.NewJSONHandler(&buf, nil))}).Handler()
		return server{
			h: func(req request) int { return serve(h, req).StatusCode },
			warn: func() []map[string]any {
				var out []map[string]any
				for line := range strings.Lines(buf.String()) {
					var rec map[string]any
					if err := json.Unmarshal([]byte(line), &rec); err != nil {
						t.Fatalf("log line %q: %v", line, err)
					}
					if rec["level"] == "WARN" {
						out = append(out, rec)
					}
				}
				buf.Reset()
				return out
			},
		}
	}
	// httptest's requests are to example.com.
	get := func(origin string, hdr ...string) request {
		h := map[string]string{"Origin": origin}
		for i := 0; i+1 < len(hdr); i += 2 {
			h[hdr[i]] = hdr[i+1]
		}
		return request{path: "/api/fec2/hr-rfp/cart", header: h}
	}
	post := func(origin string) request {
		return request{method: "POST", path: "/cart", body: `{"sku_id":1}`, header: map[string]string{"Origin": origin}}
	}

	t.Run("Warned", func(t *testing.T) {
		s := newServer("*")
		if st := s.h(post("http://localhost:5173")); st != 201 {
			t.Fatalf("POST: status %d", st)
		}
		w := s.warn()
		if len(w) != 1 {
			t.Fatalf("%d warnings, want 1", len(w))
		}
		fix, _ := w[0]["fix"].(string)
		if w[0]["origin"] != "http://localhost:5173" || w[0]["path"] != "/cart" || w[0]["method"] != "POST" || w[0]["cookie_allowed"] != false ||
			!strings.Contains(fix, `credentials: "include"`) || !strings.Contains(fix, "withCredentials") ||
			!strings.Contains(fix, "Authorization") || !strings.Contains(fix, "--cors-origins") {
			t.Fatalf("warning %v", w[0])
		}
		if msg, _ := w[0]["msg"].(string); !strings.Contains(msg, "new, empty cart") {
			t.Fatalf("warning %q does not say what happens", msg)
		}
	})
	t.Run("RateLimited", func(t *testing.T) {
		s := newServer("*")
		for range 5 {
			s.h(post("https://a.example"))
			s.h(get("https://a.example"))
		}
		s.h(get("https://b.example"))
		s.h(get("null")) // a file:// page
		w := s.warn()
		var origins []string
		for _, rec := range w {
			origins = append(origins, rec["origin"].(string))
		}
		if strings.Join(origins, " ") != "https://a.example https://b.example null" {
			t.Fatalf("warnings of %q, want one of each origin", origins)
		}
		// The path is the one asked for, with the hosted prefix.
		if w[1]["path"] != "/api/fec2/hr-rfp/cart" {
			t.Fatalf("warning %v, want the path with its prefix", w[1])
		}
	})
	t.Run("NotWarned", func(t *testing.T) {
		s := newServer("https://shop.example")
		for _, req := range []request{
			{path: "/cart"}, // no Origin: not a browser on another origin
			get("http://example.com"),
			get("https://shop.example", "Sec-Fetch-Site", "same-origin"),
			get("https://shop.example", "Authorization", "Bearer tok1"),
			get("https://shop.example", "Cookie", "user_session=s1"),
			{path: "/products/1", header: map[string]string{"Origin": "https://c.example"}},
		} {
			if st := s.h(req); st != 200 {
				t.Fatalf("%s %v: status %d", req.path, req.header, st)
			}
			if w := s.warn(); len(w) != 0 {
				t.Errorf("%s %v: warnings %v", req.path, req.header, w)
			}
		}
		// That origin sends the cookie: a request without it is a
		// shopper's first.
		s.h(get("https://shop.example"))
		if w := s.warn(); len(w) != 0 {
			t.Errorf("a listed origin known to send the cookie: warnings %v", w)
		}
	})
	t.Run("ListedOriginWithoutCookie", func(t *testing.T) {
		s := newServer("https://shop.example")
		s.h(get("https://shop.example"))
		if w := s.warn(); len(w) != 1 || w[0]["cookie_allowed"] != true {
			t.Fatalf("warnings %v, want one saying the cookie is allowed", w)
		}
	})
}
