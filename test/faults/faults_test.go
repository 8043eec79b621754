//go:build faults

// Package faults runs the reliability trials of docs/reliability.md against
// real processes on loopback: `bash test/faults/run.sh`. Each trial adds a
// row to the table printed at the end: trial, requests, errors, what was
// expected, what was measured, and whether it held. The trials are bounded
// in requests and time, and assert nothing about time to the test runner
// beyond the table: they are a measurement, not part of CI.
package faults_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"catalog/internal/pgtest"
	"catalog/internal/testenv"
	"catalog/loadtest"
)

var (
	bin     string // the catalog command, built once
	ceiling string // bench/ceiling, the fixed-body yardstick
	work    string // where the trials keep their files

	mu   sync.Mutex
	rows []row
)

type row struct {
	trial              string
	requests, errors   int
	expected, measured string
	held               bool
}

func record(t *testing.T, r row) {
	t.Helper()
	mu.Lock()
	rows = append(rows, r)
	mu.Unlock()
	t.Logf("%s: %d requests, %d errors; expected %s; measured %s; held %v", r.trial, r.requests, r.errors, r.expected, r.measured, r.held)
	if !r.held {
		t.Errorf("%s did not hold", r.trial)
	}
}

func TestMain(m *testing.M) {
	var err error
	if work, err = os.MkdirTemp("", "catalog-faults-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	bin, ceiling = filepath.Join(work, "catalog"), filepath.Join(work, "ceiling")
	for file, pkg := range map[string]string{bin: "./cmd/catalog", ceiling: "./bench/ceiling"} {
		build := exec.Command("go", "build", "-o", file, pkg)
		build.Dir = "../.."
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build %s: %v\n%s", pkg, err, out)
			os.RemoveAll(work)
			os.Exit(2)
		}
	}
	code := m.Run()
	table := renderTable()
	fmt.Print("\n" + table)
	if out := os.Getenv("FAULTS_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(table), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	os.RemoveAll(work)
	os.Exit(code)
}

// writeOut writes a trial's detail to a file of the name beside the table
// (FAULTS_OUT), if it is written, and to the test's log.
func writeOut(t *testing.T, name, text string) {
	t.Helper()
	t.Log(name + ":\n" + text)
	if out := os.Getenv("FAULTS_OUT"); out != "" {
		if err := os.WriteFile(filepath.Join(filepath.Dir(out), name), []byte(text), 0o644); err != nil {
			t.Error(err)
		}
	}
}

func renderTable() string {
	var b strings.Builder
	b.WriteString("| trial | requests | errors | expected | measured | held |\n|---|---:|---:|---|---|---|\n")
	for _, r := range rows {
		held := "yes"
		if !r.held {
			held = "**no**"
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %s |\n", r.trial, r.requests, r.errors, r.expected, r.measured, held)
	}
	return b.String()
}

// server is a `catalog serve` process, or the yardstick (no admin).
type server struct {
	cmd         *exec.Cmd
	addr, admin string
	base        string
	logs        *os.File
}

// startServe starts catalog serve with args and waits until it is ready.
func startServe(t *testing.T, args ...string) *server {
	t.Helper()
	addr, admin := testenv.FreeAddr(t), testenv.FreeAddr(t)
	args = append([]string{"serve", "--addr", addr, "--admin-addr", admin}, args...)
	// FAULTS_SERVE_ARGS adds flags to every server, to try other bounds.
	args = append(args, strings.Fields(os.Getenv("FAULTS_SERVE_ARGS"))...)
	s := start(t, addr, "/readyz", bin, args...)
	s.admin = admin
	return s
}

// startCeiling starts the yardstick of the benchmarks, bench/ceiling: a
// server that answers every request with one fixed body and does nothing
// else. The same load against it shows how late the generator itself is.
func startCeiling(t *testing.T) *server {
	t.Helper()
	addr := testenv.FreeAddr(t)
	return start(t, addr, "/", ceiling, "--addr", addr)
}

// start runs a server on the cores in FAULTS_SERVER_CPUS, if set, and
// waits until GET ready answers 200.
func start(t *testing.T, addr, ready, name string, args ...string) *server {
	t.Helper()
	s := &server{addr: addr, base: "http://" + addr}
	logs, err := os.CreateTemp(work, "serve-*.log")
	if err != nil {
		t.Fatal(err)
	}
	s.logs = logs
	if cpus := os.Getenv("FAULTS_SERVER_CPUS"); cpus != "" {
		// The server on cores of its own, the load generator on the
		// others: on a small machine, else the generator's own work
		// would be measured as the server's latency.
		s.cmd = exec.Command("taskset", append([]string{"-c", cpus, name}, args...)...)
	} else {
		s.cmd = exec.Command(name, args...)
	}
	s.cmd.Stdout, s.cmd.Stderr = logs, logs
	// Should the test binary die (a -timeout panic skips cleanups), so does
	// the server.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.stop() })
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(s.base + ready); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logs.Name())
			t.Fatalf("%s never became ready:\n%s", filepath.Base(name), log)
		}
	}
}

