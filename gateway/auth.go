package gateway

import (
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
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
	// upstream names the MTA that submits for whole domains ("" for an
	// agent or a trusted network); domains are the ones it may send for.
	upstream string
	domains  map[string]bool
}

// newUpstream is the principal of an upstream MTA.
func newUpstream(u *config.Upstream) *principal {
	p := newPrincipal("upstream:"+u.Name, u.Account, nil)
	p.upstream, p.domains = u.Name, map[string]bool{}
	for _, d := range u.Domains {
		p.domains[strings.ToLower(d)] = true
	}
	return p
}

// sender is who a message of the principal's from from counts for: an
// upstream's sender address is its own agent (metrics, caps, the SLA
// board and the trail name it), anyone else is themselves.
func (p *principal) sender(from string) *principal {
	if p.upstream == "" {
		return p
	}
	s := newPrincipal(strings.ToLower(from), p.Account, []string{from})
	s.upstream = p.upstream
	return s
}

func newPrincipal(agent, account string, addrs []string) *principal {
	p := &principal{Agent: agent, Account: account, addresses: map[string]bool{}}
	for _, a := range addrs {
		p.addresses[strings.ToLower(a)] = true
	}
	return p
}

// mayUse reports whether the principal may send as addr.
func (p *principal) mayUse(addr string) bool {
	addr = strings.ToLower(addr)
	if p.addresses[addr] {
		return true
	}
	at := strings.LastIndexByte(addr, '@')
	return at > 0 && p.domains[addr[at+1:]]
}

// authenticator checks agents' passwords. bcrypt is slow on purpose; a
// verified (login, password) pair is remembered for a while so that a
// helpdesk opening many sessions does not pay it every time.
type authenticator struct {
	agents    map[string]*config.Agent
	upstreams map[string]*config.Upstream

	// dummy is compared against for unknown logins, so that they take as
	// long as known ones.
	dummy []byte

	mu    sync.Mutex
	cache map[[32]byte]time.Time
}

func newAuthenticator(agents []config.Agent, upstreams []config.Upstream) *authenticator {
	a := &authenticator{agents: map[string]*config.Agent{}, upstreams: map[string]*config.Upstream{}, cache: map[[32]byte]time.Time{}}
	a.dummy, _ = bcrypt.GenerateFromPassword([]byte("no such agent"), bcrypt.DefaultCost)
	for i := range agents {
		a.agents[agents[i].Login] = &agents[i]
	}
	for i := range upstreams {
		if upstreams[i].Login != "" {
			a.upstreams[upstreams[i].Login] = &upstreams[i]
		}
	}
	return a
}

var errBadCredentials = errors.New("invalid credentials")

// check returns the agent for a correct login and password.
func (a *authenticator) check(login, password string) (*principal, error) {
	if u, ok := a.upstreams[login]; ok {
		if !a.verify(u.PasswordHash, password) {
			return nil, errBadCredentials
		}
		return newUpstream(u), nil
	}
	ag, ok := a.agents[login]
	if !ok {
		// Spend the same time as for a real agent.
		bcrypt.CompareHashAndPassword(a.dummy, []byte(password))
		return nil, errBadCredentials
	}
	if !a.verify(ag.PasswordHash, password) {
		return nil, errBadCredentials
	}
	p := newPrincipal(ag.Login, ag.Account, ag.Addresses)
	p.Language = ag.Language
	return p, nil
}

// verify compares a password with its bcrypt hash, remembering a match
// for a while.
func (a *authenticator) verify(hash, password string) bool {
	key := sha256.Sum256([]byte(hash + "\x00" + password))
	now := time.Now()
	a.mu.Lock()
	exp, cached := a.cache[key]
	a.mu.Unlock()
	if !cached || now.After(exp) {
		if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)); err != nil {
			return false
		}
		a.mu.Lock()
		if len(a.cache) > 10000 {
			a.cache = map[[32]byte]time.Time{}
		}
		a.cache[key] = now.Add(10 * time.Minute)
		a.mu.Unlock()
	}
	return true
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

// upstreamCertPins reports whether an upstream is known by its client
// certificate.
func upstreamCertPins(cfg *config.Config) bool {
	for _, u := range cfg.Upstreams {
		if len(u.CertSPKI) > 0 {
			return true
		}
	}
	return false
}

// upstreamByCert returns the upstream whose pinned key the client
// certificate carries, nil when none.
func upstreamByCert(cfg *config.Config, certs []*x509.Certificate) *config.Upstream {
	if len(certs) == 0 {
		return nil
	}
	sum := sha256.Sum256(certs[0].RawSubjectPublicKeyInfo)
	pin := base64.StdEncoding.EncodeToString(sum[:])
	for i, u := range cfg.Upstreams {
		for _, p := range u.CertSPKI {
			if subtle.ConstantTimeCompare([]byte(p), []byte(pin)) == 1 {
				return &cfg.Upstreams[i]
			}
		}
	}
	return nil
}

// upstreamByNetwork returns the upstream whose networks hold ip.
func upstreamByNetwork(cfg *config.Config, ip netip.Addr) *config.Upstream {
	for i, u := range cfg.Upstreams {
		for _, pfx := range u.Prefixes {
			if pfx.Contains(ip.Unmap()) {
				return &cfg.Upstreams[i]
			}
		}
	}
	return nil
}
