package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"catalog"
	"catalog/internal/reload"
)

// reviewsSQL returns the statement of a page of a product's unreported
// reviews in an order, each with its photos' ids and URLs in id order: $1
// the product, $2 the page size, $3 the offset.
func reviewsSQL(order string) string {
	return `SELECT r.id, r.rating, r.date, r.summary, r.body, r.recommend, r.reviewer_name, r.response, r.helpfulness,
			ARRAY(SELECT p.id FROM review_photos p WHERE p.review_id = r.id ORDER BY p.id),
			ARRAY(SELECT p.url FROM review_photos p WHERE p.review_id = r.id ORDER BY p.id)
		FROM reviews r WHERE r.product_id = $1 AND NOT r.reported ORDER BY ` + order + ` LIMIT $2 OFFSET $3`
}

// Reviews returns a page of a product's unreported reviews with their
// photos, in one statement.
func (db *DB) Reviews(ctx context.Context, q catalog.ReviewQuery) ([]catalog.Review, error) {
	order, ok := reload.ReviewOrder[q.Sort]
	if !ok {
		return nil, catalog.Errorf(catalog.EINVALID, "unknown sort of reviews %d", q.Sort)
	}
	var reviews []catalog.Review
	err := db.read(ctx, func(qr querier) error {
		rows, err := qr.Query(ctx, reviewsSQL(order), q.ProductID, q.Page.Size, q.Page.First()-1)
		if err != nil {
			return storeError("list reviews", err)
		}
		reviews, err = scanReviews(rows)
		return storeError("list reviews", err)
	})
	return reviews, err
}

func scanReviews(rows pgx.Rows) ([]catalog.Review, error) {
	defer rows.Close()
	reviews := []catalog.Review{}
	for rows.Next() {
		var r catalog.Review
		var date int64
		var response *string
		var photoIDs []int64
		var urls []string
		if err := rows.Scan(&r.ID, &r.Rating, &date, &r.Summary, &r.Body, &r.Recommend, &r.ReviewerName, &response,
			&r.Helpfulness, &photoIDs, &urls); err != nil {
			return nil, err
		}
		r.Date, r.Response, r.Photos = time.UnixMilli(date).UTC(), null(response), make([]catalog.ReviewPhoto, len(photoIDs))
		for i, id := range photoIDs {
			r.Photos[i] = catalog.ReviewPhoto{ID: id, ReviewID: r.ID, URL: urls[i]}
		}
		reviews = append(reviews, r)
	}
	return reviews, rows.Err()
}

// reviewMetaSQL reads a product's meta: its row of review_stats, which
// holds the sums of its reviews and a copy of its characteristics' (no
// row: no reviews, no characteristics).
const reviewMetaSQL = `SELECT rated_1, rated_2, rated_3, rated_4, rated_5, not_recommended, recommended,
		char_ids, char_names, char_votes, char_sums
	FROM review_stats WHERE product_id = $1`

// ReviewMeta returns the sums of a product's unreported reviews, as the
// writes keep them: one key lookup.
func (db *DB) ReviewMeta(ctx context.Context, productID int64) (catalog.ReviewMeta, error) {
	var m catalog.ReviewMeta
	err := db.read(ctx, func(q querier) error {
		m = catalog.ReviewMeta{ProductID: productID}
		var ids, votes, sums []int64
		var names []string
		err := q.QueryRow(ctx, reviewMetaSQL, productID).Scan(&m.Ratings[0], &m.Ratings[1], &m.Ratings[2], &m.Ratings[3],
			&m.Ratings[4], &m.Recommended[0], &m.Recommended[1], &ids, &names, &votes, &sums)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return nil
		case err != nil:
			return storeError("read review sums", err)
		case len(names) != len(ids) || len(votes) != len(ids) || len(sums) != len(ids):
			return fmt.Errorf("product %d: review_stats has %d characteristic ids, %d names, %d vote counts, %d sums",
				productID, len(ids), len(names), len(votes), len(sums))
		}
		for i, id := range ids {
			m.Characteristics = append(m.Characteristics, catalog.CharacteristicMeta{ID: id, Name: names[i], Votes: votes[i], Sum: sums[i]})
		}
		return nil
	})
	return m, err
}

