package wire

import (
	"cmp"
	"slices"

	"catalog"
)

// The bodies of the Questions & Answers routes (CONTRACT-REVIEWS-QA.md).

// AppendQuestions appends a page of a product's questions, as GET
// /qa/questions answers it: the product id as a string and the results,
// without page or count; each question with reported false (only
// unreported ones are listed), its date as its UTC day, and answers an
// object keyed by answer id, in ascending id order whatever order they
// come in, each with its photos as plain URLs. Never an email.
func AppendQuestions(b []byte, productID int64, questions []catalog.Question) []byte {
	b = append(b, `{"product_id":"`...)
	b = appendInt(b, productID)
	b = append(b, `","results":[`...)
	for i := range questions {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuestion(b, &questions[i])
	}
	return append(b, "]}"...)
}

// appendQuestion appends one question of a product's list.
func appendQuestion(b []byte, q *catalog.Question) []byte {
	b = append(b, `{"question_id":`...)
	b = appendInt(b, q.ID)
	b = append(b, `,"question_body":`...)
	b = appendString(b, q.Body)
	b = append(b, `,"question_date":`...)
	b = appendDay(b, q.Date)
	b = append(b, `,"asker_name":`...)
	b = appendString(b, q.AskerName)
	b = append(b, `,"question_helpfulness":`...)
	b = appendInt(b, q.Helpfulness)
	b = append(b, `,"reported":false,"answers":{`...)
	answers := q.Answers
	if !slices.IsSortedFunc(answers, byAnswerID) {
		answers = slices.SortedFunc(slices.Values(answers), byAnswerID)
	}
	for i := range answers {
		a := &answers[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = appendInt(b, a.ID)
		b = append(b, `":{"id":`...)
		b = appendInt(b, a.ID)
		b = appendAnswerFields(b, a)
		b = append(b, `,"photos":[`...)
		for j := range a.Photos {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendString(b, a.Photos[j].URL)
		}
		b = append(b, "]}"...)
	}
	return append(b, "}}"...)
}

func byAnswerID(a, b catalog.Answer) int { return cmp.Compare(a.ID, b.ID) }

// appendAnswerFields appends what an answer holds between its id and its
// photos, in both forms the API gives it.
func appendAnswerFields(b []byte, a *catalog.Answer) []byte {
	b = append(b, `,"body":`...)
	b = appendString(b, a.Body)
	b = append(b, `,"date":`...)
	b = appendDay(b, a.Date)
	b = append(b, `,"answerer_name":`...)
	b = appendString(b, a.AnswererName)
	b = append(b, `,"helpfulness":`...)
	return appendInt(b, a.Helpfulness)
}

// AppendAnswers appends a page of a question's answers, as GET
// /qa/questions/{question_id}/answers answers it: the question id as a
// string; page and count as the query gave them (givenPage, givenCount),
// as strings, or when it did not, the page's number and size as numbers
// (the defaults, 1 and 5); each answer with its date as its UTC day and
// its photos as {id,url}. Never an email.
func AppendAnswers(b []byte, questionID int64, page catalog.Page, givenPage, givenCount string, answers []catalog.Answer) []byte {
	b = append(b, `{"question":"`...)
	b = appendInt(b, questionID)
	b = append(b, `","page":`...)
	b = appendGiven(b, givenPage, page.Number)
	b = append(b, `,"count":`...)
	b = appendGiven(b, givenCount, page.Size)
	b = append(b, `,"results":[`...)
	for i := range answers {
		a := &answers[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"answer_id":`...)
		b = appendInt(b, a.ID)
		b = appendAnswerFields(b, a)
		b = append(b, `,"photos":[`...)
		for j, p := range a.Photos {
			b = appendPhoto(b, j, p.ID, p.URL)
		}
		b = append(b, "]}"...)
	}
	return append(b, "]}"...)
}

// appendGiven appends a query parameter as the client gave it, a string,
// or n when it gave none.
func appendGiven(b []byte, given string, n int64) []byte {
	if given == "" {
		return appendInt(b, n)
	}
	return appendString(b, given)
}
