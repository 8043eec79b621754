package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

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

// readBody reads a request's body of at most limit bytes. When it cannot,
// it answers (413 over the limit) and returns false.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		writeError(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is over %d bytes", limit))
		return nil, false
	}
	if err != nil {
		s.Error(w, r, catalog.Errorf(catalog.EINVALID, "the body could not be read"))
		return nil, false
	}
	return body, true
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

// Limits of the review routes.
const (
	// MaxReviewCount is the most reviews a page of GET /reviews holds.
	// Storefronts page through every review with count=1000; a larger
	// count (some send 100000) is served as MaxReviewCount, not refused:
	// a page a storefront can draw serves it better than an error.
	MaxReviewCount = 1000
	// MaxReviewBodyBytes bounds a POST /reviews body: the longest review
	// the form allows, every character escaped as \uXXXX, and
	// catalog.MaxReviewPhotos URLs of catalog.MaxPhotoURL bytes take
	// about 25 KiB.
	MaxReviewBodyBytes = 64 << 10
)

// parseReviewQuery parses the query of GET /reviews: product_id, which is
// required; page and count, as for products, but a count over
// MaxReviewCount is served as it; and sort, one of relevant (the
// default), newest and helpful, also in single or double quotes
// (sort='helpful'), as some clients send it. Other parameters are ignored.
func parseReviewQuery(rawQuery string) (catalog.ReviewQuery, error) {
	q := catalog.ReviewQuery{Page: catalog.Page{Number: DefaultPage, Size: DefaultCount}, Sort: catalog.SortRelevant}
	v, err := url.ParseQuery(rawQuery)
	if err != nil {
		return q, catalog.Errorf(catalog.EINVALID, "the query string is malformed: %v", err)
	}
	if q.ProductID, err = queryProductID(v); err != nil {
		return q, err
	}
	if q.Page, err = queryPage(v, MaxReviewCount); err != nil {
		return q, err
	}
	if s, ok := v["sort"]; ok {
		sort, ok := parseReviewSort(s[0])
		if !ok {
			return q, catalog.Errorf(catalog.EINVALID, "sort %s is not relevant, newest or helpful", quote(s[0]))
		}
		q.Sort = sort
	}
	return q, nil
}

// queryPage parses a query's page and count, as GET /reviews and the Q&A
// lists take them: whole numbers from 1 of any size, 1 and 5 when not
// given; a page past MaxPage is served as it, and a count past maxCount
// as maxCount.
func queryPage(v url.Values, maxCount int64) (catalog.Page, error) {
	page := catalog.Page{Number: DefaultPage, Size: DefaultCount}
	if p, ok := v["page"]; ok {
		n, ok := parsePageNumber(p[0])
		if !ok {
			return page, catalog.Errorf(catalog.EINVALID, "page %s is not a positive whole number", quote(p[0]))
		}
		page.Number = n
	}
	if c, ok := v["count"]; ok {
		n, ok := parsePageNumber(c[0])
		if !ok {
			return page, catalog.Errorf(catalog.EINVALID, "count %s is not a positive whole number", quote(c[0]))
		}
		page.Size = min(n, maxCount)
	}
	return page, nil
}

// reviewSorts are the values of GET /reviews's sort.
var reviewSorts = map[string]catalog.ReviewSort{
	"relevant": catalog.SortRelevant,
	"newest":   catalog.SortNewest,
	"helpful":  catalog.SortHelpful,
}

// parseReviewSort parses a sort, bare or in matching single or double
// quotes.
func parseReviewSort(s string) (catalog.ReviewSort, bool) {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		s = s[1 : len(s)-1]
	}
	sort, ok := reviewSorts[s]
	return sort, ok
}

// parseReviewMetaQuery parses the query of GET /reviews/meta: its
// product_id.
func parseReviewMetaQuery(rawQuery string) (int64, error) {
	v, err := url.ParseQuery(rawQuery)
	if err != nil {
		return 0, catalog.Errorf(catalog.EINVALID, "the query string is malformed: %v", err)
	}
	return queryProductID(v)
}

// queryProductID parses a query's required product_id.
func queryProductID(v url.Values) (int64, error) {
	p, ok := v["product_id"]
	if !ok {
		return 0, catalog.Errorf(catalog.EINVALID, "product_id is missing: ask for ?product_id=N")
	}
	id, ok := catalog.ParseID(p[0])
	if !ok {
		return 0, catalog.Errorf(catalog.EINVALID, "product_id %s is not a whole number from 1 to %d", quote(p[0]), catalog.MaxID)
	}
	return id, nil
}

