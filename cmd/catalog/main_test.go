package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cataloghttp "catalog/http"
	"catalog/internal/pgtest"
	"catalog/internal/redistest"
	"catalog/internal/testenv"
)

func noEnv(string) (string, bool) { return "", false }

// envOf is an environment of the given variables.
func envOf(vars map[string]string) environment {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

// syncBuffer is a bytes.Buffer safe for a server goroutine and a test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRun_Help(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), nil, noEnv, &out, &errOut); !errors.Is(err, flag.ErrHelp) || !strings.Contains(errOut.String(), "catalog serve") {
		t.Fatalf("no arguments: err %v, stderr %q", err, errOut.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"help"}, noEnv, &out, &errOut); err != nil || !strings.Contains(out.String(), "catalog load") {
		t.Fatalf("help: err %v, stdout %q", err, out.String())
	}
	errOut.Reset()
	if err := run(context.Background(), []string{"help", "serve"}, noEnv, &out, &errOut); !errors.Is(err, flag.ErrHelp) || !strings.Contains(errOut.String(), "CATALOG_ADDR") {
		t.Fatalf("help serve: err %v, stderr %q", err, errOut.String())
	}
	if err := run(context.Background(), []string{"frobnicate"}, noEnv, &out, &errOut); err == nil {
		t.Fatal("an unknown command did not fail")
	}
}

func TestEnvironment_Precedence(t *testing.T) {
	env := envOf(map[string]string{"CATALOG_DB": "from-env.db", "CATALOG_REQUEST_TIMEOUT": "2s"})
	for _, tc := range []struct {
		args        []string
		db, timeout string
	}{
		{nil, "from-env.db", "2s"},
		{[]string{"--db", "from-flag.db"}, "from-flag.db", "2s"},
		{[]string{"--request-timeout", "3s"}, "from-env.db", "3s"},
	} {
		fs := newFlagSet("x", "x", io.Discard)
		cfg := defaultServeConfig()
		cfg.flags(fs)
		if err := env.parse(fs, tc.args); err != nil {
			t.Fatal(err)
		}
		if cfg.Store.DB != tc.db || cfg.RequestTimeout.String() != tc.timeout {
			t.Errorf("args %v: db %q timeout %v, want %q %s", tc.args, cfg.Store.DB, cfg.RequestTimeout, tc.db, tc.timeout)
		}
	}
	fs := newFlagSet("x", "x", io.Discard)
	fs.Duration("request-timeout", time.Second, "")
	bad := envOf(map[string]string{"CATALOG_REQUEST_TIMEOUT": "soon"})
	if err := bad.parse(fs, nil); err == nil || !strings.Contains(err.Error(), "CATALOG_REQUEST_TIMEOUT") {
		t.Fatalf("bad environment value: %v", err)
	}
	// A variable set to the empty string is set: it can empty a flag.
	fs = newFlagSet("x", "x", io.Discard)
	cors := fs.String("cors-origins", "*", "")
	if err := envOf(map[string]string{"CATALOG_CORS_ORIGINS": ""}).parse(fs, nil); err != nil || *cors != "" {
		t.Fatalf("empty variable: %q, %v", *cors, err)
	}
	// Without any setting, the defaults work on a fresh machine.
	fs = newFlagSet("x", "x", io.Discard)
	cfg := defaultServeConfig()
	cfg.flags(fs)
	if err := environment(noEnv).parse(fs, nil); err != nil || cfg.Store.DB != "catalog.db" {
		t.Fatalf("default db = %q, %v", cfg.Store.DB, err)
	}
}

