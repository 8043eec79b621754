package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"catalog"
	"catalog/csv"
)

// dirtyDataset is a small dataset with a defect of each kind the importer
// repairs or rejects, written for the suite.
var dirtyDataset = map[string]string{
	"product.csv": "id, name, slogan, description, category, default_price\r\n" +
		"1,\"Trail Runner\",\"Light\",\"Mesh upper,\nfoam sole\",\"Kicks\", 120\r\n" +
		"2,\"Rain Shell\",null,\"Packs into its pocket\",\"Jackets\",90.5\r\n" +
		"2,\"Duplicate\",\"x\",\"x\",\"x\",1\r\n" +
		"3,\"Bad price\",\"x\",\"x\",\"x\",-4\r\n",
	// No header line.
	"features.csv": "1,1,\"Sole\",\"Foam\"\n2,1,\"Drop\",\"8\"\"\"\n3,3,\"Orphan\",null\n",
	"styles.csv": "id,productId,name,sale_price,original_price,default_style\n" +
		"1,1,\"Blue\",null,120,1\n2,1,\"Red\",99,120,0\n3,2,\"Olive\",null,90.5,1\n4,9,\"Orphan\",null,1,0\n",
	// The first row's thumbnail lacks its closing quote.
	"photos.csv": "id,styleId,url,thumbnail_url\n" +
		"1,1,\"https://img.example/1.jpg\",\"https://img.example/1-thumb.jpg\n" +
		"2,1,\"https://img.example/2.jpg\",\"https://img.example/2-thumb.jpg\"\n" +
		"3,4,\"https://img.example/3.jpg\",null\n",
	"skus.csv":    "id,styleId,size,quantity\n1,1,\"9\",3\n2,1,\"10\",0\n3,3,\"M\",x\n",
	"related.csv": "id,current_product_id,related_product_id\n1,1,2\n2,1,0\n3,2,1\n4,2,2\n",
	"cart.csv":    "id,user_session,product_id,active\n1,42,1,1\n2,42,3,1\n",
}

func testImport(t *testing.T, open Opener) {
	ctx := context.Background()
	dir := t.TempDir()
	for name, body := range dirtyDataset {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	clock := NewClock(T0)
	s := open(t, clock.Now)
	var rejects bytes.Buffer
	rep, err := csv.Import(ctx, dir, s, csv.Options{Rejects: &rejects})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	dec := json.NewDecoder(&rejects)
	for dec.More() {
		var r struct {
			File string
			Line int
		}
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r.File+":"+strconv.Itoa(r.Line))
	}
	want := []string{"product.csv:5", "product.csv:6", "styles.csv:5", "features.csv:3", "photos.csv:4", "skus.csv:4", "related.csv:3", "cart.csv:3"}
	if !reflect.DeepEqual(got, want) || rep.Rejected() != int64(len(want)) {
		t.Fatalf("rejects %v, want %v", got, want)
	}

	for _, tc := range []struct {
		id         int64
		kind       catalog.Document
		want, what string
	}{
		{1, catalog.DocProduct, `"description":"Mesh upper,\nfoam sole","category":`, "the quoted newline kept"},
		{1, catalog.DocProduct, `"default_price":"120.00"`, "the price"},
		{1, catalog.DocProduct, `"features":[{"feature":`, "features"},
		{1, catalog.DocProduct, `"value":"8\""}]`, "the second feature's quoted value"},
		{1, catalog.DocStyles, `"thumbnail_url":"https://img.example/1-thumb.jpg"`, "the first photo"},
		{1, catalog.DocStyles, `"sale_price":"99.00"`, "the second style's sale price"},
		{2, catalog.DocRelated, `[1,2]`, "its links"},
	} {
		if got := readDoc(ctx, s, tc.id, tc.kind); !strings.Contains(got, tc.want) {
			t.Fatalf("product %d's document %d = %s; want %s: %s", tc.id, tc.kind, got, tc.what, tc.want)
		}
	}
	if _, err := s.FindDocument(ctx, 3, catalog.DocProduct); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Fatalf("rejected product 3: %v", err)
	}
	items, err := s.Cart(ctx, "42")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(items, []catalog.CartItem{{SKUID: 1, Count: 1}}) {
		t.Fatalf("imported cart = %v", items)
	}
}
