package csv_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"catalog"
	"catalog/csv"
	"catalog/internal/sampledata"
	"catalog/storetest"
)

// ms is a time of the dataset: epoch milliseconds, in UTC.
func ms(n int64) time.Time { return time.UnixMilli(n).UTC() }

// review is a review as the parser tests' lines give it, changed by edit.
func review(edit func(*catalog.Review)) catalog.Review {
	r := catalog.Review{ID: 1, ProductID: 2, Rating: 5, Date: ms(1596080481467), Summary: "Warm", Body: "Very warm.",
		Recommend: true, ReviewerName: "ann", ReviewerEmail: "ann@example.com", Helpfulness: 8}
	if edit != nil {
		edit(&r)
	}
	return r
}

func TestTable_ParseReviews(t *testing.T) {
	// line makes a review line of the fields given by position, the others
	// those of review(nil).
	line := func(set map[int]string) string {
		f := []string{"1", "2", "5", "1596080481467", `"Warm"`, `"Very warm."`, "true", "false", `"ann"`, `"ann@example.com"`, "null", "8"}
		for i, s := range set {
			f[i] = s
		}
		return strings.Join(f, ",")
	}
	for _, tc := range []struct {
		name    string
		line    string
		want    catalog.Review
		repair  csv.Repair
		wantErr string
	}{
		{name: "OK", line: line(nil), want: review(nil)},
		{name: "Response", line: line(map[int]string{10: `"Glad you like it!"`}),
			want: review(func(r *catalog.Review) { r.Response = str("Glad you like it!") })},
		{name: "ResponseNULL", line: line(map[int]string{10: "NULL"}), want: review(nil)},
		{name: "ResponseUnquotedEmpty", line: line(map[int]string{10: ""}), want: review(nil)},
		{name: "ResponseQuotedEmpty", line: line(map[int]string{10: `""`}),
			want: review(func(r *catalog.Review) { r.Response = str("") })},
		{name: "ResponseQuotedNull", line: line(map[int]string{10: `"null"`}),
			want: review(func(r *catalog.Review) { r.Response = str("null") })},
		{name: "DateISO", line: line(map[int]string{3: `"2019-01-01"`}),
			want: review(func(r *catalog.Review) { r.Date = time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC) })},
		{name: "DateISOTime", line: line(map[int]string{3: "2020-07-30T00:00:00.000Z"}),
			want: review(func(r *catalog.Review) { r.Date = time.Date(2020, 7, 30, 0, 0, 0, 0, time.UTC) })},
		{name: "DateISOZone", line: line(map[int]string{3: `"2020-07-30T02:00:00+02:00"`}),
			want: review(func(r *catalog.Review) { r.Date = time.Date(2020, 7, 30, 0, 0, 0, 0, time.UTC) })},
		{name: "DateQuotedEpoch", line: line(map[int]string{3: `"1596080481467"`}), want: review(nil)},
		{name: "DateFirst", line: line(map[int]string{3: "631152000000"}),
			want: review(func(r *catalog.Review) { r.Date = csv.MinDate })},
		{name: "Flags10", line: line(map[int]string{6: "0", 7: "1"}),
			want: review(func(r *catalog.Review) { r.Recommend, r.Reported = false, true })},
		{name: "FlagsTF", line: line(map[int]string{6: "F", 7: "TRUE"}),
			want: review(func(r *catalog.Review) { r.Recommend, r.Reported = false, true })},
		{name: "EmptyTexts", line: line(map[int]string{4: `""`, 5: "", 9: "null"}),
			want: review(func(r *catalog.Review) { r.Summary, r.Body, r.ReviewerEmail = "", "", "" })},
		{name: "Spaces", line: line(map[int]string{0: " 1", 2: "5 ", 11: " 8"}), repair: csv.RepairSpaceAroundNumber, want: review(nil)},
		{name: "HelpfulnessZero", line: line(map[int]string{11: "0"}),
			want: review(func(r *catalog.Review) { r.Helpfulness = 0 })},

		{name: "ID", line: line(map[int]string{0: "0"}), wantErr: `id "0" is not an id`},
		{name: "ProductID", line: line(map[int]string{1: "x"}), wantErr: `product_id "x" is not an id`},
		{name: "RatingZero", line: line(map[int]string{2: "0"}), wantErr: `rating "0" is not a whole number from 1 to 5`},
		{name: "RatingSix", line: line(map[int]string{2: "6"}), wantErr: `rating "6" is not a whole number from 1 to 5`},
		{name: "RatingHalf", line: line(map[int]string{2: "4.5"}), wantErr: `rating "4.5"`},
		{name: "RatingNull", line: line(map[int]string{2: "null"}), wantErr: `rating "null"`},
		{name: "DateSeconds", line: line(map[int]string{3: "1596080481"}), wantErr: `date "1596080481" is 1970-01-19T11:21:20.481Z, not from 1990 to 2099`},
		{name: "DateLate", line: line(map[int]string{3: "4102444800000"}), wantErr: "is 2100-01-01T00:00:00Z, not from 1990 to 2099"},
		{name: "DateNegative", line: line(map[int]string{3: "-1"}), wantErr: `date "-1" is not a date`},
		{name: "DateSpreadsheet", line: line(map[int]string{3: "1.60E+12"}), wantErr: `date "1.60E+12" is not a date`},
		{name: "DateMonth13", line: line(map[int]string{3: `"2019-13-01"`}), wantErr: `date "2019-13-01" is not a date`},
		{name: "DateOld", line: line(map[int]string{3: `"1989-12-31"`}), wantErr: "not from 1990 to 2099"},
		{name: "DateMissing", line: line(map[int]string{3: "null"}), wantErr: `date "null" is not a date`},
		{name: "DateHuge", line: line(map[int]string{3: "99999999999999999999"}), wantErr: "is not a date"},
		{name: "Recommend", line: line(map[int]string{6: "yes"}), wantErr: `recommend "yes" is not true or false`},
		{name: "Reported", line: line(map[int]string{7: "2"}), wantErr: `reported "2" is not true or false`},
		{name: "NameNull", line: line(map[int]string{8: "null"}), wantErr: "reviewer_name is missing"},
		{name: "NameEmpty", line: line(map[int]string{8: `""`}), wantErr: "reviewer_name is missing"},
		{name: "NameBlank", line: line(map[int]string{8: `"  "`}), wantErr: "reviewer_name is missing"},
		{name: "HelpfulnessNegative", line: line(map[int]string{11: "-1"}), wantErr: `helpfulness "-1" is not a whole number from 0`},
		{name: "HelpfulnessNull", line: line(map[int]string{11: "null"}), wantErr: `helpfulness "null"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, repair, err := parseLine(t, csv.Reviews, tc.line)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("%s: err = %v, want one containing %q", tc.line, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tc.line, err)
			}
			if !reflect.DeepEqual(got, tc.want) || repair != tc.repair {
				t.Fatalf("%s:\ngot  %+v (repair %v)\nwant %+v (repair %v)", tc.line, got, repair, tc.want, tc.repair)
			}
		})
	}
}

func TestTable_ParseReviewChildren(t *testing.T) {
	for _, tc := range []struct {
		parse   func() (any, error)
		want    any
		wantErr string
	}{
		{parse: rowOf(t, csv.ReviewPhotos, `8,10,"https://u/8?w=668&q=80"`), want: catalog.ReviewPhoto{ID: 8, ReviewID: 10, URL: "https://u/8?w=668&q=80"}},
		{parse: rowOf(t, csv.ReviewPhotos, `8,10,https://u/8`), want: catalog.ReviewPhoto{ID: 8, ReviewID: 10, URL: "https://u/8"}},
		{parse: rowOf(t, csv.ReviewPhotos, `8,10,null`), wantErr: "url is missing"},
		{parse: rowOf(t, csv.ReviewPhotos, `8,10,""`), wantErr: "url is missing"},
		{parse: rowOf(t, csv.ReviewPhotos, `8,0,"https://u/8"`), wantErr: `review_id "0" is not an id`},
		{parse: rowOf(t, csv.Characteristics, `1,1,"Fit"`), want: catalog.Characteristic{ID: 1, ProductID: 1, Name: "Fit"}},
		{parse: rowOf(t, csv.Characteristics, `1,1,Fit`), want: catalog.Characteristic{ID: 1, ProductID: 1, Name: "Fit"}},
		{parse: rowOf(t, csv.Characteristics, `1,1,null`), wantErr: "name is missing"},
		{parse: rowOf(t, csv.Characteristics, `x,1,"Fit"`), wantErr: `id "x" is not an id`},
		{parse: rowOf(t, csv.Characteristics, `1,-1,"Fit"`), wantErr: `product_id "-1" is not an id`},
		{parse: rowOf(t, csv.CharacteristicVotes, `1,1,1,4`), want: catalog.CharacteristicVote{ID: 1, CharacteristicID: 1, ReviewID: 1, Value: 4}},
		{parse: rowOf(t, csv.CharacteristicVotes, `1,1,1,1`), want: catalog.CharacteristicVote{ID: 1, CharacteristicID: 1, ReviewID: 1, Value: 1}},
		{parse: rowOf(t, csv.CharacteristicVotes, `1,1,1,0`), wantErr: `value "0" is not a whole number from 1 to 5`},
		{parse: rowOf(t, csv.CharacteristicVotes, `1,1,1,6`), wantErr: `value "6" is not a whole number from 1 to 5`},
		{parse: rowOf(t, csv.CharacteristicVotes, `1,1,1,3.5`), wantErr: `value "3.5"`},
		{parse: rowOf(t, csv.CharacteristicVotes, `1,null,1,3`), wantErr: `characteristic_id "null" is not an id`},
		{parse: rowOf(t, csv.CharacteristicVotes, `1,1,0,3`), wantErr: `review_id "0" is not an id`},
	} {
		got, err := tc.parse()
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tc.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
		}
	}
}