// stop ends the server gracefully.
func (s *server) stop() {
	if s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		_ = s.cmd.Wait()
	}
	s.logs.Close()
}

// kill ends the server as a crash would.
func (s *server) kill() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// scrape returns the lines of the server's /metrics; none if it does not
// answer.
func (s *server) scrape() []string {
	resp, err := http.Get("http://" + s.admin + "/metrics")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return strings.Split(string(body), "\n")
}

// metric reads one unlabelled value from the server's /metrics; -1 if it
// is not there.
func (s *server) metric(name string) float64 {
	for _, l := range s.scrape() {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return -1
}

// writeUntilKilled has 16 writers write to s at once, each calling write
// with its number and the number of its write, one write after the other,
// until s is killed with SIGKILL 2 s in; it returns how many writes were
// sent. write returns once its write is answered, or has failed.
func writeUntilKilled(s *server, write func(client *http.Client, w, i int)) int {
	var sent atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			client := &http.Client{Timeout: 5 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				sent.Add(1)
				write(client, w, i)
			}
		})
	}
	time.Sleep(2 * time.Second)
	s.kill()
	close(stop)
	wg.Wait()
	return int(sent.Load())
}

// send sends a request of method to url, with a JSON body unless body is
// empty, and returns its status (0: no answer).
func send(client *http.Client, method, url, body string) int {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// startPostgres starts a PostgreSQL cluster of the test's own and returns
// its URL. With FAULTS_DB_CPUS set it runs on those cores.
func startPostgres(t *testing.T) (url string) {
	t.Helper()
	c := pgtest.StartCluster(t)
	pinPostgres(t, c)
	return c.URL("postgres")
}

func pinPostgres(t *testing.T, c *pgtest.Cluster) {
	t.Helper()
	if err := pin(c); err != nil {
		t.Fatal(err)
	}
}

// pin puts the cluster on FAULTS_DB_CPUS, if set.
func pin(c *pgtest.Cluster) error {
	cpus := os.Getenv("FAULTS_DB_CPUS")
	if cpus == "" {
		return nil
	}
	pid, err := c.PID()
	if err != nil {
		return err
	}
	// -a: the postmaster's processes now; backends forked later inherit.
	if out, err := exec.Command("taskset", "-a", "-p", "-c", cpus, strconv.Itoa(pid)).CombinedOutput(); err != nil {
		return fmt.Errorf("taskset: %v\n%s", err, out)
	}
	return nil
}

// rssMiB is the process's resident memory.
func (s *server) rssMiB() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return -1
}

// sample calls f every interval until the returned stop is called, and
// returns the largest value seen.
func sample(interval time.Duration, f func() float64) (stop func() float64) {
	done := make(chan struct{})
	peak := make(chan float64, 1)
	go func() {
		top := f()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				peak <- max(top, f())
				return
			case <-t.C:
				top = max(top, f())
			}
		}
	}()
	return func() float64 { close(done); return <-peak }
}

// run runs the catalog command with args, and fails the test if it fails.
func run(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("catalog %v: %v\n%s", args, err, out)
	}
}

