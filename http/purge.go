package http

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"catalog"
)

// The surrogate keys a catalog response names in its Surrogate-Key header,
// for a caching tier to purge by (Varnish xkey, CDNs): every response
// names keyAll; a product's three routes, and its 404s, name its
// productKey; a list page names keyList and the productKey of each product
// on it, or keyLongList instead when it holds more than maxPageKeys, lest
// the header outgrow what proxies take (Varnish's 8 KB by default), and
// any change of a product purges keyLongList.
const (
	keyAll      = "catalog"
	keyList     = "products"
	keyLongList = "products-long"
	maxPageKeys = 64
)

const productKeyPrefix = "product-"

func productKey(id int64) string { return productKeyPrefix + strconv.FormatInt(id, 10) }

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
	if bytes.Count(body, []byte(start)) > maxPageKeys {
		return b.String() + " " + keyLongList
	}
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
			b.WriteString(" " + productKeyPrefix)
			b.Write(body[:n])
		}
	}
}

// purgeKeys returns the surrogate keys of the responses a history changed:
// each changed product's, the long list pages' if any changed, and every
// list page's when positions shifted; all of them when the history does
// not start at seen, the last generation purged for.
func purgeKeys(seen int64, h catalog.History) []string {
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
	} else if len(keys) > 0 {
		keys = append(keys, keyLongList)
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

// Follow has p purge, until ctx ends, what each new catalog w finds
// changed, as log tells; the catalog w has found, or finds first, is taken
// as purged for. The purges run in a goroutine of their own, never in the
// watcher's.
func (p *Purger) Follow(ctx context.Context, w *catalog.Watcher, log catalog.ChangeLog) {
	seen := int64(-1)
	if info, err := w.Current(); err == nil {
		seen = info.Generation
	}
	found := make(chan int64, 16)
	w.OnChange(func(info catalog.CatalogInfo) {
		select {
		case found <- info.Generation:
		default: // the pending ones' reads of the changes cover this one
		}
	})
	go p.run(ctx, seen, found, log)
}

// run purges for each generation found after seen (or after the first
// found, when seen is -1).
func (p *Purger) run(ctx context.Context, seen int64, found <-chan int64, log catalog.ChangeLog) {
	failed := false
	for {
		var g int64
		select {
		case <-ctx.Done():
			return
		case g = <-found:
		}
		if seen < 0 || g <= seen {
			seen = max(seen, g)
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(p.Delay):
		}
		keys, to := p.changed(ctx, log, seen)
		if failed { // what the failed purge left may still be in the tier
			keys = []string{keyAll}
		}
		seen = max(g, to)
		failed = p.Purge(ctx, keys) != nil
	}
}

// changed returns the keys of what the catalogs after seen changed, and
// the last generation they go up to; every key when the changes cannot
// be read.
func (p *Purger) changed(ctx context.Context, log catalog.ChangeLog, seen int64) ([]string, int64) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	h, err := log.Changes(ctx, seen)
	if err != nil {
		p.Logger.Warn("cannot read what the new catalog changed: purging every response", "error", err)
		return []string{keyAll}, seen
	}
	return purgeKeys(seen, h), h.To
}

// Purge sends the purge requests of keys, every batch even when one fails.
func (p *Purger) Purge(ctx context.Context, keys []string) error {
	var errs []error
	for batch := range slices.Chunk(keys, purgeBatch) {
		if err := p.purge(ctx, batch); err != nil {
			errs = append(errs, err)
		}
	}
	err := errors.Join(errs...)
	if err != nil {
		p.Logger.Warn("purge failed: the tier may serve what changed until the next purge, which purges everything", "error", err)
	}
	return err
}

// purge sends one purge request.
func (p *Purger) purge(ctx context.Context, keys []string) error {
	req, err := http.NewRequestWithContext(ctx, "PURGE", p.URL, nil)
	if err != nil {
		return err
	}
	req.Header.Set("xkey-purge", strings.Join(keys, " "))
	resp, err := p.Client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body) // so that the connection is kept
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("PURGE %s: %s", p.URL, resp.Status)
	}
	return nil
}
