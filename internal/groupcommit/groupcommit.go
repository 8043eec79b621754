// Package groupcommit runs shoppers' small writes several to a
// transaction. Each commit costs a store a flush to disk (and, on
// PostgreSQL, the lock that orders review changes is held to it), so one
// transaction a write caps the writes a second at the flushes a second.
// Here, writes that arrive while a transaction commits wait for it, and
// then commit together, each in a savepoint of its own: one that fails
// undoes only itself, and each caller learns its own write's outcome.
package groupcommit

import (
	"context"
	"sync"
	"time"
)

// The statements of a savepoint, the same in SQLite and PostgreSQL.
const (
	SavepointSQL = "SAVEPOINT groupcommit"
	ReleaseSQL   = "RELEASE SAVEPOINT groupcommit"
	UndoSQL      = "ROLLBACK TO SAVEPOINT groupcommit; RELEASE SAVEPOINT groupcommit"
)

// MaxBatch is the most writes one transaction takes: a bound on how long
// a write waits behind the others of its batch.
const MaxBatch = 64

// MaxRuns is the most transactions a write runs in when the store deems
// its failure worth another (Store.Retry).
const MaxRuns = 3

// Store is what a Committer needs of a store, over its transactions of
// type T.
type Store[T any] struct {
	// InTx runs fn in one transaction and commits it, or rolls it back when
	// fn fails; it may run fn again, whole, as an engine does after a lost
	// connection, but never after a commit that failed.
	InTx func(ctx context.Context, fn func(tx T) error) error
	// Savepoint marks the point in tx a write starts at; Release lets go of
	// the mark when the write is done, Undo undoes the write back to it
	// (and lets go of it).
	Savepoint, Release, Undo func(ctx context.Context, tx T) error
	// Retry reports whether a write that failed with err (and was undone
	// to its savepoint) is worth once more, in the next transaction: a
	// deadlock's victim, which would meet the same locks again in this
	// one, held by the writes before it. nil: never.
	Retry func(err error) bool
}

// Committer commits the writes given to Do in batches, a batch at a time
// in each of its lanes. A write goes to the lane of its key. A caller
// whose write finds its lane free runs the writes that wait there, its own
// among them (it combines them); the others wait for it and return their
// own write's outcome.
type Committer[T any] struct {
	store Store[T]
	lanes []lane[T]
}

// lane is where writes of some keys wait, and run a batch at a time.
type lane[T any] struct {
	turn chan struct{} // held by the caller that runs a batch

	mu      sync.Mutex // guards waiting
	waiting []*write[T]
}

// write is one caller's write, waiting or done.
type write[T any] struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx T) error
	err  error
	done chan struct{} // closed, err set, by the caller that ran it
	runs int           // the times fn has run
	// again is set when fn failed in a way worth another run: the write
	// waits for the next transaction.
	again bool
}

// New returns a Committer of writes to store with lanes lanes (at least
// one): one for a store with one writer; a few for one whose writes run
// side by side up to a lock they take at the end.
func New[T any](store Store[T], lanes int) *Committer[T] {
	c := &Committer[T]{store: store, lanes: make([]lane[T], max(lanes, 1))}
	for i := range c.lanes {
		c.lanes[i].turn = make(chan struct{}, 1)
	}
	return c
}

// Do runs fn in a transaction, with the writes of other callers that wait
// in the lane of key at the time, and returns when that transaction has
// committed (nil) or fn's write is undone (its error). Writes of one key
// never run in two transactions at once: writes keyed by the rows they
// lock take turns at them, where two transactions that locked them in
// opposite orders would deadlock.
//
// fn must do its work through the ctx and tx it is given, and may run more
// than once. ctx bounds the wait: a write whose ctx ended before its turn
// is not begun; once begun, it runs in the batch's context, which no one
// caller's cancellation ends (a statement interrupted would end the
// transaction of all).
func (c *Committer[T]) Do(ctx context.Context, key uint64, fn func(ctx context.Context, tx T) error) error {
	l := &c.lanes[key%uint64(len(c.lanes))]
	w := &write[T]{ctx: ctx, fn: fn, done: make(chan struct{})}
	l.mu.Lock()
	l.waiting = append(l.waiting, w)
	l.mu.Unlock()
	for {
		select {
		case <-w.done:
			return w.err
		case l.turn <- struct{}{}:
			// The writes a batch put back wait first for the next, which
			// this caller runs when its own write was put back, or the next
			// caller to take the turn.
			c.commit(l, l.take())
			<-l.turn
		}
	}
}

// take takes the first MaxBatch writes that wait.
func (l *lane[T]) take() []*write[T] {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := min(len(l.waiting), MaxBatch)
	batch := l.waiting[:n:n]
	l.waiting = l.waiting[n:]
	return batch
}

// commit runs batch's writes in one transaction, each in a savepoint,
// and marks them done: with their own error, or, when the transaction did
// not commit, with its. The writes to run again go back to wait in l,
// first, once the transaction has committed and let go of its locks.
func (c *Committer[T]) commit(l *lane[T], batch []*write[T]) {
	if len(batch) == 0 {
		return
	}
	ctx, cancel := batchContext(batch)
	defer cancel()
	err := c.store.InTx(ctx, func(tx T) error {
		for _, w := range batch {
			w.err = nil // InTx may run the batch again
			if err := c.run(ctx, tx, w); err != nil {
				return err
			}
		}
		return nil
	})
	var back []*write[T]
	for _, w := range batch {
		if err == nil && w.again {
			back = append(back, w)
			continue
		}
		if w.err == nil {
			w.err = err
		}
		close(w.done)
	}
	if len(back) > 0 {
		l.mu.Lock()
		l.waiting = append(back, l.waiting...)
		l.mu.Unlock()
	}
}

// run runs one write in a savepoint, and undoes it to the savepoint when
// it fails, leaving its error in w, and marking it to run again when the
// store deems it worth it. It returns an error only when the transaction
// cannot go on.
func (c *Committer[T]) run(ctx context.Context, tx T, w *write[T]) error {
	w.again = false
	if w.err = w.ctx.Err(); w.err != nil {
		return nil // its caller has gone or timed out: not begun
	}
	if err := c.store.Savepoint(ctx, tx); err != nil {
		return err
	}
	w.runs++
	if w.err = w.fn(ctx, tx); w.err == nil {
		return c.store.Release(ctx, tx)
	}
	if err := c.store.Undo(ctx, tx); err != nil {
		return err
	}
	w.again = w.runs < MaxRuns && c.store.Retry != nil && c.store.Retry(w.err)
	return nil
}

// batchContext is the context a batch's transaction runs in: no caller's
// cancellation ends it (the others' writes are in it), and it lasts as
// long as the latest deadline of its writes, when they all have one.
func batchContext[T any](batch []*write[T]) (context.Context, context.CancelFunc) {
	var latest time.Time
	for _, w := range batch {
		d, ok := w.ctx.Deadline()
		if !ok {
			return context.WithCancel(context.WithoutCancel(batch[0].ctx))
		}
		if d.After(latest) {
			latest = d
		}
	}
	return context.WithDeadline(context.WithoutCancel(batch[0].ctx), latest)
}