// parseReviewID parses a path's review id.
func parseReviewID(s string) (int64, error) { return parsePathID("review", s) }

// parsePathID parses a path's id of a thing (a "review").
func parsePathID(thing, s string) (int64, error) {
	id, ok := catalog.ParseID(s)
	if !ok {
		return 0, catalog.Errorf(catalog.EINVALID, "%s id %s is not a whole number from 1 to %d", thing, quote(s), catalog.MaxID)
	}
	return id, nil
}

// parseNewReview parses the body of POST /reviews, a JSON object whatever
// the Content-Type says: product_id, rating and the characteristics'
// votes are whole numbers, summary, body, name and email strings,
// recommend a boolean, photos an array of strings, characteristics an
// object of characteristic ids to votes. As an HTML form's fields would
// give them, a whole number may come as a string of digits ("40344") and
// recommend as "true" or "false". Other fields are ignored; a text field
// that is null, or photos or characteristics that are null or missing,
// are empty. Every error is EUNPROCESSABLE; one of product_id is a
// productIDError. Whether the review is valid is Validate's to say.
func parseNewReview(body []byte) (catalog.NewReview, error) {
	var r catalog.NewReview
	fields, err := jsonObject(body)
	if err != nil {
		return r, err
	}
	raw, ok := fields["product_id"]
	if !ok {
		return r, productIDError{catalog.Errorf(catalog.EUNPROCESSABLE, "product_id is missing")}
	}
	if r.ProductID, ok = jsonInt(raw); !ok || r.ProductID < 1 || r.ProductID > catalog.MaxID {
		return r, productIDError{catalog.Errorf(catalog.EUNPROCESSABLE, "product_id %s is not a whole number from 1 to %d", quote(string(raw)), catalog.MaxID)}
	}
	if raw, ok = fields["rating"]; !ok {
		return r, catalog.Errorf(catalog.EUNPROCESSABLE, "rating is missing")
	}
	if r.Rating, ok = jsonInt(raw); !ok {
		return r, catalog.Errorf(catalog.EUNPROCESSABLE, "rating %s is not a whole number", quote(string(raw)))
	}
	if raw, ok = fields["recommend"]; !ok {
		return r, catalog.Errorf(catalog.EUNPROCESSABLE, "recommend is missing")
	}
	if r.Recommend, ok = jsonBool(raw); !ok {
		return r, catalog.Errorf(catalog.EUNPROCESSABLE, "recommend %s is not true or false", quote(string(raw)))
	}
	if err := readTexts(fields, textField{"summary", &r.Summary}, textField{"body", &r.Body},
		textField{"name", &r.Name}, textField{"email", &r.Email}); err != nil {
		return r, err
	}
	if r.Photos, err = parsePhotos(fields["photos"], catalog.MaxReviewPhotos, "a review"); err != nil {
		return r, err
	}
	if r.Votes, err = parseVotes(fields["characteristics"]); err != nil {
		return r, err
	}
	return r, nil
}

// jsonObject reads a posted body that is one JSON object, whatever the
// Content-Type says, into its fields. Its errors are EUNPROCESSABLE.
func jsonObject(body []byte) (map[string]json.RawMessage, error) {
	if !utf8.Valid(body) {
		return nil, catalog.Errorf(catalog.EUNPROCESSABLE, "the body is not UTF-8")
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return nil, catalog.Errorf(catalog.EUNPROCESSABLE, "the body is not a JSON object")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, catalog.Errorf(catalog.EUNPROCESSABLE, "the body has more after its JSON object")
	}
	return fields, nil
}

// textField is a text field of a posted body, and where its value goes.
type textField struct {
	name string
	to   *string
}

// readTexts reads text fields of a posted body: one that is missing or
// null is empty; one that is not a string is an EUNPROCESSABLE error.
func readTexts(fields map[string]json.RawMessage, texts ...textField) error {
	for _, f := range texts {
		raw, ok := fields[f.name]
		if !ok {
			continue
		}
		if *f.to, ok = jsonString(raw); !ok {
			return catalog.Errorf(catalog.EUNPROCESSABLE, "%s %s is not a string", f.name, quote(string(raw)))
		}
	}
	return nil
}

