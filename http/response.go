package http

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"catalog"
	"catalog/readmodel"
	"catalog/surrogate"
	"catalog/wire"
)

// Route is a cacheable route of the API.
type Route uint8

// The cacheable routes.
const (
	RouteProducts Route = iota + 1
	RouteProduct
	RouteStyles
	RouteRelated
	// RouteReviews is a page of a product's reviews in an order;
	// RouteReviewMeta its meta.
	RouteReviews
	RouteReviewMeta
	// RouteQuestions is a page of a product's questions, with their
	// answers; RouteAnswers a page of a question's answers.
	RouteQuestions
	RouteAnswers
)

// ofReviews reports whether r is a route of a product's reviews.
func (r Route) ofReviews() bool { return r == RouteReviews || r == RouteReviewMeta }

// ofQA reports whether r is a route of questions and answers.
func (r Route) ofQA() bool { return r == RouteQuestions || r == RouteAnswers }

// documents are the documents of a product's routes.
var documents = map[Route]catalog.Document{
	RouteProduct: catalog.DocProduct,
	RouteStyles:  catalog.DocStyles,
	RouteRelated: catalog.DocRelated,
}

// Key names one catalog response: its route, and the product or the page
// it is of (a page of a product's reviews: both, and the order; a page of
// a product's questions, or of a question's answers: the product or the
// question, and the page).
type Key struct {
	Route Route
	ID    int64
	Page  catalog.Page
	Sort  catalog.ReviewSort
	// GivenPage and GivenCount are a page of answers' page and count as
	// its query gave them (digits), which its body echoes; empty when not
	// given.
	GivenPage, GivenCount string
}

// String names the response, for a cache shared between instances:
// "product/1", "styles/1", "related/1", "products/2/5", "reviews/1/2/5/0",
// "meta/1", "questions/5/1/5", "answers/7/1/5"; a page of answers whose
// query gave its page or count has them after it, an empty one when not
// given: "answers/7/1/100//100".
func (k Key) String() string {
	switch k.Route {
	case RouteProducts:
		return "products/" + strconv.FormatInt(k.Page.Number, 10) + "/" + strconv.FormatInt(k.Page.Size, 10)
	case RouteReviews:
		return "reviews/" + strconv.FormatInt(k.ID, 10) + "/" + strconv.FormatInt(k.Page.Number, 10) + "/" +
			strconv.FormatInt(k.Page.Size, 10) + "/" + strconv.Itoa(int(k.Sort))
	case RouteReviewMeta:
		return "meta/" + strconv.FormatInt(k.ID, 10)
	case RouteQuestions:
		return "questions/" + strconv.FormatInt(k.ID, 10) + "/" + strconv.FormatInt(k.Page.Number, 10) + "/" +
			strconv.FormatInt(k.Page.Size, 10)
	case RouteAnswers:
		name := "answers/" + strconv.FormatInt(k.ID, 10) + "/" + strconv.FormatInt(k.Page.Number, 10) + "/" +
			strconv.FormatInt(k.Page.Size, 10)
		if k.GivenPage != "" || k.GivenCount != "" {
			name += "/" + k.GivenPage + "/" + k.GivenCount
		}
		return name
	case RouteProduct:
		return "product/" + strconv.FormatInt(k.ID, 10)
	case RouteStyles:
		return "styles/" + strconv.FormatInt(k.ID, 10)
	case RouteRelated:
		return "related/" + strconv.FormatInt(k.ID, 10)
	}
	return "route" + strconv.Itoa(int(k.Route)) + "/" + strconv.FormatInt(k.ID, 10)
}

// Version returns the version of k's response: its product's, its
// page's, its product's reviews' or questions', or its question's
// answers'.
func (k Key) Version(v *catalog.Versions) int64 {
	switch {
	case k.Route == RouteProducts:
		return v.Page(k.Page)
	case k.Route.ofReviews():
		return v.Reviews(k.ID)
	case k.Route == RouteQuestions:
		return v.Questions(k.ID)
	case k.Route == RouteAnswers:
		return v.Answers(k.ID)
	}
	return v.Product(k.ID)
}

