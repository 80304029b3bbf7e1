package filter

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var (
	cssURLRe   = regexp.MustCompile(`(?i)url\(\s*['"]?([^'")\s]+)`)
	fontSizeRe = regexp.MustCompile(`(?i)font-size\s*:\s*([^;"']+)`)
	hiddenRe   = regexp.MustCompile(`(?i)display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(\.0*)?\s*(;|$)|(^|[^-])(width|height)\s*:\s*[01]px`)
)

// maxHTMLTokens bounds the tokens of one HTML part that are looked at.
const maxHTMLTokens = 200000

// Markers for a quote author not known yet: the quote's attribution comes
// after the element that starts the quote, and lines, links and images
// met before it is read get their author when it is.
const (
	pendingQuote   = "\x00quote"   // a quote container's attribution
	pendingOutlook = "\x00outlook" // Outlook's header block
)

// htmlParser renders an HTML part into visible lines and collects links,
// images and CSS URLs, marking what is inside a reply quote. It works on
// the token stream, one pass, no tree: the structures it needs (an
// element's text, its previous sibling, its first child) are tracked on a
// stack of open elements.
type htmlParser struct {
	z     *html.Tokenizer
	part  TextPart
	lines []Line
	// out holds the text of every line, the one being built last (from
	// lineAt); spans are where each finished line's text is in it. The
	// lines get their text, one string for all, at the end.
	out    []byte
	lineAt int
	spans  [][2]int
	curQ   bool
	curBy  string
	fonts  map[string]bool
	stack  []frame
	// all is every text token, each followed by a space: an element's text
	// (for attributions) is a span of it.
	all    []byte
	body   bool   // past the document's head: text and styles count
	restQ  bool   // Outlook: everything after its header block is quote
	restBy string // the address in that block
	link   int    // index in part.Links of the open anchor, or -1
	lbuf   []byte // the open anchor's text

	// linkLine and imageLine are the lines each link and image stands in.
	linkLine, imageLine []int
	// rawOpen is the text of a script, style, title … not closed yet (nil
	// when none is open).
	rawOpen []byte

	// Where the pending authors were first used.
	qLines, qLinks, qImages int
	oLines, oLinks, oImages int
}

// frame is one open element.
type frame struct {
	a      atom.Atom
	name   string // when a is 0
	quote  bool
	by     string
	textAt int // where the element's text starts in all
	// resolve is set on an element whose end gives a pending author:
	// pendingQuote or pendingOutlook.
	resolve string
	// firstChild is set on a quote container whose attribution is its
	// first child element's text.
	firstChild bool
	link       bool // an anchor whose text is being collected
	attrClass  bool // class moz-cite-prefix or gmail_attr
	gmailAttr  bool // class gmail_attr
	// The last closed child element: its text span and class.
	prevFrom, prevTo  int
	prevCite, hasPrev bool
	// The first closed child with class gmail_attr.
	attrFrom, attrTo int
	hasAttr          bool
	children         int // child elements started
}

func parseHTML(data []byte) TextPart {
	p := &htmlParser{z: html.NewTokenizer(bytes.NewReader(data)), fonts: map[string]bool{}, link: -1}
	size := textSize(data) + 64
	p.all, p.out = make([]byte, 0, size), make([]byte, 0, size)
	// A line takes a tag or more to end (most take several): room for the
	// lines at once, mostly.
	n := bytes.Count(data, []byte("<"))/4 + 4
	p.lines, p.spans = make([]Line, 0, n), make([][2]int, 0, n)
	// The document itself: the parent of the top-level elements (a
	// browser's implied body), never closed.
	p.stack = append(p.stack, frame{})
	for n := 0; n < maxHTMLTokens; n++ {
		tt := p.z.Next()
		if tt == html.ErrorToken {
			// A tag left open at the end swallowed what follows it.
			if raw := p.z.Raw(); len(raw) > 0 {
				p.hiddenTail(raw)
			}
			break
		}
		switch tt {
		case html.CommentToken:
			if raw := p.z.Raw(); !bytes.HasSuffix(raw, []byte("-->")) {
				p.hiddenTail(raw) // a comment never closed hides the rest
			}
		case html.TextToken:
			p.textToken(p.z.Text())
		case html.StartTagToken, html.SelfClosingTagToken:
			p.startTag()
		case html.EndTagToken:
			p.endTag()
		}
	}
	if p.rawOpen != nil {
		// A script or style never closed: its "content" is the rest of
		// the document, which a sloppy client may well show.
		p.hiddenTail(p.rawOpen)
	}
	for len(p.stack) > 1 {
		p.pop()
	}
	p.flush()
	text := string(p.out)
	for i, sp := range p.spans {
		p.lines[i].Text = text[sp[0]:sp[1]]
	}
	if len(p.lines) == 0 {
		p.lines = nil
	}
	markQuotes(p.lines)
	p.part.HTML = true
	p.part.Lines = p.lines
	quoteByLine(&p.part, p.linkLine, p.imageLine)
	p.part.Fonts = len(p.fonts)
	return p.part
}

