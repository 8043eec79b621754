package http_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	cataloghttp "catalog/http"
	"catalog/storetest"
)

func TestServer_RequestLogs(t *testing.T) {
	store := openStore(t, "sqlite")
	storetest.Load(t, store, storetest.NewFixture())
	logged := func(sample float64, header map[string]string, n int) []map[string]any {
		t.Helper()
		// The requests run one after another; slog's handlers serialize
		// their writes anyway.
		var buf bytes.Buffer
		h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c", LogSample: sample,
			Logger: slog.New(slog.NewJSONHandler(&buf, nil))}).Handler()
		for range n {
			serve(h, request{path: "/products/2/related", header: header})
		}
		var out []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			if line == "" {
				continue
			}
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("log line %q: %v", line, err)
			}
			out = append(out, rec)
		}
		return out
	}
	t.Run("All", func(t *testing.T) {
		recs := logged(1, map[string]string{"X-Request-Id": "abc-123"}, 1)
		if len(recs) != 1 {
			t.Fatalf("%d records, want 1", len(recs))
		}
		r := recs[0]
		if r["msg"] != "request" || r["request_id"] != "abc-123" || r["route"] != "GET /products/{id}/related" ||
			r["status_code"] != float64(200) || r["method"] != "GET" || r["path"] != "/products/2/related" {
			t.Fatalf("record %v", r)
		}
		if _, ok := r["duration_ms"].(float64); !ok {
			t.Fatalf("record %v has no duration", r)
		}
	})
	t.Run("None", func(t *testing.T) {
		if recs := logged(0, nil, 20); len(recs) != 0 {
			t.Fatalf("%d records with logging off", len(recs))
		}
	})
	t.Run("Sampled", func(t *testing.T) {
		if recs := logged(0.25, nil, 400); len(recs) < 50 || len(recs) > 150 {
			t.Fatalf("%d of 400 requests logged at a quarter", len(recs))
		}
	})
	// A request id that could forge log lines, or is too long, is replaced.
	t.Run("HostileID", func(t *testing.T) {
		for _, id := range []string{"a\"b", "x y", strings.Repeat("a", 65), "é"} {
			recs := logged(1, map[string]string{"X-Request-Id": id}, 1)
			got, _ := recs[0]["request_id"].(string)
			if got == id || len(got) != 16 {
				t.Errorf("id %q logged as %q, want a new 16-hex id", id, got)
			}
		}
	})
}

// TestServer_RequestLogsCart: a request's log line has the path it asked
// for, hosted prefix and all, and on the cart's routes what named the
// cart, never the token or the session.
func TestServer_RequestLogsCart(t *testing.T) {
	store := &stubStore{}
	var buf bytes.Buffer
	h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c", LogSample: 1,
		Logger: slog.New(slog.NewJSONHandler(&buf, nil))}).Handler()
	for _, tc := range []struct {
		name string
		req  request
		path string
		cart any // nil: no cart field
	}{
		{"Token", request{path: "/api/fec2/hr-rfp/cart", header: map[string]string{"Authorization": "Bearer secret-tok-1"}}, "/api/fec2/hr-rfp/cart", "token"},
		{"TokenOverCookie", request{method: "POST", path: "/cart", body: `{"sku_id":1}`,
			header: map[string]string{"Authorization": "secret-tok-2", "Cookie": "user_session=secretsession1"}}, "/cart", "token"},
		{"InvalidToken", request{path: "/cart", header: map[string]string{"Authorization": "secret tok 3"}}, "/cart", "token"},
		{"Cookie", request{method: "POST", path: "/api/fec2/hratx/cart?x=1", body: `{"sku_id":1}`,
			header: map[string]string{"Cookie": "user_session=secretsession2"}}, "/api/fec2/hratx/cart", "cookie"},
		{"BasicAndCookie", request{path: "/cart", header: map[string]string{"Authorization": "Basic c2VjcmV0OnBhc3M=", "Cookie": "user_session=secretsession3"}}, "/cart", "cookie"},
		{"None", request{path: "/cart"}, "/cart", "none"},
		{"BasicAlone", request{path: "/cart", header: map[string]string{"Authorization": "Basic c2VjcmV0OnBhc3M="}}, "/cart", "none"},
		{"InvalidCookie", request{path: "/cart", header: map[string]string{"Cookie": "user_session=a.b"}}, "/cart", "none"},
		{"NotCart", request{path: "/api/fec2/hr-rfp/products?page=2", header: map[string]string{"Authorization": "secret-tok-4"}}, "/api/fec2/hr-rfp/products", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			buf.Reset()
			serve(h, tc.req)
			var rec map[string]any
			if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
				t.Fatalf("log %q: %v", buf.String(), err)
			}
			if rec["path"] != tc.path || rec["cart"] != tc.cart {
				t.Fatalf("path %v, cart %v; want %v, %v (%v)", rec["path"], rec["cart"], tc.path, tc.cart, rec)
			}
			for _, secret := range []string{"secret", "c2VjcmV0"} {
				if strings.Contains(buf.String(), secret) {
					t.Fatalf("the log holds a credential: %s", buf.String())
				}
			}
		})
	}
}

func FuzzValidRequestID(f *testing.F) {
	for _, s := range []string{"abc-123", "", "a\"b", "\n", strings.Repeat("z", 64), strings.Repeat("z", 65)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if !cataloghttp.ValidRequestID(id) {
			return
		}
		if len(id) == 0 || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
		}) {
			t.Fatalf("accepted %q", id)
		}
	})
}
