package generate

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"catalog"
	"catalog/csv"
)

// characteristicSets are the sets of characteristic names a product may be
// reviewed on, each with its weight.
type characteristicSets struct {
	weights []int
	sets    [][]string
}

func (c *characteristicSets) draw(r *rand.Rand) []string { return c.sets[pick(r, c.weights)] }

// Distributions tuned to the real files: 5.77 reviews per product, 0.475
// photos per review, ratings skewed high.
var (
	// manyReviews are the ranges [lo, hi) of the products with many
	// reviews, by weight: 119 reviews on average.
	manyReviews       = [][2]int{{30, 60}, {60, 120}, {120, 250}, {250, 500}}
	manyReviewWeights = []int{40, 30, 20, 10}
	// photosPerReview are weights in 1000 of 0 to 5 photos.
	photosPerReview = []int{800, 62, 55, 43, 25, 15}
	// ratingWeights are of 1 to 5 stars.
	ratingWeights = []int{7, 8, 15, 25, 45}
	// recommends is the share in 100 of the reviews of 1 to 5 stars that
	// recommend the product.
	recommends = [5]int{15, 30, 60, 85, 92}
	// sizeVotes are weights of the votes 1 to 5 on fit, length, size and
	// width, where 3 is "true to size".
	sizeVotes = []int{8, 20, 44, 20, 8}
	// moods are the moods of ratings 1 to 5 (index 0 unused).
	moods = [6]int{0, 0, 0, 1, 2, 2}
)

// The span of review dates, as in the real files.
var (
	firstReviewDate = time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	lastReviewDate  = time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
)

// drawReviews draws a product's number of reviews: 7% have none, 2% many
// (30 to 499), the rest one and then more with probability 0.7318 each:
// 5.77 on average.
func drawReviews(r *rand.Rand) int {
	switch x := r.IntN(1000); {
	case x < 70:
		return 0
	case x < 90:
		span := manyReviews[pick(r, manyReviewWeights)]
		return span[0] + r.IntN(span[1]-span[0])
	}
	n := 1
	for r.IntN(10000) < 7318 {
		n++
	}
	return n
}

// countReviews adds a product's review rows to c, drawing from the shape
// stream what renderReviews draws.
func countReviews(shape *rand.Rand, p productShape, c *Counts) {
	c.Characteristics += int64(len(p.characteristics))
	c.Reviews += int64(p.reviews)
	c.CharacteristicVotes += int64(p.reviews * len(p.characteristics))
	for range p.reviews {
		c.ReviewPhotos += int64(pick(shape, photosPerReview))
	}
}

// reviewState is what a chunk's reviews carry from one to the next.
type reviewState struct {
	body []byte // where bodies are built
	date int64  // the last review's, in epoch milliseconds
}

// renderReviews writes a product's characteristics, then its reviews, each
// followed by its photos and its votes on every characteristic.
func (g *generator) renderReviews(shape, r *rand.Rand, s *reviewState, bufs *[nfiles][]byte, at *Counts, product *catalog.Product, p productShape) {
	productID := product.ID
	cat := &categories[p.category]
	texts := &g.pools.texts[p.category][nounOf(cat, product.Name)]
	firstCharacteristic := at.Characteristics + 1
	for _, name := range p.characteristics {
		at.Characteristics++
		bufs[fileCharacteristics] = csv.Characteristics.Append(bufs[fileCharacteristics],
			catalog.Characteristic{ID: at.Characteristics, ProductID: productID, Name: name})
	}
	for range p.reviews {
		at.Reviews++
		review := g.pools.review(r, s, texts, at.Reviews, productID)
		bufs[fileReviews] = csv.Reviews.Append(bufs[fileReviews], review)
		g.renderReviewPhotos(r, bufs, at, pick(shape, photosPerReview))
		for i, name := range p.characteristics {
			at.CharacteristicVotes++
			bufs[fileVotes] = csv.CharacteristicVotes.Append(bufs[fileVotes], catalog.CharacteristicVote{
				ID: at.CharacteristicVotes, CharacteristicID: firstCharacteristic + int64(i), ReviewID: at.Reviews,
				Value: vote(r, name, review.Rating),
			})
		}
	}
}

// renderReviewPhotos writes n photos of the review at.Reviews.
func (g *generator) renderReviewPhotos(r *rand.Rand, bufs *[nfiles][]byte, at *Counts, n int) {
	first := at.ReviewPhotos + 1
	// A few reviews list their first two photos in reverse id order, as
	// the real file does.
	swap := n >= 2 && r.IntN(20) == 0
	for i := range int64(n) {
		id := first + i
		if swap && i < 2 {
			id = first + 1 - i
		}
		bufs[fileReviewPhotos] = csv.ReviewPhotos.Append(bufs[fileReviewPhotos], catalog.ReviewPhoto{
			ID: id, ReviewID: at.Reviews, URL: g.pools.reviewPhotos[r.IntN(len(g.pools.reviewPhotos))],
		})
	}
	at.ReviewPhotos += int64(n)
}

// vote draws a review's vote on a characteristic: comfort and quality
// follow the rating loosely, the others (fit, size, …) centre on 3.
func vote(r *rand.Rand, name string, rating int64) int64 {
	if name == "Quality" || name == "Comfort" {
		return min(5, max(1, rating+int64(r.IntN(3))-1))
	}
	return int64(1 + pick(r, sizeVotes))
}

