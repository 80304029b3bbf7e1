package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/sellergate/sellergate/sla"
	"github.com/sellergate/sellergate/store"
)

type clockView struct {
	sla.Status
	Level string
}

func (c *Console) slaBoard(w http.ResponseWriter, r *http.Request, s *session) {
	clocks, err := c.o.Clocks.Status(r.Context())
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err.Error())
		return
	}
	var out []clockView
	for _, cl := range clocks {
		out = append(out, clockView{Status: cl, Level: c.level(cl)})
	}
	c.show(w, r, s, "sla", "SLA board", map[string]any{"Clocks": out})
}

func (c *Console) slaDismiss(w http.ResponseWriter, r *http.Request, s *session) {
	thread, reason := r.PostFormValue("thread"), strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" {
		c.fail(w, r, s, http.StatusBadRequest, "a dismissal needs a reason")
		return
	}
	if _, err := c.o.Clocks.Dismiss(r.Context(), thread, reason, s.login); err != nil {
		c.fail(w, r, s, http.StatusUnprocessableEntity, err.Error())
		return
	}
	http.Redirect(w, r, "/sla?done="+url.QueryEscape("Dismissed thread "+thread+"."), http.StatusSeeOther)
}

// thread shows a thread's timeline: every record, oldest first.
func (c *Console) thread(w http.ResponseWriter, r *http.Request, s *session) {
	th := r.URL.Query().Get("thread")
	if th == "" {
		c.fail(w, r, s, http.StatusBadRequest, "which thread?")
		return
	}
	recs, err := c.o.Trail.Search(r.Context(), store.Query{Thread: th, Limit: 1000})
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err.Error())
		return
	}
	d := map[string]any{"Thread": th, "Records": recs}
	for _, rec := range recs {
		if rec.OrderID != "" {
			d["Order"] = rec.OrderID
		}
	}
	if clocks, err := c.o.Clocks.Status(r.Context()); err == nil {
		for _, cl := range clocks {
			if cl.Thread == th {
				d["Clock"] = cl
			}
		}
	}
	c.show(w, r, s, "thread", "Thread", d)
}
