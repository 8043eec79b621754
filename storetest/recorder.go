package storetest

import (
	"context"
	"errors"

	"catalog"
)

// Recorder is a catalog.Loader that keeps in memory what loads send it, for
// tests of what feeds a store (the importer, the generator).
type Recorder struct {
	// Live is the last committed load, nil before any.
	Live *Recorded
	// Loads and Rollbacks count the loads begun and abandoned.
	Loads, Rollbacks int
	// FailOn names a table ("products", "styles", …) whose rows the
	// recorder refuses with ErrRecorderFailed.
	FailOn string
}

// ErrRecorderFailed is what a Recorder answers for the table in FailOn.
var ErrRecorderFailed = errors.New("recorder: refused as asked")

// Recorded is the rows of one load.
type Recorded struct {
	r *Recorder
	Fixture
}

// BeginLoad starts recording a load.
func (r *Recorder) BeginLoad(context.Context) (catalog.Load, error) {
	r.Loads++
	return &Recorded{r: r}, nil
}

// CatalogInfo describes the last committed load.
func (r *Recorder) CatalogInfo(context.Context) (catalog.CatalogInfo, error) {
	if r.Live == nil {
		return catalog.CatalogInfo{}, nil
	}
	return catalog.CatalogInfo{Generation: 1, Products: int64(len(r.Live.Products))}, nil
}

func record[T any](l *Recorded, table string, dst *[]T, rows []T) error {
	if l.r.FailOn == table {
		return ErrRecorderFailed
	}
	*dst = append(*dst, rows...)
	return nil
}

// AddProducts records rows; so do the other Add methods.
func (l *Recorded) AddProducts(_ context.Context, rows []catalog.Product) error {
	return record(l, "products", &l.Products, rows)
}

func (l *Recorded) AddFeatures(_ context.Context, rows []catalog.Feature) error {
	return record(l, "features", &l.Features, rows)
}

func (l *Recorded) AddStyles(_ context.Context, rows []catalog.Style) error {
	return record(l, "styles", &l.Styles, rows)
}

func (l *Recorded) AddPhotos(_ context.Context, rows []catalog.Photo) error {
	return record(l, "photos", &l.Photos, rows)
}

func (l *Recorded) AddSKUs(_ context.Context, rows []catalog.SKU) error {
	return record(l, "skus", &l.SKUs, rows)
}

func (l *Recorded) AddRelated(_ context.Context, rows []catalog.Related) error {
	return record(l, "related", &l.Related, rows)
}

func (l *Recorded) AddCartLines(_ context.Context, rows []catalog.CartLine) error {
	return record(l, "cart", &l.CartLines, rows)
}

func (l *Recorded) AddReviews(_ context.Context, rows []catalog.Review) error {
	return record(l, "reviews", &l.Reviews, rows)
}

func (l *Recorded) AddReviewPhotos(_ context.Context, rows []catalog.ReviewPhoto) error {
	return record(l, "review_photos", &l.ReviewPhotos, rows)
}

func (l *Recorded) AddCharacteristics(_ context.Context, rows []catalog.Characteristic) error {
	return record(l, "characteristics", &l.Characteristics, rows)
}

func (l *Recorded) AddCharacteristicVotes(_ context.Context, rows []catalog.CharacteristicVote) error {
	return record(l, "characteristic_votes", &l.CharacteristicVotes, rows)
}

func (l *Recorded) AddQuestions(_ context.Context, rows []catalog.Question) error {
	return record(l, "questions", &l.Questions, rows)
}

func (l *Recorded) AddAnswers(_ context.Context, rows []catalog.Answer) error {
	return record(l, "answers", &l.Answers, rows)
}

func (l *Recorded) AddAnswerPhotos(_ context.Context, rows []catalog.AnswerPhoto) error {
	return record(l, "answer_photos", &l.AnswerPhotos, rows)
}

// Commit makes the load the recorder's live one.
func (l *Recorded) Commit(context.Context) error {
	l.r.Live = l
	return nil
}

// Rollback counts an abandoned load.
func (l *Recorded) Rollback() error {
	l.r.Rollbacks++
	return nil
}
