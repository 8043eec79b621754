package http

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"unicode/utf8"

	"catalog"
)

// checkError requires a client error of the given codes with a printable
// message.
func checkError(t *testing.T, err error, codes ...string) {
	t.Helper()
	code := catalog.ErrorCode(err)
	for _, c := range codes {
		if code == c {
			msg := catalog.ErrorMessage(err)
			if msg == "" || !utf8.ValidString(msg) || len(msg) > 200 {
				t.Fatalf("message %q", msg)
			}
			return
		}
	}
	t.Fatalf("error %v has code %q, want one of %v", err, code, codes)
}

func FuzzParseProductID(f *testing.F) {
	for _, s := range []string{"1", "0", "-1", "1.5", "99999999999", "0001", " 1", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := parseProductID(s)
		if err != nil {
			checkError(t, err, catalog.EINVALID)
			return
		}
		if id < 1 || id > catalog.MaxID {
			t.Fatalf("parseProductID(%q) = %d", s, id)
		}
	})
}

func TestParsePage(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  catalog.Page
		ok    bool
	}{
		{"", catalog.Page{Number: 1, Size: 5}, true},
		{"page=3", catalog.Page{Number: 3, Size: 5}, true},
		{"count=1000&page=2", catalog.Page{Number: 2, Size: 1000}, true},
		{"page=2147483647", catalog.Page{Number: catalog.MaxID, Size: 5}, true},
		{"page=1&page=x", catalog.Page{Number: 1, Size: 5}, true},
		{"page=%32", catalog.Page{Number: 2, Size: 5}, true},
		{"page=0", catalog.Page{}, false},
		{"page=2147483648", catalog.Page{Number: MaxPage, Size: 5}, true},
		{"page=000000000000000000000000000000003", catalog.Page{Number: 3, Size: 5}, true},
		{"page=99999999999999999999999999", catalog.Page{Number: MaxPage, Size: 5}, true},
		{"count=1001", catalog.Page{}, false},
		{"count=", catalog.Page{}, false},
		{"page=%zz", catalog.Page{}, false},
	} {
		got, err := parsePage(tc.query)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("parsePage(%q) = %+v, %v; want %+v ok=%v", tc.query, got, err, tc.want, tc.ok)
		}
	}
}

func FuzzParsePage(f *testing.F) {
	for _, s := range []string{"page=2&count=10", "count=1001", "page=%zz", "page=-1", ";page=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		p, err := parsePage(q)
		if err != nil {
			checkError(t, err, catalog.EINVALID)
			return
		}
		if p.Number < 1 || p.Number > MaxPage || p.Size < 1 || p.Size > MaxCount {
			t.Fatalf("parsePage(%q) = %+v", q, p)
		}
	})
}

func TestParseSKUID(t *testing.T) {
	for _, tc := range []struct {
		contentType, body string
		want              int64
		code              string
	}{
		{"application/json", `{"sku_id":751557}`, 751557, ""},
		{"application/json; charset=utf-8", `{"sku_id":"751557"}`, 751557, ""},
		{"", ` {"sku_id": 3} `, 3, ""},
		{"text/plain", `{"sku_id":3}`, 3, ""},
		{"application/x-www-form-urlencoded", "sku_id=4&x=1", 4, ""},
		{"application/json", ``, 0, catalog.EUNPROCESSABLE},
		{"application/json", `{"sku":1}`, 0, catalog.EUNPROCESSABLE},
		{"application/json", `{"sku_id":0}`, 0, catalog.EUNPROCESSABLE},
		{"application/json", `{"sku_id":"0x10"}`, 0, catalog.EUNPROCESSABLE},
		{"application/json", `{"sku_id":{}}`, 0, catalog.EUNPROCESSABLE},
		{"application/json", `"sku_id"`, 0, catalog.EUNPROCESSABLE},
		{"application/json", `null`, 0, catalog.EUNPROCESSABLE},
		{"application/json", `{"sku_id":1}{}`, 0, catalog.EUNPROCESSABLE},
		{"multipart/form-data", `x`, 0, catalog.EUNPROCESSABLE},
	} {
		got, err := parseSKUID(tc.contentType, []byte(tc.body))
		if catalog.ErrorCode(err) != tc.code || got != tc.want {
			t.Errorf("parseSKUID(%q, %q) = %d, %v; want %d, code %q", tc.contentType, tc.body, got, err, tc.want, tc.code)
		}
	}
}

