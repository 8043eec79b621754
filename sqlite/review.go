package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"catalog"
	"catalog/internal/groupcommit"
	"catalog/internal/reload"
)

// reviewsSQL returns the query of a page of a product's unreported reviews
// in an order, each with its photos, in one statement: ?1 the product, ?2
// the page size, ?3 the offset. A review with photos comes once for each,
// in photo id order; one without, once with a NULL photo.
func reviewsSQL(order string) string {
	return `SELECT r.id, r.rating, r.date, r.summary, r.body, r.recommend, r.reviewer_name, r.response, r.helpfulness, p.id, p.url
		FROM (SELECT * FROM reviews WHERE product_id = ?1 AND reported = 0 ORDER BY ` + order + ` LIMIT ?2 OFFSET ?3) r
		LEFT JOIN review_photos p ON p.review_id = r.id
		ORDER BY r.` + strings.ReplaceAll(order, ", ", ", r.") + `, p.id`
}

// Reviews returns a page of a product's unreported reviews with their
// photos, in one prepared statement.
func (db *DB) Reviews(ctx context.Context, q catalog.ReviewQuery) ([]catalog.Review, error) {
	stmt, ok := db.stmts.reviews[q.Sort]
	if !ok {
		return nil, catalog.Errorf(catalog.EINVALID, "unknown sort of reviews %d", q.Sort)
	}
	db.reads.Add(1)
	rows, err := stmt.QueryContext(ctx, q.ProductID, q.Page.Size, q.Page.First()-1)
	if err != nil {
		return nil, storeError("list reviews", err)
	}
	reviews, err := scanReviews(rows)
	return reviews, storeError("list reviews", err)
}

// scanReviews reads the reviews of reviewsSQL, each with its photos.
func scanReviews(rows *sql.Rows) ([]catalog.Review, error) {
	defer rows.Close()
	reviews := []catalog.Review{}
	for rows.Next() {
		var r catalog.Review
		var date int64
		var response, url sql.NullString
		var photo sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Rating, &date, &r.Summary, &r.Body, &r.Recommend, &r.ReviewerName, &response,
			&r.Helpfulness, &photo, &url); err != nil {
			return nil, err
		}
		if n := len(reviews); n == 0 || reviews[n-1].ID != r.ID {
			r.Date, r.Response, r.Photos = fromMillis(date), nullString(response), []catalog.ReviewPhoto{}
			reviews = append(reviews, r)
		}
		if photo.Valid {
			last := &reviews[len(reviews)-1]
			last.Photos = append(last.Photos, catalog.ReviewPhoto{ID: photo.Int64, ReviewID: r.ID, URL: url.String})
		}
	}
	return reviews, rows.Err()
}

// reviewMetaSQL reads a product's row of review_stats and its
// characteristics' sums in one statement: a row for each characteristic
// (one with NULLs when it has none), each with the product's counts. The
// characteristics come from the index that covers them, in id order; an
// ORDER BY would have SQLite sort them again in a temporary b-tree, so
// ReviewMeta sorts them.
const reviewMetaSQL = `SELECT coalesce(s.rated_1, 0), coalesce(s.rated_2, 0), coalesce(s.rated_3, 0), coalesce(s.rated_4, 0),
		coalesce(s.rated_5, 0), coalesce(s.not_recommended, 0), coalesce(s.recommended, 0), c.id, c.name, c.votes, c.vote_sum
	FROM (SELECT ?1 AS product_id) x
	LEFT JOIN review_stats s ON s.product_id = x.product_id
	LEFT JOIN characteristics c ON c.product_id = x.product_id`

