package surrogate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"catalog"
)

// Purger tells an HTTP caching tier which responses each new catalog
// changed: Delay after the update that brought it (time for every instance
// behind the tier to see the new catalog, so that what the tier fetches
// again is new), one PURGE request to URL for each batch of keys, the keys
// space-separated in the xkey-purge header, as Varnish's xkey module takes
// them. Purges are idempotent: several instances may send the same.
//
// Take is its subscription to the service's feed of the catalog; Run sends
// the purges, on a goroutine of its own.
type Purger struct {
	url    string
	delay  time.Duration
	client *http.Client
	logger *slog.Logger

	mu      sync.Mutex
	seen    int64 // the generation purged for, or to be; -1 before the first update
	reviews int64 // the review change purged for, or to be
	pending []batch
	keys    int           // in pending
	wake    chan struct{} // a batch is pending
}

// batch is the keys of an update, due to be purged at a time.
type batch struct {
	due  time.Time
	keys []string
}

// purgeBatch is the most keys one purge request names: about 1.5 KB of
// header.
const purgeBatch = 100

// maxPending is the most keys waiting to be purged: past it, every
// response is purged instead.
const maxPending = 100_000

// NewPurger returns a purger of the tier at url.
func NewPurger(url string, delay time.Duration, client *http.Client, logger *slog.Logger) *Purger {
	return &Purger{url: url, delay: delay, client: client, logger: logger, seen: -1, wake: make(chan struct{}, 1)}
}

// Take notes what an update changed, to be purged Delay later. The
// catalog of the first update is taken as purged for: the tier holds
// what the instances served before.
func (p *Purger) Take(u catalog.Update) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var keys []string
	if p.seen >= 0 {
		keys = slices.Concat(PurgeKeys(p.seen, u.History), PurgeReviewKeys(p.reviews, u.Reviews), PurgeQAKeys(p.reviews, u.Reviews))
	}
	p.seen = max(p.seen, u.History.To, u.Info.Generation)
	p.reviews = max(p.reviews, u.Reviews.To, u.Info.ReviewSeq)
	if len(keys) == 0 {
		return
	}
	p.pending = append(p.pending, batch{due: time.Now().Add(p.delay), keys: keys})
	p.keys += len(keys)
	if p.keys > maxPending {
		last := p.pending[len(p.pending)-1].due
		p.pending, p.keys = []batch{{due: last, keys: []string{All}}}, 1
	}
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Run sends the purges as they fall due, until ctx ends. After a purge
// that failed, the next purges everything: what the failed one left may
// still be in the tier.
func (p *Purger) Run(ctx context.Context) {
	failed := false
	for {
		if !p.wait(ctx) {
			return
		}
		keys := p.takeDue(time.Now())
		if len(keys) == 0 {
			continue
		}
		if failed {
			keys = []string{All}
		}
		failed = p.Purge(ctx, keys) != nil
	}
}

// wait waits until a pending batch may be due, and reports whether ctx
// is still alive.
func (p *Purger) wait(ctx context.Context) bool {
	due, ok := p.nextDue()
	var fire <-chan time.Time
	if ok {
		t := time.NewTimer(time.Until(due))
		defer t.Stop()
		fire = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-p.wake:
	case <-fire:
	}
	return true
}

// nextDue returns when the first pending batch falls due, if one is
// pending.
func (p *Purger) nextDue() (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.pending) == 0 {
		return time.Time{}, false
	}
	return p.pending[0].due, true
}

// takeDue removes the batches due by now and returns their keys, each once.
func (p *Purger) takeDue(now time.Time) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for n < len(p.pending) && !p.pending[n].due.After(now) {
		n++
	}
	var keys []string
	seen := map[string]bool{}
	for _, b := range p.pending[:n] {
		for _, k := range b.keys {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
			p.keys--
		}
	}
	p.pending = slices.Delete(p.pending, 0, n)
	return keys
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
		p.logger.Warn("purge failed: the tier may serve what changed until the next purge, which purges everything", "error", err)
	}
	return err
}

// purge sends one purge request.
func (p *Purger) purge(ctx context.Context, keys []string) error {
	req, err := http.NewRequestWithContext(ctx, "PURGE", p.url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("xkey-purge", strings.Join(keys, " "))
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body) // so that the connection is kept
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("PURGE %s: %s", p.url, resp.Status)
	}
	return nil
}
