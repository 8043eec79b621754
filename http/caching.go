package http

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cespare/xxhash/v2"
)

// Freshness says how long HTTP caches (browsers, nginx, CDNs) may keep the
// catalog's responses, as their Cache-Control tells them.
type Freshness struct {
	// MaxAge is how long a response is fresh: served without asking.
	MaxAge time.Duration
	// StaleWhileRevalidate is how long after that a cache may still serve
	// it while it revalidates it in the background.
	StaleWhileRevalidate time.Duration
	// StaleIfError is how long after MaxAge a cache may serve it when the
	// service fails or cannot be reached.
	StaleIfError time.Duration
}

// DefaultFreshness: a change reaches a browser within a minute; a cache
// answers the minute after that at once while it revalidates (a 304,
// which costs the service no store read when the response is cached); and
// an outage of up to a day serves the catalog as it was rather than
// errors.
var DefaultFreshness = Freshness{MaxAge: time.Minute, StaleWhileRevalidate: time.Minute, StaleIfError: 24 * time.Hour}

// NotFoundMaxAge is how long caches may keep a 404 of a product that does
// not exist: briefly, as a delta may add it.
const NotFoundMaxAge = 10 * time.Second

// cacheControl returns the Cache-Control of the catalog's 200 responses.
func (f Freshness) cacheControl() string {
	return fmt.Sprintf("public, max-age=%d, stale-while-revalidate=%d, stale-if-error=%d",
		seconds(f.MaxAge), seconds(f.StaleWhileRevalidate), seconds(f.StaleIfError))
}

// reviewCacheControl returns the Cache-Control of the review and Q&A
// responses: a browser revalidates each time, so that a shopper sees a
// review, question or answer the moment it is posted (a 304 costs the
// service no store read when the response is cached); a shared cache
// keeps them for MaxAge, as the instances purge them from it when they
// change.
func (f Freshness) reviewCacheControl() string {
	return fmt.Sprintf("public, max-age=0, s-maxage=%d, stale-if-error=%d", seconds(f.MaxAge), seconds(f.StaleIfError))
}

func seconds(d time.Duration) int64 { return int64(d / time.Second) }

var (
	notFoundCacheControl = fmt.Sprintf("public, max-age=%d", seconds(NotFoundMaxAge))
)

const (
	privateCacheControl = "private, no-store" // a shopper's own: no cache may keep it
	errorCacheControl   = "no-store"
)

// etag returns the hex of the 64-bit xxhash of what a response is made
// of: its identity body, or the head and packed document its body is made
// of. Every instance with the same campus gives a response the same, and
// a load that leaves a document as it was leaves it too. entityTag makes
// it an entity tag.
func etag(parts ...[]byte) string {
	h := xxhash.New()
	for _, p := range parts {
		_, _ = h.Write(p)
	}
	return hex.EncodeToString(binary.BigEndian.AppendUint64(nil, h.Sum64()))
}

// entityTag returns the strong entity tag of a representation: the hash
// of its identity body, with the encoding after it for a compressed one,
// as each encoding is its own representation ("0123456789abcdef-gzip").
func entityTag(hash string, e Encoding) string {
	if e == Identity {
		return `"` + hash + `"`
	}
	return `"` + hash + "-" + e.token() + `"`
}

// representation is how a catalog response is sent to a request: its
// encoding, its entity tag, and whether the request's If-None-Match names
// that tag.
type representation struct {
	encoding    Encoding
	etag        string
	notModified bool
}

// noneMatch reports whether If-None-Match header values name tag: a list
// of entity tags, or "*". The comparison is weak, as RFC 9110 has it for
// If-None-Match: W/"x" names "x".
func noneMatch(values []string, tag string) bool {
	for _, v := range values {
		for t := range strings.SplitSeq(v, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == tag {
				return true
			}
		}
	}
	return false
}

// represent returns how resp is sent to r: in the encoding r accepts
// best (identity for a body too short to compress), with that
// representation's tag.
func represent(r *http.Request, resp *Response) representation {
	var rep representation
	if resp.compressible() {
		rep.encoding = negotiate(r.Header.Values("Accept-Encoding"))
	}
	rep.etag = entityTag(resp.Hash, rep.encoding)
	rep.notModified = noneMatch(r.Header.Values("If-None-Match"), rep.etag)
	return rep
}

// writeHeaders sets the headers of a catalog response, a 200 or a 304:
// its validator, its freshness, its encoding and its surrogate keys.
func (s *Server) writeHeaders(w http.ResponseWriter, route Route, resp *Response, rep representation) {
	h := w.Header()
	h.Set("Surrogate-Key", resp.Keys)
	h.Set("ETag", rep.etag)
	h.Set("Cache-Control", s.cacheControl)
	if route.ofReviews() || route.ofQA() {
		h.Set("Cache-Control", s.reviewCacheControl)
	}
	h.Add("Vary", "Accept-Encoding")
	if rep.encoding != Identity {
		h.Set("Content-Encoding", rep.encoding.token())
	}
}

// private marks a handler's responses as a shopper's own.
func private(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", privateCacheControl)
		next(w, r)
	}
}
