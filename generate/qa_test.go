package generate_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"catalog"
	"catalog/generate"
	"catalog/storetest"
)

// The real Q&A files' rows.
var realQACounts = generate.Counts{Questions: 3_518_963, Answers: 6_879_306, AnswerPhotos: 2_063_759}

// TestWrite_QA: the Q&A files import without a reject, their ids are
// contiguous, their references hold, and they have the real shapes.
func TestWrite_QA(t *testing.T) {
	const n = 20000
	m := load(t, n, 1)
	contiguous(t, "questions.csv", idsOf(m.Questions, func(q catalog.Question) int64 { return q.ID }))
	contiguous(t, "answers.csv", idsOf(m.Answers, func(a catalog.Answer) int64 { return a.ID }))
	contiguous(t, "answers_photos.csv", idsOf(m.AnswerPhotos, func(p catalog.AnswerPhoto) int64 { return p.ID }))
	grouped(t, "questions.csv", idsOf(m.Questions, func(q catalog.Question) int64 { return q.ProductID }))
	grouped(t, "answers.csv", idsOf(m.Answers, func(a catalog.Answer) int64 { return a.QuestionID }))
	grouped(t, "answers_photos.csv", idsOf(m.AnswerPhotos, func(p catalog.AnswerPhoto) int64 { return p.AnswerID }))

	t.Run("References", func(t *testing.T) { checkQAReferences(t, m) })
	t.Run("Shape", func(t *testing.T) { checkQAShape(t, m, n) })
	t.Run("Text", func(t *testing.T) { checkQAText(t, m) })
}

// checkQAReferences: every question is about a product that exists, every
// answer to a question that exists and not before it, every photo of an
// answer that exists.
func checkQAReferences(t *testing.T, m *storetest.Recorded) {
	asked := map[int64]time.Time{}
	for _, q := range m.Questions {
		if q.ProductID < 1 || q.ProductID > int64(len(m.Products)) {
			t.Fatalf("question %d: product %d does not exist", q.ID, q.ProductID)
		}
		asked[q.ID] = q.Date
	}
	answered := map[int64]bool{}
	for _, a := range m.Answers {
		date, ok := asked[a.QuestionID]
		switch {
		case !ok:
			t.Fatalf("answer %d: question %d does not exist", a.ID, a.QuestionID)
		case a.Date.Before(date):
			t.Fatalf("answer %d: written %s, before its question %d (%s)", a.ID, a.Date, a.QuestionID, date)
		}
		answered[a.ID] = true
	}
	for _, p := range m.AnswerPhotos {
		if !answered[p.AnswerID] {
			t.Fatalf("photo %d: answer %d does not exist", p.ID, p.AnswerID)
		}
	}
}

