package filter

// The tree-walking HTML renderer parseHTML replaced, kept as the reference
// the streaming one is compared with (TestParseHTMLMatchesTreeWalk).

import (
	"bytes"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var (
	refCSSURLRe    = regexp.MustCompile(`(?i)url\(\s*['"]?([^'")\s]+)`)
	refFontSizeRe  = regexp.MustCompile(`(?i)font-size\s*:\s*([^;"']+)`)
	refHiddenRe    = regexp.MustCompile(`(?i)display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(\.0*)?\s*(;|$)|(^|[^-])(width|height)\s*:\s*[01]px`)
	refMaxHTMLNode = 200000
)

// htmlParser renders an HTML part into visible lines and collects links,
// images and CSS URLs, marking what is inside a reply quote.
type refHTMLParser struct {
	part    TextPart
	lines   []Line
	cur     []byte // the line being built
	pre     int    // depth of <pre> elements around the text
	curQ    bool
	curBy   string
	fonts   map[string]bool
	nodes   int
	restQ   bool   // Outlook: everything after its header block is quote
	restBy  string // the address in that block
	inLink  *Link
	linkBuf strings.Builder
	// linkLine and imageLine are the lines each link and image stands in.
	linkLine, imageLine []int
}

func refParseHTML(data []byte) TextPart {
	p := &refHTMLParser{fonts: map[string]bool{}}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return TextPart{HTML: true, Lines: splitQuotes(string(data))}
	}
	p.walk(doc, false, "")
	p.flush()
	markQuotes(p.lines)
	p.part.HTML = true
	p.part.Lines = p.lines
	quoteByLine(&p.part, p.linkLine, p.imageLine)
	p.part.Fonts = len(p.fonts)
	return p.part
}

func (p *refHTMLParser) flush() {
	if len(p.cur) > 0 {
		t := string(bytes.TrimSpace(p.cur))
		p.lines = append(p.lines, Line{N: len(p.lines) + 1, Text: t, Quote: p.curQ, QuoteBy: p.curBy})
	}
	p.cur = p.cur[:0]
}

func (p *refHTMLParser) text(s string, quote bool, by string) {
	if len(p.cur) == 0 {
		p.curQ, p.curBy = quote, by
	}
	p.cur = append(p.cur, s...)
	if p.inLink != nil {
		p.linkBuf.WriteString(s)
	}
}

func refHasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func refAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// isQuoteStart reports whether n starts a reply quote in one of the big
// clients' HTML: Gmail's gmail_quote, a cite blockquote (Thunderbird,
// Apple Mail), Outlook's divRplyFwdMsg header block.
func refIsQuoteStart(n *html.Node) bool {
	class := refAttr(n, "class")
	switch {
	case strings.Contains(class, "gmail_quote"), strings.Contains(class, "moz-cite-prefix"),
		strings.Contains(class, "OutlookMessageHeader"), strings.Contains(class, "yahoo_quoted"):
		return true
	case n.DataAtom == atom.Blockquote:
		return true
	}
	return false
}

func refIsOutlookHeader(n *html.Node) bool {
	id := refAttr(n, "id")
	return id == "divRplyFwdMsg" || id == "appendonsend" || (n.DataAtom == atom.Hr && id == "stopSpelling")
}

// nodeText returns the text under n (for attributions).
func refNodeText(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
	}
	f(n)
	return b.String()
}

var refBlockAtoms = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Tr: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Blockquote: true, atom.Table: true,
	atom.Hr: true, atom.Pre: true, atom.Ul: true, atom.Ol: true, atom.Td: true,
}