func TestTable_AppendReviews(t *testing.T) {
	r := review(func(r *catalog.Review) { r.Body = `Say "hi"`; r.ReviewerEmail = "" })
	for _, tc := range []struct {
		got, want string
	}{
		{string(csv.Reviews.Append(nil, r)), `1,2,5,1596080481467,"Warm","Say ""hi""",true,false,"ann","",null,8` + "\n"},
		{string(csv.Reviews.Append(nil, review(func(r *catalog.Review) { r.Response = str("null") }))),
			`1,2,5,1596080481467,"Warm","Very warm.",true,false,"ann","ann@example.com","null",8` + "\n"},
		{string(csv.ReviewPhotos.Append(nil, catalog.ReviewPhoto{ID: 1, ReviewID: 5, URL: "https://u/1"})), `1,5,"https://u/1"` + "\n"},
		{string(csv.Characteristics.Append(nil, catalog.Characteristic{ID: 1, ProductID: 1, Name: "Fit"})), `1,1,"Fit"` + "\n"},
		{string(csv.CharacteristicVotes.Append(nil, catalog.CharacteristicVote{ID: 1, CharacteristicID: 2, ReviewID: 3, Value: 4})), "1,2,3,4\n"},
		{csv.Reviews.Header(), "id,product_id,rating,date,summary,body,recommend,reported,reviewer_name,reviewer_email,response,helpfulness\n"},
	} {
		if tc.got != tc.want {
			t.Errorf("got  %q\nwant %q", tc.got, tc.want)
		}
	}
}

