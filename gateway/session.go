package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/marketplace"
	"github.com/sellergate/sellergate/spool"
	"github.com/sellergate/sellergate/store"
)

// session is one SMTP connection on any listener. The handlers are small
// and return a reply; go-smtp writes it.
type session struct {
	g *Gateway
	// lv is the configuration in force when the session started; a reload
	// does not change it under a session in flight.
	lv   *live
	conn *smtp.Conn
	kind string
	ip   netip.Addr
	log  *slog.Logger

	// trusted is the principal of a trusted network the client is in.
	trusted *principal
	// agent is set after a successful AUTH.
	agent *principal
	// sender is who the transaction counts for (an upstream's sender
	// address is its own agent).
	sender *principal

	from  string
	rcpts []string
	utf8  bool

	// busy is true during a transaction (MAIL to the end of DATA); a
	// draining gateway closes only sessions that are not busy.
	busy atomic.Bool
}

func (g *Gateway) newSession(c *smtp.Conn, kind string) (smtp.Session, error) {
	if g.draining.Load() {
		return nil, reply(codeServiceUnavailable, ecShuttingDown, "Shutting down, try again later")
	}
	s := &session{g: g, lv: g.live.Load(), conn: c, kind: kind, ip: remoteIP(c.Conn())}
	s.log = g.log.With("listener", kind, "client", s.ip.String())
	if kind != "inbound" {
		for _, tn := range s.lv.cfg.TrustedNetworks {
			if tn.Prefix.Contains(s.ip) {
				s.trusted = newPrincipal("network:"+tn.Prefix.String(), tn.Account, tn.Addresses)
				break
			}
		}
		if u := upstreamByNetwork(s.lv.cfg, s.ip); s.trusted == nil && u != nil {
			s.trusted = newUpstream(u)
		}
	}
	g.mu.Lock()
	g.sessions[s] = struct{}{}
	g.mu.Unlock()
	g.metrics.sessions.WithLabelValues(kind).Inc()
	g.metrics.connections.WithLabelValues(kind).Inc()
	if kind == "inbound" {
		return &inboundSession{session: s}, nil
	}
	return s, nil
}

// AuthMechanisms implements smtp.AuthSession.
func (s *session) AuthMechanisms() []string {
	if s.kind == "inbound" {
		return nil
	}
	return []string{sasl.Plain, sasl.Login}
}

// Auth implements smtp.AuthSession.
func (s *session) Auth(mech string) (sasl.Server, error) {
	check := func(identity, login, password string) error {
		if identity != "" && identity != login {
			return reply(codeAuthFailed, ecAuthInvalid, "Authorization identity must match the login")
		}
		if s.g.authFail.Blocked(s.ip) {
			s.closeSoon()
			return reply(codeServiceUnavailable, ecTooManyConns, "Too many authentication failures, try again in a minute")
		}
		// Before any password is checked: a login guessed from many
		// addresses is throttled as one.
		if s.g.authAccount.Blocked(login) {
			s.g.metrics.limitHits.WithLabelValues("auth_failures_per_account").Inc()
			s.closeSoon()
			return reply(codeServiceUnavailable, ecTooManyConns, "Too many authentication failures for this login, try again in a minute (limits: auth_failures_per_account = %d)", s.lv.cfg.Limits.AuthFailuresPerAccount)
		}
		p, err := s.lv.auth.check(login, password)
		if err != nil {
			s.g.metrics.authFailures.Inc()
			s.log.Warn("auth failed", "login", login)
			s.g.authAccount.Fail(login)
			if s.g.authFail.Fail(s.ip) {
				s.g.metrics.limitHits.WithLabelValues("auth_failures_per_minute").Inc()
				s.closeSoon()
				return reply(codeServiceUnavailable, ecTooManyConns, "Too many authentication failures, try again in a minute")
			}
			return reply(codeAuthFailed, ecAuthInvalid, "Authentication failed: wrong login or password")
		}
		s.g.metrics.authSuccesses.Inc()
		s.agent = p
		s.log = s.log.With("agent", p.Agent)
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(check), nil
	case sasl.Login:
		return &loginServer{auth: func(u, pw string) error { return check("", u, pw) }}, nil
	}
	return nil, reply(codeAuthFailed, smtp.EnhancedCode{5, 5, 4}, "Unsupported authentication mechanism")
}

