package catalog

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Update is what a Feed hands on when the store serves a new generation,
// or its products' reviews changed: the catalog as the store describes
// it, and what changed since the update before, read once for every
// subscriber: the generations' history, and the reviews'. A history that
// starts after the previous update's To is a gap: what changed in it is
// not known, and everything is taken as changed. One with nothing new
// goes from the previous To to it.
type Update struct {
	Info    CatalogInfo
	History History
	Reviews ReviewHistory
}

// FeedSource is a store as a Feed follows it.
type FeedSource interface {
	Describer
	ChangeLog
	ReviewLog
}

// Feed is a process's one follower of the catalog its store serves. Every
// interval it asks the store which generation is served, and which review
// change was the last; when either is new, it reads what changed since
// the last update (the whole history the store keeps, the first time)
// and hands the update to its subscribers, one after the other in the
// order they subscribed, before it polls again. So a subscriber is told
// every generation's changes, and every review change, once, in order,
// and the store is asked once for all of them.
//
// Subscribers are called on the polling goroutine and must return
// promptly: one with slow work (a purge over the network) takes the
// update and does the work on a goroutine of its own. A subscriber must
// not call Poll.
type Feed struct {
	store    FeedSource
	interval time.Duration
	// OnError is told when what a new generation changed cannot be read:
	// the update then holds a gap, and everything is taken as changed.
	OnError func(error)

	polling sync.Mutex // one poll at a time, so updates are handed on in order
	// asked numbers the calls of Poll; polled is the number of the last
	// call that had asked when the last poll began, which it answered.
	asked   atomic.Int64
	polled  int64
	seen    int64 // the generation the last update's history goes up to
	reviews int64 // the review change the last update's goes up to
	subs    []func(Update)

	mu   sync.Mutex
	info CatalogInfo
	err  error // of the last poll
	read bool  // whether the store has answered a poll yet
}

// feedTimeout bounds each question a Feed asks the store.
const feedTimeout = 5 * time.Second

// NewFeed returns a feed of store that asks it every interval.
func NewFeed(store FeedSource, interval time.Duration) *Feed {
	return &Feed{store: store, interval: interval, OnError: func(error) {},
		err: errors.New("the catalog has not been read yet")}
}

// Subscribe has f handed every update from the next poll on. Subscribe
// before the first poll: a subscriber that comes later has missed the
// history handed on before.
func (f *Feed) Subscribe(sub func(Update)) {
	f.polling.Lock() // no poll hands an update on meanwhile
	defer f.polling.Unlock()
	f.subs = append(f.subs, sub)
}

// Poll asks the store, records the answer and hands an update on when the
// generation is new, or when the store answers for the first time. It
// returns what the store answered, after the call: callers that wait
// while a poll runs (each writer of reviews calls Poll, so that its next
// read is fresh) are answered together by the next poll, which begins
// after they called, rather than each by one of its own in turn.
func (f *Feed) Poll(ctx context.Context) (CatalogInfo, error) {
	call := f.asked.Add(1)
	f.polling.Lock()
	defer f.polling.Unlock()
	if f.polled >= call {
		f.mu.Lock() // a poll that began after this call answered it
		defer f.mu.Unlock()
		return f.info, f.err
	}
	f.polled = f.asked.Load()
	return f.poll(ctx)
}

// poll asks the store now, holding polling.
func (f *Feed) poll(ctx context.Context) (CatalogInfo, error) {
	info, err := f.describe(ctx)
	f.mu.Lock()
	f.err = err
	first := err == nil && !f.read
	generation := first || err == nil && info.Generation != f.info.Generation
	reviews := first || err == nil && info.ReviewSeq != f.info.ReviewSeq
	if err == nil {
		f.info, f.read = info, true
	}
	f.mu.Unlock()
	if !generation && !reviews {
		return info, err
	}
	u := Update{Info: info, History: History{From: f.seen, To: f.seen}, Reviews: ReviewHistory{From: f.reviews, To: f.reviews}}
	if generation {
		u.History = f.changes(ctx, info)
	}
	if reviews {
		u.Reviews = f.reviewChanges(ctx, info)
	}
	for _, sub := range f.subs {
		sub(u)
	}
	f.seen, f.reviews = max(f.seen, u.History.To), max(f.reviews, u.Reviews.To)
	return info, nil
}

func (f *Feed) describe(ctx context.Context) (CatalogInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, feedTimeout)
	defer cancel()
	return f.store.CatalogInfo(ctx)
}

// changes reads what changed after the last update, up to the generation
// the store serves now; when it cannot be read, a gap up to info's
// generation.
func (f *Feed) changes(ctx context.Context, info CatalogInfo) History {
	ctx, cancel := context.WithTimeout(ctx, feedTimeout)
	defer cancel()
	h, err := f.store.Changes(ctx, f.seen)
	if err != nil {
		f.OnError(err)
		g := max(info.Generation, f.seen+1)
		return History{Start: g, From: g, To: g}
	}
	return h
}

// reviewChanges reads the review changes after the last update's; when
// they cannot be read, a gap up to info's last.
func (f *Feed) reviewChanges(ctx context.Context, info CatalogInfo) ReviewHistory {
	ctx, cancel := context.WithTimeout(ctx, feedTimeout)
	defer cancel()
	h, err := f.store.ReviewChanges(ctx, f.reviews)
	if err != nil {
		f.OnError(err)
		s := max(info.ReviewSeq, f.reviews+1)
		return ReviewHistory{Start: s, From: s, To: s}
	}
	return h
}

// Run polls every interval until ctx ends, telling onErr of each failed
// poll; the last catalog read stands meanwhile.
func (f *Feed) Run(ctx context.Context, onErr func(error)) {
	t := time.NewTicker(f.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := f.Poll(ctx); err != nil && ctx.Err() == nil {
			onErr(err)
		}
	}
}

// Current returns the catalog last read, or the error of the last poll
// when it failed: the store did not answer its last question.
func (f *Feed) Current() (CatalogInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.info, f.err
}
