package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"catalog"
	"catalog/internal/groupcommit"
)

// writeTx is a transaction of shoppers' writes, several to one
// (groupcommit), with the reviews they counted and the changes they made:
// summed up and numbered together when it ends, under the lock that orders
// the changes' commits, which it holds only from then to its commit.
type writeTx struct {
	pgx.Tx
	changes []change
	counted []counted
	// How many changes and counted reviews there were at the savepoint of
	// the write that runs.
	changesMark, countedMark int
}

// change is a change of a product's reviews (question 0), or of one of
// its questions.
type change struct{ product, question int64 }

// changed notes a change that the write made.
func (tx *writeTx) changed(productID, questionID int64) {
	tx.changes = append(tx.changes, change{productID, questionID})
}

// counted is a review that a write adds to its product's sums (sign 1),
// or takes out of them (-1): its rating, its recommendation, and its
// votes.
type counted struct {
	review, product, rating, sign int64
	recommend                     bool
}

// count notes a review the write adds to its product's sums or takes out.
func (tx *writeTx) count(c counted) { tx.counted = append(tx.counted, c) }

// write runs fn in a transaction on the primary with the writes of other
// callers that wait: every commit waits for a flush of the log, and for
// the lock that orders the changes, so one transaction a write would bound
// the writes to one a flush. fn does its work through the ctx and tx it is
// given. key is the id of the row fn locks (a review's, a question's, an
// answer's), so that the writes that lock one row take turns at it
// (groupcommit); any other when it locks none.
func (db *DB) write(ctx context.Context, what string, key int64, fn func(ctx context.Context, tx *writeTx) error) error {
	err := db.writes.Do(ctx, uint64(key), fn)
	var e *catalog.Error
	if errors.As(err, &e) {
		return err
	}
	return storeError(what, err)
}

// anyKey is the key of a write that locks no row: the lanes in turn.
func (db *DB) anyKey() int64 { return int64(db.turns.Add(1)) }

// writeLanes is how many transactions of shoppers' writes run at once on
// the primary: their statements run side by side, on a connection each,
// up to the end, where each takes the lock that orders the changes.
const writeLanes = 4

// shopperWrites commits shoppers' writes on the primary, several to a
// transaction, in writeLanes lanes; a write chosen as a deadlock's victim
// runs again in the next transaction (up to groupcommit.MaxRuns).
func shopperWrites(db *DB) *groupcommit.Committer[*writeTx] {
	exec := func(stmt string) func(ctx context.Context, tx *writeTx) error {
		return func(ctx context.Context, tx *writeTx) error {
			_, err := tx.Exec(ctx, stmt)
			return err
		}
	}
	release := exec(groupcommit.ReleaseSQL)
	undo := exec(groupcommit.UndoSQL)
	savepoint := exec(groupcommit.SavepointSQL)
	return groupcommit.New(groupcommit.Store[*writeTx]{
		InTx: db.writeBatch,
		Savepoint: func(ctx context.Context, tx *writeTx) error {
			tx.changesMark, tx.countedMark = len(tx.changes), len(tx.counted)
			return savepoint(ctx, tx)
		},
		Release: release,
		Undo: func(ctx context.Context, tx *writeTx) error {
			tx.changes, tx.counted = tx.changes[:tx.changesMark], tx.counted[:tx.countedMark]
			return undo(ctx, tx)
		},
		Retry: conflicted,
	}, writeLanes)
}

// writeBatch runs fn, a batch of writes, in a transaction on the primary,
// sums up the reviews they counted, numbers their changes and commits;
// once more when it failed before its commit on a lost connection: never
// twice when the commit itself failed, as it may have been made.
func (db *DB) writeBatch(ctx context.Context, fn func(tx *writeTx) error) error {
	var committing bool
	return db.again(ctx, func() error {
		committing = false
		tx, err := db.pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
		w := &writeTx{Tx: tx}
		if err := fn(w); err != nil {
			return err
		}
		if err := sumReviews(ctx, tx, w.counted); err != nil {
			return err
		}
		if err := numberChanges(ctx, tx, w.changes); err != nil {
			return err
		}
		committing = true
		return tx.Commit(ctx)
	}, func() bool { return committing })
}

// reviewChangesLock is the advisory lock key that has review changes
// commit in the order of their numbers: a follower that read change n+1
// must not find change n committed later, so a transaction numbers its
// changes last, holding the lock to its commit.
const reviewChangesLock = 0x72657669657773 // "reviews"

// lockChanges takes the lock that orders the changes' commits, to the
// end of tx; again when tx holds it already.
func lockChanges(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(reviewChangesLock))
	return err
}

// numberChanges numbers changes in their order, under the lock that
// orders the changes' commits, lets go of the changes past the window,
// and writes anew the questions of the products whose questions changed
// (under the lock, so that the writes of one product's questions take
// turns, each writing what the one before committed).
func numberChanges(ctx context.Context, tx pgx.Tx, changes []change) error {
	if len(changes) == 0 {
		return nil
	}
	products, questions := make([]int64, len(changes)), make([]int64, len(changes))
	var asked []int64
	for i, c := range changes {
		products[i], questions[i] = c.product, c.question
		if c.question != 0 {
			asked = append(asked, c.product)
		}
	}
	if err := lockChanges(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `WITH c AS (INSERT INTO review_changes (product_id, question_id)
			SELECT p, q FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS c(p, q, n) ORDER BY n RETURNING seq)
		DELETE FROM review_changes WHERE seq <= (SELECT max(seq) FROM c) - $3`, products, questions, catalog.ReviewWindow); err != nil {
		return err
	}
	if len(asked) == 0 {
		return nil
	}
	for _, s := range qaDocsSQL("", ` AND product_id = ANY($1::bigint[])`) {
		if _, err := tx.Exec(ctx, s, asked); err != nil {
			return err
		}
	}
	return nil
}