// closeSoon drops the connection once the current reply had time to go out.
func (s *session) closeSoon() {
	time.AfterFunc(200*time.Millisecond, func() { s.conn.Conn().Close() })
}

// who is the transaction's sender: the agent, the trusted network, or an
// upstream's sender address.
func (s *session) who() *principal {
	if s.sender != nil {
		return s.sender
	}
	return s.principal()
}

// principal returns who is sending: the authenticated agent, else the
// trusted network, else nil.
func (s *session) principal() *principal {
	if s.agent != nil {
		return s.agent
	}
	return s.trusted
}

// Mail implements smtp.Session.
func (s *session) Mail(from string, opts *smtp.MailOptions) error {
	if s.g.draining.Load() {
		return reply(codeServiceUnavailable, ecShuttingDown, "Shutting down, try again later")
	}
	p := s.principal()
	if p == nil {
		// An upstream known by its client certificate's key.
		if st, isTLS := s.conn.TLSConnectionState(); isTLS {
			if u := upstreamByCert(s.lv.cfg, st.PeerCertificates); u != nil {
				s.agent = newUpstream(u)
				s.log = s.log.With("upstream", u.Name)
				p = s.agent
			}
		}
	}
	if p == nil {
		if _, isTLS := s.conn.TLSConnectionState(); !isTLS && s.g.tls != nil {
			return reply(codeAuthRequired, ecEncryptRequired, "Must issue STARTTLS and AUTH first")
		}
		return reply(codeAuthRequired, ecAuthRequired, "Authentication required")
	}
	if from == "" || !p.mayUse(from) {
		s.log.Warn("sender refused", "from", from)
		return reply(codeMailboxUnavailable, ecPolicy, "Sender <%s> refused: you may only send as your own addresses", from)
	}
	s.sender = p.sender(from)
	s.startTransaction(from, opts)
	return nil
}