func TestRun_GenerateLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	var out bytes.Buffer
	if err := run(ctx, []string{"generate", "--out", data, "--products", "300", "--seed", "3"}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "300 products") {
		t.Fatalf("generate said %q", out.String())
	}
	db := filepath.Join(dir, "catalog.db")
	rejects := filepath.Join(dir, "rejects.jsonl")
	out.Reset()
	if err := run(ctx, []string{"load", "--db", db, "--rejects", rejects, data}, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("load: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "product.csv") || !strings.Contains(out.String(), "300") {
		t.Fatalf("load report %q", out.String())
	}
	if _, err := os.Stat(rejects); !os.IsNotExist(err) {
		t.Fatal("a clean load created a rejects file")
	}

	// One bad row: the load goes live but exits 1, unless rejects are allowed.
	f, err := os.OpenFile(filepath.Join(data, "related.csv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "999999,1,0")
	f.Close()
	out.Reset()
	err = run(ctx, []string{"load", "--db", db, "--rejects", rejects, data}, noEnv, &out, io.Discard)
	var exit exitError
	if !errors.As(err, &exit) || exit != 1 || !strings.Contains(out.String(), "1 rows rejected") {
		t.Fatalf("load with a bad row: err %v\n%s", err, out.String())
	}
	b, err := os.ReadFile(rejects)
	if err != nil || !strings.Contains(string(b), `"file":"related.csv"`) {
		t.Fatalf("rejects file: %s %v", b, err)
	}
	if err := run(ctx, []string{"load", "--db", db, "--rejects", rejects, "--allow-rejects", data}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("--allow-rejects: %v", err)
	}
	// A clean load removes the rejects file of the one before.
	if err := run(ctx, []string{"generate", "--out", data, "--products", "300", "--seed", "3"}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"load", "--db", db, "--rejects", rejects, data}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(rejects); !os.IsNotExist(err) {
		t.Fatalf("a stale rejects file remains after a clean load: %v", err)
	}

	if err := run(ctx, []string{"load", "--db", "postgres://u:secret@127.0.0.1:1/db?connect_timeout=2", data}, noEnv, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "127.0.0.1:1") || strings.Contains(err.Error(), "secret") {
		t.Fatalf("unreachable PostgreSQL: %v, want an error naming it without its password", err)
	}
	if err := run(ctx, []string{"load", "--db", db}, noEnv, io.Discard, io.Discard); err == nil {
		t.Fatal("load without a directory did not fail")
	}
	if err := run(ctx, []string{"load", "--db", db, filepath.Join(dir, "nowhere")}, noEnv, io.Discard, io.Discard); err == nil {
		t.Fatal("load of a missing directory did not fail")
	}
}

// A catalog whose documents are of another format than this version's is
// refused by serve, with the command that builds them; migrate builds
// them, as a new generation, and serve then serves it.
func TestRun_StaleReadModel(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data, db := filepath.Join(dir, "data"), filepath.Join(dir, "catalog.db")
	if err := run(ctx, []string{"generate", "--out", data, "--products", "50"}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"load", "--db", db, data}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE catalog_meta SET docs_format = 0`); err != nil {
		t.Fatal(err)
	}
	addr := testenv.FreeAddr(t)
	err = run(ctx, []string{"serve", "--db", db, "--addr", addr, "--admin-addr", ""}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "format 0") || !strings.Contains(err.Error(), "catalog migrate --db "+db) {
		t.Fatalf("serve of a stale read model: %v, want a refusal naming the format and the command that builds it", err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate", "--db", db}, noEnv, &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "read model built") || !strings.Contains(out.String(), "generation 2, 50 products") {
		t.Fatalf("migrate: %v %q", err, out.String())
	}
	serveBriefly(t, []string{"serve", "--db", db, "--addr", addr, "--admin-addr", ""}, "/products/50/styles", 200)
}

// TestRun_Serve: an empty store is seeded with a demo catalog, served, and
// shut down cleanly when the context ends (as on SIGINT or SIGTERM).
func TestRun_Serve(t *testing.T) {
	args := []string{"serve", "--db", filepath.Join(t.TempDir(), "c.db"), "--addr", testenv.FreeAddr(t), "--admin-addr", "", "--demo-products", "120"}
	logs, body := serveBriefly(t, args, "/products?count=200", 200)
	if strings.Count(body, `"campus":"hr-rfp"`) != 120 {
		t.Fatalf("GET /products: %.300s", body)
	}
	for _, want := range []string{"seeded a demo catalog", "catalog load --db", `"stopped"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
}

// TestRun_Postgres: migrate, load and serve on PostgreSQL; serve refuses a
// database whose schema it does not know.
func TestRun_Postgres(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	addr := testenv.FreeAddr(t)
	err := run(ctx, []string{"serve", "--db", url, "--addr", addr, "--admin-addr", ""}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "catalog migrate") {
		t.Fatalf("serve on an empty database: %v, want a refusal that says to migrate", err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate", "--db", url}, noEnv, &out, io.Discard); err != nil || !strings.Contains(out.String(), "schema and read model up to date") {
		t.Fatalf("migrate: %v %q", err, out.String())
	}
	// An empty PostgreSQL catalog is served as it is, not seeded.
	logs, _ := serveBriefly(t, []string{"serve", "--db", url, "--addr", addr, "--admin-addr", ""}, "/products/1", 404)
	if !strings.Contains(logs, "the catalog is empty") || strings.Contains(logs, "demo catalog") {
		t.Fatalf("logs of an empty catalog:\n%s", logs)
	}
	data := filepath.Join(t.TempDir(), "data")
	if err := run(ctx, []string{"generate", "--out", data, "--products", "200"}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"load", "--db", url, data}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	logs, _ = serveBriefly(t, []string{"serve", "--db", url, "--addr", addr, "--admin-addr", "", "--db-max-conns", "3", "--db-statement-timeout", "2s"}, "/products/200/styles", 200)
	if strings.Contains(logs, "demo catalog") || !strings.Contains(logs, `"products":200`) {
		t.Fatalf("logs:\n%s", logs)
	}
}

// serveBriefly runs serve until path answers, checks its status, stops the
// server (as a signal would) and returns its logs and the answer's body.
func serveBriefly(t *testing.T, args []string, path string, status int) (logs, body string) {
	t.Helper()
	addr := args[slices.Index(args, "--addr")+1]
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, noEnv, io.Discard, &out) }()
	var resp *http.Response
	var err error
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err = http.Get("http://" + addr + path); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("server never answered: %v\n%s", err, out.String())
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != status {
		t.Fatalf("GET %s: %d, want %d", path, resp.StatusCode, status)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	return out.String(), string(b)
}

// cancelOn cancels a context when a line containing word is written.
type cancelOn struct {
	word   string
	cancel context.CancelFunc
	logs   syncBuffer
}

func (c *cancelOn) Write(p []byte) (int, error) {
	if strings.Contains(string(p), c.word) {
		c.cancel()
	}
	return c.logs.Write(p)
}

// A signal the moment the server starts listening still stops it.
func TestRun_ServeStopsOnEarlySignal(t *testing.T) {
	dir := t.TempDir()
	for i := range 10 {
		ctx, cancel := context.WithCancel(context.Background())
		w := &cancelOn{word: `"listening"`, cancel: cancel}
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"serve", "--db", filepath.Join(dir, "c.db"), "--addr", testenv.FreeAddr(t), "--admin-addr", "", "--demo-products", "20"}, noEnv, io.Discard, w)
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run %d: %v", i, err)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("run %d: serve did not stop after a signal at start:\n%s", i, w.logs.String())
		}
		cancel()
	}
}