func FuzzParseSKUID(f *testing.F) {
	for _, s := range []string{`{"sku_id":1}`, `{"sku_id":"1"}`, `sku_id=1`, `{"sku_id":1e2}`, `[]`, ``} {
		f.Add("application/json", s)
		f.Add("application/x-www-form-urlencoded", s)
	}
	f.Fuzz(func(t *testing.T, contentType, body string) {
		id, err := parseSKUID(contentType, []byte(body))
		if err != nil {
			checkError(t, err, catalog.EUNPROCESSABLE)
			return
		}
		if id < 1 || id > catalog.MaxID {
			t.Fatalf("parseSKUID(%q) = %d", body, id)
		}
	})
}

func TestParseReviewQuery(t *testing.T) {
	q := func(id, number, size int64, sort catalog.ReviewSort) catalog.ReviewQuery {
		return catalog.ReviewQuery{ProductID: id, Page: catalog.Page{Number: number, Size: size}, Sort: sort}
	}
	for _, tc := range []struct {
		query string
		want  catalog.ReviewQuery
		ok    bool
	}{
		{"product_id=2", q(2, 1, 5, catalog.SortRelevant), true},
		{"product_id=40344&page=3&count=100&sort=newest", q(40344, 3, 100, catalog.SortNewest), true},
		{"count=1000&product_id=1", q(1, 1, 1000, catalog.SortRelevant), true},
		{"product_id=1&count=1001", q(1, 1, MaxReviewCount, catalog.SortRelevant), true},
		{"product_id=1&count=100000", q(1, 1, MaxReviewCount, catalog.SortRelevant), true},
		{"product_id=1&count=99999999999999999999999", q(1, 1, MaxReviewCount, catalog.SortRelevant), true},
		{"product_id=1&page=99999999999999999999999", q(1, MaxPage, 5, catalog.SortRelevant), true},
		{"product_id=1&sort=helpful", q(1, 1, 5, catalog.SortHelpful), true},
		{"product_id=1&sort=relevant", q(1, 1, 5, catalog.SortRelevant), true},
		{"product_id=1&sort='helpful'", q(1, 1, 5, catalog.SortHelpful), true},
		{"product_id=1&sort=%22newest%22", q(1, 1, 5, catalog.SortNewest), true},
		{"product_id=1&sort=%27relevant%27", q(1, 1, 5, catalog.SortRelevant), true},
		{"product_id=0001&campus=x&other", q(1, 1, 5, catalog.SortRelevant), true},
		{"product_id=1&product_id=x", q(1, 1, 5, catalog.SortRelevant), true},
		{"product_id=1&sort='helpful\"", catalog.ReviewQuery{}, false},
		{"product_id=1&sort='", catalog.ReviewQuery{}, false},
		{"product_id=1&sort=Newest", catalog.ReviewQuery{}, false},
		{"product_id=1&sort=", catalog.ReviewQuery{}, false},
		{"product_id=1&sort=date", catalog.ReviewQuery{}, false},
		{"", catalog.ReviewQuery{}, false},
		{"page=1", catalog.ReviewQuery{}, false},
		{"product_id=", catalog.ReviewQuery{}, false},
		{"product_id=0", catalog.ReviewQuery{}, false},
		{"product_id=-1", catalog.ReviewQuery{}, false},
		{"product_id=2147483648", catalog.ReviewQuery{}, false},
		{"product_id=abc", catalog.ReviewQuery{}, false},
		{"product_id=1&count=0", catalog.ReviewQuery{}, false},
		{"product_id=1&count=-5", catalog.ReviewQuery{}, false},
		{"product_id=1&count=", catalog.ReviewQuery{}, false},
		{"product_id=1&page=0", catalog.ReviewQuery{}, false},
		{"product_id=1&page=1.5", catalog.ReviewQuery{}, false},
		{"product_id=%zz", catalog.ReviewQuery{}, false},
		{"product_id=1;page=2", catalog.ReviewQuery{}, false},
	} {
		got, err := parseReviewQuery(tc.query)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("parseReviewQuery(%q) = %+v, %v; want %+v ok=%v", tc.query, got, err, tc.want, tc.ok)
		}
		if err != nil {
			checkError(t, err, catalog.EINVALID)
		}
	}
}

func FuzzParseReviewQuery(f *testing.F) {
	for _, s := range []string{"product_id=2", "product_id=2&page=3&count=1000&sort='helpful'", "product_id=1&count=100000",
		"product_id=1&sort=%22newest%22", "product_id=x", "page=%zz", ";product_id=1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		q, err := parseReviewQuery(query)
		// The meta's query is the list's product_id alone.
		if meta, merr := parseReviewMetaQuery(query); err == nil && (merr != nil || meta != q.ProductID) {
			t.Fatalf("parseReviewMetaQuery(%q) = %d, %v; parseReviewQuery: %+v", query, meta, merr, q)
		}
		if err != nil {
			checkError(t, err, catalog.EINVALID)
			return
		}
		if q.ProductID < 1 || q.ProductID > catalog.MaxID || q.Page.Number < 1 || q.Page.Number > MaxPage ||
			q.Page.Size < 1 || q.Page.Size > MaxReviewCount || q.Sort > catalog.SortHelpful {
			t.Fatalf("parseReviewQuery(%q) = %+v", query, q)
		}
	})
}

