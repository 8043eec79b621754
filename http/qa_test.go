package http_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"catalog"
	"catalog/cache"
	cataloghttp "catalog/http"
)

// fakeQA is a QAService that answers from its fields and records what it
// was asked.
type fakeQA struct {
	questions []catalog.Question // every page of questions
	answers   []catalog.Answer   // every page of answers
	err       error              // when set, every call fails with it
	postErr   error              // when set, PostQuestion and PostAnswer fail with it
	// exists tells the questions and answers that exist; nil: ids 1 to 10.
	exists func(id int64) bool

	mu                                  sync.Mutex
	questionQueries                     []catalog.QuestionQuery
	answerQueries                       []catalog.AnswerQuery
	postedQuestions                     []catalog.NewQuestion
	postedAnswers                       []catalog.NewAnswer
	at                                  []time.Time
	questionsHelpful, questionsReported []int64
	answersHelpful, answersReported     []int64
}

func (f *fakeQA) Questions(_ context.Context, q catalog.QuestionQuery) ([]catalog.Question, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.questionQueries = append(f.questionQueries, q)
	return f.questions, f.err
}

func (f *fakeQA) Answers(_ context.Context, q catalog.AnswerQuery) ([]catalog.Answer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answerQueries = append(f.answerQueries, q)
	return f.answers, f.err
}

func (f *fakeQA) PostQuestion(_ context.Context, q catalog.NewQuestion, at time.Time) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.postedQuestions = append(f.postedQuestions, q)
	f.at = append(f.at, at)
	return f.posted()
}

func (f *fakeQA) PostAnswer(_ context.Context, a catalog.NewAnswer, at time.Time) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.postedAnswers = append(f.postedAnswers, a)
	f.at = append(f.at, at)
	return f.posted()
}

// posted returns what a post returns.
func (f *fakeQA) posted() (int64, error) {
	if f.err != nil {
		return 0, f.err
	}
	return 100, f.postErr
}

func (f *fakeQA) MarkQuestionHelpful(_ context.Context, id int64) error {
	return f.change(&f.questionsHelpful, id, catalog.ErrNoQuestion)
}

func (f *fakeQA) ReportQuestion(_ context.Context, id int64) error {
	return f.change(&f.questionsReported, id, catalog.ErrNoQuestion)
}

func (f *fakeQA) MarkAnswerHelpful(_ context.Context, id int64) error {
	return f.change(&f.answersHelpful, id, catalog.ErrNoAnswer)
}

func (f *fakeQA) ReportAnswer(_ context.Context, id int64) error {
	return f.change(&f.answersReported, id, catalog.ErrNoAnswer)
}

func (f *fakeQA) change(ids *[]int64, id int64, notFound func(int64) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	exists := f.exists
	if exists == nil {
		exists = func(id int64) bool { return id >= 1 && id <= 10 }
	}
	if !exists(id) {
		return notFound(id)
	}
	*ids = append(*ids, id)
	return nil
}

// calls counts the calls f was given.
func (f *fakeQA) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.questionQueries) + len(f.answerQueries) + len(f.postedQuestions) + len(f.postedAnswers) +
		len(f.questionsHelpful) + len(f.questionsReported) + len(f.answersHelpful) + len(f.answersReported)
}

// newQAServer returns a server of f's questions and answers, with stub
// products and carts and no reviews, logging to log when it is not nil.
func newQAServer(t testing.TB, f *fakeQA, log io.Writer) http.Handler {
	t.Helper()
	logger := quietLogger()
	if log != nil {
		logger = slog.New(slog.NewTextHandler(log, nil))
	}
	store := &stubStore{}
	svc := cataloghttp.Services{Products: store, Carts: store, QA: f}
	return cataloghttp.NewServer(svc, cataloghttp.Config{Campus: "hr-rfp", Logger: logger}).Handler()
}

// contractQuestions are the questions of the contract's example, and
// contractQuestionsResults their results.
var contractQuestions = []catalog.Question{{
	ID: 37, ProductID: 5, Body: "Why is this product cheaper here than other sites?", Date: time.UnixMilli(1539820800000),
	AskerName: "williamsmith", AskerEmail: catalog.Some("first.last@gmail.com"), Helpfulness: 4,
	Answers: []catalog.Answer{{ID: 68, QuestionID: 37, Body: "We are selling it here without any markup from the middleman!",
		Date: time.UnixMilli(1534550400000), AnswererName: "Seller", AnswererEmail: catalog.Some("first.last@gmail.com"), Helpfulness: 4,
		Photos: []catalog.AnswerPhoto{{ID: 3, AnswerID: 68, URL: "https://a/3"}}}},
}}

