package csv

import (
	"testing"

	"catalog"
)

func TestParentMap(t *testing.T) {
	var m parentMap
	// Each case adds to what the cases before it added.
	for _, tc := range []struct {
		name       string
		id, parent int64
		new        bool
		wantParent int64
		absent     int64 // an id never added
	}{
		{"First", 1, 7, true, 7, 2},
		{"Again", 1, 9, false, 7, 3},
		{"SamePage", 65535, 1, true, 1, 65534},
		{"NextPage", 65536, catalog.MaxID, true, catalog.MaxID, 65537},
		{"MaxID", catalog.MaxID, 3, true, 3, catalog.MaxID - 1},
		{"RealScale", 5_774_952, 1_000_011, true, 1_000_011, 1 << 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := m.add(tc.id, tc.parent); got != tc.new {
				t.Fatalf("add(%d, %d) = %v, want %v", tc.id, tc.parent, got, tc.new)
			}
			if got := m.parent(tc.id); got != tc.wantParent || !m.has(tc.id) {
				t.Fatalf("parent(%d) = %d, has %v; want %d, true", tc.id, got, m.has(tc.id), tc.wantParent)
			}
			if m.has(tc.absent) || m.parent(tc.absent) != 0 {
				t.Fatalf("id %d, never added, has parent %d", tc.absent, m.parent(tc.absent))
			}
		})
	}
	// Only the pages touched are allocated.
	pages := 0
	for _, p := range m.a.pages {
		if p != nil {
			pages++
		}
	}
	if pages != 4 {
		t.Fatalf("%d pages allocated, want 4 (ids 1, 65535; 65536; 5774952; MaxID)", pages)
	}
}

func TestVoteSet(t *testing.T) {
	var s voteSet
	// Product 1 has characteristics 10, 11; product 2 has 12 and, past the
	// checked slots, 100 to 100+MaxCheckedCharacteristics.
	s.addCharacteristic(10, 1)
	s.addCharacteristic(11, 1)
	s.addCharacteristic(12, 2)
	for i := int64(0); i < MaxCheckedCharacteristics; i++ {
		s.addCharacteristic(100+i, 2)
	}
	unchecked := int64(100 + MaxCheckedCharacteristics - 1)
	for _, tc := range []struct {
		review, characteristic int64
		new                    bool
	}{
		{1, 10, true},
		{1, 11, true},
		{1, 10, false},
		{2, 10, true}, // another review
		{2, 11, true},
		{2, 11, false},
		{3, 12, true},
		{3, 100, true},
		{3, 100, false},
		{3, unchecked, true},
		{3, unchecked, true}, // past the checked slots: not told apart
		{catalog.MaxID, 10, true},
		{catalog.MaxID, 10, false},
	} {
		if got := s.add(tc.review, tc.characteristic); got != tc.new {
			t.Errorf("add(review %d, characteristic %d) = %v, want %v", tc.review, tc.characteristic, got, tc.new)
		}
	}
}

func TestVoteSet_SlotSaturates(t *testing.T) {
	var s voteSet
	for i := int64(1); i <= 300; i++ {
		s.addCharacteristic(i, 1)
	}
	if got := s.count.get(1); got != 255 {
		t.Fatalf("count = %d, want 255", got)
	}
	if got := s.slot.get(300); got != 255 {
		t.Fatalf("slot of characteristic 300 = %d, want 255", got)
	}
}
