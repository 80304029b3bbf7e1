// Package admin is sellergate's admin HTTP API: JSON on its own listener,
// bearer tokens from the configuration. Every endpoint calls the same code
// as the matching CLI command.
package admin

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/sellergate/sellergate/filter"
	"github.com/sellergate/sellergate/quarantine"
	"github.com/sellergate/sellergate/sla"
	"github.com/sellergate/sellergate/store"
)

// API serves the admin endpoints.
type API struct {
	Tokens     []string
	Quarantine *quarantine.Service
	SLA        *sla.Tracker
	Audit      store.Auditor
	// Engine returns the policy engine in force (it changes on reload).
	Engine func() *filter.Engine
	// ExceptionKind reports whether the policy allows an exception kind.
	ExceptionKind func(kind string) bool
	// Thread, when set, tells POST /v1/check?thread=T what the gateway
	// would know of the thread (its buyer message, the trail's facts).
	Thread func(ctx context.Context, thread string) (func(*filter.Message) (string, *filter.ThreadFacts), error)
	Log    *slog.Logger
}

// Handler returns the API's routes behind the token check.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/quarantine", a.quarantineList)
	mux.HandleFunc("GET /v1/quarantine/{id}", a.quarantineShow)
	mux.HandleFunc("POST /v1/quarantine/{id}/release", a.quarantineRelease)
	mux.HandleFunc("POST /v1/quarantine/{id}/reject", a.quarantineReject)
	mux.HandleFunc("GET /v1/sla", a.slaStatus)
	mux.HandleFunc("POST /v1/sla/{thread}/dismiss", a.slaDismiss)
	mux.HandleFunc("POST /v1/exceptions/{thread}", a.exceptionOpen)
	mux.HandleFunc("POST /v1/exceptions/{thread}/close", a.exceptionClose)
	mux.HandleFunc("GET /v1/audit", a.auditSearch)
	mux.HandleFunc("GET /v1/audit/export", a.auditExport)
	mux.HandleFunc("POST /v1/check", a.check)
	return a.auth(mux)
}