func FuzzParseReviewID(f *testing.F) {
	for _, s := range []string{"1", "0", "-1", "abc", "2147483648", "0005"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := parseReviewID(s)
		if err != nil {
			checkError(t, err, catalog.EINVALID)
			return
		}
		if id < 1 || id > catalog.MaxID {
			t.Fatalf("parseReviewID(%q) = %d", s, id)
		}
	})
}

// validReview is a body of POST /reviews that parses and validates.
const validReview = `{"product_id":40344,"rating":5,"summary":"Great","body":"Fits well, and warm.","recommend":true,` +
	`"name":"jbilas","email":"first.last@gmail.com","photos":["https://example.com/1.jpg"],"characteristics":{"14":5,"15":3}}`

func TestParseNewReview(t *testing.T) {
	full := catalog.NewReview{ProductID: 40344, Rating: 5, Summary: "Great", Body: "Fits well, and warm.", Recommend: true,
		Name: "jbilas", Email: "first.last@gmail.com", Photos: []string{"https://example.com/1.jpg"},
		Votes: []catalog.Vote{{CharacteristicID: 14, Value: 5}, {CharacteristicID: 15, Value: 3}}}
	minimal := catalog.NewReview{ProductID: 2, Rating: 1, Body: "b", Name: "n", Email: "e@x.io"}
	for _, tc := range []struct {
		name, body string
		want       catalog.NewReview
	}{
		{"Full", validReview, full},
		{"Minimal", `{"product_id":2,"rating":1,"recommend":false,"body":"b","name":"n","email":"e@x.io"}`, minimal},
		{"Nulls", `{"product_id":2,"rating":1,"recommend":false,"body":"b","name":"n","email":"e@x.io","summary":null,"photos":null,"characteristics":null}`, minimal},
		{"Empties", `{"product_id":2,"rating":1,"recommend":false,"body":"b","name":"n","email":"e@x.io","photos":[],"characteristics":{}}`,
			catalog.NewReview{ProductID: 2, Rating: 1, Body: "b", Name: "n", Email: "e@x.io", Photos: []string{}}},
		{"FormStrings", `{"product_id":"0002","rating":"1","recommend":"false","body":"b","name":"n","email":"e@x.io","characteristics":{"7":"4"}}`,
			catalog.NewReview{ProductID: 2, Rating: 1, Body: "b", Name: "n", Email: "e@x.io", Votes: []catalog.Vote{{CharacteristicID: 7, Value: 4}}}},
		{"UnknownFieldsAndSpace", " {\"x\":[1,{}],\"product_id\":2 ,\"rating\":1,\"recommend\":false,\"body\":\"b\",\"name\":\"n\",\"email\":\"e@x.io\",\"date\":1}\n", minimal},
		// Validate's to refuse.
		{"OutOfRange", `{"product_id":2,"rating":9,"recommend":true,"characteristics":{"7":-1,"007":6}}`,
			catalog.NewReview{ProductID: 2, Rating: 9, Recommend: true, Votes: []catalog.Vote{{CharacteristicID: 7, Value: -1}, {CharacteristicID: 7, Value: 6}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseNewReview([]byte(tc.body))
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("parseNewReview(%s) = %+v, %v; want %+v", tc.body, got, err, tc.want)
			}
		})
	}
}

