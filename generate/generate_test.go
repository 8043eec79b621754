package generate_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"catalog"
	"catalog/csv"
	"catalog/generate"
	"catalog/storetest"
)

func write(t *testing.T, opts generate.Options) (string, generate.Counts) {
	t.Helper()
	dir := t.TempDir()
	n, err := generate.Write(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return dir, n
}

var files = []string{"product.csv", "features.csv", "styles.csv", "photos.csv", "skus.csv", "related.csv",
	"reviews.csv", "reviews_photos.csv", "characteristics.csv", "characteristic_reviews.csv",
	"questions.csv", "answers.csv", "answers_photos.csv"}

func sameFiles(t *testing.T, a, b string) bool {
	t.Helper()
	for _, f := range files {
		x, err := os.ReadFile(filepath.Join(a, f))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			return false
		}
	}
	return true
}

func TestWrite_Deterministic(t *testing.T) {
	a, _ := write(t, generate.Options{Products: 2500, Seed: 7, Workers: 1})
	b, _ := write(t, generate.Options{Products: 2500, Seed: 7, Workers: 4})
	if !sameFiles(t, a, b) {
		t.Fatal("the same seed gave different files with 1 and 4 workers")
	}
	c, _ := write(t, generate.Options{Products: 2500, Seed: 8})
	if sameFiles(t, a, c) {
		t.Fatal("different seeds gave the same files")
	}
}