// TestRun_Bench: bench finds the catalog's size, runs its steps against a
// running server and writes its report; the server's cache counts the
// answers on the admin listener.
func TestRun_Bench(t *testing.T) {
	addr, admin := testenv.FreeAddr(t), testenv.FreeAddr(t)
	ctx := context.Background()
	startServe(t, "--db", filepath.Join(t.TempDir(), "c.db"), "--addr", addr, "--admin-addr", admin, "--demo-products", "120")
	get(t, "http://"+addr+"/products/1")
	get(t, "http://"+addr+"/products/1") // a hit, whatever the sweep draws
	out := filepath.Join(t.TempDir(), "report")
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"bench", "--rates", "20,40", "--duration", "300ms", "--out", out, "--ids", "uniform", "--progress=false", "http://" + addr}, noEnv, &stdout, &stderr)
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, stderr.String())
	}
	for _, want := range []string{"| 20 | ", "| 40 | ", "| none | ok |"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("bench output lacks %q:\n%s", want, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "products 1 to 120") {
		t.Errorf("bench did not find the 120 products:\n%s", stderr.String())
	}
	for _, f := range []string{"bench.md", "bench.json", "bench.svg"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("report file %s: %v", f, err)
		}
	}
	resp, err := http.Get("http://" + admin + "/debug/cache")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct{ Hits, Misses uint64 }
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	// Every request of the sweep went through the cache, and is counted
	// (the hit is the second get's, made certain above).
	var rep struct{ Steps []struct{ Requests uint64 } }
	b, err := os.ReadFile(filepath.Join(out, "bench.json"))
	if err != nil || json.Unmarshal(b, &rep) != nil || len(rep.Steps) != 2 {
		t.Fatalf("bench.json: %v %s", err, b)
	}
	sent := rep.Steps[0].Requests + rep.Steps[1].Requests
	if st.Hits+st.Misses < sent || st.Hits == 0 {
		t.Fatalf("cache counters %+v after %d requests of the sweep; want them all counted", st, sent)
	}
	// The same counters, and the catalog, in Prometheus's format.
	resp, err = http.Get("http://" + admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	metrics, _ := io.ReadAll(resp.Body)
	for _, want := range []string{"\ncatalog_generation 1\n", "\ncatalog_products 120\n", "\ncatalog_cache_hits_total ",
		`catalog_http_request_duration_seconds_count{route="GET /products/{id}/styles",status="2xx"} `} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestRun_BenchErrors(t *testing.T) {
	for _, args := range [][]string{
		{"bench"},
		{"bench", "ftp://x"},
		{"bench", "--rates", "0", "http://127.0.0.1:1"},
		{"bench", "--mix", "cart=1", "http://127.0.0.1:1"},
		{"bench", "--ids", "hot", "http://127.0.0.1:1"},
		{"bench", "--duration", "0s", "http://127.0.0.1:1"},
		{"bench", "http://127.0.0.1:1"}, // nothing listens: the size cannot be found
	} {
		if err := run(context.Background(), args, noEnv, io.Discard, io.Discard); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// The admin listener serves profiles: never on a public address.
func TestRun_AdminNotPublic(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	for _, args := range [][]string{
		{"serve", "--db", db, "--addr", testenv.FreeAddr(t), "--demo-products", "5", "--admin-addr", "0.0.0.0:0"},
		{"load", "--db", db, "--admin-addr", "[::]:9091", t.TempDir()},
	} {
		err := run(context.Background(), args, noEnv, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("%s: err = %v, want a refusal of a public admin address", args[0], err)
		}
	}
}

// A taken port stops serve (and load's admin listener) before the store is
// opened or a demo catalog seeded, with an error that names its flag; the
// ports taken before it are let go.
func TestRun_PortTaken(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	taken := held.Addr().String()
	for _, tc := range []struct {
		name string
		args func(db, free string) []string
		want []string
	}{
		{"Addr", func(db, free string) []string {
			return []string{"serve", "--db", db, "--admin-addr", free, "--addr", taken}
		}, []string{"--addr " + taken + ": address already in use"}},
		{"AdminAddr", func(db, free string) []string {
			return []string{"serve", "--db", db, "--addr", free, "--admin-addr", taken}
		}, []string{"--admin-addr " + taken + ": address already in use", "give --admin-addr another loopback port"}},
		{"LoadAdminAddr", func(db, free string) []string {
			return []string{"load", "--db", db, "--admin-addr", taken, t.TempDir()}
		}, []string{"--admin-addr " + taken + ": address already in use"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, free := filepath.Join(t.TempDir(), "c.db"), testenv.FreeAddr(t)
			// The default demo catalog takes seconds to seed: a bound
			// shows one was not begun.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := run(ctx, tc.args(db, free), noEnv, io.Discard, io.Discard)
			for _, want := range tc.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("err = %v, want one that says %q", err, want)
				}
			}
			if _, statErr := os.Stat(db); statErr == nil {
				t.Error("the store was opened before the ports were taken")
			}
			ln, err := net.Listen("tcp", free)
			if err != nil {
				t.Fatalf("the free port is still held after the failure: %v", err)
			}
			ln.Close()
		})
	}
}

// Durations are logged as Go writes them, wherever they stand in a line.
func TestNewLogger_Durations(t *testing.T) {
	cfg := defaultServeConfig()
	for _, tc := range []struct {
		name string
		attr slog.Attr
		want string
	}{
		{"Duration", slog.Duration("grace", 5*time.Second), `"grace":"5s"`},
		{"Any", slog.Any("grace", 90*time.Second), `"grace":"1m30s"`},
		{"Fraction", slog.Duration("took", 1500*time.Microsecond), `"took":"1.5ms"`},
		{"Group", slog.Group("store", slog.Duration("timeout", 150*time.Millisecond)), `"store":{"timeout":"150ms"}`},
		{"LogValuer", slog.Any("config", cfg), `"queue_wait":"` + cfg.QueueWait.String() + `"`},
		{"NotADuration", slog.Int("products", 5), `"products":5`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			newLogger(&b, slog.LevelInfo).LogAttrs(context.Background(), slog.LevelInfo, "x", tc.attr)
			if got := b.String(); !strings.Contains(got, tc.want) {
				t.Errorf("got %s, want it to hold %s", got, tc.want)
			}
		})
	}
}

