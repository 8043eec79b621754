package http

import (
	"context"
	"errors"
	"net/http"
	"time"

	"catalog"
	"catalog/wire"
)

// The texts POST /reviews answers a refused review with, as the hosted
// API did: a client sees only these, the log says why.
const (
	reviewInvalidText = "Error: Review body contains invalid entries"
	reviewProductText = "Error: invalid product_id provided"
)

func (s *Server) handleReviews(w http.ResponseWriter, r *http.Request) {
	q, err := parseReviewQuery(r.URL.RawQuery)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ctx, cancel := s.storeContext(r)
	defer cancel()
	reviews, err := s.reviews.Reviews(ctx, q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body := make([]byte, 0, 128+len(reviews)*512)
	writeRevalidated(w, r, wire.AppendReviews(body, q.ProductID, q.Page.First()-1, q.Page.Size, reviews))
}

func (s *Server) handleReviewMeta(w http.ResponseWriter, r *http.Request) {
	productID, err := parseReviewMetaQuery(r.URL.RawQuery)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ctx, cancel := s.storeContext(r)
	defer cancel()
	meta, err := s.reviews.ReviewMeta(ctx, productID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeRevalidated(w, r, wire.AppendReviewMeta(make([]byte, 0, 512), meta))
}

func (s *Server) handlePostReview(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readBody(w, r, MaxReviewBodyBytes)
	if !ok {
		return
	}
	review, err := parseNewReview(body)
	if err == nil {
		err = review.Validate()
	}
	if err != nil {
		s.refuseReview(w, r, err)
		return
	}
	ctx, cancel := s.storeContext(r)
	defer cancel()
	if _, err := s.reviews.PostReview(ctx, review, time.Now()); err != nil {
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			err = productIDError{err}
		}
		s.refuseReview(w, r, err)
		return
	}
	writeBody(w, http.StatusCreated, textType, []byte("Created"))
}

// byReviewID returns the handler of a PUT of a review: parse the id, do
// the change, answer 204.
func (s *Server) byReviewID(change func(ctx context.Context, id int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := parseReviewID(r.PathValue("id"))
		if err != nil {
			s.Error(w, r, err)
			return
		}
		ctx, cancel := s.storeContext(r)
		defer cancel()
		if err := change(ctx, id); err != nil {
			s.Error(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// productIDError marks the error of a posted review whose product is
// missing, malformed or unknown, which the contract answers with its own
// text.
type productIDError struct{ error }

func (e productIDError) Unwrap() error { return e.error }

// refuseReview answers a review that is not posted. What the client sent
// wrong (EINVALID, EUNPROCESSABLE) is 422 with the contract's text, and
// logged with the reason, which the text does not give; any other error
// (503, 500) is the usual JSON error.
func (s *Server) refuseReview(w http.ResponseWriter, r *http.Request, err error) {
	text := reviewInvalidText
	switch {
	case errors.As(err, new(productIDError)):
		text = reviewProductText
	case catalog.ErrorCode(err) == catalog.EINVALID, catalog.ErrorCode(err) == catalog.EUNPROCESSABLE:
	default:
		s.Error(w, r, err)
		return
	}
	s.cfg.Logger.Info("review refused", "method", r.Method, "path", r.URL.Path, "reason", catalog.ErrorMessage(err))
	writeBody(w, http.StatusUnprocessableEntity, textType, []byte(text))
}

// writeRevalidated writes a 200 JSON body that caches must revalidate
// every time (no-cache), with a strong entity tag of its content; or 304
// when the request's If-None-Match names that tag. Unlike the catalog's
// responses, it is made for every request, and sent uncompressed.
func writeRevalidated(w http.ResponseWriter, r *http.Request, body []byte) {
	tag := entityTag(etag(body), Identity)
	h := w.Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", "no-cache")
	if noneMatch(r.Header.Values("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeBody(w, http.StatusOK, jsonType, body)
}
