// Package config reads sellergate's YAML configuration: strictly (an unknown
// key is an error), completely validated before anything starts, and with
// every error reported as FILE:LINE: what is wrong.
package config

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Example is the example configuration shipped in the binary; `sellergate
// serve` without --config runs it (maildir outbox, SQLite file, loopback).
//
//go:embed example.yaml
var Example []byte

// Config is the whole gateway configuration.
type Config struct {
	// Hostname is the name the gateway gives in its greeting and Received
	// headers (default: the machine's host name).
	Hostname string `yaml:"hostname"`
	// Log selects the log format ("text" or "json") and level.
	Log Log `yaml:"log"`
	// TLS is the certificate the listeners present. Without it, STARTTLS and
	// implicit TLS are not offered.
	TLS *TLS `yaml:"tls"`
	// Submission lists the listeners agents submit to.
	Submission []Listener `yaml:"submission"`
	// Inbound is the listener for mail from Amazon to the seller.
	Inbound *Inbound `yaml:"inbound"`
	// Accounts are the seller accounts, each with its daily message cap.
	Accounts []Account `yaml:"accounts"`
	// Agents may submit with AUTH.
	Agents []Agent `yaml:"agents"`
	// TrustedNetworks may submit without AUTH (like Postfix's mynetworks).
	TrustedNetworks []TrustedNetwork `yaml:"trusted_networks"`
	// Upstreams are MTAs that submit for whole domains: Google
	// Workspace's or Microsoft 365's routing of Amazon-bound mail, an
	// on-premises relay. Each sender address counts as its own agent.
	Upstreams []Upstream `yaml:"upstreams"`
	// RecipientDomains extends the built-in list of Amazon's anonymized relay domains.
	RecipientDomains []string `yaml:"recipient_domains"`
	// Relay is the next hop for outgoing mail.
	Relay Relay `yaml:"relay"`
	// DKIM lists the signing keys, one per From domain.
	DKIM []DKIMKey `yaml:"dkim"`
	// Limits bounds what clients can do.
	Limits Limits `yaml:"limits"`
	// Store is where the audit trail is kept.
	Store Store `yaml:"store"`
	// Policy is the messaging-policy file; empty means the built-in default.
	Policy string `yaml:"policy"`
	// Metrics is the HTTP listener for /metrics, /healthz and /readyz.
	Metrics Metrics `yaml:"metrics"`
	// SLA configures the 24-hour reply clock's alerts.
	SLA SLA `yaml:"sla"`
	// Admin is the admin HTTP API's listener; without tokens it is off.
	Admin Admin `yaml:"admin"`
	// QueueDir is the delivery queue's directory (released messages,
	// notices); default "queue" beside the config file.
	QueueDir string `yaml:"queue_dir"`
	// AppealTag in a subject makes a message an appeal: held for an
	// admin's review instead of refused (default "[appeal]").
	AppealTag string `yaml:"appeal_tag"`
	// QueueBackoff lists the waits between delivery attempts from the
	// queue; the last repeats (default 1m, 5m, 15m, 1h).
	QueueBackoff []time.Duration `yaml:"queue_backoff"`

	// File is the path the configuration was read from.
	File string `yaml:"-"`
	// Warnings are things that work but are probably not what the admin wants.
	Warnings []string `yaml:"-"`
}

// Log configures logging.
type Log struct {
	// Format is "text" (default) or "json".
	Format string `yaml:"format"`
	// Level is debug, info (default), warn or error.
	Level string `yaml:"level"`
}

// TLS names a certificate and its key, PEM files.
type TLS struct {
	// Cert is the certificate chain file (PEM), read again when it changes.
	Cert string `yaml:"cert"`
	// Key is the private key file (PEM) of the certificate.
	Key string `yaml:"key"`
	// ACME obtains and renews the certificate from an ACME CA (Let's
	// Encrypt) instead of cert and key files.
	ACME *ACME `yaml:"acme"`
}

// ACME is a certificate obtained and renewed by the gateway itself.
type ACME struct {
	// Domains are the names agents connect to; the certificate covers
	// them (the first is served to clients that send no name).
	Domains []string `yaml:"domains"`
	// Email is the ACME account's contact for the CA's notices.
	Email string `yaml:"email"`
	// Directory is the CA's directory URL (default Let's Encrypt's).
	Directory string `yaml:"directory"`
	// CacheDir keeps the account key and the certificates across
	// restarts (default "acme" beside the configuration).
	CacheDir string `yaml:"cache_dir"`
	// HTTPListen serves the HTTP-01 challenge (":80"); without it only
	// TLS-ALPN-01 on the implicit-TLS listener answers challenges.
	HTTPListen string `yaml:"http_listen"`
	// CAFile is a CA trusted for the directory's HTTPS besides the system's
	// (a test CA such as Pebble's).
	CAFile string `yaml:"ca_file"`
}