const contractQuestionsResults = `[{"question_id":37,"question_body":"Why is this product cheaper here than other sites?",` +
	`"question_date":"2018-10-18T00:00:00.000Z","asker_name":"williamsmith","question_helpfulness":4,"reported":false,` +
	`"answers":{"68":{"id":68,"body":"We are selling it here without any markup from the middleman!",` +
	`"date":"2018-08-18T00:00:00.000Z","answerer_name":"Seller","helpfulness":4,"photos":["https://a/3"]}}}]`

// contractAnswers are the answers of the contract's example, and
// contractAnswersResults their results.
var contractAnswers = []catalog.Answer{{
	ID: 8, QuestionID: 1, Body: "What a great question!", Date: time.UnixMilli(1515024000000), AnswererName: "metslover",
	AnswererEmail: catalog.Some("first.last@gmail.com"), Helpfulness: 8, Photos: []catalog.AnswerPhoto{{ID: 1, AnswerID: 8, URL: "https://a/1"}},
}}

const contractAnswersResults = `[{"answer_id":8,"body":"What a great question!","date":"2018-01-04T00:00:00.000Z",` +
	`"answerer_name":"metslover","helpfulness":8,"photos":[{"id":1,"url":"https://a/1"}]}]`

func TestQA_Questions(t *testing.T) {
	q := func(id, number, size int64) catalog.QuestionQuery {
		return catalog.QuestionQuery{ProductID: id, Page: catalog.Page{Number: number, Size: size}}
	}
	for _, tc := range []struct {
		path  string
		query catalog.QuestionQuery
		ok    bool
	}{
		{"/qa/questions?product_id=5", q(5, 1, 5), true},
		{"/api/fec2/hr-rfp/qa/questions?product_id=5&page=2&count=10", q(5, 2, 10), true},
		{"/qa/questions?product_id=5&count=1000000000", q(5, 1, cataloghttp.MaxQuestionCount), true},
		{"/api/fec2/hr-rfe/qa/questions?count=100&product_id=0005&page=3&x", q(5, 3, 100), true},
		{"/qa/questions/?product_id=5", catalog.QuestionQuery{}, false},
		{"/qa/question?product_id=5", catalog.QuestionQuery{}, false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			f := &fakeQA{questions: contractQuestions}
			resp := serve(newQAServer(t, f, nil), request{path: tc.path})
			body, _ := io.ReadAll(resp.Body)
			if !tc.ok { // a path the API does not have
				if resp.StatusCode != 404 || f.calls() != 0 {
					t.Fatalf("status %d, %d calls; want 404 and none", resp.StatusCode, f.calls())
				}
				return
			}
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if want := `{"product_id":"5","results":` + contractQuestionsResults + "}"; string(body) != want {
				t.Fatalf("body\n%s\nwant\n%s", body, want)
			}
			if len(f.questionQueries) != 1 || f.questionQueries[0] != tc.query {
				t.Fatalf("queries %+v, want %+v", f.questionQueries, tc.query)
			}
			h := resp.Header
			if h.Get("Content-Type") != "application/json; charset=utf-8" || h.Get("Cache-Control") != zeroReviewCacheControl ||
				!etagPattern.MatchString(h.Get("ETag")) || h.Get("Surrogate-Key") != "catalog product-5 qa qa-5" {
				t.Fatalf("headers %v", h)
			}
		})
	}
}

func TestQA_QuestionsNone(t *testing.T) {
	resp := serve(newQAServer(t, &fakeQA{}, nil), request{path: "/qa/questions?product_id=7"})
	body, _ := io.ReadAll(resp.Body)
	if want := `{"product_id":"7","results":[]}`; resp.StatusCode != 200 || string(body) != want {
		t.Fatalf("%d %s, want 200 %s", resp.StatusCode, body, want)
	}
}

