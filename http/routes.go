package http

import "net/http"

// routes registers every route of the API, and a JSON 405 with Allow for
// any other method on a known path.
func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /products", s.handleListProducts)
	mux.HandleFunc("GET /products/{id}", byProductID(s, RouteProduct))
	mux.HandleFunc("GET /products/{id}/styles", byProductID(s, RouteStyles))
	mux.HandleFunc("GET /products/{id}/related", byProductID(s, RouteRelated))
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.HandleFunc("GET /openapi.json", s.static(jsonType, openAPI))
	if s.cfg.Browser {
		mux.HandleFunc("GET /{$}", s.static("text/html; charset=utf-8", browserPage))
		mux.HandleFunc("GET /favicon.ico", s.static("image/svg+xml", favicon))
	}
	mux.HandleFunc("GET /cart", private(s.handleCart))
	mux.HandleFunc("POST /cart", private(s.handleAddToCart))
	if s.reviews != nil {
		mux.HandleFunc("GET /reviews", s.handleReviews)
		mux.HandleFunc("GET /reviews/meta", s.handleReviewMeta)
		mux.HandleFunc("POST /reviews", s.handlePostReview)
		mux.HandleFunc("PUT /reviews/{id}/helpful", s.byID("id", parseReviewID, s.reviews.MarkReviewHelpful))
		mux.HandleFunc("PUT /reviews/{id}/report", s.byID("id", parseReviewID, s.reviews.ReportReview))
	}
	if s.clicks != nil {
		mux.HandleFunc("POST /interactions", s.handleInteraction)
	}
	if s.qa != nil {
		mux.HandleFunc("GET /qa/questions", s.handleQuestions)
		mux.HandleFunc("POST /qa/questions", s.handlePostQuestion)
		mux.HandleFunc("GET /qa/questions/{question_id}/answers", s.handleAnswers)
		mux.HandleFunc("POST /qa/questions/{question_id}/answers", s.handlePostAnswer)
		mux.HandleFunc("PUT /qa/questions/{question_id}/helpful", s.byID("question_id", parseQuestionID, s.qa.MarkQuestionHelpful))
		mux.HandleFunc("PUT /qa/questions/{question_id}/report", s.byID("question_id", parseQuestionID, s.qa.ReportQuestion))
		mux.HandleFunc("PUT /qa/answers/{answer_id}/helpful", s.byID("answer_id", parseAnswerID, s.qa.MarkAnswerHelpful))
		mux.HandleFunc("PUT /qa/answers/{answer_id}/report", s.byID("answer_id", parseAnswerID, s.qa.ReportAnswer))
	}
	// Any other method on a known path is 405 with Allow, as JSON.
	known := map[string]string{
		"/products":              "GET, HEAD",
		"/products/{id}":         "GET, HEAD",
		"/products/{id}/styles":  "GET, HEAD",
		"/products/{id}/related": "GET, HEAD",
		"/cart":                  "GET, HEAD, POST",
		"/healthz":               "GET, HEAD",
		"/readyz":                "GET, HEAD",
		"/openapi.json":          "GET, HEAD",
	}
	if s.cfg.Browser {
		known["/{$}"] = "GET, HEAD"
		known["/favicon.ico"] = "GET, HEAD"
	}
	if s.reviews != nil {
		known["/reviews"] = "GET, HEAD, POST"
		known["/reviews/meta"] = "GET, HEAD"
		known["/reviews/{id}/helpful"] = "PUT"
		known["/reviews/{id}/report"] = "PUT"
	}
	if s.clicks != nil {
		known["/interactions"] = "POST"
	}
	if s.qa != nil {
		known["/qa/questions"] = "GET, HEAD, POST"
		known["/qa/questions/{question_id}/answers"] = "GET, HEAD, POST"
		known["/qa/questions/{question_id}/helpful"] = "PUT"
		known["/qa/questions/{question_id}/report"] = "PUT"
		known["/qa/answers/{answer_id}/helpful"] = "PUT"
		known["/qa/answers/{answer_id}/report"] = "PUT"
	}
	for path, allow := range known {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeError(w, r, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed on "+r.URL.Path+"; use "+allow)
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, "no such path: "+r.URL.Path)
	})
}