// Listener is one submission listener.
type Listener struct {
	// Listen is host:port.
	Listen string `yaml:"listen"`
	// Mode is "starttls" (default, 587 style) or "implicit" (465 style).
	Mode string `yaml:"mode"`
	// InsecureDevelopment allows AUTH without TLS. Only accepted on a
	// loopback address.
	InsecureDevelopment bool `yaml:"insecure_development"`
}

// Inbound is the listener for mail from Amazon.
type Inbound struct {
	// Listen is host:port for mail from Amazon (port 25 behind the MX).
	Listen string `yaml:"listen"`
	// Domains are the seller's own domains the inbound listener accepts mail for.
	Domains []string `yaml:"domains"`
	// Mode is "forward" (relay to Forward after recording) or "copy" (only record).
	Mode string `yaml:"mode"`
	// Forward is the seller's real mailbox, a next-hop URL like Relay.URL.
	Forward string `yaml:"forward"`
	// TrustedDKIMDomains extends the Amazon domains whose DKIM signature
	// marks a message as a buyer message (tests add their own).
	TrustedDKIMDomains []string `yaml:"trusted_dkim_domains"`
	// InsecureDevelopment allows test_keys; only on a loopback listener.
	InsecureDevelopment bool `yaml:"insecure_development"`
	// TestKeys are DKIM keys treated as Amazon's, to try the SLA clock
	// without real Amazon mail: a message signed with one (sellergate dkim
	// sign) counts as a verified buyer message. Only with
	// insecure_development on a loopback listener.
	TestKeys []DKIMKey `yaml:"test_keys"`
}

// Account is one seller account.
type Account struct {
	// Name is the account's name, as agents and trusted networks name it.
	Name string `yaml:"name"`
	// DailyLimit caps messages relayed per UTC day; Amazon allows 5 ×
	// average daily orders + 600. Zero means no cap. The count is the audit
	// store's (it survives restarts; gateways sharing a PostgreSQL store see
	// each other's messages within a minute).
	DailyLimit int `yaml:"daily_limit"`
}

// Agent is a person or system that submits with AUTH.
type Agent struct {
	// Login is the AUTH user name (and the agent's name in the trail).
	Login string `yaml:"login"`
	// PasswordHash is a bcrypt hash, as printed by `sellergate passwd`.
	PasswordHash string `yaml:"password_hash"`
	// Account is the seller account the agent writes for.
	Account string `yaml:"account"`
	// Addresses the agent may use as envelope sender and From.
	Addresses []string `yaml:"addresses"`
	// Language is the one the agent reads refusals and notices in (en,
	// de, fr, es, it, ja); empty means the language each message is
	// written in.
	Language string `yaml:"language"`
}

// Languages are those refusals and notices are written in.
var Languages = []string{"en", "de", "fr", "es", "it", "ja"}

// TrustedNetwork may submit without AUTH, from the listed addresses only.
type TrustedNetwork struct {
	// Network is the CIDR the hosts submit from (10.0.0.0/24).
	Network string `yaml:"network"`
	// Account is the seller account their messages count for.
	Account string `yaml:"account"`
	// Addresses they may use as envelope sender and From.
	Addresses []string `yaml:"addresses"`

	// Prefix is Network parsed.
	Prefix netip.Prefix `yaml:"-"`
}

// Upstream is an MTA that submits on behalf of whole domains. It is
// recognised by its network, by SMTP AUTH, or by its TLS client
// certificate's public key; it may send as any address of its domains.
type Upstream struct {
	// Name names the upstream in logs and the trail ("google-workspace").
	Name string `yaml:"name"`
	// Domains are the sender domains it submits for.
	Domains []string `yaml:"domains"`
	// Account is the seller account its messages count for.
	Account string `yaml:"account"`
	// Networks are the CIDRs it connects from (Google's published
	// outbound ranges, an on-premises relay's address).
	Networks []string `yaml:"networks"`
	// Login lets it authenticate with SMTP AUTH.
	Login string `yaml:"login"`
	// PasswordHash is the bcrypt hash of its AUTH password, as printed by
	// `sellergate passwd`.
	PasswordHash string `yaml:"password_hash"`
	// CertSPKI pins its TLS client certificate: the base64 SHA-256 of
	// the certificate's public key (`openssl x509 -pubkey … | openssl
	// pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`).
	CertSPKI []string `yaml:"cert_spki"`

	// Prefixes are Networks parsed.
	Prefixes []netip.Prefix `yaml:"-"`
}