// PostReview adds a review with its photos and votes, and counts it in
// the sums, in one transaction.
func (db *DB) PostReview(ctx context.Context, r catalog.NewReview, at time.Time) (int64, error) {
	var id int64
	err := db.write(ctx, "post a review", r.ProductID, func(ctx context.Context, tx *writeTx) error {
		if err := checkReviewed(ctx, tx, r); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO reviews (product_id, rating, date, summary, body, recommend, reported,
			reviewer_name, reviewer_email, response, helpfulness) VALUES ($1, $2, $3, $4, $5, $6, false, $7, $8, NULL, 0) RETURNING id`,
			r.ProductID, r.Rating, at.UnixMilli(), r.Summary, r.Body, r.Recommend, r.Name, r.Email).Scan(&id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO review_writes VALUES ($1, $2, true, 0, false)`, id, r.ProductID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO review_photos (review_id, url)
			SELECT $1, u FROM unnest($2::text[]) WITH ORDINALITY AS p(u, n) ORDER BY n`, id, r.Photos); err != nil {
			return err
		}
		chars, values := make([]int64, len(r.Votes)), make([]int64, len(r.Votes))
		for i, v := range r.Votes {
			chars[i], values[i] = v.CharacteristicID, v.Value
		}
		if _, err := tx.Exec(ctx, `INSERT INTO characteristic_votes (characteristic_id, review_id, value)
			SELECT c, $1, v FROM unnest($2::integer[], $3::smallint[]) AS p(c, v)`, id, chars, values); err != nil {
			return err
		}
		tx.count(counted{review: id, product: r.ProductID, rating: r.Rating, sign: 1, recommend: r.Recommend})
		tx.changed(r.ProductID, 0)
		return nil
	})
	return id, err
}

// checkReviewed checks, in the write, that a posted review's product
// exists and that it votes only on the product's characteristics.
func checkReviewed(ctx context.Context, tx pgx.Tx, r catalog.NewReview) error {
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM products WHERE id = $1)`, r.ProductID).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return catalog.ErrNoProduct(r.ProductID)
	}
	ids := make([]int64, len(r.Votes))
	for i, v := range r.Votes {
		ids[i] = v.CharacteristicID
	}
	var foreign *int64
	err := tx.QueryRow(ctx, `SELECT min(i) FROM unnest($1::integer[]) AS i
		WHERE NOT EXISTS (SELECT 1 FROM characteristics c WHERE c.id = i AND c.product_id = $2)`, ids, r.ProductID).Scan(&foreign)
	if err == nil && foreign != nil {
		return catalog.ErrNotProductCharacteristic(*foreign, r.ProductID)
	}
	return err
}

