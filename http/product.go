package http

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"catalog"
	"catalog/wire"
)

// Cache keeps encoded responses of the catalog's routes, such as
// cache.Cache. Get returns the body cached for k or the one load makes;
// load must be bounded by timeout, not by ctx.
type Cache interface {
	Get(ctx context.Context, k CacheKey, timeout time.Duration, load func(context.Context) ([]byte, error)) ([]byte, error)
}

// CacheKey names one response of the catalog: the route, the product id
// or the page it is of, and its encoding. A compressed one also names the
// hash of the identity body it was made from (Tag): a body compressed
// just as a new catalog came is then never taken for the new one's.
type CacheKey struct {
	Route    Route
	ID       int64
	Page     catalog.Page
	Encoding Encoding
	Tag      string
}

// String names the response, for a cache shared between instances:
// "product/1", "styles/1", "related/1", "products/2/5"; with ".gzip." or
// ".br." and the tag after it when compressed.
func (k CacheKey) String() string {
	if k.Encoding != Identity {
		identity := k
		identity.Encoding, identity.Tag = Identity, ""
		return identity.String() + "." + k.Encoding.token() + "." + k.Tag
	}
	switch k.Route {
	case RouteProducts:
		return "products/" + strconv.FormatInt(k.Page.Number, 10) + "/" + strconv.FormatInt(k.Page.Size, 10)
	case RouteProduct:
		return "product/" + strconv.FormatInt(k.ID, 10)
	case RouteStyles:
		return "styles/" + strconv.FormatInt(k.ID, 10)
	case RouteRelated:
		return "related/" + strconv.FormatInt(k.ID, 10)
	}
	return "route" + strconv.Itoa(int(k.Route)) + "/" + strconv.FormatInt(k.ID, 10)
}

// Version returns the version of the response k names: its product's, or
// its page's.
func (k CacheKey) Version(v *catalog.Versions) int64 {
	if k.Route == RouteProducts {
		return v.Page(k.Page)
	}
	return v.Product(k.ID)
}

// Route is a cacheable route of the API.
type Route uint8

// The cacheable routes.
const (
	RouteProducts Route = iota + 1
	RouteProduct
	RouteStyles
	RouteRelated
)

// noCache is the Cache of a server without one: every Get loads.
type noCache struct{}

func (noCache) Get(ctx context.Context, _ CacheKey, _ time.Duration, load func(context.Context) ([]byte, error)) ([]byte, error) {
	return load(ctx)
}

// respond writes the 200 body of k, in the encoding the request accepts
// best: from the cache, or as load reads it from the store. A compressed
// body is made from the identity one once, when it is first asked for,
// and cached beside it.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, k CacheKey, load func(ctx context.Context) ([]byte, error)) {
	ctx, cancel := s.storeContext(r)
	defer cancel()
	// ctx bounds the wait; a cache runs the load itself detached, for
	// whoever else waits for it, bounded by the same timeout.
	body, err := s.cache.Get(ctx, k, s.cfg.RequestTimeout, load)
	if err != nil {
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			w.Header().Set("Cache-Control", notFoundCacheControl)
			w.Header().Set("Surrogate-Key", k.surrogateKeys(nil))
		}
		s.Error(w, r, err)
		return
	}
	rep, err := s.represent(ctx, r, k, body)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.writeCatalog(w, k, rep)
}

func (s *Server) handleListProducts(w http.ResponseWriter, r *http.Request) {
	page, err := parsePage(r.URL.RawQuery)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.respond(w, r, CacheKey{Route: RouteProducts, Page: page}, func(ctx context.Context) ([]byte, error) {
		return render(ctx, func(ctx context.Context, b []byte) ([]byte, error) {
			products, err := s.products.ListProducts(ctx, page)
			if err != nil {
				return nil, err
			}
			return wire.AppendProducts(b, products, s.cfg.Campus), nil
		})
	})
}

// byProductID returns the handler of a route of a product's document:
// parse the id, find the document, write it.
func byProductID(s *Server, route Route, kind catalog.Document) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := parseProductID(r.PathValue("id"))
		if err != nil {
			s.Error(w, r, err)
			return
		}
		// A document is the body as the store gives it, but for the
		// product's campus.
		s.respond(w, r, CacheKey{Route: route, ID: id}, func(ctx context.Context) ([]byte, error) {
			doc, err := s.products.FindDocument(ctx, id, kind)
			if err != nil || kind != catalog.DocProduct {
				return doc, err
			}
			return wire.AddCampus(make([]byte, 0, len(doc)+len(s.cfg.Campus)+len(`,"campus":""`)), doc, s.cfg.Campus), nil
		})
	}
}
