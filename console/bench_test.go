package console

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"github.com/sellergate/sellergate/config"
	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/quarantine"
	"github.com/sellergate/sellergate/sla"
	"github.com/sellergate/sellergate/store"
)

// benchRecords is the size of the trail the pages are timed on; the bar is
// every page under 100 ms with 100,000 records in the SQLite store.
const benchRecords = 100_000

// fillTrail writes n records over the last three days as a busy gateway
// would: replies relayed with their delivery records, some refused, a
// few hundred held, buyers' messages with their clocks.
func fillTrail(b *testing.B, st *store.SQL, tracker *sla.Tracker, n int) (orders []string) {
	ctx := context.Background()
	start := time.Now().Add(-72 * time.Hour)
	step := 72 * time.Hour / time.Duration(n)
	body := "Guten Tag, Ihr Paket wurde heute mit DHL verschickt. Sendungsnummer 00340434161094042557.\r\n"
	jobs := make(chan int, 256)
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				order := fmt.Sprintf("302-%07d-%07d", i%20000, i%7919)
				buyer := fmt.Sprintf("b%013d@marketplace.amazon.de", i%20000)
				r := &store.Record{Time: start.Add(time.Duration(i) * step), Kind: store.KindMessage, QueueID: fmt.Sprintf("Q%08d", i),
					Direction: store.Outbound, Agent: fmt.Sprintf("agent%d", i%20), MailFrom: "support@seller.test", Rcpt: []string{buyer},
					Subject: "Re: " + order, Buyer: buyer, OrderID: order, Verdict: "pass", Status: store.StatusAccepted, Size: int64(len(body))}
				switch {
				case i%500 == 0:
					r.Status, r.Verdict = store.StatusQuarantined, "quarantine"
					r.Violations = []store.Violation{{Rule: "promotion.phrase.de", Category: "promotion", Excerpt: "Newsletter", Where: "text line 1", Action: "quarantine"}}
				case i%10 == 0:
					r.Status, r.Verdict = store.StatusRefused, "reject"
					r.Violations = []store.Violation{{Rule: "link.external", Category: "link", Excerpt: "www.shop.example", Where: "text line 1", Action: "reject"}}
				case i%7 == 0:
					r.Kind, r.Direction, r.Agent, r.Verdict = store.KindMessage, store.Inbound, "", ""
					r.Status = store.StatusRecorded
				case i%2 == 1:
					r.Kind, r.Status, r.Verdict, r.Reply = store.KindDelivery, store.StatusRelayed, "", "250 2.0.0 Ok"
				}
				if r.Kind == store.KindMessage {
					r.Raw = strings.NewReader("From: <support@seller.test>\r\nTo: <" + buyer + ">\r\nSubject: Re: " + order + "\r\n\r\n" + body)
				}
				if err := st.AppendOrdered(ctx, r); err != nil {
					b.Error(err)
					return
				}
				if r.Direction == store.Inbound && i > n-3500 {
					tracker.BuyerMessage(ctx, r)
				}
			}
		}()
	}
	for i := range n {
		if i%1000 == 0 {
			orders = append(orders, fmt.Sprintf("302-%07d-%07d", i%20000, i%7919))
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return orders
}

// BenchmarkPages times each console page on a SQLite trail of 100,000
// records (the trail is written once, about half a minute):
//
//	go test -run '^$' -bench Pages -benchtime 20x ./console/
func BenchmarkPages(b *testing.B) {
	dir := b.TempDir()
	if d := os.Getenv("SELLERGATE_BENCH_DIR"); d != "" {
		dir = d // keep the trail between runs
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Path: filepath.Join(dir, "console-bench.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	tracker := sla.New(st, st, sla.Config{Thresholds: []time.Duration{18 * time.Hour, 22 * time.Hour}}, nil, prometheus.NewRegistry(), slog.New(slog.DiscardHandler), nil)
	var orders []string
	if n, _ := st.Search(ctx, store.Query{Newest: true, Limit: 1}); len(n) == 0 || n[0].ID < benchRecords {
		t0 := time.Now()
		orders = fillTrail(b, st, tracker, benchRecords)
		b.Logf("wrote %d records in %s", benchRecords, time.Since(t0).Round(time.Second))
	} else {
		orders = []string{"302-0000000-0000000"}
	}
	hash, _ := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	engine := filter.NewEngine(filter.DefaultPolicy())
	c, err := New(Options{
		Credentials: func() ([]config.User, []config.Agent) {
			return []config.User{{Login: "lea", PasswordHash: string(hash)}}, []config.Agent{{Login: "agent3", PasswordHash: string(hash)}}
		},
		Quarantine: &quarantine.Service{Store: st}, Clocks: tracker, Trail: st,
		Engine: func() *filter.Engine { return engine }, Thresholds: []time.Duration{18 * time.Hour, 22 * time.Hour},
		Log: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(c.Handler())
	defer srv.Close()
	admin, agent := client(b), client(b)
	signInB(b, admin, srv.URL, "lea")
	signInB(b, agent, srv.URL, "agent3")
	held, _ := st.ListHeld(ctx)
	last, _ := st.Search(ctx, store.Query{Newest: true, Limit: 1})
	pages := []struct {
		name, path string
		who        *http.Client
	}{
		{"overview", "/overview", admin},
		{"sla", "/sla", admin},
		{"quarantine", "/quarantine", admin},
		{"held", "/quarantine/" + held[len(held)-1].QueueID, admin},
		{"audit", "/audit", admin},
		{"audit-refused-links", "/audit?verdict=reject&category=link", admin},
		{"audit-order", "/audit?order=" + orders[len(orders)/2], admin},
		{"audit-page-50", "/audit?before=" + fmt.Sprint(last[0].ID-50*50), admin},
		{"thread", "/thread?thread=" + last[0].Thread, admin},
		{"message", "/message/" + fmt.Sprint(held[0].ID), admin},
		{"policy", "/policy", admin},
		{"mine", "/mine", agent},
		{"check", "/check", agent},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				resp, err := p.who.Get(srv.URL + p.path)
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d", p.path, resp.StatusCode)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/page")
		})
	}
}

func signInB(b *testing.B, c *http.Client, base, login string) {
	resp, err := c.Get(base + "/login")
	if err != nil {
		b.Fatal(err)
	}
	m := csrfField.FindStringSubmatch(readAll(b, resp))
	resp, err = c.PostForm(base+"/login", map[string][]string{"csrf": {m[1]}, "login": {login}, "password": {"pw"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign-in %s: %v %v", login, err, resp.Status)
	}
	resp.Body.Close()
}