// Relay is a next hop.
type Relay struct {
	// URL is smtp://host:port (STARTTLS when offered), smtps://host:port,
	// mx (direct delivery), or maildir:PATH (write an outbox, send nothing).
	URL string `yaml:"url"`
	// Username authenticates to the next hop (AUTH PLAIN, over TLS only).
	Username string `yaml:"username"`
	// Password is the next hop's password, written in the file (prefer
	// password_file or password_env).
	Password string `yaml:"password"`
	// PasswordFile is a file holding the next hop's password.
	PasswordFile string `yaml:"password_file"`
	// PasswordEnv names an environment variable holding the password.
	PasswordEnv string `yaml:"password_env"`
	// CAFile, when set, is the only CA trusted for the next hop's certificate.
	CAFile string `yaml:"ca_file"`
	// RequireTLS refuses to send without TLS to an smtp:// next hop.
	RequireTLS bool `yaml:"require_tls"`
	// Timeout bounds one delivery to the next hop (default 60s).
	Timeout time.Duration `yaml:"timeout"`
	// Pool is how many idle connections to keep to an smtp next hop (default 8).
	Pool int `yaml:"pool"`
}

// DKIMKey is a signing key for one domain.
type DKIMKey struct {
	// Domain is the From domain signed for (d=).
	Domain string `yaml:"domain"`
	// Selector is the DNS selector the public key is published under (s=).
	Selector string `yaml:"selector"`
	// Key is a PEM file holding an RSA (2048 bits or more) or Ed25519 private key.
	Key string `yaml:"key"`
}

// Limits bound what clients may do.
type Limits struct {
	// MaxMessageSize is the largest message accepted (SIZE); Amazon's
	// messaging takes 10 MB of attachments.
	MaxMessageSize Size `yaml:"max_message_size"`
	// MaxRecipients caps the recipients of one message.
	MaxRecipients int `yaml:"max_recipients"`
	// ConnectionsPerIP caps one address's open connections.
	ConnectionsPerIP int `yaml:"connections_per_ip"`
	// AuthFailuresPerMinute caps failed AUTH attempts per address per
	// minute; beyond it the address gets 421 until the minute is over.
	AuthFailuresPerMinute int `yaml:"auth_failures_per_minute"`
	// MaxConnections caps the open connections of all clients together
	// (default 1000): the gateway's memory stays bounded.
	MaxConnections int `yaml:"max_connections"`
	// SessionsPerIPPerMinute caps how many new connections one address
	// (an IPv6 /64) opens per minute (default 300).
	SessionsPerIPPerMinute int `yaml:"sessions_per_ip_per_minute"`
	// AuthFailuresPerAccount caps failed AUTH attempts per login per
	// minute, from all addresses together (default 10): guessing one
	// agent's password from many addresses is throttled too.
	AuthFailuresPerAccount int `yaml:"auth_failures_per_account"`
	// CommandTimeout is how long a client may take for one command.
	CommandTimeout time.Duration `yaml:"command_timeout"`
	// DataTimeout is how long a client may take to send a message's
	// data; then it gets 451 and the connection closes.
	DataTimeout time.Duration `yaml:"data_timeout"`
	// ShutdownTimeout is how long SIGTERM waits for transactions to end.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// SpoolMemory is how much of a message is held in memory; the rest
	// is spilled to a file in spool_dir.
	SpoolMemory Size `yaml:"spool_memory"`
	// LargeConcurrency caps how many messages above spool_memory are checked,
	// recorded and relayed at once (default 8): memory stays bounded however
	// many clients send large mail together; the others wait for their reply.
	LargeConcurrency int `yaml:"large_concurrency"`
	// SpoolDir holds messages above spool_memory while they are checked
	// (default: the system's temporary directory).
	SpoolDir               string `yaml:"spool_dir"`
	MaxAttachmentSizeBytes Size   `yaml:"-"`
}

// Store selects the audit store.
type Store struct {
	// Driver is "sqlite" (default) or "postgres".
	Driver string `yaml:"driver"`
	// Path is the SQLite file.
	Path string `yaml:"path"`
	// DSN (or DSNEnv, an environment variable holding it) is the PostgreSQL URL.
	DSN string `yaml:"dsn"`
	// DSNEnv names an environment variable holding the PostgreSQL URL.
	DSNEnv string `yaml:"dsn_env"`
	// CheckpointInterval is how often the chain head is checkpointed (default 1h).
	CheckpointInterval time.Duration `yaml:"checkpoint_interval"`
	// Retention is how long raw bodies are kept; zero keeps them forever.
	Retention time.Duration `yaml:"retention"`
	// Timeout bounds each wait for the store while a client waits for its
	// answer (default 10s): a database that does not answer — a network
	// split, a server stuck — gets the client a 451, not a hung session.
	Timeout time.Duration `yaml:"timeout"`
}