// Response is a catalog response as the service sends it, with the facts
// every request of it needs, made once when it is read from the store and
// kept with it by a cache: its entity tag's hash and its surrogate keys.
type Response struct {
	// Body is the identity body; nil until made when the store keeps the
	// document packed, which comes as Gzip.
	Body []byte
	// Gzip and Brotli are the body so compressed, once made; nil until
	// then, and always for a body too short to be worth it.
	Gzip, Brotli []byte
	// Hash is the hex of a 64-bit xxhash of the body (or of the packed
	// document it is made of), which its entity tags are made of.
	Hash string
	// Keys is its Surrogate-Key.
	Keys string
}

// compressible reports whether the body is long enough to be sent
// compressed: a packed document always is.
func (r *Response) compressible() bool { return r.Gzip != nil || len(r.Body) >= minCompressed }

// Encoded returns the body in encoding e, or nil when not made yet.
func (r *Response) Encoded(e Encoding) []byte {
	switch e {
	case Gzip:
		return r.Gzip
	case Brotli:
		return r.Brotli
	}
	return r.Body
}

// WithEncoded returns a copy of r that holds its body in encoding e.
func (r *Response) WithEncoded(e Encoding, body []byte) *Response {
	out := *r
	switch e {
	case Gzip:
		out.Gzip = body
	case Brotli:
		out.Brotli = body
	default:
		out.Body = body
	}
	return &out
}

// Size is about what r takes in memory, for a cache bounded in bytes.
func (r *Response) Size() int {
	return len(r.Body) + len(r.Gzip) + len(r.Brotli) + len(r.Hash) + len(r.Keys) + 128
}

// Source gives the catalog's responses: the store (StoreSource), or a
// cache in front of it (cache.Responses).
type Source interface {
	// Response returns k's response, in the encodings the source has.
	Response(ctx context.Context, k Key) (*Response, error)
	// Encode returns r, k's response, with its body in encoding e too:
	// a compressed one made from the identity body, or the identity body
	// inflated from the gzip one.
	Encode(ctx context.Context, k Key, r *Response, e Encoding) (*Response, error)
}

// reviewResponse reads a page of a product's reviews, or its meta.
func (s StoreSource) reviewResponse(ctx context.Context, k Key) (*Response, error) {
	body, err := render(ctx, func(ctx context.Context, b []byte) ([]byte, error) {
		if k.Route == RouteReviewMeta {
			meta, err := s.Reviews.ReviewMeta(ctx, k.ID)
			return wire.AppendReviewMeta(b, meta), err
		}
		reviews, err := s.Reviews.Reviews(ctx, catalog.ReviewQuery{ProductID: k.ID, Page: k.Page, Sort: k.Sort})
		return wire.AppendReviews(b, k.ID, k.Page.First()-1, k.Page.Size, reviews), err
	})
	if err != nil {
		return nil, err
	}
	return &Response{Body: body, Hash: etag(body), Keys: surrogate.ReviewKeys(k.ID)}, nil
}

// qaResponse reads a page of a product's questions, or of a question's
// answers.
func (s StoreSource) qaResponse(ctx context.Context, k Key) (*Response, error) {
	keys := surrogate.QuestionKeys(k.ID)
	if k.Route == RouteAnswers {
		keys = surrogate.AnswerKeys(k.ID)
	}
	body, err := render(ctx, func(ctx context.Context, b []byte) ([]byte, error) {
		if k.Route == RouteAnswers {
			answers, err := s.QA.Answers(ctx, catalog.AnswerQuery{QuestionID: k.ID, Page: k.Page})
			return wire.AppendAnswers(b, k.ID, k.Page, k.GivenPage, k.GivenCount, answers), err
		}
		questions, err := s.QA.Questions(ctx, catalog.QuestionQuery{ProductID: k.ID, Page: k.Page})
		return wire.AppendQuestions(b, k.ID, questions), err
	})
	if err != nil {
		return nil, err
	}
	return &Response{Body: body, Hash: etag(body), Keys: keys}, nil
}

