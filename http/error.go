package http

import (
	"context"
	"errors"
	"net/http"

	"catalog"
	"catalog/wire"
)

// statuses maps domain error codes to HTTP statuses.
var statuses = map[string]int{
	catalog.ENOTFOUND:      http.StatusNotFound,
	catalog.EINVALID:       http.StatusBadRequest,
	catalog.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	catalog.EUNAVAILABLE:   http.StatusServiceUnavailable,
	catalog.EINTERNAL:      http.StatusInternalServerError,
}

// Error writes err as the contract's JSON error. Internal errors are logged
// and shown to the client only as "internal error". Nothing is written to
// a client that went away: the request counts as abandoned.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return
	}
	status, ok := statuses[catalog.ErrorCode(err)]
	if !ok {
		status = http.StatusInternalServerError
	}
	switch status {
	case http.StatusInternalServerError:
		s.cfg.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "1")
		// Debug, not warn: under overload this would flood the log.
		s.cfg.Logger.Debug("store unavailable", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	writeError(w, r, status, catalog.ErrorMessage(err))
}

// writeError writes an error, which no cache keeps unless a handler said
// otherwise (a 404 of a product that does not exist).
func writeError(w http.ResponseWriter, _ *http.Request, status int, msg string) {
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", errorCacheControl)
	}
	writeJSON(w, status, func(b []byte) []byte { return wire.AppendError(b, msg) })
}