// The answers' page and count echo the query as given, as strings, and
// are the numbers 1 and 5 when not given; a count past the bound is
// served as it, and echoed as given.
func TestQA_Answers(t *testing.T) {
	q := func(id, number, size int64) catalog.AnswerQuery {
		return catalog.AnswerQuery{QuestionID: id, Page: catalog.Page{Number: number, Size: size}}
	}
	for _, tc := range []struct {
		path     string
		query    catalog.AnswerQuery
		wantHead string // the body before results; "": a path the API does not have
	}{
		{"/qa/questions/1/answers", q(1, 1, 5), `{"question":"1","page":1,"count":5,"results":`},
		{"/qa/questions/1/answers?page=1&count=5", q(1, 1, 5), `{"question":"1","page":"1","count":"5","results":`},
		{"/qa/questions/1/answers?count=100", q(1, 1, 100), `{"question":"1","page":1,"count":"100","results":`},
		{"/qa/questions/1/answers?page=2", q(1, 2, 5), `{"question":"1","page":"2","count":5,"results":`},
		{"/qa/questions/0001/answers?count=1000000000&page=01", q(1, 1, cataloghttp.MaxAnswerCount), `{"question":"1","page":"01","count":"1000000000","results":`},
		{"/api/fec2/hr-rfp/qa/questions/37/answers?count=%31%30&x=y", q(37, 1, 10), `{"question":"37","page":1,"count":"10","results":`},
		{"/qa/questions/1/answers/", catalog.AnswerQuery{}, ""},
		{"/qa/answers/1", catalog.AnswerQuery{}, ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			f := &fakeQA{answers: contractAnswers}
			resp := serve(newQAServer(t, f, nil), request{path: tc.path})
			body, _ := io.ReadAll(resp.Body)
			if tc.wantHead == "" {
				if resp.StatusCode != 404 || f.calls() != 0 {
					t.Fatalf("status %d, %d calls; want 404 and none", resp.StatusCode, f.calls())
				}
				return
			}
			if want := tc.wantHead + contractAnswersResults + "}"; resp.StatusCode != 200 || string(body) != want {
				t.Fatalf("%d body\n%s\nwant\n%s", resp.StatusCode, body, want)
			}
			if len(f.answerQueries) != 1 || f.answerQueries[0] != tc.query {
				t.Fatalf("queries %+v, want %+v", f.answerQueries, tc.query)
			}
			h := resp.Header
			if h.Get("Content-Type") != "application/json; charset=utf-8" || h.Get("Cache-Control") != zeroReviewCacheControl ||
				!etagPattern.MatchString(h.Get("ETag")) || h.Get("Surrogate-Key") != "catalog qa answers-"+strconv.FormatInt(tc.query.QuestionID, 10) {
				t.Fatalf("headers %v", h)
			}
		})
	}
}

// The GETs answer If-None-Match with 304, and HEAD without a body.
func TestQA_Conditional(t *testing.T) {
	h := newQAServer(t, &fakeQA{questions: contractQuestions, answers: contractAnswers}, nil)
	for _, path := range []string{"/qa/questions?product_id=5", "/qa/questions/1/answers", "/api/fec2/hr-rfp/qa/questions/1/answers?count=100"} {
		first := serve(h, request{path: path})
		tag := first.Header.Get("ETag")
		for _, inm := range []string{tag, `"other", ` + tag, "W/" + tag, "*"} {
			resp := serve(h, request{path: path, header: map[string]string{"If-None-Match": inm}})
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 304 || len(body) != 0 || resp.Header.Get("ETag") != tag || resp.Header.Get("Cache-Control") != zeroReviewCacheControl {
				t.Fatalf("%s If-None-Match %s: %d %q %v", path, inm, resp.StatusCode, body, resp.Header)
			}
		}
		if resp := serve(h, request{path: path, header: map[string]string{"If-None-Match": `"0123456789abcdef"`}}); resp.StatusCode != 200 {
			t.Fatalf("%s with another tag: %d", path, resp.StatusCode)
		}
		resp := serve(h, request{method: "HEAD", path: path})
		if resp.StatusCode != 200 || resp.Header.Get("ETag") != tag {
			t.Fatalf("HEAD %s: %d %v", path, resp.StatusCode, resp.Header)
		}
	}
	// The echo is part of the body, so of its tag.
	a, b := serve(h, request{path: "/qa/questions/1/answers"}), serve(h, request{path: "/qa/questions/1/answers?page=1&count=5"})
	if a.Header.Get("ETag") == b.Header.Get("ETag") {
		t.Fatalf("answers with and without an echo share the tag %s", a.Header.Get("ETag"))
	}
}

// The Q&A responses are as fresh as the review responses: browsers
// revalidate, shared caches keep them for MaxAge.
func TestQA_Freshness(t *testing.T) {
	store := &stubStore{}
	svc := cataloghttp.Services{Products: store, Carts: store, QA: &fakeQA{}}
	fresh := cataloghttp.Freshness{MaxAge: time.Minute, StaleWhileRevalidate: 2 * time.Minute, StaleIfError: time.Hour}
	h := cataloghttp.NewServer(svc, cataloghttp.Config{Logger: quietLogger(), Freshness: fresh}).Handler()
	for _, path := range []string{"/qa/questions?product_id=5", "/qa/questions/1/answers"} {
		if got, want := serve(h, request{path: path}).Header.Get("Cache-Control"), "public, max-age=0, s-maxage=60, stale-if-error=3600"; got != want {
			t.Errorf("%s: Cache-Control %q, want %q", path, got, want)
		}
	}
}