// quoteByLine marks the links and images that stand in lines the text's
// own quote marks found (an attribution, Outlook's header block drawn with
// a border only) as quoted too; linkLine and imageLine give the line each
// stands in.
func quoteByLine(part *TextPart, linkLine, imageLine []int) {
	lines := part.Lines
	for i := range part.Links {
		if l := linkLine[i]; !part.Links[i].Quote && l < len(lines) && lines[l].Quote {
			part.Links[i].Quote, part.Links[i].QuoteBy = true, lines[l].QuoteBy
		}
	}
	for i := range part.Images {
		if l := imageLine[i]; !part.Images[i].Quote && l < len(lines) && lines[l].Quote {
			part.Images[i].Quote, part.Images[i].QuoteBy = true, lines[l].QuoteBy
		}
	}
}

// textSize estimates the text of an HTML document: its bytes outside tags.
func textSize(data []byte) int {
	n := 0
	for {
		i := bytes.IndexByte(data, '<')
		if i < 0 {
			return n + len(data)
		}
		n += i
		j := bytes.IndexByte(data[i:], '>')
		if j < 0 {
			return n
		}
		data = data[i+j+1:]
	}
}

// where returns the quote state for content at this point.
func (p *htmlParser) where() (bool, string) {
	if p.restQ {
		return true, p.restBy
	}
	f := p.parent()
	return f.quote, f.by
}

func (p *htmlParser) textToken(t []byte) {
	from := len(p.all)
	p.all = append(append(p.all, t...), ' ')
	switch p.parent().a {
	case atom.Style:
		p.rawOpen = append(p.rawOpen[:0], t...)
		if p.body {
			p.css(string(t))
		} else {
			// The head's style sheet: the client's font sizes are no
			// part of the message's formatting, but a background it
			// fetches is a pixel like any other.
			p.cssURLs(string(t))
		}
		return
	case atom.Script, atom.Noscript, atom.Title, atom.Head, atom.Textarea, atom.Xmp, atom.Noembed, atom.Noframes, atom.Iframe:
		p.rawOpen = append(p.rawOpen[:0], t...)
		return
	}
	if !p.body {
		if len(bytes.TrimSpace(t)) == 0 {
			// White space around the head is not text.
			p.all = p.all[:from]
			return
		}
		p.startBody()
	}
	q, by := p.where()
	if p.inPre() && bytes.IndexByte(t, '\n') >= 0 {
		p.preText(t, q, by)
		return
	}
	p.text(t, q, by)
}

// inPre reports whether the text stands in a <pre>, whose line breaks
// are the lines a client shows (Thunderbird quotes plain text so).
func (p *htmlParser) inPre() bool {
	for i := len(p.stack) - 1; i >= 0; i-- {
		if p.stack[i].a == atom.Pre {
			return true
		}
	}
	return false
}

// preText writes a <pre>'s text line by line, its empty lines too: the
// blocks of a quote are told apart by them.
func (p *htmlParser) preText(t []byte, q bool, by string) {
	for {
		i := bytes.IndexByte(t, '\n')
		if i < 0 {
			p.text(t, q, by)
			return
		}
		p.text(t[:i], q, by)
		if len(bytes.TrimSpace(p.out[p.lineAt:])) == 0 {
			p.out = p.out[:p.lineAt]
			p.spans = append(p.spans, [2]int{p.lineAt, p.lineAt})
			p.lines = append(p.lines, Line{N: len(p.lines) + 1, Quote: q, QuoteBy: by})
		} else {
			p.flush()
		}
		t = t[i+1:]
	}
}

// hiddenTail reads text that markup left open at the end of the document
// hides (an unclosed script, tag or comment) as a line of its own, its
// tags dropped: the engine reads what a client might show.
func (p *htmlParser) hiddenTail(raw []byte) {
	text := bytes.TrimPrefix(raw, []byte("<!--"))
	text = anyTag.ReplaceAll(text, []byte(" "))
	text = openTag.ReplaceAll(text, []byte(" "))
	if len(bytes.TrimSpace(text)) == 0 {
		return
	}
	p.flush()
	q, by := p.where()
	p.text(text, q, by)
	p.flush()
}

