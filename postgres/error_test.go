package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"catalog"
)

// TestStoreError: the failures a read may move past to another server are
// EUNAVAILABLE; others keep their meaning.
func TestStoreError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"StatementTimeout", &pgconn.PgError{Code: "57014"}, catalog.EUNAVAILABLE},
		{"AdminShutdown", &pgconn.PgError{Code: "57P01"}, catalog.EUNAVAILABLE},
		{"RecoveryConflict", &pgconn.PgError{Code: "40001"}, catalog.EUNAVAILABLE},
		{"TooManyConnections", &pgconn.PgError{Code: "53300"}, catalog.EUNAVAILABLE},
		{"Refused", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, catalog.EUNAVAILABLE},
		{"CutWithoutAWord", fmt.Errorf("failed to receive message: %w", io.ErrUnexpectedEOF), catalog.EUNAVAILABLE},
		{"EOF", fmt.Errorf("read: %w", io.EOF), catalog.EUNAVAILABLE},
		{"PoolClosed", fmt.Errorf("write: %w", net.ErrClosed), catalog.EUNAVAILABLE},
		{"Deadline", context.DeadlineExceeded, catalog.EUNAVAILABLE},
		{"SyntaxError", &pgconn.PgError{Code: "42601"}, catalog.EINTERNAL},
		{"Other", errors.New("something else"), catalog.EINTERNAL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := catalog.ErrorCode(storeError("read", tc.err)); got != tc.want {
				t.Errorf("storeError(%v) has code %q, want %q", tc.err, got, tc.want)
			}
		})
	}
}

// TestRetryable: a read chosen as a deadlock's victim, or whose
// connection failed, is tried once more; one that ran out of time is not.
func TestRetryable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "40P01"}, true},
		{&pgconn.PgError{Code: "40001"}, true},
		{&pgconn.PgError{Code: "57P01"}, true},
		{fmt.Errorf("receive: %w", io.ErrUnexpectedEOF), true},
		{&net.OpError{Op: "read", Err: errors.New("connection reset by peer")}, true},
		{&pgconn.PgError{Code: "57014"}, false},
		{context.DeadlineExceeded, false},
		{&pgconn.PgError{Code: "42601"}, false},
	} {
		if got := retryable(storeError("list products", tc.err)); got != tc.want {
			t.Errorf("retryable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestLostConnection(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "57P01"}, true},
		{fmt.Errorf("receive: %w", io.ErrUnexpectedEOF), true},
		{&net.OpError{Op: "read", Err: errors.New("connection reset by peer")}, true},
		{&pgconn.PgError{Code: "40P01"}, false}, // a deadlock: the connection is fine
		{&pgconn.ConnectError{}, false},         // no connection was made
		{context.DeadlineExceeded, false},
		{&pgconn.PgError{Code: "42601"}, false},
	} {
		if got := lostConnection(storeError("list products", tc.err)); got != tc.want {
			t.Errorf("lostConnection(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// again tries a call once more only when its failure is worth it, the
// caller's time has not run out, and the call cannot have taken effect.
func TestAgain(t *testing.T) {
	deadlock := storeError("add to cart", &pgconn.PgError{Code: "40P01"}) // retryable, the connection fine
	syntax := storeError("add to cart", &pgconn.PgError{Code: "42601"})
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name  string
		ctx   context.Context
		err   error
		once  func() bool
		calls int
	}{
		{"retryable", context.Background(), deadlock, nil, 2},
		{"may have taken effect", context.Background(), deadlock, func() bool { return true }, 1},
		{"cannot have taken effect", context.Background(), deadlock, func() bool { return false }, 2},
		{"not retryable", context.Background(), syntax, nil, 1},
		{"the caller's time out", cancelled, deadlock, nil, 1},
		{"no failure", context.Background(), nil, nil, 1},
	} {
		calls := 0
		err := (&DB{}).again(tc.ctx, func() error { calls++; return tc.err }, tc.once)
		if calls != tc.calls || err != tc.err {
			t.Errorf("%s: %d calls, %v; want %d, %v", tc.name, calls, err, tc.calls, tc.err)
		}
	}
}
