// Package pgtest gives each test a database of its own on the PostgreSQL
// server at $CATALOG_TEST_POSTGRES (default the local one), created for the
// test and dropped after it, or a cluster of its own that it may stop and
// replicate. Without a reachable server, tests skip, except under CI=true,
// where they fail.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"catalog/internal/testenv"
)

// DefaultServer is the server used when CATALOG_TEST_POSTGRES is unset.
const DefaultServer = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Server returns the URL of the server tests use.
func Server() string {
	if s := os.Getenv("CATALOG_TEST_POSTGRES"); s != "" {
		return s
	}
	return DefaultServer
}

// NewDatabase creates an empty database for the test and returns its URL;
// the database is dropped when the test ends.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, Server())
	if err != nil {
		testenv.Unavailable(tb, "PostgreSQL at %s is unreachable (set CATALOG_TEST_POSTGRES): %v", Server(), err)
	}
	defer admin.Close(context.Background())
	var b [6]byte
	rand.Read(b[:])
	name := "catalog_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := pgx.Connect(ctx, Server())
		if err != nil {
			tb.Errorf("drop database %s: %v", name, err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(Server())
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
