package csv_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"catalog"
	"catalog/csv"
	"catalog/storetest"
)

// writeDataset writes files into a new directory; the six required files
// default to a header alone.
func writeDataset(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	defaults := map[string]string{
		csv.Products.File: csv.Products.Header(), csv.Features.File: csv.Features.Header(),
		csv.Styles.File: csv.Styles.Header(), csv.Photos.File: csv.Photos.Header(),
		csv.SKUs.File: csv.SKUs.Header(), csv.Related.File: csv.Related.Header(),
	}
	for name, body := range files {
		defaults[name] = body
	}
	for name, body := range defaults {
		if body == "-" {
			continue // absent
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type rejectLine struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	Record string `json:"record"`
}

func readRejects(t *testing.T, b []byte) []rejectLine {
	t.Helper()
	var out []rejectLine
	dec := json.NewDecoder(bytes.NewReader(b))
	for dec.More() {
		var r rejectLine
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("rejects file: %v", err)
		}
		out = append(out, r)
	}
	return out
}

func fileReport(t *testing.T, rep *csv.Report, name string) csv.FileReport {
	t.Helper()
	for _, f := range rep.Files {
		if f.File == name {
			if !f.Absent && !f.Balanced() {
				t.Errorf("%s: report does not balance: %+v", name, f)
			}
			return f
		}
	}
	t.Fatalf("no report for %s", name)
	return csv.FileReport{}
}

func TestImport_Clean(t *testing.T) {
	dir := writeDataset(t, map[string]string{
		csv.Products.File: "id,name,slogan,description,category,default_price\n" +
			"1,\"Parka\",\"Warm\",\"Line one\nline two, with \"\"quotes\"\"\",\"Jackets\",140\n" +
			"2,\"Sunglasses\",\"Shady\",\"Dark\",\"Accessories\",69.5\n",
		csv.Features.File:  "id,product_id,feature,value\n1,1,\"Fabric\",\"Canvas\"\n2,2,\"UV Protection\",null\n",
		csv.Styles.File:    "id,productId,name,sale_price,original_price,default_style\n1,1,\"Green\",null,140,1\n2,2,\"Black\",50,69.5,0\n",
		csv.Photos.File:    "id,styleId,url,thumbnail_url\n1,1,\"https://u/1?w=668\",\"https://u/1?w=300\"\n",
		csv.SKUs.File:      "id,styleId,size,quantity\n2,1,\"M\",3\n1,1,\"S\",0\n",
		csv.Related.File:   "id,current_product_id,related_product_id\n1,1,2\n2,1,1\n3,1,2\n",
		csv.CartLines.File: "id,user_session,product_id,active\n1,1234,2,1\n2,1234,1,0\n",
	})
	s := &storetest.Recorder{}
	var rejects bytes.Buffer
	rep, err := csv.Import(context.Background(), dir, s, csv.Options{Rejects: &rejects})
	if err != nil {
		t.Fatal(err)
	}
	if rejects.Len() != 0 || rep.Rejected() != 0 {
		t.Fatalf("rejects: %s", rejects.String())
	}
	if s.Live == nil || s.Rollbacks != 0 {
		t.Fatalf("committed %v, rollbacks %d", s.Live != nil, s.Rollbacks)
	}
	want := []catalog.Product{
		{ID: 1, Name: "Parka", Slogan: str("Warm"), Description: str("Line one\nline two, with \"quotes\""), Category: str("Jackets"), DefaultPrice: 14000},
		{ID: 2, Name: "Sunglasses", Slogan: str("Shady"), Description: str("Dark"), Category: str("Accessories"), DefaultPrice: 6950},
	}
	if !reflect.DeepEqual(s.Live.Products, want) {
		t.Fatalf("products = %+v, want %+v", s.Live.Products, want)
	}
	p := fileReport(t, rep, csv.Products.File)
	if p.Lines != 4 || p.Loaded != 2 || p.LoadedLines != 3 || p.HeaderLines != 1 {
		t.Fatalf("product report = %+v", p)
	}
	for name, n := range map[string]int{"features": len(s.Live.Features), "styles": len(s.Live.Styles),
		"photos": len(s.Live.Photos), "skus": len(s.Live.SKUs), "related": len(s.Live.Related), "cart": len(s.Live.CartLines)} {
		want := map[string]int{"features": 2, "styles": 2, "photos": 1, "skus": 2, "related": 3, "cart": 2}[name]
		if n != want {
			t.Errorf("%s: %d rows loaded, want %d", name, n, want)
		}
	}
}

// TestImport_Dirty: every kind of defect, handled by its rule, every line
// accounted for.
func TestImport_Dirty(t *testing.T) {
	dir := writeDataset(t, map[string]string{
		// A BOM, CRLF, a spaced header, spaces around numbers; bad ids,
		// prices, a duplicate and a malformed row.
		csv.Products.File: "\xef\xbb\xbfid, name, slogan, description, category, default_price\r\n" +
			"1,\"One\",\"s\",\"d\",\"c\", 10\r\n" +
			"2,\"Two\",\"s\",\"d\",\"c\",20\r\n" +
			"\r\n" +
			"1,\"One again\",\"s\",\"d\",\"c\",10\r\n" +
			"0,\"Zero\",\"s\",\"d\",\"c\",10\r\n" +
			"-3,\"Minus\",\"s\",\"d\",\"c\",10\r\n" +
			"4,\"Bad price\",\"s\",\"d\",\"c\",-10\r\n" +
			"5,\"Malformed\",\"s\",\"d\",\"Shoes\",\"default_price\": 49\r\n" +
			"6,\"Short\",\"s\"\r\n" +
			"7,\"Seven\",\"s\",\"d\",\"c\",70\r\n",
		// No header line.
		csv.Features.File: "1,1,\"Fabric\",\"Canvas\"\n2,5,\"Orphan\",null\n3,0,\"Zero\",null\n",
		csv.Styles.File: "id,productId,name,sale_price,original_price,default_style\n" +
			"1,1,\"A\",null,10,1\n2,2,\"B\",null,20,1\n3,99,\"Orphan\",null,1,0\n4,7,\"C\",null,x,1\n",
		// Unterminated quotes closed at the end of the line (the 2020 photos
		// defect), an orphan.
		csv.Photos.File: "id, styleId, url, thumbnail_url\n" +
			"1,1,\"https://u/1\",\"https://t/1\n" +
			"2,1,\"https://u/2\",\"https://t/2\"\n" +
			"3,3,\"https://u/3\",\"https://t/3\"\n" +
			"4,2,\"https://u/4\",\"https://t/4",
		csv.SKUs.File:      "id,styleId,size,quantity\n1,1,\"S\",5\n2,1,\"M\",-1\n3,4,\"L\",1\n",
		csv.Related.File:   "id,current_product_id,related_product_id\n1,1,2\n2,1,0\n3,1,5\n4,99,1\n5,2,2\n",
		csv.CartLines.File: "id,user_session,product_id,active\n1,77,1,1\n2,77,3,1\n",
	})
	s := &storetest.Recorder{}
	var rejects bytes.Buffer
	rep, err := csv.Import(context.Background(), dir, s, csv.Options{Rejects: &rejects})
	if err != nil {
		t.Fatal(err)
	}
	if s.Live == nil {
		t.Fatal("not committed")
	}
	if got := ids(s.Live.Products, func(p catalog.Product) int64 { return p.ID }); !reflect.DeepEqual(got, []int64{1, 2, 7}) {
		t.Errorf("products loaded = %v, want [1 2 7]", got)
	}
	if s.Live.Products[0].Name != "One" {
		t.Errorf("duplicate id: %q won, want the first row", s.Live.Products[0].Name)
	}
	if got := ids(s.Live.Photos, func(p catalog.Photo) int64 { return p.ID }); !reflect.DeepEqual(got, []int64{1, 2, 4}) {
		t.Errorf("photos loaded = %v, want [1 2 4]", got)
	}
	if got := s.Live.Photos[0].ThumbnailURL; got != str("https://t/1") {
		t.Errorf("repaired thumbnail = %+v", got)
	}
	if got := ids(s.Live.Related, func(r catalog.Related) int64 { return r.ID }); !reflect.DeepEqual(got, []int64{1, 5}) {
		t.Errorf("related loaded = %v, want [1 5]", got)
	}

	wantRejects := []struct {
		file   string
		line   int
		reason string
	}{
		{"product.csv", 5, "duplicate id 1"},
		{"product.csv", 6, `id "0" is not an id`},
		{"product.csv", 7, `id "-3" is not an id`},
		{"product.csv", 8, `default_price "-10" is not a price`},
		{"product.csv", 9, "text after the closing quote"},
		{"product.csv", 10, "has 3 fields, want 6"},
		{"styles.csv", 4, "orphan: product 99 does not exist"},
		{"styles.csv", 5, `original_price "x" is not a price`},
		{"features.csv", 2, "orphan: product 5 does not exist"},
		{"features.csv", 3, `product_id "0" is not an id`},
		{"photos.csv", 4, "orphan: style 3 does not exist"},
		{"skus.csv", 3, `quantity "-1"`},
		{"skus.csv", 4, "orphan: style 4 does not exist"},
		{"related.csv", 3, `related_product_id "0" is not an id`},
		{"related.csv", 4, "orphan: related product 5 does not exist"},
		{"related.csv", 5, "orphan: product 99 does not exist"},
		{"cart.csv", 3, "orphan: sku 3 does not exist"},
	}
	got := readRejects(t, rejects.Bytes())
	if len(got) != len(wantRejects) {
		t.Fatalf("%d rejects, want %d:\n%s", len(got), len(wantRejects), rejects.String())
	}
	for i, w := range wantRejects {
		g := got[i]
		if g.File != w.file || g.Line != w.line || !strings.Contains(g.Reason, w.reason) {
			t.Errorf("reject %d = %+v, want %s:%d %q", i, g, w.file, w.line, w.reason)
		}
	}
	if got[0].Record != `1,"One again","s","d","c",10` {
		t.Errorf("reject record = %q, want the line as in the file", got[0].Record)
	}

	p := fileReport(t, rep, csv.Products.File)
	if p.Lines != 11 || p.HeaderLines != 1 || p.BlankLines != 1 || p.Loaded != 3 || p.Rejected != 6 || p.Repaired != 1 {
		t.Errorf("product report = %+v", p)
	}
	for _, note := range []string{"byte order mark", "CR LF", `header "id, name, slogan`} {
		if !strings.Contains(strings.Join(p.Notes, "\n"), note) {
			t.Errorf("product notes %q lack %q", p.Notes, note)
		}
	}
	if f := fileReport(t, rep, csv.Features.File); f.HeaderLines != 0 || f.Loaded != 1 || !strings.Contains(strings.Join(f.Notes, ""), "no header line") {
		t.Errorf("features report = %+v", f)
	}
	ph := fileReport(t, rep, csv.Photos.File)
	if ph.Repaired != 2 || len(ph.Repairs) != 2 || ph.Repairs[0].Line != 2 || ph.Repairs[1].Line != 5 {
		t.Errorf("photos repairs = %+v", ph)
	}
	if rep.Rejected() != int64(len(wantRejects)) {
		t.Errorf("Rejected() = %d, want %d", rep.Rejected(), len(wantRejects))
	}
}

func ids[T any](rows []T, id func(T) int64) []int64 {
	out := []int64{}
	for _, r := range rows {
		out = append(out, id(r))
	}
	return out
}

func TestImport_Errors(t *testing.T) {
	ctx := context.Background()
	t.Run("MissingFile", func(t *testing.T) {
		dir := writeDataset(t, map[string]string{csv.Styles.File: "-"})
		s := &storetest.Recorder{}
		_, err := csv.Import(ctx, dir, s, csv.Options{})
		if err == nil || !strings.Contains(err.Error(), "styles.csv") {
			t.Fatalf("err = %v, want one naming styles.csv", err)
		}
		if s.Loads != 0 {
			t.Fatal("a load began although a file was missing")
		}
	})
	t.Run("UnknownHeader", func(t *testing.T) {
		dir := writeDataset(t, map[string]string{
			csv.Products.File: "id,name,slogan,description,category,default_price\n1,\"P\",\"s\",\"d\",\"c\",1\n",
			csv.Photos.File:   "id,style,link\n1,1,x\n",
		})
		s := &storetest.Recorder{}
		_, err := csv.Import(ctx, dir, s, csv.Options{})
		if err == nil || !strings.Contains(err.Error(), "lacks the columns styleId,url,thumbnail_url") {
			t.Fatalf("err = %v", err)
		}
		if s.Live != nil || s.Rollbacks != 1 {
			t.Fatalf("committed %v, rollbacks %d; want a rollback", s.Live != nil, s.Rollbacks)
		}
	})
	t.Run("ColumnsByName", func(t *testing.T) {
		// Columns in another order, and one more, are read by name.
		dir := writeDataset(t, map[string]string{
			csv.Products.File: "id,name,slogan,description,category,default_price\n1,\"P\",\"s\",\"d\",\"c\",1\n",
			csv.Styles.File:   "id,productId,name,sale_price,original_price,default_style\n1,1,\"S\",null,1,1\n",
			csv.Photos.File:   "id,style_id,thumbnail_url,url,extra\n1,1,\"thumb\",\"full\",zzz\n",
		})
		s := &storetest.Recorder{}
		rep, err := csv.Import(ctx, dir, s, csv.Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := catalog.Photo{ID: 1, StyleID: 1, URL: str("full"), ThumbnailURL: str("thumb")}
		if len(s.Live.Photos) != 1 || s.Live.Photos[0] != want {
			t.Fatalf("photos = %+v, want %+v", s.Live.Photos, want)
		}
		if notes := strings.Join(fileReport(t, rep, csv.Photos.File).Notes, "\n"); !strings.Contains(notes, "extra are not used") {
			t.Fatalf("notes = %q", notes)
		}
	})
	t.Run("StoreFails", func(t *testing.T) {
		dir := writeDataset(t, map[string]string{
			csv.Products.File: "id,name,slogan,description,category,default_price\n1,\"P\",\"s\",\"d\",\"c\",1\n",
		})
		s := &storetest.Recorder{FailOn: "products"}
		_, err := csv.Import(ctx, dir, s, csv.Options{})
		if !errors.Is(err, storetest.ErrRecorderFailed) {
			t.Fatalf("err = %v, want the store's error", err)
		}
		if s.Live != nil || s.Rollbacks != 1 {
			t.Fatalf("committed %v, rollbacks %d; want a rollback", s.Live != nil, s.Rollbacks)
		}
	})
	t.Run("Canceled", func(t *testing.T) {
		dir := writeDataset(t, nil)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		s := &storetest.Recorder{}
		if _, err := csv.Import(cctx, dir, s, csv.Options{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if s.Live != nil {
			t.Fatal("a canceled import committed")
		}
	})
}

func TestImport_Refuses(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"EmptyProducts", map[string]string{csv.Products.File: ""}, "product.csv: the file is empty"},
		{"BlankStyles", map[string]string{
			csv.Products.File: "id,name,slogan,description,category,default_price\n1,\"P\",\"s\",\"d\",\"c\",1\n",
			csv.Styles.File:   "\n\n"}, "styles.csv: the file is empty"},
		{"NoProductLoads", map[string]string{csv.Products.File: "id,name,slogan,description,category,default_price\n1,\"P\",\"s\",\"d\",\"c\",-1\n"},
			"no product could be loaded (1 rejected)"},
		{"HeaderOnly", map[string]string{}, "no product could be loaded (0 rejected)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &storetest.Recorder{}
			_, err := csv.Import(ctx, writeDataset(t, tc.files), s, csv.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
			if s.Live != nil || s.Rollbacks != s.Loads {
				t.Fatalf("committed %v; %d loads, %d rollbacks", s.Live != nil, s.Loads, s.Rollbacks)
			}
		})
	}
}

// A file without a header whose first row is malformed: that row is
// rejected and the rest loads.
func TestImport_HeaderlessMalformedFirstRow(t *testing.T) {
	dir := writeDataset(t, map[string]string{
		csv.Products.File: "id,name,slogan,description,category,default_price\n1,\"P\",\"s\",\"d\",\"c\",1\n",
		csv.Features.File: "1,1,\"Fabric\",\"Canvas\"x\n2,1,\"Cut\",\"Loose\"\n",
	})
	s := &storetest.Recorder{}
	var rejects bytes.Buffer
	rep, err := csv.Import(context.Background(), dir, s, csv.Options{Rejects: &rejects})
	if err != nil {
		t.Fatal(err)
	}
	f := fileReport(t, rep, csv.Features.File)
	if f.HeaderLines != 0 || f.Loaded != 1 || f.Rejected != 1 || len(s.Live.Features) != 1 || s.Live.Features[0].ID != 2 {
		t.Fatalf("features report %+v, loaded %+v", f, s.Live.Features)
	}
	if r := readRejects(t, rejects.Bytes()); len(r) != 1 || r[0].Line != 1 {
		t.Fatalf("rejects %+v", r)
	}
}

// FuzzImport_Accounting: whatever one file holds, the import does not crash,
// and either refuses the file (its header, an empty dataset) or accounts for
// every one of its lines, the rows it loaded being the rows the store got.
func FuzzImport_Accounting(f *testing.F) {
	f.Add(uint8(3), "id,styleId,url,thumbnail_url\n1,1,\"a\",\"b\n2,1,\"c\",\"d\"\n")
	f.Add(uint8(2), "1,1,\"Fabric\",\"Canvas\"\n2,1,null,null\n")
	f.Add(uint8(4), "id, styleId, size, quantity\r\n1,1,\"XS\", 8\r\n1,1,\"S\",-1\r\n")
	f.Add(uint8(5), "\xef\xbb\xbfid,current_product_id,related_product_id\n1,1,1\n2,1,0\n")
	f.Add(uint8(7), "id, product_id, rating, date, summary, body, recommend, reported, reviewer_name, reviewer_email, response, helpfulness\n"+
		"3,1,5,1596080481467,\"s\",\"b\",true,false,\"n\",\"e\",null,1\n4,2,1,\"2019-01-01\",\"s\",\"b\",0,1,\"n\",,,0\n")
	f.Add(uint8(10), "id,characteristic_id,review_id,value\n1,1,1,5\n2,1,1,4\n3,1,2,1\n")
	f.Add(uint8(12), "id, question_id, body, date_written, answerer_name, answerer_email, reported, helpful\n"+
		"2,1,\"b\",1596080481467,\"n\",null,0,1\n3,9,\"b\",\"2019-01-01\",\"n\",,1,0\n2,1,\"\",1,\"n\",\"e\",2,-1\n")
	f.Add(uint8(13), "id,answer_id,url\n1,1,\"https://u/1\"\n2,7,\"https://u/2\"\n")
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		files := []string{csv.Products.File, csv.Styles.File, csv.Features.File, csv.Photos.File, csv.SKUs.File, csv.Related.File, csv.CartLines.File,
			csv.Reviews.File, csv.ReviewPhotos.File, csv.Characteristics.File, csv.CharacteristicVotes.File,
			csv.Questions.File, csv.Answers.File, csv.AnswerPhotos.File}
		i := int(which) % len(files)
		name := files[i]
		dataset := map[string]string{
			csv.Products.File: "id,name,slogan,description,category,default_price\n1,\"P\",\"s\",\"d\",\"c\",1\n2,\"Q\",null,null,null,2\n",
			csv.Styles.File:   "id,productId,name,sale_price,original_price,default_style\n1,1,\"S\",null,1,1\n2,2,\"T\",null,2,0\n",
			csv.SKUs.File:     "id,styleId,size,quantity\n1,1,\"M\",5\n",
		}
		if i >= 7 && i < 11 { // the review files come together
			dataset[csv.Reviews.File] = csv.Reviews.Header() + "1,1,5,1596080481467,\"s\",\"b\",true,false,\"n\",\"e\",null,1\n"
			dataset[csv.ReviewPhotos.File] = csv.ReviewPhotos.Header() + "1,1,\"https://u/1\"\n"
			dataset[csv.Characteristics.File] = csv.Characteristics.Header() + "1,1,\"Fit\"\n2,2,\"Fit\"\n"
			dataset[csv.CharacteristicVotes.File] = csv.CharacteristicVotes.Header() + "1,1,1,3\n"
		}
		if i >= 11 { // and so do the Q&A files
			dataset[csv.Questions.File] = csv.Questions.Header() + "1,1,\"b\",1596080481467,\"n\",\"e\",0,1\n2,2,\"c\",1596080481467,\"n\",null,1,0\n"
			dataset[csv.Answers.File] = csv.Answers.Header() + "1,1,\"b\",1596080481467,\"n\",\"e\",0,1\n"
			dataset[csv.AnswerPhotos.File] = csv.AnswerPhotos.Header() + "1,1,\"https://u/1\"\n"
		}
		dataset[name] = body
		dir := writeDataset(t, dataset)
		s := &storetest.Recorder{}
		rep, err := csv.Import(context.Background(), dir, s, csv.Options{Rejects: io.Discard})
		if err != nil {
			if strings.Contains(err.Error(), "bug") {
				t.Fatal(err)
			}
			return
		}
		fr := fileReport(t, rep, name) // fails unless balanced
		got := map[string]int{
			csv.Products.File: len(s.Live.Products), csv.Styles.File: len(s.Live.Styles), csv.Features.File: len(s.Live.Features),
			csv.Photos.File: len(s.Live.Photos), csv.SKUs.File: len(s.Live.SKUs), csv.Related.File: len(s.Live.Related),
			csv.CartLines.File: len(s.Live.CartLines), csv.Reviews.File: len(s.Live.Reviews), csv.ReviewPhotos.File: len(s.Live.ReviewPhotos),
			csv.Characteristics.File: len(s.Live.Characteristics), csv.CharacteristicVotes.File: len(s.Live.CharacteristicVotes),
			csv.Questions.File: len(s.Live.Questions), csv.Answers.File: len(s.Live.Answers), csv.AnswerPhotos.File: len(s.Live.AnswerPhotos),
		}[name]
		if int64(got) != fr.Loaded {
			t.Fatalf("%s: report says %d loaded, the store got %d", name, fr.Loaded, got)
		}
	})
}