// sumReviews adds the reviews a batch of writes counted to their
// products' sums, or takes them out: their ratings and recommendations to
// the products' rows of review_stats, their votes to the characteristics',
// then those copied into the rows, which the meta reads. It runs as the
// batch ends, under the lock that orders the changes' commits, so that the
// batches that write one product's sums take turns: summed as each write
// ran, two batches writing two products' sums in opposite orders would
// deadlock. And so the copy has every batch's votes before it.
func sumReviews(ctx context.Context, tx pgx.Tx, counted []counted) error {
	if len(counted) == 0 {
		return nil
	}
	n := len(counted)
	reviews, products, ratings, signs := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	recommends := make([]bool, n)
	for i, c := range counted {
		reviews[i], products[i], ratings[i], signs[i], recommends[i] = c.review, c.product, c.rating, c.sign, c.recommend
	}
	if err := lockChanges(ctx, tx); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO review_stats AS s (product_id, rated_1, rated_2, rated_3, rated_4, rated_5,
			not_recommended, recommended)
		SELECT p, sum((r = 1)::int * g), sum((r = 2)::int * g), sum((r = 3)::int * g), sum((r = 4)::int * g),
			sum((r = 5)::int * g), sum((NOT c)::int * g), sum(c::int * g)
		FROM unnest($1::bigint[], $2::int[], $3::boolean[], $4::int[]) AS d(p, r, c, g) GROUP BY p ORDER BY p
		ON CONFLICT (product_id) DO UPDATE SET rated_1 = s.rated_1 + excluded.rated_1, rated_2 = s.rated_2 + excluded.rated_2,
			rated_3 = s.rated_3 + excluded.rated_3, rated_4 = s.rated_4 + excluded.rated_4, rated_5 = s.rated_5 + excluded.rated_5,
			not_recommended = s.not_recommended + excluded.not_recommended, recommended = s.recommended + excluded.recommended`,
		products, ratings, recommends, signs)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE characteristics c SET votes = c.votes + d.n, vote_sum = c.vote_sum + d.s
		FROM (SELECT v.characteristic_id, sum(r.g) AS n, sum(r.g * v.value) AS s
			FROM unnest($1::bigint[], $2::int[]) AS r(id, g) JOIN characteristic_votes v ON v.review_id = r.id
			GROUP BY v.characteristic_id) AS d
		WHERE c.id = d.characteristic_id`, reviews, signs)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE review_stats s SET char_ids = c.ids, char_names = c.names, char_votes = c.votes, char_sums = c.sums
		FROM (`+characteristicSumsSQL("characteristics", " AND product_id = ANY($1::bigint[])")+`) c
		WHERE s.product_id = c.product_id`, products)
	return err
}

// characteristicSumsSQL returns the statement of the characteristics'
// sums of the products of table (characteristics or its new copy) that
// scope selects, as the product's row of review_stats keeps them: per
// product, four arrays in id order.
func characteristicSumsSQL(table, scope string) string {
	return `SELECT product_id, array_agg(id ORDER BY id) AS ids, array_agg(name ORDER BY id) AS names,
		array_agg(votes ORDER BY id) AS votes, array_agg(vote_sum ORDER BY id) AS sums
		FROM ` + table + ` WHERE true` + scope + ` GROUP BY product_id`
}

// MarkReviewHelpful adds one to a review's helpfulness.
func (db *DB) MarkReviewHelpful(ctx context.Context, id int64) error {
	return db.write(ctx, "mark a review helpful", id, func(ctx context.Context, tx *writeTx) error {
		tag, err := tx.Exec(ctx, `UPDATE reviews SET helpfulness = helpfulness + 1 WHERE id = $1`, id)
		switch {
		case err != nil:
			return err
		case tag.RowsAffected() == 0:
			return catalog.ErrNoReview(id)
		}
		var productID int64
		err = tx.QueryRow(ctx, `INSERT INTO review_writes SELECT id, product_id, false, 1, false FROM reviews WHERE id = $1
			ON CONFLICT (review_id) DO UPDATE SET helpful = review_writes.helpful + 1 RETURNING product_id`, id).Scan(&productID)
		if err != nil {
			return err
		}
		tx.changed(productID, 0)
		return nil
	})
}

// ReportReview hides a review, and takes it out of its product's sums;
// reporting it again changes nothing. The review's row is locked first,
// so that two reports of it take it out once.
func (db *DB) ReportReview(ctx context.Context, id int64) error {
	return db.write(ctx, "report a review", id, func(ctx context.Context, tx *writeTx) error {
		var productID, rating int64
		var recommend, reported bool
		err := tx.QueryRow(ctx, `SELECT product_id, rating, recommend, reported FROM reviews WHERE id = $1 FOR UPDATE`, id).
			Scan(&productID, &rating, &recommend, &reported)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return catalog.ErrNoReview(id)
		case err != nil || reported:
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE reviews SET reported = true WHERE id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO review_writes VALUES ($1, $2, false, 0, true)
			ON CONFLICT (review_id) DO UPDATE SET reported = true`, id, productID); err != nil {
			return err
		}
		tx.count(counted{review: id, product: productID, rating: rating, sign: -1, recommend: recommend})
		tx.changed(productID, 0)
		return nil
	})
}

// ReviewChanges returns the review changes after after, in one statement
// on the primary: the window's start and last, and each change after.
func (db *DB) ReviewChanges(ctx context.Context, after int64) (catalog.ReviewHistory, error) {
	var h catalog.ReviewHistory
	err := db.again(ctx, func() error {
		h = catalog.ReviewHistory{}
		rows, err := db.pool.Query(ctx, `SELECT w.start, w.last, c.seq, c.product_id, c.question_id
			FROM (SELECT coalesce(min(seq), 1) - 1 AS start, coalesce(max(seq), 0) AS last FROM review_changes) w
			LEFT JOIN review_changes c ON c.seq > greatest($1, w.start) ORDER BY c.seq`, after)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var seq, productID, questionID *int64
			if err := rows.Scan(&h.Start, &h.To, &seq, &productID, &questionID); err != nil {
				return err
			}
			if seq != nil {
				h.Changes = append(h.Changes, catalog.ReviewChange{Seq: *seq, ProductID: *productID, QuestionID: *questionID})
			}
		}
		h.From = max(after, h.Start)
		return rows.Err()
	}, nil)
	return h, storeError("read the review changes", err)
}

