package http_test

import (
	stdcsv "encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"catalog/internal/jsontest"
	"catalog/internal/sampledata"
)

// The real rows of ../shared/sample-data, served, compared with CONTRACT.md:
// every response's key order and JSON types by a shape checker, and its
// values against an oracle that reads the same files with encoding/csv.

func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := stdcsv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		row := map[string]string{}
		for i, name := range recs[0] {
			row[name] = r[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// readSorted reads the files named in dir, each in id order (byID).
func readSorted(t *testing.T, dir string, names ...string) [][]map[string]string {
	t.Helper()
	var out [][]map[string]string
	for _, name := range names {
		rows := readCSV(t, filepath.Join(dir, name))
		byID(t, rows)
		out = append(out, rows)
	}
	return out
}

// get200 serves GET path on h and returns its body, failing unless it is
// answered 200.
func get200(t *testing.T, h http.Handler, path string) json.RawMessage {
	t.Helper()
	resp := serve(h, request{path: path})
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	return body
}

func num(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// price is the contract's form of a dataset price.
func price(t *testing.T, s string) string {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatFloat(f, 'f', 2, 64)
}

func nullable(s string) any {
	if s == "null" {
		return nil
	}
	return s
}

func byID(t *testing.T, rows []map[string]string) {
	sort.SliceStable(rows, func(i, j int) bool { return num(t, rows[i]["id"]) < num(t, rows[j]["id"]) })
}

var (
	priceForm = regexp.MustCompile(`^[0-9]+\.[0-9]{2}$`)
	timeForm  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
)

// shape walks a JSON value against a shape: a map of the keys in order
// (as [][2]any{{key, shape}}), a type name, or a func.
type field struct {
	key   string
	shape any
}

func checkShape(t *testing.T, where string, raw json.RawMessage, shape any) {
	t.Helper()
	switch s := shape.(type) {
	case []field:
		got := keysOf(t, raw)
		var want []string
		for _, f := range s {
			want = append(want, f.key)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: keys %v, want %v", where, got, want)
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			t.Fatal(err)
		}
		for _, f := range s {
			checkShape(t, where+"."+f.key, obj[f.key], f.shape)
		}
	case func(t *testing.T, where string, raw json.RawMessage):
		s(t, where, raw)
	case string:
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		ok := false
		for _, kind := range strings.Split(s, "|") {
			switch kind {
			case "null":
				ok = ok || v == nil
			case "string":
				_, is := v.(string)
				ok = ok || is
			case "int":
				n, is := v.(float64)
				ok = ok || is && n == float64(int64(n))
			case "bool":
				_, is := v.(bool)
				ok = ok || is
			case "price":
				p, is := v.(string)
				ok = ok || is && priceForm.MatchString(p)
			case "time":
				p, is := v.(string)
				ok = ok || is && timeForm.MatchString(p)
			}
		}
		if !ok {
			t.Fatalf("%s: %s is not %s", where, raw, s)
		}
	default:
		t.Fatalf("bad shape %T", shape)
	}
}

func keysOf(t *testing.T, raw json.RawMessage) []string { return jsontest.Keys(t, raw) }

func arrayOf(shape any) func(t *testing.T, where string, raw json.RawMessage) {
	return func(t *testing.T, where string, raw json.RawMessage) {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil || items == nil {
			t.Fatalf("%s: %s is not an array", where, raw)
		}
		for i, it := range items {
			checkShape(t, fmt.Sprintf("%s[%d]", where, i), it, shape)
		}
	}
}

var (
	listItemShape = []field{{"id", "int"}, {"campus", "string"}, {"name", "string"}, {"slogan", "string|null"},
		{"description", "string|null"}, {"category", "string|null"}, {"default_price", "price"},
		{"created_at", "time"}, {"updated_at", "time"}}
	productShape = append(append([]field{}, listItemShape...),
		field{"features", arrayOf([]field{{"feature", "string"}, {"value", "string|null"}})})
	skusShape = func(t *testing.T, where string, raw json.RawMessage) {
		keys := keysOf(t, raw)
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			t.Fatal(err)
		}
		if len(keys) == 1 && keys[0] == "null" {
			if string(obj["null"]) != `{"quantity":null,"size":null}` {
				t.Fatalf("%s: placeholder %s", where, obj["null"])
			}
			return
		}
		prev := 0
		for _, k := range keys {
			n, err := strconv.Atoi(k)
			if err != nil || n <= prev {
				t.Fatalf("%s: sku keys %v are not ascending ids", where, keys)
			}
			prev = n
			checkShape(t, where+"."+k, obj[k], []field{{"quantity", "int"}, {"size", "string"}})
		}
	}
	styleShape = []field{{"style_id", "int"}, {"name", "string"}, {"original_price", "price"}, {"sale_price", "price|null"},
		{"default?", "bool"}, {"photos", arrayOf([]field{{"thumbnail_url", "string|null"}, {"url", "string|null"}})}, {"skus", skusShape}}
	stylesShape = []field{{"product_id", "string"}, {"results", arrayOf(styleShape)}}
)

func TestSampleData_Contract(t *testing.T) {
	dir := sampledata.Dir(t)
	for _, kind := range stores {
		t.Run(kind, func(t *testing.T) { testSampleData(t, dir, newServerOn(t, kind, dir)) })
	}
}

func testSampleData(t *testing.T, dir string, h http.Handler) {
	get := func(path string) json.RawMessage {
		t.Helper()
		resp := serve(h, request{path: path})
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		return body
	}
	rows := readSorted(t, dir, "product.csv", "features.csv", "styles.csv", "photos.csv", "skus.csv", "related.csv")
	products, features, styles, photos, skus, related := rows[0], rows[1], rows[2], rows[3], rows[4], rows[5]

	// The contract's own example, literally.
	p1 := string(get("/products/1"))
	for _, want := range []string{`{"id":1,"campus":"hr-rfp","name":"Camo Onesie","slogan":"Blend in to your crowd",`, `"category":"Jackets","default_price":"140.00","created_at":"`} {
		if !strings.Contains(p1, want) {
			t.Errorf("/products/1 lacks %s", want)
		}
	}
	if s1 := string(get("/products/1/styles")); !strings.HasPrefix(s1, `{"product_id":"1","results":[{"style_id":1,"name":"Forest Green & Black","original_price":"140.00","sale_price":null,"default?":true,"photos":[{"thumbnail_url":"https://`) {
		t.Errorf("/products/1/styles begins %.200s", s1)
	}

	for _, p := range products {
		id := p["id"]
		t.Run("product"+id, func(t *testing.T) {
			body := get("/products/" + id)
			checkShape(t, "/products/"+id, body, productShape)
			var got map[string]any
			json.Unmarshal(body, &got)
			want := map[string]any{"id": float64(num(t, id)), "campus": "hr-rfp", "name": p["name"], "slogan": p["slogan"],
				"description": p["description"], "category": p["category"], "default_price": price(t, p["default_price"]),
				"created_at": got["created_at"], "updated_at": got["updated_at"]}
			fs := []any{}
			for _, f := range features {
				if f["product_id"] == id {
					fs = append(fs, map[string]any{"feature": f["feature"], "value": nullable(f["value"])})
				}
			}
			want["features"] = fs
			if !reflect.DeepEqual(got, want) {
				t.Errorf("/products/%s =\n%v\nwant\n%v", id, got, want)
			}

			body = get("/products/" + id + "/styles")
			checkShape(t, "/products/"+id+"/styles", body, stylesShape)
			got = nil
			json.Unmarshal(body, &got)
			results := []any{}
			for _, s := range styles {
				if s["productId"] != id {
					continue
				}
				ph := []any{}
				for _, x := range photos {
					if x["styleId"] == s["id"] {
						ph = append(ph, map[string]any{"thumbnail_url": x["thumbnail_url"], "url": x["url"]})
					}
				}
				if len(ph) == 0 {
					ph = []any{map[string]any{"thumbnail_url": nil, "url": nil}}
				}
				ks := map[string]any{}
				for _, k := range skus {
					if k["styleId"] == s["id"] {
						ks[k["id"]] = map[string]any{"quantity": float64(num(t, k["quantity"])), "size": k["size"]}
					}
				}
				if len(ks) == 0 {
					ks["null"] = map[string]any{"quantity": nil, "size": nil}
				}
				var sale any
				if s["sale_price"] != "null" {
					sale = price(t, s["sale_price"])
				}
				results = append(results, map[string]any{"style_id": float64(num(t, s["id"])), "name": s["name"],
					"original_price": price(t, s["original_price"]), "sale_price": sale, "default?": s["default_style"] == "1",
					"photos": ph, "skus": ks})
			}
			want = map[string]any{"product_id": id, "results": results}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("/products/%s/styles =\n%v\nwant\n%v", id, got, want)
			}

			var rel []any
			json.Unmarshal(get("/products/"+id+"/related"), &rel)
			wantRel := []any{}
			for _, r := range related {
				if r["current_product_id"] == id {
					wantRel = append(wantRel, float64(num(t, r["related_product_id"])))
				}
			}
			if !reflect.DeepEqual(rel, wantRel) {
				t.Errorf("/products/%s/related = %v, want %v", id, rel, wantRel)
			}
		})
	}

	t.Run("list", func(t *testing.T) {
		var all []json.RawMessage
		for page := 1; ; page++ {
			body := get(fmt.Sprintf("/products?page=%d&count=3", page))
			var items []json.RawMessage
			json.Unmarshal(body, &items)
			checkShape(t, "/products", body, arrayOf(listItemShape))
			if len(items) == 0 {
				break
			}
			all = append(all, items...)
		}
		if len(all) != len(products) {
			t.Fatalf("paged through %d products, want %d", len(all), len(products))
		}
		for i, raw := range all {
			var item struct{ ID int }
			json.Unmarshal(raw, &item)
			if want := num(t, products[i]["id"]); item.ID != want {
				t.Fatalf("item %d has id %d, want %d", i, item.ID, want)
			}
		}
	})
}
