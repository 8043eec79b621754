package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"catalog"
	"catalog/csv"
	cataloghttp "catalog/http"
)

// fakeReviews is a ReviewService that answers from its fields and
// records what it was asked.
type fakeReviews struct {
	reviews []catalog.Review    // every page
	meta    catalog.ReviewMeta  // every product's, with its id
	err     error               // when set, every call fails with it
	postErr error               // when set, PostReview fails with it
	exists  func(id int64) bool // the reviews that exist; nil: ids 1 to 10

	mu       sync.Mutex
	queries  []catalog.ReviewQuery
	metas    []int64
	posted   []catalog.NewReview
	at       []time.Time
	helpful  []int64
	reported []int64
}

func (f *fakeReviews) Reviews(_ context.Context, q catalog.ReviewQuery) ([]catalog.Review, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, q)
	return f.reviews, f.err
}

func (f *fakeReviews) ReviewMeta(_ context.Context, productID int64) (catalog.ReviewMeta, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.metas = append(f.metas, productID)
	m := f.meta
	m.ProductID = productID
	return m, f.err
}

func (f *fakeReviews) PostReview(_ context.Context, r catalog.NewReview, at time.Time) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.posted = append(f.posted, r)
	f.at = append(f.at, at)
	if f.err != nil {
		return 0, f.err
	}
	return 100, f.postErr
}

func (f *fakeReviews) MarkReviewHelpful(_ context.Context, id int64) error {
	return f.change(&f.helpful, id)
}

func (f *fakeReviews) ReportReview(_ context.Context, id int64) error {
	return f.change(&f.reported, id)
}

func (f *fakeReviews) change(ids *[]int64, id int64) error {
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
		return catalog.ErrNoReview(id)
	}
	*ids = append(*ids, id)
	return nil
}

// calls counts the calls f was given.
func (f *fakeReviews) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.queries) + len(f.metas) + len(f.posted) + len(f.helpful) + len(f.reported)
}

// newReviewServer returns a server of f's reviews, with stub products
// and carts, logging to log when it is not nil.
// zeroReviewCacheControl is the review responses' Cache-Control with the
// zero Freshness: browsers revalidate each time, shared caches as the
// catalog's responses.
const zeroReviewCacheControl = "public, max-age=0, s-maxage=0, stale-if-error=0"

func newReviewServer(t testing.TB, f *fakeReviews, log io.Writer) http.Handler {
	t.Helper()
	logger := quietLogger()
	if log != nil {
		logger = slog.New(slog.NewTextHandler(log, nil))
	}
	store := &stubStore{}
	svc := cataloghttp.Services{Products: store, Carts: store, Reviews: f}
	return cataloghttp.NewServer(svc, cataloghttp.Config{Campus: "hr-rfp", Logger: logger}).Handler()
}

// contractReviews are the reviews of the contract's example.
var contractReviews = []catalog.Review{{
	ID: 5, ProductID: 2, Rating: 3, Date: time.UnixMilli(1555243932000), Summary: "I'm enjoying wearing these shades",
	Body: "Comfortable and practical.", ReviewerName: "shortandsweeet", ReviewerEmail: "first.last@gmail.com", Helpfulness: 5,
	Photos: []catalog.ReviewPhoto{{ID: 1, ReviewID: 5, URL: "https://a/1"}, {ID: 2, ReviewID: 5, URL: "https://a/2"}},
}}

const contractReviewsResults = `[{"review_id":5,"rating":3,"summary":"I'm enjoying wearing these shades","recommend":false,` +
	`"response":null,"body":"Comfortable and practical.","date":"2019-04-14T00:00:00.000Z","reviewer_name":"shortandsweeet",` +
	`"helpfulness":5,"photos":[{"id":1,"url":"https://a/1"},{"id":2,"url":"https://a/2"}]}]`

var etagPattern = regexp.MustCompile(`^"[0-9a-f]{16}"$`)

