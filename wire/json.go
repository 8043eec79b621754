// Package wire writes the JSON bodies of the Products API contract
// (CONTRACT.md) and of its Ratings & Reviews and Q&A parts
// (CONTRACT-REVIEWS-QA.md) straight into byte slices: the server writes
// them per request, and a load writes them once into the store's read
// model.
package wire

import (
	"bytes"
	"strconv"
	"time"
	"unicode/utf8"

	"catalog"
)

// The wire format of CONTRACT.md, written straight into a byte slice: keys in
// the contract's order, prices as two-decimal strings, the placeholders of
// styles without photos or SKUs. Strings are escaped as JavaScript's
// JSON.stringify escapes them (the hosted API was Node), except that invalid
// UTF-8 becomes U+FFFD so the output is always valid JSON.

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendNullString(b []byte, s catalog.Null[string]) []byte {
	if !s.Valid {
		return append(b, "null"...)
	}
	return appendString(b, s.V)
}

// appendPrice appends a price as the contract's string: "140.00".
func appendPrice(b []byte, c catalog.Cents) []byte {
	b = append(b, '"')
	b = strconv.AppendInt(b, int64(c)/100, 10)
	frac := int64(c) % 100
	b = append(b, '.', byte('0'+frac/10), byte('0'+frac%10))
	return append(b, '"')
}

// appendTime appends a time as RFC 3339 UTC with milliseconds.
func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
	return append(b, '"')
}

func appendInt(b []byte, n int64) []byte { return strconv.AppendInt(b, n, 10) }

// AppendProduct appends a product; with features for a single product, as
// the list omits them.
func AppendProduct(b []byte, p *catalog.Product, campus string, withFeatures bool) []byte {
	b = append(b, `{"id":`...)
	b = appendInt(b, p.ID)
	b = append(b, `,"campus":`...)
	b = appendString(b, campus)
	return appendProductFields(b, p, withFeatures)
}

// AppendProductDoc appends a product with its features but without its
// campus, which is the serving instance's to give: the form the read model
// keeps. AddCampus makes it the response AppendProduct writes.
func AppendProductDoc(b []byte, p *catalog.Product) []byte {
	b = append(b, `{"id":`...)
	b = appendInt(b, p.ID)
	return appendProductFields(b, p, true)
}

// AppendProductHead appends the head of a product's body, which a packed
// product document leaves out (readmodel.Pack): `{"id":N,"campus":"X"`.
func AppendProductHead(b []byte, id int64, campus string) []byte {
	b = append(b, `{"id":`...)
	b = appendInt(b, id)
	b = append(b, `,"campus":`...)
	return appendString(b, campus)
}

// ProductHeadLen is the length of the head of a product's document, as
// AppendProductDoc writes it, that AppendProductHead writes again with
// the campus: `{"id":N`.
func ProductHeadLen(id int64) int { return len(`{"id":`) + len(strconv.FormatInt(id, 10)) }

// AddCampus appends doc, a product written by AppendProductDoc, with the
// campus in its place after the id.
func AddCampus(b, doc []byte, campus string) []byte {
	i := bytes.IndexByte(doc, ',') // the id is digits: the first comma ends it
	if i < 0 {
		i = len(doc) - 1 // a product of no other field: there is none, but stay valid JSON
	}
	b = append(b, doc[:i]...)
	b = append(b, `,"campus":`...)
	b = appendString(b, campus)
	return append(b, doc[i:]...)
}

// appendProductFields appends what follows a product's id and campus, and
// closes it.
func appendProductFields(b []byte, p *catalog.Product, withFeatures bool) []byte {
	b = append(b, `,"name":`...)
	b = appendString(b, p.Name)
	b = append(b, `,"slogan":`...)
	b = appendNullString(b, p.Slogan)
	b = append(b, `,"description":`...)
	b = appendNullString(b, p.Description)
	b = append(b, `,"category":`...)
	b = appendNullString(b, p.Category)
	b = append(b, `,"default_price":`...)
	b = appendPrice(b, p.DefaultPrice)
	b = append(b, `,"created_at":`...)
	b = appendTime(b, p.CreatedAt)
	b = append(b, `,"updated_at":`...)
	b = appendTime(b, p.UpdatedAt)
	if withFeatures {
		b = append(b, `,"features":[`...)
		for i := range p.Features {
			f := &p.Features[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"feature":`...)
			b = appendString(b, f.Name)
			b = append(b, `,"value":`...)
			b = appendNullString(b, f.Value)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// AppendProducts appends a list page: products without their features.
func AppendProducts(b []byte, ps []catalog.Product, campus string) []byte {
	b = append(b, '[')
	for i := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendProduct(b, &ps[i], campus, false)
	}
	return append(b, ']')
}

// AppendStyles appends a product's styles: product_id a string, the
// placeholders for a style without photos or SKUs.
func AppendStyles(b []byte, productID int64, styles []catalog.Style) []byte {
	b = append(b, `{"product_id":"`...)
	b = appendInt(b, productID)
	b = append(b, `","results":[`...)
	for i := range styles {
		s := &styles[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"style_id":`...)
		b = appendInt(b, s.ID)
		b = append(b, `,"name":`...)
		b = appendString(b, s.Name)
		b = append(b, `,"original_price":`...)
		b = appendPrice(b, s.OriginalPrice)
		b = append(b, `,"sale_price":`...)
		if s.SalePrice.Valid {
			b = appendPrice(b, s.SalePrice.V)
		} else {
			b = append(b, "null"...)
		}
		if s.Default {
			b = append(b, `,"default?":true,"photos":[`...)
		} else {
			b = append(b, `,"default?":false,"photos":[`...)
		}
		if len(s.Photos) == 0 {
			b = append(b, `{"thumbnail_url":null,"url":null}`...)
		}
		for j := range s.Photos {
			ph := &s.Photos[j]
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"thumbnail_url":`...)
			b = appendNullString(b, ph.ThumbnailURL)
			b = append(b, `,"url":`...)
			b = appendNullString(b, ph.URL)
			b = append(b, '}')
		}
		b = append(b, `],"skus":{`...)
		if len(s.SKUs) == 0 {
			b = append(b, `"null":{"quantity":null,"size":null}`...)
		}
		for j := range s.SKUs {
			k := &s.SKUs[j]
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = appendInt(b, k.ID)
			b = append(b, `":{"quantity":`...)
			b = appendInt(b, k.Quantity)
			b = append(b, `,"size":`...)
			b = appendString(b, k.Size)
			b = append(b, '}')
		}
		b = append(b, "}}"...)
	}
	return append(b, "]}"...)
}

// AppendIDs appends a list of ids: a product's related products.
func AppendIDs(b []byte, ids []int64) []byte {
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendInt(b, id)
	}
	return append(b, ']')
}

// AppendCart appends a cart's items.
func AppendCart(b []byte, items []catalog.CartItem) []byte {
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"sku_id":`...)
		b = appendInt(b, it.SKUID)
		b = append(b, `,"count":`...)
		b = appendInt(b, it.Count)
		b = append(b, '}')
	}
	return append(b, ']')
}

// AppendError appends an error body.
func AppendError(b []byte, message string) []byte {
	b = append(b, `{"message":`...)
	b = appendString(b, message)
	return append(b, '}')
}
