package wire

import (
	"math/bits"
	"strconv"
	"time"

	"catalog"
)

// The bodies of the Ratings & Reviews routes (CONTRACT-REVIEWS-QA.md).

// AppendReviews appends a page of a product's reviews, as GET /reviews
// answers it: the product id as a string, page as the page's row offset
// and count as the page size, both numbers, and each review with its
// photos as {id,url} and its date as its UTC day; never the reviewer's
// email.
func AppendReviews(b []byte, productID, offset, count int64, reviews []catalog.Review) []byte {
	b = append(b, `{"product":"`...)
	b = appendInt(b, productID)
	b = append(b, `","page":`...)
	b = appendInt(b, offset)
	b = append(b, `,"count":`...)
	b = appendInt(b, count)
	b = append(b, `,"results":[`...)
	for i := range reviews {
		r := &reviews[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"review_id":`...)
		b = appendInt(b, r.ID)
		b = append(b, `,"rating":`...)
		b = appendInt(b, r.Rating)
		b = append(b, `,"summary":`...)
		b = appendString(b, r.Summary)
		if r.Recommend {
			b = append(b, `,"recommend":true`...)
		} else {
			b = append(b, `,"recommend":false`...)
		}
		b = append(b, `,"response":`...)
		b = appendNullString(b, r.Response)
		b = append(b, `,"body":`...)
		b = appendString(b, r.Body)
		b = append(b, `,"date":`...)
		b = appendDay(b, r.Date)
		b = append(b, `,"reviewer_name":`...)
		b = appendString(b, r.ReviewerName)
		b = append(b, `,"helpfulness":`...)
		b = appendInt(b, r.Helpfulness)
		b = append(b, `,"photos":[`...)
		for j, p := range r.Photos {
			b = appendPhoto(b, j, p.ID, p.URL)
		}
		b = append(b, "]}"...)
	}
	return append(b, "]}"...)
}

// appendPhoto appends the i-th of a list of photos as the contract
// writes a review's and an answer's (in the answers route): {"id","url"}.
func appendPhoto(b []byte, i int, id int64, url string) []byte {
	if i > 0 {
		b = append(b, ',')
	}
	b = append(b, `{"id":`...)
	b = appendInt(b, id)
	b = append(b, `,"url":`...)
	b = appendString(b, url)
	return append(b, '}')
}

// appendDay appends the UTC calendar day of t, at midnight, as the
// contract writes every date of reviews and Q&A:
// "2020-07-30T00:00:00.000Z".
func appendDay(b []byte, t time.Time) []byte {
	y, m, d := t.UTC().Date()
	return appendTime(b, time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// ratingKeys are the keys of ratings, from 1 star to 5.
var ratingKeys = [5]string{`"1":"`, `"2":"`, `"3":"`, `"4":"`, `"5":"`}

// AppendReviewMeta appends the sums of a product's reviews, as GET
// /reviews/meta answers them: the product id and every count as strings,
// the keys of ratings ("1" to "5") and recommended ("false", "true") only
// for counts above zero, and characteristics keyed by name in the order
// given, each with its id and its mean vote (appendMean), null when none.
//
// A name two characteristics share (dirty data) is written once, with the
// first of them (the one of the lower id when they come in id order):
// duplicate keys are not JSON a client can rely on, and the first keeps
// the id votes were first posted with.
func AppendReviewMeta(b []byte, m catalog.ReviewMeta) []byte {
	b = append(b, `{"product_id":"`...)
	b = appendInt(b, m.ProductID)
	b = append(b, `","ratings":{`...)
	first := true
	for i, n := range m.Ratings {
		if n <= 0 {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, ratingKeys[i]...)
		b = appendInt(b, n)
		b = append(b, '"')
	}
	b = append(b, `},"recommended":{`...)
	if n := m.Recommended[0]; n > 0 {
		b = append(b, `"false":"`...)
		b = appendInt(b, n)
		b = append(b, '"')
	}
	if n := m.Recommended[1]; n > 0 {
		if m.Recommended[0] > 0 {
			b = append(b, ',')
		}
		b = append(b, `"true":"`...)
		b = appendInt(b, n)
		b = append(b, '"')
	}
	b = append(b, `},"characteristics":{`...)
	first = true
	for i := range m.Characteristics {
		c := &m.Characteristics[i]
		if nameTaken(m.Characteristics[:i], c.Name) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendString(b, c.Name)
		b = append(b, `:{"id":`...)
		b = appendInt(b, c.ID)
		b = append(b, `,"value":`...)
		if c.Votes > 0 {
			b = append(b, '"')
			b = appendMean(b, c.Sum, c.Votes)
			b = append(b, '"')
		} else {
			b = append(b, "null"...)
		}
		b = append(b, '}')
	}
	return append(b, "}}"...)
}

// nameTaken reports whether one of cs is named name. A product has a
// handful of characteristics: a scan costs less than a map.
func nameTaken(cs []catalog.CharacteristicMeta, name string) bool {
	for i := range cs {
		if cs[i].Name == name {
			return true
		}
	}
	return false
}

// meanScale is 10^16: a mean has 16 decimals.
const meanScale = 1e16

// appendMean appends sum/votes (votes > 0) with exactly 16 decimals,
// as PostgreSQL's AVG(integer)::text prints it: decimal arithmetic, the
// 16th decimal rounded half away from zero ("2.4687500000000000",
// "0.6666666666666667"). It is exact for any int64 sum and votes.
func appendMean(b []byte, sum, votes int64) []byte {
	neg := sum < 0
	// The magnitudes as unsigned: |math.MinInt64| fits in a uint64.
	s := uint64(sum)
	if neg {
		s = -s
	}
	v := uint64(votes)
	q, r := s/v, s%v
	// r*10^16 needs up to 128 bits; r < v, so the quotient fits in 64.
	hi, lo := bits.Mul64(r, meanScale)
	frac, rem := bits.Div64(hi, lo, v)
	if rem >= v-rem { // rem >= v/2, without overflow: half rounds up
		frac++
		if frac == meanScale {
			frac = 0
			q++
		}
	}
	if neg && (q != 0 || frac != 0) {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, q, 10)
	b = append(b, '.')
	// frac < 10^16: its 16 digits, leading zeros kept.
	var digits [16]byte
	for i := len(digits) - 1; i >= 0; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	return append(b, digits[:]...)
}
