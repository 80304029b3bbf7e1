package gateway

import (
	"crypto/sha256"
	"errors"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"golang.org/x/crypto/bcrypt"

	"github.com/sellergate/sellergate/config"
)

// principal is who submits a message: an authenticated agent or a trusted
// network, with the account it writes for and the addresses it may use.
type principal struct {
	// Agent is the login, or "network:CIDR" for a trusted network.
	Agent     string
	Account   string
	addresses map[string]bool
}

func newPrincipal(agent, account string, addrs []string) *principal {
	p := &principal{Agent: agent, Account: account, addresses: map[string]bool{}}
	for _, a := range addrs {
		p.addresses[strings.ToLower(a)] = true
	}
	return p
}

// mayUse reports whether the principal may send as addr.
func (p *principal) mayUse(addr string) bool { return p.addresses[strings.ToLower(addr)] }

// authenticator checks agents' passwords. bcrypt is slow on purpose; a
// verified (login, password) pair is remembered for a while so that a
// helpdesk opening many sessions does not pay it every time.
type authenticator struct {
	agents map[string]*config.Agent

	// dummy is compared against for unknown logins, so that they take as
	// long as known ones.
	dummy []byte

	mu    sync.Mutex
	cache map[[32]byte]time.Time
}

func newAuthenticator(agents []config.Agent) *authenticator {
	a := &authenticator{agents: map[string]*config.Agent{}, cache: map[[32]byte]time.Time{}}
	a.dummy, _ = bcrypt.GenerateFromPassword([]byte("no such agent"), bcrypt.DefaultCost)
	for i := range agents {
		a.agents[agents[i].Login] = &agents[i]
	}
	return a
}

var errBadCredentials = errors.New("invalid credentials")

// check returns the agent for a correct login and password.
func (a *authenticator) check(login, password string) (*principal, error) {
	ag, ok := a.agents[login]
	if !ok {
		// Spend the same time as for a real agent.
		bcrypt.CompareHashAndPassword(a.dummy, []byte(password))
		return nil, errBadCredentials
	}
	key := sha256.Sum256([]byte(ag.PasswordHash + "\x00" + password))
	now := time.Now()
	a.mu.Lock()
	exp, cached := a.cache[key]
	a.mu.Unlock()
	if !cached || now.After(exp) {
		if err := bcrypt.CompareHashAndPassword([]byte(ag.PasswordHash), []byte(password)); err != nil {
			return nil, errBadCredentials
		}
		a.mu.Lock()
		if len(a.cache) > 10000 {
			a.cache = map[[32]byte]time.Time{}
		}
		a.cache[key] = now.Add(10 * time.Minute)
		a.mu.Unlock()
	}
	return newPrincipal(ag.Login, ag.Account, ag.Addresses), nil
}

// loginServer is the server side of the LOGIN mechanism, which Outlook and
// many appliances still use (go-sasl ships only the client side).
type loginServer struct {
	step     int
	username string
	auth     func(username, password string) error
}

// Next implements sasl.Server.
func (s *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	switch s.step {
	case 0:
		s.step++
		if len(response) > 0 { // initial response carries the username
			s.username = string(response)
			s.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		s.username = string(response)
		s.step++
		return []byte("Password:"), false, nil
	case 2:
		s.step++
		return nil, true, s.auth(s.username, string(response))
	}
	return nil, false, errors.New("unexpected LOGIN response")
}

var _ sasl.Server = (*loginServer)(nil)

// failureLimiter counts AUTH failures per client IP in a sliding minute.
type failureLimiter struct {
	limit int
	now   func() time.Time

	mu       sync.Mutex
	failures map[netip.Addr][]time.Time
}

func newFailureLimiter(limit int, now func() time.Time) *failureLimiter {
	return &failureLimiter{limit: limit, now: now, failures: map[netip.Addr][]time.Time{}}
}

func (l *failureLimiter) recent(ip netip.Addr) []time.Time {
	cut := l.now().Add(-time.Minute)
	ts := l.failures[ip]
	i := 0
	for i < len(ts) && ts[i].Before(cut) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.failures, ip)
	} else {
		l.failures[ip] = ts
	}
	return ts
}

// blocked reports whether ip had too many failures in the last minute.
func (l *failureLimiter) blocked(ip netip.Addr) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(ip)) >= l.limit
}

// fail records a failure and reports whether ip is now blocked.
func (l *failureLimiter) fail(ip netip.Addr) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := append(l.recent(ip), l.now())
	l.failures[ip] = ts
	return len(ts) >= l.limit
}
