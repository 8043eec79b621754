package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"catalog"
	"catalog/postgres"
	"catalog/sqlite"
)

// environment looks up CATALOG_* variables, as os.LookupEnv: a variable set
// to the empty string is set.
type environment func(string) (string, bool)

// envName is the variable that sets a flag: --request-timeout is
// CATALOG_REQUEST_TIMEOUT.
func envName(flagName string) string {
	return "CATALOG_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse parses a command's flags: each starts at its default, is set by its
// environment variable if present, then by the flag if given. The flags are
// parsed first, so that a repeatable flag given on the command line replaces
// its variable rather than adding to it.
func (env environment) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		if v, ok := env(envName(f.Name)); ok {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s=%q: %v", envName(f.Name), v, e)
			}
		}
	})
	return err
}

// newFlagSet returns a command's flag set, whose help lists the environment
// variable beside each flag.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: catalog %s\n\nFlags:\n", synopsis)
		fs.VisitAll(func(f *flag.Flag) {
			name, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(stderr, "  --%s %s\n\t%s (default %q; env %s)\n", f.Name, name, usage, f.DefValue, envName(f.Name))
		})
	}
	return fs
}

// DefaultDB is the store used when --db is not given: a SQLite file in the
// working directory.
const DefaultDB = "catalog.db"

// storeFlags are the flags that choose and tune the store.
type storeFlags struct {
	db               *string
	maxConns         *int
	statementTimeout *time.Duration
	// replicas are PostgreSQL read replicas; only serve has the flag.
	replicas urlList
	// logger is told of replicas going and coming; nil for none.
	logger *slog.Logger
}

// addReplicaFlag adds --db-replica, for the commands that read.
func (f *storeFlags) addReplicaFlag(fs *flag.FlagSet) {
	fs.Var(&f.replicas, "db-replica", "PostgreSQL: a streaming replica's URL, to serve catalog reads; repeat the flag for more (in the environment, separate them with spaces)")
}

// readConns is how many connections serve the store's catalog reads.
func (f *storeFlags) readConns() int {
	if !isPostgres(*f.db) {
		return sqlite.Readers
	}
	return *f.maxConns * (1 + len(f.replicas))
}

// writeConns is how many connections serve the store's cart calls: the
// primary's, or SQLite's carts readers (its one writer is behind them).
func (f *storeFlags) writeConns() int {
	if !isPostgres(*f.db) {
		return sqlite.Readers
	}
	return *f.maxConns
}

// urlList is a repeatable flag of URLs; one value may hold several,
// separated by spaces (PostgreSQL URLs may hold commas, never spaces).
type urlList []string

func (l *urlList) String() string { return strings.Join(*l, " ") }

func (l *urlList) Set(v string) error {
	for _, u := range strings.Fields(v) {
		if !isPostgres(u) {
			return fmt.Errorf("%q is not a postgres:// URL", redact(u))
		}
		if !slices.Contains(*l, u) {
			*l = append(*l, u)
		}
	}
	return nil
}

func addStoreFlags(fs *flag.FlagSet) storeFlags {
	return storeFlags{
		db:               dbFlag(fs),
		maxConns:         fs.Int("db-max-conns", int(postgres.DefaultMaxConns), "PostgreSQL: the most connections the pool opens"),
		statementTimeout: fs.Duration("db-statement-timeout", postgres.DefaultStatementTimeout, "PostgreSQL: the longest a statement of the service may run"),
	}
}

func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", DefaultDB, "the store: a SQLite file path, or a postgres:// URL")
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// open opens the store the flags name. With migrate, a PostgreSQL schema is
// brought up to date; without, one that is not this program's is refused.
// (A SQLite file is always brought up to date: it is the program's own.)
func (f storeFlags) open(ctx context.Context, migrate bool) (catalog.Store, error) {
	dsn := *f.db
	replicas := []string(f.replicas)
	if !isPostgres(dsn) {
		if len(replicas) > 0 {
			return nil, errors.New("--db-replica: read replicas are PostgreSQL's; --db names a SQLite file")
		}
		return sqlite.Open(ctx, dsn)
	}
	db, err := postgres.Open(ctx, dsn, postgres.Config{
		MaxConns:         int32(*f.maxConns),
		StatementTimeout: *f.statementTimeout,
		Migrate:          migrate,
		Replicas:         replicas,
		Logger:           f.logger,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", redact(dsn), err)
	}
	return db, nil
}

// redact hides a password in a database or Redis URL.
func redact(dsn string) string {
	if !strings.Contains(dsn, "://") {
		return dsn // a file path
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(an unparsable URL)"
	}
	return u.Redacted()
}

// isTerminal reports whether w is a terminal, where progress bars and text
// logs go; elsewhere logs are JSON and there are no bars.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if isTerminal(w) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
