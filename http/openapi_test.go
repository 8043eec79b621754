package http_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/helpers"
	"github.com/pb33f/libopenapi-validator/schema_validation"

	"catalog"
	cataloghttp "catalog/http"
)

// TestOpenAPI checks the description served at /openapi.json against the
// OpenAPI 3.1 schema, then every golden response (also under the hosted
// prefix, with another campus), every answer of the bad-input corpus and
// the cart flows of cookies and tokens against it: a response must be one
// its operation documents, with a body its schema allows; a request
// answered 2xx or 304 must be one the description allows (but for the
// corpus, whose odd requests the service tolerates); a request of a
// path or method it does not describe must be answered a 404 or 405 JSON
// error.
func TestOpenAPI(t *testing.T) {
	all := newServer(t, writeFixtureCSV(t))
	h := all
	resp := serve(h, request{path: "/openapi.json"})
	spec, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("GET /openapi.json: status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		t.Fatalf("the description is not valid OpenAPI 3.1: %v", errs)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	errorSchema := model.Model.Components.Schemas.GetOrZero("Error").Schema()

	checked := 0
	check := func(t *testing.T, req request, strict bool) {
		t.Helper()
		resp := serve(h, req)
		body, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		r := newRequest(req)
		ok, errs := v.ValidateHttpResponse(r, resp)
		checked++
		// A path or method it does not describe, or a path it cannot tell
		// (escaped slashes), must be a JSON 404 or 405.
		if len(errs) > 0 && errs[0].ValidationType == helpers.PathValidation {
			if resp.StatusCode != 404 && resp.StatusCode != 405 {
				t.Errorf("%s %s: not in the description, yet answered %d", r.Method, req.path, resp.StatusCode)
			}
			if ok, errs := schema_validation.NewSchemaValidator().ValidateSchemaBytes(errorSchema, body); !ok {
				t.Errorf("%s %s: %d body %s is not an Error: %v", r.Method, req.path, resp.StatusCode, body, errs)
			}
			return
		}
		if !ok {
			t.Errorf("%s %s: %d response %.200s does not match the description: %v", r.Method, req.path, resp.StatusCode, body, errs)
		}
		if strict && resp.StatusCode < 400 {
			vr := newRequest(req)
			if req.body != "" && vr.Header.Get("Content-Type") == "" {
				// No media type says "none"; the description says such a
				// body is read as JSON.
				vr.Header.Set("Content-Type", "application/json")
			}
			if ok, errs := v.ValidateHttpRequest(vr); !ok {
				t.Errorf("%s %s: answered %d, but the description does not allow the request: %v", r.Method, req.path, resp.StatusCode, errs)
			}
		}
	}

	t.Run("Golden", func(t *testing.T) {
		for _, g := range goldenRequests {
			check(t, g.req, true)
			hosted := g.req
			hosted.path = "/api/fec2/hratx" + g.req.path
			check(t, hosted, true)
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		for _, b := range badInput {
			check(t, b.req, false)
		}
	})
	t.Run("Carts", func(t *testing.T) {
		tok := map[string]string{"Authorization": "Bearer tok-openapi"}
		cookie := map[string]string{"Cookie": "user_session=openapi1"}
		both := map[string]string{"Authorization": "tok-openapi", "Cookie": "user_session=openapi1"}
		for _, hdr := range []map[string]string{tok, cookie, both, nil} {
			check(t, request{path: "/cart", header: hdr}, true)
			check(t, request{method: "POST", path: "/cart", body: `{"sku_id":9}`, header: hdr}, true)
			check(t, request{method: "POST", path: "/api/fec2/hr-rfe/cart", body: `{"sku_id":"10"}`, header: hdr}, true)
			check(t, request{path: "/api/fec2/hr-rfe/cart", header: hdr}, true)
		}
		check(t, request{path: "/cart", header: map[string]string{"Authorization": "three odd words"}}, true)
		check(t, request{path: "/cart", header: map[string]string{"Authorization": "Bearer"}}, true)
		check(t, request{method: "POST", path: "/cart", body: `{"sku_id":9}`, header: map[string]string{"Authorization": "a,b"}}, true)
	})
	t.Run("Interactions", func(t *testing.T) {
		store := &stubStore{}
		h = cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store, Clicks: &fakeClicks{room: 2}},
			cataloghttp.Config{Campus: "c", Logger: quietLogger()}).Handler()
		defer func() { h = all }()
		click := `{"element":"e","widget":"w","time":"t"}`
		check(t, request{method: "POST", path: "/interactions", body: click}, true)
		check(t, request{method: "POST", path: "/api/fec2/hr-rfp/interactions", body: click}, true)
		for _, req := range []request{
			{method: "POST", path: "/interactions", body: click}, // the log is full: 503
			{method: "POST", path: "/interactions", body: `{"element":"e","widget":"w"}`},
			{method: "POST", path: "/interactions", body: strings.Repeat(" ", cataloghttp.MaxInteractionBodyBytes+1)},
		} {
			check(t, req, false)
		}
	})
	t.Run("CampusesNamed", func(t *testing.T) {
		h = newServerWith(t, "sqlite", writeFixtureCSV(t), cataloghttp.Config{Campus: "hr-rfp", Campuses: []string{"hr-rfp"}})
		defer func() { h = all }()
		for _, path := range []string{"/api/fec2/hratx/products", "/api/fec2/hratx/products/1", "/api/fec2/hratx/cart"} {
			check(t, request{path: path}, true)
		}
		check(t, request{method: "POST", path: "/api/fec2/hratx/cart", body: `{"sku_id":9}`}, true)
	})
	t.Run("Reviews", func(t *testing.T) {
		reviews := append([]catalog.Review{{ID: 6, Rating: 5, Date: time.UnixMilli(1596080481467), Summary: "s", Body: "b",
			Recommend: true, ReviewerName: "n", Response: catalog.Some("Thanks!"), Helpfulness: 0}}, contractReviews...)
		f := &fakeReviews{reviews: reviews, meta: catalog.ReviewMeta{Ratings: [5]int64{0, 0, 1, 0, 2}, Recommended: [2]int64{0, 3},
			Characteristics: []catalog.CharacteristicMeta{{ID: 1, Name: "Fit", Votes: 3, Sum: 7}, {ID: 2, Name: "Quality"}}}}
		h = newReviewServer(t, f, nil)
		defer func() { h = all }()
		for _, prefix := range []string{"", "/api/fec2/hratx"} {
			for _, path := range []string{"/reviews?product_id=2", "/reviews?product_id=2&page=2&count=1000&sort=newest",
				"/reviews?product_id=2&count=100000&sort=%27helpful%27", "/reviews?product_id=2&sort=%22relevant%22",
				"/reviews/meta?product_id=2"} {
				check(t, request{path: prefix + path}, true)
				tag := serve(h, request{path: prefix + path}).Header.Get("ETag")
				check(t, request{path: prefix + path, header: map[string]string{"If-None-Match": tag}}, true)
			}
			check(t, request{method: "POST", path: prefix + "/reviews", body: postReview, header: map[string]string{"Content-Type": "application/json"}}, true)
			check(t, request{method: "POST", path: prefix + "/reviews", body: `{"product_id":"2","rating":"4","recommend":"false","summary":null,` +
				`"body":"b","name":"n","email":"e@x.io","photos":null,"characteristics":{"1":"3"}}`}, true)
			for _, path := range []string{"/reviews/5/helpful", "/reviews/5/report", "/reviews/11/helpful", "/reviews/x/report"} {
				check(t, request{method: "PUT", path: prefix + path}, true)
			}
			for _, req := range []request{
				{path: prefix + "/reviews"}, {path: prefix + "/reviews?product_id=x"}, {path: prefix + "/reviews?product_id=1&sort=date"},
				{path: prefix + "/reviews/meta?product_id=0"},
				{method: "POST", path: prefix + "/reviews", body: `{"rating":5}`},
				{method: "POST", path: prefix + "/reviews", body: `{"product_id":1,"rating":6}`},
				{method: "POST", path: prefix + "/reviews", body: strings.Repeat(" ", cataloghttp.MaxReviewBodyBytes+1)},
				{method: "DELETE", path: prefix + "/reviews"}, {method: "GET", path: prefix + "/reviews/1/helpful"},
			} {
				check(t, req, false)
			}
		}
	})
	t.Run("QA", func(t *testing.T) {
		questions := append([]catalog.Question{{ID: 2, Body: "q", Date: time.UnixMilli(1596080481467), AskerName: "n", Helpfulness: 1,
			Answers: []catalog.Answer{{ID: 12, Body: "a", AnswererName: "m"}, {ID: 3, Body: "b", AnswererName: "o", Helpfulness: 2}}}}, contractQuestions...)
		answers := append([]catalog.Answer{{ID: 9, Body: "a", AnswererName: "m", Date: time.UnixMilli(1596080481467)}}, contractAnswers...)
		h = newQAServer(t, &fakeQA{questions: questions, answers: answers}, nil)
		defer func() { h = all }()
		for _, prefix := range []string{"", "/api/fec2/hratx"} {
			for _, path := range []string{"/qa/questions?product_id=5", "/qa/questions?product_id=5&page=2&count=1000000000",
				"/qa/questions/1/answers", "/qa/questions/1/answers?page=1&count=5", "/qa/questions/1/answers?count=1000000000",
				"/qa/questions/0001/answers?page=02"} {
				check(t, request{path: prefix + path}, true)
				tag := serve(h, request{path: prefix + path}).Header.Get("ETag")
				check(t, request{path: prefix + path, header: map[string]string{"If-None-Match": tag}}, true)
			}
			check(t, request{method: "POST", path: prefix + "/qa/questions", body: postQuestion, header: map[string]string{"Content-Type": "application/json"}}, true)
			check(t, request{method: "POST", path: prefix + "/qa/questions", body: `{"product_id":"5","body":"b","name":"n","email":"e@x.io"}`}, true)
			check(t, request{method: "POST", path: prefix + "/qa/questions/1/answers", body: postAnswer}, true)
			check(t, request{method: "POST", path: prefix + "/qa/questions/1/answers", body: `{"body":"b","name":"n","email":"e@x.io","photos":null}`}, true)
			for _, path := range []string{"/qa/questions/5/helpful", "/qa/questions/5/report", "/qa/answers/5/helpful", "/qa/answers/5/report",
				"/qa/questions/11/helpful", "/qa/answers/11/report", "/qa/questions/x/report", "/qa/answers/0/helpful"} {
				check(t, request{method: "PUT", path: prefix + path}, true)
			}
			for _, req := range []request{
				{path: prefix + "/qa/questions"}, {path: prefix + "/qa/questions?product_id=x"}, {path: prefix + "/qa/questions?product_id=1&count=0"},
				{path: prefix + "/qa/questions/x/answers"}, {path: prefix + "/qa/questions/1/answers?count=123456789012345678901"},
				{method: "POST", path: prefix + "/qa/questions", body: `{"body":"b"}`},
				{method: "POST", path: prefix + "/qa/questions/1/answers", body: `{"body":"b","name":"n","email":"e"}`},
				{method: "POST", path: prefix + "/qa/questions/x/answers", body: postAnswer},
				{method: "POST", path: prefix + "/qa/questions", body: strings.Repeat(" ", cataloghttp.MaxQABodyBytes+1)},
				{method: "DELETE", path: prefix + "/qa/questions"}, {method: "GET", path: prefix + "/qa/answers/1/helpful"},
				{method: "POST", path: prefix + "/interactions", body: `{"element":"e","widget":"w","time":"t"}`},
			} {
				check(t, req, false)
			}
		}
	})
	t.Run("Conditional", func(t *testing.T) {
		for _, path := range []string{"/products/1", "/products/1/styles", "/products/1/related", "/products?page=1&count=2"} {
			tag := serve(h, request{path: path}).Header.Get("ETag")
			check(t, request{path: path, header: map[string]string{"If-None-Match": tag}}, true)
		}
	})
	check(t, request{path: "/healthz"}, true)
	check(t, request{path: "/api/fec2/hratx/healthz"}, true)
	check(t, request{path: "/api/fec2/hratx/openapi.json"}, true)
	check(t, request{path: "/"}, true)
	check(t, request{path: "/openapi.json"}, true)
	t.Logf("%d responses checked against the description", checked)
	if checked < 100 {
		t.Errorf("only %d responses checked", checked)
	}
}