// DefaultStoreTimeout is store: timeout when the file does not set it.
const DefaultStoreTimeout = 10 * time.Second

// Metrics is the operations HTTP listener.
type Metrics struct {
	// Listen is host:port of /metrics, /healthz and /readyz (plain HTTP:
	// keep it on loopback or a private network).
	Listen string `yaml:"listen"`
	// Pprof serves Go's profiler under /debug/pprof/ (off by default), to
	// loopback clients only.
	Pprof bool `yaml:"pprof"`
}

// Admin configures the admin HTTP API.
type Admin struct {
	// Listen is host:port of the admin API; off when empty.
	Listen string `yaml:"listen"`
	// Tokens are the accepted bearer tokens (16 characters or more, no
	// placeholders).
	Tokens []string `yaml:"tokens"`
	// TokensEnv names an environment variable holding more tokens,
	// comma-separated.
	TokensEnv string `yaml:"tokens_env"`
	// TLS serves the API over HTTPS with the gateway's certificate.
	TLS bool `yaml:"tls"`
	// Users may sign in to the web console on the same listener as
	// admins; agents sign in with their SMTP login and password and see
	// only the draft checker and their own messages.
	Users []User `yaml:"users"`
}

// User is an admin of the web console.
type User struct {
	// Login is the name the admin signs in with (and is named by in the
	// trail's decisions).
	Login string `yaml:"login"`
	// PasswordHash is a bcrypt hash, as printed by `sellergate passwd`.
	PasswordHash string `yaml:"password_hash"`
}

// AllTokens returns the tokens from the file and the environment.
func (a *Admin) AllTokens() []string {
	out := append([]string{}, a.Tokens...)
	if a.TokensEnv != "" {
		for _, t := range strings.Split(os.Getenv(a.TokensEnv), ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

// SLA configures alerts before a buyer waits 24 hours for a reply.
type SLA struct {
	// Thresholds are alert points before the 24h deadline (default 18h, 22h).
	Thresholds []time.Duration `yaml:"thresholds"`
	// SweepInterval is how often due alerts are looked for (default 1m).
	SweepInterval time.Duration `yaml:"sweep_interval"`
	// Webhook receives alerts as JSON; Format is json, slack or teams.
	Webhook *struct {
		// URL receives a POST per alert (http or https).
		URL string `yaml:"url"`
		// Format is json (default), slack or teams.
		Format string `yaml:"format"`
	} `yaml:"webhook"`
	// Email sends alerts to a team address through the relay.
	Email *struct {
		// To is the team's address.
		To string `yaml:"to"`
		// From is the alerts' sender address.
		From string `yaml:"from"`
	} `yaml:"email"`
}

// Size is a byte count written as 1048576, "512KB", "20MB" or "1GB".
type Size int64

var sizeRe = regexp.MustCompile(`^\s*(\d+)\s*([KMG]I?B?|B)?\s*$`)

// UnmarshalYAML reads a size with an optional unit.
func (s *Size) UnmarshalYAML(n *yaml.Node) error {
	m := sizeRe.FindStringSubmatch(strings.ToUpper(n.Value))
	if m == nil {
		return fmt.Errorf("line %d: %q is not a size (e.g. 20MB)", n.Line, n.Value)
	}
	v, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a size: %v", n.Line, n.Value, err)
	}
	switch strings.TrimSuffix(strings.TrimSuffix(m[2], "B"), "I") {
	case "K":
		v <<= 10
	case "M":
		v <<= 20
	case "G":
		v <<= 30
	}
	*s = Size(v)
	return nil
}

// Error is a configuration problem at a place in a file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Errors is every problem found in one file.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Load reads and validates the configuration file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return Parse(path, data)
}

var yamlLineRe = regexp.MustCompile(`^\s*(?:yaml: )?line (\d+): (.*)$`)

// Parse decodes and validates a configuration; file names it in errors and
// is the base for relative paths.
func Parse(file string, data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlErrors(file, err)
	}
	cfg := &Config{File: file}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlErrors(file, err)
	}
	v := &validator{file: file, root: &root, dir: filepath.Dir(file)}
	cfg.applyDefaults()
	v.validate(cfg)
	if len(v.errs) > 0 {
		return nil, v.errs
	}
	cfg.Warnings = v.warnings
	return cfg, nil
}