func checkQAShape(t *testing.T, m *storetest.Recorded, n int) {
	questions, answers := float64(len(m.Questions)), float64(len(m.Answers))
	per := func(k int, of float64) float64 { return float64(k) / of }
	for _, tc := range []struct {
		what      string
		got, want float64
		tolerance float64
	}{
		{"questions per product", per(len(m.Questions), float64(n)), 3.519, 0.15},
		{"answers per question", per(len(m.Answers), questions), 1.955, 0.06},
		{"photos per answer", per(len(m.AnswerPhotos), answers), 0.300, 0.02},
	} {
		t.Logf("%s = %.3f", tc.what, tc.got)
		if math.Abs(tc.got-tc.want) > tc.tolerance {
			t.Errorf("%s = %.3f, want %.3f±%.2f", tc.what, tc.got, tc.want, tc.tolerance)
		}
	}

	// Skews: most products a handful of questions, some none, a few
	// dozens; many questions unanswered, some with many answers; photos
	// on a minority of answers, at most five.
	questionsOf := map[int64]int{}
	for _, q := range m.Questions {
		questionsOf[q.ProductID]++
	}
	answersOf := map[int64]int{}
	for _, a := range m.Answers {
		answersOf[a.QuestionID]++
	}
	photosOf := map[int64]int{}
	for _, p := range m.AnswerPhotos {
		photosOf[p.AnswerID]++
	}
	perProduct := make([]int, 0, n)
	for id := range int64(n) {
		perProduct = append(perProduct, questionsOf[id+1])
	}
	slices.Sort(perProduct)
	if none, median, most := per(n-len(questionsOf), float64(n)), perProduct[n/2], perProduct[n-1]; none < 0.05 || none > 0.12 || median < 1 || median > 4 || most < 30 {
		t.Errorf("%.3f of products have no questions, the median %d, the most asked %d; want a few, a handful and dozens", none, median, most)
	}
	most := 0
	for _, k := range answersOf {
		most = max(most, k)
	}
	if r := per(len(m.Questions)-len(answersOf), questions); r < 0.15 || r > 0.3 || most < 15 {
		t.Errorf("%.3f of questions have no answer, the most answered %d; want many and some with many", r, most)
	}
	most = 0
	for _, k := range photosOf {
		most = max(most, k)
	}
	if r := per(len(photosOf), answers); r < 0.08 || r > 0.16 || most != catalog.MaxAnswerPhoto {
		t.Errorf("%.3f of answers have photos, at most %d; want a minority, up to %d", r, most, catalog.MaxAnswerPhoto)
	}

	// A few percent reported; helpfulness from 0 to about 30, skewed low.
	var reported [2]int
	var helpful [2][]int64
	for _, q := range m.Questions {
		if q.Reported {
			reported[0]++
		}
		helpful[0] = append(helpful[0], q.Helpfulness)
	}
	for _, a := range m.Answers {
		if a.Reported {
			reported[1]++
		}
		helpful[1] = append(helpful[1], a.Helpfulness)
	}
	for i, what := range []string{"questions", "answers"} {
		rows := float64(len(helpful[i]))
		if r := per(reported[i], rows); r < 0.01 || r > 0.06 {
			t.Errorf("%.4f of %s are reported, want a few percent", r, what)
		}
		slices.Sort(helpful[i])
		low, median, high := helpful[i][0], helpful[i][len(helpful[i])/2], helpful[i][len(helpful[i])-1]
		over30 := len(helpful[i]) - below(helpful[i], 31)
		if low != 0 || median > 8 || high < 30 || high > 60 || per(over30, rows) > 0.05 {
			t.Errorf("%s: helpfulness from %d to %d, median %d, %d over 30; want from 0 to about 30, skewed low", what, low, high, median, over30)
		}
	}
}

// below returns how many of the sorted xs are below x.
func below(xs []int64, x int64) int {
	i, _ := slices.BinarySearch(xs, x)
	return i
}

func checkQAText(t *testing.T, m *storetest.Recorded) {
	from := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	names := map[int64]string{}
	for _, p := range m.Products {
		names[p.ID] = p.Name
	}
	named, sameDate := 0, 0
	for i, q := range m.Questions {
		noun := strings.ToLower(lastWord(names[q.ProductID]))
		switch {
		case !strings.HasSuffix(q.Body, "?") || utf8.RuneCountInString(q.Body) > catalog.MaxQABody:
			t.Fatalf("question %d: %q, want a question", q.ID, q.Body)
		case !handle(q.AskerName):
			t.Fatalf("question %d: asker %q, want a short lower-case handle", q.ID, q.AskerName)
		case !q.AskerEmail.Valid || !validEmail(q.AskerEmail.V):
			t.Fatalf("question %d: email %v, want first.last@domain", q.ID, q.AskerEmail)
		case q.Date.Before(from) || !q.Date.Before(to):
			t.Fatalf("question %d: date %s, want from %s to %s", q.ID, q.Date, from, to)
		}
		if strings.Contains(q.Body, " "+noun) {
			named++
		}
		if i > 0 && q.Date.Equal(m.Questions[i-1].Date) {
			sameDate++
		}
	}
	if r := float64(named) / float64(len(m.Questions)); r < 0.15 || r > 0.6 {
		t.Errorf("%.3f of questions name their product's noun, want some", r)
	}
	sellers, nullEmails, quoted := 0, 0, 0
	for _, a := range m.Answers {
		switch {
		case a.Body == "" || utf8.RuneCountInString(a.Body) > catalog.MaxQABody:
			t.Fatalf("answer %d: body %q", a.ID, a.Body)
		case a.AnswererName != "Seller" && !handle(a.AnswererName):
			t.Fatalf("answer %d: answerer %q, want a short lower-case handle or Seller", a.ID, a.AnswererName)
		case a.AnswererEmail.Valid && !validEmail(a.AnswererEmail.V):
			t.Fatalf("answer %d: email %q, want first.last@domain", a.ID, a.AnswererEmail.V)
		case !a.AnswererEmail.Valid && a.AnswererName != "Seller":
			t.Fatalf("answer %d by %q has no email; only the seller's may not", a.ID, a.AnswererName)
		case a.Date.Before(from) || !a.Date.Before(to):
			t.Fatalf("answer %d: date %s, want from %s to %s", a.ID, a.Date, from, to)
		}
		if a.AnswererName == "Seller" {
			sellers++
		}
		if !a.AnswererEmail.Valid {
			nullEmails++
		}
		if strings.Contains(a.Body, `"`) {
			quoted++
		}
	}
	if r := float64(sellers) / float64(len(m.Answers)); r < 0.05 || r > 0.15 || nullEmails == 0 || nullEmails > sellers/2 {
		t.Errorf("%.3f of answers by Seller, %d of %d without an email; want about one in ten, some of them without", r, nullEmails, sellers)
	}
	if quoted == 0 || sameDate == 0 {
		t.Errorf("quirks: %d answers with quotes, %d questions dated as the one before; want some of each", quoted, sameDate)
	}
	outOfOrder := 0
	for i, p := range m.AnswerPhotos {
		if i > 0 && p.ID < m.AnswerPhotos[i-1].ID {
			outOfOrder++
		}
		if !strings.HasPrefix(p.URL, "https://images.unsplash.com/photo-") {
			t.Fatalf("photo %d: url %q, want an unsplash one", p.ID, p.URL)
		}
	}
	if outOfOrder == 0 {
		t.Error("no answer photo is out of id order; the real file has some")
	}
}