// reviewSumsSQL returns the statements that sum up the unreported reviews
// of the new catalog, of the products scope selects ("" for all): each
// characteristic's votes, then each product's row of review_stats, with
// its ratings and recommendations and its characteristics' sums, for
// every product with either.
func reviewSumsSQL(scope string) []string {
	votesScope := ""
	if scope != "" {
		votesScope = ` AND v.characteristic_id IN (SELECT id FROM characteristics_new WHERE true` + scope + `)`
	}
	return []string{
		`UPDATE characteristics_new SET votes = 0, vote_sum = 0 WHERE (votes <> 0 OR vote_sum <> 0)` + scope,
		`UPDATE characteristics_new c SET votes = d.n, vote_sum = d.s
			FROM (SELECT v.characteristic_id, count(*) AS n, sum(v.value) AS s FROM characteristic_votes_new v
				WHERE NOT EXISTS (SELECT 1 FROM reviews_new r WHERE r.id = v.review_id AND r.reported)` + votesScope + `
				GROUP BY v.characteristic_id) AS d
			WHERE c.id = d.characteristic_id`,
		`DELETE FROM review_stats_new WHERE true` + scope,
		`INSERT INTO review_stats_new SELECT coalesce(r.product_id, c.product_id), coalesce(r.rated_1, 0), coalesce(r.rated_2, 0),
			coalesce(r.rated_3, 0), coalesce(r.rated_4, 0), coalesce(r.rated_5, 0), coalesce(r.not_recommended, 0),
			coalesce(r.recommended, 0), coalesce(c.ids, '{}'), coalesce(c.names, '{}'), coalesce(c.votes, '{}'), coalesce(c.sums, '{}')
			FROM (SELECT product_id, count(*) FILTER (WHERE rating = 1) AS rated_1, count(*) FILTER (WHERE rating = 2) AS rated_2,
				count(*) FILTER (WHERE rating = 3) AS rated_3, count(*) FILTER (WHERE rating = 4) AS rated_4,
				count(*) FILTER (WHERE rating = 5) AS rated_5, count(*) FILTER (WHERE NOT recommend) AS not_recommended,
				count(*) FILTER (WHERE recommend) AS recommended
				FROM reviews_new WHERE NOT reported` + scope + ` GROUP BY product_id) r
			FULL JOIN (` + characteristicSumsSQL("characteristics_new", scope) + `) c ON c.product_id = r.product_id`,
	}
}

// identitiesPastSQL sets the identities of the tables shoppers write to
// past the new catalog's ids: the dataset's, and then those carried over.
var identitiesPastSQL = []string{identityPastSQL("reviews_new"), identityPastSQL("review_photos_new"),
	identityPastSQL("characteristics_new"), identityPastSQL("characteristic_votes_new"), identityPastSQL("questions_new"),
	identityPastSQL("answers_new"), identityPastSQL("answer_photos_new")}

// buildReviewSumsSQL sums up every product's reviews, and sets the
// identities past the dataset's ids.
var buildReviewSumsSQL = append(reviewSumsSQL(""), identitiesPastSQL...)

// carryWritesSQL carries what shoppers wrote onto the new catalog: the
// reviews they posted (reload.CarryPostedSQL), and the helpful votes and
// reports on the dataset's reviews, then sums up the products they wrote
// of anew; the same of questions and answers (reload.CarryQASQL), then
// writes those products' questions anew.
var carryWritesSQL = slices.Concat(reload.CarryPostedSQL, []string{
	`UPDATE reviews_new n SET helpfulness = n.helpfulness + w.helpful, reported = n.reported OR w.reported
		FROM review_writes w WHERE w.review_id = n.id AND NOT w.posted`,
}, reviewSumsSQL(reload.WrittenScope), reload.CarryQASQL, qaDocsSQL("_new", reload.QAWrittenScope), identitiesPastSQL)

// carryWrites carries what shoppers wrote onto the new catalog, within
// the swap, which holds every catalog table's lock, so no write lands
// between; or lets it go, or refuses the swap (reload.CarryWrites).
func (l *load) carryWrites(ctx context.Context, tx pgx.Tx) error {
	return reload.CarryWrites(ctx, reload.Writes{
		Changed: func(ctx context.Context) error {
			return numberChanges(ctx, tx, []change{{product: catalog.AllProducts}})
		},
		Drop: func(ctx context.Context) error {
			_, err := tx.Exec(ctx, `DELETE FROM review_writes`)
			if err == nil {
				_, err = tx.Exec(ctx, `DELETE FROM qa_writes`)
			}
			return err
		},
		Unfit: func(ctx context.Context, query string) (int64, []int64, error) { return unfitWrites(ctx, tx, query) },
		Carry: func(ctx context.Context) error {
			for _, s := range carryWritesSQL {
				if _, err := tx.Exec(ctx, s); err != nil {
					return fmt.Errorf("%.60s…: %w", s, err)
				}
			}
			return nil
		},
	}, l.copying, l.db.cfg.DropWrites)
}

// unfitWrites returns how many writes shoppers made through the API the
// new catalog cannot take, and the first of them, as query finds them.
func unfitWrites(ctx context.Context, tx pgx.Tx, query string) (n int64, unfit []int64, err error) {
	rows, err := tx.Query(ctx, query)
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

// identityPastSQL sets the identity of a table's ids past its largest.
func identityPastSQL(table string) string {
	return `SELECT setval(pg_get_serial_sequence('` + table + `', 'id'), coalesce((SELECT max(id) FROM ` + table + `), 0) + 1, false)`
}