// Rcpt implements smtp.Session.
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !plainAddress(to) {
		// Two '@', a quoted local part, spaces: another MTA may read it
		// otherwise than the gateway did.
		s.log.Warn("ambiguous recipient refused", "rcpt", to)
		return reply(codeSyntaxParams, ecBadDestSyntax, "Recipient <%s> refused: only a plain address (letters, digits, dots, one @) at an Amazon relay domain is accepted", to)
	}
	at := strings.LastIndexByte(to, '@')
	if at < 0 || !s.lv.rcptDomains[strings.ToLower(to[at+1:])] {
		s.log.Warn("recipient refused", "rcpt", to)
		return reply(codeMailboxUnavailable, ecPolicy, "Recipient <%s> refused: sellergate only delivers to Amazon's anonymized buyer addresses (...@marketplace.amazon.*)", to)
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

// Reset implements smtp.Session. go-smtp calls it after the reply to DATA
// went out, so from here the session may be closed by a draining gateway.
func (s *session) Reset() {
	s.from, s.rcpts, s.utf8, s.sender = "", nil, false, nil
	s.busy.Store(false)
}

// Logout implements smtp.Session.
func (s *session) Logout() error {
	s.busy.Store(false)
	s.g.mu.Lock()
	delete(s.g.sessions, s)
	s.g.mu.Unlock()
	s.g.metrics.sessions.WithLabelValues(s.kind).Dec()
	return nil
}

// readData spools the message with the data timeout applied.
func (s *session) readData(r io.Reader) (*spool.Spool, error) {
	s.conn.Conn().SetReadDeadline(time.Now().Add(s.lv.cfg.Limits.DataTimeout))
	sp := spool.New(int64(s.lv.cfg.Limits.SpoolMemory), s.lv.cfg.Limits.SpoolDir)
	if _, err := sp.ReadFrom(r); err != nil {
		sp.Close()
		if errors.Is(err, smtp.ErrDataTooLarge) {
			s.g.metrics.limitHits.WithLabelValues("max_message_size").Inc()
			return nil, reply(codeExceededStorage, ecTooBig, "Message too big (limits: max_message_size = %d bytes)", s.lv.cfg.Limits.MaxMessageSize)
		}
		// The client went away, was too slow, or the disk is full: nothing
		// is relayed, and the connection closes after the reply: what the
		// client still sends must not be read as commands.
		s.closeAfter(reply(codeLocalError, ecSystem, "Message not received completely, nothing was sent; closing the connection"))
		return nil, &ReplyError{Reply: reply(codeLocalError, ecSystem, "Message not received completely, nothing was sent"), Cause: err}
	}
	s.g.metrics.messageBytes.Observe(float64(sp.Size()))
	return sp, nil
}

// Data implements smtp.Session: the whole outgoing flow.
func (s *session) Data(r io.Reader) error {
	err := s.data(r)
	class := "2xx"
	if err != nil {
		var se *smtp.SMTPError
		if errors.As(wireError(err), &se) && se.Code/100 != 2 {
			class = fmt.Sprintf("%dxx", se.Code/100)
		}
		var re *ReplyError
		if errors.As(err, &re) && re.Cause != nil {
			s.log.Error("message failed", "err", err)
		}
		err = wireError(err)
	}
	s.g.metrics.replies.WithLabelValues(class).Inc()
	return err
}

// record builds the message record common to every outcome.
func (s *session) record(qid string, m *filter.Message, v filter.Verdict, sp *spool.Spool) *store.Record {
	rec := &store.Record{
		Time: s.g.now(), Kind: store.KindMessage, QueueID: qid, Direction: store.Outbound,
		Agent: s.who().Agent, MailFrom: s.from, Rcpt: append([]string(nil), s.rcpts...),
		MessageID: m.MessageID, Subject: m.Subject, From: m.Header.Get("From"),
		Verdict: v.Action.String(),
	}
	if len(s.rcpts) > 0 {
		rec.Buyer = strings.ToLower(s.rcpts[0])
	}
	if len(m.OrderIDs) > 0 {
		rec.OrderID = m.OrderIDs[0]
	}
	for _, x := range v.Violations {
		rec.Violations = append(rec.Violations, store.Violation{
			Rule: x.Rule, Category: x.Category, Excerpt: x.Excerpt, Where: x.Where, Action: x.Action.String(),
		})
	}
	return rec
}

// append makes rec durable or returns the 451 the client gets.
func (s *session) append(rec *store.Record) error { return s.appendWith(s.g.store.Append, rec) }

// appendWith records rec with the store's Append or AppendOrdered.
func (s *session) appendWith(add func(context.Context, *store.Record) error, rec *store.Record) error {
	start := time.Now()
	ctx, cancel := s.g.storeCtx()
	defer cancel()
	err := add(ctx, rec)
	s.g.metrics.storeSeconds.Observe(time.Since(start).Seconds())
	if err != nil {
		s.g.metrics.storeErrors.Inc()
		return &ReplyError{
			Reply: reply(codeLocalError, ecSystem, "Cannot record the message right now, nothing was sent; try again later [%s]", rec.QueueID),
			Cause: fmt.Errorf("store: %w", err),
		}
	}
	return nil
}

// outcome is the status and reply text a delivery record keeps.
func outcome(hopReply string, derr error) (status, text string) {
	var de *DeliveryError
	switch {
	case derr == nil:
		return store.StatusRelayed, hopReply
	case errors.As(derr, &de) && de.Permanent:
		return store.StatusPermFail, de.Error()
	}
	return store.StatusTempFail, derr.Error()
}

// startTransaction is MAIL's common part for both listeners.
func (s *session) startTransaction(from string, opts *smtp.MailOptions) {
	s.busy.Store(true)
	s.from = from
	s.utf8 = opts != nil && opts.UTF8
}

// deliveryReply passes the next hop's answer back to the agent.
func deliveryReply(qid string, err error) error {
	var de *DeliveryError
	if !errors.As(err, &de) {
		return reply(codeLocalError, ecNextHop, "Next hop unavailable, nothing was sent; try again later [%s]", qid)
	}
	if de.Permanent {
		ec := de.EnhancedCode
		if ec == smtp.NoEnhancedCode || ec == smtp.EnhancedCodeNotSet || ec[0] != 5 {
			ec = smtp.EnhancedCode{5, 0, 0}
		}
		return reply(de.Code, ec, "Next hop refused the message [%s]: %s", qid, clip(oneLine(de.Message), 400))
	}
	if de.Code/100 == 4 {
		ec := de.EnhancedCode
		if ec == smtp.NoEnhancedCode || ec == smtp.EnhancedCodeNotSet || ec[0] != 4 {
			ec = ecNextHop
		}
		return reply(de.Code, ec, "Next hop deferred the message, nothing was sent; try again later [%s]: %s", qid, clip(oneLine(de.Message), 400))
	}
	// Why the connection failed names the next hop's address: it is in
	// the log and the trail (under the queue ID), not in the agent's reply.
	ec, why := ecNextHop, "cannot be reached"
	if errors.Is(de.Err, context.DeadlineExceeded) {
		ec, why = ecNextHopTimeout, "did not answer in time"
	}
	return reply(codeLocalError, ec, "Next hop %s, nothing was sent; try again later [%s]", why, qid)
}

func domainOf(addr string) string {
	return strings.ToLower(addr[strings.LastIndexByte(addr, '@')+1:])
}

// oneLine makes text safe for one SMTP reply line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// summaryTag in a subject marks the closing summary of an off-Amazon
// exception; the gateway removes it before relaying.
const summaryTag = "[summary]"

// usedException reports whether the verdict let something pass only
// because of the thread's open exception.
func usedException(v filter.Verdict) bool {
	for _, x := range v.Violations {
		if x.Rule == filter.RuleExceptionUsed {
			return true
		}
	}
	return false
}

// removeSubjectTag removes tag (any case) from the Subject field of the
// message header, leaving every other byte as it was.
func removeSubjectTag(raw []byte, tag string) []byte {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		end = len(raw)
	}
	lower := bytes.ToLower(raw[:end])
	start := bytes.Index(lower, []byte("\nsubject:"))
	if start < 0 && bytes.HasPrefix(lower, []byte("subject:")) {
		start = -1
	} else if start < 0 {
		return raw
	}
	lineEnd := bytes.Index(lower[start+1:], []byte("\r\n"))
	if lineEnd < 0 {
		lineEnd = len(lower) - start - 1
	}
	i := bytes.Index(lower[start+1:start+1+lineEnd], []byte(tag))
	if i < 0 {
		return raw
	}
	i += start + 1
	j := i + len(tag)
	if i > 0 && raw[i-1] == ' ' {
		i--
	} else if j < len(raw) && raw[j] == ' ' {
		j++
	}
	out := make([]byte, 0, len(raw))
	out = append(out, raw[:i]...)
	return append(out, raw[j:]...)
}

