// Package jsontest reads JSON as the contract's tests need to: the keys of
// an object in the order they were written.
package jsontest

import (
	"bytes"
	"encoding/json"
	"testing"
)

// Keys returns the keys of a JSON object in order, failing t if b is not
// one.
func Keys(t testing.TB, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", b)
	}
	var out []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
