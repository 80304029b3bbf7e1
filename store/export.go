package store

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
)

// Manifest lists a bundle's files and records, so that the bundle can be
// checked against the store later.
type Manifest struct {
	Version   int               `json:"version"`
	Generated time.Time         `json:"generated"`
	Query     Query             `json:"query"`
	Files     map[string]string `json:"files"` // name -> SHA-256
	Records   []ManifestRecord  `json:"records"`
	Head      map[string]any    `json:"chain_head"`
	Notes     []string          `json:"notes,omitempty"`
}

// ManifestRecord is one record's chain position.
type ManifestRecord struct {
	ID       int64     `json:"id"`
	Time     time.Time `json:"time"`
	Kind     Kind      `json:"kind"`
	Status   string    `json:"status"`
	Hash     string    `json:"hash"`
	PrevHash string    `json:"prev_hash"`
	SHA256   string    `json:"sha256,omitempty"`
	File     string    `json:"file,omitempty"`
}

// timelineEntry is one message of the readable timeline.
type timelineEntry struct {
	Rec       *Record
	Who       string
	Body      string
	NeverSent bool
	Outcome   string
	File      string
}

var timelineTmpl = template.Must(template.New("timeline").Funcs(template.FuncMap{
	"fmtTime": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:860px;margin:2em auto;color:#222;background:#fafafa}
h1{font-size:1.4em}.meta{color:#555;font-size:.9em}
.msg{border-radius:10px;padding:.8em 1em;margin:1em 0;box-shadow:0 1px 3px rgba(0,0,0,.15);background:#fff}
.in{border-left:6px solid #2b7bb9;margin-right:12%}.out{border-left:6px solid #2e9d57;margin-left:12%}
.refused{border-left:6px solid #c0392b;background:#fff4f3;margin-left:12%}
.head{font-size:.85em;color:#444;margin-bottom:.5em}.body{white-space:pre-wrap;font-size:.95em}
.badge{display:inline-block;padding:0 .5em;border-radius:4px;font-size:.8em;font-weight:600;color:#fff;background:#888}
.badge.never{background:#c0392b}.badge.ok{background:#2e9d57}.badge.in{background:#2b7bb9}
ul.v{margin:.4em 0 0 1.2em;padding:0;font-size:.85em;color:#8a1c10}.event{color:#555;font-size:.85em;text-align:center;margin:.6em 0}
</style></head><body>
<h1>{{.Title}}</h1>
<p class="meta">Exported {{fmtTime .Generated}} from the sellergate audit trail. {{len .Entries}} entries.
Every message is included as an .eml file; manifest.json gives each file's SHA-256 and each record's place in the hash chain.</p>
{{range .Entries}}{{if .Rec.Note}}<div class="event">{{fmtTime .Rec.Time}} · {{.Rec.Kind}} {{.Rec.Status}}: {{.Rec.Note}}{{if .Rec.Agent}} ({{.Rec.Agent}}){{end}}</div>
{{else}}<div class="msg {{if .NeverSent}}refused{{else if eq .Rec.Direction "in"}}in{{else}}out{{end}}">
<div class="head"><b>{{.Who}}</b> · {{fmtTime .Rec.Time}} · record {{.Rec.ID}}
{{if .NeverSent}}<span class="badge never">REFUSED — NEVER SENT</span>{{else if eq .Rec.Direction "in"}}<span class="badge in">FROM BUYER</span>{{else}}<span class="badge ok">{{.Outcome}}</span>{{end}}
<br>Subject: {{.Rec.Subject}}{{if .File}} · <a href="{{.File}}">{{.File}}</a>{{end}}</div>
<div class="body">{{.Body}}</div>
{{if .Rec.Violations}}<ul class="v">{{range .Rec.Violations}}<li>[{{.Category}}] “{{.Excerpt}}” in {{.Where}} ({{.Rule}}, {{.Action}})</li>{{end}}</ul>{{end}}
</div>{{end}}
{{end}}</body></html>
`))

// bodyText returns a readable text of a raw message: its text/plain part,
// or its HTML with tags removed.
func bodyText(raw []byte) string {
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	var htmlText string
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		if h, ok := p.Header.(*mail.InlineHeader); ok {
			ct, _, _ := h.ContentType()
			b, _ := io.ReadAll(io.LimitReader(p.Body, 1<<20))
			switch ct {
			case "text/plain":
				return strings.TrimSpace(string(b))
			case "text/html":
				htmlText = stripTags(string(b))
			}
		}
	}
	return strings.TrimSpace(htmlText)
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.NewReplacer("&nbsp;", " ", "&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(b.String())
}

// conversation returns the records q selects; an order or a buyer selects
// their whole threads, since replies often do not repeat the order id.
func conversation(ctx context.Context, a Auditor, q Query) ([]*Record, error) {
	if q.Thread != "" || (q.Order == "" && q.Buyer == "") {
		return a.Search(ctx, q)
	}
	seed, err := a.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	threads := map[string]bool{}
	for _, r := range seed {
		if r.Thread != "" {
			threads[r.Thread] = true
		}
	}
	byID := map[int64]*Record{}
	for _, r := range seed {
		byID[r.ID] = r
	}
	for th := range threads {
		tq := q
		tq.Order, tq.Buyer, tq.Thread = "", "", th
		recs, err := a.Search(ctx, tq)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			byID[r.ID] = r
		}
	}
	out := make([]*Record, 0, len(byID))
	for _, r := range byID {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Export writes a zip bundle of the conversation q selects: each message
// as .eml, timeline.html, and manifest.json.
func Export(ctx context.Context, a Auditor, q Query, w io.Writer) (*Manifest, error) {
	recs, err := conversation(ctx, a, q)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, errors.New("no records match")
	}
	zw := zip.NewWriter(w)
	man := &Manifest{Version: 1, Generated: time.Now().UTC(), Query: q, Files: map[string]string{}}
	// Entries are dated when the bundle was made, not 1980.
	create := func(name string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: man.Generated})
	}
	add := func(name string, data []byte) error {
		f, err := create(name)
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		man.Files[name] = hex.EncodeToString(sum[:])
		return nil
	}
	outcome := map[string]*Record{}
	for _, r := range recs {
		if r.Kind == KindDelivery {
			outcome[r.QueueID] = r
		}
	}
	var entries []timelineEntry
	for _, r := range recs {
		mr := ManifestRecord{ID: r.ID, Time: r.Time, Kind: r.Kind, Status: r.Status, Hash: r.Hash, PrevHash: r.PrevHash, SHA256: r.SHA256}
		if r.Kind == KindDelivery {
			man.Records = append(man.Records, mr)
			continue
		}
		e := timelineEntry{Rec: r}
		if r.Kind == KindMessage {
			raw, err := a.Body(ctx, r.ID)
			switch {
			case err == nil:
				name := fmt.Sprintf("messages/%06d-%s.eml", r.ID, r.Direction)
				if err := add(name, raw); err != nil {
					return nil, err
				}
				mr.File, e.File = name, name
				e.Body = bodyText(raw)
			case errors.Is(err, ErrPurged):
				e.Body = "(message body removed under the retention policy; its SHA-256 " + r.SHA256 + " stays in the chain)"
			default:
				return nil, err
			}
			if r.Direction == Inbound {
				e.Who = "Buyer " + r.Buyer
			} else {
				e.Who = "Seller (" + r.Agent + ") to " + r.Buyer
			}
			e.NeverSent = r.Status == StatusRefused
			if d := outcome[r.QueueID]; d != nil {
				e.Outcome = strings.ToUpper(d.Status)
			} else if r.Status == StatusQuarantined {
				e.Outcome = "HELD FOR REVIEW"
			} else {
				e.Outcome = strings.ToUpper(r.Status)
			}
		}
		man.Records = append(man.Records, mr)
		entries = append(entries, e)
	}
	title := "Buyer-seller messages"
	switch {
	case q.Order != "":
		title += " for order " + q.Order
	case q.Buyer != "":
		title += " with " + q.Buyer
	case q.Thread != "":
		title += " in thread " + q.Thread
	}
	var page bytes.Buffer
	if err := timelineTmpl.Execute(&page, map[string]any{"Title": title, "Generated": man.Generated, "Entries": entries}); err != nil {
		return nil, err
	}
	if err := add("timeline.html", page.Bytes()); err != nil {
		return nil, err
	}
	if rep, err := a.Verify(ctx); err == nil {
		man.Head = map[string]any{"id": rep.HeadID, "hash": rep.HeadHash, "intact": rep.OK}
	}
	mj, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return nil, err
	}
	f, err := create("manifest.json")
	if err != nil {
		return nil, err
	}
	f.Write(mj)
	return man, zw.Close()
}

// VerifyBundle checks a bundle against itself (every file's SHA-256) and
// against the store (every record still has the hash the bundle recorded).
// It returns the problems found; none means the bundle is genuine.
func VerifyBundle(ctx context.Context, a Auditor, r io.ReaderAt, size int64) ([]string, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("reading bundle: %w", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(rc, 256<<20))
		rc.Close()
		if err != nil {
			return nil, err
		}
		files[f.Name] = data
	}
	var man Manifest
	if err := json.Unmarshal(files["manifest.json"], &man); err != nil {
		return nil, fmt.Errorf("bundle has no readable manifest.json: %w", err)
	}
	var problems []string
	for name, want := range man.Files {
		data, ok := files[name]
		if !ok {
			problems = append(problems, name+": missing from the bundle")
			continue
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != want {
			problems = append(problems, name+": changed since export")
		}
	}
	for name := range files {
		if _, ok := man.Files[name]; !ok && name != "manifest.json" {
			problems = append(problems, name+": not listed in the manifest")
		}
	}
	ids := map[int64]ManifestRecord{}
	for _, mr := range man.Records {
		ids[mr.ID] = mr
		if mr.File != "" {
			if data, ok := files[mr.File]; ok && mr.SHA256 != "" {
				sum := sha256.Sum256(data)
				if hex.EncodeToString(sum[:]) != mr.SHA256 {
					problems = append(problems, fmt.Sprintf("%s: does not match record %d's SHA-256", mr.File, mr.ID))
				}
			}
		}
	}
	recs, err := conversation(ctx, a, man.Query)
	if err != nil {
		return nil, err
	}
	found := map[int64]bool{}
	for _, r := range recs {
		found[r.ID] = true
		if chainHash(r, r.PrevHash) != r.Hash {
			problems = append(problems, fmt.Sprintf("record %d: changed in the store after it was recorded", r.ID))
		}
		if mr, ok := ids[r.ID]; ok && mr.Hash != r.Hash {
			problems = append(problems, fmt.Sprintf("record %d: the store's hash differs from the bundle's", r.ID))
		}
	}
	for id := range ids {
		if !found[id] {
			problems = append(problems, fmt.Sprintf("record %d: in the bundle but no longer in the store", id))
		}
	}
	return problems, nil
}