// buyerLookupTimeout bounds the look-up of the buyer message a reply
// answers; past it the reply is checked without it.
const buyerLookupTimeout = 2 * time.Second

// buyerText returns the text of the buyer message the reply m answers, ""
// when none is on record: the first Amazon relay recipient's newest
// verified message about the reply's order. Without it the policy tells
// the buyer's words by the quote's structure, so a failed look-up costs
// judgment, never safety. none reports that the trail holds no such
// message at all (not one whose body was purged, not a failed look-up):
// the thread then has no SLA clock for the reply to stop, since only a
// verified buyer message starts one.
func (s *session) buyerText(m *filter.Message, log *slog.Logger) (text string, none bool) {
	g := s.g
	if g.buyerMsgs == nil {
		return "", false
	}
	buyer := ""
	for _, r := range s.rcpts {
		if marketplace.IsRelayAddress(r) {
			buyer = r
			break
		}
	}
	if buyer == "" {
		return "", false
	}
	order := ""
	if len(m.OrderIDs) > 0 {
		order = m.OrderIDs[0]
	}
	ctx, cancel := context.WithTimeout(context.Background(), buyerLookupTimeout)
	defer cancel()
	raw, err := g.buyerMsgs.LatestBuyerMessage(ctx, buyer, order)
	if err != nil {
		if !errors.Is(err, store.ErrNoBuyerMessage) {
			log.Warn("buyer message look-up failed; quotes judged by their structure", "err", err)
		}
		// The record's thread is the first recipient's: only its answer
		// speaks for the clock.
		none = errors.Is(err, store.ErrNoBuyerMessage) && !errors.Is(err, store.ErrBuyerBodyGone) && strings.EqualFold(buyer, s.rcpts[0])
		return "", none
	}
	bm, err := filter.Parse(bytes.NewReader(raw))
	if err != nil {
		log.Warn("buyer message on record unreadable", "err", err)
		return "", false
	}
	return bm.Text(), false
}

