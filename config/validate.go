package config

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sellergate/sellergate/marketplace"
	"gopkg.in/yaml.v3"
)

// AmazonRelayDomains are the domains of Amazon's anonymized buyer addresses,
// one per marketplace. The gateway accepts no other recipient.
var AmazonRelayDomains = marketplace.RelayDomains()

// ProviderRelayHosts are submission servers whose operator signs DKIM for its
// own users' domains (Gmail, Microsoft 365).
var ProviderRelayHosts = map[string][]string{
	"smtp.gmail.com":        {"gmail.com", "googlemail.com"},
	"smtp.office365.com":    {"outlook.com", "hotmail.com", "live.com", "*"},
	"smtp-mail.outlook.com": {"outlook.com", "hotmail.com", "live.com"},
}

type validator struct {
	file     string
	dir      string
	root     *yaml.Node
	errs     Errors
	warnings []string
}

// line finds the line of the value at path (keys and list indexes) in the
// document, or of the closest parent that exists.
func (v *validator) line(path ...any) int {
	n := v.root
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	if n != nil {
		line = n.Line
	}
	for _, p := range path {
		if n == nil {
			break
		}
		var next *yaml.Node
		switch k := p.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == k {
						next = n.Content[i+1]
						line = n.Content[i].Line
						break
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && k < len(n.Content) {
				next = n.Content[k]
				line = next.Line
			}
		}
		if next == nil {
			break
		}
		n = next
		if n.Kind == yaml.ScalarNode {
			line = n.Line
		}
	}
	return line
}

