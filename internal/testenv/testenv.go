// Package testenv holds what the test helpers of the outside services
// (internal/pgtest, internal/redistest) and the process tests share.
package testenv

import (
	"net"
	"os"
	"strconv"
	"testing"
)

// Unavailable reports that something a test needs is missing: the test is
// skipped, but under CI=true, which must test everything, it fails.
func Unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf(format+", and CI must test it", args...)
	}
	tb.Skipf(format, args...)
}

// FreeAddr returns a loopback address with a port free now, for a process
// to listen on.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// FreePort returns the port of FreeAddr.
func FreePort(tb testing.TB) int {
	tb.Helper()
	_, port, _ := net.SplitHostPort(FreeAddr(tb))
	n, _ := strconv.Atoi(port)
	return n
}