// anyTable parses a line with one of the tables, and writes a row back.
type anyTable struct {
	parse  func(fields []string, quoted []bool) (any, error)
	append func(b []byte, row any) []byte
	fields int
}

func tableOf[T any](tab *csv.Table[T]) anyTable {
	return anyTable{
		parse: func(fields []string, quoted []bool) (any, error) {
			row, _, err := tab.Parse(fields, quoted)
			return row, err
		},
		append: func(b []byte, row any) []byte { return tab.Append(b, row.(T)) },
		fields: len(tab.Columns),
	}
}

// reviewTables are the four review tables, by index.
var reviewTables = []anyTable{tableOf(csv.Reviews), tableOf(csv.ReviewPhotos), tableOf(csv.Characteristics), tableOf(csv.CharacteristicVotes)}

// decodeOne decodes the first record of a line.
func decodeOne(line string, fields int) (csv.Record, bool) {
	d := csv.NewDecoder(strings.NewReader(line), fields, 1)
	d.MaxRecordLines, d.MaxRecordBytes = 1<<20, 1<<30
	r, err := d.Next()
	return r, err == nil && r.Err == nil && !r.Blank
}

// parseWriteParse parses a line with tab. A row it accepts goes to keep,
// which fails the test unless the row keeps the rules and returns it as it
// reads back; written back in the dataset's format, it must read back so.
func parseWriteParse(t *testing.T, tab anyTable, line string, keep func(row any) any) {
	t.Helper()
	rec, ok := decodeOne(line, tab.fields)
	if !ok || len(rec.Fields) != tab.fields {
		return
	}
	row, err := tab.parse(rec.Fields, rec.Quoted)
	if err != nil {
		return
	}
	row = keep(row)
	if strings.ContainsRune(string(rec.Raw), '\r') {
		return // CR LF inside a field reads back as LF
	}
	back := tab.append(nil, row)
	rec, ok = decodeOne(string(back), tab.fields)
	if !ok {
		t.Fatalf("%q: wrote %q, which does not decode", line, back)
	}
	got, err := tab.parse(rec.Fields, rec.Quoted)
	if err != nil || !reflect.DeepEqual(got, row) {
		t.Fatalf("%q: read %+v, wrote %q, read %+v, %v", line, row, back, got, err)
	}
}

