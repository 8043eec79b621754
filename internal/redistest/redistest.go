// Package redistest gives tests a Redis: the shared one at
// $CATALOG_TEST_REDIS (default the local one) with a key prefix of the
// test's own, or a throwaway redis-server of the test's own that it may stop
// and start. Without Redis, tests skip, except under CI=true, where they
// fail.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"catalog/internal/testenv"
)

// DefaultServer is the Redis used when CATALOG_TEST_REDIS is unset.
const DefaultServer = "redis://127.0.0.1:6379/0"

// Server returns the URL of the shared Redis tests use.
func Server() string {
	if s := os.Getenv("CATALOG_TEST_REDIS"); s != "" {
		return s
	}
	return DefaultServer
}

// Shared returns the shared Redis's URL and a key prefix no other test
// uses; the test's keys are deleted when it ends.
func Shared(tb testing.TB) (url, prefix string) {
	tb.Helper()
	o, err := goredis.ParseURL(Server())
	if err != nil {
		tb.Fatal(err)
	}
	c := goredis.NewClient(o)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		testenv.Unavailable(tb, "Redis at %s is unreachable (set CATALOG_TEST_REDIS): %v", Server(), err)
	}
	var b [6]byte
	rand.Read(b[:])
	prefix = "catalog_test_" + hex.EncodeToString(b[:]) + ":"
	tb.Cleanup(func() {
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		keys, err := c.Keys(ctx, prefix+"*").Result()
		if err == nil && len(keys) > 0 {
			err = c.Del(ctx, keys...).Err()
		}
		if err != nil {
			tb.Errorf("delete the test's keys: %v", err)
		}
	})
	return Server(), prefix
}

// Throwaway is a redis-server of a test's own, on a free loopback port.
type Throwaway struct {
	tb   testing.TB
	port int
	cmd  *exec.Cmd
}

// Start starts a throwaway redis-server, stopped when the test ends.
func Start(tb testing.TB) *Throwaway {
	tb.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		testenv.Unavailable(tb, "redis-server is not installed: %v", err)
	}
	r := &Throwaway{tb: tb, port: testenv.FreePort(tb)}
	r.Start()
	tb.Cleanup(r.Stop)
	return r
}

// URL is the throwaway server's address.
func (r *Throwaway) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

// Start starts the server (again) and waits until it answers.
func (r *Throwaway) Start() {
	r.tb.Helper()
	r.cmd = exec.Command("redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(r.port),
		"--save", "", "--appendonly", "no", "--dir", r.tb.TempDir())
	// Should the test binary die (a -timeout panic skips cleanups), so
	// does the server, where the system can say so.
	r.cmd.SysProcAttr = dieWithParent()
	if err := r.cmd.Start(); err != nil {
		r.tb.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", r.port))
		if err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			r.tb.Fatalf("redis-server on port %d did not start: %v", r.port, err)
		}
	}
}

// Stop kills the server, as a crash would.
func (r *Throwaway) Stop() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.cmd = nil
	}
}
