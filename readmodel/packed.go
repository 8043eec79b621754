package readmodel

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
	"sync"

	"github.com/klauspost/compress/flate"

	"catalog"
)

// A document is stored in one of two forms, told apart by its first byte.
// A short one is stored as its JSON ('{' or '['). The others are packed:
// the byte packedForm, the CRC-32 and the length of the body (both
// little-endian, as gzip's trailer has them), and the body raw-DEFLATE
// compressed, once, when the catalog is loaded. A packed document is sent
// as it is, as a gzip member (Gzip), to the clients that take gzip, which
// is nearly every one; and inflated for the rest (Unpack).
//
// A packed document's body may leave out a head that the serving instance
// writes again: a product's `{"id":N`, which takes its campus after it
// (wire.AppendProductHead). The head is put in front as a stored DEFLATE
// block, and the CRC-32 of head and body together is worked out from the
// two.
const packedForm = 0x01

// MinPacked is the length from which a document is packed: gzip's header
// and trailer alone are 18 bytes, and a product's related ids are about 30.
const MinPacked = 256

// packedHeader is the form byte, the body's CRC-32 and its length.
const packedHeader = 9

// packLevel is the DEFLATE level of packed documents: made once for all
// requests, so the default, which gzip clients get too.
const packLevel = flate.DefaultCompression

var deflaters = sync.Pool{New: func() any { w, _ := flate.NewWriter(nil, packLevel); return w }}

// Pack returns how doc is stored: packed, without its first skip bytes
// (its head), when it is at least MinPacked long; else as it is.
func Pack(doc []byte, skip int) []byte {
	if len(doc) < MinPacked || skip > len(doc) {
		return doc
	}
	body := doc[skip:]
	var buf bytes.Buffer
	buf.Grow(packedHeader + len(body)/3 + 16)
	buf.WriteByte(packedForm)
	buf.Write(binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(body)))
	buf.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(body))))
	w := deflaters.Get().(*flate.Writer)
	defer deflaters.Put(w)
	w.Reset(&buf)
	_, _ = w.Write(body) // a bytes.Buffer does not fail
	_ = w.Close()
	return buf.Bytes()
}

// Packed reports whether a stored document is packed.
func Packed(stored []byte) bool { return len(stored) > 0 && stored[0] == packedForm }

// errNotPacked is the error of a stored document that is not a packed one.
var errNotPacked = errors.New("not a packed document")

// gzipHeader is a gzip member's header: no name, no time, no extra
// fields, the OS unknown.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// Gzip returns a packed document, its body behind head, as a gzip member:
// the header, head as a stored DEFLATE block, the packed body's blocks
// (the last of which ends the stream), then the CRC-32 and length of head
// and body together.
func Gzip(stored, head []byte) ([]byte, error) {
	sum, n, err := packedBody(stored)
	if err != nil || len(head) > 0xffff {
		return nil, errNotPacked
	}
	out := make([]byte, 0, len(gzipHeader)+5+len(head)+len(stored)-packedHeader+8)
	out = append(out, gzipHeader...)
	if len(head) > 0 {
		// A stored block, not the last: its 3-bit header padded to a byte,
		// then its length and the length's complement.
		out = append(out, 0)
		out = binary.LittleEndian.AppendUint16(out, uint16(len(head)))
		out = binary.LittleEndian.AppendUint16(out, ^uint16(len(head)))
		out = append(out, head...)
		sum = crc32Combine(crc32.ChecksumIEEE(head), sum, n)
	}
	out = append(out, stored[packedHeader:]...)
	out = binary.LittleEndian.AppendUint32(out, sum)
	return binary.LittleEndian.AppendUint32(out, n+uint32(len(head))), nil
}

// Unpack returns a packed document's JSON, its body behind head.
func Unpack(stored, head []byte) ([]byte, error) {
	sum, n, err := packedBody(stored)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(head), len(head)+int(n))
	copy(out, head)
	r := inflaters.Get().(io.ReadCloser)
	defer inflaters.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(stored[packedHeader:]), nil); err != nil {
		return nil, err
	}
	out, err = readFull(r, out, int(n))
	if err != nil {
		return nil, fmt.Errorf("inflate a packed document: %w", err)
	}
	if crc32.ChecksumIEEE(out[len(head):]) != sum {
		return nil, errors.New("inflate a packed document: its CRC-32 does not match")
	}
	return out, nil
}

// JSON returns a stored document of a product's as it was encoded
// (Encode), whichever its form: for tools and tests that read the read
// model itself.
func JSON(stored []byte, id int64, kind catalog.Document) ([]byte, error) {
	if !Packed(stored) {
		return stored, nil
	}
	var head []byte
	if kind == catalog.DocProduct {
		head = strconv.AppendInt([]byte(`{"id":`), id, 10)
	}
	return Unpack(stored, head)
}

// packedBody returns the CRC-32 and the length of a packed document's
// body, as its header tells them.
func packedBody(stored []byte) (sum, n uint32, err error) {
	if !Packed(stored) || len(stored) < packedHeader {
		return 0, 0, errNotPacked
	}
	sum, n = binary.LittleEndian.Uint32(stored[1:]), binary.LittleEndian.Uint32(stored[5:])
	// DEFLATE inflates at most 1,032 times: a length past that is not
	// the body's.
	if uint64(n) > 1032*uint64(len(stored)-packedHeader)+64 {
		return 0, 0, fmt.Errorf("a packed document of %d bytes in %d: %w", n, len(stored), errNotPacked)
	}
	return sum, n, nil
}

var inflaters = sync.Pool{New: func() any { return flate.NewReader(bytes.NewReader(nil)) }}

// readFull appends the n bytes r gives to b, and checks that r ends there.
func readFull(r io.Reader, b []byte, n int) ([]byte, error) {
	start := len(b)
	b = b[:start+n]
	if _, err := io.ReadFull(r, b[start:]); err != nil {
		return nil, err
	}
	var extra [1]byte
	if k, err := r.Read(extra[:]); k > 0 || (err != nil && err != io.EOF) {
		return nil, errors.New("more than its length")
	}
	return b, nil
}

// zeros feeds crc32Combine.
var zeros [4096]byte

// crc32Combine returns the CRC-32 of a followed by b, from the CRC-32 of
// a, that of b, and b's length: CRC-32 is affine in its input, so
// crc(a‖b) = crc(a‖0ⁿ) ⊕ crc(b) ⊕ crc(0ⁿ), and the two of zeros are a
// continued CRC over n zero bytes.
func crc32Combine(crcA, crcB, n uint32) uint32 {
	a, z := crcA, uint32(0)
	for left := int(n); left > 0; left -= len(zeros) {
		chunk := zeros[:min(left, len(zeros))]
		a = crc32.Update(a, crc32.IEEETable, chunk)
		z = crc32.Update(z, crc32.IEEETable, chunk)
	}
	return a ^ crcB ^ z
}