// plainAddress reports whether addr is local@domain with a dot-atom local
// part (RFC 5322 atext and single dots) and a plain domain: nothing a next
// hop could read differently (a second '@', quotes, a route).
func plainAddress(addr string) bool {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") || len(addr) > 254 {
		return false
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		if !atext(local[i]) && local[i] != '.' {
			return false
		}
	}
	for i := 0; i < len(domain); i++ {
		c := domain[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// atext is RFC 5322's atext, ASCII only.
func atext(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// checkAuthor holds the message's author fields to the agent: exactly one
// From field with exactly one mailbox, and a Sender (if any), each one of
// the agent's own addresses. A second From, or a Sender naming someone
// else, would let a client show another author than the one checked.
func (s *session) checkAuthor(m *filter.Message, p *principal, qid string, log *slog.Logger) error {
	froms := m.Header.Values("From")
	switch {
	case len(froms) == 0 || len(m.From) == 0:
		return reply(codeMailboxUnavailable, ecBadSender, "Message refused: it has no From header [%s]", qid)
	case len(froms) > 1 || len(m.From) > 1:
		log.Warn("several authors refused", "from", froms)
		return reply(codeMailboxUnavailable, ecBadSender, "Message refused: it must have exactly one From header with one address [%s]", qid)
	case !p.mayUse(m.From[0].Address):
		log.Warn("From header refused", "from", m.From[0].Address)
		return reply(codeMailboxUnavailable, ecPolicy, "From: <%s> refused: you may only send as your own addresses [%s]", m.From[0].Address, qid)
	}
	senders := m.Header.Values("Sender")
	if len(senders) == 0 {
		return nil
	}
	sender, err := m.Header.AddressList("Sender")
	if len(senders) > 1 || err != nil || len(sender) != 1 || !p.mayUse(sender[0].Address) {
		log.Warn("Sender header refused", "sender", senders)
		return reply(codeMailboxUnavailable, ecPolicy, "Sender: %s refused: it must be one of your own addresses [%s]", strings.Join(senders, ", "), qid)
	}
	return nil
}

// closeAfter writes r on the connection itself and closes it: go-smtp
// would answer and then read on, taking the rest of an interrupted DATA
// for commands.
func (s *session) closeAfter(r *smtp.SMTPError) {
	nc := s.conn.Conn()
	nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(nc, "%d %d.%d.%d %s\r\n", r.Code, r.EnhancedCode[0], r.EnhancedCode[1], r.EnhancedCode[2], r.Message)
	nc.Close()
}
