package console

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

// page is what every template gets: the title, who is signed in, a notice
// after an action, and the page's own data.
type page struct {
	Title string
	S     *viewer
	Flash string
	Data  any
}

// viewer is the signed-in person as the templates see them.
type viewer struct {
	Login string
	Admin bool
	CSRF  string
}

func view(s *session) *viewer {
	if s == nil {
		return nil
	}
	return &viewer{Login: s.login, Admin: s.admin(), CSRF: s.csrf}
}

// pages are the parsed templates, one set per page over the layout.
type pages struct {
	t map[string]*template.Template
}

var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"left": formatLeft,
	"join": strings.Join,
}

func parsePages() (*pages, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/inc-*.html")
	if err != nil {
		return nil, fmt.Errorf("console: parsing the layout: %w", err)
	}
	names, err := assetsGlob("templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{t: map[string]*template.Template{}}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || strings.HasPrefix(name, "inc-") {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(assets, n)
		if err != nil {
			return nil, fmt.Errorf("console: parsing %s: %w", n, err)
		}
		p.t[name] = t
	}
	return p, nil
}

// render writes a page; a template error is written before anything is
// sent, so a half page never goes out.
func (p *pages) render(w http.ResponseWriter, name string, data page) {
	var buf bytes.Buffer
	if err := p.t[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		http.Error(w, "console: rendering "+name+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.Copy(w, &buf)
}

// show renders a page for a signed-in person.
func (c *Console) show(w http.ResponseWriter, r *http.Request, s *session, name, title string, data any) {
	c.pages.render(w, name, page{Title: title, S: view(s), Flash: r.URL.Query().Get("done"), Data: data})
}

// fail shows an error page with a status.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *session, status int, msg string) {
	w.WriteHeader(status)
	c.pages.render(w, "error", page{Title: http.StatusText(status), S: view(s), Data: msg})
}

// formatLeft writes a clock's time left as hours and minutes, negative
// when overdue.
func formatLeft(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "overdue by ", -d
	}
	d = d.Round(time.Minute)
	return fmt.Sprintf("%s%dh %02dm", sign, int(d.Hours()), int(d.Minutes())%60)
}

func assetsGlob(pattern string) ([]string, error) {
	names, err := fs.Glob(assets, pattern)
	if err != nil {
		return nil, fmt.Errorf("console: listing templates: %w", err)
	}
	return names, nil
}