func TestQA_BadQuery(t *testing.T) {
	for _, tc := range []struct{ path, message string }{
		{"/qa/questions", "product_id is missing"},
		{"/qa/questions?page=1&count=5", "product_id is missing"},
		{"/qa/questions?product_id=", `product_id ""`},
		{"/qa/questions?product_id=abc", `product_id "abc"`},
		{"/qa/questions?product_id=0", `product_id "0"`},
		{"/qa/questions?product_id=2147483648", `product_id "2147483648"`},
		{"/qa/questions?product_id=1&count=0", `count "0"`},
		{"/qa/questions?product_id=1&count=x", `count "x"`},
		{"/qa/questions?product_id=1&page=0", `page "0"`},
		{"/qa/questions?product_id=%zz", "malformed"},
		{"/qa/questions/x/answers", `question id "x"`},
		{"/qa/questions/0/answers", `question id "0"`},
		{"/qa/questions/2147483648/answers", `question id "2147483648"`},
		{"/qa/questions/1/answers?count=0", `count "0"`},
		{"/qa/questions/1/answers?page=", `page ""`},
		{"/qa/questions/1/answers?count=1.5", `count "1.5"`},
		{"/qa/questions/1/answers?count=123456789012345678901", "longer than 20 digits"},
		{"/api/fec2/hr-rfp/qa/questions/1/answers?page=%zz", "malformed"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			f := &fakeQA{}
			resp := serve(newQAServer(t, f, nil), request{path: tc.path})
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 400 || f.calls() != 0 {
				t.Fatalf("status %d, %d calls; want 400 and none", resp.StatusCode, f.calls())
			}
			if msg := errorMessage(t, body); !strings.Contains(msg, tc.message) {
				t.Fatalf("message %q lacks %q", msg, tc.message)
			}
		})
	}
}

// Bodies of POST /qa/questions and POST /qa/questions/{question_id}/answers.
const (
	postQuestion = `{"body":"Does this run big?","name":"jbilas","email":"first.last@gmail.com","product_id":5}`
	postAnswer   = `{"body":"It runs small.","name":"Seller","email":"first.last@gmail.com","photos":["https://example.com/1.jpg","http://example.com/2.jpg"]}`
)

func TestQA_PostQuestion(t *testing.T) {
	want := catalog.NewQuestion{ProductID: 5, Body: "Does this run big?", Name: "jbilas", Email: "first.last@gmail.com"}
	longest := catalog.NewQuestion{ProductID: 5, Body: strings.Repeat("👟", catalog.MaxQABody), Name: strings.Repeat("é", catalog.MaxQAName),
		Email: strings.Repeat("e", catalog.MaxQAEmail-len("@x.io")) + "@x.io"}
	for _, tc := range []struct {
		name string
		req  request
		want catalog.NewQuestion
	}{
		{"OK", request{method: "POST", path: "/qa/questions", body: postQuestion, header: map[string]string{"Content-Type": "application/json"}}, want},
		{"FormStringHosted", request{method: "POST", path: "/api/fec2/hr-rfp/qa/questions",
			body: `{"product_id":"5","body":"Does this run big?","name":"jbilas","email":"first.last@gmail.com"}`}, want},
		{"LongestForm", request{method: "POST", path: "/qa/questions", body: `{"product_id":5,"body":"` + strings.Repeat(`\ud83d\udc5f`, catalog.MaxQABody) +
			`","name":"` + strings.Repeat(`\u00e9`, catalog.MaxQAName) + `","email":"` + longest.Email + `"}`}, longest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeQA{}
			during := wantCreated(t, newQAServer(t, f, nil), tc.req)
			if len(f.postedQuestions) != 1 || f.postedQuestions[0] != tc.want {
				t.Fatalf("posted %+v\nwant %+v", f.postedQuestions, tc.want)
			}
			if at := f.at[0]; !during(at) {
				t.Fatalf("posted at %v, not now", at)
			}
		})
	}
}

