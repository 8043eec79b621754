package http

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"catalog"
)

// The surrogate keys a catalog response names in its Surrogate-Key header,
// for a caching tier to purge by (Varnish xkey, CDNs): every response
// names keyAll; a product's three routes, and its 404s, name its
// productKey; a list page names keyList and the productKey of each product
// on it.
const (
	keyAll  = "catalog"
	keyList = "products"
)

func productKey(id int64) string { return "product-" + strconv.FormatInt(id, 10) }

// surrogateKeys returns the Surrogate-Key of k's response, whose identity
// body is body (nil for a 404).
func (k CacheKey) surrogateKeys(body []byte) string {
	if k.Route == RouteProducts {
		return listKeys(body)
	}
	return productKeys(k.ID)
}

// productKeys returns the Surrogate-Key of a product's responses.
func productKeys(id int64) string { return keyAll + " " + productKey(id) }

// listKeys returns the Surrogate-Key of a list page: the ids of the items
// of its body, which AppendItems wrote. An item starts `{"id":`, which no
// JSON string holds unescaped.
func listKeys(body []byte) string {
	var b strings.Builder
	b.WriteString(keyAll + " " + keyList)
	const start = `{"id":`
	for {
		i := bytes.Index(body, []byte(start))
		if i < 0 {
			return b.String()
		}
		body = body[i+len(start):]
		n := 0
		for n < len(body) && body[n] >= '0' && body[n] <= '9' {
			n++
		}
		if n > 0 {
			b.WriteString(" product-")
			b.Write(body[:n])
		}
	}
}

// PurgeKeys returns the surrogate keys of the responses a history changed:
// each changed product's, and the list pages' when positions shifted; all
// of them when the history does not start at seen, the last generation
// purged for.
func PurgeKeys(seen int64, h catalog.History) []string {
	if h.From > seen {
		return []string{keyAll}
	}
	var keys []string
	shifted := false
	for _, c := range h.Changes {
		if c.Generation <= seen {
			continue
		}
		for _, p := range c.Products {
			keys = append(keys, productKey(p.ID))
		}
		shifted = shifted || c.ShiftFrom > 0
	}
	if shifted {
		keys = append(keys, keyList)
	}
	return keys
}

// Purger tells an HTTP caching tier which responses each new catalog
// changed: after Delay (time for every instance behind the tier to see
// the new catalog, so that what the tier fetches again is new), one
// PURGE request to URL for each batch of keys, the keys space-separated
// in the xkey-purge header, as Varnish's xkey module takes them. Purges
// are idempotent: several instances may send the same.
type Purger struct {
	URL    string
	Delay  time.Duration
	Client *http.Client
	Logger *slog.Logger
}

// purgeBatch is the most keys one purge request names: about 1.5 KB of
// header.
const purgeBatch = 100

// Follow has p purge what each new catalog w finds changed, as log tells.
// The catalog found first is taken as already purged for.
func (p *Purger) Follow(w *catalog.Watcher, log catalog.ChangeLog) {
	seen := int64(-1)
	w.OnChange(func(info catalog.CatalogInfo) {
		if seen < 0 || info.Generation <= seen {
			seen = max(seen, info.Generation)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		h, err := log.Changes(ctx, seen)
		keys := PurgeKeys(seen, h)
		if err != nil {
			keys = []string{keyAll}
			p.Logger.Warn("cannot read what the new catalog changed: purging every response", "error", err)
		}
		seen = max(info.Generation, h.To)
		go func() {
			time.Sleep(p.Delay)
			if err := p.Purge(context.Background(), keys); err != nil {
				p.Logger.Warn("purge failed: the tier serves what changed until max-age", "generation", info.Generation, "error", err)
			}
		}()
	})
}

// Purge sends the purge requests of keys.
func (p *Purger) Purge(ctx context.Context, keys []string) error {
	for len(keys) > 0 {
		n := min(len(keys), purgeBatch)
		req, err := http.NewRequestWithContext(ctx, "PURGE", p.URL, nil)
		if err != nil {
			return err
		}
		req.Header.Set("xkey-purge", strings.Join(keys[:n], " "))
		resp, err := p.Client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			return fmt.Errorf("PURGE %s: %s", p.URL, resp.Status)
		}
		keys = keys[n:]
	}
	return nil
}
