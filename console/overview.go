package console

import (
	"context"
	"net/http"
	"time"

	"github.com/sellergate/sellergate/sla"
	"github.com/sellergate/sellergate/store"
)

// home sends admins to the overview and agents to the draft checker.
func (c *Console) home(w http.ResponseWriter, r *http.Request, s *session) {
	to := "/check"
	if s.admin() {
		to = "/overview"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

type overviewData struct {
	Today         *store.Summary
	Categories    []countView
	AtRisk        int
	Waiting       int
	Health        []Health
	Reload        ReloadStatus
	PolicyFile    string
	PolicyVersion string
}

type countView struct {
	Name string
	N    int
}

// startOfDay is midnight UTC of t's day: Amazon's metrics count in UTC.
func startOfDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (c *Console) overview(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	sum, err := c.o.Trail.Summarize(ctx, startOfDay(c.o.Now()))
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err.Error())
		return
	}
	d := overviewData{Today: sum, Reload: c.reload(), PolicyFile: c.o.PolicyFile, PolicyVersion: c.o.Engine().Policy().Describe().Version}
	if d.PolicyFile == "" {
		d.PolicyFile = "built-in"
	}
	for _, cat := range []string{"link", "contact", "review", "promotion", "pixel", "attachment", "format", "unreadable", "proactive"} {
		if n := sum.Categories[cat]; n > 0 {
			d.Categories = append(d.Categories, countView{cat, n})
		}
	}
	if clocks, err := c.o.Clocks.Status(ctx); err == nil {
		for _, cl := range clocks {
			if c.level(cl) != "" {
				d.AtRisk++
			}
		}
	} else {
		d.Health = append(d.Health, Health{Name: "SLA clocks", Err: err})
	}
	if held, err := c.o.Quarantine.List(ctx); err == nil {
		d.Waiting = len(held)
	}
	if c.o.Health != nil {
		hctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		d.Health = append(d.Health, c.o.Health(hctx)...)
		cancel()
	}
	c.show(w, r, s, "overview", "Overview", d)
}

// level colours a clock: "" before the first threshold, "amber" past
// it, "red" past the last or overdue.
func (c *Console) level(st sla.Status) string {
	waited := sla.Deadline - st.Left
	th := c.o.Thresholds
	switch {
	case st.Left <= 0:
		return "red"
	case len(th) > 0 && waited >= th[len(th)-1]:
		return "red"
	case len(th) > 0 && waited >= th[0]:
		return "amber"
	}
	return ""
}

func (c *Console) reload() ReloadStatus {
	if c.o.Reload == nil {
		return ReloadStatus{}
	}
	return c.o.Reload()
}
