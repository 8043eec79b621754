package http_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	cataloghttp "catalog/http"
)

// startWire serves a stub store on a loopback listener, for requests that
// only a real connection can send.
func startWire(t *testing.T) (addr string, store *stubStore) {
	t.Helper()
	store = &stubStore{}
	srv := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c", Logger: quietLogger()})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), store
}

// dial opens a connection to addr, closed when the test ends.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// raw sends a request as written and reads the response.
func raw(t *testing.T, addr, req string) *http.Response {
	t.Helper()
	conn := dial(t, addr)
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read the response: %v", err)
	}
	return resp
}

// TestServer_HostileWire: requests no well-behaved client sends are
// refused before the store, and cannot inject into the response.
func TestServer_HostileWire(t *testing.T) {
	addr, store := startWire(t)
	t.Run("OversizedHeader", func(t *testing.T) {
		resp := raw(t, addr, "GET /products/1 HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 64<<10)+"\r\n\r\n")
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("status %d, want 431", resp.StatusCode)
		}
	})
	t.Run("InvalidUTF8Path", func(t *testing.T) {
		resp := raw(t, addr, "GET /products/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n")
		if resp.StatusCode/100 != 4 {
			t.Fatalf("status %d, want a 4xx", resp.StatusCode)
		}
	})
	t.Run("CookieInjection", func(t *testing.T) {
		before := store.calls.Load()
		resp := raw(t, addr, "GET /cart HTTP/1.1\r\nHost: x\r\nCookie: user_session=x'%0d%0aX-Injected:1; DROP TABLE cart;--\r\n\r\n")
		if resp.StatusCode != 200 {
			t.Fatalf("status %d, want 200", resp.StatusCode)
		}
		// Nothing of the hostile value comes back: a server that echoed
		// the cookie it was sent (in Set-Cookie, say) would hand an
		// attacker a header to write into. The value a cookie parser
		// gives, up to the first ';', carries the markers.
		for name, values := range resp.Header {
			for _, v := range values {
				if strings.Contains(v, "DROP") || strings.Contains(v, "Injected") || strings.Contains(v, "%0") {
					t.Errorf("header %s: %q carries the hostile cookie", name, v)
				}
			}
		}
		// The hostile value is ignored: a new, random session is issued.
		if c := resp.Header.Get("Set-Cookie"); !regexp.MustCompile(`^user_session=[0-9a-f]{32};`).MatchString(c) {
			t.Fatalf("Set-Cookie %q, want a new 128-bit session", c)
		}
		if store.calls.Load() != before+1 {
			t.Fatal("the cart was not read with the new session")
		}
	})
	t.Run("HugeCount", func(t *testing.T) {
		before := store.calls.Load()
		resp := raw(t, addr, "GET /products?count=99999999999999999999 HTTP/1.1\r\nHost: x\r\n\r\n")
		if resp.StatusCode != 400 || store.calls.Load() != before {
			t.Fatalf("status %d, store calls %d; want 400 before the store", resp.StatusCode, store.calls.Load()-before)
		}
	})
	t.Run("SlowBody", func(t *testing.T) {
		// A body sent a byte a second is cut off by the server's read
		// timeout (10 s for the whole request), and never reaches the
		// store.
		t.Parallel()
		before := store.calls.Load()
		conn := dial(t, addr)
		start := time.Now()
		io.WriteString(conn, "POST /cart HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
		answered := make(chan int, 1)
		go func() {
			conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				answered <- 0 // closed without an answer
				return
			}
			resp.Body.Close()
			answered <- resp.StatusCode
		}()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case status := <-answered:
				if d := time.Since(start); d < 9*time.Second || d > 15*time.Second {
					t.Fatalf("cut off after %v, want the 10 s read timeout", d)
				}
				if status != 0 && status/100 != 4 {
					t.Fatalf("status %d, want a 4xx or a closed connection", status)
				}
				if n := store.calls.Load() - before; n != 0 {
					t.Fatalf("%d store calls for a body never sent", n)
				}
				return
			case <-tick.C:
				io.WriteString(conn, " ") // JSON whitespace, a byte at a time
			}
		}
	})
	t.Run("SlowHeader", func(t *testing.T) {
		// Slowloris: a header that never ends is cut off by the server's
		// header timeout (5 s), not held open.
		t.Parallel()
		conn := dial(t, addr)
		start := time.Now()
		io.WriteString(conn, "GET /products/1 HTTP/1.1\r\nHost: x\r\n")
		buf := make([]byte, 512)
		for {
			if _, err := io.WriteString(conn, "X-Slow: 1\r\n"); err != nil {
				break
			}
			conn.SetReadDeadline(time.Now().Add(time.Second))
			if _, err := conn.Read(buf); err != nil && !isTimeout(err) {
				break // closed by the server
			}
			if time.Since(start) > 15*time.Second {
				t.Fatal("the server kept a never-ending header open for 15 s")
			}
		}
		if d := time.Since(start); d < 4*time.Second {
			t.Fatalf("cut off after %v, before the 5 s header timeout", d)
		}
	})
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