// parsePhotos parses a posted review's or answer's photos (what, "a
// review"), at most most of them: an array of strings, or null or nothing
// for none.
func parsePhotos(raw json.RawMessage, most int, what string) ([]string, error) {
	if raw == nil || string(raw) == "null" {
		return nil, nil
	}
	var items []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		return nil, catalog.Errorf(catalog.EUNPROCESSABLE, "photos %s is not an array of URLs", quote(string(raw)))
	}
	if len(items) > most {
		// Validate says so too; this spares decoding them.
		return nil, catalog.Errorf(catalog.EUNPROCESSABLE, "%d photos: %s has at most %d", len(items), what, most)
	}
	photos := make([]string, 0, len(items))
	for _, it := range items {
		u, ok := jsonString(it)
		if !ok || it[0] != '"' {
			return nil, catalog.Errorf(catalog.EUNPROCESSABLE, "photo %s is not a string", quote(string(it)))
		}
		photos = append(photos, u)
	}
	return photos, nil
}

// parseVotes parses a posted review's characteristics, an object of
// characteristic ids to votes ({"14":5}), or null or nothing for none,
// into votes in the object's order.
func parseVotes(raw json.RawMessage) ([]catalog.Vote, error) {
	if raw == nil || string(raw) == "null" {
		return nil, nil
	}
	bad := catalog.Errorf(catalog.EUNPROCESSABLE, "characteristics %s is not an object of characteristic ids to votes", quote(string(raw)))
	if raw[0] != '{' {
		return nil, bad
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, bad
	}
	var votes []catalog.Vote
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bad
		}
		key, _ := tok.(string) // an object's key is always a string
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, bad
		}
		id, ok := catalog.ParseID(key)
		if !ok {
			return nil, catalog.Errorf(catalog.EUNPROCESSABLE, "characteristic id %s is not a whole number from 1 to %d", quote(key), catalog.MaxID)
		}
		v, ok := jsonInt(value)
		if !ok {
			return nil, catalog.Errorf(catalog.EUNPROCESSABLE, "the vote on characteristic %d, %s, is not a whole number", id, quote(string(value)))
		}
		votes = append(votes, catalog.Vote{CharacteristicID: id, Value: v})
	}
	return votes, nil
}

// jsonInt reads a JSON value that is a whole number, as a number (5, not
// 5.0 or 5e0) or a string of one ("5"), with an optional minus sign.
func jsonInt(raw json.RawMessage) (int64, bool) {
	s := string(raw)
	if len(s) > 0 && s[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, false
		}
	}
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// jsonBool reads a JSON value that is true or false, or a string of one
// of them.
func jsonBool(raw json.RawMessage) (bool, bool) {
	switch string(raw) {
	case "true", `"true"`:
		return true, true
	case "false", `"false"`:
		return false, true
	}
	return false, false
}