func lastWord(s string) string { return s[strings.LastIndexByte(s, ' ')+1:] }

// handle reports whether s reads as the real askers' names: short, lower
// case, no spaces.
func handle(s string) bool {
	return s != "" && len(s) <= 30 && s == strings.ToLower(s) && !strings.Contains(s, " ")
}

func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && strings.Contains(s[:at], ".") && strings.Contains(s[at:], ".") && len(s) <= catalog.MaxQAEmail
}

// TestWrite_QACounts: at the real size the Q&A files have the real files'
// rows within 1%, counted without writing them; written, they scale with
// the number of products.
func TestWrite_QACounts(t *testing.T) {
	c := generate.Count(generate.Options{Products: generate.DefaultProducts, Seed: 1})
	for _, tc := range []struct {
		file      string
		got, real int64
	}{
		{"questions.csv", c.Questions, realQACounts.Questions},
		{"answers.csv", c.Answers, realQACounts.Answers},
		{"answers_photos.csv", c.AnswerPhotos, realQACounts.AnswerPhotos},
	} {
		t.Logf("%d products: %s has %d rows, the real one %d", generate.DefaultProducts, tc.file, tc.got, tc.real)
		if math.Abs(float64(tc.got)/float64(tc.real)-1) > 0.01 {
			t.Errorf("%d products: %s has %d rows, want %d±1%%", generate.DefaultProducts, tc.file, tc.got, tc.real)
		}
	}
	for _, n := range []int{2000, 10000} {
		_, c := write(t, generate.Options{Products: n, Seed: 3})
		scale := float64(n) / realProducts
		// The products with dozens of questions make a product's answer
		// photos vary by about 2.2 times the mean: allow three deviations.
		tolerance := 3 * 2.2 / math.Sqrt(float64(n))
		for _, tc := range []struct {
			file      string
			got, real int64
		}{
			{"questions.csv", c.Questions, realQACounts.Questions},
			{"answers.csv", c.Answers, realQACounts.Answers},
			{"answers_photos.csv", c.AnswerPhotos, realQACounts.AnswerPhotos},
		} {
			want := float64(tc.real) * scale
			t.Logf("%d products: %s has %d rows, the real ones %.0f", n, tc.file, tc.got, want)
			if math.Abs(float64(tc.got)/want-1) > tolerance {
				t.Errorf("%d products: %s has %d rows, want %.0f±%.0f%%", n, tc.file, tc.got, want, 100*tolerance)
			}
		}
	}
}
