package gateway

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/quarantine"
	"github.com/sellergate/sellergate/spool"
	"github.com/sellergate/sellergate/store"
)

// outbound is one outgoing message's transaction, in named steps: admit
// (read, parse, the sender), judge (the thread's exception, the buyer
// message, the verdict), refuse or hold, reserve (the daily cap), prepare
// (rewrite, canonical form, signature), commit and relay, after (SLA and
// exception events). Each step returns the SMTP error it stands for; the
// first one ends the transaction, and nothing is relayed unless every
// step before commit and relay passed.
type outbound struct {
	s   *session
	g   *Gateway
	p   *principal
	sp  *spool.Spool
	qid string
	log *slog.Logger

	m         *filter.Message
	verdict   filter.Verdict
	rec       *store.Record
	isSummary bool
	// appealed: the agent appeals a refusal (the tag in the subject),
	// for reason.
	appealed bool
	reason   string
	// textNote marks the record with the digest of the message's text.
	textNote string
	// noBuyerMessage: the trail holds no buyer message for the reply's
	// thread when it was checked, so no SLA clock runs for it to stop.
	noBuyerMessage bool

	// What goes out: the prefix (the signature) and the body, canonical.
	sig  []byte
	body func() io.Reader
	size int64
}

// data runs the outbound transaction for the message in r.
func (s *session) data(r io.Reader) error {
	sp, err := s.readData(r)
	if err != nil {
		return err
	}
	defer sp.Close()
	if sp.OnDisk() {
		s.g.large <- struct{}{}
		defer func() { <-s.g.large }()
	}
	qid := newQueueID()
	t := &outbound{s: s, g: s.g, p: s.who(), sp: sp, qid: qid, log: s.log.With("queue", qid)}
	if err := t.admit(); err != nil {
		return err
	}
	if err := t.judge(); err != nil {
		return err
	}
	if t.verdict.Refused() && !t.verdict.Monitor {
		if t.appealed {
			return t.holdAppeal(t.reason)
		}
		return t.refuseOrHold()
	}
	done, err := t.reserve()
	if err != nil {
		return err
	}
	sent := false
	defer func() { done(sent) }()
	if err := t.prepare(); err != nil {
		return err
	}
	hopReply, err := t.commitAndRelay()
	if err != nil {
		return err
	}
	sent = true
	t.after()
	return reply(codeOK, ecOK, "Relayed [%s]: %s", qid, oneLine(hopReply))
}

// admit parses the message and holds its author to the agent.
func (t *outbound) admit() error {
	m, err := filter.Parse(t.sp.Reader())
	if err != nil {
		t.log.Warn("unreadable message", "err", err)
		return reply(codeTransactionFailed, smtp.EnhancedCode{5, 6, 0}, "Message refused: its header cannot be read (%s) [%s]", oneLine(err.Error()), t.qid)
	}
	t.m = m
	// A message that went round too many hops is in a loop (an upstream
	// routing Amazon-bound mail back to itself through the gateway).
	if n := len(m.Header.Values("Received")); n > maxReceived {
		t.log.Warn("mail loop refused", "received", n)
		return reply(codeTransactionFailed, smtp.EnhancedCode{5, 4, 6}, "Message refused: %d Received headers, a mail loop (at most %d) [%s]", n, maxReceived, t.qid)
	}
	return t.s.checkAuthor(m, t.p, t.qid, t.log)
}

// maxReceived is how many hops a message may have taken (Postfix's
// hopcount_limit is 50; a loop shows long before).
const maxReceived = 30

