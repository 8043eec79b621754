package storetest

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"catalog"
)

func reviewIDs(rs []catalog.Review) []int64 {
	out := []int64{}
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func testReviews(t *testing.T, open Opener) {
	s, _ := openLoaded(t, open)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		q    catalog.ReviewQuery
		want []int64
	}{
		// Reviews 6 and 3 tie on helpfulness and date: id decides.
		{"relevant", catalog.ReviewQuery{ProductID: 1, Page: catalog.Page{Number: 1, Size: 5}}, []int64{1, 2, 6, 3}},
		{"newest", catalog.ReviewQuery{ProductID: 1, Page: catalog.Page{Number: 1, Size: 5}, Sort: catalog.SortNewest}, []int64{2, 6, 3, 1}},
		{"helpful", catalog.ReviewQuery{ProductID: 1, Page: catalog.Page{Number: 1, Size: 5}, Sort: catalog.SortHelpful}, []int64{1, 6, 3, 2}},
		{"page 2", catalog.ReviewQuery{ProductID: 1, Page: catalog.Page{Number: 2, Size: 2}}, []int64{6, 3}},
		{"past the end", catalog.ReviewQuery{ProductID: 1, Page: catalog.Page{Number: 3, Size: 2}}, []int64{}},
		{"no reviews", catalog.ReviewQuery{ProductID: 3, Page: catalog.Page{Number: 1, Size: 5}}, []int64{}},
		{"no product", catalog.ReviewQuery{ProductID: 4, Page: catalog.Page{Number: 1, Size: 5}}, []int64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Reviews(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(reviewIDs(got), tc.want) {
				t.Fatalf("reviews = %v, want %v", reviewIDs(got), tc.want)
			}
		})
	}
	t.Run("Fields", func(t *testing.T) {
		got, err := s.Reviews(ctx, catalog.ReviewQuery{ProductID: 1, Page: catalog.Page{Number: 1, Size: 5}})
		if err != nil {
			t.Fatal(err)
		}
		want := listed(NewFixture(), 1, 2, 6, 3)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("reviews =\n%+v\nwant\n%+v", got, want)
		}
	})
}

// listed returns reviews of a fixture as a list gives them: with their
// photos in id order, without their product, reported flag and email.
func listed(f Fixture, ids ...int64) []catalog.Review {
	var out []catalog.Review
	for _, id := range ids {
		i := slices.IndexFunc(f.Reviews, func(r catalog.Review) bool { return r.ID == id })
		r := f.Reviews[i]
		r.ProductID, r.Reported, r.ReviewerEmail, r.Photos = 0, false, "", []catalog.ReviewPhoto{}
		for _, p := range f.ReviewPhotos {
			if p.ReviewID == id {
				r.Photos = append(r.Photos, p)
			}
		}
		slices.SortFunc(r.Photos, func(a, b catalog.ReviewPhoto) int { return cmp.Compare(a.ID, b.ID) })
		out = append(out, r)
	}
	return out
}

// reviewModel is what the suite knows a store's reviews to be: the rows,
// from which it computes the sums a store keeps.
type reviewModel struct {
	reviews         map[int64]catalog.Review
	votes           map[int64][]catalog.Vote // by review
	characteristics []catalog.Characteristic
}

func newReviewModel(f Fixture) *reviewModel {
	m := &reviewModel{reviews: map[int64]catalog.Review{}, votes: map[int64][]catalog.Vote{}, characteristics: f.Characteristics}
	for _, r := range f.Reviews {
		m.reviews[r.ID] = r
	}
	for _, v := range f.CharacteristicVotes {
		m.votes[v.ReviewID] = append(m.votes[v.ReviewID], catalog.Vote{CharacteristicID: v.CharacteristicID, Value: v.Value})
	}
	return m
}

// meta computes a product's sums from the rows.
func (m *reviewModel) meta(productID int64) catalog.ReviewMeta {
	meta := catalog.ReviewMeta{ProductID: productID}
	sums := map[int64]*catalog.CharacteristicMeta{}
	for _, c := range m.characteristics {
		if c.ProductID == productID {
			meta.Characteristics = append(meta.Characteristics, catalog.CharacteristicMeta{ID: c.ID, Name: c.Name})
		}
	}
	slices.SortFunc(meta.Characteristics, func(a, b catalog.CharacteristicMeta) int { return cmp.Compare(a.ID, b.ID) })
	for i := range meta.Characteristics {
		sums[meta.Characteristics[i].ID] = &meta.Characteristics[i]
	}
	for id, r := range m.reviews {
		if r.ProductID != productID || r.Reported {
			continue
		}
		meta.Ratings[r.Rating-1]++
		if r.Recommend {
			meta.Recommended[1]++
		} else {
			meta.Recommended[0]++
		}
		for _, v := range m.votes[id] {
			if c := sums[v.CharacteristicID]; c != nil {
				c.Votes++
				c.Sum += v.Value
			}
		}
	}
	return meta
}