// anyTag is a complete tag; openTag the name of one cut off at the end.
var (
	anyTag  = regexp.MustCompile(`<[^>]*>`)
	openTag = regexp.MustCompile(`<[!/]?[A-Za-z][A-Za-z0-9:-]*`)
)

// startBody ends the document's head, as a browser does at the first
// content that cannot be in it.
func (p *htmlParser) startBody() {
	p.body = true
	for i := range p.stack {
		if p.stack[i].a == atom.Head {
			for len(p.stack) > i {
				p.pop()
			}
			return
		}
	}
}

// headElement reports whether a may be in a document's head.
func headElement(a atom.Atom) bool {
	switch a {
	case atom.Html, atom.Head, atom.Meta, atom.Link, atom.Style, atom.Script, atom.Title, atom.Base,
		atom.Noscript, atom.Template, atom.Basefont, atom.Bgsound:
		return true
	}
	return false
}

// voidElement reports whether a never has content or an end tag.
func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input, atom.Link,
		atom.Meta, atom.Param, atom.Source, atom.Track, atom.Wbr, atom.Keygen:
		return true
	}
	return false
}

// blockElement reports whether a starts and ends a line of text.
func blockElement(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Br, atom.Li, atom.Tr, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Blockquote, atom.Table, atom.Hr, atom.Pre, atom.Ul, atom.Ol, atom.Td:
		return true
	}
	return false
}

// The attributes the parser reads.
const (
	attrClass = iota
	attrID
	attrStyle
	attrHref
	attrSrc
	attrWidth
	attrHeight
	attrAlt
	attrHidden
	attrAction
	attrBackground
	attrSize
	numAttrs
)

// attrIndex returns the index of the attribute named k, or -1.
func attrIndex(k []byte) int {
	switch string(k) {
	case "class":
		return attrClass
	case "id":
		return attrID
	case "style":
		return attrStyle
	case "href":
		return attrHref
	case "src":
		return attrSrc
	case "width":
		return attrWidth
	case "height":
		return attrHeight
	case "alt":
		return attrAlt
	case "hidden":
		return attrHidden
	case "action":
		return attrAction
	case "background":
		return attrBackground
	case "size":
		return attrSize
	}
	return -1
}

// tagAttrs holds a tag's values of the attributes the parser reads (the
// first of each), and which it has.
type tagAttrs struct {
	v   [numAttrs]string
	has [numAttrs]bool
}

func (p *htmlParser) readAttrs(more bool) tagAttrs {
	var t tagAttrs
	for more {
		var k, v []byte
		k, v, more = p.z.TagAttr()
		if i := attrIndex(k); i >= 0 && !t.has[i] {
			t.v[i], t.has[i] = string(v), true
		}
	}
	return t
}