func (v *validator) errorf(path []any, format string, args ...any) {
	v.errs = append(v.errs, &Error{File: v.file, Line: v.line(path...), Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) warnf(path []any, format string, args ...any) {
	v.warnings = append(v.warnings, (&Error{File: v.file, Line: v.line(path...), Msg: fmt.Sprintf(format, args...)}).Error())
}

func p(path ...any) []any { return path }

// resolve makes a path relative to the config file's directory.
func (v *validator) resolve(f string) string {
	if f == "" || filepath.IsAbs(f) {
		return f
	}
	return filepath.Join(v.dir, f)
}

func (v *validator) fileExists(path []any, f *string, what string) {
	*f = v.resolve(*f)
	if _, err := os.Stat(*f); err != nil {
		v.errorf(path, "%s %s: %v", what, *f, unwrapPathError(err))
	}
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func (v *validator) hostPort(path []any, addr string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		v.errorf(path, "%q is not a host:port address", addr)
		return
	}
	if host != "" {
		if _, err := netip.ParseAddr(host); err != nil && host != "localhost" {
			v.errorf(path, "%q: listen on an IP address, not a name", addr)
		}
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		v.errorf(path, "%q: bad port", addr)
	}
}

func isLoopbackListen(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

func (v *validator) address(path []any, a string) {
	addr, err := mail.ParseAddress(a)
	if err != nil || addr.Address != a || !strings.Contains(a, "@") {
		v.errorf(path, "%q is not an e-mail address", a)
	}
}

func (v *validator) validate(c *Config) {
	switch c.Log.Format {
	case "text", "json":
	default:
		v.errorf(p("log", "format"), "log format %q: use text or json", c.Log.Format)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		v.errorf(p("log", "level"), "log level %q: use debug, info, warn or error", c.Log.Level)
	}
	if c.TLS != nil {
		v.tls(c.TLS)
	}
	if len(c.Submission) == 0 {
		v.errorf(p("submission"), "no submission listener: add one under submission:")
	}
	for i, l := range c.Submission {
		v.hostPort(p("submission", i, "listen"), l.Listen)
		switch l.Mode {
		case "starttls":
		case "implicit":
			if c.TLS == nil {
				v.errorf(p("submission", i, "mode"), "implicit TLS needs a certificate: add tls: cert: and key:")
			}
		default:
			v.errorf(p("submission", i, "mode"), "mode %q: use starttls or implicit", l.Mode)
		}
		if l.InsecureDevelopment && !isLoopbackListen(l.Listen) {
			v.errorf(p("submission", i, "insecure_development"), "insecure_development allows AUTH without TLS and is only accepted on a loopback address, not %q", l.Listen)
		}
		if !l.InsecureDevelopment && c.TLS == nil && len(c.Agents) > 0 {
			v.warnf(p("submission", i), "listener %s has no TLS certificate, so agents cannot authenticate on it", l.Listen)
		}
	}
	if in := c.Inbound; in != nil {
		v.hostPort(p("inbound", "listen"), in.Listen)
		if in.InsecureDevelopment && !loopbackListen(in.Listen) {
			v.errorf(p("inbound", "insecure_development"), "insecure_development only on a loopback listener (127.0.0.1 or ::1), not %s", in.Listen)
		}
		for i := range in.TestKeys {
			k := &in.TestKeys[i]
			if !in.InsecureDevelopment {
				v.errorf(p("inbound", "test_keys", i), "test_keys make any message signed with them a buyer message: only with insecure_development: true")
			}
			if k.Domain == "" || k.Selector == "" {
				v.errorf(p("inbound", "test_keys", i), "a test key needs domain and selector")
			}
			v.fileExists(p("inbound", "test_keys", i, "key"), &k.Key, "test key file")
		}
		if len(in.Domains) == 0 {
			v.errorf(p("inbound", "domains"), "inbound needs the seller's domains it accepts mail for")
		}
		switch in.Mode {
		case "copy":
		case "forward":
			if in.Forward == "" {
				v.errorf(p("inbound", "forward"), "inbound mode forward needs forward: (the seller's mailbox, e.g. smtp://mail.example.com:25)")
			} else {
				v.relayURL(p("inbound", "forward"), &in.Forward)
			}
		default:
			v.errorf(p("inbound", "mode"), "inbound mode %q: use forward or copy", in.Mode)
		}
	}
	accounts := map[string]bool{}
	for i, a := range c.Accounts {
		if a.Name == "" {
			v.errorf(p("accounts", i), "account without a name")
		}
		if accounts[a.Name] {
			v.errorf(p("accounts", i, "name"), "account %q is defined twice", a.Name)
		}
		accounts[a.Name] = true
		if a.DailyLimit < 0 {
			v.errorf(p("accounts", i, "daily_limit"), "daily_limit cannot be negative")
		}
	}
	logins := map[string]bool{}
	for i, a := range c.Agents {
		if a.Login == "" {
			v.errorf(p("agents", i), "agent without a login")
		}
		if logins[a.Login] {
			v.errorf(p("agents", i, "login"), "agent %q is defined twice", a.Login)
		}
		logins[a.Login] = true
		if !strings.HasPrefix(a.PasswordHash, "$2") {
			v.errorf(p("agents", i, "password_hash"), "agent %q: password_hash must be a bcrypt hash (run `sellergate passwd`)", a.Login)
		}
		v.account(p("agents", i, "account"), a.Account, accounts)
		if a.Language != "" && !slices.Contains(Languages, a.Language) {
			v.errorf(p("agents", i, "language"), "agent %q: language %q: use one of %s", a.Login, a.Language, strings.Join(Languages, ", "))
		}
		if len(a.Addresses) == 0 {
			v.errorf(p("agents", i, "addresses"), "agent %q may send as no address: list its addresses", a.Login)
		}
		for j, addr := range a.Addresses {
			v.address(p("agents", i, "addresses", j), addr)
		}
	}
	for i := range c.TrustedNetworks {
		tn := &c.TrustedNetworks[i]
		pfx, err := netip.ParsePrefix(tn.Network)
		if err != nil {
			if ip, err2 := netip.ParseAddr(tn.Network); err2 == nil {
				pfx = netip.PrefixFrom(ip, ip.BitLen())
			} else {
				v.errorf(p("trusted_networks", i, "network"), "%q is not a network (e.g. 192.0.2.10/32)", tn.Network)
			}
		}
		tn.Prefix = pfx.Masked()
		v.account(p("trusted_networks", i, "account"), tn.Account, accounts)
		if len(tn.Addresses) == 0 {
			v.errorf(p("trusted_networks", i, "addresses"), "trusted network %s may send as no address: list its addresses", tn.Network)
		}
		for j, addr := range tn.Addresses {
			v.address(p("trusted_networks", i, "addresses", j), addr)
		}
	}
	for i := range c.Upstreams {
		u := &c.Upstreams[i]
		at := func(k ...any) []any { return append([]any{"upstreams", i}, k...) }
		if u.Name == "" {
			v.errorf(p(at()...), "upstream without a name")
		}
		if len(u.Domains) == 0 {
			v.errorf(p(at("domains")...), "upstream %q submits for no domain: list its domains", u.Name)
		}
		for j, d := range u.Domains {
			if !strings.Contains(d, ".") || strings.ContainsAny(d, "@ /") {
				v.errorf(p(at("domains", j)...), "%q is not a domain", d)
			}
		}
		v.account(p(at("account")...), u.Account, accounts)
		if len(u.Networks) == 0 && u.Login == "" && len(u.CertSPKI) == 0 {
			v.errorf(p(at()...), "upstream %q has no way to be recognised: give networks, login and password_hash, or cert_spki", u.Name)
		}
		for j, n := range u.Networks {
			pfx, err := netip.ParsePrefix(n)
			if err != nil {
				ip, err2 := netip.ParseAddr(n)
				if err2 != nil {
					v.errorf(p(at("networks", j)...), "%q is not a network (e.g. 209.85.128.0/17)", n)
					continue
				}
				pfx = netip.PrefixFrom(ip, ip.BitLen())
			}
			u.Prefixes = append(u.Prefixes, pfx.Masked())
		}
		if u.Login != "" {
			if logins[u.Login] {
				v.errorf(p(at("login")...), "upstream login %q is also an agent's or another upstream's", u.Login)
			}
			logins[u.Login] = true
			if !strings.HasPrefix(u.PasswordHash, "$2") {
				v.errorf(p(at("password_hash")...), "upstream %q: password_hash must be a bcrypt hash (run `sellergate passwd`)", u.Name)
			}
		}
		for j, pin := range u.CertSPKI {
			if b, err := base64.StdEncoding.DecodeString(pin); err != nil || len(b) != 32 {
				v.errorf(p(at("cert_spki", j)...), "%q is not a base64 SHA-256 (44 characters)", pin)
			}
		}
	}
	for i, d := range c.RecipientDomains {
		if !strings.Contains(d, ".") || strings.ContainsAny(d, "@ /") {
			v.errorf(p("recipient_domains", i), "%q is not a domain", d)
		}
	}
	if c.Relay.URL == "" {
		v.errorf(p("relay"), "relay: url: is missing (smtp://host:port, smtps://host:port, mx, or maildir:PATH)")
	} else {
		v.relayURL(p("relay", "url"), &c.Relay.URL)
	}
	if c.Relay.PasswordFile != "" {
		v.fileExists(p("relay", "password_file"), &c.Relay.PasswordFile, "password file")
	}
	if c.Relay.PasswordEnv != "" {
		if _, ok := os.LookupEnv(c.Relay.PasswordEnv); !ok {
			v.errorf(p("relay", "password_env"), "environment variable %s is not set", c.Relay.PasswordEnv)
		}
	}
	if c.Relay.CAFile != "" {
		v.fileExists(p("relay", "ca_file"), &c.Relay.CAFile, "CA file")
	}
	signed := map[string]bool{}
	for i := range c.DKIM {
		k := &c.DKIM[i]
		if !strings.Contains(k.Domain, ".") {
			v.errorf(p("dkim", i, "domain"), "%q is not a domain", k.Domain)
		}
		if k.Selector == "" {
			v.errorf(p("dkim", i, "selector"), "dkim key for %s needs a selector", k.Domain)
		}
		v.fileExists(p("dkim", i, "key"), &k.Key, "DKIM key file")
		signed[strings.ToLower(k.Domain)] = true
	}
	v.dkimCoverage(c, signed)
	l := c.Limits
	if l.MaxRecipients < 0 || l.ConnectionsPerIP < 0 || l.AuthFailuresPerMinute < 0 {
		v.errorf(p("limits"), "limits cannot be negative")
	}
	if l.SpoolDir != "" {
		c.Limits.SpoolDir = v.resolve(l.SpoolDir)
	}
	if c.Store.Timeout < 0 {
		v.errorf(p("store", "timeout"), "store timeout cannot be negative")
	}
	switch c.Store.Driver {
	case "sqlite":
		if c.Store.Path == "" {
			c.Store.Path = "sellergate.db"
		}
		c.Store.Path = v.resolve(c.Store.Path)
	case "postgres":
		if c.Store.StoreDSN() == "" {
			v.errorf(p("store"), "store driver postgres needs dsn: or dsn_env:")
		}
	default:
		v.errorf(p("store", "driver"), "store driver %q: use sqlite or postgres", c.Store.Driver)
	}
	if c.Policy != "" {
		v.fileExists(p("policy"), &c.Policy, "policy file")
	}
	if c.AppealTag == "" {
		c.AppealTag = "[appeal]"
	}
	if c.QueueDir == "" {
		c.QueueDir = "queue"
	}
	c.QueueDir = v.resolve(c.QueueDir)
	for i, th := range c.SLA.Thresholds {
		if th <= 0 || th >= 24*time.Hour {
			v.errorf(p("sla", "thresholds", i), "SLA threshold %s must be between 0 and 24h (the breach at 24h is always reported)", th)
		}
	}
	if w := c.SLA.Webhook; w != nil {
		if u, err := url.Parse(w.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			v.errorf(p("sla", "webhook", "url"), "%q is not an http(s) URL", w.URL)
		}
		switch w.Format {
		case "", "json", "slack", "teams":
		default:
			v.errorf(p("sla", "webhook", "format"), "webhook format %q: use json, slack or teams", w.Format)
		}
	}
	if e := c.SLA.Email; e != nil {
		v.address(p("sla", "email", "to"), e.To)
		v.address(p("sla", "email", "from"), e.From)
	}
	if c.Admin.Listen != "" {
		v.hostPort(p("admin", "listen"), c.Admin.Listen)
		for i, u := range c.Admin.Users {
			if u.Login == "" {
				v.errorf(p("admin", "users", i), "console user without a login")
			}
			if logins[u.Login] {
				v.errorf(p("admin", "users", i, "login"), "console user %q is also an agent or defined twice: one login, one person", u.Login)
			}
			logins[u.Login] = true
			if !strings.HasPrefix(u.PasswordHash, "$2") {
				v.errorf(p("admin", "users", i, "password_hash"), "console user %q: password_hash must be a bcrypt hash (run `sellergate passwd`)", u.Login)
			}
		}
		if len(c.Admin.AllTokens()) == 0 && len(c.Admin.Users) == 0 {
			v.errorf(p("admin"), "the admin listener needs tokens: or tokens_env: for the API, or users: for the console (it never runs without authentication)")
		}
		for i, tok := range c.Admin.Tokens {
			if len(tok) < 16 {
				v.errorf(p("admin", "tokens", i), "admin token too short: use at least 16 random characters")
			}
			if placeholder(tok) {
				v.errorf(p("admin", "tokens", i), "admin token %q is a placeholder: generate one (openssl rand -hex 32)", tok)
			}
		}
		if env := c.Admin.TokensEnv; env != "" {
			for _, tok := range strings.Split(os.Getenv(env), ",") {
				if placeholder(strings.TrimSpace(tok)) {
					v.errorf(p("admin", "tokens_env"), "$%s holds the placeholder token %q: generate one (openssl rand -hex 32)", env, strings.TrimSpace(tok))
				}
			}
		}
		if c.Admin.TLS && c.TLS == nil {
			v.errorf(p("admin", "tls"), "admin tls needs the tls: certificate")
		}
		if !c.Admin.TLS && !loopbackListen(c.Admin.Listen) {
			v.warnf(p("admin", "listen"), "the admin API listens on %s in plain HTTP: its tokens cross the network readable (set admin tls: true, or listen on 127.0.0.1)", c.Admin.Listen)
		}
	}
	if c.Metrics.Listen != "" {
		v.hostPort(p("metrics", "listen"), c.Metrics.Listen)
		if !loopbackListen(c.Metrics.Listen) {
			v.warnf(p("metrics", "listen"), "the metrics listener is on %s in plain HTTP: anyone who reaches it reads the gateway's counters (listen on 127.0.0.1, or put it behind a firewall)", c.Metrics.Listen)
		}
	}
}

// loopbackListen reports whether a listen address is on loopback only.
func loopbackListen(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (v *validator) account(path []any, name string, accounts map[string]bool) {
	if name == "" {
		if len(accounts) > 0 {
			v.errorf(path, "account: is missing (one of the accounts: names)")
		}
		return
	}
	if !accounts[name] {
		v.errorf(path, "account %q is not defined under accounts:", name)
	}
}

func (v *validator) relayURL(path []any, raw *string) {
	s := *raw
	switch {
	case s == "mx":
		return
	case strings.HasPrefix(s, "maildir:"):
		dir := strings.TrimPrefix(strings.TrimPrefix(s, "maildir:"), "//")
		if dir == "" {
			v.errorf(path, "maildir: needs a directory, e.g. maildir:outbox")
			return
		}
		*raw = "maildir:" + v.resolve(dir)
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
		v.errorf(path, "%q is not a next hop: use smtp://host:port, smtps://host:port, mx, or maildir:PATH", s)
		return
	}
	if u.Port() == "" {
		v.errorf(path, "%q: give the port (smtp://host:587)", s)
	}
}

// dkimCoverage warns for every sending domain that has neither a DKIM key
// nor a next hop run by its provider: that mail may fail DMARC.
func (v *validator) dkimCoverage(c *Config, signed map[string]bool) {
	relayHost := ""
	if u, err := url.Parse(c.Relay.URL); err == nil {
		relayHost = strings.ToLower(u.Hostname())
	}
	providerDomains := ProviderRelayHosts[relayHost]
	covered := func(domain string) bool {
		if signed[domain] {
			return true
		}
		for _, d := range providerDomains {
			if d == domain || d == "*" {
				return true
			}
		}
		return false
	}
	warned := map[string]bool{}
	check := func(path []any, addr string) {
		at := strings.LastIndexByte(addr, '@')
		if at < 0 {
			return
		}
		d := strings.ToLower(addr[at+1:])
		if covered(d) || warned[d] {
			return
		}
		warned[d] = true
		v.warnf(path, "From domain %s has no DKIM key and the next hop is not its provider's submission server: its mail may fail DMARC (add a dkim: key, or relay through the provider, e.g. smtp://smtp.gmail.com:587)", d)
	}
	for i, u := range c.Upstreams {
		for j, d := range u.Domains {
			if d = strings.ToLower(d); !signed[d] && !warned[d] {
				warned[d] = true
				v.warnf(p("upstreams", i, "domains", j), "upstream %s's domain %s has no DKIM key: a message it relays unchanged keeps its own signature, but one sellergate changes (strip, a summary tag) loses it and goes out unsigned (add a dkim: key for %s)", u.Name, d, d)
			}
		}
	}
	for i, a := range c.Agents {
		for j, addr := range a.Addresses {
			check(p("agents", i, "addresses", j), addr)
		}
	}
	for i, tn := range c.TrustedNetworks {
		for j, addr := range tn.Addresses {
			check(p("trusted_networks", i, "addresses", j), addr)
		}
	}
}

// placeholder reports whether a secret is one an example or a template
// put there to be replaced.
func placeholder(secret string) bool {
	s := strings.ToLower(secret)
	for _, p := range []string{"change-me", "changeme", "change_me", "replace-me", "replaceme", "placeholder", "your-token", "example", "xxxxxx"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// tls checks the certificate files, or the ACME settings that replace them.
func (v *validator) tls(t *TLS) {
	a := t.ACME
	if a == nil {
		v.fileExists(p("tls", "cert"), &t.Cert, "certificate file")
		v.fileExists(p("tls", "key"), &t.Key, "key file")
		return
	}
	if t.Cert != "" || t.Key != "" {
		v.errorf(p("tls", "acme"), "tls: either cert and key, or acme: not both")
	}
	if len(a.Domains) == 0 {
		v.errorf(p("tls", "acme", "domains"), "acme needs the domains the certificate is for")
	}
	for i, d := range a.Domains {
		if d == "" || strings.ContainsAny(d, " /:@") {
			v.errorf(p("tls", "acme", "domains", i), "%q is not a domain name", d)
		}
	}
	if a.Directory == "" {
		a.Directory = LetsEncryptDirectory
	}
	if u, err := url.Parse(a.Directory); err != nil || u.Scheme != "https" || u.Host == "" {
		v.errorf(p("tls", "acme", "directory"), "%q is not an https directory URL", a.Directory)
	}
	if a.CacheDir == "" {
		a.CacheDir = "acme"
	}
	a.CacheDir = v.resolve(a.CacheDir)
	if a.CAFile != "" {
		v.fileExists(p("tls", "acme", "ca_file"), &a.CAFile, "ACME CA file")
	}
	if a.HTTPListen != "" {
		v.hostPort(p("tls", "acme", "http_listen"), a.HTTPListen)
	}
}

// LetsEncryptDirectory is the ACME directory used when none is configured.
const LetsEncryptDirectory = "https://acme-v02.api.letsencrypt.org/directory"
