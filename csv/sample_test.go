package csv_test

import (
	"bytes"
	"context"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"catalog/csv"
	"catalog/internal/sampledata"
	"catalog/storetest"
)

// The main sample set is clean: everything loads.
func TestImport_SampleData(t *testing.T) {
	dir := sampledata.Dir(t)
	got, rep, _ := importClean(t, dir)
	want := map[string]int64{"product.csv": 10, "features.csv": 27, "styles.csv": 52, "photos.csv": 20, "skus.csv": 40, "related.csv": 50, "cart.csv": 0,
		// The review and Q&A files are in reviews-qa/: products only here.
		"reviews.csv": 0, "reviews_photos.csv": 0, "characteristics.csv": 0, "characteristic_reviews.csv": 0,
		"questions.csv": 0, "answers.csv": 0, "answers_photos.csv": 0}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("loaded %v, want %v", got, want)
	}
	for _, name := range []string{csv.Reviews.File, csv.Questions.File} {
		if r := fileReport(t, rep, name); !r.Absent || !strings.Contains(strings.Join(r.Notes, ""), "products only") {
			t.Fatalf("%s report = %+v, want it absent, saying products only were loaded", name, r)
		}
	}
}

// The 2020 variant: each defect its rule, every line accounted for.
func TestImport_SampleVariant2020(t *testing.T) {
	dir := filepath.Join(sampledata.Dir(t), "variant-2020")
	s := &storetest.Recorder{}
	var rejects bytes.Buffer
	rep, err := csv.Import(context.Background(), dir, s, csv.Options{Rejects: &rejects})
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		lines, header, loaded, rejected, repaired int64
	}
	got := map[string]summary{}
	for _, f := range rep.Files {
		if !f.Absent && !f.Balanced() {
			t.Errorf("%s does not balance: %+v", f.File, f)
		}
		got[f.File] = summary{f.Lines, f.HeaderLines, f.Loaded, f.Rejected, f.Repaired}
	}
	want := map[string]summary{
		// 59 products; product 11's malformed row rejected; rows 1-10 had
		// a space before default_price.
		"product.csv": {60, 1, 58, 1, 10},
		// No header; product 11's three features are orphans.
		"features.csv": {60, 0, 57, 3, 0},
		"styles.csv":   {60, 1, 59, 0, 0},
		// Rows 1 and 48 lack their closing quote: repaired, and the rows
		// after them kept, where COPY merges rows 2-48 into row 1.
		"photos.csv":  {61, 1, 60, 0, 2},
		"skus.csv":    {60, 1, 59, 0, 0},
		"related.csv": {60, 1, 58, 1, 0},
		"cart.csv":    {0, 0, 0, 0, 0},
		// No review or Q&A files: products only.
		"reviews.csv": {}, "reviews_photos.csv": {}, "characteristics.csv": {}, "characteristic_reviews.csv": {},
		"questions.csv": {}, "answers.csv": {}, "answers_photos.csv": {},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	var where []string
	for _, r := range readRejects(t, rejects.Bytes()) {
		where = append(where, r.File+":"+strings.Fields(r.Reason)[0]+":"+strconv.Itoa(r.Line))
	}
	wantRejects := []string{"product.csv:text:12", "features.csv:orphan::28", "features.csv:orphan::29", "features.csv:orphan::30", "related.csv:orphan::56"}
	if !reflect.DeepEqual(where, wantRejects) {
		t.Fatalf("rejects %v, want %v", where, wantRejects)
	}
	for _, f := range rep.Files {
		if f.File != "photos.csv" {
			continue
		}
		if len(f.Repairs) != 2 || f.Repairs[0].Line != 2 || f.Repairs[1].Line != 49 || !strings.Contains(f.Repairs[0].What, "unterminated") {
			t.Fatalf("photos repairs = %+v, want lines 2 and 49", f.Repairs)
		}
	}
	for _, p := range s.Live.Photos {
		if strings.Contains(p.ThumbnailURL.V, "\n") || strings.Count(p.ThumbnailURL.V, "https://") != 1 {
			t.Fatalf("photo %d has a merged thumbnail %q", p.ID, p.ThumbnailURL.V)
		}
	}
}

// importClean imports dir into a recorder, fails the test on any reject,
// unbalanced file, repair or note, and returns the rows loaded per file
// with the report and the recorder.
func importClean(t *testing.T, dir string) (map[string]int64, *csv.Report, *storetest.Recorder) {
	t.Helper()
	s := &storetest.Recorder{}
	var rejects bytes.Buffer
	rep, err := csv.Import(context.Background(), dir, s, csv.Options{Rejects: &rejects})
	if err != nil {
		t.Fatal(err)
	}
	if rejects.Len() > 0 {
		t.Fatalf("rejects:\n%s", rejects.String())
	}
	got := map[string]int64{}
	for _, f := range rep.Files {
		if !f.Absent && (!f.Balanced() || f.Repaired != 0 || len(f.Notes) != 0) {
			t.Errorf("%s: %+v", f.File, f)
		}
		got[f.File] = f.Loaded
	}
	return got, rep, s
}
