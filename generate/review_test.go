package generate_test

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"catalog"
	"catalog/csv"
	"catalog/generate"
	"catalog/storetest"
)

// The real dataset's rows per product.
const realProducts = 1_000_011

var realCounts = generate.Counts{
	Reviews: 5_774_952, ReviewPhotos: 2_742_540, Characteristics: 3_347_679, CharacteristicVotes: 19_327_575,
}

// load generates n products and imports them, failing on any reject or on
// counts that disagree with the files.
func load(t *testing.T, n int, seed uint64) *storetest.Recorded {
	t.Helper()
	dir, counts := write(t, generate.Options{Products: n, Seed: seed})
	var l storetest.Recorder
	var rejects bytes.Buffer
	rep, err := csv.Import(context.Background(), dir, &l, csv.Options{Rejects: &rejects})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rejected() != 0 {
		t.Fatalf("generated rows rejected:\n%.2000s", rejects.String())
	}
	for _, f := range rep.Files {
		if (f.Absent && f.File != csv.CartLines.File) || len(f.Notes) > 0 || f.Repaired > 0 {
			t.Errorf("%s: absent %v, notes %q, %d repaired; want none", f.File, f.Absent, f.Notes, f.Repaired)
		}
	}
	m := l.Live
	got := generate.Counts{Products: int64(len(m.Products)), Features: int64(len(m.Features)), Styles: int64(len(m.Styles)),
		Photos: int64(len(m.Photos)), SKUs: int64(len(m.SKUs)), Related: int64(len(m.Related)),
		Reviews: int64(len(m.Reviews)), ReviewPhotos: int64(len(m.ReviewPhotos)),
		Characteristics: int64(len(m.Characteristics)), CharacteristicVotes: int64(len(m.CharacteristicVotes)),
		Questions: int64(len(m.Questions)), Answers: int64(len(m.Answers)), AnswerPhotos: int64(len(m.AnswerPhotos))}
	if got != counts {
		t.Fatalf("counts %+v, the files have %+v", counts, got)
	}
	return m
}

// contiguous fails unless ids, in file order, are 1 to len(ids) in some
// order.
func contiguous(t *testing.T, file string, ids []int64) {
	t.Helper()
	seen := make([]bool, len(ids)+1)
	for _, id := range ids {
		if id < 1 || id > int64(len(ids)) || seen[id] {
			t.Fatalf("%s: id %d is a duplicate or out of 1..%d", file, id, len(ids))
		}
		seen[id] = true
	}
}

func idsOf[T any](rows []T, id func(T) int64) []int64 {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = id(r)
	}
	return ids
}

// grouped fails unless keys never decrease: the file's rows are grouped by
// their parent, in order.
func grouped(t *testing.T, file string, keys []int64) {
	t.Helper()
	if !slices.IsSorted(keys) {
		t.Errorf("%s: rows are not grouped by parent in order", file)
	}
}

// TestWrite_Reviews: the review files import without a reject, their ids
// are contiguous, their references hold, and they have the real shapes.
func TestWrite_Reviews(t *testing.T) {
	const n = 20000
	m := load(t, n, 1)
	contiguous(t, "reviews.csv", idsOf(m.Reviews, func(r catalog.Review) int64 { return r.ID }))
	contiguous(t, "reviews_photos.csv", idsOf(m.ReviewPhotos, func(r catalog.ReviewPhoto) int64 { return r.ID }))
	contiguous(t, "characteristics.csv", idsOf(m.Characteristics, func(r catalog.Characteristic) int64 { return r.ID }))
	contiguous(t, "characteristic_reviews.csv", idsOf(m.CharacteristicVotes, func(r catalog.CharacteristicVote) int64 { return r.ID }))
	grouped(t, "reviews.csv", idsOf(m.Reviews, func(r catalog.Review) int64 { return r.ProductID }))
	grouped(t, "reviews_photos.csv", idsOf(m.ReviewPhotos, func(r catalog.ReviewPhoto) int64 { return r.ReviewID }))
	grouped(t, "characteristics.csv", idsOf(m.Characteristics, func(r catalog.Characteristic) int64 { return r.ProductID }))
	grouped(t, "characteristic_reviews.csv", idsOf(m.CharacteristicVotes, func(r catalog.CharacteristicVote) int64 { return r.ReviewID }))

	t.Run("References", func(t *testing.T) { checkReferences(t, m) })
	t.Run("Shape", func(t *testing.T) { checkReviewShape(t, m, n) })
	t.Run("Text", func(t *testing.T) { checkReviewText(t, m) })
	t.Run("Characteristics", func(t *testing.T) { checkCharacteristics(t, m) })
}

