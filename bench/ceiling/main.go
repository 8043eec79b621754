// Command ceiling is the yardstick of bench/run.sh: a net/http server that
// answers every request with one fixed JSON body, the size of a typical
// catalog response, and does nothing else. What wrk gets from it on a
// machine is the most any Go HTTP service can get there.
//
//	go run ./bench/ceiling --addr 127.0.0.1:3999 --bytes 1900
package main

import (
	"flag"
	"log"
	"net/http"
	"strconv"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:3999", "the address to listen on")
	size := flag.Int("bytes", 1900, "the size of the body")
	flag.Parse()
	body := fixedBody(*size)
	length := strconv.Itoa(len(body))
	log.Printf("ceiling: %d-byte body on http://%s", len(body), *addr)
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Length", length)
		h.Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(body)
	})))
}

// fixedBody returns a JSON array of products n bytes long, give or take a
// few.
func fixedBody(n int) []byte {
	const product = `{"id":1000001,"campus":"hr-rfp","name":"Trail Runner Seven","slogan":"Light on loose rock","description":"A low trail shoe with a rock plate, a gusseted tongue and laces that stay tied through a long wet day on the hill.","category":"Shoes","default_price":"129.00","created_at":"2021-03-04T10:20:30.000Z","updated_at":"2021-03-04T10:20:30.000Z"}`
	var b strings.Builder
	b.WriteString("[")
	for b.Len()+len(product)+2 <= n {
		if b.Len() > 1 {
			b.WriteString(",")
		}
		b.WriteString(product)
	}
	b.WriteString("]")
	for b.Len() < n {
		b.WriteString(" ")
	}
	return []byte(b.String())
}