func checkMeta(t *testing.T, s catalog.ReviewService, m *reviewModel, products ...int64) {
	t.Helper()
	for _, id := range products {
		got, err := s.ReviewMeta(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if want := m.meta(id); !reflect.DeepEqual(got, want) {
			t.Fatalf("meta of product %d =\n%+v\nwant\n%+v", id, got, want)
		}
	}
}

func testReviewMeta(t *testing.T, open Opener) {
	s, _ := openLoaded(t, open)
	m := newReviewModel(NewFixture())
	// Checked by hand, so that the model is checked too.
	want := catalog.ReviewMeta{ProductID: 1, Ratings: [5]int64{0, 1, 0, 1, 2}, Recommended: [2]int64{2, 2},
		Characteristics: []catalog.CharacteristicMeta{{ID: 1, Name: "Fit", Votes: 4, Sum: 14}, {ID: 2, Name: "Length", Votes: 2, Sum: 7},
			{ID: 3, Name: "Comfort"}, {ID: 4, Name: "Quality", Votes: 1, Sum: 5}}}
	if got := m.meta(1); !reflect.DeepEqual(got, want) {
		t.Fatalf("model meta of product 1 =\n%+v\nwant\n%+v", got, want)
	}
	// 3 has characteristics and no reviews; 4 does not exist.
	checkMeta(t, s, m, 1, 2, 3, 4)
}

func newReview(productID int64, rating int64, votes ...catalog.Vote) catalog.NewReview {
	return catalog.NewReview{ProductID: productID, Rating: rating, Summary: "Posted", Body: "Written through the API.",
		Recommend: rating > 3, Name: "poster", Email: "poster@example.com", Votes: votes}
}

func testPostReview(t *testing.T, open Opener) {
	s, clock := openLoaded(t, open)
	ctx := context.Background()
	m := newReviewModel(NewFixture())
	t.Run("OK", func(t *testing.T) {
		r := newReview(2, 4, catalog.Vote{CharacteristicID: 5, Value: 2})
		r.Photos = []string{"https://img.example/posted-b.jpg", "https://img.example/posted-a.jpg"}
		at := clock.Now().Add(time.Hour)
		id, err := s.PostReview(ctx, r, at)
		if err != nil {
			t.Fatal(err)
		}
		m.reviews[id] = catalog.Review{ID: id, ProductID: 2, Rating: 4, Recommend: true}
		m.votes[id] = r.Votes
		checkMeta(t, s, m, 2)
		got, err := s.Reviews(ctx, catalog.ReviewQuery{ProductID: 2, Page: catalog.Page{Number: 1, Size: 5}, Sort: catalog.SortNewest})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != id {
			t.Fatalf("reviews = %v, want the posted %d first", reviewIDs(got), id)
		}
		p := got[0]
		if !p.Date.Equal(at.Truncate(time.Millisecond)) || p.Helpfulness != 0 || p.Response.Valid || p.Summary != r.Summary ||
			p.Body != r.Body || p.ReviewerName != r.Name || !p.Recommend || len(p.Photos) != 2 ||
			p.Photos[0].URL != r.Photos[0] || p.Photos[1].URL != r.Photos[1] || p.Photos[0].ID >= p.Photos[1].ID {
			t.Fatalf("posted review = %+v", p)
		}
	})
	for _, tc := range []struct {
		name string
		r    catalog.NewReview
	}{
		{"ErrOtherProductsCharacteristic", newReview(2, 5, catalog.Vote{CharacteristicID: 5, Value: 3}, catalog.Vote{CharacteristicID: 1, Value: 3})},
		{"ErrNoCharacteristic", newReview(2, 5, catalog.Vote{CharacteristicID: 99, Value: 3})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.PostReview(ctx, tc.r, clock.Now())
			wantCode(t, err, catalog.EUNPROCESSABLE)
			checkMeta(t, s, m, 1, 2)
		})
	}
	t.Run("ErrNoProduct", func(t *testing.T) {
		_, err := s.PostReview(ctx, newReview(4, 5), clock.Now())
		wantCode(t, err, catalog.ENOTFOUND)
		checkMeta(t, s, m, 4)
	})
}

