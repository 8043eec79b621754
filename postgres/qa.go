package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"catalog"
	"catalog/internal/reload"
)

// Questions returns a page of a product's unreported questions with their
// answers: one lookup of the product's row of qa_docs, whatever the
// answers' count.
func (db *DB) Questions(ctx context.Context, q catalog.QuestionQuery) ([]catalog.Question, error) {
	var questions []catalog.Question
	err := db.read(ctx, func(qr querier) error {
		var doc []byte
		err := qr.QueryRow(ctx, `SELECT doc FROM qa_docs WHERE product_id = $1`, q.ProductID).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			questions = []catalog.Question{}
			return nil
		}
		if err != nil {
			return storeError("read the questions", err)
		}
		questions, err = reload.QuestionPage(doc, q.ProductID, q.Page)
		return storeError("read the questions", err)
	})
	return questions, err
}

// answersSQL is the statement of a page of a question's unreported
// answers, each with its photos' ids and URLs in id order: $1 the
// question, $2 the page size, $3 the offset.
const answersSQL = `SELECT a.id, a.body, a.date, a.answerer_name, a.helpfulness,
		ARRAY(SELECT p.id FROM answer_photos p WHERE p.answer_id = a.id ORDER BY p.id),
		ARRAY(SELECT p.url FROM answer_photos p WHERE p.answer_id = a.id ORDER BY p.id)
	FROM answers a WHERE a.question_id = $1 AND NOT a.reported ORDER BY ` + reload.AnswerOrder + ` LIMIT $2 OFFSET $3`

// Answers returns a page of a question's unreported answers with their
// photos, in one statement.
func (db *DB) Answers(ctx context.Context, q catalog.AnswerQuery) ([]catalog.Answer, error) {
	answers := []catalog.Answer{}
	err := db.read(ctx, func(qr querier) error {
		answers = answers[:0]
		rows, err := qr.Query(ctx, answersSQL, q.QuestionID, q.Page.Size, q.Page.First()-1)
		if err != nil {
			return storeError("list answers", err)
		}
		defer rows.Close()
		for rows.Next() {
			a := catalog.Answer{QuestionID: q.QuestionID}
			var date int64
			var photoIDs []int64
			var urls []string
			if err := rows.Scan(&a.ID, &a.Body, &date, &a.AnswererName, &a.Helpfulness, &photoIDs, &urls); err != nil {
				return storeError("list answers", err)
			}
			a.Date, a.Photos = time.UnixMilli(date).UTC(), make([]catalog.AnswerPhoto, len(photoIDs))
			for i, id := range photoIDs {
				a.Photos[i] = catalog.AnswerPhoto{ID: id, AnswerID: a.ID, URL: urls[i]}
			}
			answers = append(answers, a)
		}
		return storeError("list answers", rows.Err())
	})
	return answers, err
}

// PostQuestion adds a question, and writes its product's questions anew,
// in one transaction.
func (db *DB) PostQuestion(ctx context.Context, q catalog.NewQuestion, at time.Time) (int64, error) {
	var id int64
	err := db.write(ctx, "post a question", q.ProductID, func(ctx context.Context, tx *writeTx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM products WHERE id = $1)`, q.ProductID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return catalog.ErrNoProduct(q.ProductID)
		}
		err := tx.QueryRow(ctx, `INSERT INTO questions (product_id, body, date, asker_name, asker_email, reported, helpfulness)
			VALUES ($1, $2, $3, $4, $5, false, 0) RETURNING id`, q.ProductID, q.Body, at.UnixMilli(), q.Name, q.Email).Scan(&id)
		if err != nil {
			return err
		}
		return wroteQA(ctx, tx, reload.QAWrite{Question: id, Product: q.ProductID, Posted: true})
	})
	return id, err
}

// PostAnswer adds an answer with its photos, and writes its product's
// questions anew, in one transaction.
func (db *DB) PostAnswer(ctx context.Context, a catalog.NewAnswer, at time.Time) (int64, error) {
	var id int64
	err := db.write(ctx, "post an answer", a.QuestionID, func(ctx context.Context, tx *writeTx) error {
		var productID int64
		err := tx.QueryRow(ctx, `SELECT product_id FROM questions WHERE id = $1`, a.QuestionID).Scan(&productID)
		if errors.Is(err, pgx.ErrNoRows) {
			return catalog.ErrNoQuestion(a.QuestionID)
		}
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO answers (question_id, body, date, answerer_name, answerer_email, reported, helpfulness)
			VALUES ($1, $2, $3, $4, $5, false, 0) RETURNING id`, a.QuestionID, a.Body, at.UnixMilli(), a.Name, a.Email).Scan(&id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO answer_photos (answer_id, url)
			SELECT $1, u FROM unnest($2::text[]) WITH ORDINALITY AS p(u, n) ORDER BY n`, id, a.Photos); err != nil {
			return err
		}
		return wroteQA(ctx, tx, reload.QAWrite{Answer: id, Question: a.QuestionID, Product: productID, Posted: true})
	})
	return id, err
}

// markQA makes a mark on a question or an answer, and writes its
// product's questions anew, in one transaction.
func (db *DB) markQA(ctx context.Context, what string, m reload.QAMark) error {
	return db.write(ctx, what, m.ID(), func(ctx context.Context, tx *writeTx) error {
		w := m.Write
		err := tx.QueryRow(ctx, m.FindSQL, m.ID()).Scan(&w.Question, &w.Product)
		if errors.Is(err, pgx.ErrNoRows) {
			return m.NotFound()
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, m.UpdateSQL, m.ID()); err != nil {
			return err
		}
		return wroteQA(ctx, tx, w)
	})
}

// wroteQA notes a write of Q&A in qa_writes, and its change, which writes
// its product's questions anew when the transaction ends.
func wroteQA(ctx context.Context, tx *writeTx, w reload.QAWrite) error {
	if _, err := tx.Exec(ctx, reload.NoteQAWriteSQL, w.Args()...); err != nil {
		return err
	}
	tx.changed(w.Product, w.Question)
	return nil
}

// qaDocsSQL returns the statements that write qa_docs anew for the
// products scope selects ("" for all), in the tables of suffix ("_new"
// while a load builds them): each product's unreported questions in their
// order, each with its unreported answers in id order and their photos'
// URLs, as JSON (reload.QuestionPage).
func qaDocsSQL(suffix, scope string) []string {
	return []string{
		`DELETE FROM qa_docs` + suffix + ` WHERE true` + scope,
		`INSERT INTO qa_docs` + suffix + ` (product_id, doc)
		SELECT product_id, json_agg(doc ORDER BY ` + reload.QuestionOrder + `)
		FROM (SELECT q.product_id, q.id, q.helpfulness, json_build_object('id', q.id, 'body', q.body, 'date', q.date,
				'name', q.asker_name, 'helpfulness', q.helpfulness, 'answers', (
					SELECT coalesce(json_agg(json_build_object('id', a.id, 'body', a.body, 'date', a.date, 'name', a.answerer_name,
						'helpfulness', a.helpfulness, 'photos', (
							SELECT coalesce(json_agg(p.url ORDER BY p.id), '[]') FROM answer_photos` + suffix + ` p WHERE p.answer_id = a.id))
						ORDER BY a.id), '[]')
					FROM answers` + suffix + ` a WHERE a.question_id = q.id AND NOT a.reported)) AS doc
			FROM questions` + suffix + ` q WHERE NOT q.reported` + scope + `) q
		GROUP BY product_id`,
	}
}