func TestQA_PostAnswer(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  request
		want catalog.NewAnswer
	}{
		{"OK", request{method: "POST", path: "/qa/questions/37/answers", body: postAnswer, header: map[string]string{"Content-Type": "application/json"}},
			catalog.NewAnswer{QuestionID: 37, Body: "It runs small.", Name: "Seller", Email: "first.last@gmail.com",
				Photos: []string{"https://example.com/1.jpg", "http://example.com/2.jpg"}}},
		{"NoPhotosHosted", request{method: "POST", path: "/api/fec2/hr-rfp/qa/questions/0037/answers", body: `{"body":"b","name":"n","email":"e@x.io"}`},
			catalog.NewAnswer{QuestionID: 37, Body: "b", Name: "n", Email: "e@x.io"}},
		{"MostPhotos", request{method: "POST", path: "/qa/questions/1/answers",
			body: `{"body":"b","name":"n","email":"e@x.io","photos":["https://a/1","https://a/2","https://a/3","https://a/4","https://a/5"]}`},
			catalog.NewAnswer{QuestionID: 1, Body: "b", Name: "n", Email: "e@x.io", Photos: []string{"https://a/1", "https://a/2", "https://a/3", "https://a/4", "https://a/5"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeQA{}
			during := wantCreated(t, newQAServer(t, f, nil), tc.req)
			if len(f.postedAnswers) != 1 || !reflect.DeepEqual(f.postedAnswers[0], tc.want) {
				t.Fatalf("posted %+v\nwant %+v", f.postedAnswers, tc.want)
			}
			if at := f.at[0]; !during(at) {
				t.Fatalf("posted at %v, not now", at)
			}
		})
	}
}

func TestQA_PostRefused(t *testing.T) {
	const (
		question = "Error: Question body contains invalid entries"
		answer   = "Error: Answer body contains invalid entries"
		rest     = `"body":"b","name":"n","email":"e@x.io"`
	)
	for _, tc := range []struct {
		name, path, body string
		storeErr         error
		want             string
		reason           string // in the log
	}{
		{"QuestionEmpty", "/qa/questions", ``, nil, question, "not a JSON object"},
		{"QuestionForm", "/qa/questions", `product_id=1&body=b`, nil, question, "not a JSON object"},
		{"QuestionTrailing", "/qa/questions", postQuestion + `{}`, nil, question, "more after"},
		{"QuestionNoProduct", "/qa/questions", `{` + rest + `}`, nil, question, "product_id is missing"},
		{"QuestionProductText", "/qa/questions", `{"product_id":"abc",` + rest + `}`, nil, question, "is not a whole number from 1"},
		{"QuestionProductZero", "/qa/questions", `{"product_id":0,` + rest + `}`, nil, question, "product_id"},
		{"QuestionProductUnknown", "/qa/questions", postQuestion, catalog.ErrNoProduct(5), question, "product 5 does not exist"},
		{"QuestionNoBody", "/qa/questions", `{"product_id":1,"name":"n","email":"e@x.io"}`, nil, question, "body is missing"},
		{"QuestionBlankName", "/qa/questions", `{"product_id":1,"body":"b","name":" ","email":"e@x.io"}`, nil, question, "name is missing"},
		{"QuestionEmail", "/qa/questions", `{"product_id":1,"body":"b","name":"n","email":"e"}`, nil, question, "not an email address"},
		{"QuestionLongBody", "/qa/questions", `{"product_id":1,"name":"n","email":"e@x.io","body":"` + strings.Repeat("x", catalog.MaxQABody+1) + `"}`, nil, question, "1001 characters"},
		{"QuestionBodyType", "/qa/questions", `{"product_id":1,"body":1,"name":"n","email":"e@x.io"}`, nil, question, "is not a string"},
		{"AnswerEmpty", "/qa/questions/1/answers", ``, nil, answer, "not a JSON object"},
		{"AnswerQuestionID", "/qa/questions/x/answers", `{` + rest + `}`, nil, answer, "question id"},
		{"AnswerQuestionZero", "/api/fec2/hr-rfp/qa/questions/0/answers", `{` + rest + `}`, nil, answer, "is not a whole number from 1"},
		{"AnswerQuestionUnknown", "/qa/questions/99/answers", `{` + rest + `}`, catalog.ErrNoQuestion(99), answer, "question 99 does not exist"},
		{"AnswerNoName", "/qa/questions/1/answers", `{"body":"b","email":"e@x.io"}`, nil, answer, "name is missing"},
		{"AnswerEmail", "/qa/questions/1/answers", `{"body":"b","name":"n","email":"e@@x"}`, nil, answer, "not an email address"},
		{"AnswerPhotoNotURL", "/qa/questions/1/answers", `{` + rest + `,"photos":["javascript:alert(1)"]}`, nil, answer, "not an http(s) URL"},
		{"AnswerSixPhotos", "/qa/questions/1/answers", `{` + rest + `,"photos":["https://a/1","https://a/2","https://a/3","https://a/4","https://a/5","https://a/6"]}`, nil, answer, "6 photos"},
		{"AnswerPhotosType", "/qa/questions/1/answers", `{` + rest + `,"photos":"https://a/1"}`, nil, answer, "photos"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeQA{postErr: tc.storeErr}
			var log bytes.Buffer
			resp := serve(newQAServer(t, f, &log), request{method: "POST", path: tc.path, body: tc.body})
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 422 || string(body) != tc.want || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Fatalf("%d %q (%s); want 422 %q", resp.StatusCode, body, resp.Header.Get("Content-Type"), tc.want)
			}
			if got, want := len(f.postedQuestions)+len(f.postedAnswers), map[bool]int{true: 1, false: 0}[tc.storeErr != nil]; got != want {
				t.Fatalf("%d posts reached the store, want %d", got, want)
			}
			what := map[string]string{question: "question refused", answer: "answer refused"}[tc.want]
			if !strings.Contains(log.String(), what) || !strings.Contains(log.String(), tc.reason) {
				t.Fatalf("log %q lacks %q with the reason %q", log.String(), what, tc.reason)
			}
		})
	}
}