// generated returns the directory of a generated dataset of products, made
// once for all trials.
func generated(t *testing.T, products int) string {
	t.Helper()
	dir := filepath.Join(work, fmt.Sprintf("data-%d", products))
	if _, err := os.Stat(filepath.Join(dir, "product.csv")); err == nil {
		return dir
	}
	run(t, "generate", "--out", dir, "--products", strconv.Itoa(products))
	return dir
}

// attack sends rate requests a second for d (rate 0: as fast as workers
// allow, a closed loop of workers) and returns every result.
func attack(tr vegeta.Targeter, rate int, d time.Duration, workers uint64) []vegeta.Result {
	return attackPaced(tr, vegeta.Rate{Freq: rate, Per: time.Second}, d, workers, nil)
}

// openConns returns a transport, set up as vegeta sets up its own, that
// already holds n connections to url's server, and a count of the dials it
// has made since: it sends n GETs of url at once and reads none of the
// answers (each must have a body) until all have come, so that each holds
// a connection of its own.
//
// A generator that dials on demand (vegeta does) meets a sudden rise of
// load with hundreds of dials at once, for the requests that find every
// connection busy. In a scratch run of the overload trial's step against
// the yardstick, a server that does nothing, its median answer took over
// 100 ms for the first 200 ms, and it settled only after about 400 ms; with
// the connections open before, its p99 was under 8 ms
// (docs/reliability.md). A load tool such as wrk opens all its connections
// before it starts, as this does.
func openConns(t *testing.T, url string, n int) (*http.Transport, func() int64) {
	t.Helper()
	var dials atomic.Int64
	dialer := &net.Dialer{KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return dialer.DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: 10_000,
	}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var answered, done sync.WaitGroup
	answered.Add(n)
	release := make(chan struct{})
	errs := make(chan error, n)
	for range n {
		done.Add(1)
		go func() {
			defer done.Done()
			resp, err := client.Get(url)
			answered.Done()
			if err != nil {
				errs <- err
				return
			}
			<-release
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}()
	}
	answered.Wait()
	close(release)
	done.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatalf("opening %d connections to %s: %v", n, url, err)
	}
	opened := dials.Load()
	return tr, func() int64 { return dials.Load() - opened }
}

// attackPaced sends requests at the pace p sets for d (a vegeta.Rate of 0:
// as fast as workers allow) and returns every result. It starts workers
// goroutines; a paced attack starts more when all are busy, up to 1000 or
// workers. The workers share one pool of connections: conns's, if not nil
// (see openConns), else vegeta's own; either dials more as more requests
// are in flight at once than it holds.
//
// The generator must not be measured as the server's latency, and on its
// one core three of its habits were (docs/reliability.md):
//   - Collecting garbage. It collects none while it attacks, up to a bound
//     on its heap sized from the requests due (each leaves several KiB of
//     garbage), at most 8 GiB; it says so on stderr if it had to collect
//     all the same. It starts each attack with the last one's garbage
//     returned.
//   - Growing its results: each growth copies them while every worker
//     waits to hand over its result. A paced attack has their room from
//     the start.
//   - Starting workers on demand at a sudden rate. The overload trial
//     starts all 1000 at once; with 64, and more started on demand, a step
//     from a tenth to three times the capacity stalled the generator.
func attackPaced(tr vegeta.Targeter, p vegeta.Pacer, d time.Duration, workers uint64, conns *http.Transport) []vegeta.Result {
	due := 0.0
	for t := time.Duration(0); t < d; t += 100 * time.Millisecond {
		due += p.Rate(t) / 10
	}
	runtime.GC()
	debug.FreeOSMemory()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(min(8<<30, max(1<<30, int64(due)*16<<10))))
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer func() {
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if n := after.NumGC - before.NumGC; n > 0 {
			fmt.Fprintf(os.Stderr, "faults: the generator collected garbage %d times during an attack of %v; its figures include the pauses\n", n, d)
		}
	}()
	// No bodies kept: reading them into every result costs the generator
	// enough CPU, at the overload trial's rates, to be measured as latency.
	var opts []func(*vegeta.Attacker)
	if conns != nil {
		opts = append(opts, vegeta.Client(&http.Client{Transport: conns}))
	}
	opts = append(opts, vegeta.Timeout(10*time.Second), vegeta.KeepAlive(true), vegeta.Workers(workers), vegeta.MaxBody(0))
	if r, ok := p.(vegeta.Rate); ok && r.Freq == 0 {
		opts = append(opts, vegeta.MaxWorkers(workers))
	} else {
		opts = append(opts, vegeta.MaxWorkers(max(workers, 1000)))
	}
	out := make([]vegeta.Result, 0, int(due)+1024)
	for res := range vegeta.NewAttacker(opts...).Attack(tr, p, d, "faults") {
		out = append(out, *res)
	}
	return out
}

