package csv

import (
	"fmt"
	"strconv"
	"strings"

	"catalog"
)

// Table is one of the dataset's files: its name, its columns and the type of
// its rows.
type Table[T any] struct {
	// File is the file's name in a dataset directory.
	File string
	// Columns are the header's names, in the dataset's order.
	Columns []string
	// lead is how many leading columns are ids, by which a line is known to
	// start a record.
	lead   int
	parse  func(p *rowParser, f []field) (T, error)
	encode func(b []byte, row T) []byte
}

// The dataset's files.
var (
	Products = &Table[catalog.Product]{
		File:    "product.csv",
		Columns: []string{"id", "name", "slogan", "description", "category", "default_price"},
		lead:    1,
		parse:   parseProduct,
		encode:  appendProduct,
	}
	Features = &Table[catalog.Feature]{
		File:    "features.csv",
		Columns: []string{"id", "product_id", "feature", "value"},
		lead:    2,
		parse:   parseFeature,
		encode:  appendFeature,
	}
	Styles = &Table[catalog.Style]{
		File:    "styles.csv",
		Columns: []string{"id", "productId", "name", "sale_price", "original_price", "default_style"},
		lead:    2,
		parse:   parseStyle,
		encode:  appendStyle,
	}
	Photos = &Table[catalog.Photo]{
		File:    "photos.csv",
		Columns: []string{"id", "styleId", "url", "thumbnail_url"},
		lead:    2,
		parse:   parsePhoto,
		encode:  appendPhoto,
	}
	SKUs = &Table[catalog.SKU]{
		File:    "skus.csv",
		Columns: []string{"id", "styleId", "size", "quantity"},
		lead:    2,
		parse:   parseSKU,
		encode:  appendSKU,
	}
	Related = &Table[catalog.Related]{
		File:    "related.csv",
		Columns: []string{"id", "current_product_id", "related_product_id"},
		lead:    3,
		parse:   parseRelated,
		encode:  appendRelated,
	}
	CartLines = &Table[catalog.CartLine]{
		File:    "cart.csv",
		Columns: []string{"id", "user_session", "product_id", "active"},
		lead:    1,
		parse:   parseCartLine,
		encode:  appendCartLine,
	}
)

// The review files. A review's summary and body may be empty, and its
// reviewer's email missing, all read as ""; its reviewer's name may not.
// Its response is absent when the file writes the bare word null or
// nothing; "" and "null", quoted, are texts. Dates are epoch milliseconds,
// or ISO-like dates in the 2020 variant.
var (
	Reviews = &Table[catalog.Review]{
		File: "reviews.csv",
		Columns: []string{"id", "product_id", "rating", "date", "summary", "body", "recommend", "reported",
			"reviewer_name", "reviewer_email", "response", "helpfulness"},
		lead:   2,
		parse:  parseReview,
		encode: appendReview,
	}
	ReviewPhotos = &Table[catalog.ReviewPhoto]{
		File:    "reviews_photos.csv",
		Columns: []string{"id", "review_id", "url"},
		lead:    2,
		parse:   parseReviewPhoto,
		encode:  appendReviewPhoto,
	}
	Characteristics = &Table[catalog.Characteristic]{
		File:    "characteristics.csv",
		Columns: []string{"id", "product_id", "name"},
		lead:    2,
		parse:   parseCharacteristic,
		encode:  appendCharacteristic,
	}
	CharacteristicVotes = &Table[catalog.CharacteristicVote]{
		File:    "characteristic_reviews.csv",
		Columns: []string{"id", "characteristic_id", "review_id", "value"},
		lead:    3,
		parse:   parseCharacteristicVote,
		encode:  appendCharacteristicVote,
	}
)

// Header returns the file's header line, with its line end.
func (t *Table[T]) Header() string { return strings.Join(t.Columns, ",") + "\n" }

// Append appends a row to b as one line of the file, in the dataset's
// format: numbers bare, text quoted, missing values as bare null.
func (t *Table[T]) Append(b []byte, row T) []byte { return append(t.encode(b, row), '\n') }

// Parse turns a record's fields, in the file's column order, into a row. It
// is the rule the importer applies to every record.
func (t *Table[T]) Parse(fields []string, quoted []bool) (T, Repair, error) {
	f := make([]field, len(fields))
	for i, s := range fields {
		f[i] = field{s: s, quoted: i < len(quoted) && quoted[i]}
	}
	return t.parseFields(f)
}

