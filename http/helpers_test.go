package http_test

import (
	"encoding/json"
	"testing"
)

// errorMessage decodes a JSON error body, which must hold exactly one key,
// message.
func errorMessage(t testing.TB, body []byte) string {
	t.Helper()
	var e map[string]any
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %q is not JSON: %v", body, err)
	}
	msg, ok := e["message"].(string)
	if !ok || len(e) != 1 || msg == "" {
		t.Fatalf("error body %s is not {\"message\": \"…\"}", body)
	}
	return msg
}
