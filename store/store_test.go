package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// backend opens a fresh, empty store of one kind; reopen opens the same
// database again (a restart).
type backend struct {
	name  string
	open  func(t *testing.T) (*SQL, func() *SQL)
	rawDB func(s *SQL) *sql.DB
}

func backends(t *testing.T) []backend {
	bs := []backend{{name: "sqlite", open: func(t *testing.T) (*SQL, func() *SQL) {
		path := filepath.Join(t.TempDir(), "audit.db")
		o := Options{Path: path, CheckpointInterval: time.Hour}
		return mustOpen(t, o), func() *SQL { return mustOpen(t, o) }
	}}}
	if os.Getenv("SELLERGATE_TEST_POSTGRES") != "" {
		bs = append(bs, backend{name: "postgres", open: func(t *testing.T) (*SQL, func() *SQL) {
			o := Options{Driver: "postgres", DSN: freshPostgres(t), CheckpointInterval: time.Hour}
			return mustOpen(t, o), func() *SQL { return mustOpen(t, o) }
		}})
	} else if os.Getenv("CI") != "" {
		t.Fatal("CI must run the PostgreSQL tests: SELLERGATE_TEST_POSTGRES is not set")
	}
	return bs
}

func mustOpen(t *testing.T, o Options) *SQL {
	t.Helper()
	s, err := Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// freshPostgres creates an empty database on the test server and returns
// its DSN; it is dropped when the test ends.
func freshPostgres(t *testing.T) string { return freshPostgresTB(t) }

func freshPostgresTB(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("SELLERGATE_TEST_POSTGRES")
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b [6]byte
	rand.Read(b[:])
	name := "sgt_" + hex.EncodeToString(b[:])
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("creating test database: %v", err)
	}
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	t.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err == nil {
			db.Exec("DROP DATABASE " + name + " WITH (FORCE)")
			db.Close()
		}
	})
	return u.String()
}

func outbound(buyer, order, subject, body string) *Record {
	return &Record{
		Time: time.Now(), Kind: KindMessage, QueueID: "Q" + subject, Direction: Outbound, Agent: "anna",
		MailFrom: "support@seller.test", Rcpt: []string{buyer}, Subject: subject, From: "support@seller.test",
		Buyer: buyer, OrderID: order, Verdict: "pass", Status: StatusAccepted,
		Raw: strings.NewReader("Subject: " + subject + "\r\n\r\n" + body + "\r\n"),
	}
}

func TestConformance(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			t.Run("AppendIsDurableAndChained", func(t *testing.T) { testDurable(t, b) })
			t.Run("Threads", func(t *testing.T) { testThreads(t, b) })
			t.Run("ConcurrentAppends", func(t *testing.T) { testConcurrent(t, b) })
			t.Run("PurgeKeepsChain", func(t *testing.T) { testPurge(t, b) })
			t.Run("Tamper", func(t *testing.T) { testTamper(t, b) })
			t.Run("Search", func(t *testing.T) { testSearch(t, b) })
			t.Run("OrderedAppendIsCommitted", func(t *testing.T) { testOrdered(t, b) })
			t.Run("RelayedSince", func(t *testing.T) { testRelayedSince(t, b) })
			t.Run("BodyKeptByteForByte", func(t *testing.T) { testBodyKept(t, b) })
			t.Run("LatestBuyerMessage", func(t *testing.T) { testLatestBuyer(t, b) })
			t.Run("ThreadFacts", func(t *testing.T) { testThreadFacts(t, b) })
			t.Run("CountHeld", func(t *testing.T) { testCountHeld(t, b) })
			t.Run("NewestFirstPages", func(t *testing.T) { testNewestPages(t, b) })
			t.Run("Summarize", func(t *testing.T) { testSummarize(t, b) })
			t.Run("Allowance", func(t *testing.T) { testAllowance(t, b) })
		})
	}
}

