package console

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/sellergate/sellergate/config"
	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/store"
)

// testConsole serves a console whose admin is "lea" and agent "anna"
// (passwords "right password"); the pages here need no store.
func testConsole(t *testing.T) *httptest.Server {
	return testConsoleWith(t, Options{FailuresPerIP: 3, FailuresPerLogin: 10})
}

// testConsoleWith serves a console with o's dependencies, admin "lea" and
// agent "anna" (who reads German), passwords "right password".
func testConsoleWith(t *testing.T, o Options) *httptest.Server {
	t.Helper()
	hash, _ := bcrypt.GenerateFromPassword([]byte("right password"), bcrypt.MinCost)
	o.Credentials = func() ([]config.User, []config.Agent) {
		return []config.User{{Login: "lea", PasswordHash: string(hash)}}, []config.Agent{{Login: "anna", PasswordHash: string(hash), Language: "de"}}
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// signedInAs is a browser-like client signed in to srv as login.
func signedInAs(t *testing.T, srv *httptest.Server, login string) *http.Client {
	t.Helper()
	cl := client(t)
	if resp := signIn(t, cl, srv.URL, login, "right password"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as %s: %d", login, resp.StatusCode)
	}
	return cl
}

// client is a browser-like client: cookies, no automatic redirects.
func client(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn posts the sign-in form as a browser would and returns the answer.
func signIn(t *testing.T, c *http.Client, base, login, password string) *http.Response {
	t.Helper()
	resp, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in the sign-in form:\n%s", body)
	}
	resp, err = c.PostForm(base+"/login", url.Values{"csrf": {m[1]}, "login": {login}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func readAll(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

func TestSignInThrottledLikeAuth(t *testing.T) {
	srv := testConsole(t)
	c := client(t)
	for i := range 3 {
		if resp := signIn(t, c, srv.URL, "lea", "wrong"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i, resp.StatusCode)
		}
	}
	// Blocked now, even with the right password, for a minute.
	if resp := signIn(t, c, srv.URL, "lea", "right password"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("after three failures: %d, want 429", resp.StatusCode)
	}
}

func TestAgentsSeeNoAdminPage(t *testing.T) {
	srv := testConsole(t)
	c := client(t)
	resp := signIn(t, c, srv.URL, "anna", "right password")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/check" {
		t.Fatalf("agent sign-in: %d to %q, want 303 to /check", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, p := range []string{"/overview", "/sla", "/quarantine", "/audit", "/policy", "/thread?thread=T1"} {
		resp, err := c.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("agent GET %s: %d, want 403", p, resp.StatusCode)
		}
	}
}

func TestFormsNeedTheSessionsToken(t *testing.T) {
	srv := testConsole(t)
	c := client(t)
	signIn(t, c, srv.URL, "lea", "right password")
	resp, err := c.PostForm(srv.URL+"/sla/dismiss", url.Values{"thread": {"T1"}, "reason": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "another site") {
		t.Errorf("a post without the token: %d %q, want 403", resp.StatusCode, body)
	}
	// Another origin is refused before the token is even read.
	req, _ := http.NewRequest("POST", srv.URL+"/logout", strings.NewReader("csrf=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a post from another origin: %d, want 403", resp.StatusCode)
	}
	resp.Body.Close()
}

func TestPagesCarryAStrictPolicy(t *testing.T) {
	srv := testConsole(t)
	resp, err := client(t).Get(srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "form-action 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == loginCookie {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode {
		t.Errorf("sign-in cookie %+v, want HttpOnly and SameSite=Strict", session)
	}
}

func TestSignInRedirectStaysOnTheConsole(t *testing.T) {
	for next, want := range map[string]string{"/audit?order=1": "/audit?order=1", "//evil.example/x": "/", "https://evil.example": "/", "/\\evil": "/"} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

// TestDraftCheckerReadsAnUploadedMessage: an agent uploads a saved .eml
// (HTML with a link hidden behind Amazon's name); the page marks it.
func TestDraftCheckerReadsAnUploadedMessage(t *testing.T) {
	engine := filter.NewEngine(filter.DefaultPolicy())
	srv := testConsoleWith(t, Options{Engine: func() *filter.Engine { return engine }})
	cl := signedInAs(t, srv, "anna")
	resp, err := cl.Get(srv.URL + "/check")
	if err != nil {
		t.Fatal(err)
	}
	token := csrfField.FindStringSubmatch(readAll(t, resp))[1]
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", token)
	w.WriteField("market", "marketplace.amazon.de")
	f, _ := w.CreateFormFile("eml", "reply.eml")
	io.WriteString(f, "From: <support@seller.test>\r\nTo: <a1b2c3@marketplace.amazon.de>\r\nSubject: Re: Paket\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hier die Anleitung: <a href=\"https://www.meinshop-beispiel.de/anleitung\">amazon.de</a></p>\r\n")
	w.Close()
	resp, err = cl.Post(srv.URL+"/check", w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "would refuse") || !strings.Contains(page, "meinshop-beispiel.de") {
		t.Errorf("upload checked as %d:\n%s", resp.StatusCode, page)
	}
	// The agent reads German: the explanation is the policy's German one.
	if !strings.Contains(page, "Links sind nur zu Amazon") {
		t.Errorf("the explanation is not in the agent's language:\n%s", page)
	}
}

// TestPolicyPageShowsRulesAndReloadError: the policy page names the
// admin's rules and actions and the last reload's error with file and line.
func TestPolicyPageShowsRulesAndReloadError(t *testing.T) {
	pol, err := filter.ParsePolicy("/etc/sellergate/policy.yaml", []byte("actions:\n  promotion: quarantine\nrules:\n  - {id: custom.fax, category: contact, pattern: 'fax\\s*\\d+'}\n"))
	if err != nil {
		t.Fatal(err)
	}
	engine := filter.NewEngine(pol)
	srv := testConsoleWith(t, Options{
		Engine: func() *filter.Engine { return engine },
		Reload: func() ReloadStatus {
			return ReloadStatus{Time: time.Now(), Trigger: "SIGHUP", Err: errors.New(`/etc/sellergate/policy.yaml:7: unknown key "acions"`)}
		},
	})
	cl := signedInAs(t, srv, "lea")
	resp, err := cl.Get(srv.URL + "/policy")
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, resp)
	for _, want := range []string{"custom.fax", "policy.yaml:7: unknown key", "/etc/sellergate/policy.yaml"} {
		if !strings.Contains(page, want) && !strings.Contains(page, strings.ReplaceAll(want, `"`, "&#34;")) {
			t.Errorf("the policy page lacks %q", want)
		}
	}
	if !regexp.MustCompile(`promotion</td><td><span class="action">quarantine`).MatchString(page) {
		t.Errorf("the policy page does not show promotion's action as quarantine")
	}
}

// TestAuditSearchExportAndChainCheck: an admin finds an order's records,
// downloads its export and checks the chain, on a real SQLite trail.
func TestAuditSearchExportAndChainCheck(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Path: filepath.Join(t.TempDir(), "audit.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, order := range []string{"302-1111111-1111111", "302-2222222-2222222"} {
		r := &store.Record{Time: time.Now(), Kind: store.KindMessage, QueueID: "Q" + order[4:11], Direction: store.Outbound, Agent: "anna",
			Buyer: "a1@marketplace.amazon.de", OrderID: order, Subject: "Re: order " + order, Verdict: "pass", Status: store.StatusAccepted,
			Raw: strings.NewReader("From: <a@seller.test>\r\nSubject: Re: order " + order + "\r\n\r\nIt left today.\r\n")}
		if err := st.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	srv := testConsoleWith(t, Options{Trail: st})
	cl := signedInAs(t, srv, "lea")
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := cl.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		return resp, readAll(t, resp)
	}
	_, page := get("/audit?order=302-2222222-2222222")
	if !strings.Contains(page, "Re: order 302-2222222-2222222") || strings.Contains(page, "Re: order 302-1111111-1111111") {
		t.Errorf("the search by order shows the wrong records:\n%s", page)
	}
	resp, body := get("/audit/export?order=302-2222222-2222222")
	if resp.Header.Get("Content-Type") != "application/zip" || !strings.HasPrefix(body, "PK") {
		t.Errorf("the export is %q, not a zip", resp.Header.Get("Content-Type"))
	}
	_, page = get("/audit")
	token := csrfField.FindStringSubmatch(page)[1]
	resp, err = cl.PostForm(srv.URL+"/audit/verify", url.Values{"csrf": {token}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("chain check: %v %v", err, resp.Status)
	}
	resp.Body.Close()
	if _, page = get("/audit"); !strings.Contains(page, "chain intact: 2 records") {
		t.Errorf("the audit page does not show the chain check's result")
	}
}
