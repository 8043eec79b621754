package csv

import "catalog"

// pagedArray is an array indexed by ids from 0 to catalog.MaxID, zero until
// set, allocated in pages of 64Ki ids as they are touched: dense ids cost
// one value each, and no id, however large, costs more than one page.
type pagedArray[V uint8 | uint32 | int32] struct {
	pages [catalog.MaxID>>16 + 1]*[1 << 16]V
}

func (a *pagedArray[V]) get(id int64) V {
	if p := a.pages[id>>16]; p != nil {
		return p[id&(1<<16-1)]
	}
	return 0
}

// at returns where id's value is kept, allocating its page.
func (a *pagedArray[V]) at(id int64) *V {
	p := a.pages[id>>16]
	if p == nil {
		p = new([1 << 16]V)
		a.pages[id>>16] = p
	}
	return &p[id&(1<<16-1)]
}

// parentMap maps the ids of a file's rows to their parents' ids: reviews
// and characteristics to their products, in 4 bytes an id (about 23 MiB
// for the 5.8M reviews) where a Go map would take ten times that.
type parentMap struct {
	a pagedArray[int32]
}

// has reports whether id was added.
func (m *parentMap) has(id int64) bool { return m.a.get(id) != 0 }

// parent returns id's parent, or 0 when id was not added.
func (m *parentMap) parent(id int64) int64 { return int64(m.a.get(id)) }

// add adds id with its parent and reports whether it was new.
func (m *parentMap) add(id, parent int64) bool {
	v := m.a.at(id)
	if *v != 0 {
		return false
	}
	*v = int32(parent)
	return true
}

// MaxCheckedCharacteristics is how many of a product's characteristics,
// in file order, are checked for a second vote by the same review: the
// real products have at most a handful.
const MaxCheckedCharacteristics = 32

// voteSet tells a review's second vote on a characteristic from its first
// without keeping the 19M (review, characteristic) pairs: each
// characteristic gets a slot among its product's, and each review keeps a
// mask of the slots it voted on. That is 4 bytes a review and 1 a
// characteristic and a product.
type voteSet struct {
	count pagedArray[uint8]  // by product: its characteristics so far, up to 255
	slot  pagedArray[uint8]  // by characteristic: its slot among its product's
	voted pagedArray[uint32] // by review: a bit for each slot voted on
}

// addCharacteristic gives a characteristic of product the next slot.
func (s *voteSet) addCharacteristic(id, product int64) {
	n := s.count.at(product)
	*s.slot.at(id) = *n
	if *n < 255 {
		*n++
	}
}

// add records review's vote on characteristic, of the same product, and
// reports whether it was new. A characteristic past its product's
// MaxCheckedCharacteristics is not checked: its votes are always new.
func (s *voteSet) add(review, characteristic int64) bool {
	slot := s.slot.get(characteristic)
	if slot >= MaxCheckedCharacteristics {
		return true
	}
	mask, bit := s.voted.at(review), uint32(1)<<slot
	if *mask&bit != 0 {
		return false
	}
	*mask |= bit
	return true
}