func testDurable(t *testing.T, b backend) {
	s, reopen := b.open(t)
	ctx := context.Background()
	r := outbound("a1@marketplace.amazon.de", "302-1234567-7654321", "Re: parcel", "It left today.")
	r.Violations = []Violation{{Rule: "link.external", Category: "link", Excerpt: "shop.example", Where: "text line 2", Action: "reject"}}
	// As the gateway records a message before its final dot: committed and
	// ordered, made durable by the delivery's Append below.
	if err := s.AppendOrdered(ctx, r); err != nil {
		t.Fatal(err)
	}
	if r.ID != 1 || r.Hash == "" || r.Thread == "" || r.SHA256 == "" {
		t.Fatalf("append did not fill id/hash/thread/sha: %+v", r)
	}
	d := &Record{Time: time.Now(), Kind: KindDelivery, QueueID: r.QueueID, Direction: Outbound, Buyer: r.Buyer, OrderID: r.OrderID, Status: StatusRelayed, Reply: "250 2.0.0 Ok"}
	if err := s.Append(ctx, d); err != nil {
		t.Fatal(err)
	}
	if d.ID != 2 || d.PrevHash != r.Hash {
		t.Errorf("second record: id %d prev %s, want 2 and %s", d.ID, d.PrevHash, r.Hash)
	}
	s.Close()
	s2 := reopen()
	a := s2
	recs, err := a.Search(ctx, Query{Order: "302-1234567-7654321"})
	if err != nil || len(recs) != 2 {
		t.Fatalf("after reopen: %d records, %v", len(recs), err)
	}
	got := recs[0]
	if got.Subject != "Re: parcel" || got.Agent != "anna" || len(got.Violations) != 1 || got.Violations[0].Excerpt != "shop.example" || got.Time.UnixMilli() != r.Time.UnixMilli() {
		t.Errorf("record read back differs: %+v", got)
	}
	body, err := a.Body(ctx, got.ID)
	if err != nil || !bytes.Contains(body, []byte("It left today.")) {
		t.Errorf("body: %q %v", body, err)
	}
	if _, err := a.Body(ctx, 2); !errors.Is(err, ErrNoBody) {
		t.Errorf("delivery record body: %v, want ErrNoBody", err)
	}
	rep, err := a.Verify(ctx)
	if err != nil || !rep.OK || rep.Records != 2 {
		t.Errorf("verify: %v %v", rep, err)
	}
}

// A message kept with its record comes back byte for byte, whatever its
// size: a one-line reply, a 5 KB reply, and 300 KB of text and base64 that
// is compressed in many pieces. As in the gateway, the record's body is a
// signature header followed by the message.
func testBodyKept(t *testing.T, b backend) {
	s, _ := b.open(t)
	ctx := context.Background()
	random := make([]byte, 150<<10)
	rand.Read(random)
	var big strings.Builder
	for i := 0; big.Len() < 300<<10; i++ {
		fmt.Fprintf(&big, "Line %d of the conversation about order 302-1234567-7654321.\r\n", i)
		if i%50 == 0 {
			enc := hex.EncodeToString(random[i*40 : i*40+2000])
			for j := 0; j < len(enc); j += 76 {
				big.WriteString(enc[j:min(j+76, len(enc))] + "\r\n")
			}
		}
	}
	sig := []byte("DKIM-Signature: v=1; a=rsa-sha256; d=seller.test; s=sel1; b=abc\r\n")
	for _, body := range []string{"Hi.", body5k, big.String()} {
		want := append(append([]byte(nil), sig...), body...)
		r := outbound("a1@marketplace.amazon.de", "302-1234567-7654321", "Re: parcel", "")
		r.Raw = io.MultiReader(bytes.NewReader(sig), strings.NewReader(body))
		r.Size = int64(len(want))
		if err := s.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
		got, err := s.Body(ctx, r.ID)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%d-byte body read back as %d bytes (%v)", len(want), len(got), err)
		}
		sum := sha256.Sum256(want)
		if r.SHA256 != hex.EncodeToString(sum[:]) || r.Size != int64(len(want)) {
			t.Errorf("%d-byte body: record says %d bytes, SHA-256 %s", len(want), r.Size, r.SHA256)
		}
	}
}

