package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Flags may stand before, after or around a command's argument; "--" ends
// them; a missing or extra argument is refused with the usage's order.
func TestEnvironment_ParseArgs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		env   map[string]string
		db    string
		delta bool
		pos   []string
		err   string // what the error says; empty: no error
	}{
		{"Before", []string{"--delta", "--db", "x.db", "data"}, nil, "x.db", true, []string{"data"}, ""},
		{"After", []string{"data", "--delta", "--db", "x.db"}, nil, "x.db", true, []string{"data"}, ""},
		{"Around", []string{"--db", "x.db", "data", "--delta"}, nil, "x.db", true, []string{"data"}, ""},
		{"SingleDashAndEquals", []string{"data", "-db=x.db", "-delta"}, nil, "x.db", true, []string{"data"}, ""},
		{"BoolWithValue", []string{"data", "--delta=false"}, nil, "catalog.db", false, []string{"data"}, ""},
		{"FlagAfterBeatsEnv", []string{"data", "--db", "x.db"}, map[string]string{"CATALOG_DB": "env.db"}, "x.db", false, []string{"data"}, ""},
		{"EnvWithoutFlag", []string{"data"}, map[string]string{"CATALOG_DB": "env.db"}, "env.db", false, []string{"data"}, ""},
		{"DashDashEndsFlags", []string{"--db", "x.db", "--", "--delta"}, nil, "x.db", false, []string{"--delta"}, ""},
		{"DashDashAsValue", []string{"--db", "--", "data"}, nil, "--", false, []string{"data"}, ""},
		{"Stdin", []string{"-", "--delta"}, nil, "catalog.db", true, []string{"-"}, ""},
		{"Missing", []string{"--db", "x.db", "--delta"}, nil, "", false, nil, "load takes one argument, DIR, got none; usage: catalog load [flags] DIR"},
		{"Two", []string{"a", "--delta", "b"}, nil, "", false, nil, `load takes one argument, DIR, got 2: ["a" "b"]; usage: catalog load [flags] DIR`},
		{"TwoAfterDashDash", []string{"--", "a", "--delta"}, nil, "", false, nil, `got 2: ["a" "--delta"]`},
		{"ValueMissing", []string{"data", "--db"}, nil, "", false, nil, "flag needs an argument: -db"},
		{"Unknown", []string{"data", "--dleta"}, nil, "", false, nil, "flag provided but not defined: -dleta"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var help bytes.Buffer
			fs := newFlagSet("load", "load [flags] DIR", &help)
			db := fs.String("db", "catalog.db", "")
			delta := fs.Bool("delta", false, "")
			pos, err := envOf(tc.env).parseArgs(fs, tc.args, "DIR")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one that says %q", err, tc.err)
				}
				if !strings.Contains(help.String(), "Usage: catalog load [flags] DIR") {
					t.Errorf("help printed %q, want the usage", help.String())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, want := pos, tc.pos; !slices.Equal(got, want) {
				t.Errorf("arguments %q, want %q", got, want)
			}
			if *db != tc.db || *delta != tc.delta {
				t.Errorf("--db %q --delta %v, want %q %v", *db, *delta, tc.db, tc.delta)
			}
		})
	}
}

// Every command reads the flags after its arguments, and refuses an
// argument it does not take, saying what it takes.
func TestRun_FlagsAfterArguments(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"BenchFlagAfterURL", []string{"bench", "http://127.0.0.1:1", "--rates", "0"}, `rates "0"`},
		{"BenchTwoURLs", []string{"bench", "http://127.0.0.1:1", "http://127.0.0.1:2"}, "usage: catalog bench [flags] URL"},
		{"LoadTwoDirs", []string{"load", "a", "b", "--db", db}, `load takes one argument, DIR, got 2: ["a" "b"]`},
		{"LoadNoDir", []string{"load", "--db", db}, "load takes one argument, DIR, got none"},
		{"LoadFlagAfterDir", []string{"load", "a", "--history", "1"}, "-history"},
		{"GenerateArgument", []string{"generate", "data", "--products", "5"}, "generate takes no arguments"},
		{"MigrateArgument", []string{"migrate", "--db", db, "extra"}, `migrate takes no arguments, got 1: ["extra"]`},
		{"ServeArgument", []string{"serve", "extra", "--db", db}, "serve takes no arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), tc.args, noEnv, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one that says %q", err, tc.want)
			}
		})
	}
}

// A load with its flags after the directory does what it does with them
// before: a whole load, then a delta, leave the same catalog.
func TestRun_LoadFlagsAnywhere(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data, delta := filepath.Join(dir, "data"), filepath.Join(dir, "delta")
	if err := run(ctx, []string{"generate", "--out", data, "--products", "60"}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"generate", "--delta-of", data, "--out", delta, "--products", "10"}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	// catalog reads a catalog's generation and size.
	catalog := func(db string) string {
		var out bytes.Buffer
		if err := run(ctx, []string{"migrate", "--db", db}, noEnv, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		return strings.TrimPrefix(out.String(), db)
	}
	var want string
	for _, order := range []struct {
		name        string
		load, apply func(db, rejects string) []string
	}{
		{"Before",
			func(db, r string) []string { return []string{"load", "--db", db, "--rejects", r, data} },
			func(db, r string) []string { return []string{"load", "--delta", "--db", db, "--rejects", r, delta} }},
		{"After",
			func(db, r string) []string { return []string{"load", data, "--db", db, "--rejects", r} },
			func(db, r string) []string { return []string{"load", delta, "--delta", "--db", db, "--rejects", r} }},
		{"Around",
			func(db, r string) []string { return []string{"load", "--db", db, data, "--rejects", r} },
			func(db, r string) []string { return []string{"load", "--db", db, delta, "--delta", "--rejects", r} }},
	} {
		t.Run(order.name, func(t *testing.T) {
			db, rejects := filepath.Join(t.TempDir(), "c.db"), filepath.Join(t.TempDir(), "r.jsonl")
			if err := run(ctx, order.load(db, rejects), noEnv, io.Discard, io.Discard); err != nil {
				t.Fatalf("load: %v", err)
			}
			if err := run(ctx, order.apply(db, rejects), noEnv, io.Discard, io.Discard); err != nil {
				t.Fatalf("delta: %v", err)
			}
			got := catalog(db)
			if !strings.Contains(got, "generation 2") {
				t.Fatalf("after a load and a delta: %q, want generation 2", got)
			}
			if want == "" {
				want = got
			} else if got != want {
				t.Errorf("catalog %q, want %q as with the flags before", got, want)
			}
		})
	}
}