func TestReviews_List(t *testing.T) {
	q := func(id, number, size int64, sort catalog.ReviewSort) catalog.ReviewQuery {
		return catalog.ReviewQuery{ProductID: id, Page: catalog.Page{Number: number, Size: size}, Sort: sort}
	}
	for _, tc := range []struct {
		path     string
		query    catalog.ReviewQuery
		wantHead string // the body before results
	}{
		{"/reviews?product_id=2", q(2, 1, 5, catalog.SortRelevant), `{"product":"2","page":0,"count":5,"results":`},
		{"/reviews/?product_id=2", q(2, 1, 5, catalog.SortRelevant), ""},
		{"/api/fec2/hr-rfp/reviews?product_id=2&page=3&count=10&sort=newest", q(2, 3, 10, catalog.SortNewest), `{"product":"2","page":20,"count":10,"results":`},
		{"/reviews?product_id=40344&count=1000&page=2", q(40344, 2, 1000, catalog.SortRelevant), `{"product":"40344","page":1000,"count":1000,"results":`},
		{"/reviews?product_id=1&count=100000", q(1, 1, 1000, catalog.SortRelevant), `{"product":"1","page":0,"count":1000,"results":`},
		{"/reviews?product_id=1&sort='helpful'", q(1, 1, 5, catalog.SortHelpful), `{"product":"1","page":0,"count":5,"results":`},
		{"/reviews?product_id=1&sort=%22newest%22", q(1, 1, 5, catalog.SortNewest), `{"product":"1","page":0,"count":5,"results":`},
		{"/reviews?product_id=1&sort=%27relevant%27&campus=hr-rfp&x", q(1, 1, 5, catalog.SortRelevant), `{"product":"1","page":0,"count":5,"results":`},
		{"/reviews?product_id=0002&sort=helpful", q(2, 1, 5, catalog.SortHelpful), `{"product":"2","page":0,"count":5,"results":`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			f := &fakeReviews{reviews: contractReviews}
			resp := serve(newReviewServer(t, f, nil), request{path: tc.path})
			body, _ := io.ReadAll(resp.Body)
			if tc.wantHead == "" { // a path the API does not have
				if resp.StatusCode != 404 || f.calls() != 0 {
					t.Fatalf("status %d, %d calls; want 404 and none", resp.StatusCode, f.calls())
				}
				return
			}
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if want := tc.wantHead + contractReviewsResults + "}"; string(body) != want {
				t.Fatalf("body\n%s\nwant\n%s", body, want)
			}
			if len(f.queries) != 1 || f.queries[0] != tc.query {
				t.Fatalf("queries %+v, want %+v", f.queries, tc.query)
			}
			h := resp.Header
			if h.Get("Content-Type") != "application/json; charset=utf-8" || h.Get("Cache-Control") != zeroReviewCacheControl || !etagPattern.MatchString(h.Get("ETag")) {
				t.Fatalf("headers %v", h)
			}
		})
	}
}

func TestReviews_ListNone(t *testing.T) {
	f := &fakeReviews{}
	resp := serve(newReviewServer(t, f, nil), request{path: "/reviews?product_id=7"})
	body, _ := io.ReadAll(resp.Body)
	if want := `{"product":"7","page":0,"count":5,"results":[]}`; resp.StatusCode != 200 || string(body) != want {
		t.Fatalf("%d %s, want 200 %s", resp.StatusCode, body, want)
	}
}

func TestReviews_Meta(t *testing.T) {
	f := &fakeReviews{meta: catalog.ReviewMeta{Ratings: [5]int64{7, 11, 12, 20, 92}, Recommended: [2]int64{32, 110},
		Characteristics: []catalog.CharacteristicMeta{{ID: 135219, Name: "Fit", Votes: 31, Sum: 76}, {ID: 135220, Name: "Length", Votes: 32, Sum: 81}}}}
	h := newReviewServer(t, f, nil)
	for _, path := range []string{"/reviews/meta?product_id=40344", "/api/fec2/hr-rfe/reviews/meta?product_id=40344&x=1"} {
		resp := serve(h, request{path: path})
		body, _ := io.ReadAll(resp.Body)
		want := `{"product_id":"40344","ratings":{"1":"7","2":"11","3":"12","4":"20","5":"92"},"recommended":{"false":"32","true":"110"},` +
			`"characteristics":{"Fit":{"id":135219,"value":"2.4516129032258065"},"Length":{"id":135220,"value":"2.5312500000000000"}}}`
		if resp.StatusCode != 200 || string(body) != want {
			t.Fatalf("%s: %d\n%s\nwant\n%s", path, resp.StatusCode, body, want)
		}
		if resp.Header.Get("Cache-Control") != zeroReviewCacheControl || !etagPattern.MatchString(resp.Header.Get("ETag")) ||
			resp.Header.Get("Surrogate-Key") != "catalog product-40344 reviews reviews-40344" {
			t.Fatalf("%s: headers %v", path, resp.Header)
		}
	}
	if !reflect.DeepEqual(f.metas, []int64{40344, 40344}) {
		t.Fatalf("asked for %v", f.metas)
	}
}