func (p *htmlParser) startTag() {
	name, more := p.z.TagName()
	a := atom.Lookup(name)
	var sname string
	if a == 0 {
		sname = string(name)
	}
	at := p.readAttrs(more)
	if !headElement(a) {
		p.startBody()
	} else if a == atom.Head && p.body {
		return // a late head is ignored
	}

	// Being a child of the open element: the quote container waiting for
	// its first child's text remembers which child that is.
	p.parent().children++
	quote, by := p.where()
	f := frame{a: a, name: sname, textAt: len(p.all)}
	f.gmailAttr = strings.Contains(at.v[attrClass], "gmail_attr")
	f.attrClass = f.gmailAttr || strings.Contains(at.v[attrClass], "moz-cite-prefix")

	if at.v[attrStyle] != "" {
		p.css(at.v[attrStyle])
	}
	if at.v[attrBackground] != "" {
		p.part.CSSURLs = append(p.part.CSSURLs, at.v[attrBackground])
	}
	if a == atom.Font && at.v[attrSize] != "" {
		p.fonts["font "+at.v[attrSize]] = true
	}
	if at.v[attrID] == "divRplyFwdMsg" || at.v[attrID] == "appendonsend" || (a == atom.Hr && at.v[attrID] == "stopSpelling") {
		// Outlook's header block: it and everything after it is quote,
		// by the address the block names.
		p.restQ, p.restBy = true, pendingOutlook
		p.oLines, p.oLinks, p.oImages = len(p.lines), len(p.part.Links), len(p.part.Images)
		quote, by = true, pendingOutlook
		f.resolve = pendingOutlook
	} else if !quote && isQuoteStart(a, at.v[attrClass]) {
		quote = true
		by = pendingQuote
		f.resolve = pendingQuote
		parent := p.parent()
		switch {
		case f.attrClass:
			// The container is the attribution: its own text.
		case parent.hasAttr:
			// Gmail: the attribution is an earlier sibling.
			by, f.resolve = quoteAuthor(string(p.all[parent.attrFrom:parent.attrTo])), ""
		default:
			f.firstChild = true
		}
		// Thunderbird and Apple Mail put the attribution just before the
		// cite blockquote, as its previous sibling.
		if a == atom.Blockquote && parent.hasPrev {
			t := string(p.all[parent.prevFrom:parent.prevTo])
			// An attribution without an address names nobody (""): the
			// quote's own first lines are the buyer's words, not its author.
			if parent.prevCite || isAttribution(strings.TrimSpace(t)) {
				by, f.resolve, f.firstChild = quoteAuthor(t), "", false
			}
		}
		if f.resolve != "" {
			p.qLines, p.qLinks, p.qImages = len(p.lines), len(p.part.Links), len(p.part.Images)
		}
	}
	f.quote, f.by = quote, by

	if blockElement(a) {
		p.flush()
	}
	switch a {
	case atom.A:
		if href := strings.TrimSpace(at.v[attrHref]); href != "" {
			p.endLink()
			p.part.Links = append(p.part.Links, Link{Href: href, Quote: quote, QuoteBy: by})
			p.linkLine = append(p.linkLine, len(p.lines))
			p.link = len(p.part.Links) - 1
			p.lbuf = p.lbuf[:0]
			f.link = true
		}
	case atom.Img:
		p.imageLine = append(p.imageLine, len(p.lines))
		p.part.Images = append(p.part.Images, Image{
			Src: strings.TrimSpace(at.v[attrSrc]), Width: at.v[attrWidth], Height: at.v[attrHeight], Quote: quote, QuoteBy: by,
			Hidden: hiddenRe.MatchString(at.v[attrStyle]) || at.has[attrHidden] || at.v[attrWidth] == "0" || at.v[attrHeight] == "0",
		})
		if p.link >= 0 && remoteSrc(at.v[attrSrc]) {
			p.part.Links[p.link].Image = true
		}
		if at.v[attrAlt] != "" {
			p.text([]byte(at.v[attrAlt]), quote, by)
		}
	case atom.Form, atom.Input:
		if at.v[attrAction] != "" {
			p.part.Links = append(p.part.Links, Link{Href: at.v[attrAction], Text: "form", Quote: quote, QuoteBy: by})
			p.linkLine = append(p.linkLine, len(p.lines))
		}
	}
	p.stack = append(p.stack, f)
	// As in a browser, "<div/>" opens a div: only void elements close at once.
	if voidElement(a) {
		p.pop()
	}
}

// parent is the innermost open element (or the document).
func (p *htmlParser) parent() *frame { return &p.stack[len(p.stack)-1] }

func (p *htmlParser) endTag() {
	p.rawOpen = p.rawOpen[:0:0]
	name, _ := p.z.TagName()
	a := atom.Lookup(name)
	if a == atom.Br {
		p.flush() // </br> is read as <br>
		return
	}
	for i := len(p.stack) - 1; i > 0; i-- {
		f := &p.stack[i]
		if f.a == a && (a != 0 || f.name == string(name)) {
			for len(p.stack) > i {
				p.pop()
			}
			return
		}
	}
}

// pop closes the innermost open element (never the document).
func (p *htmlParser) pop() {
	n := len(p.stack) - 1
	f := p.stack[n]
	p.stack = p.stack[:n]
	if f.link {
		p.endLink()
	}
	if blockElement(f.a) {
		p.flush()
	}
	text := func() string { return string(p.all[f.textAt:len(p.all)]) }
	switch {
	case f.resolve == pendingOutlook:
		p.settle(pendingOutlook, headerAuthor(text()))
	case f.resolve == pendingQuote && !f.firstChild:
		p.settle(pendingQuote, quoteAuthor(text()))
	case f.resolve == pendingQuote && f.children == 0:
		// No child element: the container's own text.
		p.settle(pendingQuote, quoteAuthor(text()))
	}
	parent := &p.stack[n-1]
	if parent.firstChild && parent.children == 1 {
		// The quote container's first child element: the attribution.
		parent.firstChild = false
		parent.resolve = ""
		p.settle(pendingQuote, quoteAuthor(text()))
	}
	parent.prevFrom, parent.prevTo, parent.prevCite, parent.hasPrev = f.textAt, len(p.all), f.attrClass, true
	if f.gmailAttr && !parent.hasAttr {
		parent.attrFrom, parent.attrTo, parent.hasAttr = f.textAt, len(p.all), true
	}
}

