// Package readmodel is the catalog's read model: each product's responses
// encoded once, when the catalog is loaded, and kept by the store beside
// its tables, so that a request that misses every cache costs the store
// one key lookup. Each product's documents carry a hash, which tells a
// load which products it changed.
package readmodel

import (
	"github.com/cespare/xxhash/v2"

	"catalog"
	"catalog/wire"
)

// Format is the version of the documents' encoding. A store records the
// format its documents were written in, and serves only this one: a
// catalog of another is built anew (catalog migrate) before it is served.
const Format = 2 // 2: documents packed (Pack); 1: as their JSON

// CheckDelta returns an error when a delta cannot apply to a catalog of
// products whose read model is of a format: another than Format, as a
// delta writes anew only the documents of what it changes, and the others
// would be left in the old format (or missing, in a catalog loaded before
// the read model).
func CheckDelta(format, products int64) error {
	if products > 0 && format != Format {
		return catalog.Errorf(catalog.EUNPROCESSABLE,
			"the catalog's read model is of format %d, and this version writes format %d: a whole load (catalog load DIR) must write it anew before a delta", format, Format)
	}
	return nil
}

// Doc is one product's documents, as the store keeps them (Pack).
type Doc struct {
	ID int64
	// Product is wire.AppendProductDoc's form, packed without its head,
	// which the serving instance writes again with its campus.
	Product, Styles, Related []byte
	// Hash is of the three documents: equal hashes, same responses.
	Hash uint64
	// Version is the generation in which the documents last changed.
	Version int64
}

// Encode returns a product's documents: p with its features, its styles
// with their photos and SKUs, the ids it links to.
func Encode(p *catalog.Product, styles []catalog.Style, related []int64) Doc {
	d := Doc{
		ID:      p.ID,
		Product: wire.AppendProductDoc(nil, p),
		Styles:  wire.AppendStyles(nil, p.ID, styles),
		Related: wire.AppendIDs(nil, related),
	}
	h := xxhash.New()
	for _, b := range [][]byte{d.Product, d.Styles, d.Related} {
		_, _ = h.Write(b)
		_, _ = h.Write([]byte{0}) // no document holds a NUL: JSON escapes it
	}
	d.Hash = h.Sum64()
	d.Product = Pack(d.Product, wire.ProductHeadLen(p.ID))
	d.Styles = Pack(d.Styles, 0)
	d.Related = Pack(d.Related, 0)
	return d
}
