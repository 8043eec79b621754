package loadtest_test

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"catalog/loadtest"
)

func TestParseMix(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want loadtest.Mix
		err  string
	}{
		{"classic", loadtest.Classic, ""},
		{"product=1,styles=1,related=1,list=1", loadtest.Classic, ""},
		{"styles=3, product=1", loadtest.Mix{1, 3, 0, 0}, ""},
		{"list=1", loadtest.Mix{0, 0, 0, 1}, ""},
		{"product=0", loadtest.Mix{}, "no route has a weight"},
		{"", loadtest.Mix{}, "is not route=weight"},
		{"cart=1", loadtest.Mix{}, "is not route=weight"},
		{"product", loadtest.Mix{}, "is not route=weight"},
		{"product=-1", loadtest.Mix{}, "not a whole number"},
		{"product=1001", loadtest.Mix{}, "not a whole number"},
		{"product=x", loadtest.Mix{}, "not a whole number"},
		{"product=5,product=0", loadtest.Mix{}, "given twice"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := loadtest.ParseMix(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseMix(%q) = %v, %v; want an error with %q", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseMix(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestParseRates(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int // nil: an error
	}{
		{"100,1000,2000,5000,10000", []int{100, 1000, 2000, 5000, 10000}},
		{"7", []int{7}},
		{" 5 , 6", []int{5, 6}},
		{"1000000", []int{1000000}},
		{"", nil},
		{"0", nil},
		{"-5", nil},
		{"1000001", nil},
		{"1,,2", nil},
		{"1.5", nil},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := loadtest.ParseRates(tc.in)
			if tc.want == nil {
				if err == nil {
					t.Fatalf("ParseRates(%q) = %v, want an error", tc.in, got)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("ParseRates(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestParseIDs(t *testing.T) {
	for _, s := range []string{"last10", "uniform", "zipf"} {
		if got, err := loadtest.ParseIDs(s); err != nil || string(got) != s {
			t.Errorf("ParseIDs(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "last", "Zipf", "last10 "} {
		if got, err := loadtest.ParseIDs(s); err == nil {
			t.Errorf("ParseIDs(%q) = %q, want an error", s, got)
		}
	}
}

// draw makes n requests' worth of targets and counts routes and ids.
func draw(t *testing.T, mix loadtest.Mix, ids loadtest.IDs, products int64, n int) (routes map[string]int, idCounts map[int64]int) {
	t.Helper()
	tr := loadtest.NewTargets("http://h:1/", mix, ids, products, 7).Targeter()
	routes, idCounts = map[string]int{}, map[int64]int{}
	for range n {
		var tgt vegeta.Target
		if err := tr(&tgt); err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(tgt.URL)
		if err != nil || u.Host != "h:1" || tgt.Method != "GET" {
			t.Fatalf("target %s %s", tgt.Method, tgt.URL)
		}
		parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
		var id int64
		switch {
		case len(parts) == 1 && parts[0] == "products":
			page, _ := strconv.ParseInt(u.Query().Get("page"), 10, 64)
			if u.Query().Get("count") != "5" || page < 1 {
				t.Fatalf("list target %s", tgt.URL)
			}
			routes["list"]++
			id = (page-1)*5 + 1 // the page's first id
		case len(parts) == 2:
			routes["product"]++
		case len(parts) == 3:
			routes[parts[2]]++
		default:
			t.Fatalf("target %s", tgt.URL)
		}
		if id == 0 {
			id, _ = strconv.ParseInt(parts[1], 10, 64)
		}
		idCounts[id]++
	}
	return routes, idCounts
}

func TestTargets(t *testing.T) {
	const n = 40000
	t.Run("ClassicLast10", func(t *testing.T) {
		routes, ids := draw(t, loadtest.Classic, loadtest.Last10, 1000, n)
		for _, r := range []string{"product", "styles", "related", "list"} {
			if got := routes[r]; got < n/4*9/10 || got > n/4*11/10 {
				t.Errorf("%s: %d of %d requests, want about a quarter", r, got, n)
			}
		}
		for id := range ids {
			// The last tenth of 1..1000 is 901..1000; a list request names
			// its page's first id, and 901 starts a page.
			if id < 901 || id > 1000 {
				t.Fatalf("id %d outside the last tenth of 1..1000", id)
			}
		}
		if ids[901] == 0 || ids[1000] == 0 {
			t.Fatalf("ids 901 and 1000 drawn %d and %d times, want both", ids[901], ids[1000])
		}
	})
	t.Run("Uniform", func(t *testing.T) {
		_, ids := draw(t, loadtest.Mix{1, 0, 0, 0}, loadtest.Uniform, 100, n)
		if len(ids) != 100 {
			t.Fatalf("%d distinct ids of 100", len(ids))
		}
		for id, c := range ids {
			if id < 1 || id > 100 || c < n/100/2 {
				t.Fatalf("id %d drawn %d times of %d", id, c, n)
			}
		}
	})
	t.Run("Zipf", func(t *testing.T) {
		_, ids := draw(t, loadtest.Mix{0, 0, 1, 0}, loadtest.Zipf, 100000, n)
		// Id 1 is the hottest, and a few ids take most requests.
		for id, c := range ids {
			if id < 1 || id > 100000 || (id != 1 && c > ids[1]) {
				t.Fatalf("id %d drawn %d times, id 1 %d times", id, c, ids[1])
			}
		}
		top := 0
		for id := int64(1); id <= 100; id++ {
			top += ids[id]
		}
		if top < n/2 {
			t.Fatalf("the 100 hottest ids took %d of %d requests, want most", top, n)
		}
	})
	t.Run("Weights", func(t *testing.T) {
		routes, _ := draw(t, loadtest.Mix{3, 0, 0, 1}, loadtest.Uniform, 50, n)
		if routes["styles"]+routes["related"] != 0 || routes["product"] < 2*routes["list"] {
			t.Fatalf("routes %v, want product three times list and nothing else", routes)
		}
	})
}

func FuzzParseMix(f *testing.F) {
	for _, s := range []string{"classic", "product=1,styles=2", "list=0,related=1000", "=", ",,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := loadtest.ParseMix(s)
		if err != nil {
			return
		}
		total := 0
		for _, w := range m {
			if w < 0 || w > 1000 {
				t.Fatalf("ParseMix(%q) = %v: weight out of range", s, m)
			}
			total += w
		}
		if total == 0 {
			t.Fatalf("ParseMix(%q) = %v: no weight", s, m)
		}
	})
}

func FuzzParseRates(f *testing.F) {
	for _, s := range []string{"100,1000", "1", "0", "1000001", " 3 ,4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rates, err := loadtest.ParseRates(s)
		if err != nil {
			return
		}
		if len(rates) == 0 {
			t.Fatalf("ParseRates(%q): no rates and no error", s)
		}
		for _, r := range rates {
			if r < 1 || r > 1_000_000 {
				t.Fatalf("ParseRates(%q) = %v: rate out of range", s, rates)
			}
		}
	})
}
