package csv

import (
	"strconv"
	"time"

	"catalog"
)

// The Q&A files. A question's or an answer's body and name must hold
// something; its email is absent when the file writes the bare word null
// or nothing, and "" and "null", quoted, are texts. Dates are epoch
// milliseconds, or ISO-like dates in the 2020 variant; reported is 1 or 0.
var (
	Questions = &Table[catalog.Question]{
		File:    "questions.csv",
		Columns: []string{"id", "product_id", "body", "date_written", "asker_name", "asker_email", "reported", "helpful"},
		lead:    2,
		parse:   parseQuestion,
		encode:  appendQuestion,
	}
	Answers = &Table[catalog.Answer]{
		File:    "answers.csv",
		Columns: []string{"id", "question_id", "body", "date_written", "answerer_name", "answerer_email", "reported", "helpful"},
		lead:    2,
		parse:   parseAnswer,
		encode:  appendAnswer,
	}
	AnswerPhotos = &Table[catalog.AnswerPhoto]{
		File:    "answers_photos.csv",
		Columns: []string{"id", "answer_id", "url"},
		lead:    2,
		parse:   parseAnswerPhoto,
		encode:  appendAnswerPhoto,
	}
)

// qaFiles are the Q&A files, parents before children. A dataset has all
// three or none.
var qaFiles = []string{Questions.File, Answers.File, AnswerPhotos.File}

// qaChecks checks the references of the Q&A files' rows, as they are read
// parents first. Only existence is asked of a question or an answer, so
// their ids are kept in sets of a bit an id: about 1.3 MiB for the real
// 3.5M questions and 6.9M answers, and 768 KiB of page tables.
type qaChecks struct {
	products                   *idSet
	questions, answers, photos idSet
}

func (c *qaChecks) checkQuestion(r catalog.Question) error {
	return checked(refers(c.products, "product", r.ProductID), &c.questions, r.ID)
}

func (c *qaChecks) checkAnswer(r catalog.Answer) error {
	return checked(refers(&c.questions, "question", r.QuestionID), &c.answers, r.ID)
}

func (c *qaChecks) checkPhoto(r catalog.AnswerPhoto) error {
	return checked(refers(&c.answers, "answer", r.AnswerID), &c.photos, r.ID)
}

// post is a row of questions.csv or answers.csv: the two files have the
// same columns but for the names of the parent's and the writer's.
type post struct {
	id, parent  int64
	body        string
	date        time.Time
	name        string
	email       catalog.Null[string]
	reported    bool
	helpfulness int64
}

// parsePost parses a post whose parent and writer columns are named
// parent and writer.
func parsePost(p *rowParser, f []field, parent, writer string) (post, error) {
	var r post
	var err error
	if r.id, err = p.id("id", f[0]); err != nil {
		return r, err
	}
	if r.parent, err = p.id(parent, f[1]); err != nil {
		return r, err
	}
	if r.body, err = p.requiredText("body", f[2]); err != nil {
		return r, err
	}
	if r.date, err = p.date("date_written", f[3]); err != nil {
		return r, err
	}
	if r.name, err = p.requiredText(writer, f[4]); err != nil {
		return r, err
	}
	r.email = p.nullText(f[5])
	if r.reported, err = p.flag("reported", f[6]); err != nil {
		return r, err
	}
	r.helpfulness, err = p.quantity("helpful", f[7])
	return r, err
}

func parseQuestion(p *rowParser, f []field) (catalog.Question, error) {
	r, err := parsePost(p, f, "product_id", "asker_name")
	return catalog.Question{ID: r.id, ProductID: r.parent, Body: r.body, Date: r.date, AskerName: r.name,
		AskerEmail: r.email, Reported: r.reported, Helpfulness: r.helpfulness}, err
}

func parseAnswer(p *rowParser, f []field) (catalog.Answer, error) {
	r, err := parsePost(p, f, "question_id", "answerer_name")
	return catalog.Answer{ID: r.id, QuestionID: r.parent, Body: r.body, Date: r.date, AnswererName: r.name,
		AnswererEmail: r.email, Reported: r.reported, Helpfulness: r.helpfulness}, err
}

func parseAnswerPhoto(p *rowParser, f []field) (catalog.AnswerPhoto, error) {
	var r catalog.AnswerPhoto
	var err error
	if r.ID, err = p.id("id", f[0]); err != nil {
		return r, err
	}
	if r.AnswerID, err = p.id("answer_id", f[1]); err != nil {
		return r, err
	}
	r.URL, err = p.requiredText("url", f[2])
	return r, err
}

func appendPost(b []byte, r post) []byte {
	b = appendInts(b, r.id, r.parent)
	b = append(b, ',')
	b = appendText(b, r.body)
	b = append(b, ',')
	b = strconv.AppendInt(b, r.date.UnixMilli(), 10)
	b = append(b, ',')
	b = appendText(b, r.name)
	b = append(b, ',')
	b = appendNullText(b, r.email)
	b = append(b, ',')
	b = appendFlag(b, r.reported)
	b = append(b, ',')
	return strconv.AppendInt(b, r.helpfulness, 10)
}

func appendQuestion(b []byte, r catalog.Question) []byte {
	return appendPost(b, post{r.ID, r.ProductID, r.Body, r.Date, r.AskerName, r.AskerEmail, r.Reported, r.Helpfulness})
}

func appendAnswer(b []byte, r catalog.Answer) []byte {
	return appendPost(b, post{r.ID, r.QuestionID, r.Body, r.Date, r.AnswererName, r.AnswererEmail, r.Reported, r.Helpfulness})
}

func appendAnswerPhoto(b []byte, r catalog.AnswerPhoto) []byte {
	b = appendInts(b, r.ID, r.AnswerID)
	b = append(b, ',')
	return appendText(b, r.URL)
}