// An AppendOrdered record is in the chain, readable, when the call returns,
// and still there when the store is opened again with nothing after it.
func testOrdered(t *testing.T, b backend) {
	s, reopen := b.open(t)
	ctx := context.Background()
	r := outbound("a9@marketplace.amazon.fr", "403-1234567-7654321", "Re: colis", "Parti ce matin.")
	if err := s.AppendOrdered(ctx, r); err != nil {
		t.Fatal(err)
	}
	if r.ID != 1 || r.Hash == "" {
		t.Fatalf("ordered append did not fill id/hash: %+v", r)
	}
	recs, err := s.Search(ctx, Query{Order: "403-1234567-7654321"})
	if err != nil || len(recs) != 1 {
		t.Fatalf("right after AppendOrdered: %d records, %v", len(recs), err)
	}
	s.Close()
	s2 := reopen()
	rep, err := s2.Verify(ctx)
	if err != nil || !rep.OK || rep.Records != 1 {
		t.Fatalf("after reopen: %v %v", rep, err)
	}
	// A durable append after it works on the same writer.
	d := &Record{Time: time.Now(), Kind: KindDelivery, QueueID: r.QueueID, Direction: Outbound, Buyer: r.Buyer, OrderID: r.OrderID, Status: StatusRelayed}
	if err := s2.Append(ctx, d); err != nil || d.PrevHash != r.Hash {
		t.Fatalf("durable append after an ordered one: %v, prev %q want %q", err, d.PrevHash, r.Hash)
	}
}

// RelayedSince counts, per agent, the messages the next hop accepted since
// a time: not those refused or failed, not other kinds, not earlier ones.
func testRelayedSince(t *testing.T, b backend) {
	s, _ := b.open(t)
	ctx := context.Background()
	midnight := time.Now().UTC().Truncate(24 * time.Hour)
	add := func(agent string, at time.Time, kind Kind, status string) {
		t.Helper()
		r := &Record{Time: at, Kind: kind, Direction: Outbound, Agent: agent, Buyer: "b@marketplace.amazon.de", Status: status}
		if err := s.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	add("anna", midnight.Add(-time.Hour), KindDelivery, StatusRelayed) // yesterday
	add("anna", midnight.Add(time.Minute), KindDelivery, StatusRelayed)
	add("anna", midnight.Add(2*time.Minute), KindDelivery, StatusRelayed)
	add("anna", midnight.Add(3*time.Minute), KindDelivery, StatusTempFail)
	add("anna", midnight.Add(4*time.Minute), KindMessage, StatusAccepted)
	add("network:10.0.0.0/8", midnight.Add(5*time.Minute), KindDelivery, StatusRelayed)
	got, err := s.RelayedSince(ctx, midnight)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"anna": 2, "network:10.0.0.0/8": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("RelayedSince(midnight) = %v, want %v", got, want)
	}
}

