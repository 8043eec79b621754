package wire

import (
	"encoding/json"
	"testing"
	"time"

	"catalog"
)

// contractAnswer is the answer of the contract's example of a question.
var contractAnswer = catalog.Answer{
	ID: 68, QuestionID: 37, Body: "We are selling it here without any markup from the middleman!",
	Date: time.UnixMilli(1534550400000), AnswererName: "Seller", AnswererEmail: catalog.Some("first.last@gmail.com"), Helpfulness: 4,
	Photos: []catalog.AnswerPhoto{{ID: 3, AnswerID: 68, URL: "https://a/3"}},
}

func TestAppendQuestions(t *testing.T) {
	for _, tc := range []struct {
		name      string
		productID int64
		questions []catalog.Question
		want      string
	}{
		{"None", 5, nil, `{"product_id":"5","results":[]}`},
		{
			"Contract", 5,
			[]catalog.Question{{
				ID: 37, ProductID: 5, Body: "Why is this product cheaper here than other sites?", Date: time.UnixMilli(1539820800000),
				AskerName: "williamsmith", AskerEmail: catalog.Some("first.last@gmail.com"), Helpfulness: 4,
				Answers: []catalog.Answer{contractAnswer},
			}},
			`{"product_id":"5","results":[{"question_id":37,"question_body":"Why is this product cheaper here than other sites?",` +
				`"question_date":"2018-10-18T00:00:00.000Z","asker_name":"williamsmith","question_helpfulness":4,"reported":false,` +
				`"answers":{"68":{"id":68,"body":"We are selling it here without any markup from the middleman!",` +
				`"date":"2018-08-18T00:00:00.000Z","answerer_name":"Seller","helpfulness":4,"photos":["https://a/3"]}}}]}`,
		},
		{
			// Answers out of id order are written in it; reported is
			// false whatever the row says; escapes as everywhere.
			"OrderAndEscapes", 1,
			[]catalog.Question{
				{ID: 3, Body: "Does \"this\" run big?\n", Date: time.Date(2020, 12, 21, 23, 59, 59, 0, time.FixedZone("X", -3600)),
					AskerName: "jb\xff", Helpfulness: 8, Reported: true, Answers: []catalog.Answer{
						{ID: 10, Body: "b10", Date: time.UnixMilli(1596080481467), AnswererName: "x", Helpfulness: 1,
							Photos: []catalog.AnswerPhoto{{ID: 2, URL: "https://a/2"}, {ID: 1, URL: `https://a/"1"`}}},
						{ID: 9, Body: "", Date: time.UnixMilli(0), Helpfulness: 0},
					}},
				{ID: 4, Body: "q4", Date: time.UnixMilli(1596080481467), AskerName: "n", Helpfulness: -1, Answers: []catalog.Answer{}},
			},
			`{"product_id":"1","results":[` +
				`{"question_id":3,"question_body":"Does \"this\" run big?\n","question_date":"2020-12-22T00:00:00.000Z",` +
				`"asker_name":"jb\ufffd","question_helpfulness":8,"reported":false,"answers":{` +
				`"9":{"id":9,"body":"","date":"1970-01-01T00:00:00.000Z","answerer_name":"","helpfulness":0,"photos":[]},` +
				`"10":{"id":10,"body":"b10","date":"2020-07-30T00:00:00.000Z","answerer_name":"x","helpfulness":1,"photos":["https://a/2","https://a/\"1\""]}}},` +
				`{"question_id":4,"question_body":"q4","question_date":"2020-07-30T00:00:00.000Z","asker_name":"n",` +
				`"question_helpfulness":-1,"reported":false,"answers":{}}]}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := AppendQuestions([]byte("x"), tc.productID, tc.questions)
			if string(got[1:]) != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got[1:], tc.want)
			}
			if !json.Valid(got[1:]) {
				t.Fatalf("not JSON: %s", got[1:])
			}
		})
	}
}

// The answers of a question are sorted on a copy: the caller's slice
// (a cached store result) is left as it was.
func TestAppendQuestions_KeepsOrder(t *testing.T) {
	answers := []catalog.Answer{{ID: 2}, {ID: 1}}
	AppendQuestions(nil, 1, []catalog.Question{{ID: 1, Answers: answers}})
	if answers[0].ID != 2 || answers[1].ID != 1 {
		t.Fatalf("the answers were reordered: %+v", answers)
	}
}

func TestAppendAnswers(t *testing.T) {
	answers := []catalog.Answer{
		{ID: 8, QuestionID: 1, Body: "What a great question!", Date: time.UnixMilli(1515024000000), AnswererName: "metslover",
			AnswererEmail: catalog.Some("first.last@gmail.com"), Helpfulness: 8, Photos: []catalog.AnswerPhoto{{ID: 1, AnswerID: 8, URL: "https://a/1"}}},
		{ID: 5, QuestionID: 1, Body: "tab\there", Date: time.UnixMilli(1596080481467), AnswererName: "n", Helpfulness: 0,
			Photos: []catalog.AnswerPhoto{{ID: 7, URL: "https://a/7"}, {ID: 6, URL: "https://a/6"}}},
	}
	const results = `[{"answer_id":8,"body":"What a great question!","date":"2018-01-04T00:00:00.000Z","answerer_name":"metslover",` +
		`"helpfulness":8,"photos":[{"id":1,"url":"https://a/1"}]},` +
		`{"answer_id":5,"body":"tab\there","date":"2020-07-30T00:00:00.000Z","answerer_name":"n","helpfulness":0,` +
		`"photos":[{"id":7,"url":"https://a/7"},{"id":6,"url":"https://a/6"}]}]`
	page := func(n, size int64) catalog.Page { return catalog.Page{Number: n, Size: size} }
	for _, tc := range []struct {
		name              string
		page              catalog.Page
		givenPage, gCount string
		answers           []catalog.Answer
		want              string
	}{
		{"Defaults", page(1, 5), "", "", answers, `{"question":"1","page":1,"count":5,"results":` + results + `}`},
		{"Given", page(2, 100), "2", "100", answers, `{"question":"1","page":"2","count":"100","results":` + results + `}`},
		{"GivenAsSent", page(1, 1000), "001", "1000000000", answers, `{"question":"1","page":"001","count":"1000000000","results":` + results + `}`},
		{"OnlyCount", page(1, 5), "", "5", nil, `{"question":"1","page":1,"count":"5","results":[]}`},
		{"OnlyPage", page(3, 5), "3", "", nil, `{"question":"1","page":"3","count":5,"results":[]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(AppendAnswers(nil, 1, tc.page, tc.givenPage, tc.gCount, tc.answers))
			if got != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
			if !json.Valid([]byte(got)) {
				t.Fatalf("not JSON: %s", got)
			}
		})
	}
}
