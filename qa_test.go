package catalog_test

import (
	"strings"
	"testing"

	"catalog"
)

func TestValidate_QA(t *testing.T) {
	question := func(edit func(q *catalog.NewQuestion)) error {
		q := catalog.NewQuestion{ProductID: 1, Body: "Is it warm?", Name: "cold", Email: "cold@example.com"}
		edit(&q)
		return q.Validate()
	}
	answer := func(edit func(a *catalog.NewAnswer)) error {
		a := catalog.NewAnswer{QuestionID: 1, Body: "Yes.", Name: "Seller", Email: "seller@example.com",
			Photos: []string{"https://img.example/a.jpg"}}
		edit(&a)
		return a.Validate()
	}
	click := func(edit func(i *catalog.Interaction)) error {
		i := catalog.Interaction{Element: "img#main", Widget: "Overview", Time: "2026-12-07T12:00:00.000Z"}
		edit(&i)
		return i.Validate()
	}
	for _, tc := range []struct {
		name string
		err  error
		ok   bool
	}{
		{"a question", question(func(*catalog.NewQuestion) {}), true},
		{"a question of no product", question(func(q *catalog.NewQuestion) { q.ProductID = 0 }), false},
		{"a question of an id past 2^31", question(func(q *catalog.NewQuestion) { q.ProductID = catalog.MaxID + 1 }), false},
		{"a blank question", question(func(q *catalog.NewQuestion) { q.Body = "  " }), false},
		{"a question of 1,000 characters", question(func(q *catalog.NewQuestion) { q.Body = strings.Repeat("é", 1000) }), true},
		{"a question of 1,001 characters", question(func(q *catalog.NewQuestion) { q.Body = strings.Repeat("é", 1001) }), false},
		{"a question without a name", question(func(q *catalog.NewQuestion) { q.Name = "" }), false},
		{"a name of 61 characters", question(func(q *catalog.NewQuestion) { q.Name = strings.Repeat("n", 61) }), false},
		{"an email without a domain", question(func(q *catalog.NewQuestion) { q.Email = "cold@" }), false},
		{"a question with a NUL", question(func(q *catalog.NewQuestion) { q.Body = "warm\x00?" }), false},
		{"a question not UTF-8", question(func(q *catalog.NewQuestion) { q.Body = "warm\xff?" }), false},
		{"an answer", answer(func(*catalog.NewAnswer) {}), true},
		{"an answer without photos", answer(func(a *catalog.NewAnswer) { a.Photos = nil }), true},
		{"an answer of no question", answer(func(a *catalog.NewAnswer) { a.QuestionID = -1 }), false},
		{"an answer with 6 photos", answer(func(a *catalog.NewAnswer) { a.Photos = make([]string, 6) }), false},
		{"a photo that is not a URL", answer(func(a *catalog.NewAnswer) { a.Photos = []string{"photo.jpg"} }), false},
		{"a photo of ftp", answer(func(a *catalog.NewAnswer) { a.Photos = []string{"ftp://img.example/a.jpg"} }), false},
		{"an answer without an email", answer(func(a *catalog.NewAnswer) { a.Email = "" }), false},
		{"a click", click(func(*catalog.Interaction) {}), true},
		{"a click of any time text", click(func(i *catalog.Interaction) { i.Time = "Mon Dec 07 2026 12:00:00 GMT+0100" }), true},
		{"a click without an element", click(func(i *catalog.Interaction) { i.Element = "" }), false},
		{"a click without a widget", click(func(i *catalog.Interaction) { i.Widget = "" }), false},
		{"a click without a time", click(func(i *catalog.Interaction) { i.Time = "" }), false},
		{"a click of 201 characters", click(func(i *catalog.Interaction) { i.Element = strings.Repeat("e", 201) }), false},
	} {
		switch {
		case tc.ok && tc.err != nil:
			t.Errorf("%s: %v, want valid", tc.name, tc.err)
		case !tc.ok && catalog.ErrorCode(tc.err) != catalog.EINVALID:
			t.Errorf("%s: %v, want EINVALID", tc.name, tc.err)
		}
	}
}