func testThreads(t *testing.T, b backend) {
	s, _ := b.open(t)
	ctx := context.Background()
	buyer := "b2@marketplace.amazon.fr"
	first := outbound(buyer, "171-1111111-2222222", "Question sur ma commande", "x")
	second := outbound(buyer, "171-1111111-2222222", "Re: autre sujet", "y")
	noOrder := outbound(buyer, "", "Re: merci", "z")
	other := outbound(buyer, "171-3333333-4444444", "Nouvelle commande", "w")
	for _, r := range []*Record{first, second, noOrder, other} {
		if err := s.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if first.Thread != second.Thread {
		t.Errorf("same order, different subject: threads %s and %s", first.Thread, second.Thread)
	}
	if noOrder.Thread != second.Thread {
		t.Errorf("reply without order id went to thread %s, want the buyer's latest %s", noOrder.Thread, second.Thread)
	}
	if other.Thread == first.Thread {
		t.Error("another order shares the thread")
	}
}

func testConcurrent(t *testing.T, b backend) {
	s, _ := b.open(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for w := 0; w < 20; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				r := outbound(fmt.Sprintf("w%d@marketplace.amazon.de", w), "", fmt.Sprintf("%d-%d", w, i), "hello")
				// Durable and ordered-only appends share batches.
				appendFn := s.Append
				if i%2 == 1 {
					appendFn = s.AppendOrdered
				}
				if err := appendFn(ctx, r); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rep, err := s.Verify(ctx)
	if err != nil || !rep.OK || rep.Records != 500 {
		t.Fatalf("after 500 concurrent appends: %v %v", rep, err)
	}
}

func testPurge(t *testing.T, b backend) {
	s, _ := b.open(t)
	ctx := context.Background()
	old := outbound("c@marketplace.amazon.it", "", "vecchio", "dati personali")
	old.Time = time.Now().Add(-100 * 24 * time.Hour)
	recent := outbound("c@marketplace.amazon.it", "", "nuovo", "ok")
	for _, r := range []*Record{old, recent} {
		if err := s.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	a := s
	n, err := a.Purge(ctx, time.Now().Add(-30*24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("purge removed %d bodies, %v; want 1", n, err)
	}
	if _, err := a.Body(ctx, old.ID); !errors.Is(err, ErrPurged) {
		t.Errorf("purged body: %v, want ErrPurged", err)
	}
	if _, err := a.Body(ctx, recent.ID); err != nil {
		t.Errorf("recent body: %v", err)
	}
	recs, _ := a.Search(ctx, Query{Buyer: "c@marketplace.amazon.it"})
	if len(recs) != 2 || recs[0].SHA256 == "" || recs[0].Subject != "vecchio" {
		t.Errorf("purge touched the records: %+v", recs)
	}
	if rep, err := a.Verify(ctx); err != nil || !rep.OK {
		t.Errorf("chain after purge: %v %v", rep, err)
	}
}

func testSearch(t *testing.T, b backend) {
	s, _ := b.open(t)
	ctx := context.Background()
	ok := outbound("d@marketplace.amazon.es", "402-1111111-1111111", "Re: pedido", "vale")
	bad := outbound("d@marketplace.amazon.es", "402-1111111-1111111", "Re: pedido", "visita")
	bad.Verdict, bad.Status, bad.Agent = "reject", StatusRefused, "luis"
	bad.Violations = []Violation{{Rule: "promotion.shop", Category: "promotion", Excerpt: "visita nuestra tienda", Where: "text line 1", Action: "reject"}}
	for _, r := range []*Record{ok, bad} {
		if err := s.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	a := s
	for _, c := range []struct {
		q    Query
		want int
	}{
		{Query{Order: "402-1111111-1111111"}, 2},
		{Query{Agent: "luis"}, 1},
		{Query{Verdict: "reject"}, 1},
		{Query{Category: "promotion"}, 1},
		{Query{Category: "link"}, 0},
		{Query{Buyer: "D@marketplace.amazon.es"}, 2},
		{Query{From: time.Now().Add(time.Hour)}, 0},
		{Query{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)}, 2},
	} {
		got, err := a.Search(ctx, c.q)
		if err != nil || len(got) != c.want {
			t.Errorf("search %+v: %d records, %v; want %d", c.q, len(got), err, c.want)
		}
	}
}

// testTamper changes the database behind the store's back, as someone with
// access to the file or the server could, and expects Verify to name the
// first record that was changed, inserted or removed.
func testTamper(t *testing.T, b backend) {
	cases := []struct {
		name    string
		tamper  []string
		breakID int64
		problem string
	}{
		{"change a field", []string{`UPDATE records SET subject = 'Re: nothing happened' WHERE id = 3`}, 3, "content changed"},
		{"delete a row", []string{`DELETE FROM records WHERE id = 3`}, 4, "removed"},
		{"reorder two rows", []string{`UPDATE records SET id = -1 WHERE id = 2`, `UPDATE records SET id = 2 WHERE id = 3`, `UPDATE records SET id = 3 WHERE id = -1`}, 2, "does not link"},
		{"truncate the chain", []string{`DELETE FROM records WHERE id >= 4`}, 5, "truncated"},
		// With no checkpoint after the cut, the recorded head still shows it.
		{"truncate the chain and its checkpoints", []string{`DELETE FROM records WHERE id >= 4`, `DELETE FROM checkpoints`}, 5, "truncated"},
		{"remove the newest record", []string{`DELETE FROM records WHERE id = 5`, `DELETE FROM checkpoints WHERE record_id = 5`}, 5, "truncated"},
		{"insert a row", []string{`UPDATE records SET id = id + 100 WHERE id >= 3`, `UPDATE records SET id = id - 99 WHERE id >= 100`, `INSERT INTO records (` + recordColumns + `, body) SELECT 3, time_ms, kind, queue_id, direction, agent, mail_from, rcpt, message_id, 'forged', from_hdr, buyer, order_id, thread, verdict, violations, status, reply, size, sha256, note, prev_hash, hash, body FROM records WHERE id = 2`}, 3, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := b.open(t)
			seed(t, s, 5)
			db := s.wdb
			for _, q := range c.tamper {
				if _, err := db.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			rep, err := s.Verify(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK || rep.BreakID != c.breakID || !strings.Contains(rep.Problem, c.problem) || rep.BreakTime.IsZero() {
				t.Errorf("verify after %q: %v; want break at %d mentioning %q", c.name, rep, c.breakID, c.problem)
			}
		})
	}
	t.Run("change a byte of a body", func(t *testing.T) {
		s, _ := b.open(t)
		seed(t, s, 5)
		db := s.wdb
		var gz []byte
		if err := db.QueryRow(s.d.rebind(`SELECT body FROM records WHERE id = ?`), 2).Scan(&gz); err != nil {
			t.Fatal(err)
		}
		raw, _ := decompressBody(gz)
		raw[len(raw)-3] ^= 1
		gz2, _, _, _ := s.gz.compressBody(bytes.NewReader(raw), 0)
		if _, err := db.Exec(s.d.rebind(`UPDATE records SET body = ? WHERE id = ?`), gz2, 2); err != nil {
			t.Fatal(err)
		}
		rep, _ := s.Verify(context.Background())
		if rep.OK || rep.BreakID != 2 || !strings.Contains(rep.Problem, "body changed") {
			t.Errorf("verify after a changed body byte: %v", rep)
		}
	})
}

// seed appends n records and checkpoints the head.
func seed(t *testing.T, s *SQL, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := s.Append(context.Background(), outbound("e@marketplace.amazon.de", "303-0000000-000000"+fmt.Sprint(i), fmt.Sprint("msg ", i), "text")); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rep, _ := s.Verify(context.Background()); !rep.OK {
		t.Fatalf("fresh chain does not verify: %v", rep)
	}
}

func TestRetentionRemovesOldBodiesByItself(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	s := mustOpen(t, Options{Path: path})
	old := outbound("r@marketplace.amazon.de", "", "old", "personal data")
	old.Time = time.Now().Add(-60 * 24 * time.Hour)
	s.Append(context.Background(), old)
	s.Close()
	s2 := mustOpen(t, Options{Path: path, Retention: 30 * 24 * time.Hour})
	a := s2
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := a.Body(context.Background(), old.ID); errors.Is(err, ErrPurged) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the old body is still there")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if rep, _ := a.Verify(context.Background()); !rep.OK {
		t.Errorf("chain after retention: %v", rep)
	}
}

// TestPostgresOutageRecovers: the database goes away (connections refused,
// sessions killed); Appends fail (the gateway answers 451) and nothing is
// half-written; when the database is back, the store works again by
// itself and the chain verifies.
func TestPostgresOutageRecovers(t *testing.T) {
	admin := os.Getenv("SELLERGATE_TEST_POSTGRES")
	if admin == "" {
		t.Skip("SELLERGATE_TEST_POSTGRES is not set")
	}
	dsn := freshPostgres(t)
	name := dsn[strings.LastIndexByte(dsn, '/')+1:]
	if i := strings.IndexByte(name, '?'); i >= 0 {
		name = name[:i]
	}
	s := mustOpen(t, Options{Driver: "postgres", DSN: dsn})
	ctx := context.Background()
	if err := s.Append(ctx, outbound("o@marketplace.amazon.de", "", "before", "x")); err != nil {
		t.Fatal(err)
	}
	adb, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer adb.Close()
	mustExec := func(q string) {
		if _, err := adb.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false")
	mustExec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'")
	failed := 0
	for i := 0; i < 3; i++ {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if err := s.Append(cctx, outbound("o@marketplace.amazon.de", "", fmt.Sprint("during ", i), "x")); err != nil {
			failed++
		}
		cancel()
	}
	if failed != 3 {
		t.Fatalf("%d of 3 appends failed while the database was down, want 3", failed)
	}
	mustExec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true")
	if err := s.Append(ctx, outbound("o@marketplace.amazon.de", "", "after", "x")); err != nil {
		t.Fatalf("after the database came back: %v", err)
	}
	rep, err := s.Verify(ctx)
	if err != nil || !rep.OK || rep.Records != 2 {
		t.Errorf("chain after the outage: %v %v (want 2 records, nothing half-written)", rep, err)
	}
}

// TestFullDiskRecovers: on a full file system Appends fail with an error
// (the gateway answers 451) and nothing half-written shows; once there is
// room again the store works by itself. Needs root for a small tmpfs.
func TestFullDiskRecovers(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here (needs root and mount rights): %v %s", err, out)
	}
	defer exec.Command("umount", "-l", dir).Run()
	s := mustOpen(t, Options{Path: filepath.Join(dir, "a.db")})
	ctx := context.Background()
	if err := s.Append(ctx, outbound("f@marketplace.amazon.de", "", "first", "x")); err != nil {
		t.Fatal(err)
	}
	// Fill the file system.
	filler := filepath.Join(dir, "filler")
	f, _ := os.Create(filler)
	f.Write(make([]byte, 3<<20))
	f.Close()
	noise := make([]byte, 256<<10)
	rand.Read(noise)
	var appendErr error
	for i := 0; i < 20 && appendErr == nil; i++ {
		appendErr = s.Append(ctx, outbound("f@marketplace.amazon.de", "", fmt.Sprint("big ", i), string(noise)))
	}
	if appendErr == nil {
		t.Fatal("appends kept succeeding on a full file system")
	}
	os.Remove(filler)
	var err error
	for i := 0; i < 50; i++ {
		if err = s.Append(ctx, outbound("f@marketplace.amazon.de", "", "after", "x")); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("after freeing space: %v", err)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK {
		t.Errorf("chain after the full disk: %v %v", rep, err)
	}
}

// inbound is a buyer message as the inbound listener records it.
func inbound(buyer, order, verdict, body string) *Record {
	return &Record{
		Time: time.Now(), Kind: KindMessage, QueueID: "I" + body, Direction: Inbound, MailFrom: "bounces@amazon.de",
		Rcpt: []string{"support@seller.test"}, Subject: "Frage " + order, From: buyer, Buyer: buyer, OrderID: order,
		Verdict: verdict, Status: StatusAccepted, Raw: strings.NewReader("Subject: x\r\n\r\n" + body + "\r\n"),
	}
}

// testLatestBuyer: the buyer message a reply answers is the newest
// verified inbound message of the order's thread; an unverified message
// or the seller's own reply is never taken for it.
func testLatestBuyer(t *testing.T, b backend) {
	s, _ := b.open(t)
	ctx := context.Background()
	const buyer, order, other = "k9@marketplace.amazon.de", "302-1111111-2222222", "302-3333333-4444444"
	for _, r := range []*Record{
		inbound(buyer, order, "buyer", "first question"),
		inbound(buyer, order, "buyer", "second question"),
		inbound(buyer, other, "buyer", "other order"),
		inbound(buyer, order, "unverified", "forged"),
		outbound(buyer, order, "Re: Frage", "our answer"),
	} {
		if err := s.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	bm := s
	for _, c := range []struct{ buyer, order, want string }{
		{buyer, order, "second question"},
		{strings.ToUpper(buyer), order, "second question"},
		{buyer, "", "other order"},
	} {
		raw, err := bm.LatestBuyerMessage(ctx, c.buyer, c.order)
		if err != nil || !strings.Contains(string(raw), c.want) {
			t.Errorf("LatestBuyerMessage(%s, %q) = %q, %v; want %q", c.buyer, c.order, raw, err, c.want)
		}
	}
	if _, err := bm.LatestBuyerMessage(ctx, "nobody@marketplace.amazon.de", order); !errors.Is(err, ErrNoBuyerMessage) {
		t.Errorf("unknown buyer: %v, want ErrNoBuyerMessage", err)
	}
}

// testThreadFacts: the buyer wrote within the window or not; a review
// request counts once the next hop accepted it.
func testThreadFacts(t *testing.T, b backend) {
	s, _ := b.open(t)
	ctx := context.Background()
	const buyer, order = "f1@marketplace.amazon.de", "302-5555555-6666666"
	f, err := s.ThreadFacts(ctx, buyer, order, "", time.Now().Add(-time.Hour))
	if err != nil || f.BuyerWrote || f.ReviewRequests != 0 {
		t.Fatalf("empty thread: %+v %v", f, err)
	}
	ask := outbound(buyer, order, "Re: review", "Would you leave a review?")
	ask.QueueID = "QASK"
	ask.Violations = []Violation{{Rule: "review.request", Category: "review", Action: "tag"}}
	unsent := outbound(buyer, order, "Re: review", "Would you leave a review?")
	unsent.QueueID = "QUNSENT"
	unsent.Violations = ask.Violations
	for _, r := range []*Record{
		inbound(buyer, order, "buyer", "a question"), ask,
		{Time: time.Now(), Kind: KindDelivery, QueueID: "QASK", Direction: Outbound, Buyer: buyer, OrderID: order, Status: StatusRelayed},
		unsent,
		{Time: time.Now(), Kind: KindDelivery, QueueID: "QUNSENT", Direction: Outbound, Buyer: buyer, OrderID: order, Status: StatusTempFail},
	} {
		if err := s.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	f, err = s.ThreadFacts(ctx, buyer, order, "", time.Now().Add(-time.Hour))
	if err != nil || !f.BuyerWrote || f.ReviewRequests != 1 {
		t.Errorf("thread facts: %+v %v, want the buyer wrote and 1 review request (the unsent one not counted)", f, err)
	}
	if f, _ := s.ThreadFacts(ctx, buyer, order, "", time.Now().Add(time.Hour)); f.BuyerWrote {
		t.Error("a buyer message before the window counts")
	}
}

// testCountHeld: the held messages without a decision are counted; a
// decided one (released or rejected) is not.
func testCountHeld(t *testing.T, b backend) {
	s, _ := b.open(t)
	ctx := context.Background()
	for i, order := range []string{"302-1234567-7654321", "302-1234567-7654322", "302-1234567-7654323"} {
		r := outbound("a1@marketplace.amazon.de", order, "Re: parcel", "Subscribe to our newsletter!")
		r.Status, r.Verdict, r.QueueID = StatusQuarantined, "quarantine", fmt.Sprintf("HELD%d", i)
		if err := s.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.CountHeld(ctx); err != nil || n != 3 {
		t.Fatalf("held: %d, %v; want 3", n, err)
	}
	if err := s.Append(ctx, &Record{Time: time.Now(), Kind: KindDecision, QueueID: "HELD1", Direction: Outbound, Status: "released"}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountHeld(ctx); err != nil || n != 2 {
		t.Errorf("held after a release: %d, %v; want 2", n, err)
	}
	held, err := s.ListHeld(ctx)
	if err != nil || len(held) != 2 || held[0].QueueID != "HELD0" || held[1].QueueID != "HELD2" || held[1].OrderID != "302-1234567-7654323" {
		t.Errorf("list of held after a release: %v, %v; want HELD0 and HELD2 with their records", held, err)
	}
}

// testNewestPages: the console pages through the trail newest first, each
// page starting below the last one's lowest id.
func testNewestPages(t *testing.T, b backend) {
	s, _ := b.open(t)
	ctx := context.Background()
	for i := range 5 {
		r := outbound("a1@marketplace.amazon.de", fmt.Sprintf("302-1234567-765432%d", i), "Re: parcel", "It left today.")
		if err := s.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.Search(ctx, Query{Newest: true, Limit: 2})
	if err != nil || len(page) != 2 || page[0].ID != 5 || page[1].ID != 4 {
		t.Fatalf("first page: %v %v; want records 5 and 4", page, err)
	}
	page, err = s.Search(ctx, Query{Newest: true, Limit: 2, Before: page[1].ID})
	if err != nil || len(page) != 2 || page[0].ID != 3 || page[1].ID != 2 {
		t.Fatalf("second page: %v %v; want records 3 and 2", page, err)
	}
}

// testSummarize: the overview counts the day's outcomes, and the refused
// and held messages by category; yesterday's records are not counted.
func testSummarize(t *testing.T, b backend) {
	s, _ := b.open(t)
	ctx := context.Background()
	now := time.Now().UTC()
	add := func(at time.Time, kind Kind, status, note string, cats ...string) {
		t.Helper()
		r := outbound("a1@marketplace.amazon.de", "302-1234567-7654321", "Re: parcel", "text")
		r.Time, r.Kind, r.Status, r.Note = at, kind, status, note
		for _, c := range cats {
			r.Violations = append(r.Violations, Violation{Rule: c + ".x", Category: c, Action: "reject"})
		}
		if err := s.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	add(now.Add(-30*time.Hour), KindMessage, StatusRefused, "", "link")
	add(now.Add(-30*time.Hour), KindDelivery, StatusRelayed, "")
	add(now, KindDelivery, StatusRelayed, "")
	add(now, KindDelivery, StatusRelayed, "")
	add(now, KindMessage, StatusRefused, "", "link", "contact")
	add(now, KindMessage, StatusRefused, "", "review")
	add(now, KindMessage, StatusQuarantined, "appeal: the buyer asked for the manual", "link")
	add(now, KindMessage, StatusQuarantined, "", "promotion")
	sum, err := s.Summarize(ctx, now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{Relayed: 2, Refused: 2, Held: 2, Appealed: 1, Categories: map[string]int{"link": 2, "contact": 1, "review": 1, "promotion": 1}}
	if fmt.Sprint(*sum) != fmt.Sprint(want) {
		t.Errorf("summary %+v, want %+v", *sum, want)
	}
}

// TestSimultaneousStartsOnPostgres: gateways started at the same moment on
// a fresh database (compose --scale, a rollout) all open the store; five
// tries of two, as the scale-out issue measured.
func TestSimultaneousStartsOnPostgres(t *testing.T) {
	if os.Getenv("SELLERGATE_TEST_POSTGRES") == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must run the PostgreSQL tests: SELLERGATE_TEST_POSTGRES is not set")
		}
		t.Skip("SELLERGATE_TEST_POSTGRES is not set")
	}
	for try := range 5 {
		dsn := freshPostgres(t)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := Open(context.Background(), Options{Driver: "postgres", DSN: dsn})
				if err == nil {
					s.Close()
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("try %d, gateway %d: %v", try, i, err)
			}
		}
	}
}

// TestNewerSchemaRefused: a store migrated by a newer sellergate is not
// opened by an older one, with a message that says why.
func TestNewerSchemaRefused(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s, _ := b.open(t)
			if _, err := s.wdb.Exec(s.d.rebind(`INSERT INTO schema_migrations (version, applied_ms) VALUES (?, ?)`), 999, 0); err != nil {
				t.Fatal(err)
			}
			_, err := Open(context.Background(), s.opts)
			if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "schema version 999") {
				t.Errorf("opening a newer schema: %v", err)
			}
		})
	}
}

// testAllowance: places under a daily cap are taken until the limit, given
// back, and counted per account and day.
func testAllowance(t *testing.T, b backend) {
	s, _ := b.open(t)
	ctx := context.Background()
	take := func(account, day string) bool {
		t.Helper()
		ok, err := s.Reserve(ctx, account, day, 2)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !take("seller", "2026-12-02") || !take("seller", "2026-12-02") || take("seller", "2026-12-02") {
		t.Fatal("a cap of 2 did not allow exactly two")
	}
	if !take("other", "2026-12-02") || !take("seller", "2026-12-03") {
		t.Error("another account or another day shares the count")
	}
	if err := s.Release(ctx, "seller", "2026-12-02"); err != nil {
		t.Fatal(err)
	}
	if !take("seller", "2026-12-02") || take("seller", "2026-12-02") {
		t.Error("a place given back was not taken again exactly once")
	}
}