func (t *Table[T]) parseFields(f []field) (T, Repair, error) {
	var p rowParser
	row, err := t.parse(&p, f)
	return row, p.repaired, err
}

// columnKey folds a header name for matching: "productId", "product_id" and
// " Product_ID" are the same column.
func columnKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer("_", "", " ", "").Replace(s)
}

// headerOf matches a file's first record against the table's columns. It
// returns where each column is in the record, and notes on what was off;
// isHeader is false when the record is data (the file has no header line).
func (t *Table[T]) headerOf(fields []string) (at []int, notes []string, isHeader bool, err error) {
	want := make(map[string]int, len(t.Columns))
	for i, c := range t.Columns {
		want[columnKey(c)] = i
	}
	at = make([]int, len(t.Columns))
	for i := range at {
		at[i] = -1
	}
	exact := len(fields) == len(t.Columns)
	var extra []string
	for i, name := range fields {
		k, ok := want[columnKey(name)]
		switch {
		case !ok:
			extra = append(extra, name)
		case at[k] >= 0:
			return nil, nil, true, fmt.Errorf("header names column %q twice", t.Columns[k])
		default:
			at[k] = i
		}
		if !ok || i >= len(t.Columns) || name != t.Columns[i] {
			exact = false
		}
	}
	var missing []string
	for k, i := range at {
		if i < 0 {
			missing = append(missing, t.Columns[k])
		}
	}
	if len(missing) > 0 {
		if len(fields) > 0 {
			if _, ok := catalog.ParseID(strings.TrimSpace(fields[0])); ok {
				for i := range at {
					at[i] = i
				}
				return at, []string{"no header line: line 1 is read as data, in the columns " + strings.Join(t.Columns, ",")}, false, nil
			}
		}
		return nil, nil, true, fmt.Errorf("header %q lacks the columns %s (want %s)", strings.Join(fields, ","), strings.Join(missing, ","), strings.Join(t.Columns, ","))
	}
	if !exact {
		notes = append(notes, fmt.Sprintf("header %q read as %s", strings.Join(fields, ","), strings.Join(t.Columns, ",")))
	}
	if len(extra) > 0 {
		notes = append(notes, fmt.Sprintf("columns %s are not used", strings.Join(extra, ",")))
	}
	return at, notes, true, nil
}

func parseProduct(p *rowParser, f []field) (catalog.Product, error) {
	var r catalog.Product
	var err error
	if r.ID, err = p.id("id", f[0]); err != nil {
		return r, err
	}
	if r.Name, err = p.text("name", f[1]); err != nil {
		return r, err
	}
	r.Slogan, r.Description, r.Category = p.nullText(f[2]), p.nullText(f[3]), p.nullText(f[4])
	r.DefaultPrice, err = p.price("default_price", f[5])
	return r, err
}

func parseFeature(p *rowParser, f []field) (catalog.Feature, error) {
	var r catalog.Feature
	var err error
	if r.ID, err = p.id("id", f[0]); err != nil {
		return r, err
	}
	if r.ProductID, err = p.id("product_id", f[1]); err != nil {
		return r, err
	}
	if r.Name, err = p.text("feature", f[2]); err != nil {
		return r, err
	}
	r.Value = p.nullText(f[3])
	return r, nil
}

func parseStyle(p *rowParser, f []field) (catalog.Style, error) {
	var r catalog.Style
	var err error
	if r.ID, err = p.id("id", f[0]); err != nil {
		return r, err
	}
	if r.ProductID, err = p.id("productId", f[1]); err != nil {
		return r, err
	}
	if r.Name, err = p.text("name", f[2]); err != nil {
		return r, err
	}
	if r.SalePrice, err = p.nullPrice("sale_price", f[3]); err != nil {
		return r, err
	}
	if r.OriginalPrice, err = p.price("original_price", f[4]); err != nil {
		return r, err
	}
	r.Default, err = p.flag("default_style", f[5])
	return r, err
}

func parsePhoto(p *rowParser, f []field) (catalog.Photo, error) {
	var r catalog.Photo
	var err error
	if r.ID, err = p.id("id", f[0]); err != nil {
		return r, err
	}
	if r.StyleID, err = p.id("styleId", f[1]); err != nil {
		return r, err
	}
	r.URL, r.ThumbnailURL = p.nullText(f[2]), p.nullText(f[3])
	return r, nil
}

