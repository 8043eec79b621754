package http

import (
	"context"
	"errors"
	"net/http"

	"catalog"
)

// statuses maps domain error codes to HTTP statuses.
var statuses = map[string]int{
	catalog.ENOTFOUND:      http.StatusNotFound,
	catalog.EINVALID:       http.StatusBadRequest,
	catalog.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	catalog.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	catalog.EUNAVAILABLE:   http.StatusServiceUnavailable,
	catalog.EINTERNAL:      http.StatusInternalServerError,
}

// Error writes err as the contract's JSON error. Internal errors are logged
// and shown to the client only as "internal error".
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	code := catalog.ErrorCode(err)
	status, ok := statuses[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	msg := catalog.ErrorMessage(err)
	switch {
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away; there is no one to answer.
		return
	case errors.Is(err, context.DeadlineExceeded):
		status, msg = http.StatusServiceUnavailable, "the store did not answer in time; retry shortly"
	case status == http.StatusInternalServerError:
		s.cfg.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
		// Debug, not warn: under overload this would flood the log.
		s.cfg.Logger.Debug("store unavailable", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	writeError(w, r, status, msg)
}

func writeError(w http.ResponseWriter, _ *http.Request, status int, msg string) {
	writeJSON(w, status, func(b []byte) []byte { return appendError(b, msg) })
}
