package http

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// readyTimeout bounds the store check of /readyz: a load balancer asks
// often and must get an answer soon.
const readyTimeout = time.Second

// handleHealth answers that the process is alive and serving HTTP.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, func(b []byte) []byte { return append(b, `{"status":"ok"}`...) })
}

// handleReady answers 200 when the store answers and holds a loaded
// catalog, and 503 otherwise, so a load balancer sends no traffic to an
// instance that would fail it.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Catalog == nil {
		s.handleHealth(w, r)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	info, err := s.cfg.Catalog.CatalogInfo(ctx)
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
