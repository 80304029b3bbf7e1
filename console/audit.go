package console

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/store"
)

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func itoa(n int) string { return strconv.Itoa(n) }

// lastVerify is the last walk of the chain: a large chain takes longer
// to walk than a page may, so the audit page shows the last result and
// a button walks it again.
type lastVerify struct {
	mu  sync.Mutex
	res *verifyView
}

type verifyView struct {
	At   time.Time
	OK   bool
	Text string
}

func (l *lastVerify) get() *verifyView {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.res
}

func (l *lastVerify) set(v *verifyView) {
	l.mu.Lock()
	l.res = v
	l.mu.Unlock()
}

// auditQuery reads the search form.
func auditQuery(v url.Values) (store.Query, error) {
	q := store.Query{Order: v.Get("order"), Buyer: v.Get("buyer"), Agent: v.Get("agent"), Verdict: v.Get("verdict"), Category: v.Get("category")}
	for _, f := range []struct {
		name string
		t    *time.Time
		add  time.Duration
	}{{"from", &q.From, 0}, {"to", &q.To, 24 * time.Hour}} {
		if s := v.Get(f.name); s != "" {
			t, err := time.Parse(time.DateOnly, s)
			if err != nil {
				return q, fmt.Errorf("%s: %q is not a date (YYYY-MM-DD)", f.name, s)
			}
			*f.t = t.Add(f.add) // "to" includes its day
		}
	}
	return q, nil
}

// page reads one page of records newest first, and links to the next.
func (c *Console) page(r *http.Request, q store.Query, base url.Values, path string) ([]*store.Record, pager, error) {
	q.Newest, q.Limit, q.Before = true, pageSize+1, int64(atoi(r.URL.Query().Get("before")))
	recs, err := c.o.Trail.Search(r.Context(), q)
	var p pager
	if q.Before > 0 {
		base.Del("before")
		p.Prev = path + "?" + base.Encode()
	}
	if len(recs) > pageSize {
		recs = recs[:pageSize]
		base.Set("before", strconv.FormatInt(recs[pageSize-1].ID, 10))
		p.Next = path + "?" + base.Encode()
	}
	return recs, p, err
}

func (c *Console) audit(w http.ResponseWriter, r *http.Request, s *session) {
	v := r.URL.Query()
	q, qerr := auditQuery(v)
	d := map[string]any{"Q": q, "From": v.Get("from"), "To": v.Get("to"), "Verify": c.verified.get(),
		"Verdicts":   []string{"", "pass", "tag", "strip", "quarantine", "reject"},
		"Categories": append([]string{""}, filter.Categories...)}
	if qerr != nil {
		d["Error"] = qerr.Error()
	} else {
		recs, p, err := c.page(r, q, url.Values{"order": {q.Order}, "buyer": {q.Buyer}, "agent": {q.Agent}, "verdict": {q.Verdict},
			"category": {q.Category}, "from": {v.Get("from")}, "to": {v.Get("to")}}, "/audit")
		if err != nil {
			d["Error"] = err.Error()
		}
		d["Records"], d["Pager"] = recs, p
	}
	c.show(w, r, s, "audit", "Audit trail", d)
}

func (c *Console) auditExport(w http.ResponseWriter, r *http.Request, s *session) {
	q, err := auditQuery(r.URL.Query())
	if err != nil || q.Order == "" {
		c.fail(w, r, s, http.StatusBadRequest, "an export needs an order id")
		return
	}
	var buf bytes.Buffer
	if _, err := store.Export(r.Context(), c.o.Trail, store.Query{Order: q.Order}, &buf); err != nil {
		c.fail(w, r, s, http.StatusNotFound, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="sellergate-%s.zip"`, url.PathEscape(q.Order)))
	w.Write(buf.Bytes())
}

func (c *Console) auditVerify(w http.ResponseWriter, r *http.Request, s *session) {
	rep, err := c.o.Trail.Verify(r.Context())
	v := &verifyView{At: c.o.Now()}
	if err != nil {
		v.Text = "the check failed: " + err.Error()
	} else {
		v.OK, v.Text = rep.OK, rep.String()
	}
	c.verified.set(v)
	c.o.Log.Info("console: chain checked", "by", s.login, "ok", v.OK)
	http.Redirect(w, r, "/audit", http.StatusSeeOther)
}

// mine lists the agent's own messages, newest first.
func (c *Console) mine(w http.ResponseWriter, r *http.Request, s *session) {
	recs, p, err := c.page(r, store.Query{Agent: s.login, Kind: store.KindMessage}, url.Values{}, "/mine")
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err.Error())
		return
	}
	c.show(w, r, s, "mine", "My messages", map[string]any{"Records": recs, "Pager": p})
}

// message shows one record: admins see any, an agent only their own
// (another's is "not found", so that ids reveal nothing).
func (c *Console) message(w http.ResponseWriter, r *http.Request, s *session) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		c.fail(w, r, s, http.StatusNotFound, "no such record")
		return
	}
	recs, err := c.o.Trail.Search(r.Context(), store.Query{Newest: true, Before: id + 1, Limit: 1})
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err.Error())
		return
	}
	if len(recs) == 0 || recs[0].ID != id || (!s.admin() && recs[0].Agent != s.login) {
		c.fail(w, r, s, http.StatusNotFound, "no such record")
		return
	}
	rec := recs[0]
	d := map[string]any{"Record": rec}
	raw, err := c.o.Trail.Body(r.Context(), id)
	switch {
	case errors.Is(err, store.ErrNoBody):
	case errors.Is(err, store.ErrPurged):
		d["BodyErr"] = "The message itself was removed under retention; its record stays."
	case err != nil:
		d["BodyErr"] = err.Error()
	default:
		if body, err := newBodyView(raw, c.violations(rec.Violations, s.language)); err == nil {
			d["Body"] = body
		} else {
			d["BodyErr"] = err.Error()
		}
	}
	c.show(w, r, s, "message", "Record "+strconv.FormatInt(id, 10), d)
}
