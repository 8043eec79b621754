package http

import (
	"bytes"
	"strings"
	"testing"

	"catalog"
)

func TestParseToken(t *testing.T) {
	long := strings.Repeat("a", MaxTokenLen)
	for _, tc := range []struct {
		header  string
		token   string
		present bool
		invalid bool
	}{
		{"", "", false, false},
		{"   ", "", false, false},
		{"tok1", "tok1", true, false},
		{" tok1 ", "tok1", true, false},
		{"ghp_0123456789abcdefABCDEF", "ghp_0123456789abcdefABCDEF", true, false},
		{"Bearer tok1", "tok1", true, false},
		{"bearer   tok1", "tok1", true, false},
		{"token tok1", "tok1", true, false},
		// Basic credentials are a proxy's user and password, the same for
		// every shopper behind it: not a token, whatever follows.
		{"Basic dXNlcjpwYXNz", "", false, false},
		{"basic dXNlcjpwYXNz", "", false, false},
		{" BASIC   dXNlcjpwYXNz ", "", false, false},
		{"Basic", "", false, false},
		{"Basic ", "", false, false},
		{"Basic not base64!", "", false, false},
		{"Basicx", "Basicx", true, false},
		{"Basic\tdXNl", "", true, true},
		{"Bearer Basic", "Basic", true, false},
		{"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", true, false},
		{"a+b/c~d-e_f.g==", "a+b/c~d-e_f.g==", true, false},
		{long, long, true, false},
		{long + "a", "", true, true},
		{"Bearer", "", true, true}, // a scheme without its token
		{"Bearer ", "", true, true},
		{"token", "", true, true},
		{"Bearer1", "Bearer1", true, false},
		{"a b c", "", true, true},
		{"Bearer tok1 tok2", "", true, true},
		{"tok,1", "", true, true},
		{"tök", "", true, true},
		{"==", "", true, true},
		{"a=b", "", true, true},
		{"Bearer =", "", true, true},
		{"\"tok1\"", "", true, true},
		{"tok\x00", "", true, true},
	} {
		token, present, err := parseToken(tc.header)
		if token != tc.token || present != tc.present || (err != nil) != tc.invalid {
			t.Errorf("parseToken(%q) = %q, %v, %v; want %q, %v, invalid %v", tc.header, token, present, err, tc.token, tc.present, tc.invalid)
		}
		if err != nil && catalog.ErrorCode(err) != catalog.EINVALID {
			t.Errorf("parseToken(%q): error %v, want EINVALID", tc.header, err)
		}
	}
}

func FuzzParseToken(f *testing.F) {
	for _, s := range []string{"tok1", "Bearer tok1", "a b", "a+/=", "", "Basic x==", "basic", "Basic a b", "Bearer Basic"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		token, present, err := parseToken(header)
		switch {
		case err != nil:
			if token != "" || !present {
				t.Fatalf("%q: invalid, yet token %q, present %v", header, token, present)
			}
		case !present:
			// Absent, blank, or Basic credentials.
			scheme, _, _ := strings.Cut(strings.TrimSpace(header), " ")
			if scheme != "" && !strings.EqualFold(scheme, "basic") || token != "" {
				t.Fatalf("%q: taken as absent", header)
			}
		default:
			if token == "" || len(token) > MaxTokenLen || !strings.Contains(header, token) || !isToken68(token) {
				t.Fatalf("%q: token %q", header, token)
			}
		}
	})
}

func TestTokenSession(t *testing.T) {
	k1, k2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	a := tokenSession(k1, "tok1")
	if a != tokenSession(k1, "tok1") {
		t.Error("one token and key gave two names")
	}
	if a == tokenSession(k1, "tok2") || a == tokenSession(k2, "tok1") {
		t.Error("two tokens, or two keys, gave one name")
	}
	if !strings.HasPrefix(a, "t.") || len(a) != 34 || strings.Contains(a, "tok1") {
		t.Errorf("name %q: want t. and 32 characters, not holding the token", a)
	}
	// A cookie can name no token's cart.
	if catalog.ValidSession(a) {
		t.Errorf("name %q is a valid cookie session", a)
	}
	if len(a) > 64 {
		t.Errorf("name %q is longer than a session", a)
	}
}

func TestHostedPath(t *testing.T) {
	for _, tc := range []struct {
		path, campus, rest string
		ok                 bool
	}{
		{"/api/fec2/hr-rfp/products/1", "hr-rfp", "/products/1", true},
		{"/api/fec2/hratx/products", "hratx", "/products", true},
		{"/api/fec2/hr_RFE2/cart", "hr_RFE2", "/cart", true},
		{"/api/fec2/c/", "c", "/", true},
		{"/api/fec2/hr-rfp", "", "", false},
		{"/api/fec2//products", "", "", false},
		{"/api/fec2/a.b/products", "", "", false},
		{"/api/fec2/" + strings.Repeat("c", 65) + "/products", "", "", false},
		{"/api/fec3/hr-rfp/products", "", "", false},
		{"/products/1", "", "", false},
	} {
		campus, rest, ok := hostedPath(tc.path)
		if campus != tc.campus || rest != tc.rest || ok != tc.ok {
			t.Errorf("hostedPath(%q) = %q, %q, %v; want %q, %q, %v", tc.path, campus, rest, ok, tc.campus, tc.rest, tc.ok)
		}
	}
}