// phases are the steps of an attack's pace: constant rates, one after
// another, on the same connections. A change of load meets a service that
// was already serving, and the generator's own start (its workers, their
// dials) falls in the first phase.
type phases []phase

type phase struct {
	rate int // requests a second, more than 0
	d    time.Duration
}

func (ps phases) total() time.Duration {
	var d time.Duration
	for _, p := range ps {
		d += p.d
	}
	return d
}

// at returns the phase of time t, and the time since it began.
func (ps phases) at(t time.Duration) (int, time.Duration) {
	i := 0
	for ; i < len(ps)-1 && t >= ps[i].d; i++ {
		t -= ps[i].d
	}
	return i, t
}

// pacer returns a vegeta.Pacer of the phases. A phase starts from the hits
// sent, when the pacer first sees it: a generator behind in one phase (or
// late to see the next begin) does not catch up in the next, which would
// send a burst that the next phase's figures would count.
func (ps phases) pacer() *phasePacer {
	starts := make([]uint64, len(ps))
	for i := 1; i < len(starts); i++ {
		starts[i] = math.MaxUint64 // not begun
	}
	return &phasePacer{ps: ps, starts: starts}
}

type phasePacer struct {
	ps     phases
	cur    int           // the phase of the last call
	from   time.Duration // how far into it the pacer saw it begin
	starts []uint64      // the hits sent when each phase began
}

// Pace implements vegeta.Pacer; vegeta calls it from one goroutine. Hit
// starts[i]+k is due k/rate after the pacer saw phase i begin.
func (p *phasePacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if elapsed >= p.ps.total() {
		return 0, true
	}
	i, t := p.ps.at(elapsed)
	if i != p.cur {
		p.cur, p.from, p.starts[i] = i, t, hits
	}
	rate := float64(p.ps[i].rate)
	due := float64(p.starts[i]) + rate*(t-p.from).Seconds()
	if float64(hits) <= due {
		return 0, false
	}
	wait := time.Duration((float64(hits) - due) / rate * float64(time.Second))
	if rest := p.ps[i].d - t; wait >= rest {
		// The hit falls past the phase's end: the last phase is over,
		// else the hit opens the next one, at its start.
		if i == len(p.ps)-1 {
			return 0, true
		}
		p.cur, p.from, p.starts[i+1] = i+1, 0, hits
		return rest, false
	}
	return wait, false
}

// Rate implements vegeta.Pacer.
func (p *phasePacer) Rate(elapsed time.Duration) float64 {
	i, _ := p.ps.at(elapsed)
	return float64(p.ps[i].rate)
}

// attack sends the phases' load with workers over conns (see attackPaced)
// and returns the results of each phase.
func (ps phases) attack(tr vegeta.Targeter, workers uint64, conns *http.Transport) [][]vegeta.Result {
	p := ps.pacer()
	return p.split(attackPaced(tr, p, ps.total(), workers, conns))
}

// split parts the results of an attack it paced by the phase of each hit,
// by the hits sent when each phase began.
func (p *phasePacer) split(rs []vegeta.Result) [][]vegeta.Result {
	out := make([][]vegeta.Result, len(p.ps))
	for _, r := range rs {
		i := len(p.starts) - 1
		for i > 0 && r.Seq < p.starts[i] {
			i--
		}
		out[i] = append(out[i], r)
	}
	return out
}

