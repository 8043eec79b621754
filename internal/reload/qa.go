package reload

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"catalog"
)

// The questions' SQL, values and documents that both engines take as they
// are.

// QuestionOrder and AnswerOrder are the ORDER BY of a product's questions
// and of a question's answers: most helpful first, then in id order.
const (
	QuestionOrder = "helpfulness DESC, id"
	AnswerOrder   = "helpfulness DESC, id"
)

// A product's questions are kept, for GET /qa/questions, as one document:
// its row of qa_docs, which each engine's SQL writes from the rows at a
// load and anew at every write of the product's questions. It is a JSON
// array of its unreported questions in QuestionOrder, each with its
// unreported answers in id order and their photos' URLs in id order.
type docQuestion struct {
	ID          int64       `json:"id"`
	Body        string      `json:"body"`
	Date        int64       `json:"date"`
	Name        string      `json:"name"`
	Helpfulness int64       `json:"helpfulness"`
	Answers     []docAnswer `json:"answers"`
}

type docAnswer struct {
	ID          int64    `json:"id"`
	Body        string   `json:"body"`
	Date        int64    `json:"date"`
	Name        string   `json:"name"`
	Helpfulness int64    `json:"helpfulness"`
	Photos      []string `json:"photos"`
}

// QuestionPage returns a page of the questions of a product's document.
// Only the page's questions are decoded whole.
func QuestionPage(doc []byte, productID int64, page catalog.Page) ([]catalog.Question, error) {
	var all []json.RawMessage
	if err := json.Unmarshal(doc, &all); err != nil {
		return nil, fmt.Errorf("a questions document: %w", err)
	}
	first := min(page.First()-1, int64(len(all)))
	out := make([]catalog.Question, 0, min(page.Size, int64(len(all))-first))
	for _, raw := range all[first:min(first+page.Size, int64(len(all)))] {
		var d docQuestion
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, fmt.Errorf("a questions document: %w", err)
		}
		out = append(out, d.question(productID))
	}
	return out, nil
}

func (d docQuestion) question(productID int64) catalog.Question {
	q := catalog.Question{ID: d.ID, ProductID: productID, Body: d.Body, Date: fromMillis(d.Date), AskerName: d.Name, Helpfulness: d.Helpfulness,
		Answers: make([]catalog.Answer, len(d.Answers))}
	for i, a := range d.Answers {
		q.Answers[i] = catalog.Answer{ID: a.ID, QuestionID: d.ID, Body: a.Body, Date: fromMillis(a.Date), AnswererName: a.Name,
			Helpfulness: a.Helpfulness, Photos: make([]catalog.AnswerPhoto, len(a.Photos))}
		for j, u := range a.Photos {
			q.Answers[i].Photos[j] = catalog.AnswerPhoto{AnswerID: a.ID, URL: u}
		}
	}
	return q
}

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// QAWrite is a shopper's write of Q&A, as qa_writes notes it: a question
// (Answer 0) or an answer of a product's, posted, marked helpful, or
// reported. A whole load carries what qa_writes notes onto the new
// catalog.
type QAWrite struct {
	Question, Answer, Product int64
	Posted                    bool
	Helpful                   int64
	Reported                  bool
}

// NoteQAWriteSQL notes a QAWrite (its Args) in qa_writes, adding to what
// was noted of the same question or answer.
const NoteQAWriteSQL = `INSERT INTO qa_writes (question_id, answer_id, product_id, posted, helpful, reported)
	VALUES ($1, $2, $3, $4, $5, $6)
	ON CONFLICT (question_id, answer_id) DO UPDATE SET helpful = qa_writes.helpful + excluded.helpful,
		reported = (qa_writes.reported OR excluded.reported)`

// Args are the values of NoteQAWriteSQL.
func (w QAWrite) Args() []any {
	return []any{w.Question, w.Answer, w.Product, w.Posted, w.Helpful, w.Reported}
}

// A mark on a question or an answer.
const (
	Helpful = iota
	Reported
)

// QAMark is a mark on a question or an answer: the statement that finds
// its question and product ($1 the id), the one that makes the mark, and
// what qa_writes notes of it.
type QAMark struct {
	Write     QAWrite
	FindSQL   string
	UpdateSQL string
}

// QuestionMark is a mark on the question id.
func QuestionMark(id int64, mark int) QAMark {
	m := QAMark{Write: QAWrite{Question: id}, FindSQL: `SELECT id, product_id FROM questions WHERE id = $1`}
	m.set("questions", mark)
	return m
}

// AnswerMark is a mark on the answer id.
func AnswerMark(id int64, mark int) QAMark {
	m := QAMark{Write: QAWrite{Answer: id},
		FindSQL: `SELECT q.id, q.product_id FROM answers a JOIN questions q ON q.id = a.question_id WHERE a.id = $1`}
	m.set("answers", mark)
	return m
}

func (m *QAMark) set(table string, mark int) {
	if mark == Helpful {
		m.Write.Helpful, m.UpdateSQL = 1, `UPDATE `+table+` SET helpfulness = helpfulness + 1 WHERE id = $1`
		return
	}
	m.Write.Reported, m.UpdateSQL = true, `UPDATE `+table+` SET reported = true WHERE id = $1`
}