// startServe runs serve with args until the test ends, and waits until it
// answers.
func startServe(t *testing.T, args ...string) {
	t.Helper()
	addr := args[slices.Index(args, "--addr")+1]
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs syncBuffer
	go func() { done <- run(ctx, append([]string{"serve"}, args...), noEnv, io.Discard, &logs) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("server never answered: %v\n%s", err, logs.String())
		}
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

// TestRun_SharedCache: two instances of one store share a Redis tier, so
// the second answers from it what the first loaded.
func TestRun_SharedCache(t *testing.T) {
	url, prefix := redistest.Shared(t)
	db := filepath.Join(t.TempDir(), "c.db")
	a, b, adminB := testenv.FreeAddr(t), testenv.FreeAddr(t), testenv.FreeAddr(t)
	common := []string{"--db", db, "--demo-products", "50", "--redis", url, "--redis-prefix", prefix}
	startServe(t, append([]string{"--addr", a, "--admin-addr", ""}, common...)...)
	startServe(t, append([]string{"--addr", b, "--admin-addr", adminB}, common...)...)
	fromA := get(t, "http://"+a+"/products/7/styles")
	if fromB := get(t, "http://"+b+"/products/7/styles"); fromB != fromA {
		t.Fatalf("instances disagree:\n%s\n%s", fromA, fromB)
	}
	// Go's client asks for gzip: b finds the response in the shared tier,
	// with the gzip body that a made of it, in one entry.
	if m := get(t, "http://"+adminB+"/metrics"); !strings.Contains(m, `catalog_remote_cache_requests_total{outcome="hit"} 1`) ||
		strings.Contains(m, `catalog_remote_cache_requests_total{outcome="miss"} 1`) {
		t.Fatalf("instance b's metrics lack its one hit, and no miss, in the shared tier:\n%s", m)
	}
}

func TestRun_RedisNeedsCache(t *testing.T) {
	err := run(context.Background(), []string{"serve", "--db", filepath.Join(t.TempDir(), "c.db"), "--cache-mb", "0", "--redis", "redis://127.0.0.1:6379/0"}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--cache-mb") {
		t.Fatalf("err = %v, want --redis refused without a cache", err)
	}
}

// TestRun_Replica: serve reads the catalog from a streaming replica given
// by --db-replica, and says so in its metrics.
func TestRun_Replica(t *testing.T) {
	ctx := context.Background()
	primary := pgtest.StartCluster(t)
	replica := primary.StartReplica(t)
	url := primary.URL("postgres")
	data := filepath.Join(t.TempDir(), "data")
	if err := run(ctx, []string{"generate", "--out", data, "--products", "50"}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"load", "--db", url, data}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	addr, admin := testenv.FreeAddr(t), testenv.FreeAddr(t)
	startServe(t, "--db", url, "--db-replica", replica.URL("postgres"), "--addr", addr, "--admin-addr", admin, "--cache-mb", "0")
	pool := fmt.Sprintf(`pool="replica 127.0.0.1:%d/postgres"`, replica.Port())
	// The replica serves once it has replayed the load.
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(get(t, "http://"+admin+"/metrics"), "catalog_store_pool_usable{"+pool+"} 1"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the replica never became usable")
		}
	}
	for id := 1; id <= 10; id++ {
		get(t, fmt.Sprintf("http://%s/products/%d", addr, id))
	}
	m := get(t, "http://"+admin+"/metrics")
	for _, want := range []string{"catalog_store_pool_reads_total{" + pool + "} 10", `catalog_store_pool_reads_total{pool="primary"} 0`} {
		if !strings.Contains(m, want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, grepLines(m, "catalog_store_pool"))
		}
	}
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestRun_ReplicaFlag(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"SQLite", []string{"--db-replica", "postgres://127.0.0.1:5433/db"}, nil, "--db names a SQLite file"},
		{"NotAURL", []string{"--db-replica", "replica.example:5432"}, nil, "is not a postgres:// URL"},
		{"EnvNotAURL", nil, map[string]string{"CATALOG_DB_REPLICA": "postgres://a/db mysql://b/db"}, "is not a postgres:// URL"},
		{"SQLiteFromEnv", nil, map[string]string{"CATALOG_DB_REPLICA": "postgres://a:1/db postgresql://b:2/db"}, "--db names a SQLite file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"serve", "--db", filepath.Join(t.TempDir(), "c.db"), "--addr", testenv.FreeAddr(t), "--admin-addr", "", "--demo-products", "5"}, tc.args...)
			// Were the flag let through, serve would run: bound it.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := run(ctx, args, envOf(tc.env), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestRun_ServeMetrics: the SQLite store's pools and the demo seed's import
// are in serve's metrics.
func TestRun_ServeMetrics(t *testing.T) {
	addr, admin := testenv.FreeAddr(t), testenv.FreeAddr(t)
	startServe(t, "--db", filepath.Join(t.TempDir(), "c.db"), "--addr", addr, "--admin-addr", admin, "--demo-products", "30", "--cache-mb", "0")
	for id := 1; id <= 3; id++ {
		get(t, fmt.Sprintf("http://%s/products/%d/related", addr, id))
	}
	m := get(t, "http://"+admin+"/metrics")
	for _, want := range []string{
		`catalog_store_pool_reads_total{pool="catalog"} 3`,
		`catalog_store_pool_max_conns{pool="cart writes"} 1`,
		`catalog_import_rows_total{file="product.csv",outcome="accepted"} 30`,
		`catalog_import_rows_total{file="product.csv",outcome="rejected"} 0`,
		`catalog_import_files_total{state="done"} 13`, // the demo has no cart.csv
	} {
		if !strings.Contains(m, want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, grepLines(m, "catalog_"))
		}
	}
}

