package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// Roles of a signed-in person.
const (
	RoleAdmin = "admin"
	RoleAgent = "agent"
)

// sessionCookie names the console's session cookie.
const sessionCookie = "sellergate_session"

// loginCookie carries the sign-in form's CSRF token before a session exists.
const loginCookie = "sellergate_login"

// sessionLifetime is how long a sign-in lasts; sessionIdle, how long it
// lasts unused.
const (
	sessionLifetime = 12 * time.Hour
	sessionIdle     = 2 * time.Hour
)

// session is one signed-in person.
type session struct {
	login string
	role  string
	// language is an agent's for explanations ("" for the message's own).
	language string
	csrf     string
	created  time.Time
	seen     time.Time
}

// admin reports whether the session may see the admin pages.
func (s *session) admin() bool { return s.role == RoleAdmin }

// sessions keeps the signed-in people in memory: a restart signs everyone
// out, which is the safe direction.
type sessions struct {
	now func() time.Time

	mu sync.Mutex
	m  map[string]*session
}

func newSessions(now func() time.Time) *sessions {
	return &sessions{now: now, m: map[string]*session{}}
}

// randomToken returns 32 random bytes, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// start signs someone in and returns the cookie value.
func (ss *sessions) start(login, role, language string) (string, *session) {
	id := randomToken()
	now := ss.now()
	s := &session{login: login, role: role, language: language, csrf: randomToken(), created: now, seen: now}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for k, old := range ss.m {
		if ss.expired(old, now) {
			delete(ss.m, k)
		}
	}
	ss.m[id] = s
	return id, s
}

func (ss *sessions) expired(s *session, now time.Time) bool {
	return now.Sub(s.created) > sessionLifetime || now.Sub(s.seen) > sessionIdle
}

// get returns the session a request's cookie names, nil when none is valid.
func (ss *sessions) get(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.m[c.Value]
	if s == nil {
		return nil
	}
	now := ss.now()
	if ss.expired(s, now) {
		delete(ss.m, c.Value)
		return nil
	}
	s.seen = now
	return s
}

// end signs the request's session out.
func (ss *sessions) end(r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		ss.mu.Lock()
		delete(ss.m, c.Value)
		ss.mu.Unlock()
	}
}

// sameToken compares two tokens in constant time.
func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