// QAMarks are QAService's four marks over an engine's way of making one,
// which each engine's DB embeds.
type QAMarks struct {
	mark func(ctx context.Context, what string, m QAMark) error
}

// NewQAMarks returns the marks that mark makes.
func NewQAMarks(mark func(ctx context.Context, what string, m QAMark) error) QAMarks {
	return QAMarks{mark: mark}
}

// MarkQuestionHelpful adds one to a question's helpfulness.
func (q QAMarks) MarkQuestionHelpful(ctx context.Context, id int64) error {
	return q.mark(ctx, "mark a question helpful", QuestionMark(id, Helpful))
}

// ReportQuestion hides a question; reporting it again changes nothing.
func (q QAMarks) ReportQuestion(ctx context.Context, id int64) error {
	return q.mark(ctx, "report a question", QuestionMark(id, Reported))
}

// MarkAnswerHelpful adds one to an answer's helpfulness.
func (q QAMarks) MarkAnswerHelpful(ctx context.Context, id int64) error {
	return q.mark(ctx, "mark an answer helpful", AnswerMark(id, Helpful))
}

// ReportAnswer hides an answer; reporting it again changes nothing.
func (q QAMarks) ReportAnswer(ctx context.Context, id int64) error {
	return q.mark(ctx, "report an answer", AnswerMark(id, Reported))
}

// ID is the id of the question or answer marked.
func (m QAMark) ID() int64 {
	if m.Write.Answer != 0 {
		return m.Write.Answer
	}
	return m.Write.Question
}

// NotFound is the error of a mark on a question or answer that does not
// exist.
func (m QAMark) NotFound() error {
	if m.Write.Answer != 0 {
		return catalog.ErrNoAnswer(m.Write.Answer)
	}
	return catalog.ErrNoQuestion(m.Write.Question)
}

// QAWrittenScope narrows a statement over products to those shoppers
// wrote questions or answers of.
const QAWrittenScope = ` AND product_id IN (SELECT product_id FROM qa_writes)`

// UnfitQAWritesSQL finds the questions and answers written through the
// API that a new catalog cannot take as they are: a posted question whose
// id the dataset has, or whose product it lacks; a posted answer whose id
// it has, or whose question it lacks (unless that was posted too); a
// marked question or answer that it lacks, or has as another product's or
// question's. Each row has the count of them all, and the id of one of the
// first five.
const UnfitQAWritesSQL = `SELECT count(*) OVER (), CASE WHEN w.answer_id = 0 THEN w.question_id ELSE w.answer_id END FROM qa_writes w
	WHERE CASE
		WHEN w.posted AND w.answer_id = 0 THEN EXISTS (SELECT 1 FROM questions_new n WHERE n.id = w.question_id)
			OR NOT EXISTS (SELECT 1 FROM products_new p WHERE p.id = w.product_id)
		WHEN w.posted THEN EXISTS (SELECT 1 FROM answers_new n WHERE n.id = w.answer_id)
			OR NOT (EXISTS (SELECT 1 FROM questions_new n WHERE n.id = w.question_id AND n.product_id = w.product_id)
				OR EXISTS (SELECT 1 FROM qa_writes q WHERE q.question_id = w.question_id AND q.answer_id = 0 AND q.posted))
		WHEN w.answer_id = 0 THEN NOT EXISTS (SELECT 1 FROM questions_new n WHERE n.id = w.question_id AND n.product_id = w.product_id)
		ELSE NOT EXISTS (SELECT 1 FROM answers_new n WHERE n.id = w.answer_id AND n.question_id = w.question_id) END
	ORDER BY w.question_id, w.answer_id LIMIT 5`

// CarryQASQL carries the questions and answers shoppers wrote onto the new
// catalog: those they posted, as they are now (answers with their photos,
// numbered anew after the dataset's), and the helpful votes and reports on
// the dataset's. Each engine then writes the documents of the products
// written of anew (QAWrittenScope).
var CarryQASQL = []string{
	`INSERT INTO questions_new SELECT q.* FROM questions q JOIN qa_writes w ON w.question_id = q.id AND w.answer_id = 0 WHERE w.posted`,
	`INSERT INTO answers_new SELECT a.* FROM answers a JOIN qa_writes w ON w.answer_id = a.id WHERE w.posted`,
	`INSERT INTO answer_photos_new (answer_id, url) SELECT p.answer_id, p.url FROM answer_photos p
		JOIN qa_writes w ON w.answer_id = p.answer_id WHERE w.posted ORDER BY p.id`,
	`UPDATE questions_new SET helpfulness = questions_new.helpfulness + w.helpful, reported = (questions_new.reported OR w.reported)
		FROM qa_writes w WHERE w.question_id = questions_new.id AND w.answer_id = 0 AND NOT w.posted`,
	`UPDATE answers_new SET helpfulness = answers_new.helpfulness + w.helpful, reported = (answers_new.reported OR w.reported)
		FROM qa_writes w WHERE w.answer_id = answers_new.id AND w.answer_id <> 0 AND NOT w.posted`,
}
