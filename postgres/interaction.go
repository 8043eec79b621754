package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"catalog"
)

// AddInteractions keeps a batch of interactions in one statement, the
// batch's columns sent as arrays.
func (db *DB) AddInteractions(ctx context.Context, batch []catalog.Interaction) error {
	if len(batch) == 0 {
		return nil
	}
	elements, widgets, times := make([]string, len(batch)), make([]string, len(batch)), make([]string, len(batch))
	at := make([]int64, len(batch))
	for k, i := range batch {
		elements[k], widgets[k], times[k], at[k] = withoutNUL(i.Element), withoutNUL(i.Widget), withoutNUL(i.Time), i.At.UnixMilli()
	}
	return db.write(ctx, "add interactions", db.anyKey(), func(ctx context.Context, tx *writeTx) error {
		_, err := tx.Exec(ctx, `INSERT INTO interactions (element, widget, time, at)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])`, elements, widgets, times, at)
		return err
	})
}

// withoutNUL is s as PostgreSQL's text can hold it: a NUL, which valid UTF-8
// may hold and text may not, becomes U+FFFD, so that one click's field
// never fails the batch it came in.
func withoutNUL(s string) string { return strings.ReplaceAll(s, "\x00", "\uFFFD") }

// DeleteInteractions deletes the oldest interactions taken before before,
// at most limit of them, in one statement.
func (db *DB) DeleteInteractions(ctx context.Context, before time.Time, limit int) (int64, error) {
	var n int64
	err := db.write(ctx, "delete interactions", db.anyKey(), func(ctx context.Context, tx *writeTx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM interactions WHERE id = ANY(ARRAY(
			SELECT id FROM interactions WHERE at < $1 ORDER BY at LIMIT $2))`, before.UnixMilli(), max(limit, 0))
		n = tag.RowsAffected()
		return err
	})
	return n, err
}

// Interactions returns the first limit interactions kept, in the order
// they were added, from the primary: nothing serves them, but tests and
// exports read them.
func (db *DB) Interactions(ctx context.Context, limit int) ([]catalog.Interaction, error) {
	var out []catalog.Interaction
	err := db.again(ctx, func() error {
		rows, err := db.pool.Query(ctx, `SELECT element, widget, time, at FROM interactions ORDER BY id LIMIT $1`, max(limit, 0))
		if err != nil {
			return err
		}
		out = []catalog.Interaction{}
		var i catalog.Interaction
		var at int64
		_, err = pgx.ForEachRow(rows, []any{&i.Element, &i.Widget, &i.Time, &at}, func() error {
			i.At = time.UnixMilli(at).UTC()
			out = append(out, i)
			return nil
		})
		return err
	}, nil)
	return out, storeError("read interactions", err)
}