// judge checks the message against the policy, with the thread's live
// off-Amazon exception, the buyer message it answers and what the trail
// says of the thread, and builds its record.
func (t *outbound) judge() error {
	s, g := t.s, t.g
	env := filter.Envelope{MailFrom: s.from, Rcpt: s.rcpts, Agent: t.p.Agent, Language: t.p.Language}
	// While an exception is open its channel may be named; once the
	// conversation left, a message tagged [summary] is the closing summary.
	switch state, kind := t.exception(); state {
	case store.ExceptionOpen:
		env.Exception = kind
	case store.ExceptionSummaryPending:
		t.isSummary = strings.Contains(strings.ToLower(t.m.Subject), summaryTag)
	}
	env.BuyerText, t.noBuyerMessage = s.buyerText(t.m, t.log)
	if t.reason, t.appealed = t.appeal(); t.appealed {
		t.dropReasonLine()
	}
	facts, err := t.threadFacts()
	if err != nil {
		return err
	}
	env.Thread = facts
	t.verdict = s.lv.checker.Check(t.m, env)
	for _, v := range t.verdict.Violations {
		g.metrics.violations.WithLabelValues(v.Category, v.Rule, v.Action.String()).Inc()
	}
	t.rec = s.record(t.qid, t.m, t.verdict, t.sp)
	t.rec.Note = t.textNote
	return nil
}

// threadFacts asks the trail whether the message starts the conversation
// and how many review requests its order had; nil when the proactive
// rules are off. A trail that cannot answer gets the message a 451: the
// rules do not silently lapse.
func (t *outbound) threadFacts() (*filter.ThreadFacts, error) {
	window, on := t.s.lv.checker.ProactiveWindow()
	if t.g.facts == nil || !on || len(t.s.rcpts) == 0 {
		return nil, nil
	}
	order := ""
	if len(t.m.OrderIDs) > 0 {
		order = t.m.OrderIDs[0]
	}
	t.textNote = store.TextNote(t.m.TextDigest())
	ctx, cancel := t.g.storeCtx()
	defer cancel()
	f, err := t.g.facts.ThreadFacts(ctx, t.s.rcpts[0], order, t.textNote, t.g.now().Add(-window))
	if err != nil {
		return nil, &ReplyError{Reply: reply(codeLocalError, ecSystem, "Cannot read the thread's history, try again later [%s]", t.qid), Cause: err}
	}
	return &filter.ThreadFacts{Proactive: !f.BuyerWrote, ReviewRequests: f.ReviewRequests, OptedOut: f.OptedOut,
		RepeatedText: f.SameTextToday > 0}, nil
}

// exception returns the state and kind of the thread's live exception,
// when the protocol runs.
func (t *outbound) exception() (state, kind string) {
	g, s := t.g, t.s
	if g.exceptions == nil || g.threads == nil || len(s.rcpts) == 0 || !s.lv.checker.ExceptionsEnabled() {
		return "", ""
	}
	order := ""
	if len(t.m.OrderIDs) > 0 {
		order = t.m.OrderIDs[0]
	}
	ctx, cancel := g.storeCtx()
	defer cancel()
	thread, err := g.threads.ThreadFor(ctx, s.rcpts[0], order)
	if err != nil {
		return "", ""
	}
	kind, state = g.exceptions.LiveException(ctx, thread)
	return state, kind
}

// refuseOrHold records a refused or quarantined message with its bytes
// and answers: 550 naming each finding, or 250 "held for review".
func (t *outbound) refuseOrHold() error {
	g, rec, v := t.g, t.rec, t.verdict
	rec.Raw = t.sp.Reader()
	rec.Size, rec.SHA256 = t.sp.Size(), t.sp.SHA256()
	rec.Status = store.StatusRefused
	if v.Action == filter.Quarantine {
		rec.Status = store.StatusQuarantined
	}
	if err := t.s.append(rec); err != nil {
		return err
	}
	ctx, cancel := g.storeCtx()
	defer cancel()
	if g.activity != nil {
		if err := g.activity.AgentActivity(ctx, rec); err != nil {
			t.log.Error("SLA agent activity", "err", err)
		}
	}
	g.metrics.messages.WithLabelValues("out", v.Action.String(), rec.Status).Inc()
	g.metrics.refusals.WithLabelValues(t.p.Agent).Inc()
	t.log.Info("message "+rec.Status, "problems", len(v.Problems()), "findings", len(v.Violations), "rcpt", t.s.rcpts)
	if v.Action == filter.Quarantine {
		if g.held != nil {
			g.held(rec)
		}
		return reply(codeOK, ecOK, "Held for review by the messaging policy, not sent yet [%s]", t.qid)
	}
	left, waiting := g.sla.TimeLeft(ctx, rec.Thread)
	return refusal(t.qid, v, left, waiting)
}