func TestQA_PostTooLarge(t *testing.T) {
	for _, path := range []string{"/qa/questions", "/qa/questions/1/answers"} {
		f := &fakeQA{}
		body := `{"product_id":1,"body":"` + strings.Repeat("x", cataloghttp.MaxQABodyBytes) + `"}`
		resp := serve(newQAServer(t, f, nil), request{method: "POST", path: path, body: body})
		msg, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 413 || !strings.Contains(errorMessage(t, msg), "over 65536 bytes") || f.calls() != 0 {
			t.Fatalf("%s: %d %s, %d calls; want 413 and none", path, resp.StatusCode, msg, f.calls())
		}
	}
}

func TestQA_Put(t *testing.T) {
	type changes struct{ qHelpful, qReported, aHelpful, aReported []int64 }
	for _, tc := range []struct {
		path   string
		status int
		want   changes
	}{
		{"/qa/questions/5/helpful", 204, changes{qHelpful: []int64{5}}},
		{"/qa/questions/0005/report", 204, changes{qReported: []int64{5}}},
		{"/qa/answers/7/helpful", 204, changes{aHelpful: []int64{7}}},
		{"/qa/answers/10/report", 204, changes{aReported: []int64{10}}},
		{"/api/fec2/hr-rfp/qa/questions/1/helpful", 204, changes{qHelpful: []int64{1}}},
		{"/api/fec2/hr-rfp/qa/answers/1/report", 204, changes{aReported: []int64{1}}},
		{"/qa/questions/11/helpful", 404, changes{}},
		{"/qa/questions/2147483647/report", 404, changes{}},
		{"/qa/answers/11/helpful", 404, changes{}},
		{"/qa/answers/99/report", 404, changes{}},
		{"/qa/questions/abc/helpful", 400, changes{}},
		{"/qa/questions/0/report", 400, changes{}},
		{"/qa/answers/-1/helpful", 400, changes{}},
		{"/qa/answers/2147483648/report", 400, changes{}},
		{"/qa/questions/5/helpful/", 404, changes{}},
		{"/qa/answers/5/like", 404, changes{}},
		{"/qa/answers/5", 404, changes{}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			f := &fakeQA{}
			resp := serve(newQAServer(t, f, nil), request{method: "PUT", path: tc.path, body: `{"ignored":true}`})
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if tc.status == 204 && len(body) != 0 {
				t.Fatalf("a 204 with a body: %q", body)
			}
			if tc.status >= 400 {
				errorMessage(t, body)
			}
			if got := (changes{f.questionsHelpful, f.questionsReported, f.answersHelpful, f.answersReported}); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("changes %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestQA_MethodNotAllowed(t *testing.T) {
	h := newQAServer(t, &fakeQA{}, nil)
	for _, tc := range []struct{ method, path, allow string }{
		{"DELETE", "/qa/questions", "GET, HEAD, POST"},
		{"PUT", "/qa/questions?product_id=1", "GET, HEAD, POST"},
		{"PATCH", "/qa/questions/1/answers", "GET, HEAD, POST"},
		{"DELETE", "/api/fec2/hr-rfp/qa/questions/1/answers", "GET, HEAD, POST"},
		{"GET", "/qa/questions/5/helpful", "PUT"},
		{"POST", "/qa/questions/5/report", "PUT"},
		{"GET", "/qa/answers/5/helpful", "PUT"},
		{"HEAD", "/api/fec2/hr-rfp/qa/answers/5/report", "PUT"},
	} {
		wantNotAllowed(t, h, tc.method, tc.path, tc.allow)
	}
}

// qaRequests are a request of each Q&A route.
var qaRequests = []request{
	{path: "/qa/questions?product_id=1"}, {path: "/qa/questions/1/answers"},
	{method: "POST", path: "/qa/questions", body: postQuestion}, {method: "POST", path: "/qa/questions/1/answers", body: postAnswer},
	{method: "PUT", path: "/qa/questions/1/helpful"}, {method: "PUT", path: "/qa/questions/1/report"},
	{method: "PUT", path: "/qa/answers/1/helpful"}, {method: "PUT", path: "/qa/answers/1/report"},
}

// A server without Q&A has no Q&A routes; one without reviews but with
// Q&A has no review routes.
func TestQA_NoService(t *testing.T) {
	store := &stubStore{}
	h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store, Reviews: &fakeReviews{}}, cataloghttp.Config{Campus: "c", Logger: quietLogger()}).Handler()
	for _, req := range qaRequests {
		if resp := serve(h, req); resp.StatusCode != 404 {
			t.Errorf("%s %s: %d, want 404", req.method, req.path, resp.StatusCode)
		}
	}
	h = newQAServer(t, &fakeQA{}, nil)
	for _, req := range []request{{path: "/reviews?product_id=1"}, {method: "PUT", path: "/reviews/1/helpful"}} {
		if resp := serve(h, req); resp.StatusCode != 404 {
			t.Errorf("%s %s: %d, want 404", req.method, req.path, resp.StatusCode)
		}
	}
}

// A store's failures are the usual JSON errors, internal ones masked.
func TestQA_StoreErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		err     error
		status  int
		message string
	}{
		{"Unavailable", catalog.Errorf(catalog.EUNAVAILABLE, "the store is busy; retry shortly"), 503, "the store is busy"},
		{"Internal", errors.New(`pq: relation "questions" does not exist at /srv/db`), 500, "internal error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newQAServer(t, &fakeQA{err: tc.err}, nil)
			for _, req := range qaRequests {
				resp := serve(h, req)
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != tc.status || !strings.Contains(errorMessage(t, body), tc.message) {
					t.Fatalf("%s %s: %d %s; want %d %q", req.method, req.path, resp.StatusCode, body, tc.status, tc.message)
				}
				if resp.Header.Get("Cache-Control") != "no-store" {
					t.Fatalf("%s %s: Cache-Control %q", req.method, req.path, resp.Header.Get("Cache-Control"))
				}
			}
		})
	}
}

