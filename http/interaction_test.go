package http_test

import (
	"io"
	"strings"
	"sync"
	"testing"

	"catalog"
	cataloghttp "catalog/http"
)

// fakeClicks takes interactions until it holds room of them.
type fakeClicks struct {
	mu    sync.Mutex
	room  int
	taken []catalog.Interaction
}

func (f *fakeClicks) Add(i catalog.Interaction) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.taken) >= f.room {
		return false
	}
	f.taken = append(f.taken, i)
	return true
}

func TestServer_Interactions(t *testing.T) {
	store := &stubStore{}
	clicks := &fakeClicks{room: 2}
	h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store, Clicks: clicks},
		cataloghttp.Config{Campus: "c", Logger: quietLogger()}).Handler()
	click := `{"element":"img.thumb","widget":"Overview","time":"Mon Dec 07 2026 12:00:00 GMT+0100"}`
	for _, tc := range []struct {
		name, path, body string
		status           int
		text             string
	}{
		{"taken", "/interactions", click, 201, "Created"},
		{"taken under the prefix", "/api/fec2/hr-rfp/interactions", click, 201, "Created"},
		{"the log is full", "/interactions", click, 503, ""},
		{"no element", "/interactions", `{"widget":"Overview","time":"now"}`, 422, "Error: Interaction body contains invalid entries"},
		{"an empty widget", "/interactions", `{"element":"a","widget":"","time":"now"}`, 422, "Error: Interaction body contains invalid entries"},
		{"a time that is a number", "/interactions", `{"element":"a","widget":"b","time":1607342400000}`, 422, "Error: Interaction body contains invalid entries"},
		{"not JSON", "/interactions", `element=a`, 422, "Error: Interaction body contains invalid entries"},
		{"a body past 8 KiB", "/interactions", `{"element":"` + strings.Repeat("a", 9<<10) + `"}`, 413, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := serve(h, request{method: "POST", path: tc.path, body: tc.body, header: map[string]string{"Content-Type": "application/json"}})
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || (tc.text != "" && string(body) != tc.text) {
				t.Fatalf("status %d %q, want %d %q", resp.StatusCode, body, tc.status, tc.text)
			}
			if tc.status == 503 && resp.Header.Get("Retry-After") == "" {
				t.Fatal("a 503 without Retry-After")
			}
		})
	}
	if len(clicks.taken) != 2 || clicks.taken[0].Element != "img.thumb" || clicks.taken[0].Time != "Mon Dec 07 2026 12:00:00 GMT+0100" ||
		clicks.taken[0].At.IsZero() {
		t.Fatalf("taken %+v, want the two clicks as sent, with the time taken", clicks.taken)
	}
}

// TestServer_InteractionsShedFirst: when the admission has no turn for it
// within a click's short wait, an interaction is refused, and never
// reaches the log.
func TestServer_InteractionsShedFirst(t *testing.T) {
	store := &stubStore{}
	clicks := &fakeClicks{room: 10}
	adm := &admission{}
	h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store, Clicks: clicks},
		cataloghttp.Config{Campus: "c", Logger: quietLogger(), Admission: adm}).Handler()
	resp := serve(h, request{method: "POST", path: "/interactions", body: `{"element":"a","widget":"b","time":"c"}`})
	if resp.StatusCode != 503 || len(clicks.taken) != 0 || adm.acquired != 0 {
		t.Fatalf("status %d, %d taken, %d admitted; want 503 and none", resp.StatusCode, len(clicks.taken), adm.acquired)
	}
	adm.open = true
	resp = serve(h, request{method: "POST", path: "/interactions", body: `{"element":"a","widget":"b","time":"c"}`})
	if resp.StatusCode != 201 || len(clicks.taken) != 1 || adm.release != 1 {
		t.Fatalf("status %d, %d taken, %d released; want 201, one taken, its turn given back", resp.StatusCode, len(clicks.taken), adm.release)
	}
}
