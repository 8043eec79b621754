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

// browserPage is the product browser served at / (Config.Browser): one
// page, no build step, that uses only the public API.
//
//go:embed browser.html
var browserPage []byte

// favicon is the product browser's icon, an SVG, served at /favicon.ico,
// where browsers look for one.
//
//go:embed favicon.svg
var favicon []byte

// static serves a file embedded in the binary, which changes only with
// it: as fresh as the catalog's responses.
func (s *Server) static(contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", s.cacheControl)
		writeBody(w, http.StatusOK, contentType, body)
	}
}