// inDates reports whether a date is one the parsers accept.
func inDates(d time.Time) bool {
	return !d.Before(csv.MinDate) && d.Before(csv.MaxDate) && d.Location() == time.UTC
}

// FuzzReviewTables_Parse: whatever a line of a review file holds, its
// table's parser does not crash; a row it accepts keeps the rules (ratings
// and votes from 1 to 5, dates in range), and written back in the
// dataset's format reads back the same, its date to the millisecond.
func FuzzReviewTables_Parse(f *testing.F) {
	f.Add(uint8(0), `1,1,5,1596080481467,"Great","Body  text",true,false,"funtime","a@b.c",null,8`)
	f.Add(uint8(0), `2,1,4,"2019-01-01","","",1,0,"x",,"",0`)
	f.Add(uint8(0), `3,1,4,2020-07-30T00:00:00.000Z,"s","b",t,f,"x","e","null", 2`)
	f.Add(uint8(1), `8,10,"https://u/8?w=1652&q=80"`)
	f.Add(uint8(2), `1,1,"Fit"`)
	f.Add(uint8(3), `1,1,1,4`)
	f.Fuzz(func(t *testing.T, which uint8, line string) {
		parseWriteParse(t, reviewTables[int(which)%len(reviewTables)], line, func(row any) any {
			if r, ok := row.(catalog.Review); ok {
				if r.Rating < 1 || r.Rating > 5 || !inDates(r.Date) {
					t.Fatalf("%q: accepted %+v", line, r)
				}
				r.Date = ms(r.Date.UnixMilli())
				return r
			}
			if v, ok := row.(catalog.CharacteristicVote); ok && (v.Value < 1 || v.Value > 5) {
				t.Fatalf("%q: accepted %+v", line, v)
			}
			return row
		})
	})
}

// FuzzReviews_RoundTrip: a review written in the dataset's format reads
// back the same, whatever its text holds (but CR, which a CSV line end
// eats).
func FuzzReviews_RoundTrip(f *testing.F) {
	f.Add(int64(1), int64(1596080481467), "Great!", "Line one\nline \"two\", three", "funtime", "", "null", true, uint8(4))
	f.Add(int64(7), int64(0), "", "", "x", "a@b.c", "", false, uint8(0))
	f.Fuzz(func(t *testing.T, id, date int64, summary, body, name, email, response string, hasResponse bool, bits uint8) {
		if strings.ContainsRune(summary+body+name+email+response, '\r') || strings.TrimSpace(name) == "" {
			t.Skip("CR LF inside a field reads back as LF; a review has a name")
		}
		span := csv.MaxDate.UnixMilli() - csv.MinDate.UnixMilli()
		r := catalog.Review{
			ID: 1 + abs(id)%catalog.MaxID, ProductID: 1 + abs(date)%catalog.MaxID, Rating: 1 + int64(bits%5),
			Date: ms(csv.MinDate.UnixMilli() + abs(date)%span), Summary: summary, Body: body,
			Recommend: bits&8 != 0, Reported: bits&16 != 0, ReviewerName: name, ReviewerEmail: email,
			Helpfulness: abs(id) % (catalog.MaxID + 1),
		}
		if hasResponse {
			r.Response = str(response)
		}
		line := string(csv.Reviews.Append(nil, r))
		rec, ok := decodeOne(line, len(csv.Reviews.Columns))
		if !ok {
			t.Fatalf("wrote %q, which does not decode", line)
		}
		got, _, err := csv.Reviews.Parse(rec.Fields, rec.Quoted)
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Fatalf("wrote %+v as %q, read %+v, %v", r, line, got, err)
		}
	})
}

