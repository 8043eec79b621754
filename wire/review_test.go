package wire

import (
	"encoding/json"
	"math"
	"math/big"
	"testing"
	"time"

	"catalog"
)

func TestAppendReviews(t *testing.T) {
	date := time.UnixMilli(1555243932000) // 2019-04-14T12:12:12Z
	for _, tc := range []struct {
		name                     string
		productID, offset, count int64
		reviews                  []catalog.Review
		want                     string
	}{
		{"None", 2, 0, 5, nil, `{"product":"2","page":0,"count":5,"results":[]}`},
		{
			"Contract", 2, 0, 5,
			[]catalog.Review{{
				ID: 5, ProductID: 2, Rating: 3, Date: date, Summary: "I'm enjoying wearing these shades",
				Body: "Comfortable and practical.", ReviewerName: "shortandsweeet", ReviewerEmail: "first.last@gmail.com",
				Helpfulness: 5, Photos: []catalog.ReviewPhoto{{ID: 1, ReviewID: 5, URL: "https://a/1"}, {ID: 2, ReviewID: 5, URL: "https://a/2"}},
			}},
			`{"product":"2","page":0,"count":5,"results":[` +
				`{"review_id":5,"rating":3,"summary":"I'm enjoying wearing these shades","recommend":false,` +
				`"response":null,"body":"Comfortable and practical.","date":"2019-04-14T00:00:00.000Z",` +
				`"reviewer_name":"shortandsweeet","helpfulness":5,` +
				`"photos":[{"id":1,"url":"https://a/1"},{"id":2,"url":"https://a/2"}]}]}`,
		},
		{
			"ResponsesAndEscapes", 40344, 2000, 1000,
			[]catalog.Review{
				// A time zone other than UTC, late in its day: the UTC day
				// is the next one.
				{ID: 9, Rating: 5, Date: time.Date(2020, 7, 29, 23, 30, 0, 0, time.FixedZone("X", -3600)),
					Summary: "\"quoted\" \\ </script>", Body: "tab\there\nline \u2028 é \xff", Recommend: true,
					ReviewerName: "a\x00b", Response: catalog.Some("null"), Helpfulness: 0},
				{ID: 8, Rating: 1, Date: time.UnixMilli(1596080481467), Response: catalog.Some(""), Helpfulness: -1},
			},
			`{"product":"40344","page":2000,"count":1000,"results":[` +
				`{"review_id":9,"rating":5,"summary":"\"quoted\" \\ </script>","recommend":true,` +
				`"response":"null","body":"tab\there\nline ` + "\u2028" + ` é \ufffd","date":"2020-07-30T00:00:00.000Z",` +
				`"reviewer_name":"a\u0000b","helpfulness":0,"photos":[]},` +
				`{"review_id":8,"rating":1,"summary":"","recommend":false,"response":"","body":"",` +
				`"date":"2020-07-30T00:00:00.000Z","reviewer_name":"","helpfulness":-1,"photos":[]}]}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := AppendReviews([]byte("x"), tc.productID, tc.offset, tc.count, tc.reviews)
			if string(got[1:]) != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got[1:], tc.want)
			}
			if !json.Valid(got[1:]) {
				t.Fatalf("not JSON: %s", got[1:])
			}
		})
	}
}

func TestAppendReviewMeta(t *testing.T) {
	for _, tc := range []struct {
		name string
		meta catalog.ReviewMeta
		want string
	}{
		{
			"Contract",
			catalog.ReviewMeta{ProductID: 40344, Ratings: [5]int64{7, 11, 12, 20, 92}, Recommended: [2]int64{32, 110},
				Characteristics: []catalog.CharacteristicMeta{{ID: 135219, Name: "Fit", Votes: 31, Sum: 76}, {ID: 135220, Name: "Length", Votes: 32, Sum: 81}}},
			`{"product_id":"40344","ratings":{"1":"7","2":"11","3":"12","4":"20","5":"92"},"recommended":{"false":"32","true":"110"},` +
				`"characteristics":{"Fit":{"id":135219,"value":"2.4516129032258065"},"Length":{"id":135220,"value":"2.5312500000000000"}}}`,
		},
		{
			"NoReviews",
			catalog.ReviewMeta{ProductID: 1, Characteristics: []catalog.CharacteristicMeta{{ID: 1, Name: "Quality"}, {ID: 2, Name: "Comfort"}}},
			`{"product_id":"1","ratings":{},"recommended":{},"characteristics":{"Quality":{"id":1,"value":null},"Comfort":{"id":2,"value":null}}}`,
		},
		{"Nothing", catalog.ReviewMeta{ProductID: 3}, `{"product_id":"3","ratings":{},"recommended":{},"characteristics":{}}`},
		{
			"OnlySome",
			catalog.ReviewMeta{ProductID: 7, Ratings: [5]int64{0, 2, 0, 0, 1}, Recommended: [2]int64{0, 3},
				Characteristics: []catalog.CharacteristicMeta{{ID: 5, Name: "Size", Votes: 3, Sum: 1}}},
			`{"product_id":"7","ratings":{"2":"2","5":"1"},"recommended":{"true":"3"},"characteristics":{"Size":{"id":5,"value":"0.3333333333333333"}}}`,
		},
		{
			"OnlyFalse",
			catalog.ReviewMeta{ProductID: 7, Ratings: [5]int64{1, 0, 0, 0, 0}, Recommended: [2]int64{1, 0}},
			`{"product_id":"7","ratings":{"1":"1"},"recommended":{"false":"1"},"characteristics":{}}`,
		},
		{
			// A name shared (dirty data) is written once, with the first.
			"NameTwice",
			catalog.ReviewMeta{ProductID: 8, Characteristics: []catalog.CharacteristicMeta{
				{ID: 10, Name: "Fit", Votes: 1, Sum: 5}, {ID: 11, Name: "Fit", Votes: 1, Sum: 1}, {ID: 12, Name: "Width \"W\"\n", Votes: 3, Sum: 2}}},
			`{"product_id":"8","ratings":{},"recommended":{},"characteristics":{"Fit":{"id":10,"value":"5.0000000000000000"},"Width \"W\"\n":{"id":12,"value":"0.6666666666666667"}}}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(AppendReviewMeta(nil, tc.meta))
			if got != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
			if !json.Valid([]byte(got)) {
				t.Fatalf("not JSON: %s", got)
			}
		})
	}
}

