package http

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"catalog"
)

// MaxTokenLen is the longest cart token accepted: room for a JWT.
const MaxTokenLen = 2048

// tokenSessionPrefix starts the session name of every token's cart. A
// cookie cannot name such a session: '.' is not a session character
// (catalog.ValidSession), so no cookie reaches a token's cart.
const tokenSessionPrefix = "t."

// parseToken returns the cart token of an Authorization header: the whole
// value, or what follows a scheme and a space ("Bearer abc", "token abc"),
// 1 to MaxTokenLen token68 characters (RFC 9110: letters, digits,
// "-._~+/", then any "="). present is false when the header is absent or
// blank, and when it is Basic credentials, well-formed or not: those are a
// user and password for a password-protected proxy in front of the API
// (or a storefront's staging site), the same for every shopper behind it,
// so taken as a token they would put every shopper in one cart. The
// caller's cart is then its cookie's, as if no header had come.
func parseToken(header string) (token string, present bool, err error) {
	v := strings.TrimSpace(header)
	if v == "" || isBasic(v) {
		return "", false, nil
	}
	if scheme, rest, ok := strings.Cut(v, " "); ok && isScheme(scheme) {
		v = strings.TrimLeft(rest, " ")
	} else if bareScheme(v) {
		// A client whose token is missing sends the scheme alone: taken as
		// a token, it would give every such client one shared cart.
		return "", true, catalog.Errorf(catalog.EINVALID, "the Authorization header is the scheme %q without a token", v)
	}
	if len(v) > MaxTokenLen || !isToken68(v) {
		return "", true, catalog.Errorf(catalog.EINVALID,
			"the Authorization header is not a token: want 1 to %d letters, digits or -._~+/ (then any =), after an optional scheme such as Bearer", MaxTokenLen)
	}
	return v, true, nil
}

// isBasic reports whether the Authorization header value v is of the
// Basic scheme: "Basic", alone or followed by a space.
func isBasic(v string) bool {
	scheme, _, _ := strings.Cut(v, " ")
	return strings.EqualFold(scheme, "Basic")
}

// bareScheme reports whether s is an authentication scheme that clients
// put before a token, with nothing after it.
func bareScheme(s string) bool {
	for _, scheme := range []string{"Bearer", "Token"} {
		if strings.EqualFold(s, scheme) {
			return true
		}
	}
	return false
}

// isScheme reports whether s can be an authentication scheme: letters,
// digits and "-".
func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' {
			return false
		}
	}
	return s != ""
}

func isToken68(s string) bool {
	body := strings.TrimRight(s, "=")
	for i := 0; i < len(body); i++ {
		if c := body[i]; !isAlnum(c) && !strings.ContainsRune("-._~+/", rune(c)) {
			return false
		}
	}
	return body != ""
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// tokenSession names a token's cart: a keyed hash of it (HMAC-SHA-256,
// 192 bits kept), so that neither the store nor a log holds the token.
func tokenSession(key []byte, token string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(token))
	return tokenSessionPrefix + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:24])
}

// cartKey returns the key tokens are hashed with: Config.CartKey, or the
// store's, asked for once.
func (s *Server) cartKey(ctx context.Context) ([]byte, error) {
	if k := s.tokenKey.Load(); k != nil {
		return *k, nil
	}
	k, err := s.carts.CartKey(ctx)
	if err != nil {
		return nil, fmt.Errorf("cart key: %w", err)
	}
	s.tokenKey.Store(&k)
	return k, nil
}
