package http_test

import (
	"context"
	"encoding/json"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"catalog"
	"catalog/csv"
	cataloghttp "catalog/http"
	"catalog/internal/sampledata"
)

// The real review rows of ../shared/sample-data/reviews-qa, with the real
// product rows, served, compared with CONTRACT-REVIEWS-QA.md: each
// product's list and meta against an oracle that reads the same files with
// encoding/csv.

var (
	reviewShape = []field{{"review_id", "int"}, {"rating", "int"}, {"summary", "string"}, {"recommend", "bool"},
		{"response", "string|null"}, {"body", "string"}, {"date", "time"}, {"reviewer_name", "string"},
		{"helpfulness", "int"}, {"photos", arrayOf([]field{{"id", "int"}, {"url", "string"}})}}
	reviewsShape = []field{{"product", "string"}, {"page", "int"}, {"count", "int"}, {"results", arrayOf(reviewShape)}}
)

// sampleDir returns a dataset of the real product rows and the files
// named (paths in the sample data).
func sampleDir(t *testing.T, files ...string) string {
	t.Helper()
	src, dir := sampledata.Dir(t), t.TempDir()
	for _, name := range append([]string{"product.csv", "features.csv", "styles.csv", "photos.csv", "skus.csv", "related.csv"}, files...) {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(name)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// testSample loads dir into each store, with no row rejected, and checks
// the server of svc's services on it (each service is the store).
func testSample(t *testing.T, dir string, svc func(catalog.Store) cataloghttp.Services, check func(*testing.T, string, http.Handler)) {
	for _, kind := range stores {
		t.Run(kind, func(t *testing.T) {
			s := openStore(t, kind)
			rep, err := csv.Import(context.Background(), dir, s, csv.Options{})
			if err != nil || rep.Rejected() != 0 {
				t.Fatalf("import: %v %+v", err, rep)
			}
			check(t, dir, cataloghttp.NewServer(svc(s), cataloghttp.Config{Campus: "hr-rfp"}).Handler())
		})
	}
}

func TestSampleData_Reviews(t *testing.T) {
	dir := sampleDir(t, "reviews-qa/"+csv.Reviews.File, "reviews-qa/"+csv.ReviewPhotos.File, "reviews-qa/"+csv.Characteristics.File,
		"reviews-qa/"+csv.CharacteristicVotes.File)
	testSample(t, dir, func(s catalog.Store) cataloghttp.Services {
		return cataloghttp.Services{Products: s, Carts: s, Reviews: s}
	}, testSampleReviews)
}

// mean is the contract's mean of votes: sum/n with 16 decimals, rounded
// half up, as PostgreSQL's AVG(integer)::text prints it.
func mean(sum, n int64) string {
	r := new(big.Rat).SetFrac64(sum, n)
	return r.FloatString(16) // big.Rat rounds half away from zero: up, for a mean of positive votes
}

func testSampleReviews(t *testing.T, dir string, h http.Handler) {
	get := func(path string) json.RawMessage { t.Helper(); return get200(t, h, path) }
	rows := readSorted(t, dir, csv.Reviews.File, csv.ReviewPhotos.File, csv.Characteristics.File, csv.CharacteristicVotes.File)
	reviews, photos, chars, votes := rows[0], rows[1], rows[2], rows[3]
	for product := 1; product <= 5; product++ {
		id := strconv.Itoa(product)
		t.Run("product"+id, func(t *testing.T) {
			// The list, newest first (ties: id descending), every review.
			var mine []map[string]string
			for _, r := range reviews {
				if r["product_id"] == id && r["reported"] == "false" {
					mine = append(mine, r)
				}
			}
			slices.SortStableFunc(mine, func(a, b map[string]string) int {
				if d := num(t, b["date"]) - num(t, a["date"]); d != 0 {
					return d
				}
				return num(t, b["id"]) - num(t, a["id"])
			})
			results := []any{}
			for _, r := range mine {
				ps := []any{}
				for _, p := range photos {
					if p["review_id"] == r["id"] {
						ps = append(ps, map[string]any{"id": float64(num(t, p["id"])), "url": p["url"]})
					}
				}
				ms, _ := strconv.ParseInt(r["date"], 10, 64)
				results = append(results, map[string]any{"review_id": float64(num(t, r["id"])), "rating": float64(num(t, r["rating"])),
					"summary": r["summary"], "recommend": r["recommend"] == "true", "response": nullable(r["response"]), "body": r["body"],
					"date":          time.UnixMilli(ms).UTC().Truncate(24 * time.Hour).Format("2006-01-02T15:04:05.000Z"),
					"reviewer_name": r["reviewer_name"], "helpfulness": float64(num(t, r["helpfulness"])), "photos": ps})
			}
			path := "/reviews?product_id=" + id + "&sort=newest&count=100"
			body := get(path)
			checkShape(t, path, body, reviewsShape)
			var got map[string]any
			json.Unmarshal(body, &got)
			want := map[string]any{"product": id, "page": float64(0), "count": float64(100), "results": results}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s =\n%v\nwant\n%v", path, got, want)
			}

			// The meta: counts as strings, characteristics in id order.
			ratings, recommended := map[string]any{}, map[string]any{}
			counted := map[string]bool{}
			for _, r := range mine {
				counted[r["id"]] = true
				ratings[r["rating"]] = strconv.Itoa(atoi(ratings[r["rating"]]) + 1)
				recommended[r["recommend"]] = strconv.Itoa(atoi(recommended[r["recommend"]]) + 1)
			}
			characteristics := map[string]any{}
			var names []string
			for _, c := range chars {
				if c["product_id"] != id {
					continue
				}
				var sum, n int64
				for _, v := range votes {
					if v["characteristic_id"] == c["id"] && counted[v["review_id"]] {
						sum, n = sum+int64(num(t, v["value"])), n+1
					}
				}
				value := any(nil)
				if n > 0 {
					value = mean(sum, n)
				}
				characteristics[c["name"]] = map[string]any{"id": float64(num(t, c["id"])), "value": value}
				names = append(names, c["name"])
			}
			path = "/reviews/meta?product_id=" + id
			body = get(path)
			if keys := keysOf(t, mustField(t, body, "characteristics")); !slices.Equal(keys, names) && !(len(keys) == 0 && len(names) == 0) {
				t.Errorf("%s: characteristics %v, want %v in id order", path, keys, names)
			}
			got = nil
			json.Unmarshal(body, &got)
			want = map[string]any{"product_id": id, "ratings": ratings, "recommended": recommended, "characteristics": characteristics}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s =\n%v\nwant\n%v", path, got, want)
			}
		})
	}
}

// atoi reads a count the oracle keeps as a string, 0 when there is none.
func atoi(v any) int {
	s, _ := v.(string)
	n, _ := strconv.Atoi(s)
	return n
}

// mustField returns one field of a JSON object.
func mustField(t *testing.T, body json.RawMessage, key string) json.RawMessage {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		t.Fatal(err)
	}
	return obj[key]
}
