// Command catalog serves the Products API, loads the dataset's CSV files
// into a store, generates a synthetic dataset of any size, and load-tests
// a running API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, a second one ends the program at once.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr)
	stop()
	var exit exitError
	switch {
	case errors.As(err, &exit):
		os.Exit(int(exit))
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "catalog:", err)
		os.Exit(1)
	}
}

// exitError ends the program with a status and nothing more to say.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

const usage = `catalog serves the Products API of an e-commerce storefront.

Usage:
  catalog serve    [flags]            serve the API (seeds a demo catalog into an empty store)
  catalog load     [flags] DIR        load the dataset's CSV files from DIR, replacing the catalog
  catalog generate [flags]            write a synthetic dataset with the real one's shape
  catalog migrate  [flags]            bring a PostgreSQL schema up to date (load does it too)
  catalog bench    [flags] URL        load-test a running API at a sweep of request rates
  catalog help     [command]          show help

Flags may come before or after a command's argument (catalog load DIR
--delta); after --, everything is an argument.

Every flag can also be set in the environment: --request-timeout as
CATALOG_REQUEST_TIMEOUT, and so on. A flag beats the environment.
`

// run is the program: main only wires the process to it, so tests drive it.
func run(ctx context.Context, args []string, getenv func(string) (string, bool), stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	env := environment(getenv)
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return runServe(ctx, rest, env, stdout, stderr)
	case "load":
		return runLoad(ctx, rest, env, stdout, stderr)
	case "generate":
		return runGenerate(ctx, rest, env, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, env, stdout, stderr)
	case "bench":
		return runBench(ctx, rest, env, stdout, stderr)
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 && rest[0] != "help" {
			return run(ctx, []string{rest[0], "-h"}, getenv, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprintf(stderr, "catalog: unknown command %q\n\n%s", cmd, usage)
		return flag.ErrHelp
	}
}
