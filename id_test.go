package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"catalog"
)

func TestParseID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1", 1, true},
		{"2147483647", 2147483647, true},
		{"007", 7, true},
		{"00000000000000000000000000001", 1, true},
		{"0", 0, false},
		{"000", 0, false},
		{"2147483648", 0, false},
		{"99999999999", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{"1.5", 0, false},
		{"1e3", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"", 0, false},
		{"abc", 0, false},
		{"0x10", 0, false},
		{"１", 0, false},
	} {
		got, ok := catalog.ParseID(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseID(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzParseID: ParseID agrees with strconv on what a positive 32-bit
// decimal is.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"1", "0", "-1", "+1", "2147483648", "0009", "1_000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := catalog.ParseID(s)
		digits := s != ""
		for _, c := range s {
			digits = digits && c >= '0' && c <= '9'
		}
		n, err := strconv.ParseInt(s, 10, 64)
		want := digits && err == nil && n >= 1 && n <= catalog.MaxID
		if !digits {
			want = false
		} else if err != nil { // too long for int64: only leading zeros could save it
			want = false
			for i := 0; i < len(s); i++ {
				if s[i] != '0' {
					m, err := strconv.ParseInt(s[i:], 10, 64)
					want = err == nil && m >= 1 && m <= catalog.MaxID
					n = m
					break
				}
			}
		}
		if ok != want || (ok && got != n) {
			t.Fatalf("ParseID(%q) = %d, %v; want %d, %v", s, got, ok, n, want)
		}
	})
}

func TestValidSession(t *testing.T) {
	for s, want := range map[string]bool{
		"1234": true, "c61a41f22cce8fdf962f246f28c40300": true, "a-b_C": true,
		"": false, "a b": false, "a;b": false, `"a"`: false, "é": false, "a\x00": false,
		fmt.Sprintf("%065d", 1): false, fmt.Sprintf("%064d", 1): true,
	} {
		if got := catalog.ValidSession(s); got != want {
			t.Errorf("ValidSession(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestError(t *testing.T) {
	e := catalog.Errorf(catalog.ENOTFOUND, "product %d does not exist", 4)
	wrapped := fmt.Errorf("find product: %w", e)
	for _, tc := range []struct {
		err        error
		code, text string
	}{
		{nil, "", ""},
		{e, catalog.ENOTFOUND, "product 4 does not exist"},
		{wrapped, catalog.ENOTFOUND, "product 4 does not exist"},
		{errors.New("pq: secret internals"), catalog.EINTERNAL, "internal error"},
		{fmt.Errorf("find styles: %w", context.DeadlineExceeded), catalog.EUNAVAILABLE, "the store did not answer in time; retry shortly"},
		// A store's own word on a timeout comes first.
		{fmt.Errorf("x: %w (%w)", catalog.Errorf(catalog.EUNAVAILABLE, "busy"), context.DeadlineExceeded), catalog.EUNAVAILABLE, "busy"},
	} {
		if got := catalog.ErrorCode(tc.err); got != tc.code {
			t.Errorf("ErrorCode(%v) = %q, want %q", tc.err, got, tc.code)
		}
		if got := catalog.ErrorMessage(tc.err); got != tc.text {
			t.Errorf("ErrorMessage(%v) = %q, want %q", tc.err, got, tc.text)
		}
	}
}
