package http_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"catalog"
	"catalog/csv"
	cataloghttp "catalog/http"
)

// The real Q&A rows of ../shared/sample-data/reviews-qa, with the real
// product rows, served, compared with CONTRACT-REVIEWS-QA.md: each
// product's questions and each question's answers against an oracle that
// reads the same files with encoding/csv.

var (
	questionAnswerShape = []field{{"id", "int"}, {"body", "string"}, {"date", "time"}, {"answerer_name", "string"},
		{"helpfulness", "int"}, {"photos", arrayOf("string")}}
	// questionAnswersShape is the answers of a question in a product's
	// list: an object keyed by answer id, in ascending id order.
	questionAnswersShape = func(t *testing.T, where string, raw json.RawMessage) {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
			t.Fatalf("%s: %s is not an object", where, raw)
		}
		keys := keysOf(t, raw)
		prev := 0
		for _, k := range keys {
			n, err := strconv.Atoi(k)
			if err != nil || n <= prev {
				t.Fatalf("%s: answer keys %v are not ascending ids", where, keys)
			}
			prev = n
			checkShape(t, where+"."+k, obj[k], questionAnswerShape)
		}
	}
	questionShape = []field{{"question_id", "int"}, {"question_body", "string"}, {"question_date", "time"},
		{"asker_name", "string"}, {"question_helpfulness", "int"}, {"reported", "bool"}, {"answers", questionAnswersShape}}
	questionsShape = []field{{"product_id", "string"}, {"results", arrayOf(questionShape)}}
	answerShape    = []field{{"answer_id", "int"}, {"body", "string"}, {"date", "time"}, {"answerer_name", "string"},
		{"helpfulness", "int"}, {"photos", arrayOf([]field{{"id", "int"}, {"url", "string"}})}}
	// answersShape is GET /qa/questions/{id}/answers?count=100: page not
	// given, a number; count given, echoed as a string.
	answersShape = []field{{"question", "string"}, {"page", "int"}, {"count", "string"}, {"results", arrayOf(answerShape)}}
)

func TestSampleData_QA(t *testing.T) {
	dir := sampleDir(t, "reviews-qa/"+csv.Questions.File, "reviews-qa/"+csv.Answers.File, "reviews-qa/"+csv.AnswerPhotos.File)
	testSample(t, dir, func(s catalog.Store) cataloghttp.Services {
		return cataloghttp.Services{Products: s, Carts: s, QA: s}
	}, testSampleQA)
}

// qaDay is the contract's date of a Q&A row's epoch milliseconds: its UTC
// day at midnight.
func qaDay(t *testing.T, ms string) string {
	t.Helper()
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	y, m, d := time.UnixMilli(n).UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000Z")
}

func testSampleQA(t *testing.T, dir string, h http.Handler) {
	get := func(path string) json.RawMessage { t.Helper(); return get200(t, h, path) }
	rows := readSorted(t, dir, csv.Questions.File, csv.Answers.File, csv.AnswerPhotos.File)
	questions, answers, photos := rows[0], rows[1], rows[2]
	// The unreported answers of a question, in id order.
	answersOf := func(question string) []map[string]string {
		var mine []map[string]string
		for _, a := range answers {
			if a["question_id"] == question && a["reported"] == "0" {
				mine = append(mine, a)
			}
		}
		return mine
	}
	// The photos of an answer, in id order.
	photosOf := func(answer string) []map[string]string {
		var mine []map[string]string
		for _, p := range photos {
			if p["answer_id"] == answer {
				mine = append(mine, p)
			}
		}
		return mine
	}
	// Most helpful first, then in id order.
	byHelpfulness := func(a, b map[string]string) int {
		if d := num(t, b["helpful"]) - num(t, a["helpful"]); d != 0 {
			return d
		}
		return num(t, a["id"]) - num(t, b["id"])
	}

	var products []int
	for _, q := range questions {
		if p := num(t, q["product_id"]); !slices.Contains(products, p) {
			products = append(products, p)
		}
	}
	slices.Sort(products)
	if len(products) == 0 {
		t.Fatal("no questions in the sample rows")
	}
	// Every unreported question is some product's: all are compared.
	listed, unreported := 0, 0
	for _, q := range questions {
		if q["reported"] == "0" {
			unreported++
		}
	}
	defer func() {
		if listed != unreported {
			t.Errorf("compared %d questions in the products' lists, want every unreported one: %d", listed, unreported)
		}
	}()
	for _, product := range products {
		id := strconv.Itoa(product)
		t.Run("product"+id, func(t *testing.T) {
			var mine []map[string]string
			for _, q := range questions {
				if q["product_id"] == id && q["reported"] == "0" {
					mine = append(mine, q)
				}
			}
			slices.SortStableFunc(mine, byHelpfulness)
			listed += len(mine)
			results := []any{}
			for _, q := range mine {
				as := map[string]any{}
				for _, a := range answersOf(q["id"]) {
					urls := []any{}
					for _, p := range photosOf(a["id"]) {
						urls = append(urls, p["url"])
					}
					as[a["id"]] = map[string]any{"id": float64(num(t, a["id"])), "body": a["body"],
						"date": qaDay(t, a["date_written"]), "answerer_name": a["answerer_name"],
						"helpfulness": float64(num(t, a["helpful"])), "photos": urls}
				}
				results = append(results, map[string]any{"question_id": float64(num(t, q["id"])),
					"question_body": q["body"], "question_date": qaDay(t, q["date_written"]), "asker_name": q["asker_name"],
					"question_helpfulness": float64(num(t, q["helpful"])), "reported": false, "answers": as})
			}
			path := "/qa/questions?product_id=" + id + "&count=100"
			body := get(path)
			checkShape(t, path, body, questionsShape)
			var got map[string]any
			json.Unmarshal(body, &got)
			want := map[string]any{"product_id": id, "results": results}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s =\n%v\nwant\n%v", path, got, want)
			}
		})
	}

	// Every question's answers, whether or not it has any or is itself
	// reported: the route addresses a question by its id alone.
	for _, q := range questions {
		id := q["id"]
		t.Run("question"+id, func(t *testing.T) {
			mine := answersOf(id)
			slices.SortStableFunc(mine, byHelpfulness)
			results := []any{}
			for _, a := range mine {
				ps := []any{}
				for _, p := range photosOf(a["id"]) {
					ps = append(ps, map[string]any{"id": float64(num(t, p["id"])), "url": p["url"]})
				}
				results = append(results, map[string]any{"answer_id": float64(num(t, a["id"])), "body": a["body"],
					"date": qaDay(t, a["date_written"]), "answerer_name": a["answerer_name"],
					"helpfulness": float64(num(t, a["helpful"])), "photos": ps})
			}
			path := "/qa/questions/" + id + "/answers?count=100"
			body := get(path)
			checkShape(t, path, body, answersShape)
			var got map[string]any
			json.Unmarshal(body, &got)
			want := map[string]any{"question": id, "page": float64(1), "count": "100", "results": results}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s =\n%v\nwant\n%v", path, got, want)
			}
		})
	}
}
