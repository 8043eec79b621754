package http

import (
	"context"
	"net/http"
)

func (s *Server) storeContext(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
}

func (s *Server) handleListProducts(w http.ResponseWriter, r *http.Request) {
	page, err := parsePage(r.URL.RawQuery)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ctx, cancel := s.storeContext(r)
	defer cancel()
	products, err := s.products.ListProducts(ctx, page)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, func(b []byte) []byte { return appendProducts(b, products, s.cfg.Campus) })
}

func (s *Server) handleProduct(w http.ResponseWriter, r *http.Request) {
	id, err := parseProductID(r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ctx, cancel := s.storeContext(r)
	defer cancel()
	p, err := s.products.FindProduct(ctx, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, func(b []byte) []byte { return appendProduct(b, &p, s.cfg.Campus, true) })
}

func (s *Server) handleStyles(w http.ResponseWriter, r *http.Request) {
	id, err := parseProductID(r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ctx, cancel := s.storeContext(r)
	defer cancel()
	styles, err := s.products.FindStyles(ctx, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, func(b []byte) []byte { return appendStyles(b, id, styles) })
}

func (s *Server) handleRelated(w http.ResponseWriter, r *http.Request) {
	id, err := parseProductID(r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ctx, cancel := s.storeContext(r)
	defer cancel()
	ids, err := s.products.FindRelated(ctx, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, func(b []byte) []byte { return appendIDs(b, ids) })
}
