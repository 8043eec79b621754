package sqlite

import (
	"context"
	"database/sql"
	"time"

	"catalog"
)

// AddInteractions keeps a batch of interactions in one transaction on the
// writer, through one prepared statement run for each.
func (db *DB) AddInteractions(ctx context.Context, batch []catalog.Interaction) error {
	if len(batch) == 0 {
		return nil
	}
	return db.writeTx(ctx, "add interactions", func(ctx context.Context, tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO interactions (element, widget, time, at) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, i := range batch {
			if _, err := stmt.ExecContext(ctx, i.Element, i.Widget, i.Time, millis(i.At)); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteInteractions deletes the oldest interactions taken before before,
// at most limit of them, in one statement on the writer.
func (db *DB) DeleteInteractions(ctx context.Context, before time.Time, limit int) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM interactions WHERE id IN (
		SELECT id FROM interactions WHERE at < ? ORDER BY at LIMIT ?)`, millis(before), max(limit, 0))
	if err != nil {
		return 0, storeError("delete interactions", err)
	}
	n, err := res.RowsAffected()
	return n, storeError("delete interactions", err)
}

// Interactions returns the first limit interactions kept, in the order
// they were added: nothing serves them, but tests and exports read them.
func (db *DB) Interactions(ctx context.Context, limit int) ([]catalog.Interaction, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT element, widget, time, at FROM interactions ORDER BY id LIMIT ?`, max(limit, 0))
	if err != nil {
		return nil, storeError("read interactions", err)
	}
	defer rows.Close()
	out := []catalog.Interaction{}
	for rows.Next() {
		var i catalog.Interaction
		var at int64
		if err := rows.Scan(&i.Element, &i.Widget, &i.Time, &at); err != nil {
			return nil, storeError("read interactions", err)
		}
		i.At = fromMillis(at)
		out = append(out, i)
	}
	return out, storeError("read interactions", rows.Err())
}