// appeal reports whether the agent appeals a refusal (the appeal tag in
// the subject) and the reason it gave, if any: a first line of the text
// "Reason: …" (or Grund, Raison, Motivo, 理由, Why).
func (t *outbound) appeal() (reason string, ok bool) {
	tag := t.s.lv.cfg.AppealTag
	if tag == "" || !strings.Contains(strings.ToLower(t.m.Subject), strings.ToLower(tag)) {
		return "", false
	}
	for _, tp := range t.m.Texts {
		for _, l := range tp.Lines {
			if strings.TrimSpace(l.Text) == "" {
				continue
			}
			if r, ok := quarantine.AppealReason(l.Text); ok {
				return r, true
			}
			return "", true
		}
	}
	return "", true
}

// dropReasonLine keeps an appeal's reason line out of the judgment: it
// is the agent's note to the admin, removed before the message is ever
// relayed, and must not make the message look compliant ("the number is
// the manufacturer's").
func (t *outbound) dropReasonLine() {
	for i := range t.m.Texts {
		lines := t.m.Texts[i].Lines
		for j, l := range lines {
			if strings.TrimSpace(l.Text) == "" {
				continue
			}
			if _, ok := quarantine.AppealReason(l.Text); ok {
				lines[j].Text = ""
			}
			break
		}
	}
}

// holdAppeal holds an appealed message for an admin's review with the
// findings it would have been refused for and the agent's reason.
func (t *outbound) holdAppeal(reason string) error {
	g, rec := t.g, t.rec
	rec.Raw = t.sp.Reader()
	rec.Size, rec.SHA256 = t.sp.Size(), t.sp.SHA256()
	rec.Status = store.StatusQuarantined
	rec.Note = quarantine.AppealNote + reason
	if err := t.s.append(rec); err != nil {
		return err
	}
	g.metrics.appeals.WithLabelValues("held").Inc()
	g.metrics.messages.WithLabelValues("out", "appeal", rec.Status).Inc()
	t.log.Info("appeal held for review", "violations", len(t.verdict.Violations), "reason", reason)
	if g.held != nil {
		g.held(rec)
	}
	return reply(codeOK, ecOK, "Appeal held for review by an admin, not sent yet [%s]", t.qid)
}

// reserve takes a place under the account's daily cap; done(sent) gives
// it back or counts it.
func (t *outbound) reserve() (done func(sent bool), err error) {
	g, account := t.g, t.p.Account
	limit := 0
	if acct := t.s.lv.cfg.Account(account); acct != nil {
		limit = acct.DailyLimit
	}
	if g.allowance != nil && limit > 0 {
		return t.reserveShared(account, limit)
	}
	if !g.daily.reserve(account, limit) {
		g.metrics.limitHits.WithLabelValues("daily_limit").Inc()
		return nil, reply(codeInsufficientStorage, ecTempPolicy, "Daily message limit reached for account %s (accounts: daily_limit = %d), try again tomorrow [%s]", account, limit, t.qid)
	}
	return func(sent bool) {
		if sent {
			g.daily.sent(account)
		} else {
			g.daily.release(account)
		}
	}, nil
}

