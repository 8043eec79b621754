package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"catalog"
	"catalog/internal/schema"
	"catalog/postgres"
	"catalog/readmodel"
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

// parseArgs parses a command's flags, as parse does, wherever they stand
// among its arguments: Go's flag package stops at the first argument, and
// `catalog load DIR --delta` would lose its flag. The arguments must be
// those names (load's DIR, bench's URL), one each, or parseArgs prints the
// command's help and says what it takes, in order.
func (env environment) parseArgs(fs *flag.FlagSet, args []string, names ...string) ([]string, error) {
	flags, rest := splitFlags(fs, args)
	if err := env.parse(fs, flags); err != nil {
		return nil, err
	}
	if len(rest) != len(names) {
		fs.Usage()
		return nil, argCountError(fs.Name(), names, rest)
	}
	return rest, nil
}

// splitFlags separates fs's flags, with their values, from the arguments
// among them: what does not start with a dash (or is "-"), and all that
// follows "--".
func splitFlags(fs *flag.FlagSet, args []string) (flags, rest []string) {
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--":
			return flags, append(rest, args[i+1:]...)
		case len(a) < 2 || a[0] != '-':
			rest = append(rest, a)
		case takesValue(fs, a) && i+1 < len(args):
			flags = append(flags, a, args[i+1])
			i++
		default:
			flags = append(flags, a)
		}
	}
	return flags, rest
}

// takesValue reports whether arg is a flag of fs whose value is the next
// argument: one that is not boolean and not given as --name=value. An
// unknown flag is left for fs.Parse to refuse.
func takesValue(fs *flag.FlagSet, arg string) bool {
	name := strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-")
	if strings.Contains(name, "=") {
		return false
	}
	f := fs.Lookup(name)
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

// argCountError says what a command takes, in the order of its usage line,
// and what it was given.
func argCountError(cmd string, names, got []string) error {
	usage := strings.Join(append([]string{"catalog", cmd, "[flags]"}, names...), " ")
	var takes string
	switch len(names) {
	case 0:
		takes = "no arguments"
	case 1:
		takes = "one argument, " + names[0]
	default:
		takes = "the arguments " + strings.Join(names, " ")
	}
	gave := "none"
	if len(got) > 0 {
		gave = fmt.Sprintf("%d: %q", len(got), got)
	}
	return fmt.Errorf("%s takes %s, got %s; usage: %s", cmd, takes, gave, usage)
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
			if t, ok := f.Value.(interface{ Type() string }); ok {
				name = t.Type()
			}
			fmt.Fprintf(stderr, "  --%s %s\n\t%s (default %q; env %s)\n", f.Name, name, usage, f.DefValue, envName(f.Name))
		})
	}
	return fs
}

// DefaultDB is the store used when --db is not given: a SQLite file in the
// working directory.
const DefaultDB = "catalog.db"

// storeConfig chooses and tunes the store.
type storeConfig struct {
	DB               string
	MaxConns         int
	StatementTimeout time.Duration
	// Replicas are PostgreSQL read replicas; only serve has the flag.
	Replicas urlList
	// History is the window of generations of changes loads keep; only
	// load has the flag.
	History int
	// DropWrites has a whole load let go of what shoppers wrote through
	// the API; only load has the flag.
	DropWrites bool
}

func defaultStoreConfig() storeConfig {
	return storeConfig{DB: DefaultDB, MaxConns: int(postgres.DefaultMaxConns), StatementTimeout: postgres.DefaultStatementTimeout,
		History: readmodel.DefaultHistory}
}

// flags adds the store's flags to fs, with c's values as their defaults.
func (c *storeConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.DB, "db", c.DB, "the store: a SQLite file path, or a postgres:// URL")
	fs.Var(atLeast(&c.MaxConns, 1), "db-max-conns", "PostgreSQL: the most connections the pool opens")
	fs.Var(positive(&c.StatementTimeout), "db-statement-timeout", "PostgreSQL: the longest a statement of the service may run")
}

// replicaFlag adds --db-replica, for the commands that read.
func (c *storeConfig) replicaFlag(fs *flag.FlagSet) {
	fs.Var(&c.Replicas, "db-replica", "PostgreSQL: a streaming replica's URL, to serve catalog reads; repeat the flag for more (in the environment, separate them with spaces)")
}

// historyFlag adds --history, for the command that loads.
func (c *storeConfig) historyFlag(fs *flag.FlagSet) {
	fs.Var(atLeast(&c.History, readmodel.MinHistory), "history", "the generations (loads and deltas) whose changes the store keeps: an instance reads them all when it starts, and when the oldest half is let go, every cached response they do not reach is keyed afresh")
}

