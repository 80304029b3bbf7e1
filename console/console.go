// Package console is sellergate's web console for the people who run it:
// quarantine review, the SLA board, the audit trail, the policy in force,
// and a draft checker for agents. It is served by the admin listener from
// the same process and store, rendered on the server with html/template,
// with its stylesheet embedded, no script of its own and a strict
// Content-Security-Policy: everything it shows comes from strangers' mail.
package console

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/sellergate/sellergate/config"
	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/internal/limit"
	"github.com/sellergate/sellergate/quarantine"
	"github.com/sellergate/sellergate/sla"
	"github.com/sellergate/sellergate/store"
)

//go:embed static templates
var assets embed.FS

// Trail is what the console reads of the audit trail.
type Trail interface {
	store.Auditor
	// Summarize counts the outbound outcomes since a time.
	Summarize(ctx context.Context, since time.Time) (*store.Summary, error)
}

// Clocks is what the console does with the buyers' 24-hour clocks.
type Clocks interface {
	Status(ctx context.Context) ([]sla.Status, error)
	Dismiss(ctx context.Context, thread, reason, by string) (*store.Clock, error)
}

// Health is one part's state on the overview.
type Health struct {
	Name string
	Err  error
}

// ReloadStatus is the outcome of the last configuration reload.
type ReloadStatus struct {
	// Time is zero when nothing was reloaded since the start.
	Time    time.Time
	Trigger string
	Err     error
}

// Options are the console's dependencies, all declared.
type Options struct {
	// Credentials returns the admins and the agents in force (they change
	// on reload); agents sign in with their SMTP login and password.
	Credentials func() (users []config.User, agents []config.Agent)
	// Quarantine reviews held messages; Clocks runs the SLA; Trail reads
	// the audit trail.
	Quarantine *quarantine.Service
	Clocks     Clocks
	Trail      Trail
	// Engine returns the policy engine in force (it changes on reload).
	Engine func() *filter.Engine
	// Thread tells the draft checker what the gateway knows of a thread.
	Thread func(ctx context.Context, thread string) (func(*filter.Message) (string, *filter.ThreadFacts), error)
	// Health reports the store's and the next hop's state.
	Health func(ctx context.Context) []Health
	// Reload reports the last reload, PolicyFile names the policy file.
	Reload     func() ReloadStatus
	PolicyFile string
	// Thresholds are the SLA alert points (colours on the board).
	Thresholds []time.Duration
	// FailuresPerIP and FailuresPerLogin throttle failed sign-ins per
	// minute, as the SMTP listener throttles AUTH.
	FailuresPerIP, FailuresPerLogin int
	// Secure marks the session cookie Secure (the listener serves TLS).
	Secure bool
	Log    *slog.Logger
	Now    func() time.Time
}

// Console serves the pages.
type Console struct {
	o        Options
	sessions *sessions
	pages    *pages
	failIP   *limit.Failures[string]
	failUser *limit.Failures[string]
	// dummy is compared against for unknown logins, so that they take as
	// long as known ones.
	dummy []byte
	// verified is the last chain verification, kept because walking a
	// large chain takes longer than a page may.
	verified *lastVerify
}