// A write that lands tells Config.Wrote, before it is answered; one
// refused does not.
func TestQA_Wrote(t *testing.T) {
	for _, tc := range []struct {
		req   request
		wrote int
	}{
		{request{method: "POST", path: "/qa/questions", body: postQuestion}, 1},
		{request{method: "POST", path: "/qa/questions/1/answers", body: postAnswer}, 1},
		{request{method: "PUT", path: "/qa/questions/5/helpful"}, 1},
		{request{method: "PUT", path: "/qa/questions/5/report"}, 1},
		{request{method: "PUT", path: "/qa/answers/5/helpful"}, 1},
		{request{method: "PUT", path: "/qa/answers/5/report"}, 1},
		{request{method: "PUT", path: "/qa/answers/11/helpful"}, 0},
		{request{method: "POST", path: "/qa/questions", body: `{}`}, 0},
		{request{method: "POST", path: "/qa/questions/x/answers", body: postAnswer}, 0},
		{request{path: "/qa/questions?product_id=2"}, 0},
		{request{path: "/qa/questions/1/answers"}, 0},
	} {
		t.Run(tc.req.method+" "+tc.req.path, func(t *testing.T) {
			var wrote int
			svc := cataloghttp.Services{Products: &stubStore{}, Carts: &stubStore{}, QA: &fakeQA{}}
			h := cataloghttp.NewServer(svc, cataloghttp.Config{Logger: quietLogger(), Wrote: func(context.Context) { wrote++ }}).Handler()
			serve(h, tc.req)
			if wrote != tc.wrote {
				t.Fatalf("Wrote called %d times, want %d", wrote, tc.wrote)
			}
		})
	}
}

