package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"catalog"
	"catalog/internal/reload"
)

// Questions returns a page of a product's unreported questions with their
// answers: one lookup of the product's row of qa_docs, whatever the
// answers' count.
func (db *DB) Questions(ctx context.Context, q catalog.QuestionQuery) ([]catalog.Question, error) {
	db.reads.Add(1)
	var doc []byte
	err := db.stmts.qaDoc.QueryRowContext(ctx, q.ProductID).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return []catalog.Question{}, nil
	}
	if err != nil {
		return nil, storeError("read the questions", err)
	}
	questions, err := reload.QuestionPage(doc, q.ProductID, q.Page)
	return questions, storeError("read the questions", err)
}

// answersSQL is the query of a page of a question's unreported answers,
// each with its photos (reviewsSQL's shape): ?1 the question, ?2 the page
// size, ?3 the offset.
var answersSQL = `SELECT a.id, a.body, a.date, a.answerer_name, a.helpfulness, p.id, p.url
	FROM (SELECT * FROM answers WHERE question_id = ?1 AND reported = 0 ORDER BY ` + reload.AnswerOrder + ` LIMIT ?2 OFFSET ?3) a
	LEFT JOIN answer_photos p ON p.answer_id = a.id
	ORDER BY a.helpfulness DESC, a.id, p.id`

// Answers returns a page of a question's unreported answers with their
// photos, in one prepared statement.
func (db *DB) Answers(ctx context.Context, q catalog.AnswerQuery) ([]catalog.Answer, error) {
	db.reads.Add(1)
	rows, err := db.stmts.answers.QueryContext(ctx, q.QuestionID, q.Page.Size, q.Page.First()-1)
	if err != nil {
		return nil, storeError("list answers", err)
	}
	defer rows.Close()
	answers := []catalog.Answer{}
	for rows.Next() {
		a := catalog.Answer{QuestionID: q.QuestionID}
		var date int64
		var photo sql.NullInt64
		var url sql.NullString
		if err := rows.Scan(&a.ID, &a.Body, &date, &a.AnswererName, &a.Helpfulness, &photo, &url); err != nil {
			return nil, storeError("list answers", err)
		}
		if n := len(answers); n == 0 || answers[n-1].ID != a.ID {
			a.Date, a.Photos = fromMillis(date), []catalog.AnswerPhoto{}
			answers = append(answers, a)
		}
		if photo.Valid {
			last := &answers[len(answers)-1]
			last.Photos = append(last.Photos, catalog.AnswerPhoto{ID: photo.Int64, AnswerID: a.ID, URL: url.String})
		}
	}
	return answers, storeError("list answers", rows.Err())
}

// PostQuestion adds a question, and writes its product's questions anew,
// in one transaction.
func (db *DB) PostQuestion(ctx context.Context, q catalog.NewQuestion, at time.Time) (int64, error) {
	var id int64
	err := db.writeTx(ctx, "post a question", func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM products WHERE id = ?`, q.ProductID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return catalog.ErrNoProduct(q.ProductID)
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO questions (product_id, body, date, asker_name, asker_email, reported, helpfulness)
			VALUES (?, ?, ?, ?, ?, 0, 0) RETURNING id`, q.ProductID, q.Body, millis(at), q.Name, q.Email).Scan(&id)
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
	err := db.writeTx(ctx, "post an answer", func(ctx context.Context, tx *sql.Tx) error {
		var productID int64
		err := tx.QueryRowContext(ctx, `SELECT product_id FROM questions WHERE id = ?`, a.QuestionID).Scan(&productID)
		if errors.Is(err, sql.ErrNoRows) {
			return catalog.ErrNoQuestion(a.QuestionID)
		}
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO answers (question_id, body, date, answerer_name, answerer_email, reported, helpfulness)
			VALUES (?, ?, ?, ?, ?, 0, 0) RETURNING id`, a.QuestionID, a.Body, millis(at), a.Name, a.Email).Scan(&id)
		if err != nil {
			return err
		}
		for _, u := range a.Photos {
			if _, err := tx.ExecContext(ctx, `INSERT INTO answer_photos (answer_id, url) VALUES (?, ?)`, id, u); err != nil {
				return err
			}
		}
		return wroteQA(ctx, tx, reload.QAWrite{Answer: id, Question: a.QuestionID, Product: productID, Posted: true})
	})
	return id, err
}

// markQA makes a mark on a question or an answer, and writes its
// product's questions anew, in one transaction.
func (db *DB) markQA(ctx context.Context, what string, m reload.QAMark) error {
	return db.writeTx(ctx, what, func(ctx context.Context, tx *sql.Tx) error {
		w := m.Write
		err := tx.QueryRowContext(ctx, m.FindSQL, m.ID()).Scan(&w.Question, &w.Product)
		if errors.Is(err, sql.ErrNoRows) {
			return m.NotFound()
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, m.UpdateSQL, m.ID()); err != nil {
			return err
		}
		return wroteQA(ctx, tx, w)
	})
}

// wroteQA notes a write of Q&A in qa_writes, writes its product's
// questions anew and numbers the change of its question.
func wroteQA(ctx context.Context, tx *sql.Tx, w reload.QAWrite) error {
	if _, err := tx.ExecContext(ctx, reload.NoteQAWriteSQL, w.Args()...); err != nil {
		return err
	}
	for _, s := range qaDocsSQL("", ` AND product_id = ?1`) {
		if _, err := tx.ExecContext(ctx, s, w.Product); err != nil {
			return err
		}
	}
	return recordChange(ctx, tx, w.Product, w.Question)
}

// qaDocsSQL returns the statements that write qa_docs anew for the
// products scope selects ("" for all), in the tables of suffix ("_new"
// while a load builds them): each product's unreported questions in their
// order, each with its unreported answers in id order and their photos'
// URLs, as JSON (reload.QADoc).
func qaDocsSQL(suffix, scope string) []string {
	return []string{
		`DELETE FROM qa_docs` + suffix + ` WHERE true` + scope,
		`INSERT INTO qa_docs` + suffix + ` (product_id, doc)
		SELECT product_id, json_group_array(json(doc) ORDER BY ` + reload.QuestionOrder + `)
		FROM (SELECT q.product_id, q.id, q.helpfulness, json_object('id', q.id, 'body', q.body, 'date', q.date,
				'name', q.asker_name, 'helpfulness', q.helpfulness, 'answers', json((
					SELECT json_group_array(json_object('id', a.id, 'body', a.body, 'date', a.date, 'name', a.answerer_name,
						'helpfulness', a.helpfulness, 'photos', json((
							SELECT json_group_array(p.url ORDER BY p.id) FROM answer_photos` + suffix + ` p WHERE p.answer_id = a.id)))
						ORDER BY a.id)
					FROM answers` + suffix + ` a WHERE a.question_id = q.id AND a.reported = 0))) AS doc
			FROM questions` + suffix + ` q WHERE q.reported = 0` + scope + `)
		GROUP BY product_id`,
	}
}
