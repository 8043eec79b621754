package readmodel_test

import (
	"reflect"
	"strings"
	"testing"

	"catalog"
	"catalog/readmodel"
	"catalog/wire"
)

func product(id int64, name string) catalog.Product {
	return catalog.Product{ID: id, Name: name, DefaultPrice: 100}
}

// chunkOf is a chunk of products with no other rows.
func chunkOf(ps ...catalog.Product) *readmodel.Chunk { return &readmodel.Chunk{Products: ps} }

// stampsOf are the stamps of a catalog of products, all of version 1.
func stampsOf(ps ...catalog.Product) []readmodel.Stamp {
	var out []readmodel.Stamp
	for _, p := range ps {
		d := readmodel.Encode(&p, []catalog.Style{}, []int64{})
		out = append(out, readmodel.Stamp{ID: p.ID, Hash: d.Hash, Version: 1})
	}
	return out
}

func TestBuilder(t *testing.T) {
	a, b, c, d := product(1, "a"), product(2, "b"), product(3, "c"), product(4, "d")
	for _, tc := range []struct {
		name     string
		old, new []catalog.Product
		want     catalog.Change
		versions []int64
	}{
		{"the same", []catalog.Product{a, b, c}, []catalog.Product{a, b, c},
			catalog.Change{Generation: 2}, []int64{1, 1, 1}},
		{"one changed", []catalog.Product{a, b, c}, []catalog.Product{a, product(2, "B"), c},
			catalog.Change{Generation: 2, Products: []catalog.ProductChange{{ID: 2, Pos: 2}}}, []int64{1, 2, 1}},
		{"one added", []catalog.Product{a, c}, []catalog.Product{a, b, c},
			catalog.Change{Generation: 2, Products: []catalog.ProductChange{{ID: 2, Pos: 2}}, ShiftFrom: 2}, []int64{1, 2, 1}},
		{"one deleted", []catalog.Product{a, b, c}, []catalog.Product{a, c},
			catalog.Change{Generation: 2, Products: []catalog.ProductChange{{ID: 2, Pos: 0}}, ShiftFrom: 2}, []int64{1, 1}},
		{"the last deleted", []catalog.Product{a, b, c, d}, []catalog.Product{a, b},
			catalog.Change{Generation: 2, Products: []catalog.ProductChange{{ID: 3}, {ID: 4}}, ShiftFrom: 3}, []int64{1, 1}},
		{"the first replaced", []catalog.Product{a, b}, []catalog.Product{c},
			catalog.Change{Generation: 2, Products: []catalog.ProductChange{{ID: 1}, {ID: 2}, {ID: 3, Pos: 1}}, ShiftFrom: 1}, []int64{2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bld := readmodel.NewBuilder(2)
			old := stampsOf(tc.old...)
			last := tc.new[len(tc.new)-1].ID
			upTo := 0
			for upTo < len(old) && old[upTo].ID <= last {
				upTo++
			}
			docs, err := bld.Add(chunkOf(tc.new...), old[:upTo])
			if err != nil {
				t.Fatal(err)
			}
			var versions []int64
			for _, d := range docs {
				versions = append(versions, d.Version)
			}
			if got := bld.Finish(old[upTo:]); !reflect.DeepEqual(got, tc.want) || !reflect.DeepEqual(versions, tc.versions) {
				t.Fatalf("change %+v, versions %v; want %+v, %v", got, versions, tc.want, tc.versions)
			}
		})
	}
}

func TestChunk_Docs(t *testing.T) {
	p1, p2 := product(1, "one"), product(2, "two")
	c := &readmodel.Chunk{
		Products: []catalog.Product{p1, p2},
		Features: []catalog.Feature{{ID: 7, ProductID: 2, Name: "Fabric", Value: catalog.Some("Canvas")}},
		Styles: []catalog.Style{
			{ID: 3, ProductID: 1, Name: "red", OriginalPrice: 100},
			{ID: 5, ProductID: 1, Name: "blue", OriginalPrice: 100},
		},
		Photos: []readmodel.Photo{ // a product's photos in any order
			{ProductID: 1, Photo: catalog.Photo{ID: 2, StyleID: 5, URL: catalog.Some("u2")}},
			{ProductID: 1, Photo: catalog.Photo{ID: 9, StyleID: 3, URL: catalog.Some("u9")}},
		},
		SKUs:    []readmodel.SKU{{ProductID: 1, SKU: catalog.SKU{ID: 4, StyleID: 5, Size: "M", Quantity: 2}}},
		Related: []catalog.Related{{ID: 1, ProductID: 2, RelatedID: 1}, {ID: 2, ProductID: 2, RelatedID: 2}},
	}
	docs, err := readmodel.NewBuilder(1).Add(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	want1 := wire.AppendStyles(nil, 1, []catalog.Style{
		{ID: 3, ProductID: 1, Name: "red", OriginalPrice: 100, Photos: []catalog.Photo{{ID: 9, StyleID: 3, URL: catalog.Some("u9")}}},
		{ID: 5, ProductID: 1, Name: "blue", OriginalPrice: 100, Photos: []catalog.Photo{{ID: 2, StyleID: 5, URL: catalog.Some("u2")}},
			SKUs: []catalog.SKU{{ID: 4, StyleID: 5, Size: "M", Quantity: 2}}},
	})
	p2.Features = c.Features
	for _, tc := range []struct {
		id   int64
		kind catalog.Document
		got  []byte
		want []byte
	}{
		{1, catalog.DocStyles, docs[0].Styles, want1},
		{1, catalog.DocRelated, docs[0].Related, []byte("[]")},
		{2, catalog.DocProduct, docs[1].Product, wire.AppendProductDoc(nil, &p2)},
		{2, catalog.DocStyles, docs[1].Styles, []byte(`{"product_id":"2","results":[]}`)},
		{2, catalog.DocRelated, docs[1].Related, []byte("[1,2]")},
	} {
		if got, err := readmodel.JSON(tc.got, tc.id, tc.kind); err != nil || string(got) != string(tc.want) {
			t.Errorf("got %s (%v)\nwant %s", got, err, tc.want)
		}
		if long := len(tc.want) >= readmodel.MinPacked; readmodel.Packed(tc.got) != long {
			t.Errorf("product %d's document %d of %d bytes: packed %v, want %v", tc.id, tc.kind, len(tc.want), !long, long)
		}
	}
	if docs[0].Hash == docs[1].Hash {
		t.Error("two products' documents hash alike")
	}
}

func TestChunk_DocsOutOfOrder(t *testing.T) {
	for name, c := range map[string]*readmodel.Chunk{
		"a feature of no product": {Products: []catalog.Product{product(2, "b")},
			Features: []catalog.Feature{{ID: 1, ProductID: 1, Name: "x"}}},
		"a feature past the last product": {Products: []catalog.Product{product(2, "b")},
			Features: []catalog.Feature{{ID: 1, ProductID: 3, Name: "x"}}},
		"a photo of another product's style": {Products: []catalog.Product{product(1, "a")},
			Styles: []catalog.Style{{ID: 1, ProductID: 1}},
			Photos: []readmodel.Photo{{ProductID: 1, Photo: catalog.Photo{ID: 1, StyleID: 2}}}},
	} {
		if _, err := readmodel.NewBuilder(1).Add(c, nil); err == nil || !strings.Contains(err.Error(), "product") && !strings.Contains(err.Error(), "style") {
			t.Errorf("%s: err = %v, want one naming the row", name, err)
		}
	}
}
