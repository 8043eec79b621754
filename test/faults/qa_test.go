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

// TestQAKilled kills the service with SIGKILL while clients ask questions
// and answer the products' questions, restarts it, and checks that every
// question and answer answered 201 is listed (an answer embedded in its
// question).
func TestQAKilled(t *testing.T) {
	const products = 20
	for name, db := range stores(t) {
		t.Run(name, func(t *testing.T) {
			run(t, "load", "--db", db, generated(t, 2000))
			s := startServe(t, "--db", db)
			var questions []int64 // the listed questions of the products, to answer
			for p := int64(1); p <= products; p++ {
				for _, q := range questionsOf(t, s.base, p) {
					questions = append(questions, q.ID)
				}
			}
			if len(questions) == 0 {
				t.Fatal("the products written to have no questions to answer")
			}
			var mu sync.Mutex
			acked := map[string]bool{} // the bodies answered 201
			sent := writeUntilKilled(s, func(client *http.Client, w, i int) {
				body := fmt.Sprintf("kill trial %d-%d", w, i)
				path, post := "/qa/questions", fmt.Sprintf(`{"body":%q,"name":"trial","email":"trial@example.com","product_id":%d}`,
					body, (w*7+i)%products+1)
				if w%2 == 1 {
					path = fmt.Sprintf("/qa/questions/%d/answers", questions[(w*7+i)%len(questions)])
					post = fmt.Sprintf(`{"body":%q,"name":"trial","email":"trial@example.com","photos":[]}`, body)
				}
				if send(client, http.MethodPost, s.base+path, post) == 201 {
					mu.Lock()
					acked[body] = true
					mu.Unlock()
				}
			})

			s2 := startServe(t, "--db", db)
			listed := map[string]bool{}
			for p := int64(1); p <= products; p++ {
				for _, q := range questionsOf(t, s2.base, p) {
					listed[q.Body] = true
					for _, a := range q.Answers {
						listed[a.Body] = true
					}
				}
			}
			lost := 0
			for body := range acked {
				if !listed[body] {
					lost++
				}
			}
			record(t, row{trial: "kill -9 during questions and answers posted, " + name, requests: sent, errors: lost,
				expected: "every question and answer answered 201 is listed after a restart",
				measured: fmt.Sprintf("%d posts answered 201, %d of them lost", len(acked), lost),
				held:     len(acked) > 0 && lost == 0})
		})
	}
}

// listedQuestion is what TestQAKilled reads of a listed question.
type listedQuestion struct {
	ID      int64  `json:"question_id"`
	Body    string `json:"question_body"`
	Answers map[string]struct {
		Body string `json:"body"`
	} `json:"answers"`
}

// questionsOf reads every listed question of a product, with its answers,
// a page of 1,000 at a time.
func questionsOf(t *testing.T, base string, product int64) []listedQuestion {
	t.Helper()
	var out []listedQuestion
	for page := 1; ; page++ {
		resp, err := http.Get(fmt.Sprintf("%s/qa/questions?product_id=%d&count=1000&page=%d", base, product, page))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET /qa/questions of product %d: %d %s", product, resp.StatusCode, body)
		}
		var list struct {
			Results []listedQuestion `json:"results"`
		}
		if err := json.Unmarshal(body, &list); err != nil {
			t.Fatalf("GET /qa/questions of product %d: %v", product, err)
		}
		out = append(out, list.Results...)
		if len(list.Results) < 1000 {
			return out
		}
	}
}
