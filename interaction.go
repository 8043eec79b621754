package catalog

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of ClickConfig.
const (
	DefaultClickQueue = 10_000
	DefaultClickBatch = 500
	DefaultClickEvery = time.Second
	DefaultClickTries = 4
	DefaultClickPause = 500 * time.Millisecond
	// DefaultClickTimeout bounds one write: a store that does not answer
	// is tried again, not waited for.
	DefaultClickTimeout = 5 * time.Second
	DefaultClickDrain   = 5 * time.Second
)

// ClickConfig tunes Clicks.
type ClickConfig struct {
	// Queue is the most interactions held waiting for a write; 0 means
	// DefaultClickQueue.
	Queue int
	// Batch is the most interactions one write takes; 0 means
	// DefaultClickBatch.
	Batch int
	// Every is how often what is queued is written, batch full or not;
	// 0 means DefaultClickEvery.
	Every time.Duration
	// Tries is how many times a batch is written before it is dropped,
	// Pause apart; 0 means DefaultClickTries, and DefaultClickPause.
	Tries int
	Pause time.Duration
	// Timeout bounds each write; 0 means DefaultClickTimeout.
	Timeout time.Duration
	// Drain bounds the writes of what is queued once Run's context ends;
	// 0 means DefaultClickDrain.
	Drain time.Duration
	// Taken, when set, is told of each interaction Add takes, on Add's
	// goroutine: it must not block.
	Taken func(Interaction)
	// Done, when set, is told of each batch: its n interactions written
	// (err nil), or dropped when Tries writes failed or Drain ran out (err
	// the last write's error). It is called on Run's goroutine.
	Done func(n int, err error)
}

// ClickStats are the counters of Clicks: interactions taken, batches
// written, interactions shed (the queue was full, or Run had ended) and
// dropped (their batch's writes failed), and interactions in the queue
// now.
type ClickStats struct {
	Taken, Batches, Shed, Dropped, Queued int64
}

// Clicks keeps storefronts' interactions (clicks) without a transaction
// for each: Add queues one in memory, bounded, and Run writes the queue
// to the store in batches. A batch written again after a failed write may
// be kept twice, if the failure came after its commit.
type Clicks struct {
	store InteractionStore
	cfg   ClickConfig
	queue chan Interaction

	// mu orders Adds before the end of Run: an Add holds it to read
	// closed and queue, so that none queues after the last drain.
	mu     sync.RWMutex
	closed bool

	taken, batches, shed, dropped atomic.Int64
}

// NewClicks returns Clicks writing to store; Run starts its writes.
func NewClicks(store InteractionStore, cfg ClickConfig) *Clicks {
	orDefault := func(v, d time.Duration) time.Duration {
		if v <= 0 {
			return d
		}
		return v
	}
	if cfg.Queue <= 0 {
		cfg.Queue = DefaultClickQueue
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultClickBatch
	}
	if cfg.Tries <= 0 {
		cfg.Tries = DefaultClickTries
	}
	cfg.Every = orDefault(cfg.Every, DefaultClickEvery)
	cfg.Pause = orDefault(cfg.Pause, DefaultClickPause)
	cfg.Timeout = orDefault(cfg.Timeout, DefaultClickTimeout)
	cfg.Drain = orDefault(cfg.Drain, DefaultClickDrain)
	return &Clicks{store: store, cfg: cfg, queue: make(chan Interaction, cfg.Queue)}
}

// Add queues an interaction to be written, and reports whether it did: it
// never waits, and sheds the interaction when the queue is full or Run
// has ended (the caller answers 503). The caller validates i and sets its
// At.
func (c *Clicks) Add(i Interaction) bool {
	c.mu.RLock()
	ok := !c.closed
	if ok {
		select {
		case c.queue <- i:
		default:
			ok = false
		}
	}
	c.mu.RUnlock()
	if !ok {
		c.shed.Add(1)
		return false
	}
	c.taken.Add(1)
	if c.cfg.Taken != nil {
		c.cfg.Taken(i)
	}
	return true
}

// Stats returns the counters.
func (c *Clicks) Stats() ClickStats {
	return ClickStats{Taken: c.taken.Load(), Batches: c.batches.Load(), Shed: c.shed.Load(), Dropped: c.dropped.Load(),
		Queued: int64(len(c.queue))}
}