// ReviewMeta returns the sums of a product's unreported reviews, as the
// writes keep them, in one prepared statement.
func (db *DB) ReviewMeta(ctx context.Context, productID int64) (catalog.ReviewMeta, error) {
	db.reads.Add(1)
	m := catalog.ReviewMeta{ProductID: productID}
	rows, err := db.stmts.reviewMeta.QueryContext(ctx, productID)
	if err != nil {
		return m, storeError("read review sums", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, votes, sum sql.NullInt64
		var name sql.NullString
		if err := rows.Scan(&m.Ratings[0], &m.Ratings[1], &m.Ratings[2], &m.Ratings[3], &m.Ratings[4],
			&m.Recommended[0], &m.Recommended[1], &id, &name, &votes, &sum); err != nil {
			return m, storeError("read review sums", err)
		}
		if id.Valid {
			m.Characteristics = append(m.Characteristics, catalog.CharacteristicMeta{ID: id.Int64, Name: name.String, Votes: votes.Int64, Sum: sum.Int64})
		}
	}
	slices.SortFunc(m.Characteristics, func(a, b catalog.CharacteristicMeta) int { return cmp.Compare(a.ID, b.ID) })
	return m, storeError("read review sums", rows.Err())
}

// writeTx runs fn in a transaction on the catalog file's writer for
// shoppers' writes, which holds the write lock from its start, with the
// writes of other callers that wait: each commit syncs the file, and one
// sync a write would bound the writes to the syncs a second. fn does its
// work through the ctx and tx it is given. (One writer: one lane, whose
// key is 0.)
func (db *DB) writeTx(ctx context.Context, what string, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return txError(what, db.writes.Do(ctx, 0, fn))
}

// shopperWrites commits shoppers' writes on the writer, several to a
// transaction, one transaction at a time: the file has one writer.
func shopperWrites(writer *sql.DB) *groupcommit.Committer[*sql.Tx] {
	return groupcommit.New(groupcommit.Store[*sql.Tx]{
		InTx: func(ctx context.Context, fn func(tx *sql.Tx) error) error {
			return inTx(ctx, writer, nil, "write", fn)
		},
		Savepoint: execIn(groupcommit.SavepointSQL),
		Release:   execIn(groupcommit.ReleaseSQL),
		Undo:      execIn(groupcommit.UndoSQL),
	}, 1)
}

// execIn returns a function that runs stmt in a transaction.
func execIn(stmt string) func(ctx context.Context, tx *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, stmt)
		return err
	}
}

// PostReview adds a review with its photos and votes, and counts it in
// the sums, in one transaction.
func (db *DB) PostReview(ctx context.Context, r catalog.NewReview, at time.Time) (int64, error) {
	var id int64
	err := db.writeTx(ctx, "post a review", func(ctx context.Context, tx *sql.Tx) error {
		if err := checkReviewed(ctx, tx, r); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO reviews (product_id, rating, date, summary, body, recommend, reported,
			reviewer_name, reviewer_email, response, helpfulness) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, NULL, 0)`,
			r.ProductID, r.Rating, millis(at), r.Summary, r.Body, r.Recommend, r.Name, r.Email)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO review_writes VALUES (?, ?, 1, 0, 0)`, id, r.ProductID); err != nil {
			return err
		}
		for _, u := range r.Photos {
			if _, err := tx.ExecContext(ctx, `INSERT INTO review_photos (review_id, url) VALUES (?, ?)`, id, u); err != nil {
				return err
			}
		}
		for _, v := range r.Votes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO characteristic_votes (characteristic_id, review_id, value) VALUES (?, ?, ?)`,
				v.CharacteristicID, id, v.Value); err != nil {
				return err
			}
		}
		if err := countReview(ctx, tx, id, r.ProductID, r.Rating, r.Recommend, 1); err != nil {
			return err
		}
		return recordReviewChange(ctx, tx, r.ProductID)
	})
	return id, err
}

// checkReviewed checks, in the write, that a posted review's product
// exists and that it votes only on the product's characteristics.
func checkReviewed(ctx context.Context, tx *sql.Tx, r catalog.NewReview) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM products WHERE id = ?`, r.ProductID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return catalog.ErrNoProduct(r.ProductID)
	}
	for _, v := range r.Votes {
		var owner int64
		err := tx.QueryRowContext(ctx, `SELECT product_id FROM characteristics WHERE id = ?`, v.CharacteristicID).Scan(&owner)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != r.ProductID) {
			return catalog.ErrNotProductCharacteristic(v.CharacteristicID, r.ProductID)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// countReview adds a review to the sums of its product (sign 1), or takes
// it out of them (-1): its rating, its recommendation and its votes.
func countReview(ctx context.Context, tx *sql.Tx, id, productID, rating int64, recommend bool, sign int) error {
	cols := [...]string{"rated_1", "rated_2", "rated_3", "rated_4", "rated_5"}
	rec := "not_recommended"
	if recommend {
		rec = "recommended"
	}
	vals := make([]string, 7)
	for i, c := range append(cols[:], "not_recommended", "recommended") {
		vals[i] = "0"
		if c == cols[rating-1] || c == rec {
			vals[i] = "1"
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO review_stats VALUES (?, `+strings.Join(vals, ", ")+`)
		ON CONFLICT (product_id) DO UPDATE SET `+cols[rating-1]+` = `+cols[rating-1]+` + ?2, `+rec+` = `+rec+` + ?2`,
		productID, sign)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE characteristics SET votes = votes + ?2 * d.n, vote_sum = vote_sum + ?2 * d.s
		FROM (SELECT characteristic_id, count(*) AS n, sum(value) AS s FROM characteristic_votes
			WHERE review_id = ?1 GROUP BY characteristic_id) AS d
		WHERE characteristics.id = d.characteristic_id`, id, sign)
	return err
}

// MarkReviewHelpful adds one to a review's helpfulness.
func (db *DB) MarkReviewHelpful(ctx context.Context, id int64) error {
	return db.writeTx(ctx, "mark a review helpful", func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE reviews SET helpfulness = helpfulness + 1 WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, catalog.ErrNoReview(id))
		}
		var productID int64
		err = tx.QueryRowContext(ctx, `INSERT INTO review_writes SELECT id, product_id, 0, 1, 0 FROM reviews WHERE id = ?
			ON CONFLICT (review_id) DO UPDATE SET helpful = helpful + 1 RETURNING product_id`, id).Scan(&productID)
		if err != nil {
			return err
		}
		return recordReviewChange(ctx, tx, productID)
	})
}

