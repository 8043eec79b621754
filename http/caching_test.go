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
		tag := etag(body)
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
}

func TestFreshness_CacheControl(t *testing.T) {
	f := Freshness{MaxAge: 90 * time.Second, StaleWhileRevalidate: time.Minute, StaleIfError: time.Hour}
	if got, want := f.cacheControl(), "public, max-age=90, stale-while-revalidate=60, stale-if-error=3600"; got != want {
		t.Fatalf("Cache-Control %q, want %q", got, want)
	}
}