// The GETs answer If-None-Match with 304, and HEAD without a body.
func TestReviews_Conditional(t *testing.T) {
	h := newReviewServer(t, &fakeReviews{reviews: contractReviews}, nil)
	for _, path := range []string{"/reviews?product_id=2", "/reviews/meta?product_id=2"} {
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
}

func TestReviews_BadQuery(t *testing.T) {
	for _, tc := range []struct{ path, message string }{
		{"/reviews", "product_id is missing"},
		{"/reviews?page=1&count=5", "product_id is missing"},
		{"/reviews?product_id=", `product_id ""`},
		{"/reviews?product_id=abc", `product_id "abc"`},
		{"/reviews?product_id=0", `product_id "0"`},
		{"/reviews?product_id=-1", `product_id "-1"`},
		{"/reviews?product_id=2147483648", `product_id "2147483648"`},
		{"/reviews?product_id=1&count=0", `count "0"`},
		{"/reviews?product_id=1&count=x", `count "x"`},
		{"/reviews?product_id=1&page=0", `page "0"`},
		{"/reviews?product_id=1&sort=date", `sort "date"`},
		{"/reviews?product_id=1&sort=", `sort ""`},
		{"/reviews?product_id=1&sort=%27newest", `sort "'newest"`},
		{"/reviews?product_id=%zz", "malformed"},
		{"/reviews/meta", "product_id is missing"},
		{"/reviews/meta?product_id=1.5", `product_id "1.5"`},
		{"/api/fec2/hr-rfp/reviews/meta?product_id=x", `product_id "x"`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			f := &fakeReviews{}
			resp := serve(newReviewServer(t, f, nil), request{path: tc.path})
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

// A body of POST /reviews.
const postReview = `{"product_id":40344,"rating":5,"summary":"Great","body":"Fits well, and warm.","recommend":true,` +
	`"name":"jbilas","email":"first.last@gmail.com","photos":["https://example.com/1.jpg"],"characteristics":{"14":5,"15":3}}`

func TestReviews_Post(t *testing.T) {
	long := `{"product_id":"2","rating":"4","recommend":"true","name":"n","email":"e@x.io","summary":"` + strings.Repeat(`\u00e9`, catalog.MaxReviewSummary) +
		`","body":"` + strings.Repeat(`\ud83d\udc5f`, catalog.MaxReviewBody) + `","photos":[`
	for i := range catalog.MaxReviewPhotos {
		if i > 0 {
			long += ","
		}
		long += `"https://example.com/` + strings.Repeat("a", catalog.MaxPhotoURL-len("https://example.com/")) + `"`
	}
	long += "]}"
	for _, tc := range []struct {
		name   string
		req    request
		review catalog.NewReview
	}{
		{"OK", request{method: "POST", path: "/reviews", body: postReview, header: map[string]string{"Content-Type": "application/json"}},
			catalog.NewReview{ProductID: 40344, Rating: 5, Summary: "Great", Body: "Fits well, and warm.", Recommend: true,
				Name: "jbilas", Email: "first.last@gmail.com", Photos: []string{"https://example.com/1.jpg"},
				Votes: []catalog.Vote{{CharacteristicID: 14, Value: 5}, {CharacteristicID: 15, Value: 3}}}},
		{"NoContentTypeHosted", request{method: "POST", path: "/api/fec2/hr-rfp/reviews", body: `{"product_id":2,"rating":1,"recommend":false,"body":"b","name":"n","email":"e@x.io"}`},
			catalog.NewReview{ProductID: 2, Rating: 1, Body: "b", Name: "n", Email: "e@x.io"}},
		{"LongestForm", request{method: "POST", path: "/reviews", body: long, header: map[string]string{"Content-Type": "application/json; charset=utf-8"}},
			catalog.NewReview{ProductID: 2, Rating: 4, Recommend: true, Name: "n", Email: "e@x.io", Summary: strings.Repeat("é", catalog.MaxReviewSummary),
				Body: strings.Repeat("👟", catalog.MaxReviewBody), Photos: func() []string {
					var p []string
					for range catalog.MaxReviewPhotos {
						p = append(p, "https://example.com/"+strings.Repeat("a", catalog.MaxPhotoURL-len("https://example.com/")))
					}
					return p
				}()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeReviews{}
			during := wantCreated(t, newReviewServer(t, f, nil), tc.req)
			if len(f.posted) != 1 || !reflect.DeepEqual(f.posted[0], tc.review) {
				t.Fatalf("posted %+v\nwant %+v", f.posted, tc.review)
			}
			if at := f.at[0]; !during(at) {
				t.Fatalf("posted at %v, not now", at)
			}
		})
	}
}

// wantCreated serves req, a post, on h, and fails unless it is answered
// 201 Created as the hosted API did; it returns whether a time the store
// was given falls within the request.
func wantCreated(t *testing.T, h http.Handler, req request) (during func(time.Time) bool) {
	t.Helper()
	before := time.Now()
	resp := serve(h, req)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 201 || string(body) != "Created" || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("%d %q %v; want 201 Created", resp.StatusCode, body, resp.Header)
	}
	return func(at time.Time) bool { return !at.Before(before) && !at.After(time.Now()) }
}

func TestReviews_PostRefused(t *testing.T) {
	const (
		invalid = "Error: Review body contains invalid entries"
		product = "Error: invalid product_id provided"
		rest    = `"rating":5,"recommend":true,"body":"b","name":"n","email":"e@x.io"`
	)
	for _, tc := range []struct {
		name, body string
		header     map[string]string
		storeErr   error
		want       string
		reason     string // in the log
	}{
		{"Empty", ``, nil, nil, invalid, "not a JSON object"},
		{"NotJSON", `product_id=1&rating=5`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, nil, invalid, "not a JSON object"},
		{"Array", `[` + postReview + `]`, nil, nil, invalid, "not a JSON object"},
		{"Trailing", postReview + `{}`, nil, nil, invalid, "more after"},
		{"NoProduct", `{` + rest + `}`, nil, nil, product, "product_id is missing"},
		{"ProductText", `{"product_id":"abc",` + rest + `}`, nil, nil, product, "is not a whole number from 1"},
		{"ProductZero", `{"product_id":0,` + rest + `}`, nil, nil, product, "product_id"},
		{"ProductFloat", `{"product_id":2.5,` + rest + `}`, nil, nil, product, "product_id"},
		{"ProductUnknown", postReview, nil, catalog.ErrNoProduct(40344), product, "product 40344 does not exist"},
		{"RatingType", `{"product_id":1,"rating":true,"recommend":true,"body":"b","name":"n","email":"e@x.io"}`, nil, nil, invalid, "is not a whole number"},
		{"RatingRange", `{"product_id":1,"rating":6,"recommend":true,"body":"b","name":"n","email":"e@x.io"}`, nil, nil, invalid, "rating 6 is not from 1 to 5"},
		{"NoRating", `{"product_id":1,"recommend":true,"body":"b","name":"n","email":"e@x.io"}`, nil, nil, invalid, "rating is missing"},
		{"NoRecommend", `{"product_id":1,"rating":5,"body":"b","name":"n","email":"e@x.io"}`, nil, nil, invalid, "recommend is missing"},
		{"NoBody", `{"product_id":1,"rating":5,"recommend":true,"name":"n","email":"e@x.io"}`, nil, nil, invalid, "body is missing"},
		{"BlankName", `{"product_id":1,"rating":5,"recommend":true,"body":"b","name":"  ","email":"e@x.io"}`, nil, nil, invalid, "name is missing"},
		{"Email", `{"product_id":1,"rating":5,"recommend":true,"body":"b","name":"n","email":"e"}`, nil, nil, invalid, "not an email address"},
		{"LongBody", `{"product_id":1,"rating":5,"recommend":true,"name":"n","email":"e@x.io","body":"` + strings.Repeat("x", 1001) + `"}`, nil, nil, invalid, "1001 characters"},
		{"PhotoNotURL", `{"product_id":1,` + rest + `,"photos":["javascript:alert(1)"]}`, nil, nil, invalid, "not an http(s) URL"},
		{"SixPhotos", `{"product_id":1,` + rest + `,"photos":["https://a/1","https://a/2","https://a/3","https://a/4","https://a/5","https://a/6"]}`, nil, nil, invalid, "6 photos"},
		{"PhotosType", `{"product_id":1,` + rest + `,"photos":"https://a/1"}`, nil, nil, invalid, "photos"},
		{"VoteRange", `{"product_id":1,` + rest + `,"characteristics":{"14":6}}`, nil, nil, invalid, "not from 1 to 5"},
		{"VoteTwice", `{"product_id":1,` + rest + `,"characteristics":{"14":5,"014":4}}`, nil, nil, invalid, "voted on twice"},
		{"VoteKey", `{"product_id":1,` + rest + `,"characteristics":{"Fit":5}}`, nil, nil, invalid, "characteristic id"},
		{"VoteNotTheProducts", `{"product_id":1,` + rest + `,"characteristics":{"14":5}}`, nil, catalog.ErrNotProductCharacteristic(14, 1), invalid, "characteristic 14 is not one of product 1's"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeReviews{postErr: tc.storeErr}
			var log bytes.Buffer
			resp := serve(newReviewServer(t, f, &log), request{method: "POST", path: "/reviews", body: tc.body, header: tc.header})
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 422 || string(body) != tc.want || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Fatalf("%d %q (%s); want 422 %q", resp.StatusCode, body, resp.Header.Get("Content-Type"), tc.want)
			}
			if got, want := len(f.posted), map[bool]int{true: 1, false: 0}[tc.storeErr != nil]; got != want {
				t.Fatalf("%d reviews reached the store, want %d", got, want)
			}
			if !strings.Contains(log.String(), "review refused") || !strings.Contains(log.String(), tc.reason) {
				t.Fatalf("log %q lacks the reason %q", log.String(), tc.reason)
			}
		})
	}
}

func TestReviews_PostTooLarge(t *testing.T) {
	f := &fakeReviews{}
	body := `{"product_id":1,"body":"` + strings.Repeat("x", cataloghttp.MaxReviewBodyBytes) + `"}`
	resp := serve(newReviewServer(t, f, nil), request{method: "POST", path: "/reviews", body: body})
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || !strings.Contains(errorMessage(t, msg), "over 65536 bytes") || f.calls() != 0 {
		t.Fatalf("%d %s, %d calls; want 413 and none", resp.StatusCode, msg, f.calls())
	}
}

func TestReviews_Put(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		status       int
		helpful      []int64
		reported     []int64
	}{
		{"PUT", "/reviews/5/helpful", 204, []int64{5}, nil},
		{"PUT", "/reviews/0005/report", 204, nil, []int64{5}},
		{"PUT", "/api/fec2/hr-rfp/reviews/10/helpful", 204, []int64{10}, nil},
		{"PUT", "/api/fec2/hr-rfp/reviews/1/report", 204, nil, []int64{1}},
		{"PUT", "/reviews/11/helpful", 404, nil, nil},
		{"PUT", "/reviews/2147483647/report", 404, nil, nil},
		{"PUT", "/reviews/abc/helpful", 400, nil, nil},
		{"PUT", "/reviews/0/report", 400, nil, nil},
		{"PUT", "/reviews/-1/report", 400, nil, nil},
		{"PUT", "/reviews/2147483648/helpful", 400, nil, nil},
		{"PUT", "/reviews/5/helpful/", 404, nil, nil},
		{"PUT", "/reviews/5/like", 404, nil, nil},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			f := &fakeReviews{}
			resp := serve(newReviewServer(t, f, nil), request{method: tc.method, path: tc.path, body: `{"ignored":true}`})
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
			if !reflect.DeepEqual(f.helpful, tc.helpful) || !reflect.DeepEqual(f.reported, tc.reported) {
				t.Fatalf("helpful %v, reported %v; want %v, %v", f.helpful, f.reported, tc.helpful, tc.reported)
			}
		})
	}
}

