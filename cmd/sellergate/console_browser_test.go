package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/emersion/go-smtp"
	"golang.org/x/crypto/bcrypt"

	"github.com/sellergate/sellergate/internal/testutil"
	"github.com/sellergate/sellergate/store"
)

// The console's people: an admin, and a second agent beside e2eLogin.
const (
	consoleAdmin    = "lea"
	consolePassword = "lea's long console password"
	otherAgent      = "ben"
	otherFrom       = "ben@seller.test"
)

// consoleGateway runs the binary with the admin listener serving the
// console, an admin user and two agents, and a policy that holds what
// the tests review.
type consoleGateway struct {
	*gw
	base string // http://127.0.0.1:port of the console
	cfg  string
}

func startConsole(t *testing.T, extra string) *consoleGateway {
	t.Helper()
	policy := filepath.Join(t.TempDir(), "policy.yaml")
	testutil.WriteFile(t, policy, []byte("actions:\n  promotion: quarantine\n  pixel: quarantine\n  link: quarantine\n  unreadable: quarantine\n"))
	adminAddr := freePort(t)
	adminHash, _ := bcrypt.GenerateFromPassword([]byte(consolePassword), bcrypt.MinCost)
	benHash, _ := bcrypt.GenerateFromPassword([]byte(e2ePassword), bcrypt.MinCost)
	g := startGatewayWith(t, func(cfg string) string {
		cfg = strings.Replace(cfg, "agents:\n", fmt.Sprintf("agents:\n  - login: %s\n    password_hash: %q\n    account: seller\n    addresses: [%s]\n", otherAgent, benHash, otherFrom), 1)
		return cfg + "policy: " + policy + "\n" +
			fmt.Sprintf("admin: {listen: %q, users: [{login: %s, password_hash: %q}]}\n", adminAddr, consoleAdmin, adminHash) + extra
	})
	waitFor(t, "the admin listener", func() bool {
		c, err := net.Dial("tcp", adminAddr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return &consoleGateway{gw: g, base: "http://" + adminAddr, cfg: filepath.Join(g.dir, "sellergate.yaml")}
}

// send submits a message as an agent over STARTTLS and AUTH.
func (g *consoleGateway) send(t *testing.T, login, from, msg string) {
	t.Helper()
	c := g.login(t, login)
	if err := c.SendMail(from, []string{e2eBuyer}, strings.NewReader(msg)); err != nil {
		t.Fatalf("sending as %s: %v", login, err)
	}
}

// cli runs a sellergate command on the gateway's configuration.
func (g *consoleGateway) cli(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(binPath, append(args, "--config", g.cfg)...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return string(out)
}

// received counts the copies of a message at the next hop, by recipient
// and a phrase of its text.
func (g *consoleGateway) received(to, phrase string) int {
	n := 0
	for _, m := range g.hop.Received() {
		if m.To[0] == to && bytes.Contains(m.Data, []byte(phrase)) {
			n++
		}
	}
	return n
}

// browser starts Debian's chromium headless, a browser of its own (its
// own cookies) per call.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := needTool(t, "chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1280, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(cancelB)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelT)
	return ctx
}

// shots is where the tests write each page's screenshot (not committed;
// the path is printed). SELLERGATE_SCREENSHOT_DIR chooses it.
func shots(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("SELLERGATE_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "sellergate-console-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("console screenshots in %s", dir)
	return dir
}

// screenshot writes the page as it is now.
func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".jpg"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// signIn fills the sign-in form the console redirects to.
func signIn(base, login, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=login]`), login),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav .who`)),
	)
}

// do runs browser steps, failing the test with what it was doing.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// text is the visible text of the first element sel finds.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return v
}

// eval runs a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// counter is a web server counting every request: a remote image or a
// script's fetch in a held message would reach it.
func counter(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "image/png")
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// hostileHTML is a held message that tries everything a stranger's mail
// can: a script, a remote image, CSS loading a URL, a javascript: link,
// an onerror handler, an iframe and a meta refresh.
func hostileHTML(remote string) string {
	html := `<html><head><meta http-equiv="refresh" content="0;url=` + remote + `/refresh"><style>body{background:url(` + remote + `/css.png)}</style>` +
		`<script>fetch("` + remote + `/script");top.document.title="PWNED";</script></head>` +
		`<body><p>Abonnieren Sie unseren Newsletter f&uuml;r Angebote!</p><img src="` + remote + `/pixel.png" width="1" height="1">` +
		`<img src="x" onerror="fetch('` + remote + `/onerror')"><iframe src="` + remote + `/frame"></iframe>` +
		`<a href="javascript:fetch('` + remote + `/js-link')">Details</a></body></html>`
	return "From: <" + e2eFrom + ">\r\nTo: <" + e2eBuyer + ">\r\nSubject: Re: 302-1234567-7654321 Angebot\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n"
}

