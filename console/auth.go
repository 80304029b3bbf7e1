package console

import (
	"net"
	"net/http"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// loginPage is what the sign-in template shows.
type loginPage struct {
	CSRF, Next, Error string
}

func (c *Console) loginForm(w http.ResponseWriter, r *http.Request) {
	c.showLogin(w, r, http.StatusOK, "")
}

// showLogin renders the sign-in form with a fresh token, bound to a cookie
// (a form posted from elsewhere lacks one or the other).
func (c *Console) showLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	tok := randomToken()
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: tok, Path: "/login", HttpOnly: true,
		Secure: c.o.Secure, SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	w.WriteHeader(status)
	c.pages.render(w, "login", page{Title: "Sign in", Data: loginPage{CSRF: tok, Next: safeNext(r.FormValue("next")), Error: msg}})
}

// safeNext keeps a redirect after sign-in on the console.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}

// clientIP is the address a request came from (the console is not meant
// to sit behind a proxy that would hide it).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	ck, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(r.PostFormValue("csrf"), ck.Value) {
		http.Error(w, "the sign-in form expired or came from another site: reload the page", http.StatusForbidden)
		return
	}
	ip, login, password := clientIP(r), strings.TrimSpace(r.PostFormValue("login")), r.PostFormValue("password")
	if c.failIP.Blocked(ip) || c.failUser.Blocked(login) {
		c.o.Log.Warn("console sign-in throttled", "client", ip, "login", login)
		c.showLogin(w, r, http.StatusTooManyRequests, "Too many failed sign-ins. Wait a minute and try again.")
		return
	}
	role, language, ok := c.check(login, password)
	if !ok {
		c.failIP.Fail(ip)
		c.failUser.Fail(login)
		c.o.Log.Warn("console sign-in failed", "client", ip, "login", login)
		c.showLogin(w, r, http.StatusUnauthorized, "Wrong login or password.")
		return
	}
	id, _ := c.sessions.start(login, role, language)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true,
		Secure: c.o.Secure, SameSite: http.SameSiteStrictMode})
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: "/login", MaxAge: -1})
	c.o.Log.Info("console sign-in", "client", ip, "login", login, "role", role)
	next := safeNext(r.PostFormValue("next"))
	if next == "/" && role == RoleAgent {
		next = "/check"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// check verifies a login: admins first, then agents with their SMTP
// password. Unknown logins cost one bcrypt comparison too.
func (c *Console) check(login, password string) (role, language string, ok bool) {
	users, agents := c.o.Credentials()
	for _, u := range users {
		if u.Login == login {
			return RoleAdmin, "", bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil
		}
	}
	for _, a := range agents {
		if a.Login == login {
			return RoleAgent, a.Language, bcrypt.CompareHashAndPassword([]byte(a.PasswordHash), []byte(password)) == nil
		}
	}
	bcrypt.CompareHashAndPassword(c.dummy, []byte(password))
	return "", "", false
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, s *session) {
	c.sessions.end(r)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: c.o.Secure, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