func parseSKU(p *rowParser, f []field) (catalog.SKU, error) {
	var r catalog.SKU
	var err error
	if r.ID, err = p.id("id", f[0]); err != nil {
		return r, err
	}
	if r.StyleID, err = p.id("styleId", f[1]); err != nil {
		return r, err
	}
	if r.Size, err = p.text("size", f[2]); err != nil {
		return r, err
	}
	r.Quantity, err = p.quantity("quantity", f[3])
	return r, err
}

func parseRelated(p *rowParser, f []field) (catalog.Related, error) {
	var r catalog.Related
	var err error
	if r.ID, err = p.id("id", f[0]); err != nil {
		return r, err
	}
	if r.ProductID, err = p.id("current_product_id", f[1]); err != nil {
		return r, err
	}
	r.RelatedID, err = p.id("related_product_id", f[2])
	return r, err
}

func parseCartLine(p *rowParser, f []field) (catalog.CartLine, error) {
	var r catalog.CartLine
	var err error
	if r.ID, err = p.id("id", f[0]); err != nil {
		return r, err
	}
	r.Session = p.number(f[1])
	if !catalog.ValidSession(r.Session) {
		return r, fmt.Errorf("user_session %q is not a session name (1 to %d letters, digits, - or _)", f[1].s, catalog.MaxSessionLen)
	}
	if r.SKUID, err = p.id("product_id", f[2]); err != nil {
		return r, err
	}
	r.Active, err = p.flag("active", f[3])
	return r, err
}

func parseReview(p *rowParser, f []field) (catalog.Review, error) {
	var r catalog.Review
	var err error
	if r.ID, err = p.id("id", f[0]); err != nil {
		return r, err
	}
	if r.ProductID, err = p.id("product_id", f[1]); err != nil {
		return r, err
	}
	if r.Rating, err = p.stars("rating", f[2]); err != nil {
		return r, err
	}
	if r.Date, err = p.date("date", f[3]); err != nil {
		return r, err
	}
	r.Summary, r.Body = p.optionalText(f[4]), p.optionalText(f[5])
	if r.Recommend, err = p.boolean("recommend", f[6]); err != nil {
		return r, err
	}
	if r.Reported, err = p.boolean("reported", f[7]); err != nil {
		return r, err
	}
	if r.ReviewerName, err = p.requiredText("reviewer_name", f[8]); err != nil {
		return r, err
	}
	r.ReviewerEmail, r.Response = p.optionalText(f[9]), p.nullText(f[10])
	r.Helpfulness, err = p.quantity("helpfulness", f[11])
	return r, err
}

func parseReviewPhoto(p *rowParser, f []field) (catalog.ReviewPhoto, error) {
	var r catalog.ReviewPhoto
	var err error
	if r.ID, err = p.id("id", f[0]); err != nil {
		return r, err
	}
	if r.ReviewID, err = p.id("review_id", f[1]); err != nil {
		return r, err
	}
	r.URL, err = p.requiredText("url", f[2])
	return r, err
}

func parseCharacteristic(p *rowParser, f []field) (catalog.Characteristic, error) {
	var r catalog.Characteristic
	var err error
	if r.ID, err = p.id("id", f[0]); err != nil {
		return r, err
	}
	if r.ProductID, err = p.id("product_id", f[1]); err != nil {
		return r, err
	}
	r.Name, err = p.requiredText("name", f[2])
	return r, err
}

func parseCharacteristicVote(p *rowParser, f []field) (catalog.CharacteristicVote, error) {
	var r catalog.CharacteristicVote
	var err error
	if r.ID, err = p.id("id", f[0]); err != nil {
		return r, err
	}
	if r.CharacteristicID, err = p.id("characteristic_id", f[1]); err != nil {
		return r, err
	}
	if r.ReviewID, err = p.id("review_id", f[2]); err != nil {
		return r, err
	}
	r.Value, err = p.stars("value", f[3])
	return r, err
}

// Encoders: the dataset's own format.