// TestBrowserQuarantineReview: an admin signs in, sees the held messages
// on the overview and the list, opens one and sees its finding marked,
// releases it and it reaches the next hop once; opens a hostile one —
// its script does not run and nothing remote is requested — and rejects
// it, and the agent is told why.
func TestBrowserQuarantineReview(t *testing.T) {
	g := startConsole(t, "")
	remote, hits := counter(t)
	g.send(t, e2eLogin, e2eFrom, "From: <"+e2eFrom+">\r\nTo: <"+e2eBuyer+">\r\nSubject: Re: 302-1234567-7654321\r\n\r\nDas Paket ist unterwegs.\r\nAbonnieren Sie unseren Newsletter!\r\n")
	g.send(t, e2eLogin, e2eFrom, hostileHTML(remote.URL))
	ids := heldIDs(g.cli(t, "quarantine", "list"))
	if len(ids) != 2 {
		t.Fatalf("want two held messages, have %v", ids)
	}
	dir := shots(t)
	ctx := browser(t)
	do(t, ctx, "sign in", signIn(g.base, consoleAdmin, consolePassword), chromedp.WaitVisible(chromedp.CSS(`#held`)))
	screenshot(t, ctx, dir, "overview")
	if held := text(t, ctx, `#held`); held != "2" {
		t.Errorf("overview shows %q held today, want 2", held)
	}
	do(t, ctx, "the quarantine list", chromedp.Navigate(g.base+"/quarantine"), chromedp.WaitVisible(chromedp.CSS(`table.held`)))
	screenshot(t, ctx, dir, "quarantine")
	if rows := eval[int](t, ctx, `document.querySelectorAll("table.held tbody tr").length`); rows != 2 {
		t.Errorf("quarantine list shows %d rows, want 2", rows)
	}

	// The plain message: its finding is marked in the text; release it.
	do(t, ctx, "the held message", chromedp.Navigate(g.base+"/quarantine/"+ids[0]), chromedp.WaitVisible(chromedp.CSS(`pre.text mark`)))
	screenshot(t, ctx, dir, "held-message")
	if marked := text(t, ctx, `pre.text mark`); !strings.Contains(marked, "Newsletter") {
		t.Errorf("the marked text is %q, want the newsletter sentence", marked)
	}
	do(t, ctx, "release", chromedp.Click(chromedp.CSS(`button.go`)), chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
	waitFor(t, "the released message at the next hop", func() bool { return g.received(e2eBuyer, "Das Paket ist unterwegs") == 1 })

	// The hostile message: shown in a sandboxed frame that loads nothing.
	do(t, ctx, "the hostile message", chromedp.Navigate(g.base+"/quarantine/"+ids[1]),
		chromedp.WaitVisible(chromedp.CSS(`iframe.html`)), chromedp.Sleep(1500*time.Millisecond))
	screenshot(t, ctx, dir, "held-hostile")
	// The frame has an origin of its own (sandboxed), so the page sees
	// only that it was fetched.
	frames := eval[[]string](t, ctx, `performance.getEntriesByType("resource").filter(e => e.initiatorType == "iframe").map(e => e.name)`)
	frameURL := strings.Join(frames, " ")
	if !strings.HasSuffix(frameURL, "/quarantine/"+ids[1]+"/html") {
		t.Errorf("the message's HTML frame is %q, want it loaded from the console", frameURL)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the hostile message made the browser request %d remote URLs; want none", n)
	}
	if title := eval[string](t, ctx, `document.title`); strings.Contains(title, "PWNED") {
		t.Error("the hostile message's script ran")
	}
	do(t, ctx, "reject with a reason",
		chromedp.SendKeys(chromedp.CSS(`input[name=reason]`), "No newsletters to buyers; answer the question."),
		chromedp.Click(chromedp.CSS(`button.stop`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
	)
	waitFor(t, "the agent's rejection notice", func() bool { return g.received(e2eFrom, "answer the question") == 1 })
	time.Sleep(500 * time.Millisecond)
	if n := g.received(e2eBuyer, "Das Paket ist unterwegs"); n != 1 {
		t.Errorf("the released message reached the next hop %d times, want once", n)
	}
	if n := g.received(e2eBuyer, "Newsletter f"); n != 0 {
		t.Error("the rejected message was relayed")
	}
}

// TestBrowserCSRFAndAgentsBoundaries: a page on another origin posting a
// release with the admin's browser is refused and nothing is released;
// an agent signed in with the SMTP password sees the draft checker and
// their own messages, not an admin page and not another agent's message.
func TestBrowserCSRFAndAgentsBoundaries(t *testing.T) {
	g := startConsole(t, "")
	g.send(t, e2eLogin, e2eFrom, "From: <"+e2eFrom+">\r\nTo: <"+e2eBuyer+">\r\nSubject: Re: 302-1234567-7654321\r\n\r\nAbonnieren Sie unseren Newsletter!\r\n")
	g.send(t, otherAgent, otherFrom, "From: <"+otherFrom+">\r\nTo: <"+e2eBuyer+">\r\nSubject: Re: 302-1234567-7654321\r\n\r\nBens private Antwort: das Paket kommt morgen.\r\n")
	ids := heldIDs(g.cli(t, "quarantine", "list"))
	if len(ids) != 1 {
		t.Fatalf("want one held message, have %v", ids)
	}
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<html><body><form id="f" method="post" action="%s/quarantine/%s/release"><input name="csrf" value="guess"></form><script>document.getElementById("f").submit()</script></body></html>`, g.base, ids[0])
	}))
	defer evil.Close()
	dir := shots(t)
	ctx := browser(t)
	do(t, ctx, "a cross-site release", signIn(g.base, consoleAdmin, consolePassword),
		chromedp.Navigate(evil.URL), chromedp.Sleep(1500*time.Millisecond))
	if body := text(t, ctx, `body`); !strings.Contains(body, "cross-site request refused") {
		t.Errorf("the cross-site post was answered with %q", body)
	}
	if !strings.Contains(g.cli(t, "quarantine", "list"), ids[0]) || g.received(e2eBuyer, "Newsletter") != 0 {
		t.Fatal("a cross-site form released the held message")
	}

	// Ben's message record, which Anna must not open.
	var bens int64
	for _, line := range strings.Split(g.cli(t, "audit", "search", "--agent", otherAgent, "--json"), "\n") {
		var r store.Record
		if json.Unmarshal([]byte(line), &r) == nil && r.Kind == store.KindMessage {
			bens = r.ID
		}
	}
	if bens == 0 {
		t.Fatal("no record of ben's message")
	}
	agent := browser(t)
	do(t, agent, "the agent signs in", signIn(g.base, e2eLogin, e2ePassword), chromedp.WaitVisible(chromedp.CSS(`textarea[name=draft]`)))
	do(t, agent, "an admin page", chromedp.Navigate(g.base+"/overview"))
	if main := text(t, agent, `main`); !strings.Contains(main, "for admins") || strings.Contains(main, "relayed today") {
		t.Errorf("an agent opened the overview: %q", main)
	}
	do(t, agent, "another agent's message", chromedp.Navigate(fmt.Sprintf("%s/message/%d", g.base, bens)))
	if main := text(t, agent, `main`); !strings.Contains(main, "no such record") || strings.Contains(main, "Bens private") {
		t.Errorf("an agent opened another agent's message: %q", main)
	}
	do(t, agent, "the agent's messages", chromedp.Navigate(g.base+"/mine"), chromedp.WaitVisible(chromedp.CSS(`table.records`)))
	screenshot(t, agent, dir, "agent-mine")
	rows := eval[int](t, agent, `document.querySelectorAll("table.records tbody tr").length`)
	if mine := text(t, agent, `table.records`); rows != 1 || strings.Contains(mine, otherAgent) {
		t.Errorf("the agent's own list shows %d rows: %q", rows, mine)
	}
}

// TestBrowserDraftChecker: an agent pastes a draft and sees each problem
// marked where it is, with its explanation; a clean draft is said to go
// through.
func TestBrowserDraftChecker(t *testing.T) {
	g := startConsole(t, "")
	dir := shots(t)
	ctx := browser(t)
	draft := "Hello,\nyour parcel left today.\nFor a faster answer call us at +49 30 1234567 or visit www.meinshop-beispiel.de\nBest regards"
	do(t, ctx, "check a draft",
		signIn(g.base, e2eLogin, e2ePassword),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name=draft]`)),
		chromedp.SetValue(chromedp.CSS(`textarea[name=draft]`), draft),
		chromedp.SetValue(chromedp.CSS(`select[name=market]`), "marketplace.amazon.com"),
		chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#result`)),
	)
	screenshot(t, ctx, dir, "draft-checker")
	if headline := text(t, ctx, `p.verdict`); !strings.Contains(headline, "refuse") {
		t.Errorf("headline %q, want a refusal", headline)
	}
	marks := strings.Join(eval[[]string](t, ctx, `[...document.querySelectorAll("pre.text mark")].map(m => m.textContent)`), " | ")
	if !strings.Contains(marks, "1234567") || !strings.Contains(marks, "meinshop-beispiel.de") {
		t.Errorf("marked %q, want the phone number and the shop's address marked", marks)
	}
	if explain := text(t, ctx, `ol.problems`); !strings.Contains(explain, "contact") || !strings.Contains(explain, "link") {
		t.Errorf("the problems list %q lacks the categories", explain)
	}
	// The first result goes, so that waiting for one waits for the new page.
	eval[bool](t, ctx, `document.getElementById("result").remove() || true`)
	do(t, ctx, "check a clean draft",
		chromedp.SetValue(chromedp.CSS(`textarea[name=draft]`), "Hello,\nyour parcel left today; the tracking number is on your order page.\nBest regards"),
		chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#result`)),
	)
	if headline := text(t, ctx, `p.verdict`); !strings.Contains(headline, "Nothing found") {
		t.Errorf("a clean draft: %q", headline)
	}
}

