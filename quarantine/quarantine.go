// Package quarantine is the review of messages the policy held back: an
// admin lists and reads them, then releases (the delivery queue relays
// them) or rejects them (the agent is told why). Every decision is an
// audit record; the CLI and the admin API share this one implementation.
package quarantine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/emersion/go-message"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/sellergate/sellergate/queue"
	"github.com/sellergate/sellergate/store"
)

// KindDecision marks the audit record of a release or a rejection.
const KindDecision = store.KindDecision

// Meta keys on queued items.
const (
	MetaKind    = "kind"     // "release" or "notice"
	MetaQueueID = "queue_id" // the held message's queue id
)

// Service reviews held messages.
type Service struct {
	Store Store
	// AppealTag is removed from an appeal's subject, with the agent's
	// reason line, before it is relayed.
	AppealTag string
	// Appeals, when set, counts admins' decisions on appeals.
	Appeals func(decision string)
	Queue   *queue.Queue
	// From is the sender of notices to agents (postmaster@hostname).
	From string
	// Language, when set, is the language of the agent who sent a held
	// message, for the notices about it; nil means English.
	Language func(r *store.Record) string
	Now      func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) auditor() store.Auditor { return s.Store }

// Store is what held messages are kept in and read back from.
type Store interface {
	store.Store
	store.Auditor
	// ListHeld returns the held messages without a decision, oldest
	// first, without reading the rest of the trail.
	ListHeld(ctx context.Context) ([]*store.Record, error)
}

// Held is a message waiting for a decision.
type Held struct {
	*store.Record
}

// Appeal reports whether the agent appealed a refusal with this message;
// reason is what the agent gave.
func (h Held) Appeal() (reason string, ok bool) {
	if reason, ok = strings.CutPrefix(h.Note, AppealNote); !ok {
		return "", false
	}
	return reason, true
}

// AppealNote starts an appealed message's note (the gateway writes it).
const AppealNote = "appeal: "

// List returns the held messages without a decision, oldest first.
func (s *Service) List(ctx context.Context) ([]Held, error) {
	held, err := s.Store.ListHeld(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Held, len(held))
	for i, r := range held {
		out[i] = Held{r}
	}
	// Appeals first: an agent waits on each, with the buyer's clock running.
	slices.SortStableFunc(out, func(a, b Held) int {
		_, aa := a.Appeal()
		_, ba := b.Appeal()
		switch {
		case aa && !ba:
			return -1
		case ba && !aa:
			return 1
		}
		return 0
	})
	return out, nil
}

// ErrNotHeld says the queue id names no message waiting for a decision.
var ErrNotHeld = errors.New("no held message with that queue id (or it was decided already)")

func (s *Service) find(ctx context.Context, qid string) (*store.Record, error) {
	list, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, h := range list {
		if h.QueueID == qid {
			return h.Record, nil
		}
	}
	return nil, ErrNotHeld
}

// Show returns a held message and its raw bytes.
func (s *Service) Show(ctx context.Context, qid string) (*store.Record, []byte, error) {
	r, err := s.find(ctx, qid)
	if err != nil {
		return nil, nil, err
	}
	raw, err := s.auditor().Body(ctx, r.ID)
	return r, raw, err
}

// Release records the decision and queues the message for delivery; the
// delivery queue relays it (and the thread's SLA clock stops only then).
func (s *Service) Release(ctx context.Context, qid, by string) error {
	r, raw, err := s.Show(ctx, qid)
	if err != nil {
		return err
	}
	if err := s.Store.Append(ctx, &store.Record{Time: s.now(), Kind: KindDecision, QueueID: qid, Direction: store.Outbound,
		Agent: by, Buyer: r.Buyer, OrderID: r.OrderID, Thread: r.Thread, Status: "released", Note: "released by " + by}); err != nil {
		return err
	}
	if _, ok := (Held{r}).Appeal(); ok {
		raw = cleanAppeal(raw, s.AppealTag)
	}
	_, err = s.Queue.Enqueue(queue.Item{From: r.MailFrom, To: r.Rcpt, Meta: map[string]string{MetaKind: "release", MetaQueueID: qid}}, bytes.NewReader(raw))
	return err
}