// reserveShared takes a place under the account's daily cap in the store
// the gateways share; a store that cannot answer is a 451, never a pass.
func (t *outbound) reserveShared(account string, limit int) (done func(sent bool), err error) {
	g := t.g
	day := g.now().UTC().Format(time.DateOnly)
	ctx, cancel := g.storeCtx()
	defer cancel()
	ok, rerr := g.allowance.Reserve(ctx, account, day, limit)
	if rerr != nil {
		return nil, &ReplyError{Reply: reply(codeLocalError, ecSystem, "Cannot check the daily message limit right now, nothing was sent; try again later [%s]", t.qid), Cause: rerr}
	}
	if !ok {
		g.metrics.limitHits.WithLabelValues("daily_limit").Inc()
		return nil, reply(codeInsufficientStorage, ecTempPolicy, "Daily message limit reached for account %s (accounts: daily_limit = %d), try again tomorrow [%s]", account, limit, t.qid)
	}
	return func(sent bool) {
		if sent {
			return
		}
		ctx, cancel := g.storeCtx()
		defer cancel()
		if err := g.allowance.Release(ctx, account, day); err != nil {
			g.log.Warn("giving back a place under the daily limit", "account", account, "queue", t.qid, "err", err)
		}
	}, nil
}

// prepare makes what goes out: the message, rewritten when the policy
// stripped something or a summary tag goes, in canonical form (CRLF, no
// NUL), signed for its From domain.
func (t *outbound) prepare() error {
	t.body = func() io.Reader { return canonical(t.sp.Reader()) }
	size, err := canonicalSize(t.sp.Reader())
	if err != nil {
		return &ReplyError{Reply: reply(codeLocalError, ecSystem, "Cannot read the spooled message, try again later [%s]", t.qid), Cause: err}
	}
	t.size = size
	rewritten, err := t.rewrite()
	if err != nil {
		return err
	}
	if rewritten != nil {
		rewritten, _ = io.ReadAll(canonical(bytes.NewReader(rewritten)))
		t.body = func() io.Reader { return bytes.NewReader(rewritten) }
		t.size = int64(len(rewritten))
	}
	t.sig, err = t.s.lv.signer.Sign(domainOf(t.m.From[0].Address), t.body())
	if err != nil {
		return &ReplyError{Reply: reply(codeLocalError, ecSystem, "Cannot sign the message, try again later [%s]", t.qid), Cause: err}
	}
	// The store computes size and SHA-256 while it compresses the body.
	t.rec.Raw = io.MultiReader(bytes.NewReader(t.sig), t.body())
	t.rec.Size = int64(len(t.sig)) + t.size
	t.rec.Status = store.StatusAccepted
	return nil
}

// rewrite returns the message as it must go out when it changes (remote
// images stripped, the summary tag removed), nil when it goes as received.
func (t *outbound) rewrite() ([]byte, error) {
	rewritten := t.verdict.Rewritten
	if t.verdict.Action == filter.Strip && !t.verdict.Monitor {
		raw, err := io.ReadAll(t.sp.Reader())
		if err == nil {
			rewritten, err = filter.StripRemote(raw)
		}
		if err != nil {
			// What cannot be stripped is not sent.
			t.log.Warn("strip failed", "err", err)
			return nil, reply(codeMailboxUnavailable, ecPolicy, "Message refused: its remote images could not be removed (%s); attach images instead [%s]", oneLine(err.Error()), t.qid)
		}
	}
	if t.isSummary {
		// The tag is sellergate's marker, not the buyer's business.
		raw := rewritten
		if raw == nil {
			raw, _ = io.ReadAll(t.sp.Reader())
		}
		rewritten = removeSubjectTag(raw, summaryTag)
	}
	return rewritten, nil
}

