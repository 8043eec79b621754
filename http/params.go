package http

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"strconv"
	"strings"

	"catalog"
)

// Limits of the API's parameters.
const (
	DefaultPage  = 1
	DefaultCount = 5
	// MaxCount is the most products a page may hold; storefront home pages
	// ask for 1,000.
	MaxCount = 1000
	// MaxBodyBytes bounds a POST body.
	MaxBodyBytes = 4 << 10
)

// parseProductID parses a path's product id.
func parseProductID(s string) (int64, error) {
	id, ok := catalog.ParseID(s)
	if !ok {
		return 0, catalog.Errorf(catalog.EINVALID, "product id %s is not a whole number from 1 to %d", quote(s), catalog.MaxID)
	}
	return id, nil
}

// parsePage parses the query of GET /products.
func parsePage(rawQuery string) (catalog.Page, error) {
	page := catalog.Page{Number: DefaultPage, Size: DefaultCount}
	if rawQuery == "" {
		return page, nil
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return page, catalog.Errorf(catalog.EINVALID, "the query string is malformed: %v", err)
	}
	if v, ok := q["page"]; ok {
		n, ok := parsePageNumber(v[0])
		if !ok {
			return page, catalog.Errorf(catalog.EINVALID, "page %s is not a positive whole number", quote(v[0]))
		}
		page.Number = n
	}
	if v, ok := q["count"]; ok {
		n, ok := catalog.ParseID(v[0])
		if !ok || n > MaxCount {
			return page, catalog.Errorf(catalog.EINVALID, "count %s is not a whole number from 1 to %d", quote(v[0]), MaxCount)
		}
		page.Size = n
	}
	return page, nil
}

// MaxPage is the largest page number passed on to a store: with at most
// catalog.MaxID products, any page past it is as empty as it.
const MaxPage = catalog.MaxID + 1

// parsePageNumber parses a positive whole number of any size (leading zeros
// allowed), capped at MaxPage.
func parsePageNumber(s string) (int64, bool) {
	if n, ok := catalog.ParseID(s); ok {
		return n, true
	}
	// Too large for an id, or not a number at all.
	digits := strings.TrimLeft(s, "0") != ""
	for i := 0; i < len(s) && digits; i++ {
		digits = s[i] >= '0' && s[i] <= '9'
	}
	if digits {
		return MaxPage, true
	}
	return 0, false
}

// errBodyShape answers a body sku_id cannot be read from: 422, as the
// contract answers a malformed sku_id.
var errBodyShape = catalog.Errorf(catalog.EUNPROCESSABLE, `sku_id is missing or malformed: send a JSON object {"sku_id": N} or a form sku_id=N`)

// parseSKUID parses the body of POST /cart: JSON {"sku_id": N} where N is a
// number or a numeric string, or the form sku_id=N.
func parseSKUID(contentType string, body []byte) (int64, error) {
	mediaType, _, _ := mime.ParseMediaType(contentType)
	var raw string
	switch mediaType {
	case "application/x-www-form-urlencoded":
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return 0, errBodyShape
		}
		if v, ok := q["sku_id"]; ok {
			raw = v[0]
		} else {
			return 0, errNoSKUID
		}
		return skuID(raw)
	case "multipart/form-data":
		return 0, errBodyShape
	}
	// JSON, whatever the content type says: some clients send none.
	if len(strings.TrimSpace(string(body))) == 0 {
		return 0, catalog.Errorf(catalog.EUNPROCESSABLE, `sku_id is missing: the body is empty; send {"sku_id": N}`)
	}
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return 0, errBodyShape
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return 0, errBodyShape
	}
	v, ok := obj["sku_id"]
	if !ok {
		return 0, errNoSKUID
	}
	switch {
	case len(v) > 0 && v[0] == '"':
		if err := json.Unmarshal(v, &raw); err != nil {
			return 0, errBodyShape
		}
	case len(v) > 0 && (v[0] >= '0' && v[0] <= '9' || v[0] == '-'):
		raw = string(v)
	default:
		return 0, catalog.Errorf(catalog.EUNPROCESSABLE, "sku_id %s is not a number or a numeric string", quote(string(v)))
	}
	return skuID(raw)
}

func skuID(s string) (int64, error) {
	id, ok := catalog.ParseID(s)
	if !ok {
		return 0, catalog.Errorf(catalog.EUNPROCESSABLE, "sku_id %s is not a whole number from 1 to %d", quote(s), catalog.MaxID)
	}
	return id, nil
}

// quote quotes what a client sent for an error message, cut short when long:
// the message stays readable, ASCII and bounded whatever was sent.
func quote(s string) string {
	const max = 40
	q := strconv.QuoteToASCII(s)
	if len(q) > max {
		return fmt.Sprintf("%s… (%d bytes)", q[:max], len(s))
	}
	return q
}

// errNoSKUID is the error of a cart addition that names no SKU.
var errNoSKUID = catalog.Errorf(catalog.EUNPROCESSABLE, "sku_id is missing")