// Review files of a small dataset: products 1 to 3, and rows of every
// kind of defect.
const (
	reviewsHeader = "id,product_id,rating,date,summary,body,recommend,reported,reviewer_name,reviewer_email,response,helpfulness\n"
	reviewsCSV    = reviewsHeader +
		"1,1,5,1596080481467,\"Warm\",\"Very warm.\",true,false,\"ann\",\"ann@example.com\",null,3\n" +
		"2,2,4,1546300800000,\"Dark\",\"\",false,true,\"bob\",,\"\",0\n" +
		"3,9,5,1596080481467,\"Orphan\",\"x\",true,false,\"cy\",\"c@example.com\",null,0\n" +
		"1,1,3,1596080481467,\"Again\",\"x\",true,false,\"dee\",\"d@example.com\",null,0\n" +
		"4,1,6,1596080481467,\"Six\",\"x\",true,false,\"eve\",\"e@example.com\",null,0\n" +
		"5,1,5,1596080481,\"Seconds\",\"x\",true,false,\"fay\",\"f@example.com\",null,0\n" +
		"6,1,5,1596080481467,\"Nameless\",\"x\",true,false,null,\"g@example.com\",null,0\n" +
		"7,3,2,1596080481467,\"Two\nlines\",\"b\",true,false,\"hal\",\"h@example.com\",\"Sorry\nto hear\",1\n" +
		"8,3,2,1596080481467,\"Short\",\"b\",true\n"
	reviewPhotosCSV = "id,review_id,url\n" +
		"2,1,\"https://u/2\"\n" +
		"1,1,\"https://u/1\"\n" +
		"3,3,\"https://u/3\"\n" +
		"2,2,\"https://u/again\"\n" +
		"4,2,null\n"
	characteristicsCSV = "id,product_id,name\n" +
		"1,1,\"Fit\"\n" +
		"2,1,\"Comfort\"\n" +
		"3,2,\"Quality\"\n" +
		"4,9,\"Fit\"\n" +
		"3,3,\"Size\"\n" +
		"5,3,\"Size\"\n"
	votesCSV = "id,characteristic_id,review_id,value\n" +
		"1,1,1,4\n" +
		"2,2,1,5\n" +
		"3,3,2,3\n" +
		"4,1,2,4\n" +
		"5,1,99,3\n" +
		"6,4,1,3\n" +
		"7,1,1,2\n" +
		"1,5,7,3\n" +
		"8,5,7,0\n" +
		"9,5,7,1\n"
	productsCSV = "id,name,slogan,description,category,default_price\n" +
		"1,\"Parka\",null,null,null,140\n2,\"Shades\",null,null,null,69\n3,\"Joggers\",null,null,null,40\n"
)

// reviewDataset writes the small dataset with the given review files ("-"
// leaves one out).
func reviewDataset(t *testing.T, files map[string]string) string {
	t.Helper()
	all := map[string]string{csv.Products.File: productsCSV, csv.Reviews.File: reviewsCSV, csv.ReviewPhotos.File: reviewPhotosCSV,
		csv.Characteristics.File: characteristicsCSV, csv.CharacteristicVotes.File: votesCSV}
	for name, body := range files {
		all[name] = body
	}
	return writeDataset(t, all)
}