// auth accepts a request only with one of the configured bearer tokens,
// compared in constant time.
func (a *API) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		tok, ok := strings.CutPrefix(h, "Bearer ")
		valid := false
		for _, t := range a.Tokens {
			if ok && t != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(t)) == 1 {
				valid = true
			}
		}
		if !valid {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sellergate"`)
			writeError(w, http.StatusUnauthorized, errors.New("missing or wrong bearer token"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// decide reads a small JSON request body.
type decision struct {
	By     string `json:"by"`
	Reason string `json:"reason"`
	Kind   string `json:"kind"`
	Note   string `json:"note"`
}

func readDecision(r *http.Request) (decision, error) {
	var d decision
	if r.ContentLength == 0 {
		return d, nil
	}
	err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&d)
	if err != nil && !errors.Is(err, io.EOF) {
		return d, fmt.Errorf("request body: %w", err)
	}
	if d.By == "" {
		d.By = "admin-api"
	}
	return d, nil
}

func (a *API) quarantineList(w http.ResponseWriter, r *http.Request) {
	held, err := a.Quarantine.List(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	// Appeals come first (List's order); ?appeals=1 lists only them.
	onlyAppeals := r.URL.Query().Get("appeals") != ""
	out := []*store.Record{}
	for _, h := range held {
		if _, appeal := h.Appeal(); appeal || !onlyAppeals {
			out = append(out, h.Record)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) quarantineShow(w http.ResponseWriter, r *http.Request) {
	rec, raw, err := a.Quarantine.Show(r.Context(), r.PathValue("id"))
	if errors.Is(err, quarantine.ErrNotHeld) {
		writeError(w, http.StatusNotFound, err)
		return
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"record": rec, "message": string(raw)})
}

func (a *API) quarantineRelease(w http.ResponseWriter, r *http.Request) {
	d, err := readDecision(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	a.respond(w, a.Quarantine.Release(r.Context(), r.PathValue("id"), d.By), "released")
}

func (a *API) quarantineReject(w http.ResponseWriter, r *http.Request) {
	d, err := readDecision(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	a.respond(w, a.Quarantine.Reject(r.Context(), r.PathValue("id"), d.By, d.Reason), "rejected")
}

// respond maps a service error to a status: not found, a bad request
// (missing reason, a rule of the protocol), or done.
func (a *API) respond(w http.ResponseWriter, err error, done string) {
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, map[string]string{"result": done})
	case errors.Is(err, quarantine.ErrNotHeld):
		writeError(w, http.StatusNotFound, err)
	default:
		writeError(w, http.StatusUnprocessableEntity, err)
	}
}

func (a *API) slaStatus(w http.ResponseWriter, r *http.Request) {
	st, err := a.SLA.Status(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	if st == nil {
		st = []sla.Status{}
	}
	writeJSON(w, http.StatusOK, st)
}

func (a *API) slaDismiss(w http.ResponseWriter, r *http.Request) {
	d, err := readDecision(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	_, err = a.SLA.Dismiss(r.Context(), r.PathValue("thread"), d.Reason, d.By)
	a.respond(w, err, "dismissed")
}

func (a *API) exceptionOpen(w http.ResponseWriter, r *http.Request) {
	d, err := readDecision(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	if a.ExceptionKind == nil || !a.ExceptionKind(d.Kind) {
		writeError(w, http.StatusUnprocessableEntity, fmt.Errorf("exception kind %q is not allowed by the policy", d.Kind))
		return
	}
	a.respond(w, a.SLA.OpenException(r.Context(), r.PathValue("thread"), d.Kind, d.Note, d.By), "opened")
}

func (a *API) exceptionClose(w http.ResponseWriter, r *http.Request) {
	d, err := readDecision(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	a.respond(w, a.SLA.CloseException(r.Context(), r.PathValue("thread"), d.Note, d.By), "closed")
}

// query reads the audit query parameters.
func query(r *http.Request) (store.Query, error) {
	v := r.URL.Query()
	q := store.Query{Order: v.Get("order"), Thread: v.Get("thread"), Buyer: v.Get("buyer"), Agent: v.Get("agent"),
		Verdict: v.Get("verdict"), Category: v.Get("category")}
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if s := v.Get(p.name); s != "" {
			t, err := time.Parse(time.DateOnly, s)
			if err != nil {
				if t, err = time.Parse(time.RFC3339, s); err != nil {
					return q, fmt.Errorf("%s: %q is not a date", p.name, s)
				}
			}
			*p.t = t
		}
	}
	return q, nil
}

func (a *API) auditSearch(w http.ResponseWriter, r *http.Request) {
	q, err := query(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	q.Limit = 10000
	recs, err := a.Audit.Search(r.Context(), q)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	if recs == nil {
		recs = []*store.Record{}
	}
	writeJSON(w, http.StatusOK, recs)
}

func (a *API) auditExport(w http.ResponseWriter, r *http.Request) {
	q, err := query(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	if q.Order == "" && q.Thread == "" && q.Buyer == "" {
		writeError(w, http.StatusBadRequest, errors.New("export needs order, thread or buyer"))
		return
	}
	var buf strings.Builder
	if _, err := store.Export(r.Context(), a.Audit, q, &buf); err != nil {
		writeError(w, http.StatusNotFound, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="sellergate-export.zip"`)
	io.WriteString(w, buf.String())
}

func (a *API) check(w http.ResponseWriter, r *http.Request) {
	var thread func(*filter.Message) (string, *filter.ThreadFacts)
	if t := r.URL.Query().Get("thread"); t != "" && a.Thread != nil {
		var err error
		if thread, err = a.Thread(r.Context(), t); err != nil {
			writeError(w, http.StatusNotFound, err)
			return
		}
	}
	res := a.Engine().CheckReaderWith("request", http.MaxBytesReader(w, r.Body, 64<<20), thread)
	writeJSON(w, http.StatusOK, res)
}
