package csv_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"catalog"
	"catalog/csv"
)

// liveCatalog is the live catalog a fakeDelta checks against: each live
// row's parent, by entity.
type liveCatalog map[catalog.Entity]map[int64]int64

// fakeDelta records a delta's rows; its live catalog is liveCatalog.
type fakeDelta struct {
	live      liveCatalog
	added     map[catalog.Entity]int
	deleted   []catalog.Deletion
	begun     int
	committed bool
}

func (f *fakeDelta) BeginDelta(context.Context) (catalog.Delta, error) { f.begun++; return f, nil }

func add[T any](f *fakeDelta, e catalog.Entity, rows []T) error { f.added[e] += len(rows); return nil }

func (f *fakeDelta) AddProducts(_ context.Context, r []catalog.Product) error {
	return add(f, catalog.EntityProduct, r)
}
func (f *fakeDelta) AddFeatures(_ context.Context, r []catalog.Feature) error {
	return add(f, catalog.EntityFeature, r)
}
func (f *fakeDelta) AddStyles(_ context.Context, r []catalog.Style) error {
	return add(f, catalog.EntityStyle, r)
}
func (f *fakeDelta) AddPhotos(_ context.Context, r []catalog.Photo) error {
	return add(f, catalog.EntityPhoto, r)
}
func (f *fakeDelta) AddSKUs(_ context.Context, r []catalog.SKU) error {
	return add(f, catalog.EntitySKU, r)
}
func (f *fakeDelta) AddRelated(_ context.Context, r []catalog.Related) error {
	return add(f, catalog.EntityRelated, r)
}
func (f *fakeDelta) AddCartLines(context.Context, []catalog.CartLine) error { return nil }
func (f *fakeDelta) AddReviews(context.Context, []catalog.Review) error {
	return catalog.ErrDeltaReviews
}
func (f *fakeDelta) AddReviewPhotos(context.Context, []catalog.ReviewPhoto) error {
	return catalog.ErrDeltaReviews
}
func (f *fakeDelta) AddCharacteristics(context.Context, []catalog.Characteristic) error {
	return catalog.ErrDeltaReviews
}
func (f *fakeDelta) AddCharacteristicVotes(context.Context, []catalog.CharacteristicVote) error {
	return catalog.ErrDeltaReviews
}
func (f *fakeDelta) AddQuestions(context.Context, []catalog.Question) error {
	return catalog.ErrDeltaReviews
}
func (f *fakeDelta) AddAnswers(context.Context, []catalog.Answer) error {
	return catalog.ErrDeltaReviews
}
func (f *fakeDelta) AddAnswerPhotos(context.Context, []catalog.AnswerPhoto) error {
	return catalog.ErrDeltaReviews
}
func (f *fakeDelta) Delete(_ context.Context, rows []catalog.Deletion) error {
	f.deleted = append(f.deleted, rows...)
	return nil
}
func (f *fakeDelta) Commit(context.Context) error { f.committed = true; return nil }
func (f *fakeDelta) Rollback() error              { return nil }

func (f *fakeDelta) Parents(_ context.Context, e catalog.Entity, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	for _, id := range ids {
		if p, ok := f.live[e][id]; ok {
			out[id] = p
		}
	}
	return out, nil
}

// theLive is a live catalog: products 1 to 3; styles 10 (of 1) and 20 (of
// 2); photo 100 and SKU 200 of style 10; feature 7 and link 8 of product 1.
func theLive() liveCatalog {
	return liveCatalog{
		catalog.EntityProduct: {1: 1, 2: 2, 3: 3},
		catalog.EntityStyle:   {10: 1, 20: 2},
		catalog.EntityPhoto:   {100: 10},
		catalog.EntitySKU:     {200: 10},
		catalog.EntityFeature: {7: 1},
		catalog.EntityRelated: {8: 1},
	}
}