// Each bad setting is refused before anything opens, with an error that
// names its flag or variable and says what it wants.
func TestRun_ServeConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{"CacheNegative", []string{"--cache-mb", "-1"}, nil, []string{"-cache-mb", "want 0 or more"}},
		{"DemoNotANumber", []string{"--demo-products", "many"}, nil, []string{"-demo-products"}},
		{"MaxInFlightZero", []string{"--max-in-flight", "0"}, nil, []string{"-max-in-flight", "want 1 or more"}},
		{"QueueWaitZero", []string{"--queue-wait", "0s"}, nil, []string{"-queue-wait", "want a positive duration"}},
		{"QueueWaitFromEnv", nil, map[string]string{"CATALOG_QUEUE_WAIT": "-1s"}, []string{"CATALOG_QUEUE_WAIT", "want a positive duration"}},
		{"TimeoutNotADuration", []string{"--request-timeout", "soon"}, nil, []string{"-request-timeout"}},
		{"PollZero", []string{"--catalog-poll", "0"}, nil, []string{"-catalog-poll", "want a positive duration"}},
		{"PurgeURLNotHTTP", []string{"--purge-url", "varnish:6081"}, nil, []string{"--purge-url", "want an http or https URL"}},
		{"MaxAgeNegative", []string{"--max-age", "-1s"}, nil, []string{"-max-age", "want whole seconds, 0 or more"}},
		{"MaxAgeFraction", nil, map[string]string{"CATALOG_STALE_IF_ERROR": "1.5s"}, []string{"CATALOG_STALE_IF_ERROR", "want whole seconds"}},
		{"ShareOverOne", []string{"--log-requests", "1.5"}, nil, []string{"-log-requests", "from 0 to 1"}},
		{"LogLevel", []string{"--log-level", "loud"}, nil, []string{"-log-level"}},
		{"AdminPublic", []string{"--admin-addr", "0.0.0.0:9090"}, nil, []string{"-admin-addr", "loopback"}},
		{"MaxConns", []string{"--db-max-conns", "0"}, nil, []string{"-db-max-conns", "want 1 or more"}},
		{"RemovedFlag", []string{"--throttle-target", "2ms"}, nil, []string{"throttle-target"}},
		{"CampusNotACampus", []string{"--campuses", "hr-rfp,hr.rfe"}, nil, []string{"--campuses", `"hr.rfe"`}},
		{"CartIdleNegative", []string{"--cart-idle", "-1h"}, nil, []string{"-cart-idle", "want a duration of 0 or more"}},
		{"CartMaxSKUsNegative", nil, map[string]string{"CATALOG_CART_MAX_SKUS": "-1"}, []string{"CATALOG_CART_MAX_SKUS", "want 0 or more"}},
		{"CartTokenKeyShort", nil, map[string]string{"CATALOG_CART_TOKEN_KEY": "secret"}, []string{"--cart-token-key", "6 bytes", "at least 32"}},
		{"RedisWithoutCache", []string{"--cache-mb", "0", "--redis", "redis://127.0.0.1:6379/0"}, nil, []string{"--redis", "--cache-mb"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "c.db")
			args := append([]string{"serve", "--db", db, "--addr", testenv.FreeAddr(t)}, tc.args...)
			err := run(context.Background(), args, envOf(tc.env), io.Discard, io.Discard)
			for _, want := range tc.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("err = %v, want one that says %q", err, want)
				}
			}
			if _, statErr := os.Stat(db); statErr == nil {
				t.Errorf("the store was opened before the settings were checked")
			}
		})
	}
}