// dropWritesFlag adds --drop-writes, for the command that loads.
func (c *storeConfig) dropWritesFlag(fs *flag.FlagSet) {
	fs.BoolVar(&c.DropWrites, "drop-writes", c.DropWrites, "let go of the reviews, helpful votes and reports shoppers wrote through the API, for a dataset exported from this store with them (by default a whole load carries them onto the new dataset, or refuses when it cannot)")
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

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// open opens the store c names; logger is told of replicas going and
// coming. With migrate, a PostgreSQL schema is brought up to date; without,
// one that is not this program's is refused. (A SQLite file is always
// brought up to date: it is the program's own.)
func (c storeConfig) open(ctx context.Context, migrate bool, logger *slog.Logger) (catalog.Store, error) {
	if !isPostgres(c.DB) {
		db, err := sqlite.Open(ctx, c.DB, sqlite.WithHistory(c.History), sqlite.WithDropWrites(c.DropWrites))
		return db, schemaHint(err)
	}
	db, err := postgres.Open(ctx, c.DB, postgres.Config{
		MaxConns:         int32(c.MaxConns),
		StatementTimeout: c.StatementTimeout,
		Migrate:          migrate,
		Replicas:         c.Replicas,
		Logger:           logger,
		History:          c.History,
		DropWrites:       c.DropWrites,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", redact(c.DB), schemaHint(err))
	}
	return db, nil
}

// schemaHint says what to do about a database whose schema is not this
// program's.
func schemaHint(err error) error {
	var ve *schema.VersionError
	switch {
	case !errors.As(err, &ve):
		return err
	case ve.Have > ve.Want:
		return fmt.Errorf("%w: use a newer catalog", err)
	}
	return fmt.Errorf("%w: run `catalog migrate --db URL` (or `catalog load`, which migrates) first", err)
}

// checked is a flag whose value is parsed, then checked: a value that
// fails the check is refused with why, and the error names the flag (or its
// variable). Each flag's check sits beside its default this way.
type checked[T any] struct {
	p     *T
	kind  string // what help calls its values
	parse func(string) (T, error)
	check func(T) error
}

func (c checked[T]) String() string {
	if c.p == nil {
		return "" // the zero value flag asks about
	}
	return fmt.Sprint(*c.p)
}

func (c checked[T]) Set(s string) error {
	v, err := c.parse(s)
	if err != nil {
		return err
	}
	if err := c.check(v); err != nil {
		return err
	}
	*c.p = v
	return nil
}

// Type names the flag's values in help.
func (c checked[T]) Type() string { return c.kind }

// atLeast is an int flag of min or more.
func atLeast(p *int, min int) checked[int] {
	return checked[int]{p: p, kind: "int", parse: strconv.Atoi, check: func(n int) error {
		if n < min {
			return fmt.Errorf("want %d or more", min)
		}
		return nil
	}}
}

// positive is a duration flag over 0.
func positive(p *time.Duration) checked[time.Duration] {
	return checked[time.Duration]{p: p, kind: "duration", parse: time.ParseDuration, check: func(d time.Duration) error {
		if d <= 0 {
			return errors.New("want a positive duration")
		}
		return nil
	}}
}

// nonNegative is a duration flag of 0 or more.
func nonNegative(p *time.Duration) checked[time.Duration] {
	return checked[time.Duration]{p: p, kind: "duration", parse: time.ParseDuration, check: func(d time.Duration) error {
		if d < 0 {
			return errors.New("want a duration of 0 or more")
		}
		return nil
	}}
}

// wholeSeconds is a duration flag of whole seconds, 0 or more: what
// Cache-Control can say.
func wholeSeconds(p *time.Duration) checked[time.Duration] {
	return checked[time.Duration]{p: p, kind: "duration", parse: time.ParseDuration, check: func(d time.Duration) error {
		if d < 0 || d%time.Second != 0 {
			return errors.New("want whole seconds, 0 or more")
		}
		return nil
	}}
}

// share is a float flag from 0 to 1.
func share(p *float64) checked[float64] {
	parse := func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
	return checked[float64]{p: p, kind: "share", parse: parse, check: func(f float64) error {
		if !(f >= 0 && f <= 1) {
			return errors.New("want a share from 0 to 1")
		}
		return nil
	}}
}

// loopback is an address flag on a loopback interface, or empty for none:
// what serves profiles is not for the public.
func loopback(p *string) checked[string] {
	parse := func(s string) (string, error) { return s, nil }
	return checked[string]{p: p, kind: "address", parse: parse, check: func(addr string) error {
		if addr == "" {
			return nil
		}
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return err
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return errors.New("the admin listener serves profiles and must be on a loopback address")
		}
		return nil
	}}
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

// newLogger returns the logger of a command, writing to w.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: readableDurations}
	if isTerminal(w) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// readableDurations has every duration logged as Go writes it (5s, 150ms),
// in JSON too, where slog would write an integer of nanoseconds.
func readableDurations(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}
