package main

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// sharedPostgres creates a database for gateways to share and returns a
// handle on the server (as its admin) and the database's name.
func sharedPostgres(t *testing.T) (*sql.DB, string) {
	t.Helper()
	admin := os.Getenv("SELLERGATE_TEST_POSTGRES")
	if admin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must run the PostgreSQL tests: SELLERGATE_TEST_POSTGRES is not set")
		}
		t.Skip("SELLERGATE_TEST_POSTGRES is not set")
	}
	adb, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { adb.Close() })
	name := fmt.Sprintf("sg_load_%d", time.Now().UnixNano())
	if _, err := adb.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { adb.Exec("DROP DATABASE " + name + " WITH (FORCE)") })
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	t.Setenv("SG_TEST_DSN", u.String())
	return adb, name
}

// startLoadGateway starts a gateway on the shared database that takes
// sessions as fast as the test's clients open them; edits change its
// configuration further.
func startLoadGateway(t *testing.T, edits ...func(string) string) *gw {
	t.Helper()
	return startGatewayWith(t, func(cfg string) string {
		cfg = strings.Replace(cfg, "store: {path: audit.db}\n", "store: {driver: postgres, dsn_env: SG_TEST_DSN}\n", 1)
		cfg = strings.Replace(cfg, "limits: {shutdown_timeout: 5s}", "limits: {shutdown_timeout: 5s, sessions_per_ip_per_minute: 1000000}", 1)
		for _, edit := range edits {
			cfg = edit(cfg)
		}
		return cfg
	})
}

// loadResult is what one gateway's clients saw.
type loadResult struct {
	mu     sync.Mutex
	acked  map[string]time.Time // message id -> when the 250 came
	codes  map[int]int          // SMTP code of each refusal (0: no connection)
	errors []string
	// slowest is the longest a client waited for its transaction's
	// answer, from connecting to the reply to its final dot.
	slowest time.Duration
}

func (r *loadResult) took(d time.Duration) {
	r.mu.Lock()
	r.slowest = max(r.slowest, d)
	r.mu.Unlock()
}

func (r *loadResult) ack(id string) {
	r.mu.Lock()
	r.acked[id] = time.Now()
	r.mu.Unlock()
}

func (r *loadResult) fail(code int, err error) {
	r.mu.Lock()
	if r.codes[code] == 0 {
		r.errors = append(r.errors, fmt.Sprintf("%d: %v", code, err))
	}
	r.codes[code]++
	r.mu.Unlock()
}

// ackedAfter counts the messages acknowledged after t.
func (r *loadResult) ackedAfter(t time.Time) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, at := range r.acked {
		if at.After(t) {
			n++
		}
	}
	return n
}

// loadGateway sends messages to g from clients sessions until stop
// closes, each message with an id of its own.
func loadGateway(g *gw, name string, clients int, stop <-chan struct{}, wg *sync.WaitGroup) *loadResult {
	r := &loadResult{acked: map[string]time.Time{}, codes: map[int]int{}}
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("%s-%d-%d@seller.test", name, w, i)
				msg := "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nMessage-ID: <" + id + ">\r\nSubject: Re: 302-1234567-7654321\r\n\r\nYour parcel " + strings.TrimSuffix(id, "@seller.test") + " left today.\r\n"
				began := time.Now()
				c, err := smtp.DialStartTLS(g.sub, g.pki.ClientTLS())
				if err != nil {
					r.fail(0, err)
					time.Sleep(50 * time.Millisecond)
					continue
				}
				err = c.Auth(sasl.NewPlainClient("", e2eLogin, e2ePassword))
				if err == nil {
					err = c.SendMail(e2eFrom, []string{e2eBuyer}, strings.NewReader(msg))
				}
				c.Close()
				r.took(time.Since(began))
				if err != nil {
					r.fail(smtpCode(err), err)
					time.Sleep(50 * time.Millisecond)
					continue
				}
				r.ack(id)
			}
		}()
	}
	return r
}

// onlyTemporary fails the test for any refusal but a 4xx while the
// database was away.
func onlyTemporary(t *testing.T, during string, results ...*loadResult) {
	t.Helper()
	for _, r := range results {
		for code := range r.codes {
			if code >= 500 || code == 0 {
				t.Errorf("during %s a client got %d (want 4xx only): %v", during, code, r.errors)
			}
		}
	}
}

// storedMessages returns how many message records each message id has in
// the shared trail.
func storedMessages(t *testing.T, dsn string) map[string]int {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT message_id, COUNT(*) FROM records WHERE kind = 'message' GROUP BY message_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		rows.Scan(&id, &n)
		out[id] = n
	}
	return out
}