// wantNotAllowed serves method on path, and fails unless it is answered
// 405 with allow in Allow, and a JSON error unless it is a HEAD.
func wantNotAllowed(t *testing.T, h http.Handler, method, path, allow string) {
	t.Helper()
	resp := serve(h, request{method: method, path: path})
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != allow {
		t.Errorf("%s %s: %d, Allow %q; want 405, %q", method, path, resp.StatusCode, resp.Header.Get("Allow"), allow)
		return
	}
	if method != "HEAD" {
		errorMessage(t, body)
	}
}

func TestReviews_MethodNotAllowed(t *testing.T) {
	h := newReviewServer(t, &fakeReviews{}, nil)
	for _, tc := range []struct{ method, path, allow string }{
		{"DELETE", "/reviews", "GET, HEAD, POST"},
		{"PUT", "/reviews?product_id=1", "GET, HEAD, POST"},
		{"POST", "/reviews/meta", "GET, HEAD"},
		{"DELETE", "/api/fec2/hr-rfp/reviews/meta", "GET, HEAD"},
		{"GET", "/reviews/5/helpful", "PUT"},
		{"POST", "/reviews/5/helpful", "PUT"},
		{"PATCH", "/reviews/5/report", "PUT"},
		{"HEAD", "/api/fec2/hr-rfp/reviews/5/report", "PUT"},
	} {
		wantNotAllowed(t, h, tc.method, tc.path, tc.allow)
	}
}

