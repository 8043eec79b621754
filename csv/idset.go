package csv

import "catalog"

// idSet is a set of ids from 1 to catalog.MaxID: a bitmap allocated in pages
// of 64Ki ids as they are touched, so a million dense ids take about 128 KiB
// and no id, however large, costs more than one page.
type idSet struct {
	pages [catalog.MaxID>>16 + 1]*[1 << 10]uint64
}

func (s *idSet) has(id int64) bool {
	p := s.pages[id>>16]
	return p != nil && p[(id>>6)&(1<<10-1)]&(1<<(id&63)) != 0
}

// add adds id and reports whether it was new.
func (s *idSet) add(id int64) bool {
	p := s.pages[id>>16]
	if p == nil {
		p = new([1 << 10]uint64)
		s.pages[id>>16] = p
	}
	w, bit := &p[(id>>6)&(1<<10-1)], uint64(1)<<(id&63)
	if *w&bit != 0 {
		return false
	}
	*w |= bit
	return true
}