// checkAcked fails the test for any acknowledged message the trail or the
// next hops do not have.
func checkAcked(t *testing.T, results []*loadResult, hops ...*gw) {
	t.Helper()
	stored := storedMessages(t, os.Getenv("SG_TEST_DSN"))
	relayed := map[string]bool{}
	for _, g := range hops {
		for _, m := range g.hop.Received() {
			for _, l := range strings.Split(string(m.Data), "\r\n") {
				if id, ok := strings.CutPrefix(l, "Message-ID: <"); ok {
					relayed[strings.TrimSuffix(id, ">")] = true
				}
			}
		}
	}
	for _, r := range results {
		for id := range r.acked {
			if stored[id] != 1 {
				t.Errorf("%s acknowledged, recorded %d times", id, stored[id])
			}
			if !relayed[id] {
				t.Errorf("%s acknowledged, never reached the next hop", id)
			}
		}
	}
}

func verifyChain(t *testing.T, g *gw) {
	t.Helper()
	out, err := exec.Command(binPath, "audit", "verify", "--config", filepath.Join(g.dir, "sellergate.yaml")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "chain intact") {
		t.Errorf("the shared chain: %v %s", err, out)
	}
}

// TestTwoGatewaysOneKilledUnderLoad: of two gateways sharing PostgreSQL,
// one is killed with SIGKILL in the middle of a load; the other carries
// on without an error, every acknowledged message of both is in the trail
// once and at a next hop, and the shared chain verifies.
func TestTwoGatewaysOneKilledUnderLoad(t *testing.T) {
	sharedPostgres(t)
	a, b := startLoadGateway(t), startLoadGateway(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	ra := loadGateway(a, "a", 4, stop, &wg)
	rb := loadGateway(b, "b", 4, stop, &wg)
	time.Sleep(1500 * time.Millisecond)
	a.cmd.Process.Kill()
	killed := time.Now()
	<-a.exited
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	wg.Wait()
	if len(ra.acked) == 0 || rb.ackedAfter(killed) == 0 {
		t.Fatalf("no load: a acknowledged %d, b %d after a was killed", len(ra.acked), rb.ackedAfter(killed))
	}
	if len(rb.codes) != 0 {
		t.Errorf("the surviving gateway refused %v: %v", rb.codes, rb.errors)
	}
	for code := range ra.codes {
		if code >= 500 {
			t.Errorf("the killed gateway's clients got %d before it died: %v", code, ra.errors)
		}
	}
	checkAcked(t, []*loadResult{ra, rb}, a, b)
	verifyChain(t, b)
	t.Logf("acknowledged: a %d (killed), b %d (%d after the kill)", len(ra.acked), len(rb.acked), rb.ackedAfter(killed))
}

// TestPostgresOutageUnderLoad: while two gateways carry a load, their
// database goes away (connections cut, new ones refused, as in a restart
// or a partition) and comes back. Meanwhile they answer 4xx, never 5xx and
// never 250 for what is not durable; afterwards both carry on without a
// restart, and every acknowledged message is in the trail and at a next
// hop.
func TestPostgresOutageUnderLoad(t *testing.T) {
	adb, name := sharedPostgres(t)
	a, b := startLoadGateway(t), startLoadGateway(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	ra := loadGateway(a, "a", 3, stop, &wg)
	rb := loadGateway(b, "b", 3, stop, &wg)
	exec := func(q string) {
		if _, err := adb.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	time.Sleep(time.Second)
	exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false")
	exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'")
	time.Sleep(2 * time.Second)
	exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true")
	back := time.Now()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	onlyTemporary(t, "the outage", ra, rb)
	if ra.codes[451]+rb.codes[451]+ra.codes[421]+rb.codes[421] == 0 {
		t.Errorf("no temporary failure during the outage: %v %v", ra.codes, rb.codes)
	}
	if ra.ackedAfter(back) == 0 || rb.ackedAfter(back) == 0 {
		t.Errorf("after the database came back: a acknowledged %d, b %d", ra.ackedAfter(back), rb.ackedAfter(back))
	}
	checkAcked(t, []*loadResult{ra, rb}, a, b)
	verifyChain(t, a)
	t.Logf("acknowledged a %d, b %d; refusals a %v, b %v", len(ra.acked), len(rb.acked), ra.codes, rb.codes)
}

// TestPostgresPartitionUnderLoad: the network between two loaded gateways
// and their database splits — nothing crosses, nothing is closed, as when
// a switch drops every packet — and heals. While it is split the clients
// get 4xx within the store's timeout, never 5xx, never a 250 for what is
// not durable, and none waits on a database that does not answer; once
// it heals both gateways carry on without a restart, and every
// acknowledged message is in the trail once and at a next hop.
func TestPostgresPartitionUnderLoad(t *testing.T) {
	sharedPostgres(t)
	u, err := url.Parse(os.Getenv("SG_TEST_DSN"))
	if err != nil {
		t.Fatal(err)
	}
	split := startNetsplit(t, u.Host)
	u.Host = split.Addr()
	t.Setenv("SG_TEST_DSN_SPLIT", u.String())
	throughSplit := func(cfg string) string {
		return strings.Replace(cfg, "dsn_env: SG_TEST_DSN}", "dsn_env: SG_TEST_DSN_SPLIT, timeout: 2s}", 1)
	}
	a, b := startLoadGateway(t, throughSplit), startLoadGateway(t, throughSplit)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	ra := loadGateway(a, "a", 3, stop, &wg)
	rb := loadGateway(b, "b", 3, stop, &wg)
	time.Sleep(time.Second)
	split.cut()
	time.Sleep(8 * time.Second)
	split.heal()
	back := time.Now()
	time.Sleep(4 * time.Second)
	close(stop)
	wg.Wait()
	onlyTemporary(t, "the split", ra, rb)
	if ra.codes[451]+rb.codes[451] == 0 {
		t.Errorf("no 451 while the database did not answer: %v %v", ra.codes, rb.codes)
	}
	// The store's timeout is 2 s; a transaction asks the store a few
	// times, each bounded.
	const bound = 7 * time.Second
	if ra.slowest > bound || rb.slowest > bound {
		t.Errorf("a client waited %v (a) and %v (b) for an answer while the database did not answer, want at most %v", ra.slowest, rb.slowest, bound)
	}
	if ra.ackedAfter(back) == 0 || rb.ackedAfter(back) == 0 {
		t.Errorf("after the network healed: a acknowledged %d, b %d", ra.ackedAfter(back), rb.ackedAfter(back))
	}
	checkAcked(t, []*loadResult{ra, rb}, a, b)
	verifyChain(t, a)
	t.Logf("acknowledged a %d, b %d; refusals a %v, b %v; slowest answer a %v, b %v", len(ra.acked), len(rb.acked), ra.codes, rb.codes, ra.slowest, rb.slowest)
}

// TestDailyCapSharedUnderLoad: an account's daily cap holds across two
// gateways loaded at once: together they relay the cap, not more.
func TestDailyCapSharedUnderLoad(t *testing.T) {
	sharedPostgres(t)
	const limit = 40
	capped := func(cfg string) string {
		return strings.Replace(cfg, "daily_limit: 1000000", fmt.Sprintf("daily_limit: %d", limit), 1)
	}
	a, b := startLoadGateway(t, capped), startLoadGateway(t, capped)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	ra := loadGateway(a, "a", 4, stop, &wg)
	rb := loadGateway(b, "b", 4, stop, &wg)
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	relayed := len(a.hop.Received()) + len(b.hop.Received())
	if n := len(ra.acked) + len(rb.acked); n != limit || relayed != limit {
		t.Errorf("with a daily cap of %d, the two gateways acknowledged %d (a %d, b %d) and relayed %d", limit, n, len(ra.acked), len(rb.acked), relayed)
	}
	for _, r := range []*loadResult{ra, rb} {
		for code := range r.codes {
			if code != 452 {
				t.Errorf("refusals other than the cap's 452: %v %v", r.codes, r.errors)
			}
		}
	}
}

// privatePostgres starts a PostgreSQL cluster of the test's own (it will
// be restarted, which the shared test cluster must not be) and returns
// its DSN in SG_TEST_DSN and a function that restarts it.
func privatePostgres(t *testing.T) (restart func()) {
	t.Helper()
	if os.Getenv("SELLERGATE_TEST_POSTGRES") == "" && os.Getenv("CI") == "" {
		t.Skip("SELLERGATE_TEST_POSTGRES is not set (no PostgreSQL here)")
	}
	// Not t.TempDir: its parent is private, and the cluster runs as the
	// postgres user.
	state, err := os.MkdirTemp("", "sellergate-pg-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(state, 0o755)
	t.Cleanup(func() { os.RemoveAll(state) })
	script, _ := filepath.Abs("../../.ci/postgres.sh")
	run := func(verb string) string {
		cmd := exec.Command("bash", script, verb)
		cmd.Env = append(os.Environ(), "SELLERGATE_PG_STATE="+state+"/pg")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("postgres.sh %s: %v\n%s", verb, err, stderr.String())
		}
		return string(out)
	}
	out := run("start")
	t.Cleanup(func() { run("stop") })
	dsn := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(out), "export SELLERGATE_TEST_POSTGRES='"), "'")
	t.Setenv("SG_TEST_DSN", dsn)
	return func() { run("restart") }
}

// TestPostgresRestartUnderLoad: the gateways' PostgreSQL is restarted
// (pg_ctl restart -m fast) while two gateways carry a load: 4xx while it
// is down, never 5xx, never 250 for what is not durable; both carry on
// afterwards without a restart of their own.
func TestPostgresRestartUnderLoad(t *testing.T) {
	restart := privatePostgres(t)
	a, b := startLoadGateway(t), startLoadGateway(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	ra := loadGateway(a, "a", 3, stop, &wg)
	rb := loadGateway(b, "b", 3, stop, &wg)
	time.Sleep(time.Second)
	restart()
	back := time.Now()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	onlyTemporary(t, "the restart", ra, rb)
	if ra.ackedAfter(back) == 0 || rb.ackedAfter(back) == 0 {
		t.Errorf("after the restart: a acknowledged %d, b %d", ra.ackedAfter(back), rb.ackedAfter(back))
	}
	checkAcked(t, []*loadResult{ra, rb}, a, b)
	verifyChain(t, a)
	t.Logf("acknowledged a %d, b %d; refusals a %v, b %v", len(ra.acked), len(rb.acked), ra.codes, rb.codes)
}
