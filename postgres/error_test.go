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

// TestConflicted: a read the store chose as a deadlock's victim is known
// as such through storeError's wrapping, and is tried again.
func TestConflicted(t *testing.T) {
	for code, want := range map[string]bool{"40P01": true, "40001": true, "57014": false, "42601": false} {
		if got := conflicted(storeError("list products", &pgconn.PgError{Code: code})); got != want {
			t.Errorf("conflicted(%s) = %v, want %v", code, got, want)
		}
	}
	if conflicted(io.EOF) {
		t.Error("EOF counted as a conflict")
	}
}