// jsonString reads a JSON value that is a string; null is the empty one.
func jsonString(raw json.RawMessage) (string, bool) {
	if string(raw) == "null" {
		return "", true
	}
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// Limits of the Q&A routes.
const (
	// MaxQuestionCount is the most questions a page of GET /qa/questions
	// holds, each with every answer. Storefronts ask for count=1000000000
	// to have all of a product's questions (a few each: 3.5 million over a
	// million products); a larger count is served as MaxQuestionCount, not
	// refused, as for reviews.
	MaxQuestionCount = 1000
	// MaxAnswerCount is the most answers a page of GET
	// /qa/questions/{question_id}/answers holds; a larger count is served
	// as it.
	MaxAnswerCount = 1000
	// MaxGivenLen is the longest page or count GET
	// /qa/questions/{question_id}/answers takes (20 digits hold any
	// 64-bit number): its body echoes them as given, so they name the
	// response in caches, which a longer text would only fill.
	MaxGivenLen = 20
	// MaxQABodyBytes bounds a POST of a question or an answer, as
	// MaxReviewBodyBytes a review's: the longest the forms allow, every
	// character escaped as \uXXXX, and catalog.MaxAnswerPhoto URLs of
	// catalog.MaxPhotoURL bytes take about 25 KiB.
	MaxQABodyBytes = 64 << 10
	// MaxInteractionBodyBytes bounds a POST /interactions body: three
	// fields of catalog.MaxInteractionField characters, each escaped as a
	// surrogate pair (12 bytes), take about 7 KiB.
	MaxInteractionBodyBytes = 8 << 10
)

// parseQuestionQuery parses the query of GET /qa/questions: product_id,
// which is required, and page and count as for reviews, a count over
// MaxQuestionCount served as it. Other parameters are ignored.
func parseQuestionQuery(rawQuery string) (catalog.QuestionQuery, error) {
	var q catalog.QuestionQuery
	v, err := url.ParseQuery(rawQuery)
	if err != nil {
		return q, catalog.Errorf(catalog.EINVALID, "the query string is malformed: %v", err)
	}
	if q.ProductID, err = queryProductID(v); err != nil {
		return q, err
	}
	q.Page, err = queryPage(v, MaxQuestionCount)
	return q, err
}

// answerQuery is what GET /qa/questions/{question_id}/answers asks for:
// a page of a question's answers, and its page and count as the query
// gave them, which the body echoes; empty when not given.
type answerQuery struct {
	catalog.AnswerQuery
	givenPage, givenCount string
}

// parseAnswerQuery parses the question id of GET
// /qa/questions/{question_id}/answers and its query: page and count as
// for reviews, a count over MaxAnswerCount served as it, each of at most
// MaxGivenLen characters. Other parameters are ignored.
func parseAnswerQuery(questionID, rawQuery string) (answerQuery, error) {
	var q answerQuery
	var err error
	if q.QuestionID, err = parseQuestionID(questionID); err != nil {
		return q, err
	}
	v, err := url.ParseQuery(rawQuery)
	if err != nil {
		return q, catalog.Errorf(catalog.EINVALID, "the query string is malformed: %v", err)
	}
	for _, p := range []textField{{"page", &q.givenPage}, {"count", &q.givenCount}} {
		if given, ok := v[p.name]; ok {
			if len(given[0]) > MaxGivenLen {
				return q, catalog.Errorf(catalog.EINVALID, "%s %s is longer than %d digits", p.name, quote(given[0]), MaxGivenLen)
			}
			*p.to = given[0]
		}
	}
	q.Page, err = queryPage(v, MaxAnswerCount)
	return q, err
}

// parseQuestionID parses a path's question id.
func parseQuestionID(s string) (int64, error) { return parsePathID("question", s) }

// parseAnswerID parses a path's answer id.
func parseAnswerID(s string) (int64, error) { return parsePathID("answer", s) }

// parseNewQuestion parses the body of POST /qa/questions, a JSON object
// whatever the Content-Type says: product_id a whole number, or a string
// of digits as a form's field gives it; body, name and email strings.
// Other fields are ignored; a text field that is null is empty. Every
// error is EUNPROCESSABLE. Whether the question is valid is Validate's to
// say.
func parseNewQuestion(body []byte) (catalog.NewQuestion, error) {
	var q catalog.NewQuestion
	fields, err := jsonObject(body)
	if err != nil {
		return q, err
	}
	raw, ok := fields["product_id"]
	if !ok {
		return q, catalog.Errorf(catalog.EUNPROCESSABLE, "product_id is missing")
	}
	if q.ProductID, ok = jsonInt(raw); !ok || q.ProductID < 1 || q.ProductID > catalog.MaxID {
		return q, catalog.Errorf(catalog.EUNPROCESSABLE, "product_id %s is not a whole number from 1 to %d", quote(string(raw)), catalog.MaxID)
	}
	err = readTexts(fields, textField{"body", &q.Body}, textField{"name", &q.Name}, textField{"email", &q.Email})
	return q, err
}

// parseNewAnswer parses a POST /qa/questions/{question_id}/answers: the
// path's question id, and the body, a JSON object whatever the
// Content-Type says: body, name and email strings, and photos an array of
// strings, null or nothing for none. Other fields are ignored; a text
// field that is null is empty. Every error is EUNPROCESSABLE, as the
// contract answers a post naming no question. Whether the answer is valid
// is Validate's to say.
func parseNewAnswer(questionID string, body []byte) (catalog.NewAnswer, error) {
	var a catalog.NewAnswer
	id, ok := catalog.ParseID(questionID)
	if !ok {
		return a, catalog.Errorf(catalog.EUNPROCESSABLE, "question id %s is not a whole number from 1 to %d", quote(questionID), catalog.MaxID)
	}
	a.QuestionID = id
	fields, err := jsonObject(body)
	if err != nil {
		return a, err
	}
	if err := readTexts(fields, textField{"body", &a.Body}, textField{"name", &a.Name}, textField{"email", &a.Email}); err != nil {
		return a, err
	}
	a.Photos, err = parsePhotos(fields["photos"], catalog.MaxAnswerPhoto, "an answer")
	return a, err
}

// parseInteraction parses the body of POST /interactions, a JSON object
// whatever the Content-Type says: element, widget and time, strings (time
// is not parsed). Other fields are ignored; a field that is null is
// empty. Every error is EUNPROCESSABLE; that each field is there is
// Validate's to say. At is left for the handler to set.
func parseInteraction(body []byte) (catalog.Interaction, error) {
	var i catalog.Interaction
	fields, err := jsonObject(body)
	if err != nil {
		return i, err
	}
	err = readTexts(fields, textField{"element", &i.Element}, textField{"widget", &i.Widget}, textField{"time", &i.Time})
	return i, err
}