// Reject records the decision and tells the agent why.
func (s *Service) Reject(ctx context.Context, qid, by, reason string) error {
	r, err := s.find(ctx, qid)
	if err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return errors.New("a rejection needs a reason for the agent")
	}
	if err := s.Store.Append(ctx, &store.Record{Time: s.now(), Kind: KindDecision, QueueID: qid, Direction: store.Outbound,
		Agent: by, Buyer: r.Buyer, OrderID: r.OrderID, Thread: r.Thread, Status: "rejected", Note: reason}); err != nil {
		return err
	}
	if _, ok := (Held{r}).Appeal(); ok && s.Appeals != nil {
		s.Appeals("rejected")
	}
	return s.Notify(r, NoticeRejected, reason)
}

func oneLine(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }

// SLAEvents is what the queue's outcome needs of the SLA tracker.
type SLAEvents interface {
	ReplyRelayed(ctx context.Context, rec *store.Record) error
}

// Delivered records that the next hop accepted a queued message; for a
// released reply it is only now that the thread's SLA clock stops.
func (s *Service) Delivered(ctx context.Context, sla SLAEvents, it *queue.Item, reply string) {
	if it.Meta[MetaKind] != "release" {
		return
	}
	if orig := s.original(ctx, it); orig != nil {
		if _, ok := (Held{orig}).Appeal(); ok && s.Appeals != nil {
			s.Appeals("released")
		}
		s.outcome(ctx, orig, store.StatusRelayed, reply)
		s.Notify(orig, NoticeReleased, "")
		r := *orig
		r.Time = s.now()
		if sla != nil {
			sla.ReplyRelayed(ctx, &r)
		}
	}
}

// Failed records that a queued message failed for good and tells the agent.
func (s *Service) Failed(ctx context.Context, it *queue.Item, err error) {
	if it.Meta[MetaKind] != "release" {
		return
	}
	if orig := s.original(ctx, it); orig != nil {
		s.outcome(ctx, orig, store.StatusPermFail, err.Error())
		s.Notify(orig, NoticeUndeliverable, err.Error())
	}
}

func (s *Service) original(ctx context.Context, it *queue.Item) *store.Record {
	recs, err := s.auditor().Search(ctx, store.Query{QueueID: it.Meta[MetaQueueID], Kind: store.KindMessage})
	if err != nil || len(recs) == 0 {
		return nil
	}
	return recs[0]
}

func (s *Service) outcome(ctx context.Context, orig *store.Record, status, reply string) {
	s.Store.Append(ctx, &store.Record{Time: s.now(), Kind: store.KindDelivery, QueueID: orig.QueueID, Direction: store.Outbound,
		Agent: orig.Agent, Buyer: orig.Buyer, OrderID: orig.OrderID, Thread: orig.Thread, Status: status, Reply: reply})
}

// cleanAppeal removes the appeal tag from the subject and the agent's
// reason line ("Reason: …") from the text (each text part of a MIME
// message): neither is the buyer's business. A message it cannot take
// apart keeps its body; the tag still goes.
func cleanAppeal(raw []byte, tag string) []byte {
	if tag == "" {
		tag = "[appeal]"
	}
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		return cleanRaw(raw, tag)
	}
	setSubjectWithoutTag(e.Header, tag)
	out, err := rewrite(e, false)
	if err == nil {
		return out
	}
	if e.MultipartReader() == nil {
		// go-message writes UTF-8 only: a Latin-1 or Shift_JIS message of
		// one part is edited as it stands.
		return cleanRaw(raw, tag)
	}
	// A multipart in Latin-1 or Shift_JIS: its text parts go out in
	// UTF-8, each without the reason line.
	if e, err = message.Read(bytes.NewReader(raw)); err == nil {
		setSubjectWithoutTag(e.Header, tag)
		if out, err := rewrite(e, true); err == nil {
			return out
		}
	}
	return cleanRaw(raw, tag)
}

