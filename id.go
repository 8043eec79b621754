package catalog

// ParseID parses a decimal id: digits only (no sign, space, point or
// exponent), leading zeros allowed, value from 1 to MaxID. It reports false
// for anything else, however long.
func ParseID(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
		if n > MaxID {
			return 0, false
		}
	}
	return n, n > 0
}

// MaxSessionLen is the longest cart session name accepted.
const MaxSessionLen = 64

// ValidSession reports whether s can name a cart session: 1 to MaxSessionLen
// letters, digits, '-' or '_'. The dataset's sessions are decimal numbers; the
// service issues random hex strings.
func ValidSession(s string) bool {
	if s == "" || len(s) > MaxSessionLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}