// StoreSource reads the catalog's responses from a store: a product's
// documents from its read model, pages from its product list, a
// product's reviews and their meta from its reviews, its questions and
// their answers from its Q&A.
type StoreSource struct {
	Products catalog.ProductService
	Reviews  catalog.ReviewService
	QA       catalog.QAService
	// Campus is the campus every product carries.
	Campus string
}

// Response reads k's response from the store.
func (s StoreSource) Response(ctx context.Context, k Key) (*Response, error) {
	if k.Route.ofReviews() {
		return s.reviewResponse(ctx, k)
	}
	if k.Route.ofQA() {
		return s.qaResponse(ctx, k)
	}
	if k.Route == RouteProducts {
		body, err := render(ctx, func(ctx context.Context, b []byte) ([]byte, error) {
			products, err := s.Products.ListProducts(ctx, k.Page)
			if err != nil {
				return nil, err
			}
			return wire.AppendProducts(b, products, s.Campus), nil
		})
		if err != nil {
			return nil, err
		}
		return &Response{Body: body, Hash: etag(body), Keys: surrogate.ListKeys(body)}, nil
	}
	kind := documents[k.Route]
	doc, err := s.Products.FindDocument(ctx, k.ID, kind)
	if err != nil {
		return nil, err
	}
	keys := surrogate.ProductKeys(k.ID)
	if !readmodel.Packed(doc) {
		if kind == catalog.DocProduct {
			// A product's document is the body but for the campus.
			doc = wire.AddCampus(make([]byte, 0, len(doc)+len(s.Campus)+len(`,"campus":""`)), doc, s.Campus)
		}
		return &Response{Body: doc, Hash: etag(doc), Keys: keys}, nil
	}
	// A packed document is sent as it is to gzip clients: its body is
	// inflated only when a client asks for another encoding.
	var head []byte
	if kind == catalog.DocProduct {
		head = wire.AppendProductHead(nil, k.ID, s.Campus)
	}
	gz, err := readmodel.Gzip(doc, head)
	if err != nil {
		return nil, fmt.Errorf("product %d's document %d: %w", k.ID, kind, err)
	}
	return &Response{Gzip: gz, Hash: etag(head, doc), Keys: keys}, nil
}

// Encode returns r with its body in encoding e: inflated from the gzip
// body, or compressed from the identity one.
func (s StoreSource) Encode(_ context.Context, _ Key, r *Response, e Encoding) (*Response, error) {
	if r.Encoded(e) != nil {
		return r, nil
	}
	if r.Body == nil {
		body, err := gunzip(r.Gzip)
		if err != nil {
			return nil, err
		}
		if r = r.WithEncoded(Identity, body); e == Identity {
			return r, nil
		}
	}
	body, err := compress(e, r.Body)
	if err != nil {
		return nil, err
	}
	return r.WithEncoded(e, body), nil
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// render returns the body fill appends, in a slice of its exact size: fill
// appends to a pooled buffer, so that a body costs one allocation, not one
// for each time a growing slice doubles.
func render(ctx context.Context, fill func(ctx context.Context, b []byte) ([]byte, error)) ([]byte, error) {
	bp := bufPool.Get().(*[]byte)
	b, err := fill(ctx, (*bp)[:0])
	if err != nil {
		bufPool.Put(bp)
		return nil, err
	}
	body := bytes.Clone(b)
	if cap(b) <= 1<<20 { // a buffer that grew too large is let go
		*bp = b[:0]
		bufPool.Put(bp)
	}
	return body, nil
}

// writeBody writes a complete response body with its length.
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

const (
	jsonType = "application/json; charset=utf-8"
	textType = "text/plain; charset=utf-8"
)

// writeJSON writes the JSON that fill appends.
func writeJSON(w http.ResponseWriter, status int, fill func([]byte) []byte) {
	writeBody(w, status, jsonType, fill(make([]byte, 0, 128)))
}
