package pgtest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"catalog/internal/testenv"
)

// Cluster is a PostgreSQL server of a test's own: a data directory made by
// initdb (or pg_basebackup, for a replica) in a temporary directory, on a
// free loopback port, with trust authentication. The test may stop and start
// it; it is stopped and removed when the test ends. The shared server is
// never touched.
type Cluster struct {
	tb   testing.TB
	bin  string
	base string // holds data/ and the server's log
	port int
	cred *syscall.Credential
}

// StartCluster makes and starts a new cluster. Without PostgreSQL's server
// programs (initdb, pg_ctl; $CATALOG_TEST_PGBIN names their directory) the
// test skips, or fails under CI=true.
func StartCluster(tb testing.TB) *Cluster {
	tb.Helper()
	c := newCluster(tb)
	c.run("initdb", "--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-sync", "-D", c.data())
	c.Start(tb)
	return c
}

// StartReplica makes a streaming replica of c with pg_basebackup, and
// starts it in hot standby on a port of its own.
func (c *Cluster) StartReplica(tb testing.TB) *Cluster {
	tb.Helper()
	r := newCluster(tb)
	r.run("pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", "postgres",
		"-D", r.data(), "--write-recovery-conf", "--wal-method=stream", "--checkpoint=fast", "--no-sync")
	r.Start(tb)
	return r
}

func newCluster(tb testing.TB) *Cluster {
	tb.Helper()
	bin, err := serverBin()
	if err != nil {
		testenv.Unavailable(tb, "PostgreSQL's server programs: %v", err)
	}
	// The server refuses to run as root: it runs as the postgres user,
	// which must own its directories.
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			testenv.Unavailable(tb, "running as root, a test cluster needs the postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	sweep(bin, cred)
	base, err := os.MkdirTemp("", dirPrefix+"*")
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		tb.Fatal(err)
	}
	c := &Cluster{tb: tb, bin: bin, base: base, port: testenv.FreePort(tb), cred: cred}
	tb.Cleanup(func() {
		_ = c.pgctl("stop", "-m", "immediate")
		os.RemoveAll(base)
	})
	if cred != nil {
		if err := os.Chown(base, int(cred.Uid), int(cred.Gid)); err != nil {
			tb.Fatal(err)
		}
	}
	return c
}

// A cluster's directory is made in the temporary directory under
// dirPrefix, and holds ownerFile: the process id of the test that made it.
const (
	dirPrefix = "catalog-pgtest-"
	ownerFile = "owner.pid"
)

// sweep stops and removes the clusters of tests that are gone. A test
// binary that dies (a -timeout panic skips cleanups) leaves its clusters
// running, as pg_ctl started them apart from it; the next test that makes
// a cluster ends them. A directory without an owner is being made, or is
// not one of these: it is left alone.
func sweep(bin string, cred *syscall.Credential) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || alive(pid) {
			continue
		}
		left := &Cluster{bin: bin, base: dir, cred: cred}
		if err := left.pgctl("stop", "-m", "immediate"); err != nil {
			if _, running := os.Stat(filepath.Join(left.data(), "postmaster.pid")); running == nil {
				continue // it could not be stopped: keep what finds it
			}
		}
		os.RemoveAll(dir)
	}
}

// alive reports whether a process of the id runs (as any user).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// serverBin finds the directory of initdb, pg_ctl and pg_basebackup: $CATALOG_TEST_PGBIN,
// the PATH, or Debian's /usr/lib/postgresql/N/bin, newest first.
func serverBin() (string, error) {
	if d := os.Getenv("CATALOG_TEST_PGBIN"); d != "" {
		return d, nil
	}
	// A link on the PATH leads to the directory of the other programs.
	if p, err := exec.LookPath("initdb"); err == nil {
		if p, err = filepath.EvalSymlinks(p); err == nil {
			return filepath.Dir(p), nil
		}
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	slices.SortFunc(found, func(a, b string) int { return versionOf(b) - versionOf(a) })
	if len(found) == 0 {
		return "", fmt.Errorf("initdb is not on the PATH nor in /usr/lib/postgresql/*/bin (set CATALOG_TEST_PGBIN)")
	}
	return filepath.Dir(found[0]), nil
}

func versionOf(initdb string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return v
}

func (c *Cluster) data() string { return filepath.Join(c.base, "data") }

// URL is the address of a database of the cluster.
func (c *Cluster) URL(database string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, database)
}

// Port is the cluster's port.
func (c *Cluster) Port() int { return c.port }

// Start starts the cluster and waits until it accepts connections; tb is
// the (sub)test that fails if it cannot.
func (c *Cluster) Start(tb testing.TB) {
	tb.Helper()
	if err := c.TryStart(); err != nil {
		tb.Fatal(err)
	}
}

// TryStart starts the cluster, as Start does, and returns what failed: for
// a goroutine other than the test's.
func (c *Cluster) TryStart() error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=32MB -c max_connections=60",
		c.port, c.base)
	if err := c.pgctl("start", "-w", "-t", "60", "-l", filepath.Join(c.base, "postgres.log"), "-o", opts); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.base, "postgres.log"))
		return fmt.Errorf("start the test cluster: %v\n%s", err, log)
	}
	return nil
}

// Stop stops the cluster, ending its sessions (pg_ctl stop -m fast).
func (c *Cluster) Stop(tb testing.TB) {
	tb.Helper()
	if err := c.TryStop(); err != nil {
		tb.Fatal(err)
	}
}

// TryStop stops the cluster, as Stop does, and returns what failed.
func (c *Cluster) TryStop() error {
	if err := c.pgctl("stop", "-w", "-m", "fast"); err != nil {
		return fmt.Errorf("stop the test cluster: %v", err)
	}
	return nil
}

func (c *Cluster) pgctl(args ...string) error {
	return c.command("pg_ctl", append([]string{"-D", c.data()}, args...)...)
}

func (c *Cluster) run(name string, args ...string) {
	c.tb.Helper()
	if err := c.command(name, args...); err != nil {
		c.tb.Fatal(err)
	}
}

func (c *Cluster) command(name string, args ...string) error {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.base
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %v: %v\n%s", name, args, err, out.Bytes())
	}
	return nil
}

// PID is the process id of the cluster's postmaster, which the server's
// backends are forked from.
func (c *Cluster) PID() (int, error) {
	b, err := os.ReadFile(filepath.Join(c.data(), "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strconv.Atoi(strings.TrimSpace(first))
}