// reviewPools are the review texts, made once from the seed.
type reviewPools struct {
	texts           [][]reviewTexts // by category, then noun
	verdicts        [3][]string     // by mood, for any product
	handles, emails []string
	reviewPhotos    []string
}

// reviewTexts are the texts of the reviews of the products named after one
// noun ("… Joggers").
type reviewTexts struct {
	summaries, sentences [3][]string // by mood
	remarks              []string
}

func newReviewPools(seed uint64) reviewPools {
	r := rand.New(rand.NewPCG(seed, 1<<62|1))
	var p reviewPools
	for mood, predicates := range verdictPredicates {
		for _, aspect := range aspects {
			for _, pred := range predicates {
				p.verdicts[mood] = append(p.verdicts[mood], aspect+" "+pred)
			}
		}
	}
	for _, c := range categories {
		var texts []reviewTexts
		for _, noun := range c.nouns {
			var t reviewTexts
			for mood := range 3 {
				t.summaries[mood] = fill(summaryTemplates[mood], noun)
				t.sentences[mood] = fill(bodyTemplates[mood], noun)
			}
			t.remarks = fill(remarks, noun)
			texts = append(texts, t)
		}
		p.texts = append(p.texts, texts)
	}
	for range 20000 {
		p.handles = append(p.handles, handle(r))
		p.emails = append(p.emails, oneOf(r, firstNames)+"."+oneOf(r, lastNames)+"@"+oneOf(r, emailDomains))
	}
	for range 2000 {
		p.reviewPhotos = append(p.reviewPhotos, unsplash(r)+"&w="+oneOf(r, reviewPhotoWidths)+"&q=80")
	}
	return p
}

// fill fills the templates with a noun, in lower case.
func fill(templates []string, noun string) []string {
	out := make([]string, len(templates))
	for i, t := range templates {
		if strings.Contains(t, "%s") {
			t = fmt.Sprintf(t, strings.ToLower(noun))
		}
		out[i] = t
	}
	return out
}

// nounOf returns the index of the noun a product's name ends with, in its
// category's nouns.
func nounOf(c *category, name string) int {
	for i, noun := range c.nouns {
		if strings.HasSuffix(name, " "+noun) {
			return i
		}
	}
	return 0
}

// handle draws a reviewer's name, a lower-case handle like the real ones
// ("shortandsweeet", "thinfootjim").
func handle(r *rand.Rand) string {
	h := oneOf(r, handleStarts) + oneOf(r, handleEnds)
	switch x := r.IntN(10); {
	case x < 2:
		h += oneOf(r, firstNames)
	case x < 5:
		h += strconv.Itoa(r.IntN(1000))
	}
	return h
}

func oneOf(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// review draws the review id of product productID, whose texts are t.
func (p *reviewPools) review(r *rand.Rand, s *reviewState, t *reviewTexts, id, productID int64) catalog.Review {
	rating := 1 + pick(r, ratingWeights)
	mood := moods[rating]
	v := catalog.Review{ID: id, ProductID: productID, Rating: int64(rating), Date: s.nextDate(r)}
	v.Summary = oneOf(r, t.summaries[mood])
	v.Body = p.body(r, s, t, mood)
	v.Recommend = r.IntN(100) < recommends[rating-1]
	v.Reported = r.IntN(1000) < 15
	v.ReviewerName, v.ReviewerEmail = oneOf(r, p.handles), oneOf(r, p.emails)
	if r.IntN(100) < 12 {
		v.Response = catalog.Some(oneOf(r, responses[mood]))
	}
	v.Helpfulness = helpfulness(r)
	return v
}

// nextDate draws a review's date; one review in 50 has the last one's, as
// some real reviews share theirs.
func (s *reviewState) nextDate(r *rand.Rand) time.Time {
	if s.date == 0 || r.IntN(50) != 0 {
		s.date = firstReviewDate + r.Int64N(lastReviewDate-firstReviewDate)
	}
	return time.UnixMilli(s.date)
}

// body draws a review's body: sentences of its mood and remarks, 50 to
// 1000 characters, most under 200; one in ten has double spaces between
// sentences, as some real ones do.
func (p *reviewPools) body(r *rand.Rand, s *reviewState, t *reviewTexts, mood int) string {
	var target int
	switch x := r.IntN(100); {
	case x < 55:
		target = 50 + r.IntN(150)
	case x < 88:
		target = 200 + r.IntN(300)
	default:
		target = 500 + r.IntN(501)
	}
	sep := " "
	if r.IntN(10) == 0 {
		sep = "  "
	}
	b := s.body[:0]
	for len(b) < target {
		var pool []string
		switch x := r.IntN(20); {
		case x < 5:
			pool = t.remarks
		case x < 12:
			pool = t.sentences[mood]
		default:
			pool = p.verdicts[mood]
		}
		sentence := oneOf(r, pool)
		if len(b)+len(sep)+len(sentence) > catalog.MaxReviewBody {
			break
		}
		if len(b) > 0 {
			b = append(b, sep...)
		}
		b = append(b, sentence...)
	}
	s.body = b
	return string(b)
}

// helpfulness draws how many shoppers found a review helpful: mostly a
// few, up to 30, and a few many more.
func helpfulness(r *rand.Rand) int64 {
	switch x := r.IntN(100); {
	case x < 30:
		return r.Int64N(3)
	case x < 70:
		return 2 + r.Int64N(6)
	case x < 97:
		return 5 + r.Int64N(26)
	}
	return 30 + r.Int64N(200)
}
