package http

import (
	"fmt"
	"testing"
	"time"
)

func TestWarnLimiter(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	t.Run("OncePerInterval", func(t *testing.T) {
		l := newWarnLimiter(time.Minute, 10)
		for _, tc := range []struct {
			key  string
			at   time.Duration
			want bool
		}{
			{"a", 0, true},
			{"a", time.Second, false},
			{"b", time.Second, true},
			{"a", 59 * time.Second, false},
			{"a", time.Minute, true},
			{"a", time.Minute + time.Second, false},
			{"b", time.Minute + time.Second, true},
		} {
			if got := l.allow(tc.key, t0.Add(tc.at)); got != tc.want {
				t.Errorf("allow(%q) at %v = %v, want %v", tc.key, tc.at, got, tc.want)
			}
		}
	})
	// Past max keys, none is let through until old ones age out; the
	// keys kept never pass max.
	t.Run("Bounded", func(t *testing.T) {
		l := newWarnLimiter(time.Minute, 3)
		for i := range 3 {
			if !l.allow(fmt.Sprint(i), t0) {
				t.Fatalf("key %d refused", i)
			}
		}
		if l.allow("new", t0.Add(time.Second)) {
			t.Fatal("a key past the bound let through")
		}
		if !l.allow("new", t0.Add(time.Minute)) {
			t.Fatal("a key refused once the others aged out")
		}
		for i := range 100 {
			l.allow(fmt.Sprint("k", i), t0.Add(time.Minute+time.Duration(i)*time.Millisecond))
		}
		if len(l.last) > 3 {
			t.Fatalf("%d keys kept, want at most 3", len(l.last))
		}
	})
}