func appendText(b []byte, s string) []byte {
	b = append(b, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(b, s[:i+1]...)
		b = append(b, '"')
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}

func appendNullText(b []byte, s catalog.Null[string]) []byte {
	if !s.Valid {
		return append(b, "null"...)
	}
	return appendText(b, s.V)
}

// AppendCents appends a price in the dataset's form: whole units bare
// ("140"), else two decimals ("140.50").
func AppendCents(b []byte, c catalog.Cents) []byte {
	b = strconv.AppendInt(b, int64(c)/100, 10)
	if frac := int64(c) % 100; frac != 0 {
		b = append(b, '.', byte('0'+frac/10), byte('0'+frac%10))
	}
	return b
}

func appendInts(b []byte, ns ...int64) []byte {
	for i, n := range ns {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, n, 10)
	}
	return b
}

func appendFlag(b []byte, v bool) []byte {
	if v {
		return append(b, '1')
	}
	return append(b, '0')
}

func appendProduct(b []byte, r catalog.Product) []byte {
	b = appendInts(b, r.ID)
	b = append(b, ',')
	b = appendText(b, r.Name)
	b = append(b, ',')
	b = appendNullText(b, r.Slogan)
	b = append(b, ',')
	b = appendNullText(b, r.Description)
	b = append(b, ',')
	b = appendNullText(b, r.Category)
	b = append(b, ',')
	return AppendCents(b, r.DefaultPrice)
}

func appendFeature(b []byte, r catalog.Feature) []byte {
	b = appendInts(b, r.ID, r.ProductID)
	b = append(b, ',')
	b = appendText(b, r.Name)
	b = append(b, ',')
	return appendNullText(b, r.Value)
}

func appendStyle(b []byte, r catalog.Style) []byte {
	b = appendInts(b, r.ID, r.ProductID)
	b = append(b, ',')
	b = appendText(b, r.Name)
	b = append(b, ',')
	if r.SalePrice.Valid {
		b = AppendCents(b, r.SalePrice.V)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, ',')
	b = AppendCents(b, r.OriginalPrice)
	b = append(b, ',')
	return appendFlag(b, r.Default)
}

func appendPhoto(b []byte, r catalog.Photo) []byte {
	b = appendInts(b, r.ID, r.StyleID)
	b = append(b, ',')
	b = appendNullText(b, r.URL)
	b = append(b, ',')
	return appendNullText(b, r.ThumbnailURL)
}

func appendSKU(b []byte, r catalog.SKU) []byte {
	b = appendInts(b, r.ID, r.StyleID)
	b = append(b, ',')
	b = appendText(b, r.Size)
	b = append(b, ',')
	return strconv.AppendInt(b, r.Quantity, 10)
}

func appendRelated(b []byte, r catalog.Related) []byte {
	return appendInts(b, r.ID, r.ProductID, r.RelatedID)
}

func appendCartLine(b []byte, r catalog.CartLine) []byte {
	b = appendInts(b, r.ID)
	b = append(b, ',')
	b = append(b, r.Session...)
	b = append(b, ',')
	b = appendInts(b, r.SKUID)
	b = append(b, ',')
	return appendFlag(b, r.Active)
}

func appendReview(b []byte, r catalog.Review) []byte {
	b = appendInts(b, r.ID, r.ProductID, r.Rating, r.Date.UnixMilli())
	for _, s := range []string{r.Summary, r.Body} {
		b = append(b, ',')
		b = appendText(b, s)
	}
	b = append(b, ',')
	b = strconv.AppendBool(b, r.Recommend)
	b = append(b, ',')
	b = strconv.AppendBool(b, r.Reported)
	for _, s := range []string{r.ReviewerName, r.ReviewerEmail} {
		b = append(b, ',')
		b = appendText(b, s)
	}
	b = append(b, ',')
	b = appendNullText(b, r.Response)
	b = append(b, ',')
	return strconv.AppendInt(b, r.Helpfulness, 10)
}

func appendReviewPhoto(b []byte, r catalog.ReviewPhoto) []byte {
	b = appendInts(b, r.ID, r.ReviewID)
	b = append(b, ',')
	return appendText(b, r.URL)
}

func appendCharacteristic(b []byte, r catalog.Characteristic) []byte {
	b = appendInts(b, r.ID, r.ProductID)
	b = append(b, ',')
	return appendText(b, r.Name)
}

func appendCharacteristicVote(b []byte, r catalog.CharacteristicVote) []byte {
	return appendInts(b, r.ID, r.CharacteristicID, r.ReviewID, r.Value)
}