func testReviewHelpful(t *testing.T, open Opener) {
	s, _ := openLoaded(t, open)
	ctx := context.Background()
	const callers = 50
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() { errs <- s.MarkReviewHelpful(ctx, 5) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Reviews(ctx, catalog.ReviewQuery{ProductID: 2, Page: catalog.Page{Number: 1, Size: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Helpfulness != callers {
		t.Fatalf("reviews = %+v, want review 5 with helpfulness %d", got, callers)
	}
	wantCode(t, s.MarkReviewHelpful(ctx, 99), catalog.ENOTFOUND)
}

func testReportReview(t *testing.T, open Opener) {
	s, _ := openLoaded(t, open)
	ctx := context.Background()
	m := newReviewModel(NewFixture())
	for range 2 { // a second report changes nothing
		if err := s.ReportReview(ctx, 1); err != nil {
			t.Fatal(err)
		}
		r := m.reviews[1]
		r.Reported = true
		m.reviews[1] = r
		checkMeta(t, s, m, 1)
		got, err := s.Reviews(ctx, catalog.ReviewQuery{ProductID: 1, Page: catalog.Page{Number: 1, Size: 5}})
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{2, 6, 3}; !reflect.DeepEqual(reviewIDs(got), want) {
			t.Fatalf("reviews = %v, want %v", reviewIDs(got), want)
		}
	}
	wantCode(t, s.ReportReview(ctx, 99), catalog.ENOTFOUND)
}

// testReviewSums posts and reports reviews at random, and checks after
// each write that the sums a store keeps are those of its rows, then that
// a rebuild, which sums the rows up anew, finds the same.
func testReviewSums(t *testing.T, open Opener) {
	s, clock := openLoaded(t, open)
	ctx := context.Background()
	m := newReviewModel(NewFixture())
	rng := rand.New(rand.NewPCG(1, 2))
	products := []int64{1, 2, 3}
	var ids []int64
	for id := range m.reviews {
		ids = append(ids, id)
	}
	for i := range 60 {
		if rng.IntN(3) == 0 && len(ids) > 0 {
			id := ids[rng.IntN(len(ids))]
			if err := s.ReportReview(ctx, id); err != nil {
				t.Fatal(err)
			}
			r := m.reviews[id]
			r.Reported = true
			m.reviews[id] = r
		} else {
			r := randomReview(rng, m, products[rng.IntN(len(products))])
			id, err := s.PostReview(ctx, r, clock.Now())
			if err != nil {
				t.Fatalf("post %d: %v", i, err)
			}
			m.reviews[id] = catalog.Review{ID: id, ProductID: r.ProductID, Rating: r.Rating, Recommend: r.Recommend}
			m.votes[id] = r.Votes
			ids = append(ids, id)
		}
		checkMeta(t, s, m, products...)
	}
	if err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	checkMeta(t, s, m, products...)
}

// randomReview returns a review of a product voting on a random part of
// its characteristics.
func randomReview(rng *rand.Rand, m *reviewModel, productID int64) catalog.NewReview {
	var votes []catalog.Vote
	for _, c := range m.characteristics {
		if c.ProductID == productID && rng.IntN(3) > 0 {
			votes = append(votes, catalog.Vote{CharacteristicID: c.ID, Value: 1 + rng.Int64N(5)})
		}
	}
	r := newReview(productID, 1+rng.Int64N(5), votes...)
	r.Recommend = rng.IntN(2) == 0
	r.Summary = fmt.Sprintf("Random %d", rng.IntN(1000))
	return r
}

// testReviewWritesKept writes reviews through the API, loads the dataset
// again, and checks that the new catalog has what shoppers wrote: the
// posted review under its id, the helpful votes, the report, in the
// lists and the sums; then that a dataset that cannot take them is
// refused, and the catalog being served stays.
func testReviewWritesKept(t *testing.T, open Opener) {
	s, clock := openLoaded(t, open)
	ctx := context.Background()
	m := newReviewModel(NewFixture())
	posted := newReview(2, 2, catalog.Vote{CharacteristicID: 5, Value: 1})
	posted.Photos = []string{"https://img.example/posted.jpg"}
	id := writeReviews(t, s, m, posted, clock.Now())
	Load(t, s, NewFixture())
	checkMeta(t, s, m, 1, 2, 3)
	got, err := s.Reviews(ctx, catalog.ReviewQuery{ProductID: 2, Page: catalog.Page{Number: 1, Size: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{5, id}; !reflect.DeepEqual(reviewIDs(got), want) || got[0].Helpfulness != 3 || len(got[1].Photos) != 1 {
		t.Fatalf("reviews of product 2 after a load = %+v, want %v, 5 with helpfulness 3, %d with its photo", got, want, id)
	}
	// Once more: what was carried over is carried again, not twice.
	Load(t, s, NewFixture())
	checkMeta(t, s, m, 1, 2, 3)
	// A review is posted after it under a new id.
	after := newReview(3, 4, catalog.Vote{CharacteristicID: 6, Value: 2})
	afterID, err := s.PostReview(ctx, after, clock.Now())
	if err != nil {
		t.Fatalf("a review after the load: %v", err)
	}
	m.reviews[afterID] = catalog.Review{ID: afterID, ProductID: 3, Rating: 4, Recommend: after.Recommend}
	m.votes[afterID] = after.Votes
	checkMeta(t, s, m, 3)

	t.Run("ErrUnfit", func(t *testing.T) {
		f := NewFixture()
		// The dataset has a review of the posted one's id.
		f.Reviews = append(f.Reviews, catalog.Review{ID: id, ProductID: 3, Rating: 1, Date: day(1596080481467), Summary: "Other",
			Body: "Another review of the same id.", ReviewerName: "other", ReviewerEmail: "other@example.com"})
		l, err := s.BeginLoad(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := addFixture(ctx, l, f); err != nil {
			t.Fatal(err)
		}
		wantCode(t, l.Commit(ctx), catalog.EUNPROCESSABLE)
		_ = l.Rollback()
		checkMeta(t, s, m, 1, 2, 3)
	})
}

// writeReviews posts r, marks review 5 helpful three times and reports
// review 2, as the model has it, and returns the posted review's id.
func writeReviews(t *testing.T, s catalog.ReviewService, m *reviewModel, r catalog.NewReview, at time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := s.PostReview(ctx, r, at)
	if err != nil {
		t.Fatal(err)
	}
	m.reviews[id] = catalog.Review{ID: id, ProductID: r.ProductID, Rating: r.Rating, Recommend: r.Recommend}
	m.votes[id] = r.Votes
	for range 3 {
		if err := s.MarkReviewHelpful(ctx, 5); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ReportReview(ctx, 2); err != nil {
		t.Fatal(err)
	}
	reported := m.reviews[2]
	reported.Reported = true
	m.reviews[2] = reported
	return id
}

// ReviewWritesDropped checks a store that open opens to let shoppers'
// writes go at a whole load: the new catalog is the dataset's alone.
func ReviewWritesDropped(t *testing.T, open Opener) {
	s, clock := openLoaded(t, open)
	writeReviews(t, s, newReviewModel(NewFixture()), newReview(2, 2), clock.Now())
	Load(t, s, NewFixture())
	checkMeta(t, s, newReviewModel(NewFixture()), 1, 2, 3)
}

// testReviewsOfDeletedProduct deletes a product in a delta: its reviews
// and characteristics go with it, and a delta given reviews is refused.
func testReviewsOfDeletedProduct(t *testing.T, open Opener) {
	s, clock := openLoaded(t, open)
	ctx := context.Background()
	if _, err := s.PostReview(ctx, newReview(1, 5, catalog.Vote{CharacteristicID: 1, Value: 5}), clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkAnswerHelpful(ctx, 1); err != nil {
		t.Fatal(err)
	}
	ApplyDelta(t, s, Delta{Deleted: []catalog.Deletion{{Entity: catalog.EntityProduct, ID: 1}}})
	got, err := s.Reviews(ctx, catalog.ReviewQuery{ProductID: 1, Page: catalog.Page{Number: 1, Size: 5}})
	if err != nil || len(got) != 0 {
		t.Fatalf("reviews of a deleted product = %v, %v; want none", reviewIDs(got), err)
	}
	checkMeta(t, s, &reviewModel{reviews: map[int64]catalog.Review{}}, 1)
	// Its questions and their answers go with it.
	checkQA(t, s, &qaModel{questions: map[int64]catalog.Question{}, answers: map[int64]catalog.Answer{}}, 1)
	if answers, err := s.Answers(ctx, catalog.AnswerQuery{QuestionID: 1, Page: catalog.Page{Number: 1, Size: 5}}); err != nil || len(answers) != 0 {
		t.Fatalf("answers of a deleted product's question = %+v, %v; want none", answers, err)
	}
	// A whole load after it has nothing of product 1 to carry.
	Load(t, s, NewFixture())
	checkMeta(t, s, newReviewModel(NewFixture()), 1)
	checkQA(t, s, newQAModel(NewFixture()), 1)

	dl, err := s.BeginDelta(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer dl.Rollback()
	wantCode(t, dl.AddReviews(ctx, NewFixture().Reviews), catalog.EINVALID)
}

// testReviewChanges: each write numbers a change of its product's
// reviews, and a whole load one of every product's; a failed write none.
func testReviewChanges(t *testing.T, open Opener) {
	s, clock := openLoaded(t, open)
	ctx := context.Background()
	if _, err := s.PostReview(ctx, newReview(2, 4), clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkReviewHelpful(ctx, 5); err != nil {
		t.Fatal(err)
	}
	if err := s.ReportReview(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PostReview(ctx, newReview(4, 4), clock.Now()); err == nil {
		t.Fatal("a review of no product was posted")
	}
	wantCode(t, s.MarkReviewHelpful(ctx, 99), catalog.ENOTFOUND)
	h, err := s.ReviewChanges(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := catalog.ReviewHistory{From: 0, To: 4, Changes: []catalog.ReviewChange{
		{Seq: 1, ProductID: catalog.AllProducts}, {Seq: 2, ProductID: 2}, {Seq: 3, ProductID: 2}, {Seq: 4, ProductID: 1}}}
	if !reflect.DeepEqual(h, want) {
		t.Fatalf("ReviewChanges(0) = %+v, want %+v", h, want)
	}
	if h, err = s.ReviewChanges(ctx, 3); err != nil || h.From != 3 || h.To != 4 || len(h.Changes) != 1 {
		t.Fatalf("ReviewChanges(3) = %+v, %v; want change 4 alone", h, err)
	}
	info, err := s.CatalogInfo(ctx)
	if err != nil || info.ReviewSeq != 4 {
		t.Fatalf("CatalogInfo = %+v, %v; want ReviewSeq 4", info, err)
	}
	// A rebuild copies the reviews as they are: no change.
	if err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if info, err = s.CatalogInfo(ctx); err != nil || info.ReviewSeq != 4 {
		t.Fatalf("after a rebuild, CatalogInfo = %+v, %v; want ReviewSeq 4", info, err)
	}
}

// testConcurrentWrites has many callers write at once, a quarter of them
// refused (a review of no product, a vote on no review), so that the
// writes commit several to a transaction with refused ones among them:
// each refused write fails alone, and every other is kept, counted in the
// sums, listed, and numbered as one change.
func testConcurrentWrites(t *testing.T, open Opener) {
	s, clock := openLoaded(t, open)
	ctx := context.Background()
	before, err := s.ReviewChanges(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	m := newReviewModel(NewFixture())
	const callers = 96
	type posted struct {
		id int64
		r  catalog.NewReview
	}
	var (
		mu      sync.Mutex
		reviews []posted
		asked   []int64
		wg      sync.WaitGroup
	)
	for i := range callers {
		wg.Go(func() {
			switch i % 4 {
			case 0:
				if _, err := s.PostReview(ctx, newReview(4, 3), clock.Now()); catalog.ErrorCode(err) != catalog.ENOTFOUND {
					t.Errorf("a review of no product: %v; want %s", err, catalog.ENOTFOUND)
				}
			case 1:
				if err := s.MarkReviewHelpful(ctx, 99); catalog.ErrorCode(err) != catalog.ENOTFOUND {
					t.Errorf("a vote on no review: %v; want %s", err, catalog.ENOTFOUND)
				}
			case 2:
				// Product 1's reviews vote on each of its characteristics
				// in turn: the writes of its sums overlap.
				r := newReview(int64(1+i%3), int64(1+i%5), catalog.Vote{CharacteristicID: 1 + int64(i/4%4), Value: 1 + int64(i%5)})
				if r.ProductID != 1 {
					r.Votes = nil
				}
				id, err := s.PostReview(ctx, r, clock.Now())
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				reviews = append(reviews, posted{id, r})
				mu.Unlock()
			case 3:
				id, err := s.PostQuestion(ctx, catalog.NewQuestion{ProductID: 2, Body: fmt.Sprint("Question ", i), Name: "n", Email: "n@example.com"}, clock.Now())
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				asked = append(asked, id)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for _, p := range reviews {
		m.reviews[p.id] = catalog.Review{ID: p.id, ProductID: p.r.ProductID, Rating: p.r.Rating, Recommend: p.r.Recommend}
		m.votes[p.id] = p.r.Votes
	}
	checkMeta(t, s, m, 1, 2, 3)
	for _, p := range reviews {
		got, err := s.Reviews(ctx, catalog.ReviewQuery{ProductID: p.r.ProductID, Page: catalog.Page{Number: 1, Size: 100}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(reviewIDs(got), p.id) {
			t.Errorf("posted review %d is not listed", p.id)
		}
	}
	questions, err := s.Questions(ctx, catalog.QuestionQuery{ProductID: 2, Page: catalog.Page{Number: 1, Size: 100}})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range asked {
		if !slices.ContainsFunc(questions, func(q catalog.Question) bool { return q.ID == id }) {
			t.Errorf("asked question %d is not listed", id)
		}
	}
	after, err := s.ReviewChanges(ctx, before.To)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(len(reviews) + len(asked)); after.To-before.To != want || int64(len(after.Changes)) != want {
		t.Errorf("changes %d to %d, %d listed; want %d more, one a kept write", before.To, after.To, len(after.Changes), want)
	}
}

// testWritesDuringLoad has callers post reviews and questions while a
// whole load of the same dataset runs, and once more after it, each
// writer a write every 10 ms or so: every write
// acknowledged is in the catalog after the load, carried over or made on
// the new one (or kept in the old one, when the load was refused as
// unavailable); a write the load kept waiting too long is refused as
// unavailable, never lost in silence.
func testWritesDuringLoad(t *testing.T, open Opener) {
	s, clock := openLoaded(t, open)
	ctx := context.Background()
	loaded := make(chan struct{})
	var (
		mu                 sync.Mutex
		reviews, questions []int64
		wg                 sync.WaitGroup
	)
	keep := func(ids *[]int64, id int64, err error) {
		if err != nil {
			if catalog.ErrorCode(err) != catalog.EUNAVAILABLE {
				t.Errorf("a write during a load: %v; want it kept, or refused as %s", err, catalog.EUNAVAILABLE)
			}
			return
		}
		mu.Lock()
		defer mu.Unlock()
		*ids = append(*ids, id)
	}
	for w := range 4 {
		wg.Go(func() {
			for i, last := 0, false; !last; i++ {
				select {
				case <-loaded:
					last = true
				default:
				}
				id, err := s.PostReview(ctx, newReview(int64(1+(w+i)%3), 4), clock.Now())
				keep(&reviews, id, err)
				id, err = s.PostQuestion(ctx, catalog.NewQuestion{ProductID: 2, Body: fmt.Sprint("During the load ", w, i),
					Name: "n", Email: "n@example.com"}, clock.Now())
				keep(&questions, id, err)
				// Shoppers' pace, not a tight loop: on SQLite, writes back to
				// back keep the file's write lock from the load's steps until
				// their busy timeout, and the load is refused as busy.
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
	// On SQLite, the shoppers' writer can keep the file's write lock from
	// a step of the load past its busy timeout: the load is then refused
	// as unavailable, the catalog served stays, and the writes with it.
	if err := load(ctx, s, NewFixture()); err != nil && catalog.ErrorCode(err) != catalog.EUNAVAILABLE {
		t.Errorf("the load: %v; want it committed, or refused as %s", err, catalog.EUNAVAILABLE)
	}
	close(loaded)
	wg.Wait()
	if len(reviews) == 0 || len(questions) == 0 {
		t.Fatalf("%d reviews and %d questions kept; want some of each", len(reviews), len(questions))
	}
	listed := map[int64]bool{}
	for p := int64(1); p <= 3; p++ {
		for page := int64(1); ; page++ {
			got, err := s.Reviews(ctx, catalog.ReviewQuery{ProductID: p, Page: catalog.Page{Number: page, Size: 1000}})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range reviewIDs(got) {
				listed[id] = true
			}
			if len(got) < 1000 {
				break
			}
		}
	}
	asked := map[int64]bool{}
	for page := int64(1); ; page++ {
		got, err := s.Questions(ctx, catalog.QuestionQuery{ProductID: 2, Page: catalog.Page{Number: page, Size: 1000}})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range got {
			asked[q.ID] = true
		}
		if len(got) < 1000 {
			break
		}
	}
	for _, id := range reviews {
		if !listed[id] {
			t.Errorf("review %d, posted during the load, is not listed after it", id)
		}
	}
	for _, id := range questions {
		if !asked[id] {
			t.Errorf("question %d, asked during the load, is not listed after it", id)
		}
	}
}
