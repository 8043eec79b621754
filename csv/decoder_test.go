package csv_test

import (
	stdcsv "encoding/csv"
	"io"
	"reflect"
	"strings"
	"testing"

	"catalog/csv"
)

// rec is what a test expects of a record.
type rec struct {
	Line, Lines int
	Fields      []string
	Blank       bool
	Err         string // a substring of the error
	Repaired    csv.Repair
}

func decodeAll(t testing.TB, input string, fields, lead int, maxBytes int) ([]rec, *csv.Decoder) {
	t.Helper()
	d := csv.NewDecoder(strings.NewReader(input), fields, lead)
	switch {
	case maxBytes > 0:
		d.MaxRecordBytes = maxBytes
	case maxBytes < 0: // no limits
		d.MaxRecordBytes, d.MaxRecordLines = 1<<30, 1<<30
	}
	var out []rec
	for {
		r, err := d.Next()
		if err == io.EOF {
			return out, d
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		got := rec{Line: r.Line, Lines: r.Lines, Blank: r.Blank, Repaired: r.Repaired}
		if r.Err != nil {
			got.Err = r.Err.Error()
		} else if !r.Blank {
			got.Fields = append([]string{}, r.Fields...)
		}
		out = append(out, got)
	}
}

func TestDecoder_Next(t *testing.T) {
	for _, tc := range []struct {
		name         string
		input        string
		fields, lead int
		maxBytes     int
		want         []rec
	}{
		{name: "Plain", input: "1,2,3\n4,5,6\n", want: []rec{
			{Line: 1, Lines: 1, Fields: []string{"1", "2", "3"}},
			{Line: 2, Lines: 1, Fields: []string{"4", "5", "6"}}}},
		{name: "NoFinalNewline", input: "1,2\n3,4", want: []rec{
			{Line: 1, Lines: 1, Fields: []string{"1", "2"}},
			{Line: 2, Lines: 1, Fields: []string{"3", "4"}}}},
		{name: "Quoted", input: `1,"a,b","say ""hi""",""` + "\n", want: []rec{
			{Line: 1, Lines: 1, Fields: []string{"1", "a,b", `say "hi"`, ""}}}},
		{name: "OnlyAQuote", input: `""""`, want: []rec{{Line: 1, Lines: 1, Fields: []string{`"`}}}},
		{name: "TrailingComma", input: "1,2,", want: []rec{{Line: 1, Lines: 1, Fields: []string{"1", "2", ""}}}},
		{name: "BareQuoteKept", input: `1,5" brim,x`, want: []rec{{Line: 1, Lines: 1, Fields: []string{"1", `5" brim`, "x"}}}},
		{name: "Multiline", input: "1,\"a\nb\",3\n4,x,y\n", fields: 3, lead: 1, want: []rec{
			{Line: 1, Lines: 2, Fields: []string{"1", "a\nb", "3"}},
			{Line: 3, Lines: 1, Fields: []string{"4", "x", "y"}}}},
		{name: "MultilineLastField", input: "1,1,\"one\ntwo\"\n2,1,\"x\"\n", fields: 3, lead: 2, want: []rec{
			{Line: 1, Lines: 2, Fields: []string{"1", "1", "one\ntwo"}},
			{Line: 3, Lines: 1, Fields: []string{"2", "1", "x"}}}},
		{name: "CRLF", input: "1,\"a\r\nb\"\r\n2,c\r\n", fields: 2, lead: 1, want: []rec{
			{Line: 1, Lines: 2, Fields: []string{"1", "a\nb"}},
			{Line: 3, Lines: 1, Fields: []string{"2", "c"}}}},
		{name: "BOM", input: "\xef\xbb\xbfid,name\n1,x\n", want: []rec{
			{Line: 1, Lines: 1, Fields: []string{"id", "name"}},
			{Line: 2, Lines: 1, Fields: []string{"1", "x"}}}},
		{name: "Blank", input: "1,2\n\n3,4\n", want: []rec{
			{Line: 1, Lines: 1, Fields: []string{"1", "2"}},
			{Line: 2, Lines: 1, Blank: true},
			{Line: 3, Lines: 1, Fields: []string{"3", "4"}}}},
		{name: "SpacesAroundQuotes", input: `1, "a" ,2`, want: []rec{
			{Line: 1, Lines: 1, Fields: []string{"1", "a", "2"}, Repaired: csv.RepairSpaceAroundQuotes}}},
		{name: "UnterminatedThenRecord", input: "1,1,\"u\",\"t\n2,1,\"u\",\"t\"\n", fields: 4, lead: 2, want: []rec{
			{Line: 1, Lines: 1, Fields: []string{"1", "1", "u", "t"}, Repaired: csv.RepairUnterminatedQuote},
			{Line: 2, Lines: 1, Fields: []string{"2", "1", "u", "t"}}}},
		{name: "UnterminatedAtEOF", input: "1,1,\"u\",\"t", fields: 4, lead: 2, want: []rec{
			{Line: 1, Lines: 1, Fields: []string{"1", "1", "u", "t"}, Repaired: csv.RepairUnterminatedQuote}}},
		{name: "UnterminatedNotLastField", input: "1,\"abc,z\n2,x,y\n3,p,q\n", fields: 3, lead: 1, want: []rec{
			{Line: 1, Lines: 1, Err: "not terminated before the end of the file (it would span lines 1-3; only line 1 is rejected)"},
			{Line: 2, Lines: 1, Fields: []string{"2", "x", "y"}},
			{Line: 3, Lines: 1, Fields: []string{"3", "p", "q"}}}},
		// Only line 1 is rejected; line 2 alone is `b",c,d`, three fields,
		// the first with a bare quote kept as text.
		{name: "MultilineWrongCount", input: "1,\"a\nb\",c,d\n2,x,y\n", fields: 3, lead: 1, want: []rec{
			{Line: 1, Lines: 1, Err: "has 4 fields, want 3"},
			{Line: 2, Lines: 1, Fields: []string{`b"`, "c", "d"}},
			{Line: 3, Lines: 1, Fields: []string{"2", "x", "y"}}}},
		{name: "TextAfterQuote", input: "1,\"a\"b,c\n2,d,e\n", fields: 3, want: []rec{
			{Line: 1, Lines: 1, Err: "text after the closing quote of field 2"},
			{Line: 2, Lines: 1, Fields: []string{"2", "d", "e"}}}},
		{name: "WrongCount", input: "1,2\n1,2,3\n", fields: 3, want: []rec{
			{Line: 1, Lines: 1, Err: "has 2 fields, want 3"},
			{Line: 2, Lines: 1, Fields: []string{"1", "2", "3"}}}},
		{name: "LineTooLong", input: "1,0123456789abcdef\n2,x\n", maxBytes: 10, want: []rec{
			{Line: 1, Lines: 1, Err: "longer than 10 bytes"},
			{Line: 2, Lines: 1, Fields: []string{"2", "x"}}}},
		// A cut line read again is still rejected, not loaded cut short.
		{name: "LongLineAfterUnterminated", input: "1,\"abc,x\n2,x," + strings.Repeat("y", 40) + "\n3,p,q\n", fields: 3, lead: 1, maxBytes: 20, want: []rec{
			{Line: 1, Lines: 1, Err: "runs past"},
			{Line: 2, Lines: 1, Err: "longer than 20 bytes"},
			{Line: 3, Lines: 1, Fields: []string{"3", "p", "q"}}}},
		{name: "LongLineAfterLastFieldQuote", input: "1,1,\"abc\n2,x," + strings.Repeat("y", 40) + "\n3,p,q\n", fields: 3, lead: 2, maxBytes: 20, want: []rec{
			{Line: 1, Lines: 1, Err: "runs past"},
			{Line: 2, Lines: 1, Err: "longer than 20 bytes"},
			{Line: 3, Lines: 1, Fields: []string{"3", "p", "q"}}}},
		{name: "QuotedFieldTooLong", input: "1,\"0123\n456789\nabcdef\n2,x\n", fields: 2, lead: 1, maxBytes: 12, want: []rec{
			{Line: 1, Lines: 1, Err: "runs past"},
			{Line: 2, Lines: 1, Err: "has 1 fields, want 2"},
			{Line: 3, Lines: 1, Err: "has 1 fields, want 2"},
			{Line: 4, Lines: 1, Fields: []string{"2", "x"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := decodeAll(t, tc.input, tc.fields, tc.lead, tc.maxBytes)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d records %+v, want %d %+v", len(got), got, len(tc.want), tc.want)
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if w.Err != "" {
					if !strings.Contains(g.Err, w.Err) || g.Line != w.Line || g.Lines != w.Lines {
						t.Errorf("record %d = %+v, want an error containing %q at line %d", i, g, w.Err, w.Line)
					}
					continue
				}
				if !reflect.DeepEqual(g, w) {
					t.Errorf("record %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func TestDecoder_Flags(t *testing.T) {
	_, d := decodeAll(t, "\xef\xbb\xbfa,b\r\n1,2\r\n", 0, 0, 0)
	if !d.SawBOM() || !d.SawCRLF() || d.Lines() != 2 {
		t.Fatalf("SawBOM %v SawCRLF %v Lines %d, want true true 2", d.SawBOM(), d.SawCRLF(), d.Lines())
	}
	_, d = decodeAll(t, "a,b\n1,2", 0, 0, 0)
	if d.SawBOM() || d.SawCRLF() || d.Lines() != 2 {
		t.Fatalf("SawBOM %v SawCRLF %v Lines %d, want false false 2", d.SawBOM(), d.SawCRLF(), d.Lines())
	}
}

// physicalLines counts lines as the decoder does: a final line without a
// line end counts, an empty input has none.
func physicalLines(s string) int {
	n := strings.Count(s, "\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		n++
	}
	return n
}

// FuzzDecoder_Accounting: whatever the input, the decoder ends, and every
// physical line belongs to exactly one record, in order.
func FuzzDecoder_Accounting(f *testing.F) {
	for _, s := range []string{
		"1,2,3\n", "1,\"a\nb\",3\n", "1,1,\"u\",\"t\n2,1,\"u\",\"t\"\n", "1,\"abc,z\n2,x,y\n3,p,q\n",
		"\xef\xbb\xbfa\r\n\r\n", `"""`, "\"\n\"\n\"", "1, \"a\" ,\"b\"c\n",
	} {
		f.Add(s, uint8(3), uint8(1))
	}
	f.Fuzz(func(t *testing.T, input string, fields, lead uint8) {
		d := csv.NewDecoder(strings.NewReader(input), int(fields%8), int(lead%4))
		d.MaxRecordBytes = 64
		d.MaxRecordLines = 4
		next := 1
		for {
			r, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Line != next || r.Lines < 1 {
				t.Fatalf("record at line %d spanning %d, want it at line %d", r.Line, r.Lines, next)
			}
			if (r.Err == nil) == (r.Fields == nil && !r.Blank) {
				t.Fatalf("record %+v: fields and error disagree", r)
			}
			if r.Err == nil && len(r.Raw) > d.MaxRecordBytes {
				t.Fatalf("a record of %d bytes was read, over the limit of %d", len(r.Raw), d.MaxRecordBytes)
			}
			next += r.Lines
		}
		if want := physicalLines(input); next-1 != want || d.Lines() != want {
			t.Fatalf("records cover %d lines, decoder read %d, input has %d", next-1, d.Lines(), want)
		}
	})
}

// FuzzDecoder_MatchesEncodingCSV: on input that encoding/csv reads without
// error, the decoder (with no field count, so no repairs) reads the same.
func FuzzDecoder_MatchesEncodingCSV(f *testing.F) {
	for _, s := range []string{"1,2,3\n", "a,\"b\nc\",d\n", "\"x\"\"y\",z\r\n", ",,\n", "a\rb,c\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		if strings.HasPrefix(input, "\xef\xbb\xbf") {
			t.Skip("encoding/csv keeps a byte order mark as data")
		}
		r := stdcsv.NewReader(strings.NewReader(input))
		r.FieldsPerRecord = -1
		want, err := r.ReadAll()
		if err != nil {
			return
		}
		got, _ := decodeAll(t, input, 0, 0, -1)
		var fields [][]string
		for _, g := range got {
			if g.Err != "" {
				t.Fatalf("record at line %d: %s; encoding/csv read it", g.Line, g.Err)
			}
			if !g.Blank {
				fields = append(fields, g.Fields)
			}
		}
		if len(fields) == 0 && len(want) == 0 {
			return
		}
		if !reflect.DeepEqual(fields, want) {
			t.Fatalf("got %q, encoding/csv read %q", fields, want)
		}
	})
}