func (p *refHTMLParser) walk(n *html.Node, quote bool, by string) {
	p.nodes++
	if p.nodes > refMaxHTMLNode {
		return
	}
	if p.restQ {
		quote, by = true, p.restBy
	}
	switch n.Type {
	case html.TextNode:
		if p.pre == 0 {
			p.text(n.Data, quote, by)
			return
		}
		lines := strings.Split(n.Data, "\n")
		for i, l := range lines {
			p.text(l, quote, by)
			if i == len(lines)-1 {
				break
			}
			if len(p.cur) == 0 {
				p.lines = append(p.lines, Line{N: len(p.lines) + 1, Quote: quote, QuoteBy: by})
			} else {
				p.flush()
			}
		}
		return
	case html.ElementNode:
		switch n.DataAtom {
		case atom.Head:
			// The head's style sheets: their URLs, not their fonts.
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && c.DataAtom == atom.Style {
					for t := c.FirstChild; t != nil; t = t.NextSibling {
						for _, m := range refCSSURLRe.FindAllStringSubmatch(t.Data, -1) {
							p.part.CSSURLs = append(p.part.CSSURLs, m[1])
						}
					}
				}
			}
			return
		case atom.Script, atom.Noscript, atom.Title:
			return
		case atom.Style:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				for _, m := range refCSSURLRe.FindAllStringSubmatch(c.Data, -1) {
					p.part.CSSURLs = append(p.part.CSSURLs, m[1])
				}
				for _, m := range refFontSizeRe.FindAllStringSubmatch(c.Data, -1) {
					p.fonts[strings.TrimSpace(m[1])] = true
				}
			}
			return
		}
		style := refAttr(n, "style")
		if style != "" {
			for _, m := range refCSSURLRe.FindAllStringSubmatch(style, -1) {
				p.part.CSSURLs = append(p.part.CSSURLs, m[1])
			}
			for _, m := range refFontSizeRe.FindAllStringSubmatch(style, -1) {
				p.fonts[strings.TrimSpace(m[1])] = true
			}
		}
		if bg := refAttr(n, "background"); bg != "" {
			p.part.CSSURLs = append(p.part.CSSURLs, bg)
		}
		if n.DataAtom == atom.Font && refAttr(n, "size") != "" {
			p.fonts["font "+refAttr(n, "size")] = true
		}
		if refIsOutlookHeader(n) {
			p.restQ, p.restBy = true, quoteAuthor(refNodeText(n))
			quote, by = true, p.restBy
		} else if !quote && refIsQuoteStart(n) {
			quote, by = true, quoteAuthor(refNodeText(refFirstBlock(n)))
			if strings.Contains(refAttr(n, "class"), "moz-cite-prefix") || strings.Contains(refAttr(n, "class"), "gmail_attr") {
				by = quoteAuthor(refNodeText(n))
			}
			// Thunderbird and Apple Mail put the attribution just before
			// the cite blockquote, as its previous sibling.
			if n.DataAtom == atom.Blockquote {
				if prev := refPrevElement(n); prev != nil {
					if strings.Contains(refAttr(prev, "class"), "moz-cite-prefix") || isAttribution(strings.TrimSpace(refNodeText(prev))) {
						by = quoteAuthor(refNodeText(prev))
					}
				}
			}
		}
		if refBlockAtoms[n.DataAtom] {
			p.flush()
		}
		switch n.DataAtom {
		case atom.A:
			href := strings.TrimSpace(refAttr(n, "href"))
			if href != "" {
				p.part.Links = append(p.part.Links, Link{Href: href, Quote: quote, QuoteBy: by})
				p.linkLine = append(p.linkLine, len(p.lines))
				p.inLink = &p.part.Links[len(p.part.Links)-1]
				p.linkBuf.Reset()
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					p.walk(c, quote, by)
				}
				p.part.Links[len(p.part.Links)-1].Text = strings.TrimSpace(p.linkBuf.String())
				p.inLink = nil
				return
			}
		case atom.Img:
			w, h := refAttr(n, "width"), refAttr(n, "height")
			p.imageLine = append(p.imageLine, len(p.lines))
			p.part.Images = append(p.part.Images, Image{
				Src: strings.TrimSpace(refAttr(n, "src")), Width: w, Height: h, Quote: quote, QuoteBy: by,
				Hidden: refHiddenRe.MatchString(style) || refHasAttr(n, "hidden") || w == "0" || h == "0",
			})
			if alt := refAttr(n, "alt"); alt != "" {
				p.text(alt, quote, by)
			}
		case atom.Form, atom.Input:
			if a := refAttr(n, "action"); a != "" {
				p.part.Links = append(p.part.Links, Link{Href: a, Text: "form", Quote: quote, QuoteBy: by})
				p.linkLine = append(p.linkLine, len(p.lines))
			}
		}
	}
	if n.DataAtom == atom.Pre {
		p.pre++
		defer func() { p.pre-- }()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		p.walk(c, quote, by)
	}
	if n.Type == html.ElementNode && refBlockAtoms[n.DataAtom] {
		p.flush()
	}
}

// firstBlock returns what precedes a quote's body: Gmail puts the
// attribution in the quote container's first child.
func refFirstBlock(n *html.Node) *html.Node {
	if n.Parent != nil {
		for c := n.Parent.FirstChild; c != nil && c != n; c = c.NextSibling {
			if c.Type == html.ElementNode && strings.Contains(refAttr(c, "class"), "gmail_attr") {
				return c
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return c
		}
	}
	return n
}

// prevElement returns the element before n among its siblings, skipping
// text and comments.
func refPrevElement(n *html.Node) *html.Node {
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.ElementNode {
			return p
		}
	}
	return nil
}