// settle gives the pending author marker its address wherever it was used.
func (p *htmlParser) settle(marker, by string) {
	lines, links, images := p.qLines, p.qLinks, p.qImages
	if marker == pendingOutlook {
		lines, links, images = p.oLines, p.oLinks, p.oImages
		if p.restBy == marker {
			p.restBy = by
		}
	}
	for i := lines; i < len(p.lines); i++ {
		if p.lines[i].QuoteBy == marker {
			p.lines[i].QuoteBy = by
		}
	}
	for i := links; i < len(p.part.Links); i++ {
		if p.part.Links[i].QuoteBy == marker {
			p.part.Links[i].QuoteBy = by
		}
	}
	for i := images; i < len(p.part.Images); i++ {
		if p.part.Images[i].QuoteBy == marker {
			p.part.Images[i].QuoteBy = by
		}
	}
	if p.curBy == marker {
		p.curBy = by
	}
	for i := range p.stack {
		if p.stack[i].by == marker {
			p.stack[i].by = by
		}
	}
}

// remoteSrc reports whether an image's src is fetched from a server.
func remoteSrc(src string) bool {
	src = strings.ToLower(strings.TrimSpace(src))
	return strings.HasPrefix(src, "http:") || strings.HasPrefix(src, "https:") || strings.HasPrefix(src, "//")
}

// cssURLs collects the URLs a style sheet fetches.
func (p *htmlParser) cssURLs(s string) {
	if containsFold(s, "url(") {
		for _, m := range cssURLRe.FindAllStringSubmatch(s, -1) {
			p.part.CSSURLs = append(p.part.CSSURLs, m[1])
		}
	}
}

func (p *htmlParser) endLink() {
	if p.link >= 0 {
		p.part.Links[p.link].Text = string(bytes.TrimSpace(p.lbuf))
		p.link = -1
	}
}

// css collects the URLs and font sizes of a style attribute or element.
func (p *htmlParser) css(s string) {
	p.cssURLs(s)
	if containsFold(s, "font-size") {
		for _, m := range fontSizeRe.FindAllStringSubmatch(s, -1) {
			p.fonts[strings.TrimSpace(m[1])] = true
		}
	}
}

// containsFold reports whether s contains the lower-case ASCII word w in
// any case (as (?i) matches it).
func containsFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if s[i]|0x20 == w[0] && strings.EqualFold(s[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

func (p *htmlParser) flush() {
	if len(p.out) == p.lineAt {
		return
	}
	// The line's text without the white space around it.
	line := p.out[p.lineAt:]
	t := bytes.TrimLeftFunc(line, unicode.IsSpace)
	from := p.lineAt + len(line) - len(t)
	to := from + len(bytes.TrimRightFunc(t, unicode.IsSpace))
	copy(p.out[p.lineAt:], p.out[from:to])
	p.out = p.out[:p.lineAt+to-from]
	p.spans = append(p.spans, [2]int{p.lineAt, len(p.out)})
	p.lineAt = len(p.out)
	p.lines = append(p.lines, Line{N: len(p.lines) + 1, Quote: p.curQ, QuoteBy: p.curBy})
}

func (p *htmlParser) text(s []byte, quote bool, by string) {
	if len(p.out) == p.lineAt {
		p.curQ, p.curBy = quote, by
	}
	p.out = append(p.out, s...)
	if p.link >= 0 {
		p.lbuf = append(p.lbuf, s...)
	}
}

// isQuoteStart reports whether an element starts a reply quote in one of
// the big clients' HTML: Gmail's gmail_quote, a cite blockquote
// (Thunderbird, Apple Mail), Outlook's divRplyFwdMsg header block.
func isQuoteStart(a atom.Atom, class string) bool {
	return a == atom.Blockquote || strings.Contains(class, "gmail_quote") || strings.Contains(class, "moz-cite-prefix") ||
		strings.Contains(class, "OutlookMessageHeader") || strings.Contains(class, "yahoo_quoted")
}
