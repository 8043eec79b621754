package postgres_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"catalog"
	"catalog/internal/pgtest"
	"catalog/internal/pool"
	"catalog/postgres"
	"catalog/readmodel"
	"catalog/storetest"
)

// poolStats returns the stats of the primary and of the one replica.
func poolStats(t *testing.T, db *postgres.DB) (primary, replica pool.Stats) {
	t.Helper()
	st := db.PoolStats()
	if len(st) != 2 || st[0].Name != "primary" {
		t.Fatalf("pool stats: %+v, want the primary's and one replica's", st)
	}
	return st[0], st[1]
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// readAll makes the four catalog reads of product 1 and returns what they
// found.
func readAll(t *testing.T, s catalog.ProductService) []any {
	t.Helper()
	ctx := context.Background()
	var docs []any
	for _, kind := range []catalog.Document{catalog.DocProduct, catalog.DocStyles, catalog.DocRelated} {
		doc, err := s.FindDocument(ctx, 1, kind)
		if err != nil {
			t.Fatalf("FindDocument %d: %v", kind, err)
		}
		docs = append(docs, string(doc))
	}
	page, err := s.ListProducts(ctx, catalog.Page{Number: 1, Size: 5})
	if err != nil {
		t.Fatalf("ListProducts: %v", err)
	}
	return append(docs, page)
}

func execOn(t *testing.T, url, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// TestDB_Replicas runs a primary and a real streaming replica, each a
// cluster of the test's own, and checks where reads go as the replica
// serves, lags a load, stops and comes back, and as the primary stops.
func TestDB_Replicas(t *testing.T) {
	ctx := context.Background()
	primary := pgtest.StartCluster(t)
	replica := primary.StartReplica(t)
	url, replicaURL := primary.URL("postgres"), replica.URL("postgres")

	clock := storetest.NewClock(storetest.T0)
	direct, err := postgres.Open(ctx, url, postgres.Config{Migrate: true, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	fixture := storetest.NewFixture()
	storetest.Load(t, direct, fixture)

	db, err := postgres.Open(ctx, url, postgres.Config{Replicas: []string{replicaURL}, ReplicaCheck: 50 * time.Millisecond, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	usable := func() bool { _, r := poolStats(t, db); return r.Usable }
	// openUnchecked opens a store that checks its replica only once, at
	// Open: only its own reads can then find the replica gone, or well.
	openUnchecked := func(t *testing.T) *postgres.DB {
		t.Helper()
		unchecked, err := postgres.Open(ctx, url, postgres.Config{Replicas: []string{replicaURL}, ReplicaCheck: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { unchecked.Close() })
		return unchecked
	}
	waitFor(t, "the replica to replay the load", usable)

	t.Run("ReadsGoToReplica", func(t *testing.T) {
		p0, r0 := poolStats(t, db)
		got, want := readAll(t, db), readAll(t, direct)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("reads through the replica:\n got %+v\nwant %+v", got, want)
		}
		p1, r1 := poolStats(t, db)
		if r1.Reads-r0.Reads != 4 || p1.Reads != p0.Reads {
			t.Errorf("reads served: replica %d, primary %d; want 4 and 0", r1.Reads-r0.Reads, p1.Reads-p0.Reads)
		}
	})

	t.Run("CallerDeadline", func(t *testing.T) {
		// A read whose caller's time has run out fails, and the replica
		// is not to blame: it stays in use. No check runs to restore it.
		unchecked := openUnchecked(t)
		past, cancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
		defer cancel()
		if _, err := unchecked.FindDocument(past, 1, catalog.DocProduct); err == nil {
			t.Fatal("a read past its deadline answered")
		}
		if _, r := poolStats(t, unchecked); !r.Usable {
			t.Error("a read past its caller's deadline took the replica out")
		}
	})

	t.Run("CartOnPrimary", func(t *testing.T) {
		// With the replica's replay paused, a cart read there would miss
		// the write.
		execOn(t, replicaURL, "SELECT pg_wal_replay_pause()")
		defer execOn(t, replicaURL, "SELECT pg_wal_replay_resume()")
		sku := fixture.SKUs[0].ID
		if err := db.AddToCart(ctx, "replica-test", sku, 0); err != nil {
			t.Fatalf("AddToCart: %v", err)
		}
		got, err := db.Cart(ctx, "replica-test")
		if err != nil {
			t.Fatal(err)
		}
		if want := []catalog.CartItem{{SKUID: sku, Count: 1}}; !reflect.DeepEqual(got, want) {
			t.Errorf("cart: got %+v, want %+v", got, want)
		}
	})

	t.Run("BehindReplicaSkipped", func(t *testing.T) {
		// The replica stops replaying; a new catalog goes live on the
		// primary. Once the service has seen the new generation, no read
		// may answer from the old catalog.
		execOn(t, replicaURL, "SELECT pg_wal_replay_pause()")
		next := storetest.NewFixture()
		next.Products[0].Name = "Harbor Parka II"
		storetest.Load(t, direct, next)
		info, err := db.CatalogInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Generation != 2 {
			t.Fatalf("generation %d, want 2", info.Generation)
		}
		db.Serving(info.Generation) // as serve's feed of the catalog tells it
		_, r0 := poolStats(t, db)
		for range 20 {
			stored, err := db.FindDocument(ctx, 1, catalog.DocProduct)
			if err != nil {
				t.Fatal(err)
			}
			if p, err := readmodel.JSON(stored, 1, catalog.DocProduct); err != nil || !strings.Contains(string(p), `"name":"Harbor Parka II"`) {
				t.Fatalf("read the old catalog from a replica that is behind: %s", p)
			}
		}
		if _, r1 := poolStats(t, db); r1.Reads != r0.Reads || r1.Usable {
			t.Errorf("a replica behind the primary served %d reads (usable %v)", r1.Reads-r0.Reads, r1.Usable)
		}
		execOn(t, replicaURL, "SELECT pg_wal_replay_resume()")
		waitFor(t, "the replica to catch up", usable)
		got, want := readAll(t, db), readAll(t, direct)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("reads after catching up:\n got %+v\nwant %+v", got, want)
		}
	})

	t.Run("ReplicaStopped", func(t *testing.T) {
		want := readAll(t, direct)
		// A store that checks its replica only once, at Open: with no
		// check to notice, only the reads themselves can find that the
		// replica has gone.
		unchecked := openUnchecked(t)
		_, r0 := poolStats(t, unchecked)
		readAll(t, unchecked)
		if _, r1 := poolStats(t, unchecked); r1.Reads-r0.Reads != 4 {
			t.Fatalf("the replica served %d of 4 reads before it stopped", r1.Reads-r0.Reads)
		}
		replica.Stop(t)
		// Every read answers, right from the first: a read the replica
		// fails moves on to the primary.
		for i := range 25 {
			for _, s := range []*postgres.DB{unchecked, db} {
				if got := readAll(t, s); !reflect.DeepEqual(got, want) {
					t.Fatalf("read %d with the replica stopped:\n got %+v\nwant %+v", i, got, want)
				}
			}
		}
		if _, r := poolStats(t, unchecked); r.Usable {
			t.Error("a replica that failed a read is still counted usable")
		}
		if usable() {
			t.Error("a stopped replica is still counted usable")
		}
		replica.Start(t)
		waitFor(t, "the replica to serve again", usable)
		_, r0 = poolStats(t, db)
		readAll(t, db)
		if _, r1 := poolStats(t, db); r1.Reads-r0.Reads != 4 {
			t.Errorf("the replica served %d of 4 reads after it came back", r1.Reads-r0.Reads)
		}
	})

	t.Run("PrimaryStopped", func(t *testing.T) {
		want := readAll(t, direct)
		primary.Stop(t)
		defer primary.Start(t)
		if got := readAll(t, db); !reflect.DeepEqual(got, want) {
			t.Errorf("reads with the primary stopped:\n got %+v\nwant %+v", got, want)
		}
		info, err := db.CatalogInfo(ctx)
		if err != nil || info.Generation != 2 {
			t.Errorf("CatalogInfo with the primary stopped: %+v, %v; want generation 2 from the replica", info, err)
		}
		err = db.AddToCart(ctx, "replica-test", fixture.SKUs[0].ID, 0)
		if code := catalog.ErrorCode(err); code != catalog.EUNAVAILABLE {
			t.Errorf("AddToCart with the primary stopped: %v, want %s", err, catalog.EUNAVAILABLE)
		}
	})

	t.Run("BehindAndPrimaryStopped", func(t *testing.T) {
		// The service has seen generation 3 on the primary; the replica
		// has only 2 when the primary goes. The replica must not answer
		// for the catalog: its generation would take the cache back.
		// A store with no checks after Open: only the generation rule can
		// keep the replica out.
		waitFor(t, "the replica to serve", usable)
		unchecked := openUnchecked(t)
		execOn(t, replicaURL, "SELECT pg_wal_replay_pause()")
		defer execOn(t, replicaURL, "SELECT pg_wal_replay_resume()")
		storetest.Load(t, direct, fixture)
		if info, err := unchecked.CatalogInfo(ctx); err != nil || info.Generation != 3 {
			t.Fatalf("CatalogInfo: %+v, %v; want generation 3", info, err)
		}
		unchecked.Serving(3)
		primary.Stop(t)
		defer primary.Start(t)
		info, err := unchecked.CatalogInfo(ctx)
		if err == nil {
			t.Errorf("CatalogInfo with the primary stopped and the replica behind: %+v, want unavailable", info)
		}
		if p, err := unchecked.FindDocument(ctx, 1, catalog.DocProduct); err == nil {
			t.Errorf("FindDocument with the primary stopped and the replica behind: %s from the old catalog, want unavailable", p)
		}
	})

	t.Run("BothStopped", func(t *testing.T) {
		// A replica that fails the catalog's generation, asked when the
		// primary has failed it too, is skipped from then on, as a read
		// that fails there skips it. No check runs to notice instead.
		// Until it has replayed the last load: a store opened now asks the
		// primary which generation that is.
		waitFor(t, "the replica to serve the primary's catalog", func() bool {
			info, err := db.CatalogInfo(ctx)
			if err == nil {
				db.Serving(info.Generation)
			}
			return err == nil && usable()
		})
		unchecked := openUnchecked(t)
		if _, r := poolStats(t, unchecked); !r.Usable {
			t.Fatal("the replica is not usable before it stops")
		}
		replica.Stop(t)
		defer replica.Start(t)
		primary.Stop(t)
		defer primary.Start(t)
		if info, err := unchecked.CatalogInfo(ctx); catalog.ErrorCode(err) != catalog.EUNAVAILABLE {
			t.Errorf("CatalogInfo with both stopped: %+v, %v; want %s", info, err, catalog.EUNAVAILABLE)
		}
		if _, r := poolStats(t, unchecked); r.Usable {
			t.Error("a replica that failed CatalogInfo is still counted usable")
		}
	})
}
