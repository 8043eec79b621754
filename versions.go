package catalog

import (
	"slices"
	"sync"
)

// Versions tells, for each response of the catalog, the generation in
// which it last changed, as far as the store's history of changes goes
// back: a cache keys responses by it, so that a change gives the changed
// responses new keys and leaves every other response cached.
//
// The rule it keeps: once Versions has taken in the history up to
// generation G, the version of a response is at least the generation of
// its last change at or before G. A response cached under (key, version)
// was read from a catalog of at least that version, so an instance that
// has seen G never serves a response as it was before a change made at or
// before G. Instances that have seen the same history give the same
// versions, so they share the responses they cache in a remote tier.
type Versions struct {
	mu       sync.RWMutex
	seen     int64           // the generation the history is taken in to
	from     int64           // the history's start: no version is lower
	products map[int64]int64 // the last change of each product changed after from
	// pages are the last maxPageChanges changes of list pages, oldest
	// first; an older change is known only as pagesFrom, the version of a
	// page no later change reaches.
	pages     []pageChange
	pagesFrom int64
	// The same of the review changes: the last taken in, the window's
	// start, the last change of each product's reviews after it, of each
	// product's questions, and of each question's answers.
	reviewsSeen, reviewsFrom int64
	reviews                  map[int64]int64
	questions                map[int64]int64
	answers                  map[int64]int64
}

// maxPageChanges is how many generations' changes of list pages Versions
// keeps apart: a page's version is found by looking through them.
const maxPageChanges = 32

// pageChange is what one generation changed of the list pages: the pages
// holding a position from shiftFrom on, and those holding one of
// positions (in order).
type pageChange struct {
	generation int64
	shiftFrom  int64 // 0: none
	positions  []int64
}

// affects reports whether the change reaches a page of positions first to
// last.
func (c *pageChange) affects(first, last int64) bool {
	if c.shiftFrom > 0 && c.shiftFrom <= last {
		return true
	}
	i, _ := slices.BinarySearch(c.positions, first)
	return i < len(c.positions) && c.positions[i] <= last
}

// NewVersions returns the versions of a catalog whose history is not yet
// known: everything is of version 0 until the first Apply.
func NewVersions() *Versions {
	return &Versions{products: map[int64]int64{}, reviews: map[int64]int64{}, questions: map[int64]int64{}, answers: map[int64]int64{}}
}

// Product returns the version of a product's responses.
func (v *Versions) Product(id int64) int64 {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if g, ok := v.products[id]; ok {
		return g
	}
	return v.from
}

// Reviews returns the version of a product's review responses: its
// product's with the last change of its reviews. Both are kept under 2^40
// by far (generations, review changes), so the two never blur.
func (v *Versions) Reviews(id int64) int64 {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.ofProduct(v.reviews, id)
}

// Questions returns the version of a product's question responses, as
// Reviews does of its reviews'.
func (v *Versions) Questions(id int64) int64 {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.ofProduct(v.questions, id)
}

// ofProduct returns a product's version with the last change of its in
// changes.
func (v *Versions) ofProduct(changes map[int64]int64, id int64) int64 {
	seq, ok := changes[id]
	if !ok {
		seq = v.reviewsFrom
	}
	g, ok := v.products[id]
	if !ok {
		g = v.from
	}
	return g<<40 | seq
}

// Answers returns the version of a question's answer responses: the last
// change of it.
func (v *Versions) Answers(questionID int64) int64 {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if seq, ok := v.answers[questionID]; ok {
		return seq
	}
	return v.reviewsFrom
}

// ApplyReviews takes in the review changes read from the store after the
// last taken in, as Apply takes in the generations'; a change of every
// product (a whole load) is a new start.
func (v *Versions) ApplyReviews(h ReviewHistory) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch {
	case h.From > v.reviewsSeen:
		v.restartReviews(h.From)
	case h.Start > v.reviewsFrom:
		v.reviews, v.questions, v.answers = after(v.reviews, h.Start), after(v.questions, h.Start), after(v.answers, h.Start)
		v.reviewsFrom = h.Start
	}
	for _, c := range h.Changes {
		switch {
		case c.Seq <= v.reviewsSeen:
		case c.ProductID == AllProducts:
			v.restartReviews(c.Seq)
		case c.QuestionID != 0:
			v.questions[c.ProductID], v.answers[c.QuestionID] = c.Seq, c.Seq
		default:
			v.reviews[c.ProductID] = c.Seq
		}
	}
	v.reviewsSeen = max(v.reviewsSeen, h.To)
}

// after returns, in a new map (so that it holds only the window), the
// changes of m after start.
func after(m map[int64]int64, start int64) map[int64]int64 {
	kept := map[int64]int64{}
	for id, seq := range m {
		if seq > start {
			kept[id] = seq
		}
	}
	return kept
}

// restartReviews forgets every change of reviews and questions: from on,
// everything has changed.
func (v *Versions) restartReviews(from int64) {
	v.reviews, v.questions, v.answers, v.reviewsFrom = map[int64]int64{}, map[int64]int64{}, map[int64]int64{}, from
}

// Page returns the version of a list page.
func (v *Versions) Page(p Page) int64 {
	first := (p.Number-1)*p.Size + 1
	last := first + p.Size - 1
	v.mu.RLock()
	defer v.mu.RUnlock()
	for i := len(v.pages) - 1; i >= 0; i-- {
		if v.pages[i].affects(first, last) {
			return v.pages[i].generation
		}
	}
	return v.pagesFrom
}

// Seen returns the generation the history is taken in to.
func (v *Versions) Seen() int64 {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.seen
}

// Apply takes in a history read from the store after Seen. One that
// starts later than Seen leaves a gap of unknown changes: everything is
// taken as changed at its start. One whose store's window starts later
// than before has the changes up to that start forgotten, as an instance
// that starts now never knew them.
func (v *Versions) Apply(h History) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch {
	case h.From > v.seen:
		v.restart(h.From)
	case h.Start > v.from:
		v.forget(h.Start)
	}
	for _, c := range h.Changes {
		if c.Generation <= v.seen {
			continue
		}
		pc := pageChange{generation: c.Generation, shiftFrom: c.ShiftFrom}
		for _, p := range c.Products {
			v.products[p.ID] = c.Generation
			if p.Pos > 0 {
				pc.positions = append(pc.positions, p.Pos)
			}
		}
		slices.Sort(pc.positions)
		v.pages = append(v.pages, pc)
		if n := len(v.pages) - maxPageChanges; n > 0 {
			v.pagesFrom = v.pages[n-1].generation
			v.pages = slices.Delete(v.pages, 0, n)
		}
	}
	v.seen = max(v.seen, h.To)
}

func (v *Versions) restart(g int64) {
	v.from, v.pagesFrom = g, g
	v.products = map[int64]int64{}
	v.pages = nil
}

// forget takes every change up to start as made at start: the products'
// versions of those changes go, in a new map, as a Go map keeps the room
// its deleted keys took.
func (v *Versions) forget(start int64) {
	kept := map[int64]int64{}
	for id, g := range v.products {
		if g > start {
			kept[id] = g
		}
	}
	v.products, v.from = kept, start
	v.pages = slices.DeleteFunc(v.pages, func(c pageChange) bool { return c.generation <= start })
	v.pagesFrom = max(v.pagesFrom, start)
}

// Len returns how many products' versions are kept apart: those changed
// in the store's window of history.
func (v *Versions) Len() int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return len(v.products)
}