// yamlErrors turns yaml.v3's messages ("line 5: field foo not found in type
// config.Config") into FILE:LINE errors a person can act on.
func yamlErrors(file string, err error) error {
	var te *yaml.TypeError
	var lines []string
	if errors.As(err, &te) {
		lines = te.Errors
	} else {
		lines = []string{err.Error()}
	}
	var es Errors
	fieldRe := regexp.MustCompile(`field (\S+) not found in type (\S+)`)
	for _, l := range lines {
		e := &Error{File: file, Msg: strings.TrimPrefix(l, "yaml: ")}
		if m := yamlLineRe.FindStringSubmatch(l); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Msg = m[2]
		}
		if m := fieldRe.FindStringSubmatch(e.Msg); m != nil {
			e.Msg = fmt.Sprintf("unknown key %q", m[1])
		}
		e.Msg = strings.ReplaceAll(e.Msg, "!!str", "text")
		es = append(es, e)
	}
	return es
}

// applyDefaults fills in what the file leaves out.
func (c *Config) applyDefaults() {
	if c.Hostname == "" {
		if h, err := os.Hostname(); err == nil {
			c.Hostname = h
		} else {
			c.Hostname = "localhost"
		}
	}
	if c.Log.Format == "" {
		c.Log.Format = "text"
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	for i := range c.Submission {
		if c.Submission[i].Mode == "" {
			c.Submission[i].Mode = "starttls"
		}
	}
	if c.Inbound != nil && c.Inbound.Mode == "" {
		c.Inbound.Mode = "forward"
	}
	l := &c.Limits
	if l.MaxMessageSize == 0 {
		l.MaxMessageSize = 25 << 20
	}
	if l.MaxRecipients == 0 {
		l.MaxRecipients = 50
	}
	if l.ConnectionsPerIP == 0 {
		l.ConnectionsPerIP = 50
	}
	if l.AuthFailuresPerMinute == 0 {
		l.AuthFailuresPerMinute = 5
	}
	if l.MaxConnections == 0 {
		l.MaxConnections = 1000
	}
	if l.SessionsPerIPPerMinute == 0 {
		l.SessionsPerIPPerMinute = 300
	}
	if l.AuthFailuresPerAccount == 0 {
		l.AuthFailuresPerAccount = 10
	}
	if l.CommandTimeout == 0 {
		l.CommandTimeout = 5 * time.Minute
	}
	if l.DataTimeout == 0 {
		l.DataTimeout = 10 * time.Minute
	}
	if l.ShutdownTimeout == 0 {
		l.ShutdownTimeout = 30 * time.Second
	}
	if l.SpoolMemory == 0 {
		l.SpoolMemory = 1 << 20
	}
	if l.LargeConcurrency == 0 {
		l.LargeConcurrency = 8
	}
	if c.Relay.Timeout == 0 {
		c.Relay.Timeout = 60 * time.Second
	}
	if c.Relay.Pool == 0 {
		c.Relay.Pool = 8
	}
	if c.Store.Driver == "" {
		c.Store.Driver = "sqlite"
	}
	if len(c.SLA.Thresholds) == 0 {
		c.SLA.Thresholds = []time.Duration{18 * time.Hour, 22 * time.Hour}
	}
	if c.SLA.SweepInterval == 0 {
		c.SLA.SweepInterval = time.Minute
	}
	if c.Store.CheckpointInterval == 0 {
		c.Store.CheckpointInterval = time.Hour
	}
	if c.Store.Timeout == 0 {
		c.Store.Timeout = DefaultStoreTimeout
	}
}

// Account returns the named account, or nil.
func (c *Config) Account(name string) *Account {
	for i := range c.Accounts {
		if c.Accounts[i].Name == name {
			return &c.Accounts[i]
		}
	}
	return nil
}

// RelayPassword returns the next hop's password from wherever the config says.
func (r *Relay) RelayPassword() (string, error) {
	switch {
	case r.PasswordFile != "":
		b, err := os.ReadFile(r.PasswordFile)
		if err != nil {
			return "", fmt.Errorf("reading relay password file: %w", err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	case r.PasswordEnv != "":
		return os.Getenv(r.PasswordEnv), nil
	}
	return r.Password, nil
}

// StoreDSN returns the PostgreSQL DSN from the file or the environment.
func (s *Store) StoreDSN() string {
	if s.DSNEnv != "" {
		return os.Getenv(s.DSNEnv)
	}
	return s.DSN
}