func TestImport_Reviews(t *testing.T) {
	s := &storetest.Recorder{}
	var rejects bytes.Buffer
	rep, err := csv.Import(context.Background(), reviewDataset(t, nil), s, csv.Options{Rejects: &rejects})
	if err != nil {
		t.Fatal(err)
	}
	if s.Live == nil {
		t.Fatal("not committed")
	}
	for _, tc := range []struct {
		name string
		got  []int64
		want []int64
	}{
		{"reviews", ids(s.Live.Reviews, func(r catalog.Review) int64 { return r.ID }), []int64{1, 2, 7}},
		{"photos", ids(s.Live.ReviewPhotos, func(r catalog.ReviewPhoto) int64 { return r.ID }), []int64{2, 1}},
		{"characteristics", ids(s.Live.Characteristics, func(r catalog.Characteristic) int64 { return r.ID }), []int64{1, 2, 3, 5}},
		{"votes", ids(s.Live.CharacteristicVotes, func(r catalog.CharacteristicVote) int64 { return r.ID }), []int64{1, 2, 3, 9}},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s loaded = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	want2 := catalog.Review{ID: 2, ProductID: 2, Rating: 4, Date: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), Summary: "Dark",
		Reported: true, ReviewerName: "bob", Response: str("")}
	if got := s.Live.Reviews[1]; !reflect.DeepEqual(got, want2) {
		t.Errorf("review 2 = %+v, want %+v", got, want2)
	}
	if got := s.Live.Reviews[2]; got.Summary != "Two\nlines" || got.Response != str("Sorry\nto hear") {
		t.Errorf("review 7 = %+v", got)
	}

	wantRejects := []struct {
		file   string
		line   int
		reason string
	}{
		{"reviews.csv", 4, "orphan: product 9 does not exist"},
		{"reviews.csv", 5, "duplicate id 1"},
		{"reviews.csv", 6, `rating "6" is not a whole number from 1 to 5`},
		{"reviews.csv", 7, `date "1596080481" is 1970-01-19`},
		{"reviews.csv", 8, "reviewer_name is missing"},
		{"reviews.csv", 12, "has 7 fields, want 12"},
		{"reviews_photos.csv", 4, "orphan: review 3 does not exist"},
		{"reviews_photos.csv", 5, "duplicate id 2"},
		{"reviews_photos.csv", 6, "url is missing"},
		{"characteristics.csv", 5, "orphan: product 9 does not exist"},
		{"characteristics.csv", 6, "duplicate id 3"},
		{"characteristic_reviews.csv", 5, "characteristic 1 is product 1's, review 2 is product 2's"},
		{"characteristic_reviews.csv", 6, "orphan: review 99 does not exist"},
		{"characteristic_reviews.csv", 7, "orphan: characteristic 4 does not exist"},
		{"characteristic_reviews.csv", 8, "duplicate vote: an earlier row has review 1's vote on characteristic 1"},
		{"characteristic_reviews.csv", 9, "duplicate id 1"},
		{"characteristic_reviews.csv", 10, `value "0" is not a whole number from 1 to 5`},
	}
	got := readRejects(t, rejects.Bytes())
	if len(got) != len(wantRejects) {
		t.Fatalf("%d rejects, want %d:\n%s", len(got), len(wantRejects), rejects.String())
	}
	for i, w := range wantRejects {
		if g := got[i]; g.File != w.file || g.Line != w.line || !strings.Contains(g.Reason, w.reason) {
			t.Errorf("reject %d = %+v, want %s:%d %q", i, g, w.file, w.line, w.reason)
		}
	}
	for name, want := range map[string][3]int64{ // lines, loaded, rejected
		csv.Reviews.File: {12, 3, 6}, csv.ReviewPhotos.File: {6, 2, 3},
		csv.Characteristics.File: {7, 4, 2}, csv.CharacteristicVotes.File: {11, 4, 6},
	} {
		if f := fileReport(t, rep, name); f.Lines != want[0] || f.Loaded != want[1] || f.Rejected != want[2] || f.HeaderLines != 1 {
			t.Errorf("%s report = %+v, want %d lines, %d loaded, %d rejected", name, f, want[0], want[1], want[2])
		}
	}
}

