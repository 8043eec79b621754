package http

import (
	"net/http"
	"time"

	"catalog"
)

// The texts a refused question or answer is answered with, as the hosted
// API did: a client sees only these, the log says why.
const (
	questionInvalidText = "Error: Question body contains invalid entries"
	answerInvalidText   = "Error: Answer body contains invalid entries"
	// The contract gives no text for a refused interaction: this one is
	// in the others' words.
	interactionInvalidText = "Error: Interaction body contains invalid entries"
)

// errClicksShed is the answer to an interaction not taken: the service is
// busy, or its queue of interactions is full.
var errClicksShed = catalog.Errorf(catalog.EUNAVAILABLE, "too many interactions to keep now; retry shortly")

// handleInteraction takes a storefront's interaction into the click log,
// which keeps it with the next batch, and answers 201; a full log answers
// 503 at once.
func (s *Server) handleInteraction(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readBody(w, r, MaxInteractionBodyBytes)
	if !ok {
		return
	}
	i, err := parseInteraction(body)
	if err == nil {
		err = i.Validate()
	}
	if err != nil {
		s.refuse(w, r, err, "interaction refused", interactionInvalidText)
		return
	}
	i.At = time.Now()
	if !s.clicks.Add(i) {
		s.Error(w, r, errClicksShed)
		return
	}
	created(w)
}

func (s *Server) handleQuestions(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuestionQuery(r.URL.RawQuery)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.respond(w, r, Key{Route: RouteQuestions, ID: q.ProductID, Page: q.Page})
}

func (s *Server) handleAnswers(w http.ResponseWriter, r *http.Request) {
	q, err := parseAnswerQuery(r.PathValue("question_id"), r.URL.RawQuery)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.respond(w, r, Key{Route: RouteAnswers, ID: q.QuestionID, Page: q.Page, GivenPage: q.givenPage, GivenCount: q.givenCount})
}

func (s *Server) handlePostQuestion(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readBody(w, r, MaxQABodyBytes)
	if !ok {
		return
	}
	question, err := parseNewQuestion(body)
	if err == nil {
		err = question.Validate()
	}
	if err != nil {
		s.refuse(w, r, err, "question refused", questionInvalidText)
		return
	}
	ctx, cancel := s.storeContext(r)
	defer cancel()
	if _, err := s.qa.PostQuestion(ctx, question, time.Now()); err != nil {
		s.refuse(w, r, err, "question refused", questionInvalidText)
		return
	}
	s.wrote(ctx)
	created(w)
}

func (s *Server) handlePostAnswer(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readBody(w, r, MaxQABodyBytes)
	if !ok {
		return
	}
	answer, err := parseNewAnswer(r.PathValue("question_id"), body)
	if err == nil {
		err = answer.Validate()
	}
	if err != nil {
		s.refuse(w, r, err, "answer refused", answerInvalidText)
		return
	}
	ctx, cancel := s.storeContext(r)
	defer cancel()
	if _, err := s.qa.PostAnswer(ctx, answer, time.Now()); err != nil {
		s.refuse(w, r, err, "answer refused", answerInvalidText)
		return
	}
	s.wrote(ctx)
	created(w)
}
