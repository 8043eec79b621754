package storetest

import (
	"cmp"
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"catalog"
)

// qaModel is what a store's questions should be: the fixture's rows and
// the writes made since, listed as the contract says.
type qaModel struct {
	questions map[int64]catalog.Question
	answers   map[int64]catalog.Answer
	photos    []catalog.AnswerPhoto
}

func newQAModel(f Fixture) *qaModel {
	m := &qaModel{questions: map[int64]catalog.Question{}, answers: map[int64]catalog.Answer{}, photos: slices.Clone(f.AnswerPhotos)}
	for _, q := range f.Questions {
		m.questions[q.ID] = q
	}
	for _, a := range f.Answers {
		m.answers[a.ID] = a
	}
	return m
}

// byHelpfulness orders by helpfulness, descending, then by id.
func byHelpfulness(ha, hb, ia, ib int64) int {
	return cmp.Or(cmp.Compare(hb, ha), cmp.Compare(ia, ib))
}

// list returns a page of a product's unreported questions, each with its
// unreported answers in id order, as listed (no emails).
func (m *qaModel) list(productID int64, page catalog.Page) []catalog.Question {
	var qs []catalog.Question
	for _, q := range m.questions {
		if q.ProductID == productID && !q.Reported {
			q.AskerEmail = catalog.Null[string]{}
			q.Answers = m.answersOf(q.ID, func(a, b catalog.Answer) int { return cmp.Compare(a.ID, b.ID) })
			for i := range q.Answers {
				for j := range q.Answers[i].Photos {
					q.Answers[i].Photos[j].ID = 0 // the embedded photos are URLs only
				}
			}
			qs = append(qs, q)
		}
	}
	slices.SortFunc(qs, func(a, b catalog.Question) int { return byHelpfulness(a.Helpfulness, b.Helpfulness, a.ID, b.ID) })
	return pageOf(qs, page)
}

// answersOf returns a question's unreported answers in an order, with
// their photos in id order, as listed (no emails).
func (m *qaModel) answersOf(questionID int64, order func(a, b catalog.Answer) int) []catalog.Answer {
	out := []catalog.Answer{}
	for _, a := range m.answers {
		if a.QuestionID != questionID || a.Reported {
			continue
		}
		a.AnswererEmail, a.Photos = catalog.Null[string]{}, []catalog.AnswerPhoto{}
		for _, p := range m.photos {
			if p.AnswerID == a.ID {
				a.Photos = append(a.Photos, p)
			}
		}
		slices.SortFunc(a.Photos, func(x, y catalog.AnswerPhoto) int { return cmp.Compare(x.ID, y.ID) })
		out = append(out, a)
	}
	slices.SortFunc(out, order)
	return out
}

// answerPage returns a page of a question's unreported answers, as the
// answers route lists them.
func (m *qaModel) answerPage(questionID int64, page catalog.Page) []catalog.Answer {
	return pageOf(m.answersOf(questionID, func(a, b catalog.Answer) int { return byHelpfulness(a.Helpfulness, b.Helpfulness, a.ID, b.ID) }), page)
}

func pageOf[T any](all []T, page catalog.Page) []T {
	first := min(page.First()-1, int64(len(all)))
	return append([]T{}, all[first:min(first+page.Size, int64(len(all)))]...)
}

// checkQA checks a product's questions, and each of its questions'
// answers, against the model.
func checkQA(t *testing.T, s catalog.QAService, m *qaModel, productID int64) {
	t.Helper()
	ctx := context.Background()
	page := catalog.Page{Number: 1, Size: 100}
	got, err := s.Questions(ctx, catalog.QuestionQuery{ProductID: productID, Page: page})
	if err != nil {
		t.Fatal(err)
	}
	if want := m.list(productID, page); !reflect.DeepEqual(got, want) {
		t.Fatalf("questions of product %d =\n%+v\nwant\n%+v", productID, got, want)
	}
	for _, q := range m.questions {
		if q.ProductID != productID {
			continue
		}
		got, err := s.Answers(ctx, catalog.AnswerQuery{QuestionID: q.ID, Page: page})
		if err != nil {
			t.Fatal(err)
		}
		if want := m.answerPage(q.ID, page); !reflect.DeepEqual(got, want) {
			t.Fatalf("answers of question %d =\n%+v\nwant\n%+v", q.ID, got, want)
		}
	}
}