func TestQA_Key(t *testing.T) {
	page := func(n, size int64) catalog.Page { return catalog.Page{Number: n, Size: size} }
	for _, tc := range []struct {
		key  cataloghttp.Key
		want string
	}{
		{cataloghttp.Key{Route: cataloghttp.RouteQuestions, ID: 5, Page: page(1, 5)}, "questions/5/1/5"},
		{cataloghttp.Key{Route: cataloghttp.RouteQuestions, ID: 5, Page: page(2, 1000)}, "questions/5/2/1000"},
		{cataloghttp.Key{Route: cataloghttp.RouteAnswers, ID: 7, Page: page(1, 5)}, "answers/7/1/5"},
		{cataloghttp.Key{Route: cataloghttp.RouteAnswers, ID: 7, Page: page(1, 5), GivenPage: "1", GivenCount: "5"}, "answers/7/1/5/1/5"},
		{cataloghttp.Key{Route: cataloghttp.RouteAnswers, ID: 7, Page: page(1, 1000), GivenCount: "1000000000"}, "answers/7/1/1000//1000000000"},
		{cataloghttp.Key{Route: cataloghttp.RouteAnswers, ID: 7, Page: page(1, 5), GivenPage: "01"}, "answers/7/1/5/01/"},
	} {
		if got := tc.key.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.key, got, tc.want)
		}
	}
	// A product's questions are of its questions' version, a question's
	// answers of its answers'.
	v := catalog.NewVersions()
	v.ApplyReviews(catalog.ReviewHistory{To: 2, Changes: []catalog.ReviewChange{{Seq: 1, ProductID: 5}, {Seq: 2, ProductID: 5, QuestionID: 7}}})
	questions, answers := cataloghttp.Key{Route: cataloghttp.RouteQuestions, ID: 5}, cataloghttp.Key{Route: cataloghttp.RouteAnswers, ID: 7}
	if questions.Version(v) != v.Questions(5) || answers.Version(v) != v.Answers(7) || questions.Version(v) == (cataloghttp.Key{Route: cataloghttp.RouteReviews, ID: 5}).Version(v) {
		t.Fatalf("versions: questions %d, answers %d; want %d, %d", questions.Version(v), answers.Version(v), v.Questions(5), v.Answers(7))
	}
}

// Through the response cache, a Q&A response is read once until the
// versions take in a change of it; the answers' echo keeps apart bodies
// that differ by it; what a change did not reach stays cached.
func TestQA_Cache(t *testing.T) {
	f := &fakeQA{questions: contractQuestions, answers: contractAnswers}
	versions := catalog.NewVersions()
	c := cache.NewResponses(cataloghttp.StoreSource{QA: f}, versions, 1<<20, time.Second)
	store := &stubStore{}
	h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store, QA: f}, cataloghttp.Config{Source: c, Logger: quietLogger()}).Handler()
	paths := []string{"/qa/questions?product_id=5", "/qa/questions?product_id=6", "/qa/questions/7/answers",
		"/qa/questions/7/answers?page=1&count=5", "/qa/questions/8/answers"}
	get := func(path string) string {
		t.Helper()
		resp := serve(h, request{path: path})
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		return string(body)
	}
	first := map[string]string{}
	for _, p := range paths {
		first[p] = get(p)
	}
	if !strings.HasPrefix(first[paths[2]], `{"question":"7","page":1,"count":5,`) || !strings.HasPrefix(first[paths[3]], `{"question":"7","page":"1","count":"5",`) {
		t.Fatalf("answers without and with an echo: %s and %s", first[paths[2]], first[paths[3]])
	}
	for _, p := range paths {
		if body := get("/api/fec2/hr-rfp" + p); body != first[p] {
			t.Fatalf("%s cached as %s, was %s", p, body, first[p])
		}
	}
	if n := f.calls(); n != len(paths) {
		t.Fatalf("%d store reads for %d responses read twice", n, len(paths))
	}
	versions.ApplyReviews(catalog.ReviewHistory{To: 1, Changes: []catalog.ReviewChange{{Seq: 1, ProductID: 5, QuestionID: 7}}})
	for _, p := range paths {
		get(p)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if got := f.questionQueries[len(f.questionQueries)-1].ProductID; len(f.questionQueries) != 3 || got != 5 {
		t.Fatalf("after a change of product 5's questions: %+v", f.questionQueries)
	}
	if len(f.answerQueries) != 5 || f.answerQueries[3].QuestionID != 7 || f.answerQueries[4].QuestionID != 7 {
		t.Fatalf("after a change of question 7's answers: %+v", f.answerQueries)
	}
}
