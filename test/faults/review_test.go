//go:build faults

package faults_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
)

// reviewWrite is one write of TestReviewKilled: a post of a review with a
// summary of its own to a product, or a helpful vote on a review.
type reviewWrite struct {
	product int64
	summary string // a post's
	review  int64  // a vote's
}

// TestReviewKilled kills the service with SIGKILL while clients post
// reviews and mark reviews helpful, restarts it, and checks that every
// write answered 201 or 204 is there: each posted review in its product's
// list, each review's helpfulness up by at least the votes answered.
func TestReviewKilled(t *testing.T) {
	const products = 20
	for name, db := range stores(t) {
		t.Run(name, func(t *testing.T) {
			run(t, "load", "--db", db, generated(t, 2000))
			s := startServe(t, "--db", db)
			before := map[int64]int64{} // helpfulness of the dataset's reviews of the products
			for p := int64(1); p <= products; p++ {
				for id, h := range reviewsOf(t, s.base, p) {
					before[id] = h.helpfulness
				}
			}
			var voted []int64
			for id := range before {
				voted = append(voted, id)
			}
			if len(voted) == 0 {
				t.Fatal("the products written to have no reviews to mark helpful")
			}
			var mu sync.Mutex
			acked := map[reviewWrite]int64{}
			sent := writeUntilKilled(s, func(client *http.Client, w, i int) {
				var wr reviewWrite
				if w%2 == 0 {
					wr = reviewWrite{product: int64((w*7+i)%products) + 1, summary: fmt.Sprintf("kill trial %d-%d", w, i)}
				} else {
					wr = reviewWrite{review: voted[(w*7+i)%len(voted)]}
				}
				if code := writeReview(client, s.base, wr); code == 201 || code == 204 {
					mu.Lock()
					acked[wr]++
					mu.Unlock()
				}
			})

			s2 := startServe(t, "--db", db)
			after := map[int64]listed{}
			for p := int64(1); p <= products; p++ {
				for id, l := range reviewsOf(t, s2.base, p) {
					after[id] = l
				}
			}
			posted := map[string]bool{}
			votes := map[int64]int64{}
			for _, l := range after {
				posted[l.summary] = true
			}
			var posts, lostPosts, lostVotes int64
			for wr, n := range acked {
				if wr.summary != "" {
					posts++
					if !posted[wr.summary] {
						lostPosts++
					}
					continue
				}
				votes[wr.review] += n
			}
			var answeredVotes int64
			for id, n := range votes {
				answeredVotes += n
				lostVotes += max(0, n-(after[id].helpfulness-before[id]))
			}
			record(t, row{trial: "kill -9 during review writes, " + name, requests: sent, errors: int(lostPosts + lostVotes),
				expected: "every review post answered 201 is listed, every helpful vote answered 204 counted, after a restart",
				measured: fmt.Sprintf("%d posts answered 201, %d of them lost; %d votes answered 204, %d of them lost",
					posts, lostPosts, answeredVotes, lostVotes),
				held: posts > 0 && answeredVotes > 0 && lostPosts == 0 && lostVotes == 0})
		})
	}
}

// writeReview sends a review write and returns the status (0: no answer).
func writeReview(client *http.Client, base string, wr reviewWrite) int {
	if wr.summary == "" {
		return send(client, http.MethodPut, fmt.Sprintf("%s/reviews/%d/helpful", base, wr.review), "")
	}
	return send(client, http.MethodPost, base+"/reviews", fmt.Sprintf(`{"product_id":%d,"rating":4,"summary":%q,`+
		`"body":"Written during the kill trial.","recommend":true,"name":"trial","email":"trial@example.com","photos":[],"characteristics":{}}`,
		wr.product, wr.summary))
}

// listed is what TestReviewKilled reads of a listed review.
type listed struct {
	summary     string
	helpfulness int64
}

// reviewsOf reads every listed review of a product, a page of 1,000 at a
// time.
func reviewsOf(t *testing.T, base string, product int64) map[int64]listed {
	t.Helper()
	out := map[int64]listed{}
	for page := 1; ; page++ {
		resp, err := http.Get(fmt.Sprintf("%s/reviews?product_id=%d&count=1000&page=%d&sort=newest", base, product, page))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET /reviews of product %d: %d %s", product, resp.StatusCode, body)
		}
		var list struct {
			Results []struct {
				ID          int64  `json:"review_id"`
				Summary     string `json:"summary"`
				Helpfulness int64  `json:"helpfulness"`
			} `json:"results"`
		}
		if err := json.Unmarshal(body, &list); err != nil {
			t.Fatalf("GET /reviews of product %d: %v", product, err)
		}
		for _, r := range list.Results {
			out[r.ID] = listed{r.Summary, r.Helpfulness}
		}
		if len(list.Results) < 1000 {
			return out
		}
	}
}