func questionIDs(qs []catalog.Question) []int64 {
	out := []int64{}
	for _, q := range qs {
		out = append(out, q.ID)
	}
	return out
}

func testQuestions(t *testing.T, open Opener) {
	s, _ := openLoaded(t, open)
	ctx := context.Background()
	m := newQAModel(NewFixture())
	for _, tc := range []struct {
		name string
		q    catalog.QuestionQuery
		want []int64
	}{
		// Questions 1 and 3 tie on helpfulness: id decides; 2 is reported.
		{"first page", catalog.QuestionQuery{ProductID: 1, Page: catalog.Page{Number: 1, Size: 5}}, []int64{4, 1, 3}},
		{"page 2", catalog.QuestionQuery{ProductID: 1, Page: catalog.Page{Number: 2, Size: 2}}, []int64{3}},
		{"past the end", catalog.QuestionQuery{ProductID: 1, Page: catalog.Page{Number: 9, Size: 2}}, []int64{}},
		{"without answers", catalog.QuestionQuery{ProductID: 2, Page: catalog.Page{Number: 1, Size: 5}}, []int64{5}},
		{"no questions", catalog.QuestionQuery{ProductID: 3, Page: catalog.Page{Number: 1, Size: 5}}, []int64{}},
		{"no product", catalog.QuestionQuery{ProductID: 99, Page: catalog.Page{Number: 1, Size: 5}}, []int64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Questions(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(questionIDs(got), tc.want) {
				t.Fatalf("questions = %v, want %v", questionIDs(got), tc.want)
			}
		})
	}
	t.Run("Fields", func(t *testing.T) {
		checkQA(t, s, m, 1)
		checkQA(t, s, m, 2)
	})
	t.Run("Answers", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			q    catalog.AnswerQuery
			want int
		}{
			{"first page", catalog.AnswerQuery{QuestionID: 1, Page: catalog.Page{Number: 1, Size: 1}}, 1},
			{"page 2", catalog.AnswerQuery{QuestionID: 1, Page: catalog.Page{Number: 2, Size: 1}}, 1},
			{"past the end", catalog.AnswerQuery{QuestionID: 1, Page: catalog.Page{Number: 3, Size: 1}}, 0},
			{"no question", catalog.AnswerQuery{QuestionID: 99, Page: catalog.Page{Number: 1, Size: 5}}, 0},
		} {
			got, err := s.Answers(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if want := m.answerPage(tc.q.QuestionID, tc.q.Page); len(got) != tc.want || !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: answers = %+v, want %+v", tc.name, got, want)
			}
		}
	})
}