func TestWrite_Errors(t *testing.T) {
	for _, n := range []int{0, -1, catalog.MaxID + 1} {
		if _, err := generate.Write(context.Background(), t.TempDir(), generate.Options{Products: n}); err == nil {
			t.Errorf("Products %d: no error", n)
		}
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := generate.Write(context.Background(), filepath.Join(file, "sub"), generate.Options{Products: 10}); err == nil {
		t.Error("writing under a regular file did not fail")
	}
}

// TestWrite_Shape: the generated dataset imports without a reject and has
// the real one's proportions and quirks.
func TestWrite_Shape(t *testing.T) {
	const n = 20000
	dir, counts := write(t, generate.Options{Products: n, Seed: 1})
	var l storetest.Recorder
	var rejects bytes.Buffer
	rep, err := csv.Import(context.Background(), dir, &l, csv.Options{Rejects: &rejects})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rejected() != 0 {
		t.Fatalf("generated rows rejected:\n%.2000s", rejects.String())
	}
	m := l.Live
	if int64(len(m.Products)) != counts.Products || int64(len(m.Styles)) != counts.Styles || int64(len(m.Photos)) != counts.Photos ||
		int64(len(m.SKUs)) != counts.SKUs || int64(len(m.Features)) != counts.Features || int64(len(m.Related)) != counts.Related {
		t.Fatalf("counts %+v disagree with the files", counts)
	}
	for _, tc := range []struct {
		what      string
		got, want float64
		tolerance float64
	}{
		{"styles per product", float64(len(m.Styles)) / n, 1.96, 0.05},
		{"features per product", float64(len(m.Features)) / n, 2.22, 0.05},
		{"related per product", float64(len(m.Related)) / n, 4.5, 0.05},
		{"photos per style", float64(len(m.Photos)) / float64(len(m.Styles)), 2.9, 0.06},
		{"skus per style", float64(len(m.SKUs)) / float64(len(m.Styles)), 5.8, 0.06},
	} {
		t.Logf("%s = %.3f", tc.what, tc.got)
		if math.Abs(tc.got-tc.want) > tc.tolerance {
			t.Errorf("%s = %.3f, want %.2f±%.2f", tc.what, tc.got, tc.want, tc.tolerance)
		}
	}

	category := map[int64]string{}
	for i, p := range m.Products {
		if p.ID != int64(i+1) {
			t.Fatalf("product %d has id %d: ids are 1 to N", i, p.ID)
		}
		category[p.ID] = p.Category.V
	}
	stylesOf := map[int64]int{}
	defaults := map[int64]int{}
	styleProduct := map[int64]int64{}
	onSale := 0
	for _, s := range m.Styles {
		stylesOf[s.ProductID]++
		styleProduct[s.ID] = s.ProductID
		if s.Default {
			defaults[s.ProductID]++
		}
		if s.SalePrice.Valid {
			onSale++
			if s.SalePrice.V >= s.OriginalPrice || s.SalePrice.V <= 0 {
				t.Fatalf("style %d: sale %d not below original %d", s.ID, s.SalePrice.V, s.OriginalPrice)
			}
		}
	}
	withStyles, noDefault := 0, 0
	for id := range category {
		if stylesOf[id] == 0 {
			continue
		}
		withStyles++
		switch defaults[id] {
		case 0:
			noDefault++
		case 1:
		default:
			t.Fatalf("product %d has %d default styles", id, defaults[id])
		}
	}
	ratio := func(a, b int) float64 { return float64(a) / float64(b) }
	if r := ratio(n-withStyles, n); r < 0.005 || r > 0.05 {
		t.Errorf("%.3f of products have no styles, want a few", r)
	}
	if r := ratio(noDefault, withStyles); r < 0.03 || r > 0.15 {
		t.Errorf("%.3f of products with styles have no default, want a few", r)
	}
	if r := ratio(onSale, len(m.Styles)); r < 0.08 || r > 0.12 {
		t.Errorf("%.3f of styles are on sale, want about 0.1", r)
	}
	photosOf, skusOf := map[int64]int{}, map[int64]int{}
	for _, p := range m.Photos {
		photosOf[p.StyleID]++
	}
	clothing := map[string]bool{"XS": true, "S": true, "M": true, "L": true, "XL": true, "XXL": true}
	shoeCategories := map[string]bool{"Kicks": true, "Dress Shoes": true, "Boots": true, "Sandals": true}
	for _, k := range m.SKUs {
		skusOf[k.StyleID]++
		shoes := shoeCategories[category[styleProduct[k.StyleID]]]
		if shoes == clothing[k.Size] {
			t.Fatalf("sku %d of a %q has size %q", k.ID, category[styleProduct[k.StyleID]], k.Size)
		}
	}
	noPhotos, noSKUs := 0, 0
	for _, s := range m.Styles {
		if photosOf[s.ID] == 0 {
			noPhotos++
		}
		if skusOf[s.ID] == 0 {
			noSKUs++
		}
	}
	if noPhotos == 0 || noSKUs == 0 {
		t.Errorf("%d styles without photos and %d without skus; the placeholders need some", noPhotos, noSKUs)
	}
	self, dup := 0, 0
	last := map[int64]int64{}
	for _, r := range m.Related {
		if r.ProductID == r.RelatedID {
			self++
		}
		if last[r.ProductID] == r.RelatedID {
			dup++
		}
		last[r.ProductID] = r.RelatedID
	}
	nullValues, quoted := 0, 0
	for _, f := range m.Features {
		if !f.Value.Valid {
			nullValues++
		} else if strings.Contains(f.Value.V, `"`) {
			quoted++
		}
	}
	if self == 0 || dup == 0 || nullValues == 0 || quoted == 0 {
		t.Errorf("quirks: %d self-links, %d duplicate links, %d null feature values, %d values with quotes; want some of each", self, dup, nullValues, quoted)
	}
}

// TestWrite_Kinds: a product reads as one kind of thing. Its name ends with
// a noun of its category; its description is about that noun and names no
// other (a sundress is not described as a romper, nor a parka as boots);
// its features are its category's, each once, with that feature's values.
func TestWrite_Kinds(t *testing.T) {
	const n = 3000
	dir, _ := write(t, generate.Options{Products: n, Seed: 3})
	var l storetest.Recorder
	if _, err := csv.Import(context.Background(), dir, &l, csv.Options{}); err != nil {
		t.Fatal(err)
	}
	m := l.Live
	kinds := generate.Kinds()
	// word matches a noun as a whole word, in any case.
	word := map[string]*regexp.Regexp{}
	for _, k := range kinds {
		for _, noun := range k.Nouns {
			word[noun] = regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(noun) + `\b`)
		}
	}
	categoryOf := map[int64]string{}
	for _, p := range m.Products {
		kind, ok := kinds[p.Category.V]
		if !ok {
			t.Fatalf("product %d: category %q is of no kind", p.ID, p.Category.V)
		}
		categoryOf[p.ID] = p.Category.V
		noun := ""
		for _, x := range kind.Nouns {
			if strings.HasSuffix(p.Name, " "+x) {
				noun = x
			}
		}
		if noun == "" {
			t.Fatalf("product %d: name %q ends with none of the %s nouns %q", p.ID, p.Name, p.Category.V, kind.Nouns)
		}
		if !word[noun].MatchString(p.Description.V) {
			t.Fatalf("product %d, %q: description %q does not mention its noun", p.ID, p.Name, p.Description.V)
		}
		for other, re := range word {
			if other != noun && re.MatchString(p.Description.V) {
				t.Fatalf("product %d, %q: description %q mentions %q", p.ID, p.Name, p.Description.V, other)
			}
		}
		if p.Slogan.V == "" {
			t.Fatalf("product %d: no slogan", p.ID)
		}
	}
	seen := map[int64]map[string]bool{}
	for _, f := range m.Features {
		cat := categoryOf[f.ProductID]
		values, ok := kinds[cat].Features[f.Name]
		switch {
		case !ok:
			t.Fatalf("feature %d: a %s product has %q, a feature of another kind", f.ID, cat, f.Name)
		case f.Value.Valid != (len(values) > 0):
			t.Fatalf("feature %d: %q has value %+v, want one only if the kind gives %q", f.ID, f.Name, f.Value, values)
		case f.Value.Valid && !slices.Contains(values, f.Value.V):
			t.Fatalf("feature %d: %q is %q, not one of %q", f.ID, f.Name, f.Value.V, values)
		case seen[f.ProductID][f.Name]:
			t.Fatalf("feature %d: product %d has %q twice", f.ID, f.ProductID, f.Name)
		}
		if seen[f.ProductID] == nil {
			seen[f.ProductID] = map[string]bool{}
		}
		seen[f.ProductID][f.Name] = true
	}
}

// A full disk is a clear error that names the file.
func TestWrite_DiskFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	dir := t.TempDir()
	if err := os.Symlink("/dev/full", filepath.Join(dir, "photos.csv")); err != nil {
		t.Fatal(err)
	}
	_, err := generate.Write(context.Background(), dir, generate.Options{Products: 2000})
	if err == nil || !strings.Contains(err.Error(), "photos.csv") || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("err = %v, want a full disk error naming photos.csv", err)
	}
}
