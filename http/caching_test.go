package http

import (
	"strings"
	"testing"
	"time"
)

func TestNoneMatch(t *testing.T) {
	const tag = `"0123456789abcdef"`
	for _, tc := range []struct {
		values []string
		want   bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{tag}, true},
		{[]string{`W/` + tag}, true},
		{[]string{`*`}, true},
		{[]string{` "x" , ` + tag + ` `}, true},
		{[]string{`"x"`, tag}, true},
		{[]string{`"x", "y"`}, false},
		{[]string{`0123456789abcdef`}, false}, // unquoted: not the tag
		{[]string{`"0123456789ABCDEF"`}, false},
		{[]string{`W/"x"`}, false},
		{[]string{`**`}, false},
	} {
		if got := noneMatch(tc.values, tag); got != tc.want {
			t.Errorf("noneMatch(%q) = %v, want %v", tc.values, got, tc.want)
		}
	}
}

func FuzzNoneMatch(f *testing.F) {
	f.Add(`"x", W/"y"`, []byte("body"))
	f.Add(`*`, []byte{})
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		tag := entityTag(etag(body), Identity)
		if len(tag) != 18 || tag[0] != '"' || tag[17] != '"' || strings.Trim(tag[1:17], "0123456789abcdef") != "" {
			t.Fatalf("etag %s is not 16 hex digits in quotes", tag)
		}
		got := noneMatch([]string{header}, tag)
		// A list that names the tag, weakly or not, matches; one without
		// the tag or a lone * does not.
		if named := noneMatch([]string{header + ", W/" + tag}, tag); !named {
			t.Fatalf("%q with the tag appended does not match", header)
		}
		if !strings.Contains(header, tag) && !strings.Contains(header, "*") && got {
			t.Fatalf("%q matches %s", header, tag)
		}
	})
}

func TestETag(t *testing.T) {
	a, b := etag([]byte(`{"id":1}`)), etag([]byte(`{"id":2}`))
	if a == b || a != etag([]byte(`{"id":1}`)) {
		t.Fatalf("tags %s and %s: want equal bodies' equal, others' different", a, b)
	}
	tags := map[string]bool{}
	for _, e := range []Encoding{Identity, Gzip, Brotli} {
		tags[entityTag(a, e)] = true
	}
	if !tags[`"`+a+`"`] || !tags[`"`+a+`-gzip"`] || !tags[`"`+a+`-br"`] {
		t.Fatalf("the representations' tags are %v", tags)
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		header string // "-" for none
		want   Encoding
	}{
		{"-", Identity},
		{"", Identity},
		{"gzip", Gzip},
		{"br", Brotli},
		{"gzip, deflate, br", Brotli},
		{"gzip, deflate, br, zstd", Brotli},
		{"GZIP", Gzip},
		{"br;q=0.5, gzip", Gzip},
		{"br;q=0.5, gzip;q=0.5", Brotli},
		{"gzip;q=0", Identity},
		{"*", Brotli},
		{"*;q=0.1, gzip;q=0", Brotli},
		{"identity", Identity},
		{"identity, gzip;q=0.5", Identity},
		{"gzip;q=0.5", Gzip}, // identity is acceptable, but less so than what was asked
		{"*;q=0", Identity},  // nothing acceptable: identity all the same
		{"gzip;q=x", Identity},
		{"gzip;q=2", Identity},
		{"gzip ; q = 0.8 , br ; q=0.9", Brotli},
		{"deflate", Identity},
		{"gzip;level=1", Gzip},
	} {
		var values []string
		if tc.header != "-" {
			values = []string{tc.header}
		}
		if got := negotiate(values); got != tc.want {
			t.Errorf("Accept-Encoding %q: %s, want %s", tc.header, got.token(), tc.want.token())
		}
	}
}

func FuzzNegotiate(f *testing.F) {
	f.Add("gzip, deflate, br;q=0.9")
	f.Add("*;q=0")
	f.Fuzz(func(t *testing.T, header string) {
		e := negotiate([]string{header})
		if e != Identity && e != Gzip && e != Brotli {
			t.Fatalf("%q: encoding %d", header, e)
		}
		// A coding refused is never the answer.
		if refused := negotiate([]string{header + ", gzip;q=0, br;q=0"}); refused != Identity {
			t.Fatalf("%q with gzip and br refused: %s", header, refused.token())
		}
	})
}

func TestCompress(t *testing.T) {
	body := []byte(strings.Repeat(`{"style_id":1,"name":"Forest Green & Black"},`, 40))
	for _, e := range []Encoding{Gzip, Brotli} {
		out, err := compress(e, body)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decompress(e, out)
		if err != nil || string(back) != string(body) || len(out) >= len(body)/4 {
			t.Fatalf("%s: %d bytes from %d, back %d bytes (%v)", e.token(), len(out), len(body), len(back), err)
		}
	}
	if _, err := compress(Identity, body); err == nil {
		t.Fatal("compress to identity: no error")
	}
}

func TestFreshness_CacheControl(t *testing.T) {
	f := Freshness{MaxAge: 90 * time.Second, StaleWhileRevalidate: time.Minute, StaleIfError: time.Hour}
	if got, want := f.cacheControl(), "public, max-age=90, stale-while-revalidate=60, stale-if-error=3600"; got != want {
		t.Fatalf("Cache-Control %q, want %q", got, want)
	}
}