// commitAndRelay commits the message's record while the message streams
// to the next hop (the final dot waits for the commit, so the next hop
// never accepts a message the trail does not hold, and the two latencies
// overlap), then records the next hop's reply: the 250 waits for that
// record, whose commit is forced to disk and takes the first with it.
// (Until then a crash of the process loses nothing; a power loss could
// lose the record of a message the agent was not told was sent, and
// resends.)
func (t *outbound) commitAndRelay() (hopReply string, err error) {
	g, s, rec := t.g, t.s, t.rec
	recorded := make(chan error, 1)
	go func() { recorded <- s.appendWith(g.store.AppendOrdered, rec) }()
	var recErr error
	var once sync.Once
	waitRecorded := func() error {
		once.Do(func() { recErr = <-recorded })
		return recErr
	}
	d := &Delivery{
		QueueID: t.qid, From: s.from, To: s.rcpts, Prefix: t.sig, Body: t.body(), Size: int64(len(t.sig)) + t.size,
		UTF8: s.utf8, BeforeCommit: waitRecorded,
	}
	return s.relayAndRecord(g.relay, d, rec, waitRecorded, t.verdict.Action.String(), t.log)
}

// relayAndRecord delivers d to the next hop and records its reply after
// rec, in both directions: outbound after its record committed
// (waitRecorded), inbound after its record was appended (nil). The
// next hop's failure becomes the client's reply; the record of it a log
// line at worst.
func (s *session) relayAndRecord(relay Relay, d *Delivery, rec *store.Record, waitRecorded func() error, verdict string, log *slog.Logger) (string, error) {
	g := s.g
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), g.cfg.Relay.Timeout)
	defer cancel()
	hopReply, derr := relay.Deliver(ctx, d)
	if waitRecorded != nil {
		if err := waitRecorded(); err != nil {
			return "", err // cut before the final dot: the next hop has nothing
		}
	}
	elapsed := time.Since(start)
	out := &store.Record{
		Time: g.now(), Kind: store.KindDelivery, QueueID: d.QueueID, Direction: rec.Direction,
		Agent: rec.Agent, MailFrom: rec.MailFrom, Rcpt: rec.Rcpt, MessageID: rec.MessageID,
		Buyer: rec.Buyer, OrderID: rec.OrderID, Thread: rec.Thread, Verdict: rec.Verdict,
	}
	out.Status, out.Reply = outcome(hopReply, derr)
	g.metrics.relaySeconds.WithLabelValues(out.Status).Observe(elapsed.Seconds())
	if err := s.append(out); err != nil && derr != nil {
		// Nothing was sent and the outcome cannot be recorded: the client
		// tries again either way.
		log.Error("recording delivery failure", "err", err)
	} else if err != nil {
		// The next hop has the message and its record is committed: the
		// client is told, so that the message does not go twice.
		log.Error("recording delivery outcome", "err", err)
	}
	g.metrics.messages.WithLabelValues(string(rec.Direction), verdict, out.Status).Inc()
	log.Info("message "+out.Status, "direction", rec.Direction, "rcpt", d.To, "size", rec.Size, "verdict", verdict,
		"relay_ms", elapsed.Milliseconds(), "reply", oneLine(out.Reply))
	if derr != nil {
		return "", deliveryReply(d.QueueID, derr)
	}
	return hopReply, nil
}

// after tells the SLA clock and the exception protocol that the reply went
// out; their failures are logged, the message is sent either way. A reply
// to a thread without a buyer message on record (a proactive message, a
// thread whose buyer message never came through the gateway) has no clock
// to stop: the store is not asked again.
func (t *outbound) after() {
	g := t.g
	ctx, cancel := g.storeCtx()
	defer cancel()
	if !t.noBuyerMessage {
		if err := g.sla.ReplyRelayed(ctx, t.rec); err != nil {
			t.log.Error("SLA event", "err", err)
		}
	}
	if g.exceptions == nil {
		return
	}
	var err error
	switch {
	case usedException(t.verdict):
		err = g.exceptions.ExceptionMessageSent(ctx, t.rec)
	case t.isSummary:
		err = g.exceptions.ExceptionSummarySent(ctx, t.rec)
	}
	if err != nil {
		t.log.Error("exception step", "err", err)
	}
}