// startClock sends a buyer message signed with an inbound test key to the
// inbound listener, which starts the thread's 24-hour clock.
func startClock(t *testing.T, inAddr, key, order string) {
	t.Helper()
	dir := t.TempDir()
	buyer := filepath.Join(dir, "buyer.eml")
	testutil.WriteFile(t, buyer, []byte("From: \"Heike - Amazon Marketplace\" <"+e2eBuyer+">\nTo: <support@seller.test>\nSubject: Frage zu Bestellung "+order+"\nMessage-ID: <"+order+"@buyers.test>\nDate: Wed, 02 Dec 2026 09:00:00 +0000\n\nWann kommt mein Paket?\n"))
	signed, err := exec.Command(binPath, "dkim", "sign", "--key", key, "--domain", "buyers.test", "--selector", "s1", buyer).Output()
	if err != nil {
		t.Fatalf("dkim sign: %v", err)
	}
	c, err := smtp.Dial(inAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail(e2eBuyer, []string{"support@seller.test"}, bytes.NewReader(signed)); err != nil {
		t.Fatalf("the buyer message to the inbound listener: %v", err)
	}
}

// timeLeft is a fresh clock's time left as the board shows it.
var timeLeft = regexp.MustCompile(`\b2[34]h [0-5]\dm\b`)

// TestBrowserSLABoardDismiss: a buyer waiting shows on the SLA board with
// the time left; an admin dismisses the thread with a reason, and the
// board and `sla status` no longer list it.
func TestBrowserSLABoardDismiss(t *testing.T) {
	key := filepath.Join(t.TempDir(), "test.key")
	if out, err := exec.Command(binPath, "dkim", "keygen", "--domain", "buyers.test", "--selector", "s1", "--out", key).CombinedOutput(); err != nil {
		t.Fatalf("dkim keygen: %v\n%s", err, out)
	}
	in := freePort(t)
	g := startConsole(t, "inbound: {listen: "+in+", domains: [seller.test], mode: copy, insecure_development: true, test_keys: [{domain: buyers.test, selector: s1, key: "+key+"}]}\n")
	startClock(t, in, key, "302-1234567-7654321")
	startClock(t, in, key, "302-7654321-1234567")
	dir := shots(t)
	ctx := browser(t)
	do(t, ctx, "the SLA board", signIn(g.base, consoleAdmin, consolePassword),
		chromedp.Navigate(g.base+"/sla"), chromedp.WaitVisible(chromedp.CSS(`table.board`)))
	screenshot(t, ctx, dir, "sla-board")
	board := text(t, ctx, `table.board`)
	if !strings.Contains(board, "302-1234567-7654321") || !strings.Contains(board, "302-7654321-1234567") || !timeLeft.MatchString(board) {
		t.Fatalf("the board does not show both waiting buyers with their time left:\n%s", board)
	}
	do(t, ctx, "dismiss the first thread",
		chromedp.SendKeys(chromedp.CSS(`table.board input[name=reason]`), "answered by phone call from Amazon"),
		chromedp.Click(chromedp.CSS(`table.board button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
	)
	if rows := eval[int](t, ctx, `document.querySelectorAll("table.board tbody tr").length`); rows != 1 {
		t.Errorf("after dismissing one of two threads the board shows %d rows", rows)
	}
	if out := g.cli(t, "sla", "status"); strings.Count(out, "302-") != 1 {
		t.Errorf("sla status after the dismissal:\n%s", out)
	}
}
