package catalog

import (
	"context"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Review is a shopper's review of a product. Photos is filled only when
// reviews are listed.
type Review struct {
	ID        int64
	ProductID int64
	// Rating is from 1 to 5 stars.
	Rating int64
	// Date is when the review was written; the API gives its UTC day.
	Date          time.Time
	Summary       string
	Body          string
	Recommend     bool
	Reported      bool
	ReviewerName  string
	ReviewerEmail string
	// Response is the seller's answer, if any.
	Response    Null[string]
	Helpfulness int64
	Photos      []ReviewPhoto
}

// ReviewPhoto is a photo a shopper attached to a review.
type ReviewPhoto struct {
	ID       int64
	ReviewID int64
	URL      string
}

// Characteristic is a property of a product that reviews vote on from 1 to
// 5 ("Fit", "Comfort"); a product has its own set.
type Characteristic struct {
	ID        int64
	ProductID int64
	Name      string
}

// CharacteristicVote is one review's vote on a characteristic of its
// product.
type CharacteristicVote struct {
	ID               int64
	CharacteristicID int64
	ReviewID         int64
	// Value is from 1 to 5.
	Value int64
}

// ReviewSort orders a product's reviews.
type ReviewSort uint8

// The orders of reviews. Every order ends with the review id, descending,
// so that pages never overlap.
const (
	// SortRelevant is helpfulness, then date, both descending.
	SortRelevant ReviewSort = iota
	// SortNewest is date, descending.
	SortNewest
	// SortHelpful is helpfulness, descending.
	SortHelpful
)

// ReviewQuery selects a page of a product's reviews.
type ReviewQuery struct {
	ProductID int64
	Page      Page
	Sort      ReviewSort
}

// ReviewMeta sums up the unreported reviews of a product.
type ReviewMeta struct {
	ProductID int64
	// Ratings counts the reviews of each rating: Ratings[0] has 1 star.
	Ratings [5]int64
	// Recommended counts the reviews that do not recommend the product
	// ([0]) and those that do ([1]).
	Recommended [2]int64
	// Characteristics are the product's characteristics, in id order.
	Characteristics []CharacteristicMeta
}

// CharacteristicMeta is a characteristic and the votes on it.
type CharacteristicMeta struct {
	ID   int64
	Name string
	// Votes counts the votes; Sum adds their values up.
	Votes, Sum int64
}

// NewReview is a review a shopper posts.
type NewReview struct {
	ProductID int64
	Rating    int64
	Summary   string
	Body      string
	Recommend bool
	Name      string
	Email     string
	// Photos are the photos' URLs.
	Photos []string
	// Votes are the review's votes on its product's characteristics, each
	// with its characteristic's id.
	Votes []Vote
}

// Vote is a posted review's vote on one characteristic.
type Vote struct {
	CharacteristicID int64
	Value            int64
}

// ReviewService keeps the reviews of products: it lists them, sums them up,
// and takes shoppers' writes.
type ReviewService interface {
	// Reviews returns a page of a product's unreported reviews, with their
	// photos in id order; a product without reviews, or none, has none.
	Reviews(ctx context.Context, q ReviewQuery) ([]Review, error)
	// ReviewMeta returns the sums of a product's unreported reviews, kept
	// by every write, so that reading them costs one lookup; a product
	// without reviews, or none, has zero counts.
	ReviewMeta(ctx context.Context, productID int64) (ReviewMeta, error)
	// PostReview adds a review, written at, with its photos and votes, in
	// one transaction, and returns its id. It fails with ENOTFOUND when
	// the product does not exist (ErrNoProduct), and EUNPROCESSABLE when a
	// vote is on a characteristic that is not the product's.
	PostReview(ctx context.Context, r NewReview, at time.Time) (int64, error)
	// MarkReviewHelpful adds one to a review's helpfulness; ReportReview
	// hides it from the list and the sums. Both fail with ENOTFOUND when
	// the review does not exist.
	MarkReviewHelpful(ctx context.Context, id int64) error
	ReportReview(ctx context.Context, id int64) error
}

// ReviewChange is a change of what shoppers wrote of one product,
// numbered in the order the store made them: a write of a shopper's, or a
// whole load, which may change every product's (ProductID AllProducts).
// A change of its questions names the question whose answers (or which
// itself) changed; a change of its reviews names none.
type ReviewChange struct {
	Seq        int64
	ProductID  int64
	QuestionID int64
}

// AllProducts is the product of a review change that may change every
// product's reviews: a whole load.
const AllProducts = 0

// ReviewHistory is the review changes after From up to To, in order. A
// store keeps a window of them, those after Start: what changed up to
// Start is not known, so everything may have.
type ReviewHistory struct {
	Start, From, To int64
	Changes         []ReviewChange
}

// ReviewLog tells what changed the products' reviews.
type ReviewLog interface {
	// ReviewChanges returns the review changes after after, up to the
	// last one. Its From is after, or the store's Start when the store's
	// window starts later.
	ReviewChanges(ctx context.Context, after int64) (ReviewHistory, error)
}

// ReviewWindow is how many review changes a store keeps: an instance
// further behind than that takes every review response as changed.
const ReviewWindow = 10_000

// Limits of a posted review: those of the storefront's review form, and
// some room for the photos' URLs.
const (
	MaxReviewSummary = 60
	MaxReviewBody    = 1000
	MaxReviewerName  = 60
	MaxReviewEmail   = 60
	MaxReviewPhotos  = 5
	MaxPhotoURL      = 2048
)

// Validate checks a review as a shopper posted it, before any store is
// asked: a rating and votes from 1 to 5, each characteristic voted on
// once, a body, a name and an email address, text within the review
// form's limits, and at most MaxReviewPhotos http(s) photo URLs. Whether
// the product and its characteristics exist is the store's to say.
func (r NewReview) Validate() error {
	switch {
	case r.ProductID < 1 || r.ProductID > MaxID:
		return Errorf(EINVALID, "product_id %d is not an id", r.ProductID)
	case r.Rating < 1 || r.Rating > 5:
		return Errorf(EINVALID, "rating %d is not from 1 to 5", r.Rating)
	case len(r.Photos) > MaxReviewPhotos:
		return Errorf(EINVALID, "%d photos: a review has at most %d", len(r.Photos), MaxReviewPhotos)
	}
	for _, t := range []struct {
		name, text string
		required   bool
		max        int
	}{
		{"summary", r.Summary, false, MaxReviewSummary},
		{"body", r.Body, true, MaxReviewBody},
		{"name", r.Name, true, MaxReviewerName},
		{"email", r.Email, true, MaxReviewEmail},
	} {
		if err := checkText(t.name, t.text, t.required, t.max); err != nil {
			return err
		}
	}
	if !validEmail(r.Email) {
		return Errorf(EINVALID, "email %q is not an email address", r.Email)
	}
	for _, u := range r.Photos {
		if !validPhotoURL(u) {
			return Errorf(EINVALID, "photo %q is not an http(s) URL of at most %d bytes", u, MaxPhotoURL)
		}
	}
	seen := make(map[int64]bool, len(r.Votes))
	for _, v := range r.Votes {
		switch {
		case v.CharacteristicID < 1 || v.CharacteristicID > MaxID:
			return Errorf(EINVALID, "characteristic %d is not an id", v.CharacteristicID)
		case v.Value < 1 || v.Value > 5:
			return Errorf(EINVALID, "the vote on characteristic %d, %d, is not from 1 to 5", v.CharacteristicID, v.Value)
		case seen[v.CharacteristicID]:
			return Errorf(EINVALID, "characteristic %d is voted on twice", v.CharacteristicID)
		}
		seen[v.CharacteristicID] = true
	}
	return nil
}

// checkText checks a text field: valid UTF-8, not blank when required, at
// most max characters.
func checkText(name, s string, required bool, max int) error {
	switch {
	case !utf8.ValidString(s):
		return Errorf(EINVALID, "%s is not UTF-8 text", name)
	case strings.ContainsRune(s, 0):
		return Errorf(EINVALID, "%s holds a NUL character", name) // PostgreSQL's text cannot
	case required && strings.TrimSpace(s) == "":
		return Errorf(EINVALID, "%s is missing", name)
	case utf8.RuneCountInString(s) > max:
		return Errorf(EINVALID, "%s has %d characters, more than %d", name, utf8.RuneCountInString(s), max)
	}
	return nil
}

// validEmail reports whether s looks like an email address: something, an
// @, and a domain with a dot, no spaces.
func validEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") &&
		!strings.HasSuffix(domain, ".") && !strings.ContainsAny(s, " \t\r\n") && !strings.Contains(domain, "@")
}

// validPhotoURL reports whether s is an absolute http or https URL with a
// host, of at most MaxPhotoURL bytes.
func validPhotoURL(s string) bool {
	if len(s) > MaxPhotoURL {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t\r\n")
}

// ErrNoReview is the error of a review that does not exist.
func ErrNoReview(id int64) error { return Errorf(ENOTFOUND, "review %d does not exist", id) }

// ErrNotProductCharacteristic is the error of a vote on a characteristic
// that is not the reviewed product's.
func ErrNotProductCharacteristic(characteristicID, productID int64) error {
	return Errorf(EUNPROCESSABLE, "characteristic %d is not one of product %d's", characteristicID, productID)
}

// ErrUnfitWrites is the error of a whole load whose dataset cannot take
// what shoppers wrote through the API: n reviews, the first of them ids.
func ErrUnfitWrites(n int64, ids []int64) error {
	return Errorf(EUNPROCESSABLE, "the new dataset cannot take %d reviews shoppers wrote through the API (reviews %v): "+
		"it has reviews of the ids of those posted, or lacks their products or characteristics, or the reviews marked helpful or reported. "+
		"If the dataset was exported from this store with them, load it with --drop-writes; the catalog being served stays", n, ids)
}
