package http

import (
	"context"
	"errors"
	"net/http"
	"time"

	"catalog"
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
	s.respond(w, r, Key{Route: RouteReviews, ID: q.ProductID, Page: q.Page, Sort: q.Sort})
}

func (s *Server) handleReviewMeta(w http.ResponseWriter, r *http.Request) {
	productID, err := parseReviewMetaQuery(r.URL.RawQuery)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.respond(w, r, Key{Route: RouteReviewMeta, ID: productID})
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
	s.wrote(ctx)
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
		s.wrote(ctx)
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

// wrote tells Config.Wrote of a write of reviews.
func (s *Server) wrote(ctx context.Context) {
	if s.cfg.Wrote != nil {
		s.cfg.Wrote(ctx)
	}
}
