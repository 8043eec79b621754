package http

import (
	"context"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"catalog"
)

// admit serves a request once the admission admits it, and answers 503
// when it does not. Health checks are cheap and must answer under load:
// they pass by. Interactions are the first shed: they wait for a turn at
// most clickWait, while other requests wait the admission's whole budget.
// Shoppers' writes have an admission of their own, when there is one.
func (s *Server) admit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			next.ServeHTTP(w, r)
			return
		}
		admission := s.cfg.Admission
		if s.cfg.WriteAdmission != nil && shopperWrite(r) {
			admission = s.cfg.WriteAdmission
		}
		var admitted time.Time
		var err error
		if r.URL.Path == "/interactions" {
			if admitted, err = admission.AcquireWithin(r.Context(), clickWait); err != nil && r.Context().Err() == nil {
				err = errClicksShed
			}
		} else {
			admitted, err = admission.Acquire(r.Context())
		}
		if err != nil {
			if r.Context().Err() == nil {
				r.Pattern = "shed" // for the observer: no route was reached
			}
			s.Error(w, r, err)
			return
		}
		defer admission.Release(admitted)
		next.ServeHTTP(w, r)
	})
}

// clickWait is the longest an interaction waits for a turn: a tenth of the
// other requests' budget by default (limit.DefaultWait), so that clicks are
// served while the queue is short, and shed first as it grows.
const clickWait = 20 * time.Millisecond

// shopperWrite reports whether r is a shopper's write: a POST or a PUT,
// but a click's.
func shopperWrite(r *http.Request) bool {
	return (r.Method == http.MethodPost || r.Method == http.MethodPut) && r.URL.Path != "/interactions"
}

// storeContext bounds a request's time in the store by the request timeout.
// (Its wait for a turn is bounded by the admission's budget, before.)
func (s *Server) storeContext(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
}

// statusWriter remembers the status a handler wrote, if it wrote one.
type statusWriter struct {
	http.ResponseWriter
	status int // 0 until written
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// outcome is the status a request ended with: the one written, or
// StatusAbandoned when its client went away before one was.
func (w *statusWriter) outcome(r *http.Request) int {
	switch {
	case w.status != 0:
		return w.status
	case r.Context().Err() != nil:
		return StatusAbandoned
	}
	return http.StatusOK // a handler that wrote nothing: net/http answers 200
}

// hostedPrefix starts the hosted API's paths: /api/fec2/<campus>/products….
const hostedPrefix = "/api/fec2/"

// stripPrefix serves the API under the hosted API's prefix too, with any
// campus in it (or one of Config.Campuses), so that clients written
// against it, each with its own cohort's campus in its code, need only a
// new host. The bodies carry Config.Campus whatever the path's: the
// catalog is one, and its responses cache as one.
func (s *Server) stripPrefix(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		campus, rest, ok := hostedPath(r.URL.Path)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		// The prefix and campus have nothing to escape, so the escaped
		// path starts with them and a slash too; one that does not (an
		// escaped campus, or a slash escaped after it) names no route.
		escaped, ok := strings.CutPrefix(r.URL.EscapedPath(), hostedPrefix+campus)
		if !ok || !strings.HasPrefix(escaped, "/") {
			writeError(w, r, http.StatusNotFound, "no such path: "+r.URL.Path)
			return
		}
		if s.campuses != nil && !s.campuses[campus] {
			writeError(w, r, http.StatusNotFound, fmt.Sprintf("campus %q is not served here", campus))
			return
		}
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path, u.RawPath = rest, ""
		if escaped != rest {
			u.RawPath = escaped
		}
		r2.URL = &u
		next.ServeHTTP(w, r2)
	})
}

// hostedPath splits a path of the hosted API, /api/fec2/<campus>/rest,
// into its campus and /rest. A campus is 1 to 64 letters, digits, '-' or
// '_' (catalog.ValidSession's characters).
func hostedPath(p string) (campus, rest string, ok bool) {
	after, ok := strings.CutPrefix(p, hostedPrefix)
	if !ok {
		return "", "", false
	}
	campus, rest, ok = strings.Cut(after, "/")
	if !ok || !catalog.ValidSession(campus) {
		return "", "", false
	}
	return campus, "/" + rest, true
}

// canonicalPaths answers a path that is not canonical (//, /./, /../) with a
// JSON 404 itself, where ServeMux would redirect with an HTML body.
func canonicalPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.EscapedPath(); p != "/" && (strings.Contains(p, "//") || path.Clean(p) != strings.TrimSuffix(p, "/")) {
			writeError(w, r, http.StatusNotFound, "no such path: "+r.URL.Path)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic in a handler into a logged 500, not a dropped
// connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Logger.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v)
				writeError(w, r, http.StatusInternalServerError, "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}