func testPostQA(t *testing.T, open Opener) {
	s, clock := openLoaded(t, open)
	ctx := context.Background()
	m := newQAModel(NewFixture())
	at := clock.Now()
	q := catalog.NewQuestion{ProductID: 3, Body: "Does it come in blue?", Name: "bluey", Email: "blue@example.com"}
	qid, err := s.PostQuestion(ctx, q, at)
	if err != nil {
		t.Fatal(err)
	}
	if qid <= 5 {
		t.Fatalf("question id %d, want one past the dataset's", qid)
	}
	m.questions[qid] = catalog.Question{ID: qid, ProductID: 3, Body: q.Body, Date: day(at.UnixMilli()), AskerName: q.Name}
	checkQA(t, s, m, 3)

	a := catalog.NewAnswer{QuestionID: qid, Body: "Navy, yes.", Name: "Seller", Email: "seller@example.com",
		Photos: []string{"https://img.example/navy-1.jpg", "https://img.example/navy-2.jpg"}}
	aid, err := s.PostAnswer(ctx, a, at)
	if err != nil {
		t.Fatal(err)
	}
	m.answers[aid] = catalog.Answer{ID: aid, QuestionID: qid, Body: a.Body, Date: day(at.UnixMilli()), AnswererName: a.Name}
	got, err := s.Answers(ctx, catalog.AnswerQuery{QuestionID: qid, Page: catalog.Page{Number: 1, Size: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Photos) != 2 || got[0].Photos[0].URL != a.Photos[0] || got[0].Photos[1].URL != a.Photos[1] {
		t.Fatalf("answers = %+v, want the posted one with its two photos in order", got)
	}
	m.photos = append(m.photos, got[0].Photos...)
	checkQA(t, s, m, 3)

	_, err = s.PostQuestion(ctx, catalog.NewQuestion{ProductID: 99, Body: "?", Name: "n", Email: "n@example.com"}, at)
	wantCode(t, err, catalog.ENOTFOUND)
	_, err = s.PostAnswer(ctx, catalog.NewAnswer{QuestionID: 999, Body: "!", Name: "n", Email: "n@example.com"}, at)
	wantCode(t, err, catalog.ENOTFOUND)
	checkQA(t, s, m, 3)
}

// testQAHelpful marks a question and an answer helpful from 50 callers at
// once each: no vote is lost.
func testQAHelpful(t *testing.T, open Opener) {
	s, _ := openLoaded(t, open)
	ctx := context.Background()
	m := newQAModel(NewFixture())
	const callers = 50
	var wg sync.WaitGroup
	errs := make(chan error, 2*callers)
	for range callers {
		wg.Go(func() { errs <- s.MarkQuestionHelpful(ctx, 5) })
		wg.Go(func() { errs <- s.MarkAnswerHelpful(ctx, 3) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	q, a := m.questions[5], m.answers[3]
	q.Helpfulness += callers
	a.Helpfulness += callers
	m.questions[5], m.answers[3] = q, a
	checkQA(t, s, m, 1)
	checkQA(t, s, m, 2)
	wantCode(t, s.MarkQuestionHelpful(ctx, 99), catalog.ENOTFOUND)
	wantCode(t, s.MarkAnswerHelpful(ctx, 99), catalog.ENOTFOUND)
}

// testReportQA reports a question and an answer: each is hidden at once,
// from the list and the answers route; a second report changes nothing.
func testReportQA(t *testing.T, open Opener) {
	s, _ := openLoaded(t, open)
	ctx := context.Background()
	m := newQAModel(NewFixture())
	for range 2 {
		if err := s.ReportAnswer(ctx, 1); err != nil {
			t.Fatal(err)
		}
		a := m.answers[1]
		a.Reported = true
		m.answers[1] = a
		checkQA(t, s, m, 1)
		if err := s.ReportQuestion(ctx, 4); err != nil {
			t.Fatal(err)
		}
		q := m.questions[4]
		q.Reported = true
		m.questions[4] = q
		checkQA(t, s, m, 1)
	}
	wantCode(t, s.ReportQuestion(ctx, 99), catalog.ENOTFOUND)
	wantCode(t, s.ReportAnswer(ctx, 99), catalog.ENOTFOUND)
}

// testQAChanges: every write of Q&A numbers a change of its product's
// questions that names its question.
func testQAChanges(t *testing.T, open Opener) {
	s, clock := openLoaded(t, open)
	ctx := context.Background()
	before, err := s.ReviewChanges(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	qid, err := s.PostQuestion(ctx, catalog.NewQuestion{ProductID: 2, Body: "Unisex?", Name: "n", Email: "n@example.com"}, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	writes := []struct {
		do       func() error
		question int64
	}{
		{func() error {
			_, err := s.PostAnswer(ctx, catalog.NewAnswer{QuestionID: 5, Body: "Yes", Name: "n", Email: "n@example.com"}, time.Now())
			return err
		}, 5},
		{func() error { return s.MarkQuestionHelpful(ctx, 1) }, 1},
		{func() error { return s.ReportQuestion(ctx, 3) }, 3},
		{func() error { return s.MarkAnswerHelpful(ctx, 4) }, 3},
		{func() error { return s.ReportAnswer(ctx, 5) }, 4},
	}
	want := []catalog.ReviewChange{{ProductID: 2, QuestionID: qid}}
	for _, w := range writes {
		if err := w.do(); err != nil {
			t.Fatal(err)
		}
		product := m1or2(w.question)
		want = append(want, catalog.ReviewChange{ProductID: product, QuestionID: w.question})
	}
	h, err := s.ReviewChanges(ctx, before.To)
	if err != nil {
		t.Fatal(err)
	}
	var got []catalog.ReviewChange
	for _, c := range h.Changes {
		got = append(got, catalog.ReviewChange{ProductID: c.ProductID, QuestionID: c.QuestionID})
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("changes = %+v, want %+v", got, want)
	}
}

// m1or2 is the fixture's product of a question.
func m1or2(question int64) int64 {
	if question == 5 {
		return 2
	}
	return 1
}

// writeQA asks a question of product 3 and answers it with a photo,
// answers question 5, marks question 1 and answer 4 helpful twice each,
// and reports question 3 and answer 3, as the model has it.
func writeQA(t *testing.T, s catalog.QAService, m *qaModel, at time.Time) {
	t.Helper()
	ctx := context.Background()
	q := catalog.NewQuestion{ProductID: 3, Body: "Waterproof?", Name: "wet", Email: "wet@example.com"}
	qid, err := s.PostQuestion(ctx, q, at)
	if err != nil {
		t.Fatal(err)
	}
	m.questions[qid] = catalog.Question{ID: qid, ProductID: 3, Body: q.Body, Date: day(at.UnixMilli()), AskerName: q.Name}
	for _, a := range []catalog.NewAnswer{
		{QuestionID: qid, Body: "Yes.", Name: "Seller", Email: "seller@example.com", Photos: []string{"https://img.example/rain.jpg"}},
		{QuestionID: 5, Body: "Yes, polarized.", Name: "sunny", Email: "sun@example.com"},
	} {
		aid, err := s.PostAnswer(ctx, a, at)
		if err != nil {
			t.Fatal(err)
		}
		m.answers[aid] = catalog.Answer{ID: aid, QuestionID: a.QuestionID, Body: a.Body, Date: day(at.UnixMilli()), AnswererName: a.Name}
		got, err := s.Answers(ctx, catalog.AnswerQuery{QuestionID: a.QuestionID, Page: catalog.Page{Number: 1, Size: 100}})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range got {
			if g.ID == aid {
				m.photos = append(m.photos, g.Photos...)
			}
		}
	}
	for range 2 {
		if err := errors.Join(s.MarkQuestionHelpful(ctx, 1), s.MarkAnswerHelpful(ctx, 4)); err != nil {
			t.Fatal(err)
		}
	}
	if err := errors.Join(s.ReportQuestion(ctx, 3), s.ReportAnswer(ctx, 3)); err != nil {
		t.Fatal(err)
	}
	q1, a4, q3, a3 := m.questions[1], m.answers[4], m.questions[3], m.answers[3]
	q1.Helpfulness += 2
	a4.Helpfulness += 2
	q3.Reported, a3.Reported = true, true
	m.questions[1], m.answers[4], m.questions[3], m.answers[3] = q1, a4, q3, a3
}

// testQAWritesKept writes questions and answers through the API, loads
// the dataset again (twice), and checks that the new catalog has what
// shoppers wrote, once; that a question can still be asked and answered
// after it; then that a dataset that cannot take them is refused, and the
// catalog being served stays.
func testQAWritesKept(t *testing.T, open Opener) {
	s, clock := openLoaded(t, open)
	ctx := context.Background()
	m := newQAModel(NewFixture())
	writeQA(t, s, m, clock.Now())
	for range 2 {
		Load(t, s, NewFixture())
		for _, p := range []int64{1, 2, 3} {
			checkQA(t, s, m, p)
		}
	}
	qid, err := s.PostQuestion(ctx, catalog.NewQuestion{ProductID: 2, Body: "After the load?", Name: "n", Email: "n@example.com"}, clock.Now())
	if err == nil {
		_, err = s.PostAnswer(ctx, catalog.NewAnswer{QuestionID: qid, Body: "Yes.", Name: "n", Email: "n@example.com",
			Photos: []string{"https://img.example/after.jpg"}}, clock.Now())
	}
	if err != nil {
		t.Fatalf("a question and an answer after the load: %v", err)
	}

	t.Run("ErrUnfit", func(t *testing.T) {
		f := NewFixture()
		f.Questions = slices.DeleteFunc(f.Questions, func(q catalog.Question) bool { return q.ID == 1 }) // marked helpful
		f.Answers = slices.DeleteFunc(f.Answers, func(a catalog.Answer) bool { return a.QuestionID == 1 })
		f.AnswerPhotos = slices.DeleteFunc(f.AnswerPhotos, func(p catalog.AnswerPhoto) bool { return p.AnswerID <= 3 })
		l, err := s.BeginLoad(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := addFixture(ctx, l, f); err != nil {
			t.Fatal(err)
		}
		wantCode(t, l.Commit(ctx), catalog.EUNPROCESSABLE)
		_ = l.Rollback()
		checkQA(t, s, m, 1)
	})
}
