package gateway

import (
	"errors"
	"github.com/sellergate/sellergate/spool"
	"io"
	"log/slog"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-smtp"

	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/marketplace"
	"github.com/sellergate/sellergate/store"
)

// inboundSession receives mail from Amazon for the seller's own domains:
// it records every message, reports verified buyer messages to the SLA
// seam, and forwards to the seller's mailbox (or only records, in copy mode).
type inboundSession struct {
	*session
}

// Mail implements smtp.Session: any sender, the content decides.
func (s *inboundSession) Mail(from string, opts *smtp.MailOptions) error {
	if s.g.draining.Load() {
		return reply(codeServiceUnavailable, ecShuttingDown, "Shutting down, try again later")
	}
	s.startTransaction(from, opts)
	return nil
}

// Rcpt implements smtp.Session: only the seller's own domains.
func (s *inboundSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	at := strings.LastIndexByte(to, '@')
	if at < 0 || !s.g.ownDomains[strings.ToLower(to[at+1:])] {
		return reply(codeMailboxUnavailable, ecPolicy, "Recipient <%s> refused: relay access denied", to)
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

// Data implements smtp.Session.
func (s *inboundSession) Data(r io.Reader) error {
	err := s.data(r)
	if err != nil {
		var re *ReplyError
		if errors.As(err, &re) && re.Cause != nil {
			s.log.Error("inbound message failed", "err", err)
		}
		return wireError(err)
	}
	return nil
}

func (s *inboundSession) data(r io.Reader) error {
	g := s.g
	sp, err := s.readData(r)
	if err != nil {
		return err
	}
	defer sp.Close()
	qid := newQueueID()
	log := s.log.With("queue", qid)
	m, err := filter.Parse(sp.Reader())
	if err != nil {
		return reply(codeTransactionFailed, smtp.EnhancedCode{5, 6, 0}, "Message refused: its header cannot be read [%s]", qid)
	}
	rec := s.record(qid, m, sp)
	if err := s.append(rec); err != nil {
		return err
	}
	s.noteOptOut(m, sp, log)
	verified := rec.Verdict == "buyer"
	if verified {
		ctx, cancel := g.storeCtx()
		defer cancel()
		if err := g.sla.BuyerMessage(ctx, rec); err != nil {
			log.Error("SLA event", "err", err)
		}
	}
	if g.cfg.Inbound.Mode == "copy" {
		g.metrics.messages.WithLabelValues("in", rec.Verdict, rec.Status).Inc()
		log.Info("inbound message recorded", "buyer", rec.Buyer, "verified", verified)
		return reply(codeOK, ecOK, "Recorded [%s]", qid)
	}
	return s.forward(qid, rec, sp, log)
}

// record is an inbound message's record: the buyer (an Amazon relay
// address in From) and whether Amazon's signature vouches for it.
func (s *inboundSession) record(qid string, m *filter.Message, sp *spool.Spool) *store.Record {
	g := s.g
	rec := &store.Record{
		Time: g.now(), Kind: store.KindMessage, QueueID: qid, Direction: store.Inbound,
		MailFrom: s.from, Rcpt: append([]string(nil), s.rcpts...), MessageID: m.MessageID,
		Subject: m.Subject, From: m.Header.Get("From"), Raw: sp.Reader(), Size: sp.Size(), SHA256: sp.SHA256(),
		Verdict: "unverified", Status: store.StatusAccepted,
	}
	if len(m.OrderIDs) > 0 {
		rec.OrderID = m.OrderIDs[0]
	}
	for _, a := range m.From {
		if marketplace.IsRelayAddress(a.Address) {
			rec.Buyer = strings.ToLower(a.Address)
		}
	}
	if rec.Buyer != "" && g.amazonSigned(sp.Reader()) {
		rec.Verdict = "buyer"
	}
	if g.cfg.Inbound.Mode == "copy" {
		rec.Status = store.StatusRecorded
	}
	return rec
}

// forward relays an inbound message to the seller's mailbox, in canonical
// form like outbound mail, and records the next hop's reply.
func (s *inboundSession) forward(qid string, rec *store.Record, sp *spool.Spool, log *slog.Logger) error {
	size, err := canonicalSize(sp.Reader())
	if err != nil {
		return &ReplyError{Reply: reply(codeLocalError, ecSystem, "Cannot read the spooled message, try again later [%s]", qid), Cause: err}
	}
	d := &Delivery{QueueID: qid, From: s.from, To: s.rcpts, Body: canonical(sp.Reader()), Size: size, UTF8: s.utf8}
	if _, err := s.relayAndRecord(s.g.inboundRelay, d, rec, nil, rec.Verdict, log); err != nil {
		return err
	}
	return reply(codeOK, ecOK, "Delivered [%s]", qid)
}

// amazonSigned reports whether the message carries a valid DKIM signature
// whose d= is one of Amazon's domains (or a configured trusted domain).
func (g *Gateway) amazonSigned(r io.Reader) bool {
	opts := &dkim.VerifyOptions{LookupTXT: g.lookup, MaxVerifications: 5}
	vs, err := dkim.VerifyWithOptions(r, opts)
	if err != nil {
		return false
	}
	for _, v := range vs {
		if v.Err != nil {
			continue
		}
		d := strings.ToLower(v.Domain)
		for _, trusted := range g.amazonDKIM {
			t := strings.ToLower(trusted)
			if d == t || strings.HasSuffix(d, "."+t) {
				return true
			}
		}
	}
	return false
}

// noteOptOut records the buyers an Amazon notice says opted out of
// messages the seller starts (a message to them was not delivered). Only a
// notice Amazon signed counts.
func (s *inboundSession) noteOptOut(m *filter.Message, sp *spool.Spool, log *slog.Logger) {
	g := s.g
	text := m.Subject + "\n" + m.Text()
	if g.optOuts == nil || !marketplace.IsOptOutNotice(text) || !g.amazonSigned(sp.Reader()) {
		return
	}
	ctx, cancel := g.storeCtx()
	defer cancel()
	for _, buyer := range marketplace.RelayAddresses(text) {
		if err := g.optOuts.SetOptOut(ctx, buyer, true, "amazon", g.now()); err != nil {
			log.Error("recording an opt-out", "buyer", buyer, "err", err)
			continue
		}
		log.Info("buyer opted out of proactive messages", "buyer", buyer)
	}
}