// writeDelta writes a delta's files into a new directory.
func writeDelta(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestImportDelta(t *testing.T) {
	const (
		products = "id,name,slogan,description,category,default_price\n"
		styles   = "id,productId,name,sale_price,original_price,default_style\n"
		photos   = "id,styleId,url,thumbnail_url\n"
		skus     = "id,styleId,size,quantity\n"
		related  = "id,current_product_id,related_product_id\n"
		deleted  = "file,id\n"
	)
	for _, tc := range []struct {
		name    string
		files   map[string]string
		rejects []string // "file:line: reason", the reason's start
	}{
		{"new and replaced rows of live and new parents", map[string]string{
			csv.Products.File: products + "4,\"New\",null,null,null,5\n1,\"Again\",null,null,null,1\n",
			csv.Styles.File:   styles + "30,4,\"S\",null,5,1\n10,3,\"Moved\",null,1,1\n",
			csv.Photos.File:   photos + "101,30,null,null\n100,20,null,null\n",
			csv.SKUs.File:     skus + "201,10,\"M\",1\n",
			csv.Related.File:  related + "9,4,1\n",
		}, nil},
		{"references to what the delta deletes", map[string]string{
			csv.Deleted.File: deleted + "product,2\nstyles,10\n",
			csv.Styles.File:  styles + "31,2,\"Of a deleted product\",null,1,1\n",
			csv.Photos.File:  photos + "102,10,null,null\n103,20,null,null\n",
			csv.Related.File: related + "9,1,2\n",
		}, []string{
			"styles.csv:2: orphan: product 2",
			"photos.csv:2: orphan: style 10",
			"photos.csv:3: orphan: style 20", // of the deleted product 2
			"related.csv:2: related orphan: product 2",
		}},
		{"a style moved off a deleted product survives it", map[string]string{
			csv.Deleted.File: deleted + "product,2\n",
			csv.Styles.File:  styles + "20,1,\"Moved\",null,1,1\n",
			csv.SKUs.File:    skus + "202,20,\"L\",1\n",
		}, nil},
		{"bad deletions", map[string]string{
			csv.Deleted.File:  deleted + "product,9\nproduct,1\nproduct,1\ncarts,1\nstyles,x\n",
			csv.Products.File: products + "1,\"Also deleted\",null,null,null,1\n",
		}, []string{
			"deleted.csv:2: no live product row has id 9",
			"deleted.csv:4: duplicate: an earlier row deletes product 1",
			"deleted.csv:5: file \"carts\" is not one of",
			"deleted.csv:6: id \"x\" is not an id",
			"product.csv:2: product 1 is deleted by deleted.csv too",
		}},
		{"duplicates within the delta", map[string]string{
			csv.Styles.File: styles + "30,1,\"A\",null,1,1\n30,1,\"B\",null,1,1\n",
			csv.SKUs.File:   skus + "201,30,\"M\",1\n201,30,\"M\",1\n",
		}, []string{
			"styles.csv:3: duplicate id 30",
			"skus.csv:3: duplicate id 201",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rejects bytes.Buffer
			fd := &fakeDelta{live: theLive(), added: map[catalog.Entity]int{}}
			rep, err := csv.ImportDelta(context.Background(), writeDelta(t, tc.files), fd, csv.Options{Rejects: &rejects})
			if err != nil {
				t.Fatal(err)
			}
			if !fd.committed {
				t.Fatal("not committed")
			}
			got := readRejects(t, rejects.Bytes())
			if len(got) != len(tc.rejects) {
				t.Fatalf("rejects %+v, want %v", got, tc.rejects)
			}
			for i, want := range tc.rejects {
				file, rest, _ := strings.Cut(want, ":")
				line, reason, _ := strings.Cut(rest, ": ")
				if g := got[i]; g.File != file || strings.TrimSpace(line) != strconv.Itoa(g.Line) || !strings.HasPrefix(g.Reason, reason) {
					t.Errorf("reject %d = %+v, want %s", i, g, want)
				}
			}
			for _, f := range rep.Files {
				if !f.Absent && !f.Balanced() {
					t.Errorf("%s: lines unaccounted for: %+v", f.File, f)
				}
			}
		})
	}
}

func TestImportDelta_Nothing(t *testing.T) {
	fd := &fakeDelta{live: theLive(), added: map[catalog.Entity]int{}}
	if _, err := csv.ImportDelta(context.Background(), t.TempDir(), fd, csv.Options{}); err == nil {
		t.Fatal("a delta of no files was applied")
	}
}

// FuzzImportDelta_Accounting: whatever deleted.csv or styles.csv holds,
// the delta does not crash, and either refuses the file or accounts for
// every one of its lines, the rows it took being those the store got.
func FuzzImportDelta_Accounting(f *testing.F) {
	f.Add(true, "file,id\nproduct,1\nstyles,10\nproduct,1\n")
	f.Add(false, "id,productId,name,sale_price,original_price,default_style\n30,1,\"S\",null,1,1\n31,9,\"T\",null,1,1\n")
	f.Add(true, "file,id\r\n\"photos\",100\r\nskus,x\r\n")
	f.Fuzz(func(t *testing.T, deletions bool, body string) {
		name, e := csv.Styles.File, catalog.EntityStyle
		if deletions {
			name = csv.Deleted.File
		}
		fd := &fakeDelta{live: theLive(), added: map[catalog.Entity]int{}}
		rep, err := csv.ImportDelta(context.Background(), writeDelta(t, map[string]string{name: body}), fd, csv.Options{Rejects: io.Discard})
		if err != nil {
			if strings.Contains(err.Error(), "bug") {
				t.Fatal(err)
			}
			return
		}
		fr := fileReport(t, rep, name)
		got := fd.added[e]
		if deletions {
			got = len(fd.deleted)
		}
		if int64(got) != fr.Loaded {
			t.Fatalf("%s: report says %d loaded, the store got %d", name, fr.Loaded, got)
		}
	})
}
