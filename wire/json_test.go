package wire

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"catalog"
	"catalog/internal/jsontest"
)

func TestAppendString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", `""`},
		{"plain", `"plain"`},
		{`say "hi"`, `"say \"hi\""`},
		{`back\slash`, `"back\\slash"`},
		{"a&b<c>d", `"a&b<c>d"`}, // as JSON.stringify: no HTML escaping
		{"tab\tnl\ncr\rbs\bff\f", `"tab\tnl\ncr\rbs\bff\f"`},
		{"\x00\x1f\x7f", `"\u0000\u001f` + "\x7f" + `"`},
		{"é 👟 \u2028", "\"é 👟 \u2028\""},
		{"bad\xffutf8\xc3", `"bad\ufffdutf8\ufffd"`},
	} {
		if got := string(appendString(nil, tc.in)); got != tc.want {
			t.Errorf("appendString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// validUTF8 replaces each invalid byte by U+FFFD, as appendString does.
func validUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00", "\xff\xfe", "\u2028", "👟"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := appendString([]byte("x"), s)[1:]
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("appendString(%q) = %s: not JSON: %v", s, out, err)
		}
		if want := validUTF8(s); back != want {
			t.Fatalf("appendString(%q) reads back as %q, want %q", s, back, want)
		}
	})
}

func TestAppendPrice(t *testing.T) {
	for c, want := range map[catalog.Cents]string{0: `"0.00"`, 5: `"0.05"`, 14000: `"140.00"`, 1999: `"19.99"`, 50000000000: `"500000000.00"`} {
		if got := string(appendPrice(nil, c)); got != want {
			t.Errorf("appendPrice(%d) = %s, want %s", c, got, want)
		}
	}
}

func FuzzAppendProduct(f *testing.F) {
	f.Add(int64(1), "Camo Onesie", "Blend in", "desc", "Jackets", int64(14000), "Fabric", "Canvas", true)
	f.Fuzz(func(t *testing.T, id int64, name, slogan, desc, cat string, price int64, fname, fvalue string, hasValue bool) {
		p := catalog.Product{
			ID: id, Name: name, Slogan: catalog.Some(slogan), Description: catalog.Some(desc), Category: catalog.Some(cat),
			DefaultPrice: catalog.Cents(max(price, 0)), CreatedAt: time.UnixMilli(1629 << 30), UpdatedAt: time.UnixMilli(1630 << 30),
			Features: []catalog.Feature{{Name: fname}},
		}
		if hasValue {
			p.Features[0].Value = catalog.Some(fvalue)
		}
		out := AppendProduct(nil, &p, "hr-rfp", true)
		if doc := AppendProductDoc(nil, &p); string(AddCampus(nil, doc, "hr-rfp")) != string(out) {
			t.Fatalf("the read model's form with its campus added\n%s\nis not the response\n%s", AddCampus(nil, doc, "hr-rfp"), out)
		}
		want := []string{"id", "campus", "name", "slogan", "description", "category", "default_price", "created_at", "updated_at", "features"}
		if got := jsontest.Keys(t, out); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("keys %v, want %v", got, want)
		}
		var back struct {
			ID           int64  `json:"id"`
			Name         string `json:"name"`
			Slogan       string `json:"slogan"`
			DefaultPrice string `json:"default_price"`
			CreatedAt    string `json:"created_at"`
			Features     []struct {
				Feature string  `json:"feature"`
				Value   *string `json:"value"`
			} `json:"features"`
		}
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%s: %v", out, err)
		}
		if back.ID != id || back.Name != validUTF8(name) || back.Slogan != validUTF8(slogan) {
			t.Fatalf("read back %+v from %s", back, out)
		}
		if _, err := time.Parse(time.RFC3339, back.CreatedAt); err != nil || !strings.HasSuffix(back.CreatedAt, "Z") || len(back.CreatedAt) != 24 {
			t.Fatalf("created_at %q is not RFC 3339 UTC with milliseconds", back.CreatedAt)
		}
		if len(back.Features) != 1 || (back.Features[0].Value != nil) != hasValue {
			t.Fatalf("features %+v", back.Features)
		}
	})
}

func TestAppendStyles_Keys(t *testing.T) {
	styles := []catalog.Style{{ID: 1, Name: "s", OriginalPrice: 100, SKUs: []catalog.SKU{{ID: 2, Size: "M", Quantity: 1}}}}
	out := AppendStyles(nil, 7, styles)
	var v struct {
		ProductID string            `json:"product_id"`
		Results   []json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.ProductID != "7" || len(v.Results) != 1 {
		t.Fatalf("%s: %v", out, err)
	}
	want := "style_id,name,original_price,sale_price,default?,photos,skus"
	if got := strings.Join(jsontest.Keys(t, v.Results[0]), ","); got != want {
		t.Fatalf("style keys %s, want %s", got, want)
	}
}
