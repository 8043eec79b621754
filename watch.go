package catalog

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Watcher is a process's one reader of which catalog its store serves: it
// asks the store every interval and shares the answer with whatever must
// know (the response cache, a store's replica rule, readiness, metrics),
// so the store is asked once per interval, not once per reader.
type Watcher struct {
	store    Describer
	interval time.Duration
	polling  sync.Mutex // one poll at a time, so changes are passed on in order

	mu       sync.Mutex
	info     CatalogInfo
	err      error // of the last poll
	read     bool  // whether the store has answered a poll yet
	onChange []func(CatalogInfo)
}

// watchTimeout bounds each question a Watcher asks the store.
const watchTimeout = 5 * time.Second

// NewWatcher returns a watcher of store that asks it every interval.
func NewWatcher(store Describer, interval time.Duration) *Watcher {
	return &Watcher{store: store, interval: interval, err: errors.New("the catalog has not been read yet")}
}

// OnChange has f called with the catalog's description whenever a poll
// finds a new generation, the first poll included; after a poll, f is
// called at once with what it found.
func (w *Watcher) OnChange(f func(CatalogInfo)) {
	w.polling.Lock() // no poll passes a change on meanwhile
	defer w.polling.Unlock()
	w.mu.Lock()
	w.onChange = append(w.onChange, f)
	info, read := w.info, w.read
	w.mu.Unlock()
	if read {
		f(info)
	}
}

// Poll asks the store now, records the answer and passes a new generation
// on. It returns what the store answered.
func (w *Watcher) Poll(ctx context.Context) (CatalogInfo, error) {
	w.polling.Lock()
	defer w.polling.Unlock()
	ctx, cancel := context.WithTimeout(ctx, watchTimeout)
	defer cancel()
	info, err := w.store.CatalogInfo(ctx)
	w.mu.Lock()
	w.err = err
	if err != nil {
		w.mu.Unlock()
		return info, err
	}
	changed := info.Generation != w.info.Generation || !w.read
	w.info, w.read = info, true
	subs := w.onChange
	w.mu.Unlock()
	if changed {
		for _, f := range subs {
			f(info)
		}
	}
	return info, nil
}

// Run polls every interval until ctx ends, telling onErr of each failed
// poll; the last catalog read stands meanwhile.
func (w *Watcher) Run(ctx context.Context, onErr func(error)) {
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := w.Poll(ctx); err != nil && ctx.Err() == nil {
			onErr(err)
		}
	}
}

// Current returns the catalog last read, or the error of the last poll
// when it failed: the store did not answer its last question.
func (w *Watcher) Current() (CatalogInfo, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.info, w.err
}