// A server without reviews has no review routes.
func TestReviews_NoService(t *testing.T) {
	store := &stubStore{}
	h := cataloghttp.NewServer(cataloghttp.Services{Products: store, Carts: store}, cataloghttp.Config{Campus: "c", Logger: quietLogger()}).Handler()
	for _, req := range []request{{path: "/reviews?product_id=1"}, {path: "/reviews/meta?product_id=1"},
		{method: "POST", path: "/reviews", body: postReview}, {method: "PUT", path: "/reviews/1/helpful"}} {
		if resp := serve(h, req); resp.StatusCode != 404 {
			t.Errorf("%s %s: %d, want 404", req.method, req.path, resp.StatusCode)
		}
	}
}

// A store's failures are the usual JSON errors, internal ones masked.
func TestReviews_StoreErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		err     error
		status  int
		message string
	}{
		{"Unavailable", catalog.Errorf(catalog.EUNAVAILABLE, "the store is busy; retry shortly"), 503, "the store is busy"},
		{"Internal", errors.New(`pq: relation "reviews" does not exist at /srv/db`), 500, "internal error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newReviewServer(t, &fakeReviews{err: tc.err}, nil)
			for _, req := range []request{{path: "/reviews?product_id=1"}, {path: "/reviews/meta?product_id=1"},
				{method: "POST", path: "/reviews", body: postReview}, {method: "PUT", path: "/reviews/1/helpful"}, {method: "PUT", path: "/reviews/1/report"}} {
				resp := serve(h, req)
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != tc.status || errorMessage(t, body) != tc.message && !strings.Contains(errorMessage(t, body), tc.message) {
					t.Fatalf("%s %s: %d %s; want %d %q", req.method, req.path, resp.StatusCode, body, tc.status, tc.message)
				}
			}
		})
	}
}

