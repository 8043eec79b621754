package http

import (
	"net/http"

	"catalog"
	"catalog/surrogate"
)

func (s *Server) handleListProducts(w http.ResponseWriter, r *http.Request) {
	page, err := parsePage(r.URL.RawQuery)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.respond(w, r, Key{Route: RouteProducts, Page: page})
}

// byProductID returns the handler of a route of a product's document:
// parse the id, write the document.
func byProductID(s *Server, route Route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := parseProductID(r.PathValue("id"))
		if err != nil {
			s.Error(w, r, err)
			return
		}
		s.respond(w, r, Key{Route: route, ID: id})
	}
}

// respond writes k's response, as the source gives it, in the encoding
// the request accepts best, with its validator, freshness and surrogate
// keys; or 304 when the request's If-None-Match names it.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, k Key) {
	ctx, cancel := s.storeContext(r)
	defer cancel()
	resp, err := s.source.Response(ctx, k)
	if err != nil {
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			// Only a product's routes are ever not found.
			w.Header().Set("Cache-Control", notFoundCacheControl)
			w.Header().Set("Surrogate-Key", surrogate.ProductKeys(k.ID))
		}
		s.Error(w, r, err)
		return
	}
	rep := represent(r, resp)
	if !rep.notModified && resp.Encoded(rep.encoding) == nil {
		// Before any header is set: an error is sent as an error.
		if resp, err = s.source.Encode(ctx, k, resp, rep.encoding); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	s.writeHeaders(w, k.Route, resp, rep)
	if rep.notModified {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeBody(w, http.StatusOK, jsonType, resp.Encoded(rep.encoding))
}
