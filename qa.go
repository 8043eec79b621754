package catalog

import (
	"context"
	"time"
)

// Question is a shopper's question about a product. Answers is filled only
// when questions are listed: every unreported answer, in id order.
type Question struct {
	ID        int64
	ProductID int64
	Body      string
	// Date is when the question was asked; the API gives its UTC day.
	Date       time.Time
	AskerName  string
	AskerEmail Null[string]
	Reported   bool
	// Helpfulness counts the shoppers who found it helpful.
	Helpfulness int64
	Answers     []Answer
}

// Answer is an answer to a question, by a shopper or the seller. Photos is
// filled only when answers are listed, embedded or on their own.
type Answer struct {
	ID         int64
	QuestionID int64
	Body       string
	// Date is when the answer was written; the API gives its UTC day.
	Date          time.Time
	AnswererName  string
	AnswererEmail Null[string]
	Reported      bool
	Helpfulness   int64
	Photos        []AnswerPhoto
}

// AnswerPhoto is a photo a shopper attached to an answer.
type AnswerPhoto struct {
	ID       int64
	AnswerID int64
	URL      string
}

// QuestionQuery selects a page of a product's unreported questions, most
// helpful first, then in id order.
type QuestionQuery struct {
	ProductID int64
	Page      Page
}

// AnswerQuery selects a page of a question's unreported answers, most
// helpful first, then in id order.
type AnswerQuery struct {
	QuestionID int64
	Page       Page
}

// NewQuestion is a question a shopper asks.
type NewQuestion struct {
	ProductID int64
	Body      string
	Name      string
	Email     string
}

// NewAnswer is an answer a shopper posts to a question, with its photos'
// URLs.
type NewAnswer struct {
	QuestionID int64
	Body       string
	Name       string
	Email      string
	Photos     []string
}

// QAService keeps the questions about products and their answers: it lists
// them and takes shoppers' writes.
type QAService interface {
	// Questions returns a page of a product's unreported questions, each
	// with every unreported answer in id order and their photos; a
	// product without questions, or none, has none.
	Questions(ctx context.Context, q QuestionQuery) ([]Question, error)
	// Answers returns a page of a question's unreported answers with
	// their photos in id order; an unknown question has none.
	Answers(ctx context.Context, q AnswerQuery) ([]Answer, error)
	// PostQuestion adds a question, asked at, and returns its id. It fails
	// with ENOTFOUND when the product does not exist (ErrNoProduct).
	PostQuestion(ctx context.Context, q NewQuestion, at time.Time) (int64, error)
	// PostAnswer adds an answer, written at, with its photos in one
	// transaction, and returns its id. It fails with ENOTFOUND when the
	// question does not exist (ErrNoQuestion).
	PostAnswer(ctx context.Context, a NewAnswer, at time.Time) (int64, error)
	// MarkQuestionHelpful and MarkAnswerHelpful add one to a question's or
	// an answer's helpfulness; ReportQuestion and ReportAnswer hide it.
	// They fail with ENOTFOUND when it does not exist.
	MarkQuestionHelpful(ctx context.Context, id int64) error
	ReportQuestion(ctx context.Context, id int64) error
	MarkAnswerHelpful(ctx context.Context, id int64) error
	ReportAnswer(ctx context.Context, id int64) error
}

// Limits of a posted question or answer: those of the storefront's Q&A
// forms.
const (
	MaxQABody      = 1000
	MaxQAName      = 60
	MaxQAEmail     = 60
	MaxAnswerPhoto = 5
)

// Validate checks a question as a shopper asked it, before any store is
// asked: a body, a name and an email address within the form's limits.
// Whether the product exists is the store's to say.
func (q NewQuestion) Validate() error {
	if q.ProductID < 1 || q.ProductID > MaxID {
		return Errorf(EINVALID, "product_id %d is not an id", q.ProductID)
	}
	return checkPost(q.Body, q.Name, q.Email)
}

// Validate checks an answer as a shopper posted it: a body, a name and an
// email address within the form's limits, and at most MaxAnswerPhoto
// http(s) photo URLs. Whether the question exists is the store's to say.
func (a NewAnswer) Validate() error {
	switch {
	case a.QuestionID < 1 || a.QuestionID > MaxID:
		return Errorf(EINVALID, "question %d is not an id", a.QuestionID)
	case len(a.Photos) > MaxAnswerPhoto:
		return Errorf(EINVALID, "%d photos: an answer has at most %d", len(a.Photos), MaxAnswerPhoto)
	}
	for _, u := range a.Photos {
		if !validPhotoURL(u) {
			return Errorf(EINVALID, "photo %q is not an http(s) URL of at most %d bytes", u, MaxPhotoURL)
		}
	}
	return checkPost(a.Body, a.Name, a.Email)
}

// checkPost checks the text every question and answer has.
func checkPost(body, name, email string) error {
	for _, t := range []struct {
		name, text string
		max        int
	}{{"body", body, MaxQABody}, {"name", name, MaxQAName}, {"email", email, MaxQAEmail}} {
		if err := checkText(t.name, t.text, true, t.max); err != nil {
			return err
		}
	}
	if !validEmail(email) {
		return Errorf(EINVALID, "email %q is not an email address", email)
	}
	return nil
}

// ErrNoQuestion is the error of a question that does not exist.
func ErrNoQuestion(id int64) error { return Errorf(ENOTFOUND, "question %d does not exist", id) }

// ErrNoAnswer is the error of an answer that does not exist.
func ErrNoAnswer(id int64) error { return Errorf(ENOTFOUND, "answer %d does not exist", id) }

// Interaction is a storefront's record of a click: which element of which
// widget, at the time the storefront sent (not parsed: clients send what
// they like), and when the service took it.
type Interaction struct {
	Element string
	Widget  string
	Time    string
	At      time.Time
}

// Limits of an interaction's fields.
const MaxInteractionField = 200

// Validate checks an interaction as a storefront sent it: each field a
// non-empty UTF-8 text of at most MaxInteractionField characters.
func (i Interaction) Validate() error {
	for _, f := range []struct{ name, text string }{{"element", i.Element}, {"widget", i.Widget}, {"time", i.Time}} {
		if err := checkText(f.name, f.text, true, MaxInteractionField); err != nil {
			return err
		}
	}
	return nil
}

// InteractionStore keeps storefronts' interactions, written in batches,
// for a retention period.
type InteractionStore interface {
	// AddInteractions keeps a batch of interactions in one write.
	AddInteractions(ctx context.Context, batch []Interaction) error
	// DeleteInteractions deletes the interactions taken before before,
	// at most limit of them, and returns how many it deleted.
	DeleteInteractions(ctx context.Context, before time.Time, limit int) (int64, error)
}

// ErrUnfitQAWrites is the error of a whole load whose dataset cannot take
// the questions and answers shoppers wrote through the API: n of them,
// the first of their ids.
func ErrUnfitQAWrites(n int64, ids []int64) error {
	return Errorf(EUNPROCESSABLE, "the new dataset cannot take %d questions and answers shoppers wrote through the API (ids %v): "+
		"it has questions or answers of the ids of those posted, or lacks their products or questions, or the ones marked helpful or reported. "+
		"If the dataset was exported from this store with them, load it with --drop-writes; the catalog being served stays", n, ids)
}
