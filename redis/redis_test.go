package redis_test

import (
	"context"
	"testing"
	"time"

	"catalog/internal/redistest"
	"catalog/redis"
)

func TestTier(t *testing.T) {
	ctx := context.Background()
	t.Run("RoundTrip", func(t *testing.T) {
		url, prefix := redistest.Shared(t)
		tier, err := redis.Open(url, redis.Options{Prefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		defer tier.Close()
		if _, ok := tier.Get(ctx, "1:product/1"); ok {
			t.Fatal("a hit in an empty prefix")
		}
		tier.Set(ctx, "1:product/1", []byte(`{"id":1}`))
		if got, ok := tier.Get(ctx, "1:product/1"); !ok || string(got) != `{"id":1}` {
			t.Fatalf("Get = %q, %v", got, ok)
		}
		if st := tier.Stats(); st.Hits != 1 || st.Misses != 1 || st.Errors != 0 {
			t.Fatalf("stats %+v, want a hit and a miss", st)
		}
	})
	// A Redis that is not there is a tier that misses, not an error.
	t.Run("Unreachable", func(t *testing.T) {
		tier, err := redis.Open("redis://127.0.0.1:1/0", redis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer tier.Close()
		if err := tier.Ping(ctx); err == nil {
			t.Fatal("Ping of a closed port succeeded")
		}
		if _, ok := tier.Get(ctx, "k"); ok {
			t.Fatal("a hit from nowhere")
		}
	})
	t.Run("ErrURL", func(t *testing.T) {
		if _, err := redis.Open("http://x", redis.Options{}); err == nil {
			t.Fatal("Open of a non-Redis URL succeeded")
		}
	})
	// Redis dying costs misses, never errors nor waits; the tier skips it
	// for its cooldown, then finds it again by itself.
	t.Run("DownAndBack", func(t *testing.T) {
		srv := redistest.Start(t)
		tier, err := redis.Open(srv.URL(), redis.Options{Cooldown: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer tier.Close()
		tier.Set(ctx, "k", []byte("v"))
		srv.Stop()
		start := time.Now()
		for range 50 {
			if _, ok := tier.Get(ctx, "k"); ok {
				t.Fatal("a hit from a stopped Redis")
			}
			tier.Set(ctx, "k", []byte("v"))
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("100 calls to a stopped Redis took %v: the tier waits on it", d)
		}
		if st := tier.Stats(); st.Errors == 0 || st.Skipped < 90 {
			t.Fatalf("stats %+v: want an error, then calls skipped", st)
		}
		srv.Start()
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			tier.Set(ctx, "k", []byte("again"))
			if got, ok := tier.Get(ctx, "k"); ok && string(got) == "again" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the tier did not find Redis again: %+v", tier.Stats())
			}
		}
	})
}