// The 2020 variant's review files: spaced headers, ISO dates, quoted or
// not, 1/0 flags, empty responses.
func TestImport_Reviews2020(t *testing.T) {
	dir := reviewDataset(t, map[string]string{
		csv.Reviews.File: "id, product_id, rating, date, summary, body, recommend, reported, reviewer_name, reviewer_email, response, helpfulness\n" +
			"1, 1, 5, \"2019-01-01\", \"Warm\", \"Very warm.\", 1, 0, \"ann\", \"ann@example.com\",, 3\n" +
			"2,2,4,2020-07-30T00:00:00.000Z,\"Dark\",\"Yes\",0,1,\"bob\",\"b@example.com\",\"Thanks\",0\n",
		csv.ReviewPhotos.File:        "id, review_id, url\n1, 1, \"https://u/1\"\n",
		csv.Characteristics.File:     "id, product_id, name\n1, 1, \"Fit\"\n",
		csv.CharacteristicVotes.File: "id, characteristic_id, review_id, value\n1, 1, 1, 4\n",
	})
	s := &storetest.Recorder{}
	var rejects bytes.Buffer
	rep, err := csv.Import(context.Background(), dir, s, csv.Options{Rejects: &rejects})
	if err != nil {
		t.Fatal(err)
	}
	if rejects.Len() != 0 {
		t.Fatalf("rejects:\n%s", rejects.String())
	}
	want := []catalog.Review{
		{ID: 1, ProductID: 1, Rating: 5, Date: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), Summary: "Warm", Body: "Very warm.",
			Recommend: true, ReviewerName: "ann", ReviewerEmail: "ann@example.com", Helpfulness: 3},
		{ID: 2, ProductID: 2, Rating: 4, Date: time.Date(2020, 7, 30, 0, 0, 0, 0, time.UTC), Summary: "Dark", Body: "Yes",
			Reported: true, ReviewerName: "bob", ReviewerEmail: "b@example.com", Response: str("Thanks")},
	}
	if !reflect.DeepEqual(s.Live.Reviews, want) {
		t.Fatalf("reviews = %+v\nwant %+v", s.Live.Reviews, want)
	}
	for _, name := range []string{csv.Reviews.File, csv.ReviewPhotos.File, csv.Characteristics.File, csv.CharacteristicVotes.File} {
		f := fileReport(t, rep, name)
		if f.Loaded == 0 || !strings.Contains(strings.Join(f.Notes, "\n"), "header \"id, ") {
			t.Errorf("%s report = %+v, want rows loaded and the spaced header noted", name, f)
		}
	}
	if f := fileReport(t, rep, csv.Reviews.File); f.Repaired != 1 {
		t.Errorf("reviews repaired %d, want 1 (spaces around numbers)", f.Repaired)
	}
}

// A dataset without the review files loads its products only, and says so.
func TestImport_ReviewsAbsent(t *testing.T) {
	s := &storetest.Recorder{}
	rep, err := csv.Import(context.Background(), writeDataset(t, map[string]string{csv.Products.File: productsCSV}), s, csv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Live == nil || len(s.Live.Products) != 3 || len(s.Live.Reviews)+len(s.Live.Characteristics) != 0 {
		t.Fatalf("live = %+v", s.Live)
	}
	for _, name := range []string{csv.Reviews.File, csv.ReviewPhotos.File, csv.Characteristics.File, csv.CharacteristicVotes.File} {
		if f := fileReport(t, rep, name); !f.Absent {
			t.Errorf("%s report = %+v, want it absent", name, f)
		}
	}
	notes := strings.Join(fileReport(t, rep, csv.Reviews.File).Notes, "\n")
	if !strings.Contains(notes, "products only were loaded") || !strings.Contains(notes, "characteristic_reviews.csv") {
		t.Errorf("reviews.csv notes = %q, want them to say products only were loaded", notes)
	}
}

// Some of the review files but not all: refused before the load begins.
func TestImport_ReviewsPartial(t *testing.T) {
	for _, tc := range []struct {
		name    string
		absent  []string
		missing string
	}{
		{"OnlyReviews", []string{csv.ReviewPhotos.File, csv.Characteristics.File, csv.CharacteristicVotes.File},
			"reviews_photos.csv, characteristics.csv, characteristic_reviews.csv missing"},
		{"NoVotes", []string{csv.CharacteristicVotes.File}, "characteristic_reviews.csv missing"},
		{"NoReviews", []string{csv.Reviews.File}, "reviews.csv missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{}
			for _, name := range tc.absent {
				files[name] = "-"
			}
			s := &storetest.Recorder{}
			_, err := csv.Import(context.Background(), reviewDataset(t, files), s, csv.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.missing) || !strings.Contains(err.Error(), "all four or none") {
				t.Fatalf("err = %v, want one naming %s", err, tc.missing)
			}
			if s.Loads != 0 {
				t.Fatal("a load began although review files were missing")
			}
		})
	}
}