func TestAppendMean(t *testing.T) {
	for _, tc := range []struct {
		sum, votes int64
		want       string
	}{
		{1, 3, "0.3333333333333333"},
		{2, 3, "0.6666666666666667"},
		{5, 1, "5.0000000000000000"},
		{3, 1, "3.0000000000000000"},
		{79, 32, "2.4687500000000000"},
		{76, 31, "2.4516129032258065"},
		{81, 32, "2.5312500000000000"},
		{0, 7, "0.0000000000000000"},
		// Half a unit of the 16th decimal rounds up.
		{1, 2e16, "0.0000000000000001"},
		{1, 2e16 + 1, "0.0000000000000000"},
		// 0.99999999999999999... rounds up into the units.
		{2e16 - 1, 2e16, "1.0000000000000000"},
		// The largest sums: every vote a 5.
		{5 << 31, 1 << 31, "5.0000000000000000"},
		{5<<31 - 1, 1 << 31, "4.9999999995343387"},
		{math.MaxInt64, 3, "3074457345618258602.3333333333333333"},
		{-1, 3, "-0.3333333333333333"},
		{-2, 3, "-0.6666666666666667"},
		{math.MinInt64, 1, "-9223372036854775808.0000000000000000"},
		{-1, 3e16, "0.0000000000000000"},
	} {
		if got := string(appendMean(nil, tc.sum, tc.votes)); got != tc.want {
			t.Errorf("appendMean(%d, %d) = %s, want %s", tc.sum, tc.votes, got, tc.want)
		}
	}
}

// FuzzAppendMean checks the mean against math/big, whose FloatString
// rounds half away from zero too.
func FuzzAppendMean(f *testing.F) {
	for _, s := range [][2]int64{{1, 3}, {2, 3}, {79, 32}, {5 << 31, 1<<31 + 7}, {math.MaxInt64, math.MaxInt64 - 1}, {-7, 2}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, sum, votes int64) {
		if votes <= 0 {
			return
		}
		got := string(appendMean(nil, sum, votes))
		want := new(big.Rat).SetFrac(big.NewInt(sum), big.NewInt(votes)).FloatString(16)
		if want == "-0.0000000000000000" {
			want = want[1:]
		}
		if got != want {
			t.Fatalf("appendMean(%d, %d) = %s, want %s", sum, votes, got, want)
		}
	})
}

func FuzzAppendReviews(f *testing.F) {
	f.Add(int64(1), "summary", "body", "name", "https://x/1", true, false, int64(1596080481467))
	f.Fuzz(func(t *testing.T, id int64, summary, body, name, url string, recommend, response bool, ms int64) {
		// Years 1970 to 9999: RFC 3339's.
		ms = (ms%253402300800000 + 253402300800000) % 253402300800000
		r := catalog.Review{ID: id, Rating: 3, Summary: summary, Body: body, ReviewerName: name, Recommend: recommend,
			Date: time.UnixMilli(ms), Photos: []catalog.ReviewPhoto{{ID: id, URL: url}}}
		if response {
			r.Response = catalog.Some(body)
		}
		out := AppendReviews(nil, 2, 0, 5, []catalog.Review{r})
		var back struct {
			Product string `json:"product"`
			Results []struct {
				ReviewID  int64   `json:"review_id"`
				Summary   string  `json:"summary"`
				Recommend bool    `json:"recommend"`
				Response  *string `json:"response"`
				Body      string  `json:"body"`
				Date      string  `json:"date"`
				Photos    []struct {
					URL string `json:"url"`
				} `json:"photos"`
			} `json:"results"`
		}
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%s: %v", out, err)
		}
		got := back.Results[0]
		if got.ReviewID != id || got.Summary != validUTF8(summary) || got.Body != validUTF8(body) ||
			got.Recommend != recommend || (got.Response != nil) != response || got.Photos[0].URL != validUTF8(url) {
			t.Fatalf("read back %+v from %s", got, out)
		}
		d, err := time.Parse(time.RFC3339, got.Date)
		if err != nil || !d.Equal(d.Truncate(24*time.Hour)) {
			t.Fatalf("date %q is not a UTC day at midnight", got.Date)
		}
	})
}
