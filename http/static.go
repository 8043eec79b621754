package http

import (
	_ "embed"
	"net/http"
)

// openAPI is the OpenAPI 3.1 description of the API, served at
// /openapi.json. TestOpenAPI checks every golden response, the bad-input
// corpus and the cart flows against it.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", s.cacheControl)
	writeBody(w, http.StatusOK, "application/json; charset=utf-8", openAPI)
}

// browserPage is the product browser served at / (Config.Browser): one
// page, no build step, that uses only the public API.
//
//go:embed browser.html
var browserPage []byte

func (s *Server) handleBrowser(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", s.cacheControl)
	writeBody(w, http.StatusOK, "text/html; charset=utf-8", browserPage)
}