// Run writes the queue to the store, a batch at a time: each time Batch
// interactions are queued, and every Every what is. When ctx ends, it
// sheds what is added after, writes what is queued within Drain, and
// returns. Run once.
func (c *Clicks) Run(ctx context.Context) {
	t := time.NewTicker(c.cfg.Every)
	defer t.Stop()
	// A write under way when ctx ends finishes: one cut short may have
	// been committed, and would be written twice.
	wctx := context.WithoutCancel(ctx)
	batch := make([]Interaction, 0, c.cfg.Batch)
	for {
		select {
		case i := <-c.queue:
			if batch = append(batch, i); len(batch) < c.cfg.Batch {
				continue
			}
		case <-t.C:
			if len(batch) == 0 {
				continue
			}
		case <-ctx.Done():
			c.drain(wctx, batch)
			return
		}
		if !c.write(wctx, ctx.Done(), batch) {
			c.drain(wctx, batch)
			return
		}
		// A new batch: the store may hold on to the one it was given.
		batch = make([]Interaction, 0, c.cfg.Batch)
	}
}

// drain closes the queue to Add and writes what it holds after batch,
// within Drain; what is left when Drain runs out is dropped.
func (c *Clicks) drain(ctx context.Context, batch []Interaction) {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Drain)
	defer cancel()
	for {
	fill:
		for len(batch) < c.cfg.Batch {
			select {
			case i := <-c.queue:
				batch = append(batch, i)
			default:
				break fill
			}
		}
		if len(batch) == 0 {
			return
		}
		c.write(ctx, ctx.Done(), batch)
		batch = make([]Interaction, 0, c.cfg.Batch)
	}
}

// write writes a batch, Tries times at most, Pause apart, and tells Done
// of it: written, or dropped after the last try. When stop ends a pause,
// it gives up without dropping the batch, and reports false.
func (c *Clicks) write(ctx context.Context, stop <-chan struct{}, batch []Interaction) bool {
	var err error
	for try := 1; ; try++ {
		if err = c.writeOnce(ctx, batch); err == nil {
			c.batches.Add(1)
			c.done(len(batch), nil)
			return true
		}
		if try == c.cfg.Tries {
			break
		}
		select {
		case <-time.After(c.cfg.Pause):
			continue
		case <-stop:
		}
		if ctx.Err() == nil { // Run's context ended: drain tries it again
			return false
		}
		break
	}
	c.dropped.Add(int64(len(batch)))
	c.done(len(batch), err)
	return true
}

// writeOnce is one write of a batch, within Timeout.
func (c *Clicks) writeOnce(ctx context.Context, batch []Interaction) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	return c.store.AddInteractions(ctx, batch)
}

func (c *Clicks) done(n int, err error) {
	if c.cfg.Done != nil {
		c.cfg.Done(n, err)
	}
}

// DefaultClickKeep is how long interactions are kept: a month of clicks
// to study, and a bound on what the store holds.
const DefaultClickKeep = 30 * 24 * time.Hour

// DefaultClickExpiryLimit is the most interactions one delete takes: a
// short hold of the store's writer, which Clicks and shoppers' writes
// share.
const DefaultClickExpiryLimit = 5000

// ClickExpiry deletes the interactions older than Keep in the background.
type ClickExpiry struct {
	Interactions InteractionStore
	Keep         time.Duration    // an interaction taken longer ago is deleted
	Every        time.Duration    // how often to look
	Limit        int              // the most one delete takes; 0 means DefaultClickExpiryLimit
	Now          func() time.Time // time.Now, but for tests
	// Done, when set, is told of each round: the interactions deleted,
	// and why it stopped short of deleting all it should have.
	Done func(deleted int64, err error)
}

// Run deletes old interactions every Every, and at once, until ctx ends:
// a round deletes Limit at a time until fewer are left.
func (e ClickExpiry) Run(ctx context.Context) {
	t := time.NewTicker(e.Every)
	defer t.Stop()
	for {
		n, err := e.round(ctx)
		if ctx.Err() != nil {
			return
		}
		if e.Done != nil {
			e.Done(n, err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// round deletes the interactions taken before Keep ago, as of the round's
// start, Limit at a time.
func (e ClickExpiry) round(ctx context.Context) (int64, error) {
	limit := e.Limit
	if limit <= 0 {
		limit = DefaultClickExpiryLimit
	}
	before := e.Now().Add(-e.Keep)
	var total int64
	for {
		n, err := e.Interactions.DeleteInteractions(ctx, before, limit)
		total += n
		if err != nil || n < int64(limit) || ctx.Err() != nil {
			return total, err
		}
	}
}