// A delta holding a review or Q&A file is refused, not applied without it.
func TestImportDelta_RefusesReviews(t *testing.T) {
	for _, name := range []string{csv.Reviews.File, csv.ReviewPhotos.File, csv.Characteristics.File, csv.CharacteristicVotes.File,
		csv.Questions.File, csv.Answers.File, csv.AnswerPhotos.File} {
		t.Run(name, func(t *testing.T) {
			dir := writeDelta(t, map[string]string{
				csv.Products.File: "id,name,slogan,description,category,default_price\n4,\"New\",null,null,null,5\n",
				name:              "id\n",
			})
			fd := &fakeDelta{live: theLive(), added: map[catalog.Entity]int{}}
			_, err := csv.ImportDelta(context.Background(), dir, fd, csv.Options{})
			if !errors.Is(err, catalog.ErrDeltaReviews) || !strings.Contains(err.Error(), name) {
				t.Fatalf("err = %v, want ErrDeltaReviews naming %s", err, name)
			}
			if fd.begun != 0 {
				t.Fatal("the delta began")
			}
		})
	}
}

// The real review rows (shared/sample-data/reviews-qa, reviews of
// products 1 to 5) with the product sample: everything loads.
func TestImport_SampleReviews(t *testing.T) {
	root := sampledata.Dir(t)
	dir := t.TempDir()
	for _, name := range []string{csv.Products.File, csv.Features.File, csv.Styles.File, csv.Photos.File, csv.SKUs.File, csv.Related.File} {
		copyFile(t, filepath.Join(root, name), filepath.Join(dir, name))
	}
	for _, name := range []string{csv.Reviews.File, csv.ReviewPhotos.File, csv.Characteristics.File, csv.CharacteristicVotes.File} {
		copyFile(t, filepath.Join(root, "reviews-qa", name), filepath.Join(dir, name))
	}
	got, _, s := importClean(t, dir)
	want := map[string]int64{"reviews.csv": 12, "reviews_photos.csv": 9, "characteristics.csv": 17, "characteristic_reviews.csv": 33}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("%s: %d loaded, want %d", name, got[name], n)
		}
	}
	if n := len(s.Live.Reviews) + len(s.Live.ReviewPhotos) + len(s.Live.Characteristics) + len(s.Live.CharacteristicVotes); n != 12+9+17+33 {
		t.Errorf("the store got %d review rows, want %d", n, 12+9+17+33)
	}
	// What SOURCES.md says of the rows.
	byID := map[int64]catalog.Review{}
	responses := 0
	for _, r := range s.Live.Reviews {
		byID[r.ID] = r
		if r.Response.Valid {
			responses++
		}
	}
	if responses != 2 || !byID[3].Response.Valid || !byID[6].Response.Valid {
		t.Errorf("%d reviews have a response, want reviews 3 and 6", responses)
	}
	if r := byID[6]; r.Rating != 5 || r.Recommend {
		t.Errorf("review 6 = %+v, want rating 5, not recommended", r)
	}
	if !byID[3].Date.Equal(byID[9].Date) || byID[1].Date != time.Date(2020, 7, 30, 3, 41, 21, 467e6, time.UTC) {
		t.Errorf("dates: review 1 %v, 3 %v, 9 %v", byID[1].Date, byID[3].Date, byID[9].Date)
	}
}

// copyFile copies a file of the sample data into a test's dataset.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