// The effective configuration is logged once at start, every setting of
// it, passwords hidden. (Serve stops at once after the line: this checks
// the line, not what later lines say.)
func TestRun_ServeLogsConfig(t *testing.T) {
	attrs := defaultServeConfig().LogValue().Group()
	fields := reflect.TypeFor[serveConfig]().NumField() - 2 + reflect.TypeFor[storeConfig]().NumField() +
		reflect.TypeFor[cataloghttp.Freshness]().NumField()
	if len(attrs) != fields {
		t.Errorf("the config log has %d settings, the config %d fields: one is left out", len(attrs), fields)
	}
	var logs bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // stops at once after the start
	_ = run(ctx, []string{"serve", "--db", filepath.Join(t.TempDir(), "c.db"), "--addr", testenv.FreeAddr(t), "--admin-addr", "",
		"--demo-products", "5", "--redis", "redis://user:secret@127.0.0.1:1/0", "--queue-wait", "150ms"}, noEnv, io.Discard, &logs)
	line := grepLines(logs.String(), `"msg":"starting"`)
	for _, want := range []string{`"queue_wait":"150ms"`, `"max_in_flight":`, `"redis":"redis://user:xxxxx@127.0.0.1:1/0"`} {
		if !strings.Contains(line, want) {
			t.Errorf("start log %q lacks %q", line, want)
		}
	}
	if strings.Contains(logs.String(), "secret") {
		t.Error("a password reached the log")
	}
}