// summary counts results by status (0: no answer) and gives percentiles of
// the latency of those with a status in ok.
type summary struct {
	n       int
	byCode  map[uint16]int
	latency []time.Duration // of the ok ones, sorted
}

func summarize(rs []vegeta.Result, ok ...uint16) summary {
	s := summary{n: len(rs), byCode: map[uint16]int{}}
	for _, r := range rs {
		s.byCode[r.Code]++
		if slices.Contains(ok, r.Code) {
			s.latency = append(s.latency, r.Latency)
		}
	}
	slices.Sort(s.latency)
	return s
}

func (s summary) p(q float64) time.Duration {
	if len(s.latency) == 0 {
		return 0
	}
	return s.latency[min(len(s.latency)-1, int(q*float64(len(s.latency))))]
}

func (s summary) count(codes ...uint16) int {
	n := 0
	for _, c := range codes {
		n += s.byCode[c]
	}
	return n
}

func (s summary) codes() string {
	keys := make([]int, 0, len(s.byCode))
	for c := range s.byCode {
		keys = append(keys, int(c))
	}
	slices.Sort(keys)
	var parts []string
	for _, c := range keys {
		name := strconv.Itoa(c)
		if c == 0 {
			name = "no answer"
		}
		parts = append(parts, fmt.Sprintf("%s: %d", name, s.byCode[uint16(c)]))
	}
	return strings.Join(parts, ", ")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// uniform targets GET path(id) for ids drawn from [lo, hi].
func uniform(base string, lo, hi int64, path func(int64) string) vegeta.Targeter {
	var mu sync.Mutex
	var n uint64
	return func(tgt *vegeta.Target) error {
		mu.Lock()
		n = n*6364136223846793005 + 1442695040888963407
		id := lo + int64(n>>33)%(hi-lo+1)
		mu.Unlock()
		tgt.Method, tgt.URL = http.MethodGet, base+path(id)
		return nil
	}
}

func productPath(id int64) string { return fmt.Sprintf("/products/%d", id) }

// classic targets the classic test's mix of the four routes, ids uniform
// over the catalog: the load of `catalog bench --mix classic --ids uniform`.
func classic(base string, products int64) vegeta.Targeter {
	return loadtest.NewTargets(base, loadtest.Classic, loadtest.Uniform, products, 1).Targeter()
}

func newSession() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// caller is who a cart belongs to: a session cookie's name, or a token
// (sent as Authorization).
type caller struct{ session, token string }

// newCaller returns a new caller known by a cookie, or by a token.
func newCaller(token bool) caller {
	if token {
		return caller{token: "tok-" + newSession()}
	}
	return caller{session: newSession()}
}

func (c caller) String() string {
	if c.token != "" {
		return "token"
	}
	return "cookie"
}

// name puts the caller on a request.
func (c caller) name(req *http.Request) {
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
		return
	}
	req.AddCookie(&http.Cookie{Name: "user_session", Value: c.session})
}

// post adds a SKU to a caller's cart and returns the status (0: no
// answer).
func post(client *http.Client, base string, who caller, sku int64) int {
	req, _ := http.NewRequest(http.MethodPost, base+"/cart", strings.NewReader(fmt.Sprintf(`{"sku_id":%d}`, sku)))
	req.Header.Set("Content-Type", "application/json")
	who.name(req)
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// cartCounts reads a caller's cart as SKU → count.
func cartCounts(t *testing.T, base string, who caller) map[int64]int64 {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/cart", nil)
	who.name(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /cart: %d %s", resp.StatusCode, body)
	}
	var items []struct {
		SKUID int64 `json:"sku_id"`
		Count int64 `json:"count"`
	}
	if err := json.Unmarshal(body, &items); err != nil {
		t.Fatalf("GET /cart: %v: %s", err, body)
	}
	out := map[int64]int64{}
	for _, it := range items {
		out[it.SKUID] += it.Count
	}
	return out
}