// TestReviews_SQLite posts, lists, sums up and changes a review through a
// real store: the store's errors reach the client as the contract says.
func TestReviews_SQLite(t *testing.T) {
	s := openStore(t, "sqlite")
	if _, err := csv.Import(context.Background(), writeFixtureCSV(t), s, csv.Options{}); err != nil {
		t.Fatal(err)
	}
	h := cataloghttp.NewServer(cataloghttp.Services{Products: s, Carts: s, Reviews: s}, cataloghttp.Config{Campus: "c", Logger: quietLogger()}).Handler()
	post := func(body string) (int, string) {
		resp := serve(h, request{method: "POST", path: "/reviews", body: body})
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	const review = `"rating":4,"recommend":true,"summary":"Sum","body":"Body","name":"sqlite-reviewer","email":"e@x.io","photos":["https://x/1.jpg"]`
	if status, body := post(`{"product_id":1,` + review + `}`); status != 201 || body != "Created" {
		t.Fatalf("POST: %d %q", status, body)
	}
	if status, body := post(`{"product_id":4,` + review + `}`); status != 422 || body != "Error: invalid product_id provided" {
		t.Fatalf("POST of a product that does not exist: %d %q", status, body)
	}
	if status, body := post(`{"product_id":1,` + review + `,"characteristics":{"2147483647":3}}`); status != 422 || body != "Error: Review body contains invalid entries" {
		t.Fatalf("POST of a vote on no characteristic of the product: %d %q", status, body)
	}
	list := func() []map[string]any {
		resp := serve(h, request{path: "/reviews?product_id=1&count=1000&sort=newest"})
		var v struct{ Results []map[string]any }
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET: %d %v", resp.StatusCode, err)
		}
		var mine []map[string]any
		for _, r := range v.Results {
			if r["reviewer_name"] == "sqlite-reviewer" {
				mine = append(mine, r)
			}
		}
		return mine
	}
	mine := list()
	if len(mine) != 1 {
		t.Fatalf("the posted review is listed %d times", len(mine))
	}
	r := mine[0]
	today := time.Now().UTC().Format("2006-01-02") + "T00:00:00.000Z"
	if r["rating"] != 4.0 || r["response"] != nil || r["helpfulness"] != 0.0 || r["date"] != today || r["body"] != "Body" {
		t.Fatalf("listed as %v", r)
	}
	id := strconv.FormatFloat(r["review_id"].(float64), 'f', -1, 64)
	if resp := serve(h, request{method: "PUT", path: "/reviews/" + id + "/helpful"}); resp.StatusCode != 204 {
		t.Fatalf("PUT helpful: %d", resp.StatusCode)
	}
	if mine := list(); len(mine) != 1 || mine[0]["helpfulness"] != 1.0 {
		t.Fatalf("after helpful: %v", mine)
	}
	if resp := serve(h, request{method: "PUT", path: "/api/fec2/hr-rfp/reviews/" + id + "/report"}); resp.StatusCode != 204 {
		t.Fatalf("PUT report: %d", resp.StatusCode)
	}
	if mine := list(); len(mine) != 0 {
		t.Fatalf("a reported review is listed: %v", mine)
	}
	if resp := serve(h, request{method: "PUT", path: "/reviews/2147483647/helpful"}); resp.StatusCode != 404 {
		t.Fatalf("PUT of a review that does not exist: %d", resp.StatusCode)
	}
	if resp := serve(h, request{path: "/reviews/meta?product_id=1"}); resp.StatusCode != 200 {
		t.Fatalf("GET meta: %d", resp.StatusCode)
	}
}

// A write that lands tells Config.Wrote, before it is answered; one
// refused does not.
func TestReviews_Wrote(t *testing.T) {
	for _, tc := range []struct {
		req   request
		wrote int
	}{
		{request{method: "POST", path: "/reviews", body: postReview}, 1},
		{request{method: "PUT", path: "/reviews/5/helpful"}, 1},
		{request{method: "PUT", path: "/reviews/5/report"}, 1},
		{request{method: "PUT", path: "/reviews/11/helpful"}, 0},
		{request{method: "POST", path: "/reviews", body: `{}`}, 0},
		{request{path: "/reviews?product_id=2"}, 0},
	} {
		t.Run(tc.req.method+" "+tc.req.path, func(t *testing.T) {
			var wrote int
			svc := cataloghttp.Services{Products: &stubStore{}, Carts: &stubStore{}, Reviews: &fakeReviews{}}
			h := cataloghttp.NewServer(svc, cataloghttp.Config{Logger: quietLogger(), Wrote: func(context.Context) { wrote++ }}).Handler()
			serve(h, tc.req)
			if wrote != tc.wrote {
				t.Fatalf("Wrote called %d times, want %d", wrote, tc.wrote)
			}
		})
	}
}
