package readmodel_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"catalog/readmodel"
)

// A packed document, its head put back, reads back whole both ways: as a
// gzip member, which a standard gzip reader takes (and the checksum in its
// trailer, which that reader checks), and unpacked.
func TestPack(t *testing.T) {
	long := `{"id":12,"name":"` + strings.Repeat("Harbor Parka ", 40) + `","features":[]}`
	for _, tc := range []struct {
		name     string
		doc      string
		skip     int
		head     string
		packed   bool
		wantJSON string
	}{
		{"Short", `[1,2,3]`, 0, "", false, `[1,2,3]`},
		{"Whole", long, 0, "", true, long},
		{"ProductHead", long, len(`{"id":12`), `{"id":12,"campus":"hr-rfp"`, true, `{"id":12,"campus":"hr-rfp"` + long[len(`{"id":12`):]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stored := readmodel.Pack([]byte(tc.doc), tc.skip)
			if readmodel.Packed(stored) != tc.packed {
				t.Fatalf("Packed = %v, want %v", readmodel.Packed(stored), tc.packed)
			}
			if !tc.packed {
				if string(stored) != tc.doc {
					t.Fatalf("stored %q, want the document as it is", stored)
				}
				return
			}
			if len(stored) >= len(tc.doc) {
				t.Errorf("packed into %d bytes, from %d", len(stored), len(tc.doc))
			}
			got, err := readmodel.Unpack(stored, []byte(tc.head))
			if err != nil || string(got) != tc.wantJSON {
				t.Fatalf("Unpack = %q, %v", got, err)
			}
			member, err := readmodel.Gzip(stored, []byte(tc.head))
			if err != nil {
				t.Fatal(err)
			}
			zr, err := gzip.NewReader(bytes.NewReader(member))
			if err != nil {
				t.Fatal(err)
			}
			zr.Multistream(false)
			inflated, err := io.ReadAll(zr)
			if err != nil || string(inflated) != tc.wantJSON {
				t.Fatalf("the gzip member reads %q, %v", inflated, err)
			}
		})
	}
}

func TestUnpack_Refuses(t *testing.T) {
	good := readmodel.Pack([]byte(strings.Repeat(`{"a":1}`, 100)), 0)
	corrupt := append([]byte{}, good...)
	corrupt[2] ^= 1 // the CRC
	for name, stored := range map[string][]byte{
		"NotPacked": []byte(`{"id":1}`),
		"Empty":     nil,
		"Short":     good[:5],
		"CutShort":  good[:len(good)-3],
		"BadCRC":    corrupt,
	} {
		if _, err := readmodel.Unpack(stored, nil); err == nil {
			t.Errorf("%s: Unpack succeeded", name)
		}
	}
}

// FuzzPack: whatever the document and the head, what is packed unpacks
// and gzips back to head and body.
func FuzzPack(f *testing.F) {
	f.Add([]byte(strings.Repeat(`{"style_id":1,"name":"x"},`, 20)), 5, []byte(`{"id":1,"campus":"c"`))
	f.Fuzz(func(t *testing.T, doc []byte, skip int, head []byte) {
		if skip < 0 || skip > len(doc) || len(head) > 1000 {
			return
		}
		stored := readmodel.Pack(doc, skip)
		if !readmodel.Packed(stored) {
			return
		}
		want := string(head) + string(doc[skip:])
		got, err := readmodel.Unpack(stored, head)
		if err != nil || string(got) != want {
			t.Fatalf("Unpack = %q, %v; want %q", got, err, want)
		}
		member, err := readmodel.Gzip(stored, head)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(member))
		if err != nil {
			t.Fatal(err)
		}
		if inflated, err := io.ReadAll(zr); err != nil || string(inflated) != want {
			t.Fatalf("gzip member = %q, %v; want %q", inflated, err, want)
		}
	})
}

// FuzzUnpack: a stored document is read from the store, outside input
// of a sort; any bytes are unpacked or refused, never a panic.
func FuzzUnpack(f *testing.F) {
	f.Add(readmodel.Pack([]byte(strings.Repeat("abc", 200)), 0))
	f.Add([]byte{1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, stored []byte) {
		_, _ = readmodel.Unpack(stored, []byte("head"))
		_, _ = readmodel.Gzip(stored, []byte("head"))
	})
}