// ReportReview hides a review, and takes it out of its product's sums;
// reporting it again changes nothing.
func (db *DB) ReportReview(ctx context.Context, id int64) error {
	return db.writeTx(ctx, "report a review", func(ctx context.Context, tx *sql.Tx) error {
		var productID, rating int64
		var recommend, reported bool
		err := tx.QueryRowContext(ctx, `SELECT product_id, rating, recommend, reported FROM reviews WHERE id = ?`, id).
			Scan(&productID, &rating, &recommend, &reported)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return catalog.ErrNoReview(id)
		case err != nil || reported:
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reviews SET reported = 1 WHERE id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO review_writes VALUES (?, ?, 0, 0, 1)
			ON CONFLICT (review_id) DO UPDATE SET reported = 1`, id, productID); err != nil {
			return err
		}
		if err := countReview(ctx, tx, id, productID, rating, recommend, -1); err != nil {
			return err
		}
		return recordReviewChange(ctx, tx, productID)
	})
}

// recordReviewChange numbers a change of a product's reviews.
func recordReviewChange(ctx context.Context, tx execer, productID int64) error {
	return recordChange(ctx, tx, productID, 0)
}

// recordChange numbers a change of a product's reviews (question 0) or of
// one of its questions, and lets go of the changes past the window.
func recordChange(ctx context.Context, tx execer, productID, questionID int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO review_changes (product_id, question_id) VALUES (?, ?)`, productID, questionID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM review_changes WHERE seq <= last_insert_rowid() - ?`, catalog.ReviewWindow)
	return err
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// ReviewChanges returns the review changes after after, read in one
// transaction.
func (db *DB) ReviewChanges(ctx context.Context, after int64) (catalog.ReviewHistory, error) {
	var h catalog.ReviewHistory
	err := db.readTx(ctx, "read the review changes", func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(min(seq), 1) - 1, coalesce(max(seq), 0) FROM review_changes`).
			Scan(&h.Start, &h.To); err != nil {
			return err
		}
		h.From = max(after, h.Start)
		rows, err := tx.QueryContext(ctx, `SELECT seq, product_id, question_id FROM review_changes WHERE seq > ? ORDER BY seq`, h.From)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c catalog.ReviewChange
			if err := rows.Scan(&c.Seq, &c.ProductID, &c.QuestionID); err != nil {
				return err
			}
			h.Changes = append(h.Changes, c)
		}
		return rows.Err()
	})
	return h, err
}

