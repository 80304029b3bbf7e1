package filter

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addCorpusSeeds seeds a fuzz target with the committed labelled corpus.
func addCorpusSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*", "*.eml"))
	for i, name := range files {
		if i%4 != 0 { // a quarter of them is variety enough
			continue
		}
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("From: <a@b.test>\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"))
	f.Add([]byte("Subject: =?utf-8?q?=E2=82?=\r\n\r\n\xff\xfe"))
}

// FuzzParse: parsing never panics, whatever the bytes.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 30s ./filter/
func FuzzParse(f *testing.F) {
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		Parse(bytes.NewReader(data))
	})
}

// FuzzCheck: checking a parsed message never panics and always gives a
// verdict that names what it refuses.
func FuzzCheck(f *testing.F) {
	addCorpusSeeds(f)
	e := NewEngine(DefaultPolicy())
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		v := e.Check(m, Envelope{Rcpt: []string{"a1@marketplace.amazon.de"}})
		if v.Refused() && len(v.Violations) == 0 {
			t.Fatalf("refused without a reason")
		}
	})
}

// FuzzParseHTML: the HTML renderer never panics, numbers its lines one by
// one, and leaves no author marker behind, whatever the markup.
func FuzzParseHTML(f *testing.F) {
	for _, s := range []string{`<div class="gmail_quote"><div class="gmail_attr">On x, a@b.de wrote:</div><blockquote>q</blockquote></div>`,
		`<div id="divRplyFwdMsg"><b>From:</b> a@b.de</div><div>x</div>`, `<blockquote><a href="x">y</a><img src=z>`,
		`<p>a<p>b</div></span><br/>`, `<html><head><style>p{}</style></head><body><table><tr><td>1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := parseHTML(data)
		for i, l := range p.Lines {
			if l.N != i+1 {
				t.Fatalf("line %d numbered %d", i+1, l.N)
			}
			if strings.HasPrefix(l.QuoteBy, "\x00") {
				t.Fatalf("line %d keeps the marker %q", l.N, l.QuoteBy)
			}
		}
		for _, l := range p.Links {
			if strings.HasPrefix(l.QuoteBy, "\x00") {
				t.Fatalf("link %q keeps the marker %q", l.Href, l.QuoteBy)
			}
		}
	})
}