// New returns a console; it fails only when its templates do not parse.
func New(o Options) (*Console, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.FailuresPerIP <= 0 {
		o.FailuresPerIP = 5
	}
	if o.FailuresPerLogin <= 0 {
		o.FailuresPerLogin = 10
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	dummy, _ := bcrypt.GenerateFromPassword([]byte("no such user"), bcrypt.DefaultCost)
	return &Console{o: o, sessions: newSessions(o.Now), pages: p, dummy: dummy,
		failIP: limit.NewFailures[string](o.FailuresPerIP, o.Now), failUser: limit.NewFailures[string](o.FailuresPerLogin, o.Now),
		verified: &lastVerify{}}, nil
}

// Handler returns the console's routes. The admin listener mounts it at
// its root, beside the API's /v1/.
func (c *Console) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /login", c.loginForm)
	mux.HandleFunc("POST /login", c.login)
	mux.HandleFunc("POST /logout", c.signedIn(c.logout))
	mux.HandleFunc("GET /{$}", c.signedIn(c.home))
	mux.HandleFunc("GET /check", c.signedIn(c.checkForm))
	mux.HandleFunc("POST /check", c.signedIn(c.checkDraft))
	mux.HandleFunc("GET /mine", c.signedIn(c.mine))
	mux.HandleFunc("GET /message/{id}", c.signedIn(c.message))
	mux.HandleFunc("GET /overview", c.adminOnly(c.overview))
	mux.HandleFunc("GET /sla", c.adminOnly(c.slaBoard))
	mux.HandleFunc("POST /sla/dismiss", c.adminOnly(c.slaDismiss))
	mux.HandleFunc("GET /thread", c.adminOnly(c.thread))
	mux.HandleFunc("GET /quarantine", c.adminOnly(c.quarantineList))
	mux.HandleFunc("GET /quarantine/{id}", c.adminOnly(c.quarantineShow))
	mux.HandleFunc("GET /quarantine/{id}/html", c.adminOnly(c.quarantineHTML))
	mux.HandleFunc("POST /quarantine/{id}/release", c.adminOnly(c.quarantineRelease))
	mux.HandleFunc("POST /quarantine/{id}/reject", c.adminOnly(c.quarantineReject))
	mux.HandleFunc("GET /audit", c.adminOnly(c.audit))
	mux.HandleFunc("GET /audit/export", c.adminOnly(c.auditExport))
	mux.HandleFunc("POST /audit/verify", c.adminOnly(c.auditVerify))
	mux.HandleFunc("GET /policy", c.adminOnly(c.policy))
	return secureHeaders(sameOrigin(mux))
}

// pageCSP lets pages load only the console's own stylesheet and frames,
// and submit forms only to the console.
const pageCSP = "default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// secureHeaders sets the headers every answer carries.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", pageCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		// same-origin, not no-referrer: with no-referrer a browser names the
		// origin of its own form posts "null", which sameOrigin refuses.
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// sameOrigin refuses a state-changing request another site's page sent:
// browsers name the page's origin on every POST; a request without one
// (a script, curl) still needs the session's CSRF token.
func sameOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if o := r.Header.Get("Origin"); o != "" {
				u, err := url.Parse(o)
				if err != nil || u.Host != r.Host {
					http.Error(w, "cross-site request refused", http.StatusForbidden)
					return
				}
			}
			if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
				http.Error(w, "cross-site request refused", http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// handler is a page handler with the session of who asks.
type handler func(w http.ResponseWriter, r *http.Request, s *session)

// signedIn sends whoever is not signed in to the sign-in page, and checks
// the CSRF token of every form posted.
func (c *Console) signedIn(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := c.sessions.get(r)
		if s == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, "sign in first", http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
			if err := r.ParseMultipartForm(maxUpload); err != nil && err != http.ErrNotMultipart {
				http.Error(w, "the form could not be read: "+err.Error(), http.StatusBadRequest)
				return
			}
			if !sameToken(r.PostFormValue("csrf"), s.csrf) {
				http.Error(w, "the form expired or came from another site: reload the page and try again", http.StatusForbidden)
				return
			}
		}
		h(w, r, s)
	}
}

// adminOnly is signedIn for admins: an agent gets 403.
func (c *Console) adminOnly(h handler) http.HandlerFunc {
	return c.signedIn(func(w http.ResponseWriter, r *http.Request, s *session) {
		if !s.admin() {
			c.fail(w, r, s, http.StatusForbidden, "this page is for admins")
			return
		}
		h(w, r, s)
	})
}

// maxUpload caps a form (a pasted draft or an uploaded .eml).
const maxUpload = 32 << 20
