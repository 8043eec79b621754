package http

import (
	"context"
	"net/http"

	"catalog"
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

// byProductID returns the handler of a route named by a product id: parse
// the id, find what the route serves, write it.
func byProductID[T any](s *Server, find func(context.Context, int64) (T, error), render func(b []byte, id int64, v T) []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := parseProductID(r.PathValue("id"))
		if err != nil {
			s.Error(w, r, err)
			return
		}
		ctx, cancel := s.storeContext(r)
		defer cancel()
		v, err := find(ctx, id)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, func(b []byte) []byte { return render(b, id, v) })
	}
}

func (s *Server) renderProduct(b []byte, _ int64, p catalog.Product) []byte {
	return appendProduct(b, &p, s.cfg.Campus, true)
}

func renderRelated(b []byte, _ int64, ids []int64) []byte { return appendIDs(b, ids) }
