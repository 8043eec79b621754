// Package surrogate names the catalog's responses by surrogate keys, as an
// HTTP caching tier (Varnish's xkey, CDNs) purges by them, and tells such a
// tier what each new catalog changed.
package surrogate

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"catalog"
)

// The keys a catalog response names in its Surrogate-Key header: every
// response names All; a product's routes, and its 404s, name its
// ProductKey; a list page names List and the ProductKey of each product on
// it, or LongList instead when it holds more than MaxPageKeys, lest the
// header outgrow what proxies take (Varnish's 8 KB by default), and any
// change of a product purges LongList.
const (
	All         = "catalog"
	List        = "products"
	LongList    = "products-long"
	MaxPageKeys = 64
)

const productPrefix = "product-"

// Reviews is the key every review response names, and ReviewsKey(id) the
// key of one product's: its list pages and its meta.
const Reviews = "reviews"

const reviewsPrefix = "reviews-"

// ReviewsKey is the key of one product's review responses.
func ReviewsKey(id int64) string { return reviewsPrefix + strconv.FormatInt(id, 10) }

// ReviewKeys returns the Surrogate-Key of a product's review responses:
// they change with the product (a delta that deletes it) and with its
// reviews.
func ReviewKeys(id int64) string { return ProductKeys(id) + " " + Reviews + " " + ReviewsKey(id) }

// PurgeReviewKeys returns the keys of the review responses review
// changes changed: each changed product's; Reviews when one may have
// changed every product's (a whole load), or they do not start at seen,
// the last change purged for.
func PurgeReviewKeys(seen int64, h catalog.ReviewHistory) []string {
	return purgeChanged(seen, h, Reviews, func(c catalog.ReviewChange) []string {
		if c.QuestionID != 0 {
			return nil // a change of a question purges PurgeQAKeys
		}
		return []string{ReviewsKey(c.ProductID)}
	})
}

// purgeChanged returns the keys to purge for the review changes after
// seen: each change's keys (keysOf), sorted, once each; all when one may
// have changed every product's responses (a whole load), or when the
// changes do not start at seen.
func purgeChanged(seen int64, h catalog.ReviewHistory, all string, keysOf func(catalog.ReviewChange) []string) []string {
	if h.From > seen {
		return []string{all}
	}
	var keys []string
	for _, c := range h.Changes {
		switch {
		case c.Seq <= seen:
		case c.ProductID == catalog.AllProducts:
			return []string{all}
		default:
			keys = append(keys, keysOf(c)...)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// QA is the key every Q&A response names, QAKey(id) the key of one
// product's question lists, and AnswersKey(id) of one question's answer
// lists.
const QA = "qa"

const (
	qaPrefix      = "qa-"
	answersPrefix = "answers-"
)

// QAKey is the key of one product's question lists.
func QAKey(productID int64) string { return qaPrefix + strconv.FormatInt(productID, 10) }

// AnswersKey is the key of one question's answer lists.
func AnswersKey(questionID int64) string { return answersPrefix + strconv.FormatInt(questionID, 10) }

// QuestionKeys returns the Surrogate-Key of a product's question lists:
// they change with the product (a delta that deletes it) and with its
// questions and their answers.
func QuestionKeys(productID int64) string {
	return ProductKeys(productID) + " " + QA + " " + QAKey(productID)
}

// AnswerKeys returns the Surrogate-Key of a question's answer lists.
func AnswerKeys(questionID int64) string { return All + " " + QA + " " + AnswersKey(questionID) }

// PurgeQAKeys returns the keys of the Q&A responses review changes
// changed: for each change of a question or its answers, its product's
// question lists and its answer lists; QA when one may have changed every
// product's (a whole load), or they do not start at seen, the last change
// purged for. Changes of reviews purge none.
func PurgeQAKeys(seen int64, h catalog.ReviewHistory) []string {
	return purgeChanged(seen, h, QA, func(c catalog.ReviewChange) []string {
		if c.QuestionID == 0 {
			return nil
		}
		return []string{QAKey(c.ProductID), AnswersKey(c.QuestionID)}
	})
}

// ProductKey is the key of one product's responses.
func ProductKey(id int64) string { return productPrefix + strconv.FormatInt(id, 10) }

// ProductKeys returns the Surrogate-Key of a product's responses.
func ProductKeys(id int64) string { return All + " " + ProductKey(id) }

// ListKeys returns the Surrogate-Key of a list page: the ids of the items
// of its body, which wire.AppendProducts wrote. An item starts `{"id":`,
// which no JSON string holds unescaped.
func ListKeys(body []byte) string {
	var b strings.Builder
	b.WriteString(All + " " + List)
	const start = `{"id":`
	if bytes.Count(body, []byte(start)) > MaxPageKeys {
		return b.String() + " " + LongList
	}
	for {
		i := bytes.Index(body, []byte(start))
		if i < 0 {
			return b.String()
		}
		body = body[i+len(start):]
		n := 0
		for n < len(body) && body[n] >= '0' && body[n] <= '9' {
			n++
		}
		if n > 0 {
			b.WriteString(" " + productPrefix)
			b.Write(body[:n])
		}
	}
}

// PurgeKeys returns the keys of the responses a history changed: each
// changed product's, the long list pages' if any changed, and every list
// page's when positions shifted; All when the history does not start at
// seen, the last generation purged for.
func PurgeKeys(seen int64, h catalog.History) []string {
	if h.From > seen {
		return []string{All}
	}
	var keys []string
	shifted := false
	for _, c := range h.Changes {
		if c.Generation <= seen {
			continue
		}
		for _, p := range c.Products {
			keys = append(keys, ProductKey(p.ID))
		}
		shifted = shifted || c.ShiftFrom > 0
	}
	if shifted {
		keys = append(keys, List)
	} else if len(keys) > 0 {
		keys = append(keys, LongList)
	}
	return keys
}