// checkReferences: every review votes once on each characteristic of its
// product and on no other.
func checkReferences(t *testing.T, m *storetest.Recorded) {
	charProduct := map[int64]int64{}
	charsOf := map[int64]int{}
	for _, c := range m.Characteristics {
		charProduct[c.ID] = c.ProductID
		charsOf[c.ProductID]++
	}
	reviewProduct := map[int64]int64{}
	for _, r := range m.Reviews {
		if r.ProductID < 1 || r.ProductID > int64(len(m.Products)) {
			t.Fatalf("review %d: product %d does not exist", r.ID, r.ProductID)
		}
		reviewProduct[r.ID] = r.ProductID
	}
	votes := map[int64]int{}
	for _, v := range m.CharacteristicVotes {
		if charProduct[v.CharacteristicID] != reviewProduct[v.ReviewID] {
			t.Fatalf("vote %d: characteristic %d is product %d's, review %d product %d's",
				v.ID, v.CharacteristicID, charProduct[v.CharacteristicID], v.ReviewID, reviewProduct[v.ReviewID])
		}
		votes[v.ReviewID]++
	}
	for _, r := range m.Reviews {
		if votes[r.ID] != charsOf[r.ProductID] {
			t.Fatalf("review %d has %d votes, its product %d characteristics", r.ID, votes[r.ID], charsOf[r.ProductID])
		}
	}
	for _, p := range m.ReviewPhotos {
		if _, ok := reviewProduct[p.ReviewID]; !ok {
			t.Fatalf("photo %d: review %d does not exist", p.ID, p.ReviewID)
		}
	}
	if charsOf[0] != 0 || len(charsOf) != len(m.Products) {
		t.Errorf("%d of %d products have characteristics, want all", len(charsOf), len(m.Products))
	}
}

func checkReviewShape(t *testing.T, m *storetest.Recorded, n int) {
	reviews := float64(len(m.Reviews))
	per := func(k int, of float64) float64 { return float64(k) / of }
	for _, tc := range []struct {
		what      string
		got, want float64
		tolerance float64
	}{
		{"reviews per product", per(len(m.Reviews), float64(n)), 5.775, 0.5},
		{"characteristics per product", per(len(m.Characteristics), float64(n)), 3.348, 0.06},
		{"votes per review", per(len(m.CharacteristicVotes), reviews), 3.347, 0.08},
		{"photos per review", per(len(m.ReviewPhotos), reviews), 0.475, 0.03},
	} {
		t.Logf("%s = %.3f", tc.what, tc.got)
		if math.Abs(tc.got-tc.want) > tc.tolerance {
			t.Errorf("%s = %.3f, want %.3f±%.2f", tc.what, tc.got, tc.want, tc.tolerance)
		}
	}
	var ratings [6]int
	var recommends [6]int
	reported, responses, helpful := 0, 0, 0
	reviewsOf := map[int64]int{}
	for _, r := range m.Reviews {
		ratings[r.Rating]++
		if r.Recommend {
			recommends[r.Rating]++
		}
		if r.Reported {
			reported++
		}
		if r.Response.Valid {
			responses++
		}
		if r.Helpfulness > 30 {
			helpful++
		}
		reviewsOf[r.ProductID]++
	}
	if !(ratings[5] > ratings[4] && ratings[4] > ratings[3] && ratings[3] > ratings[2] && ratings[3] > ratings[1]) {
		t.Errorf("ratings 1 to 5: %v, want skewed high", ratings[1:])
	}
	if r := per(ratings[5], reviews); r < 0.4 || r > 0.5 {
		t.Errorf("%.3f of reviews have 5 stars, want about 0.45", r)
	}
	if a, b := per(recommends[5], float64(ratings[5])), per(recommends[1], float64(ratings[1])); a < 0.8 || b > 0.3 {
		t.Errorf("%.2f of 5-star and %.2f of 1-star reviews recommend, want most and few", a, b)
	}
	if r := per(reported, reviews); r < 0.005 || r > 0.03 {
		t.Errorf("%.4f of reviews are reported, want 1-2%%", r)
	}
	if r := per(responses, reviews); r < 0.08 || r > 0.16 {
		t.Errorf("%.3f of reviews have a response, want 10-15%%", r)
	}
	if r := per(helpful, reviews); r < 0.01 || r > 0.06 {
		t.Errorf("%.3f of reviews have a helpfulness over 30, want a few", r)
	}
	most := 0
	for _, k := range reviewsOf {
		most = max(most, k)
	}
	if r := per(n-len(reviewsOf), float64(n)); r < 0.04 || r > 0.1 || most < 200 {
		t.Errorf("%.3f of products have no reviews, the most reviewed %d; want a few and hundreds", r, most)
	}
}