func TestParseNewReview_Refused(t *testing.T) {
	const rest = `"rating":5,"recommend":true,"body":"b","name":"n","email":"e@x.io"`
	for _, tc := range []struct {
		body      string
		productID bool // a productIDError
	}{
		{``, false},
		{`   `, false},
		{`null`, false},
		{`[]`, false},
		{`"x"`, false},
		{`{`, false},
		{`{"product_id":1,` + rest + `} {}`, false},
		{`{"product_id":1,` + rest + `}x`, false},
		{"{\"product_id\":1," + rest + ",\"summary\":\"\xff\"}", false},
		{`product_id=1&rating=5`, false},
		{`{` + rest + `}`, true},
		{`{"PRODUCT_ID":1,` + rest + `}`, true},
		{`{"product_id":null,` + rest + `}`, true},
		{`{"product_id":0,` + rest + `}`, true},
		{`{"product_id":-2,` + rest + `}`, true},
		{`{"product_id":2147483648,` + rest + `}`, true},
		{`{"product_id":1.0,` + rest + `}`, true},
		{`{"product_id":1e3,` + rest + `}`, true},
		{`{"product_id":"abc",` + rest + `}`, true},
		{`{"product_id":" 1",` + rest + `}`, true},
		{`{"product_id":true,` + rest + `}`, true},
		{`{"product_id":[1],` + rest + `}`, true},
		{`{"product_id":1,"recommend":true}`, false},
		{`{"product_id":1,"rating":4.5,"recommend":true}`, false},
		{`{"product_id":1,"rating":"five","recommend":true}`, false},
		{`{"product_id":1,"rating":99999999999999999999,"recommend":true}`, false},
		{`{"product_id":1,"rating":null,"recommend":true}`, false},
		{`{"product_id":1,"rating":5}`, false},
		{`{"product_id":1,"rating":5,"recommend":1}`, false},
		{`{"product_id":1,"rating":5,"recommend":"yes"}`, false},
		{`{"product_id":1,"rating":5,"recommend":null}`, false},
		{`{"product_id":1,` + rest + `,"summary":5}`, false},
		{`{"product_id":1,` + rest + `,"summary":["s"]}`, false},
		{`{"product_id":1,"rating":5,"recommend":true,"body":{}}`, false},
		{`{"product_id":1,` + rest + `,"photos":"https://x/1"}`, false},
		{`{"product_id":1,` + rest + `,"photos":[1]}`, false},
		{`{"product_id":1,` + rest + `,"photos":[null]}`, false},
		{`{"product_id":1,` + rest + `,"photos":["a","b","c","d","e","f"]}`, false},
		{`{"product_id":1,` + rest + `,"photos":{}}`, false},
		{`{"product_id":1,` + rest + `,"characteristics":[5]}`, false},
		{`{"product_id":1,` + rest + `,"characteristics":"14:5"}`, false},
		{`{"product_id":1,` + rest + `,"characteristics":{"Fit":5}}`, false},
		{`{"product_id":1,` + rest + `,"characteristics":{"0":5}}`, false},
		{`{"product_id":1,` + rest + `,"characteristics":{"14":"five"}}`, false},
		{`{"product_id":1,` + rest + `,"characteristics":{"14":4.5}}`, false},
		{`{"product_id":1,` + rest + `,"characteristics":{"14":null}}`, false},
	} {
		_, err := parseNewReview([]byte(tc.body))
		if err == nil {
			t.Errorf("parseNewReview(%s): no error", tc.body)
			continue
		}
		checkError(t, err, catalog.EUNPROCESSABLE)
		if got := errors.As(err, new(productIDError)); got != tc.productID {
			t.Errorf("parseNewReview(%s) = %v: of product_id %v, want %v", tc.body, err, got, tc.productID)
		}
	}
}

// encodeNewReview writes r as a body of POST /reviews.
func encodeNewReview(r catalog.NewReview) []byte {
	b, _ := json.Marshal(map[string]any{"product_id": r.ProductID, "rating": r.Rating, "summary": r.Summary, "body": r.Body,
		"recommend": r.Recommend, "name": r.Name, "email": r.Email, "photos": r.Photos})
	b = b[:len(b)-1]
	b = append(b, `,"characteristics":{`...)
	for i, v := range r.Votes {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, `"%d":%d`, v.CharacteristicID, v.Value)
	}
	return append(b, "}}"...)
}

