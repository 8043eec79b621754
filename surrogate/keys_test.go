package surrogate_test

import (
	"reflect"
	"testing"

	"catalog"
	"catalog/surrogate"
)

func TestQAKeys(t *testing.T) {
	if got, want := surrogate.QuestionKeys(5), "catalog product-5 qa qa-5"; got != want {
		t.Errorf("QuestionKeys(5) = %q, want %q", got, want)
	}
	if got, want := surrogate.AnswerKeys(37), "catalog qa answers-37"; got != want {
		t.Errorf("AnswerKeys(37) = %q, want %q", got, want)
	}
}

func TestPurgeQAKeys(t *testing.T) {
	h := catalog.ReviewHistory{From: 3, To: 7, Changes: []catalog.ReviewChange{
		{Seq: 4, ProductID: 7, QuestionID: 30}, {Seq: 5, ProductID: 2, QuestionID: 12}, {Seq: 6, ProductID: 7},
		{Seq: 7, ProductID: 7, QuestionID: 31},
	}}
	for _, tc := range []struct {
		seen int64
		want []string
	}{
		{3, []string{"answers-12", "answers-30", "answers-31", "qa-2", "qa-7"}},
		{5, []string{"answers-31", "qa-7"}},
		{6, []string{"answers-31", "qa-7"}},
		{2, []string{"qa"}}, // the changes start after what was seen
		{7, nil},
	} {
		if got := surrogate.PurgeQAKeys(tc.seen, h); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("seen %d: keys %v, want %v", tc.seen, got, tc.want)
		}
	}
	// A change of reviews alone purges no Q&A response.
	reviews := catalog.ReviewHistory{From: 3, To: 4, Changes: []catalog.ReviewChange{{Seq: 4, ProductID: 7}}}
	if got := surrogate.PurgeQAKeys(3, reviews); got != nil {
		t.Errorf("a review change: keys %v, want none", got)
	}
	h.Changes[2].ProductID = catalog.AllProducts
	if got, want := surrogate.PurgeQAKeys(3, h), []string{"qa"}; !reflect.DeepEqual(got, want) {
		t.Errorf("a whole load: keys %v, want %v", got, want)
	}
}