// setSubjectWithoutTag removes the appeal tag from the subject, also
// from one written in encoded words.
func setSubjectWithoutTag(h message.Header, tag string) {
	subj, err := h.Text("Subject")
	if err != nil {
		subj = h.Get("Subject")
	}
	if k := strings.Index(strings.ToLower(subj), strings.ToLower(tag)); k >= 0 {
		h.SetText("Subject", strings.Join(strings.Fields(subj[:k]+subj[k+len(tag):]), " "))
	}
}

// rewrite writes e again without the reason line; toUTF8 re-encodes
// text parts of other charsets in UTF-8.
func rewrite(e *message.Entity, toUTF8 bool) ([]byte, error) {
	var out bytes.Buffer
	w, err := message.CreateWriter(&out, partHeader(e.Header, toUTF8))
	if err == nil {
		err = copyWithoutReason(w, e, toUTF8)
	}
	if err == nil {
		err = w.Close()
	}
	return out.Bytes(), err
}

// partHeader is a part's header as written again: with toUTF8, a text
// part in another charset is declared UTF-8 (go-message decoded it while
// reading), in quoted-printable where it was 7bit.
func partHeader(h message.Header, toUTF8 bool) message.Header {
	ct, params, err := h.ContentType()
	if !toUTF8 || err != nil || !strings.HasPrefix(ct, "text/") {
		return h
	}
	if cs := strings.ToLower(params["charset"]); cs == "" || cs == "utf-8" || cs == "us-ascii" {
		return h
	}
	h = message.Header{Header: h.Header.Copy()}
	params["charset"] = "utf-8"
	h.SetContentType(ct, params)
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "", "7bit":
		h.Set("Content-Transfer-Encoding", "quoted-printable")
	}
	return h
}

// cleanRaw removes the tag from the Subject field and, in a message of
// one part, the reason line (and its quoted-printable soft breaks) from
// the start of the body, without decoding anything else.
func cleanRaw(raw []byte, tag string) []byte {
	head, body, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		return raw
	}
	lines := strings.Split(string(head), "\r\n")
	multipart := false
	for i, l := range lines {
		ll := strings.ToLower(l)
		if strings.HasPrefix(ll, "subject:") {
			if k := strings.Index(ll, strings.ToLower(tag)); k >= 0 {
				lines[i] = strings.Join(strings.Fields(l[:k]+l[k+len(tag):]), " ")
			}
		}
		multipart = multipart || strings.HasPrefix(ll, "content-type:") && strings.Contains(ll, "multipart/")
	}
	text := string(body)
	if !multipart {
		rest := text
		first, after, _ := strings.Cut(rest, "\r\n")
		for strings.HasSuffix(first, "=") { // a soft break goes on
			var next string
			next, after, _ = strings.Cut(after, "\r\n")
			first = first[:len(first)-1] + next
		}
		if _, ok := AppealReason(first); ok {
			text = after
		}
	}
	return []byte(strings.Join(lines, "\r\n") + "\r\n\r\n" + text)
}

// copyWithoutReason writes e's body to w, its parts one by one, each text
// part without the reason line.
func copyWithoutReason(w *message.Writer, e *message.Entity, toUTF8 bool) error {
	if mr := e.MultipartReader(); mr != nil {
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			pw, err := w.CreatePart(partHeader(p.Header, toUTF8))
			if err != nil {
				return err
			}
			if err := copyWithoutReason(pw, p, toUTF8); err != nil {
				return err
			}
			if err := pw.Close(); err != nil {
				return err
			}
		}
	}
	body, err := io.ReadAll(e.Body)
	if err != nil {
		return err
	}
	switch ct, _, _ := e.Header.ContentType(); ct {
	case "text/plain", "":
		body = dropReasonLine(body)
	case "text/html":
		if loc := htmlReason.FindSubmatchIndex(body); loc != nil {
			body = append(body[:loc[3]:loc[3]], body[loc[1]:]...)
		}
	}
	_, err = w.Write(body)
	return err
}

