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
	Agent   string
	Account string
	// Language is the agent's for refusals and notices ("" means the
	// message's own).
	Language  string
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
	p := newPrincipal(ag.Login, ag.Account, ag.Addresses)
	p.Language = ag.Language
	return p, nil
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

// rateLimiter lets each key (a client network) start so many sessions a
// minute, as a token bucket: one number and a time per key, and keys idle
// for a minute are forgotten, so that many addresses cost bounded memory.
type rateLimiter struct {
	perMinute float64
	now       func() time.Time

	mu      sync.Mutex
	buckets map[netip.Prefix]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(perMinute int, now func() time.Time) *rateLimiter {
	return &rateLimiter{perMinute: float64(perMinute), now: now, buckets: map[netip.Prefix]*bucket{}}
}

// allow takes a token for ip's network, reporting false when none is left.
func (l *rateLimiter) allow(ip netip.Addr) bool {
	if l.perMinute <= 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.last) > time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	k := clientNet(ip)
	b := l.buckets[k]
	if b == nil {
		b = &bucket{tokens: l.perMinute, last: now}
		l.buckets[k] = b
	}
	b.tokens = min(l.perMinute, b.tokens+now.Sub(b.last).Minutes()*l.perMinute)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// clientNet is the network one client holds: its IPv4 address, or the /64
// of its IPv6 address (one host has a whole /64).
func clientNet(ip netip.Addr) netip.Prefix {
	ip = ip.Unmap()
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, _ := ip.Prefix(bits)
	return p
}
