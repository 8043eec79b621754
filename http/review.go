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
	created(w)
}

// byID returns the handler of a PUT of a review, a question or an
// answer, whose id is the path's wildcard: parse the id, do the change,
// answer 204.
func (s *Server) byID(wildcard string, parse func(string) (int64, error), change func(ctx context.Context, id int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := parse(r.PathValue(wildcard))
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

// refuseReview answers a review that is not posted, with the contract's
// text of a product_id error or of any other.
func (s *Server) refuseReview(w http.ResponseWriter, r *http.Request, err error) {
	text := reviewInvalidText
	if errors.As(err, new(productIDError)) {
		text = reviewProductText
	}
	s.refuse(w, r, err, "review refused", text)
}

// refuse answers a post that is not taken. What the client sent wrong
// (EINVALID, EUNPROCESSABLE, or a product or question it names that does
// not exist: ENOTFOUND, as only the store's post says it) is 422 with
// text, the contract's, and logged as what ("review refused") with the
// reason, which the text does not give; any other error (503, 500) is the
// usual JSON error.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, err error, what, text string) {
	switch catalog.ErrorCode(err) {
	case catalog.EINVALID, catalog.EUNPROCESSABLE, catalog.ENOTFOUND:
	default:
		s.Error(w, r, err)
		return
	}
	s.cfg.Logger.Info(what, "method", r.Method, "path", r.URL.Path, "reason", catalog.ErrorMessage(err))
	writeBody(w, http.StatusUnprocessableEntity, textType, []byte(text))
}

// created answers a post that is taken.
func created(w http.ResponseWriter) {
	writeBody(w, http.StatusCreated, textType, []byte("Created"))
}

// wrote tells Config.Wrote of a write of reviews or Q&A.
func (s *Server) wrote(ctx context.Context) {
	if s.cfg.Wrote != nil {
		s.cfg.Wrote(ctx)
	}
}
