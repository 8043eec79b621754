package http

import (
	"net/http"
	"strconv"
)

// handleHealth answers that the process is alive and serving HTTP.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, func(b []byte) []byte { return append(b, `{"status":"ok"}`...) })
}

// handleReady answers 200 when the store answered the last question about
// its catalog and holds a loaded one, and 503 otherwise, so a load
// balancer sends no traffic to an instance that would fail it. It asks the
// service's feed of the catalog, not the store: a load balancer asks often.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Live == nil {
		s.handleHealth(w, r)
		return
	}
	info, err := s.cfg.Live.Current()
	switch {
	case err != nil:
		w.Header().Set("Retry-After", "1")
		writeError(w, r, http.StatusServiceUnavailable, "not ready: the store does not answer")
	case info.Generation == 0:
		w.Header().Set("Retry-After", "5")
		writeError(w, r, http.StatusServiceUnavailable, "not ready: no catalog is loaded")
	default:
		writeJSON(w, http.StatusOK, func(b []byte) []byte {
			b = append(b, `{"status":"ready","generation":`...)
			b = strconv.AppendInt(b, info.Generation, 10)
			b = append(b, `,"products":`...)
			b = strconv.AppendInt(b, info.Products, 10)
			return append(b, '}')
		})
	}
}
