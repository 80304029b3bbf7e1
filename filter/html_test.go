package filter

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/emersion/go-message"
)

// htmlParts returns the HTML parts of the corpus messages.
func htmlParts(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	files, _ := filepath.Glob("testdata/corpus/*/*.eml")
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		e, err := message.Read(bytes.NewReader(raw))
		if e == nil {
			continue
		}
		i := 0
		e.Walk(func(_ []int, p *message.Entity, _ error) error {
			if ct, _, _ := p.Header.ContentType(); ct == "text/html" {
				data, _ := io.ReadAll(p.Body)
				out[f+"#"+string(rune('0'+i))] = data
				i++
			}
			return nil
		})
	}
	if len(out) < 50 {
		t.Fatalf("only %d HTML parts in the corpus", len(out))
	}
	return out
}

// The streaming HTML renderer must render what the tree walk it replaced
// (html.Parse, then a walk of the tree) renders: the same lines with the
// same quote marks and authors, links, images, CSS URLs and font sizes,
// for every HTML part of the corpus and for the quote layouts of the big
// clients written in unusual ways.
func TestParseHTMLMatchesTreeWalk(t *testing.T) {
	cases := htmlParts(t)
	for i, s := range []string{
		``, `plain`, `<p>a<p>b`, `<div>a<br>b</div><div>c</div>`,
		`<html><head><title>T</title><style>body{background:url(http://t.example/x.png)}</style></head><body>Hi</body></html>`,
		`<style>p{font-size:12px}</style><p>x</p>`,
		`<body><style>p{font-size:12px;background:url(https://x.example/a)}</style><p style="font-size:14px">x</p></body>`,
		`<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, Buyer &lt;abc@marketplace.amazon.de&gt; wrote:<br></div><blockquote class="gmail_quote">Hello <a href="https://shop.example">shop</a><img src="http://t.example/p.gif" width=1 height=1></blockquote></div><p>after</p>`,
		`<div class="gmail_quote"><div class="gmail_attr">Am Mo. schrieb x@y.de:</div><blockquote>q</blockquote></div>`,
		`<div class="moz-cite-prefix">On 1/2/26 Buyer wrote &lt;b@marketplace.amazon.fr&gt;:<br></div><blockquote type="cite">quoted <b>text</b></blockquote>new`,
		`<div>On Jan 1, at 10:00, b@marketplace.amazon.com wrote:</div><blockquote type="cite"><div>q</div></blockquote>`,
		`<p>Hello</p><div id="appendonsend"></div><hr style="display:inline-block" id="stopSpelling"><div id="divRplyFwdMsg"><b>From:</b> Buyer &lt;z@marketplace.amazon.it&gt;<br><b>Sent:</b> x</div><div>old <a href="http://a.example">a</a></div>`,
		`<blockquote>no attribution<blockquote>nested</blockquote></blockquote>tail`,
		`<blockquote><img src=cid:x></blockquote>`, `<blockquote></blockquote>x`, `<blockquote>t <span>u@v.de</span></blockquote>`,
		`<a href="https://a.example">one <a href="https://b.example">two</a> three</a>`,
		`<a href=" https://a.example ">  spaced  </a><a>no href</a><form action="https://f.example"><input action="x"></form>`,
		`<img src="https://x.example/i.png" style="display:none" alt="ALT"><img hidden src=y><img width=0 src=z>`,
		`<font size=3>a</font><font size=5>b</font><table><tr><td background="http://bg.example/x.png">c</td></tr></table>`,
		`<script>alert("x")</script><noscript>ns</noscript><title>t</title>visible`,
		`<div>a</span>b</div>c</div>d`, `<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>`,
		`<ul><li>one<li>two</ul><pre>x
y</pre>`, "<div>line one\r\nline two</div>&amp; &lt;tag&gt; &#x41;",
		`<p>&gt; quoted text line</p><p>On Mon, Buyer <x@marketplace.amazon.de> wrote:</p><p>&gt; q</p>`,
		`<div class="yahoo_quoted">y@x.com<div>q</div></div>`, `<div class="OutlookMessageHeader">From: o@p.de</div>rest`,
		`<div class="gmail_quote">lead text a@b.de <a href="https://l.example">l</a><div>On x, c@marketplace.amazon.de wrote:</div>q</div>`,
		`<div><div><div id="divRplyFwdMsg"><font><b>Von:</b> k@marketplace.amazon.de<br><b>Gesendet:</b> x</font></div></div></div><p>alt</p>`,
		"<html>\n<head>\n<meta charset=utf-8>\n</head>\n<body>\n<p>x</p>\n</body>\n</html>\n",
		`<p class=MsoNormal>Hi<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p>there<o:p/></p>`,
		`<blockquote>unclosed <div>quote`, `<div><blockquote>x</div>after`, `<p><img src="http://x.example/1.gif" alt="a"><img alt="b"></p>`,
		`<div class="moz-cite-prefix"></div><blockquote>q</blockquote>`, `<div>a@b.de wrote:</div><blockquote>q</blockquote>`,
	} {
		cases["case"+string(rune('A'+i))] = []byte(s)
	}
	for name, data := range cases {
		got, want := parseHTML(data), refParseHTML(data)
		if !reflect.DeepEqual(got.Lines, want.Lines) {
			t.Errorf("%s: lines\n got %s\nwant %s\nhtml: %.300q", name, showLines(got.Lines), showLines(want.Lines), data)
		}
		if !reflect.DeepEqual(got.Links, want.Links) {
			t.Errorf("%s: links\n got %+v\nwant %+v", name, got.Links, want.Links)
		}
		if !reflect.DeepEqual(got.Images, want.Images) {
			t.Errorf("%s: images\n got %+v\nwant %+v", name, got.Images, want.Images)
		}
		if !reflect.DeepEqual(got.CSSURLs, want.CSSURLs) || got.Fonts != want.Fonts {
			t.Errorf("%s: css %q fonts %d, want %q %d", name, got.CSSURLs, got.Fonts, want.CSSURLs, want.Fonts)
		}
	}
}

func showLines(ls []Line) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString("\n   ")
		b.WriteString(strings.TrimSpace(strings.Join([]string{itoa(l.N), boolMark(l.Quote), l.QuoteBy, "|" + l.Text + "|"}, " ")))
	}
	return b.String()
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+n%10))) }

func boolMark(b bool) string {
	if b {
		return "Q"
	}
	return "-"
}
