package console

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/emersion/go-message"

	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/quarantine"
	"github.com/sellergate/sellergate/store"
)

// pageSize is how many rows a list shows.
const pageSize = 50

type heldRow struct {
	*store.Record
	Appeal bool
	Reason string
}

type pager struct{ Prev, Next string }

func (c *Console) quarantineList(w http.ResponseWriter, r *http.Request, s *session) {
	held, err := c.o.Quarantine.List(r.Context())
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err.Error())
		return
	}
	// List puts appeals first; pages are counted in that order.
	from := atoi(r.URL.Query().Get("from"))
	from = max(0, min(from, len(held)))
	to := min(from+pageSize, len(held))
	var rows []heldRow
	for _, h := range held[from:to] {
		reason, appeal := h.Appeal()
		rows = append(rows, heldRow{Record: h.Record, Appeal: appeal, Reason: reason})
	}
	var p pager
	if from > 0 {
		p.Prev = "/quarantine?from=" + itoa(max(0, from-pageSize))
	}
	if to < len(held) {
		p.Next = "/quarantine?from=" + itoa(to)
	}
	c.show(w, r, s, "quarantine", "Quarantine", map[string]any{"Held": rows, "Pager": p})
}

// violations turns the trail's findings into the engine's, for marking,
// each place once (as a refusal lists them), with the policy's
// explanation in lang.
func (c *Console) violations(vs []store.Violation, lang string) []filter.Violation {
	out := make([]filter.Violation, 0, len(vs))
	said := map[string]bool{}
	for _, v := range vs {
		key := v.Category + "\x00" + v.Excerpt + "\x00" + v.Where
		if said[key] {
			continue
		}
		said[key] = true
		a, _ := filter.ParseAction(v.Action)
		out = append(out, filter.Violation{Rule: v.Rule, Category: v.Category, Excerpt: v.Excerpt, Where: v.Where, Action: a,
			Message: c.o.Engine().Policy().Explain(lang, v.Rule, v.Category)})
	}
	return out
}

func (c *Console) held(w http.ResponseWriter, r *http.Request, s *session) (*store.Record, []byte, bool) {
	rec, raw, err := c.o.Quarantine.Show(r.Context(), r.PathValue("id"))
	if errors.Is(err, quarantine.ErrNotHeld) {
		c.fail(w, r, s, http.StatusNotFound, err.Error())
		return nil, nil, false
	}
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err.Error())
		return nil, nil, false
	}
	return rec, raw, true
}

func (c *Console) quarantineShow(w http.ResponseWriter, r *http.Request, s *session) {
	rec, raw, ok := c.held(w, r, s)
	if !ok {
		return
	}
	body, err := newBodyView(raw, c.violations(rec.Violations, "en"))
	if err != nil {
		body = &bodyView{Unread: []string{err.Error()}}
	}
	reason, appeal := quarantine.Held{Record: rec}.Appeal()
	html, _ := firstHTML(raw)
	c.show(w, r, s, "held", "Held message", map[string]any{"Record": rec, "Appeal": appeal, "Reason": reason, "Body": body, "HasHTML": html != nil})
}

// heldHTMLCSP keeps a held message's HTML from running anything or
// loading anything: the frame is sandboxed (no script, an origin of its
// own), and only inline styles and data: images are allowed.
const heldHTMLCSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; form-action 'none'; base-uri 'none'"

// quarantineHTML serves a held message's HTML for the sandboxed frame.
func (c *Console) quarantineHTML(w http.ResponseWriter, r *http.Request, s *session) {
	_, raw, ok := c.held(w, r, s)
	if !ok {
		return
	}
	html, err := firstHTML(raw)
	if html == nil {
		c.fail(w, r, s, http.StatusNotFound, "the message has no HTML part")
		return
	}
	if err != nil {
		c.o.Log.Warn("console: reading a held message's HTML", "err", err)
	}
	h := w.Header()
	h.Set("Content-Security-Policy", heldHTMLCSP)
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.Write(html)
}

// firstHTML returns the first text/html part of a message, decoded to
// UTF-8; nil when there is none.
func firstHTML(raw []byte) ([]byte, error) {
	e, err := message.Read(bytes.NewReader(raw))
	if e == nil {
		return nil, err
	}
	var out []byte
	werr := e.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil || out != nil {
			return nil
		}
		t, _, _ := part.Header.ContentType()
		if t == "text/html" {
			out, _ = io.ReadAll(io.LimitReader(part.Body, maxUpload))
		}
		return nil
	})
	return out, werr
}

func (c *Console) quarantineRelease(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	if err := c.o.Quarantine.Release(r.Context(), id, s.login); err != nil {
		c.decided(w, r, s, err)
		return
	}
	c.o.Log.Info("console: held message released", "queue", id, "by", s.login)
	http.Redirect(w, r, "/quarantine?done="+url.QueryEscape("Released "+id+": it is queued for delivery."), http.StatusSeeOther)
}

func (c *Console) quarantineReject(w http.ResponseWriter, r *http.Request, s *session) {
	id, reason := r.PathValue("id"), strings.TrimSpace(r.PostFormValue("reason"))
	if err := c.o.Quarantine.Reject(r.Context(), id, s.login, reason); err != nil {
		c.decided(w, r, s, err)
		return
	}
	c.o.Log.Info("console: held message rejected", "queue", id, "by", s.login)
	http.Redirect(w, r, "/quarantine?done="+url.QueryEscape("Rejected "+id+": the agent is told why."), http.StatusSeeOther)
}

func (c *Console) decided(w http.ResponseWriter, r *http.Request, s *session, err error) {
	if errors.Is(err, quarantine.ErrNotHeld) {
		c.fail(w, r, s, http.StatusNotFound, err.Error())
		return
	}
	c.fail(w, r, s, http.StatusUnprocessableEntity, err.Error())
}