func FuzzParseNewReview(f *testing.F) {
	for _, s := range []string{validReview, `{"product_id":"2","rating":"1","recommend":"true","characteristics":{"7":"4"}}`,
		`{"product_id":1,"photos":[null]}`, `{"product_id":1e3}`, `[]`, ``, `{"characteristics":{"1":1,"1":2}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := parseNewReview(body)
		if err != nil {
			checkError(t, err, catalog.EUNPROCESSABLE)
			return
		}
		if r.ProductID < 1 || r.ProductID > catalog.MaxID || len(r.Photos) > catalog.MaxReviewPhotos {
			t.Fatalf("parseNewReview(%q) = %+v", body, r)
		}
		// What parsed is what it reads back as, written again.
		again, err := parseNewReview(encodeNewReview(r))
		if err != nil {
			t.Fatalf("%+v, written as %s, does not parse: %v", r, encodeNewReview(r), err)
		}
		if len(r.Photos) == 0 {
			r.Photos, again.Photos = nil, nil
		}
		if !reflect.DeepEqual(again, r) {
			t.Fatalf("%+v, written as %s, parses as %+v", r, encodeNewReview(r), again)
		}
		_ = r.Validate() // must not panic
	})
}

func TestParseQuestionQuery(t *testing.T) {
	q := func(id, number, size int64) catalog.QuestionQuery {
		return catalog.QuestionQuery{ProductID: id, Page: catalog.Page{Number: number, Size: size}}
	}
	for _, tc := range []struct {
		query string
		want  catalog.QuestionQuery
		ok    bool
	}{
		{"product_id=5", q(5, 1, 5), true},
		{"product_id=5&page=2&count=10", q(5, 2, 10), true},
		{"count=1000&product_id=0005&campus=x&other", q(5, 1, 1000), true},
		{"product_id=5&count=1000000000", q(5, 1, MaxQuestionCount), true},
		{"product_id=5&count=99999999999999999999999", q(5, 1, MaxQuestionCount), true},
		{"product_id=5&page=99999999999999999999999", q(5, MaxPage, 5), true},
		{"product_id=5&product_id=x&count=3&count=x", q(5, 1, 3), true},
		{"", catalog.QuestionQuery{}, false},
		{"page=1&count=5", catalog.QuestionQuery{}, false},
		{"product_id=", catalog.QuestionQuery{}, false},
		{"product_id=0", catalog.QuestionQuery{}, false},
		{"product_id=-5", catalog.QuestionQuery{}, false},
		{"product_id=2147483648", catalog.QuestionQuery{}, false},
		{"product_id=x", catalog.QuestionQuery{}, false},
		{"product_id=5&count=0", catalog.QuestionQuery{}, false},
		{"product_id=5&count=", catalog.QuestionQuery{}, false},
		{"product_id=5&count=-1", catalog.QuestionQuery{}, false},
		{"product_id=5&page=0", catalog.QuestionQuery{}, false},
		{"product_id=5&page=1.5", catalog.QuestionQuery{}, false},
		{"product_id=%zz", catalog.QuestionQuery{}, false},
		{"product_id=5;page=2", catalog.QuestionQuery{}, false},
	} {
		got, err := parseQuestionQuery(tc.query)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("parseQuestionQuery(%q) = %+v, %v; want %+v ok=%v", tc.query, got, err, tc.want, tc.ok)
		}
		if err != nil {
			checkError(t, err, catalog.EINVALID)
		}
	}
}

func FuzzParseQuestionQuery(f *testing.F) {
	for _, s := range []string{"product_id=5", "product_id=5&page=2&count=1000000000", "product_id=x", "count=%zz", ";product_id=1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		q, err := parseQuestionQuery(query)
		if err != nil {
			checkError(t, err, catalog.EINVALID)
			return
		}
		if q.ProductID < 1 || q.ProductID > catalog.MaxID || q.Page.Number < 1 || q.Page.Number > MaxPage ||
			q.Page.Size < 1 || q.Page.Size > MaxQuestionCount {
			t.Fatalf("parseQuestionQuery(%q) = %+v", query, q)
		}
	})
}

func TestParseAnswerQuery(t *testing.T) {
	q := func(id, number, size int64, page, count string) answerQuery {
		return answerQuery{catalog.AnswerQuery{QuestionID: id, Page: catalog.Page{Number: number, Size: size}}, page, count}
	}
	nines := "99999999999999999999" // MaxGivenLen digits
	for _, tc := range []struct {
		id, query string
		want      answerQuery
		ok        bool
	}{
		{"1", "", q(1, 1, 5, "", ""), true},
		{"1", "page=2&count=100", q(1, 2, 100, "2", "100"), true},
		{"0007", "count=1000000000", q(7, 1, MaxAnswerCount, "", "1000000000"), true},
		{"1", "page=001", q(1, 1, 5, "001", ""), true},
		{"1", "count=5", q(1, 1, 5, "", "5"), true},
		{"1", "count=%31%30&x=1", q(1, 1, 10, "", "10"), true},
		{"1", "page=1&page=x", q(1, 1, 5, "1", ""), true},
		{"1", "page=" + nines + "&count=" + nines, q(1, MaxPage, MaxAnswerCount, nines, nines), true},
		{"2147483647", "", q(catalog.MaxID, 1, 5, "", ""), true},
		{"0", "", answerQuery{}, false},
		{"", "", answerQuery{}, false},
		{"x", "", answerQuery{}, false},
		{"-1", "", answerQuery{}, false},
		{"2147483648", "", answerQuery{}, false},
		{"1", "count=0", answerQuery{}, false},
		{"1", "count=", answerQuery{}, false},
		{"1", "page=", answerQuery{}, false},
		{"1", "count=abc", answerQuery{}, false},
		{"1", "page=-1", answerQuery{}, false},
		{"1", "count=" + nines + "9", answerQuery{}, false},
		{"1", "page=0" + nines, answerQuery{}, false},
		{"1", "page=%zz", answerQuery{}, false},
		{"1", "page=1;count=2", answerQuery{}, false},
	} {
		got, err := parseAnswerQuery(tc.id, tc.query)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("parseAnswerQuery(%q, %q) = %+v, %v; want %+v ok=%v", tc.id, tc.query, got, err, tc.want, tc.ok)
		}
		if err != nil {
			checkError(t, err, catalog.EINVALID)
		}
	}
}

func FuzzParseAnswerQuery(f *testing.F) {
	for _, s := range [][2]string{{"1", ""}, {"7", "page=2&count=1000000000"}, {"0", ""}, {"1", "count=%31"}, {"1", "page=00000000000000000000001"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, id, query string) {
		q, err := parseAnswerQuery(id, query)
		if err != nil {
			checkError(t, err, catalog.EINVALID)
			return
		}
		if q.QuestionID < 1 || q.QuestionID > catalog.MaxID || q.Page.Number < 1 || q.Page.Number > MaxPage ||
			q.Page.Size < 1 || q.Page.Size > MaxAnswerCount {
			t.Fatalf("parseAnswerQuery(%q, %q) = %+v", id, query, q)
		}
		// What is echoed is what was served: digits that give the page,
		// or nothing and the default.
		for _, g := range []struct {
			given    string
			got, def int64
			most     int64
		}{{q.givenPage, q.Page.Number, DefaultPage, MaxPage}, {q.givenCount, q.Page.Size, DefaultCount, MaxAnswerCount}} {
			if g.given == "" {
				if g.got != g.def {
					t.Fatalf("parseAnswerQuery(%q, %q) = %+v: none given, yet not the default", id, query, q)
				}
				continue
			}
			n, ok := parsePageNumber(g.given)
			if !ok || len(g.given) > MaxGivenLen || min(n, g.most) != g.got {
				t.Fatalf("parseAnswerQuery(%q, %q) = %+v: %q given", id, query, q, g.given)
			}
		}
	})
}

func FuzzParseQAID(f *testing.F) {
	for _, s := range []string{"1", "0", "-1", "abc", "2147483648", "0005", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, qerr := parseQuestionID(s)
		a, aerr := parseAnswerID(s)
		if (qerr == nil) != (aerr == nil) || q != a {
			t.Fatalf("%q: question id %d, %v; answer id %d, %v", s, q, qerr, a, aerr)
		}
		if qerr != nil {
			checkError(t, qerr, catalog.EINVALID)
			checkError(t, aerr, catalog.EINVALID)
			return
		}
		if q < 1 || q > catalog.MaxID {
			t.Fatalf("parseQuestionID(%q) = %d", s, q)
		}
	})
}

// validQuestion is a body of POST /qa/questions that parses and
// validates.
const validQuestion = `{"body":"Does this run big?","name":"jbilas","email":"first.last@gmail.com","product_id":5}`

func TestParseNewQuestion(t *testing.T) {
	full := catalog.NewQuestion{ProductID: 5, Body: "Does this run big?", Name: "jbilas", Email: "first.last@gmail.com"}
	for _, tc := range []struct {
		name, body string
		want       catalog.NewQuestion
	}{
		{"Full", validQuestion, full},
		{"FormString", `{"product_id":"0005","body":"Does this run big?","name":"jbilas","email":"first.last@gmail.com"}`, full},
		{"UnknownFieldsAndSpace", " {\"x\":[1,{}],\"product_id\":5 ,\"body\":\"Does this run big?\",\"name\":\"jbilas\",\"email\":\"first.last@gmail.com\",\"photos\":1}\n", full},
		// Validate's to refuse.
		{"Nulls", `{"product_id":5,"body":null,"name":null,"email":null}`, catalog.NewQuestion{ProductID: 5}},
		{"Missing", `{"product_id":5}`, catalog.NewQuestion{ProductID: 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseNewQuestion([]byte(tc.body))
			if err != nil || got != tc.want {
				t.Fatalf("parseNewQuestion(%s) = %+v, %v; want %+v", tc.body, got, err, tc.want)
			}
		})
	}
}

func TestParseNewQuestion_Refused(t *testing.T) {
	const rest = `"body":"b","name":"n","email":"e@x.io"`
	for _, body := range []string{
		``, `   `, `null`, `[]`, `"x"`, `{`,
		`{"product_id":1,` + rest + `} {}`,
		`{"product_id":1,` + rest + `}x`,
		"{\"product_id\":1," + rest + ",\"name\":\"\xff\"}",
		`product_id=1&body=b`,
		`{` + rest + `}`,
		`{"PRODUCT_ID":1,` + rest + `}`,
		`{"product_id":null,` + rest + `}`,
		`{"product_id":0,` + rest + `}`,
		`{"product_id":-2,` + rest + `}`,
		`{"product_id":2147483648,` + rest + `}`,
		`{"product_id":1.0,` + rest + `}`,
		`{"product_id":1e3,` + rest + `}`,
		`{"product_id":"abc",` + rest + `}`,
		`{"product_id":" 1",` + rest + `}`,
		`{"product_id":true,` + rest + `}`,
		`{"product_id":[1],` + rest + `}`,
		`{"product_id":1,"body":5,"name":"n","email":"e@x.io"}`,
		`{"product_id":1,"body":"b","name":["n"],"email":"e@x.io"}`,
		`{"product_id":1,"body":"b","name":"n","email":{}}`,
	} {
		_, err := parseNewQuestion([]byte(body))
		if err == nil {
			t.Errorf("parseNewQuestion(%s): no error", body)
			continue
		}
		checkError(t, err, catalog.EUNPROCESSABLE)
	}
}

func FuzzParseNewQuestion(f *testing.F) {
	for _, s := range []string{validQuestion, `{"product_id":"2","body":null}`, `{"product_id":1e3}`, `[]`, ``, `{"body":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		q, err := parseNewQuestion(body)
		if err != nil {
			checkError(t, err, catalog.EUNPROCESSABLE)
			return
		}
		if q.ProductID < 1 || q.ProductID > catalog.MaxID {
			t.Fatalf("parseNewQuestion(%q) = %+v", body, q)
		}
		// What parsed is what it reads back as, written again.
		b, _ := json.Marshal(map[string]any{"product_id": q.ProductID, "body": q.Body, "name": q.Name, "email": q.Email})
		if again, err := parseNewQuestion(b); err != nil || again != q {
			t.Fatalf("%+v, written as %s, parses as %+v, %v", q, b, again, err)
		}
		_ = q.Validate() // must not panic
	})
}

// validAnswer is a body of POST /qa/questions/{question_id}/answers that
// parses and validates.
const validAnswer = `{"body":"It runs small.","name":"Seller","email":"first.last@gmail.com","photos":["https://example.com/1.jpg"]}`

func TestParseNewAnswer(t *testing.T) {
	full := catalog.NewAnswer{QuestionID: 37, Body: "It runs small.", Name: "Seller", Email: "first.last@gmail.com", Photos: []string{"https://example.com/1.jpg"}}
	minimal := catalog.NewAnswer{QuestionID: 37, Body: "b", Name: "n", Email: "e@x.io"}
	for _, tc := range []struct {
		name, id, body string
		want           catalog.NewAnswer
	}{
		{"Full", "37", validAnswer, full},
		{"LeadingZeros", "0037", validAnswer, full},
		{"Minimal", "37", `{"body":"b","name":"n","email":"e@x.io"}`, minimal},
		{"Nulls", "37", `{"body":"b","name":"n","email":"e@x.io","photos":null}`, minimal},
		{"NoPhotos", "37", `{"body":"b","name":"n","email":"e@x.io","photos":[]}`,
			catalog.NewAnswer{QuestionID: 37, Body: "b", Name: "n", Email: "e@x.io", Photos: []string{}}},
		{"UnknownFields", "37", `{"question_id":9,"body":"b","name":"n","email":"e@x.io","x":{}}`, minimal},
		// Validate's to refuse.
		{"NotURLs", "37", `{"photos":["a","",""]}`, catalog.NewAnswer{QuestionID: 37, Photos: []string{"a", "", ""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseNewAnswer(tc.id, []byte(tc.body))
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("parseNewAnswer(%s, %s) = %+v, %v; want %+v", tc.id, tc.body, got, err, tc.want)
			}
		})
	}
}

func TestParseNewAnswer_Refused(t *testing.T) {
	const rest = `"body":"b","name":"n","email":"e@x.io"`
	for _, tc := range []struct{ id, body string }{
		{"0", validAnswer}, {"", validAnswer}, {"x", validAnswer}, {"-1", validAnswer}, {"2147483648", validAnswer},
		{"1", ``}, {"1", `null`}, {"1", `[]`}, {"1", `{`}, {"1", `{}{}`},
		{"1", "{\"body\":\"\xff\"}"},
		{"1", `body=b&name=n`},
		{"1", `{"body":1,"name":"n","email":"e@x.io"}`},
		{"1", `{"body":"b","name":true,"email":"e@x.io"}`},
		{"1", `{` + rest + `,"photos":"https://x/1"}`},
		{"1", `{` + rest + `,"photos":[1]}`},
		{"1", `{` + rest + `,"photos":[null]}`},
		{"1", `{` + rest + `,"photos":{}}`},
		{"1", `{` + rest + `,"photos":["a","b","c","d","e","f"]}`},
	} {
		_, err := parseNewAnswer(tc.id, []byte(tc.body))
		if err == nil {
			t.Errorf("parseNewAnswer(%q, %s): no error", tc.id, tc.body)
			continue
		}
		checkError(t, err, catalog.EUNPROCESSABLE)
	}
}

func FuzzParseNewAnswer(f *testing.F) {
	for _, s := range [][2]string{{"37", validAnswer}, {"1", `{"photos":[null]}`}, {"0", `{}`}, {"1", `[]`}, {"1", ``}, {"01", `{"photos":["a"],"body":null}`}} {
		f.Add(s[0], []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, id string, body []byte) {
		a, err := parseNewAnswer(id, body)
		if err != nil {
			checkError(t, err, catalog.EUNPROCESSABLE)
			return
		}
		if a.QuestionID < 1 || a.QuestionID > catalog.MaxID || len(a.Photos) > catalog.MaxAnswerPhoto {
			t.Fatalf("parseNewAnswer(%q, %q) = %+v", id, body, a)
		}
		// What parsed is what it reads back as, written again.
		b, _ := json.Marshal(map[string]any{"body": a.Body, "name": a.Name, "email": a.Email, "photos": a.Photos})
		again, err := parseNewAnswer(strconv.FormatInt(a.QuestionID, 10), b)
		if len(a.Photos) == 0 {
			a.Photos, again.Photos = nil, nil
		}
		if err != nil || !reflect.DeepEqual(again, a) {
			t.Fatalf("%+v, written as %s, parses as %+v, %v", a, b, again, err)
		}
		_ = a.Validate() // must not panic
	})
}

// validInteraction is a body of POST /interactions that parses and
// validates.
const validInteraction = `{"element":"add-to-cart","widget":"Overview","time":"2021-08-04T18:29:14.081Z"}`

func TestParseInteraction(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       catalog.Interaction
	}{
		{"ISOTime", validInteraction, catalog.Interaction{Element: "add-to-cart", Widget: "Overview", Time: "2021-08-04T18:29:14.081Z"}},
		{"AnyTime", `{"time":"Wed Aug 04 2021 11:29:14 GMT-0700","widget":"Q&A","element":"button#more"}`,
			catalog.Interaction{Element: "button#more", Widget: "Q&A", Time: "Wed Aug 04 2021 11:29:14 GMT-0700"}},
		{"UnknownFields", `{"element":"e","widget":"w","time":"t","x":[1]}`, catalog.Interaction{Element: "e", Widget: "w", Time: "t"}},
		// Validate's to refuse.
		{"Nulls", `{"element":null,"widget":"w"}`, catalog.Interaction{Widget: "w"}},
		{"Empty", `{}`, catalog.Interaction{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseInteraction([]byte(tc.body))
			if err != nil || got != tc.want {
				t.Fatalf("parseInteraction(%s) = %+v, %v; want %+v", tc.body, got, err, tc.want)
			}
		})
	}
	for _, body := range []string{``, `null`, `[]`, `{`, `{}{}`, "{\"element\":\"\xff\"}", `element=e&widget=w&time=t`,
		`{"element":"e","widget":"w","time":1628101754081}`, `{"element":["e"],"widget":"w","time":"t"}`, `{"element":"e","widget":{},"time":"t"}`} {
		if _, err := parseInteraction([]byte(body)); err == nil {
			t.Errorf("parseInteraction(%s): no error", body)
		} else {
			checkError(t, err, catalog.EUNPROCESSABLE)
		}
	}
}

func FuzzParseInteraction(f *testing.F) {
	for _, s := range []string{validInteraction, `{"time":1}`, `{"element":null}`, `[]`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		i, err := parseInteraction(body)
		if err != nil {
			checkError(t, err, catalog.EUNPROCESSABLE)
			return
		}
		b, _ := json.Marshal(map[string]any{"element": i.Element, "widget": i.Widget, "time": i.Time})
		if again, err := parseInteraction(b); err != nil || again != i {
			t.Fatalf("%+v, written as %s, parses as %+v, %v", i, b, again, err)
		}
		_ = i.Validate() // must not panic
	})
}
