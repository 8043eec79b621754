package http

import (
	"testing"
	"unicode/utf8"

	"catalog"
)

// checkError requires a client error of the given codes with a printable
// message.
func checkError(t *testing.T, err error, codes ...string) {
	t.Helper()
	code := catalog.ErrorCode(err)
	for _, c := range codes {
		if code == c {
			msg := catalog.ErrorMessage(err)
			if msg == "" || !utf8.ValidString(msg) || len(msg) > 200 {
				t.Fatalf("message %q", msg)
			}
			return
		}
	}
	t.Fatalf("error %v has code %q, want one of %v", err, code, codes)
}

func FuzzParseProductID(f *testing.F) {
	for _, s := range []string{"1", "0", "-1", "1.5", "99999999999", "0001", " 1", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := parseProductID(s)
		if err != nil {
			checkError(t, err, catalog.EINVALID)
			return
		}
		if id < 1 || id > catalog.MaxID {
			t.Fatalf("parseProductID(%q) = %d", s, id)
		}
	})
}

func TestParsePage(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  catalog.Page
		ok    bool
	}{
		{"", catalog.Page{Number: 1, Size: 5}, true},
		{"page=3", catalog.Page{Number: 3, Size: 5}, true},
		{"count=1000&page=2", catalog.Page{Number: 2, Size: 1000}, true},
		{"page=2147483647", catalog.Page{Number: catalog.MaxID, Size: 5}, true},
		{"page=1&page=x", catalog.Page{Number: 1, Size: 5}, true},
		{"page=%32", catalog.Page{Number: 2, Size: 5}, true},
		{"page=0", catalog.Page{}, false},
		{"page=2147483648", catalog.Page{Number: MaxPage, Size: 5}, true},
		{"page=000000000000000000000000000000003", catalog.Page{Number: 3, Size: 5}, true},
		{"page=99999999999999999999999999", catalog.Page{Number: MaxPage, Size: 5}, true},
		{"count=1001", catalog.Page{}, false},
		{"count=", catalog.Page{}, false},
		{"page=%zz", catalog.Page{}, false},
	} {
		got, err := parsePage(tc.query)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("parsePage(%q) = %+v, %v; want %+v ok=%v", tc.query, got, err, tc.want, tc.ok)
		}
	}
}

func FuzzParsePage(f *testing.F) {
	for _, s := range []string{"page=2&count=10", "count=1001", "page=%zz", "page=-1", ";page=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		p, err := parsePage(q)
		if err != nil {
			checkError(t, err, catalog.EINVALID)
			return
		}
		if p.Number < 1 || p.Number > MaxPage || p.Size < 1 || p.Size > MaxCount {
			t.Fatalf("parsePage(%q) = %+v", q, p)
		}
	})
}

func TestParseSKUID(t *testing.T) {
	for _, tc := range []struct {
		contentType, body string
		want              int64
		code              string
	}{
		{"application/json", `{"sku_id":751557}`, 751557, ""},
		{"application/json; charset=utf-8", `{"sku_id":"751557"}`, 751557, ""},
		{"", ` {"sku_id": 3} `, 3, ""},
		{"text/plain", `{"sku_id":3}`, 3, ""},
		{"application/x-www-form-urlencoded", "sku_id=4&x=1", 4, ""},
		{"application/json", ``, 0, catalog.EUNPROCESSABLE},
		{"application/json", `{"sku":1}`, 0, catalog.EUNPROCESSABLE},
		{"application/json", `{"sku_id":0}`, 0, catalog.EUNPROCESSABLE},
		{"application/json", `{"sku_id":"0x10"}`, 0, catalog.EUNPROCESSABLE},
		{"application/json", `{"sku_id":{}}`, 0, catalog.EUNPROCESSABLE},
		{"application/json", `"sku_id"`, 0, catalog.EUNPROCESSABLE},
		{"application/json", `null`, 0, catalog.EUNPROCESSABLE},
		{"application/json", `{"sku_id":1}{}`, 0, catalog.EUNPROCESSABLE},
		{"multipart/form-data", `x`, 0, catalog.EUNPROCESSABLE},
	} {
		got, err := parseSKUID(tc.contentType, []byte(tc.body))
		if catalog.ErrorCode(err) != tc.code || got != tc.want {
			t.Errorf("parseSKUID(%q, %q) = %d, %v; want %d, code %q", tc.contentType, tc.body, got, err, tc.want, tc.code)
		}
	}
}

func FuzzParseSKUID(f *testing.F) {
	for _, s := range []string{`{"sku_id":1}`, `{"sku_id":"1"}`, `sku_id=1`, `{"sku_id":1e2}`, `[]`, ``} {
		f.Add("application/json", s)
		f.Add("application/x-www-form-urlencoded", s)
	}
	f.Fuzz(func(t *testing.T, contentType, body string) {
		id, err := parseSKUID(contentType, []byte(body))
		if err != nil {
			checkError(t, err, catalog.EUNPROCESSABLE)
			return
		}
		if id < 1 || id > catalog.MaxID {
			t.Fatalf("parseSKUID(%q) = %d", body, id)
		}
	})
}