func checkReviewText(t *testing.T, m *storetest.Recorded) {
	from := time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)
	doubleSpaced, quoted, sameDate := 0, 0, 0
	for i, r := range m.Reviews {
		body := utf8.RuneCountInString(r.Body)
		switch {
		case body < 50 || body > catalog.MaxReviewBody:
			t.Fatalf("review %d: a body of %d characters, want 50 to %d", r.ID, body, catalog.MaxReviewBody)
		case r.Summary == "" || utf8.RuneCountInString(r.Summary) > catalog.MaxReviewSummary:
			t.Fatalf("review %d: summary %q, want 1 to %d characters", r.ID, r.Summary, catalog.MaxReviewSummary)
		case r.ReviewerName == "" || r.ReviewerName != strings.ToLower(r.ReviewerName) || strings.Contains(r.ReviewerName, " "):
			t.Fatalf("review %d: reviewer %q, want a lower-case handle", r.ID, r.ReviewerName)
		case !strings.Contains(r.ReviewerEmail, ".") || !strings.Contains(r.ReviewerEmail, "@"):
			t.Fatalf("review %d: email %q, want first.last@domain", r.ID, r.ReviewerEmail)
		case r.Date.Before(from) || !r.Date.Before(to):
			t.Fatalf("review %d: date %s, want from %s to %s", r.ID, r.Date, from, to)
		case r.Response.Valid && r.Response.V == "":
			t.Fatalf("review %d: an empty response", r.ID)
		}
		if strings.Contains(r.Body, ".  ") {
			doubleSpaced++
		}
		if strings.Contains(r.Body, `"`) {
			quoted++
		}
		if i > 0 && r.Date.Equal(m.Reviews[i-1].Date) {
			sameDate++
		}
	}
	if doubleSpaced == 0 || quoted == 0 || sameDate == 0 {
		t.Errorf("quirks: %d bodies with double spaces, %d with quotes, %d reviews dated as the one before; want some of each",
			doubleSpaced, quoted, sameDate)
	}
	outOfOrder := 0
	for i := 1; i < len(m.ReviewPhotos); i++ {
		if m.ReviewPhotos[i].ID < m.ReviewPhotos[i-1].ID {
			outOfOrder++
		}
		if u := m.ReviewPhotos[i].URL; !strings.HasPrefix(u, "https://images.unsplash.com/photo-") {
			t.Fatalf("photo %d: url %q, want an unsplash one", m.ReviewPhotos[i].ID, u)
		}
	}
	if outOfOrder == 0 {
		t.Error("no review photo is out of id order; the real file has some")
	}
}

// checkCharacteristics: the characteristics follow the product's category,
// and the votes on comfort and quality follow the rating.
func checkCharacteristics(t *testing.T, m *storetest.Recorded) {
	category := map[int64]string{}
	for _, p := range m.Products {
		category[p.ID] = p.Category.V
	}
	shoes := map[string]bool{"Kicks": true, "Dress Shoes": true, "Boots": true, "Sandals": true}
	names := map[int64]string{}
	for _, c := range m.Characteristics {
		names[c.ID] = c.Name
		cat := category[c.ProductID]
		var ok bool
		switch {
		case cat == "Accessories":
			ok = c.Name == "Quality" || c.Name == "Comfort"
		case shoes[cat]:
			ok = c.Name != "Fit" && c.Name != "Length"
		default:
			ok = c.Name != "Size" && c.Name != "Width"
		}
		if !ok {
			t.Fatalf("characteristic %d: a %s has %q", c.ID, cat, c.Name)
		}
	}
	rating := map[int64]int64{}
	for _, r := range m.Reviews {
		rating[r.ID] = r.Rating
	}
	var sum, count [6]float64
	for _, v := range m.CharacteristicVotes {
		if names[v.CharacteristicID] == "Quality" {
			sum[rating[v.ReviewID]] += float64(v.Value)
			count[rating[v.ReviewID]]++
		}
	}
	if low, high := sum[1]/count[1], sum[5]/count[5]; high-low < 2 {
		t.Errorf("quality votes average %.2f for 1-star reviews, %.2f for 5-star ones; want them to follow the rating", low, high)
	}
}

// TestWrite_ReviewCounts: the review files scale with the number of
// products, and even a small dataset has a product with hundreds of
// reviews.
func TestWrite_ReviewCounts(t *testing.T) {
	for _, n := range []int{2000, 10000} {
		_, c := write(t, generate.Options{Products: n, Seed: 3})
		scale := float64(n) / realProducts
		// The few products with hundreds of reviews make a product's count
		// vary by about 3.9 times the mean: allow three deviations.
		tolerance := 3 * 3.9 / math.Sqrt(float64(n))
		for _, tc := range []struct {
			file      string
			got, real int64
		}{
			{"reviews.csv", c.Reviews, realCounts.Reviews},
			{"reviews_photos.csv", c.ReviewPhotos, realCounts.ReviewPhotos},
			{"characteristics.csv", c.Characteristics, realCounts.Characteristics},
			{"characteristic_reviews.csv", c.CharacteristicVotes, realCounts.CharacteristicVotes},
		} {
			want := float64(tc.real) * scale
			t.Logf("%d products: %s has %d rows, the real ones %.0f", n, tc.file, tc.got, want)
			if math.Abs(float64(tc.got)/want-1) > tolerance {
				t.Errorf("%d products: %s has %d rows, want %.0f±%.0f%%", n, tc.file, tc.got, want, 100*tolerance)
			}
		}
	}
	m := load(t, 2000, 3)
	reviewsOf := map[int64]int{}
	most := 0
	for _, r := range m.Reviews {
		reviewsOf[r.ProductID]++
		most = max(most, reviewsOf[r.ProductID])
	}
	if most < 100 {
		t.Errorf("the most reviewed of 2000 products has %d reviews, want at least 100", most)
	}
}