// reviewSumsSQL returns the statements that sum up the unreported reviews
// of the new catalog, of the products scope selects ("" for all): each
// product's ratings and recommendations, each characteristic's votes.
func reviewSumsSQL(scope string) []string {
	votesScope := ""
	if scope != "" {
		votesScope = ` AND v.characteristic_id IN (SELECT id FROM characteristics_new WHERE true` + scope + `)`
	}
	return []string{
		`DELETE FROM review_stats_new WHERE true` + scope,
		`INSERT INTO review_stats_new SELECT product_id, sum(rating = 1), sum(rating = 2), sum(rating = 3), sum(rating = 4),
			sum(rating = 5), sum(recommend = 0), sum(recommend <> 0) FROM reviews_new WHERE reported = 0` + scope + ` GROUP BY product_id`,
		`UPDATE characteristics_new SET votes = 0, vote_sum = 0 WHERE (votes <> 0 OR vote_sum <> 0)` + scope,
		`UPDATE characteristics_new SET votes = d.n, vote_sum = d.s
			FROM (SELECT v.characteristic_id, count(*) AS n, sum(v.value) AS s FROM characteristic_votes_new v
				WHERE v.review_id NOT IN (SELECT id FROM reviews_new WHERE reported <> 0)` + votesScope + `
				GROUP BY v.characteristic_id) AS d
			WHERE characteristics_new.id = d.characteristic_id`,
	}
}

// buildReviewSumsSQL sums up every product's reviews.
var buildReviewSumsSQL = reviewSumsSQL("")

// carryWritesSQL carries what shoppers wrote onto the new catalog: the
// reviews they posted (reload.CarryPostedSQL), and the helpful votes and
// reports on the dataset's reviews, then sums up the products they wrote
// of anew; the same of questions and answers (reload.CarryQASQL), then
// writes those products' questions anew.
var carryWritesSQL = slices.Concat(reload.CarryPostedSQL, []string{
	`UPDATE reviews_new SET helpfulness = reviews_new.helpfulness + w.helpful, reported = max(reviews_new.reported, w.reported)
		FROM review_writes w WHERE w.review_id = reviews_new.id AND NOT w.posted`,
}, reviewSumsSQL(reload.WrittenScope), reload.CarryQASQL, qaDocsSQL("_new", reload.QAWrittenScope))

// carryWrites carries what shoppers wrote onto the new catalog, within
// the swap, or lets it go, or refuses the swap (reload.CarryWrites).
func (l *load) carryWrites(ctx context.Context, conn *sql.Conn) error {
	return reload.CarryWrites(ctx, reload.Writes{
		Changed: func(ctx context.Context) error { return recordReviewChange(ctx, conn, catalog.AllProducts) },
		Drop: func(ctx context.Context) error {
			_, err := conn.ExecContext(ctx, `DELETE FROM review_writes`)
			if err == nil {
				_, err = conn.ExecContext(ctx, `DELETE FROM qa_writes`)
			}
			return err
		},
		Unfit: func(ctx context.Context, query string) (int64, []int64, error) { return unfitWrites(ctx, conn, query) },
		Carry: func(ctx context.Context) error {
			for _, s := range carryWritesSQL {
				if _, err := conn.ExecContext(ctx, s); err != nil {
					return fmt.Errorf("%s: %w", firstWords(s), err)
				}
			}
			return nil
		},
	}, l.copying, l.db.dropWrites)
}

// unfitWrites returns how many writes shoppers made through the API the
// new catalog cannot take, and the first of them, as query finds them.
func unfitWrites(ctx context.Context, conn *sql.Conn, query string) (n int64, unfit []int64, err error) {
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&n, &id); err != nil {
			return 0, nil, err
		}
		unfit = append(unfit, id)
	}
	return n, unfit, rows.Err()
}