// dropReasonLine removes the first non-empty line when it is a reason.
func dropReasonLine(text []byte) []byte {
	rest := text
	for len(rest) > 0 {
		line, after, _ := bytes.Cut(rest, []byte("\n"))
		if len(bytes.TrimSpace(line)) == 0 {
			rest = after
			continue
		}
		if _, ok := AppealReason(string(line)); ok {
			return append(text[:len(text)-len(rest):len(text)-len(rest)], bytes.TrimLeft(after, "\r\n")...)
		}
		break
	}
	return text
}

// htmlReason is a reason line as the first text of an element.
var htmlReason = regexp.MustCompile(`(?i)(>\s*)(?:reason|why|grund|raison|motivo|motivazione|理由)\s*[:：][^<]*`)

// AppealReason returns the reason an appeal's first line gives ("Reason:
// the number is the manufacturer's hotline"; also Why, Grund, Raison,
// Motivo, 理由).
func AppealReason(line string) (string, bool) {
	l := strings.TrimSpace(line)
	for _, p := range []string{"reason", "why", "grund", "raison", "motivo", "motivazione", "理由"} {
		if len(l) > len(p) && strings.EqualFold(l[:len(p)], p) {
			rest := strings.TrimLeft(l[len(p):], " ")
			for _, colon := range []string{":", "："} {
				if r, ok := strings.CutPrefix(rest, colon); ok {
					return strings.TrimSpace(r), true
				}
			}
		}
	}
	return "", false
}

// AppealLabel is one decided appeal as labelled data: the engine's verdict
// and an admin's decision on the same message. labels.jsonl holds one per
// line; internal/judge reads it like labels.tsv.
type AppealLabel struct {
	File            string   `json:"file"`
	VerdictByEngine string   `json:"verdict_by_engine"`
	Decision        string   `json:"decision"` // released or rejected
	Categories      []string `json:"categories"`
}

// ExportAppeals writes every decided appeal to dir as QUEUEID.eml (the
// message as it goes to the buyer: without the tag and the reason line)
// and a labels.jsonl line, and returns how many it wrote.
func (s *Service) ExportAppeals(ctx context.Context, dir string) (int, error) {
	held, err := s.auditor().Search(ctx, store.Query{Kind: store.KindMessage})
	if err != nil {
		return 0, err
	}
	decisions, err := s.auditor().Search(ctx, store.Query{Kind: KindDecision})
	if err != nil {
		return 0, err
	}
	decided := map[string]string{}
	for _, d := range decisions {
		decided[d.QueueID] = d.Status
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("appeals: %w", err)
	}
	labels, err := os.Create(filepath.Join(dir, "labels.jsonl"))
	if err != nil {
		return 0, fmt.Errorf("appeals: %w", err)
	}
	defer labels.Close()
	enc := json.NewEncoder(labels)
	n := 0
	for _, r := range held {
		decision, ok := decided[r.QueueID]
		if _, appeal := (Held{r}).Appeal(); !appeal || !ok {
			continue
		}
		raw, err := s.auditor().Body(ctx, r.ID)
		if err != nil {
			return n, fmt.Errorf("appeal %s: %w", r.QueueID, err)
		}
		file := r.QueueID + ".eml"
		// As the buyer would get it: without the tag and the reason line.
		if err := os.WriteFile(filepath.Join(dir, file), cleanAppeal(raw, s.AppealTag), 0o644); err != nil {
			return n, fmt.Errorf("appeals: %w", err)
		}
		l := AppealLabel{File: file, VerdictByEngine: r.Verdict, Decision: decision, Categories: []string{}}
		for _, v := range r.Violations {
			if v.Action == "reject" || v.Action == "quarantine" {
				if !slices.Contains(l.Categories, v.Category) {
					l.Categories = append(l.Categories, v.Category)
				}
			}
		}
		if err := enc.Encode(l); err != nil {
			return n, fmt.Errorf("appeals: %w", err)
		}
		n++
	}
	return n, labels.Close()
}