// progress records what an import tells its Progress, per file.
type progress struct {
	mu    sync.Mutex
	files map[string]*fileProgress
}

type fileProgress struct {
	size, read         int64
	accepted, rejected int64
	rowCalls, done     int
}

func (p *progress) StartFile(name string, size int64) csv.FileProgress {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := &fileProgress{size: size}
	p.files[name] = f
	return f
}

func (f *fileProgress) Read(n int) { f.read += int64(n) }
func (f *fileProgress) Rows(accepted, rejected int64) {
	f.accepted += accepted
	f.rejected += rejected
	f.rowCalls++
}
func (f *fileProgress) Done() { f.done++ }

func TestImport_Progress(t *testing.T) {
	// Enough products for several batches, every seventh one rejected.
	var products strings.Builder
	products.WriteString(csv.Products.Header() + "\n")
	const n = 5000
	for i := 1; i <= n; i++ {
		price := "10"
		if i%7 == 0 {
			price = "ten"
		}
		fmt.Fprintf(&products, "%d,\"P%d\",\"s\",\"d\",\"c\",%s\n", i, i, price)
	}
	dir := writeDataset(t, map[string]string{
		csv.Products.File: products.String(),
		csv.Styles.File:   csv.Styles.Header() + "\n1,1,\"A\",null,10,1\n2,7,\"B\",null,10,1\n",
	})
	p := &progress{files: map[string]*fileProgress{}}
	rep, err := csv.Import(context.Background(), dir, &storetest.Recorder{}, csv.Options{Progress: p})
	if err != nil {
		t.Fatal(err)
	}
	for _, fr := range rep.Files {
		if fr.Absent {
			continue
		}
		f := p.files[fr.File]
		if f == nil {
			t.Errorf("%s: no progress", fr.File)
			continue
		}
		if f.read != f.size || f.done != 1 {
			t.Errorf("%s: read %d of %d bytes, done %d times; want all, once", fr.File, f.read, f.size, f.done)
		}
		if f.accepted != fr.Loaded || f.rejected != fr.Rejected {
			t.Errorf("%s: progress told %d accepted, %d rejected; the report says %d, %d", fr.File, f.accepted, f.rejected, fr.Loaded, fr.Rejected)
		}
	}
	if f := p.files[csv.Products.File]; f.rowCalls < 3 || f.rejected != n/7 {
		t.Errorf("products: told %d times with %d rejected, want a count per batch with %d rejected", f.rowCalls, f.rejected, n/7)
	}
}
