// Package filter holds sellergate's message model and the messaging-policy
// engine: a message is parsed once into a Message, which the policy checks and
// the store and relay share.
package filter

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"path"
	"regexp"
	"strings"

	"github.com/emersion/go-message"
	// Registers decoders for non-UTF-8 charsets (ISO-8859-x, windows-125x,
	// ISO-2022-JP, Shift_JIS, EUC-KR, GB18030 …) with go-message.
	_ "github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
	"github.com/gabriel-vasile/mimetype"
)

// Limits bound what parsing reads, so hostile input costs bounded time and memory.
const (
	maxTextPart   = 4 << 20  // bytes of one text part kept for matching
	maxAttachment = 32 << 20 // bytes of one attachment read (more is only counted)
	maxParts      = 500
	maxDepth      = 20
)

// Message is the parsed form of one e-mail, built once per message.
type Message struct {
	// Header is the top-level header as received.
	Header mail.Header
	// Subject is the decoded Subject header.
	Subject string
	// MessageID is the Message-ID without angle brackets.
	MessageID string
	// From lists the addresses of the From header.
	From []*mail.Address
	// OrderIDs lists the Amazon order IDs (123-1234567-1234567) found in the
	// subject and text, first occurrence first.
	OrderIDs []string
	// Texts are the text/plain and text/html parts, decoded to UTF-8.
	Texts []TextPart
	// Attachments are the non-text parts (and text parts sent as attachments).
	Attachments []Attachment
	// Problems lists what was malformed in the message; a malformed message
	// is still checked as far as it can be read.
	Problems []string
	// Unread lists the content the engine could not read (a limit it
	// reached, a structure it cannot take apart, a format it cannot
	// decode): what it did not read may hide anything, so the message is
	// refused or held, never passed.
	Unread []string
}

// TextPart is one text part, split into the seller's new text and quotes.
type TextPart struct {
	HTML bool
	// Lines are the visible lines (for HTML: the rendered text), each with
	// its line number and whether it belongs to a quote.
	Lines []Line
	// Links, Images and CSSURLs come from HTML parts.
	Links   []Link
	Images  []Image
	CSSURLs []string
	// Fonts is the number of distinct font sizes the HTML sets.
	Fonts int
}

// Line is one line of visible text.
type Line struct {
	N    int
	Text string
	// Quote is set when the line is inside a reply quote; QuoteBy is the
	// address the quote's attribution names, if any.
	Quote   bool
	QuoteBy string
}

// Link is an HTML anchor.
type Link struct {
	Href, Text string
	Quote      bool
	QuoteBy    string
	// Image: the anchor wraps a remote image (a linked logo or banner).
	// Like the image itself it is the sender's even inside a quote: a
	// buyer's message reaches the seller through Amazon as text.
	Image bool
}

// Image is an HTML image.
type Image struct {
	Src           string
	Width, Height string
	Hidden        bool
	Quote         bool
	QuoteBy       string
}

// Attachment is a non-text part.
type Attachment struct {
	Name      string
	Declared  string // Content-Type as declared
	Sniffed   string // type detected from the bytes
	Size      int64
	Inline    bool
	ContentID string
	// Data is the whole attachment (up to 32 MB) for types whose content is
	// checked (.txt, .docx, .pdf, .gif), else its first bytes.
	Data        []byte
	Truncated   bool
	AnimatedGIF bool
}

// Parse reads a whole message. It fails only when the header cannot be read
// at all; other defects are listed in Message.Problems.
func Parse(r io.Reader) (*Message, error) {
	e, err := message.Read(r) // buffers r itself
	if e == nil {
		return nil, fmt.Errorf("reading message header: %w", err)
	}
	m := &Message{Header: mail.Header{Header: e.Header}}
	if err != nil {
		m.Problems = append(m.Problems, err.Error())
	}
	if s, err := m.Header.Subject(); err == nil {
		m.Subject = s
	} else {
		m.Subject = m.Header.Get("Subject")
	}
	m.MessageID, _ = m.Header.MessageID()
	if from, err := m.Header.AddressList("From"); err == nil {
		m.From = from
	} else if m.Header.Has("From") {
		m.Problems = append(m.Problems, "unreadable From header: "+err.Error())
	}
	w := &walker{m: m}
	w.walk(e, 0)
	m.OrderIDs = findOrderIDs(m)
	return m, nil
}

type walker struct {
	m     *Message
	parts int
	// buf holds one text part at a time: each part's text is copied out
	// of it, so one buffer serves the whole message.
	buf []byte
}

// readText reads up to limit bytes of r into w.buf and returns them; they
// are valid until the next call.
func (w *walker) readText(r io.Reader, limit int64) ([]byte, error) {
	if w.buf == nil {
		w.buf = make([]byte, 0, 4<<10)
	}
	b := w.buf[:0]
	lr := io.LimitedReader{R: r, N: limit}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := lr.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			w.buf = b
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
	}
}

func (w *walker) walk(e *message.Entity, depth int) {
	w.parts++
	if w.parts > maxParts {
		if w.parts == maxParts+1 {
			w.unread(fmt.Sprintf("more than %d MIME parts", maxParts))
		}
		return
	}
	if depth > maxDepth {
		w.unread(fmt.Sprintf("MIME parts nested deeper than %d", maxDepth))
		return
	}
	ct, params := contentType(e)
	if strings.HasPrefix(ct, "multipart/") {
		w.multipart(e, params["boundary"], depth)
		return
	}
	disp, dparams, _ := e.Header.ContentDisposition()
	name := attachmentName(e, dparams["filename"], params["name"])
	if strings.HasPrefix(ct, "text/") && disp != "attachment" && name == "" || ct == "" && disp == "" {
		data, err := w.readText(e.Body, maxTextPart)
		if err != nil {
			w.m.Problems = append(w.m.Problems, "unreadable text part: "+err.Error())
			w.unread("a text part that cannot be decoded: " + err.Error())
		}
		// A longer part is more text than the check's budget: it is held
		// for review (format.too-long).
		io.Copy(io.Discard, e.Body)
		if ct == "text/html" {
			part := parseHTML(data)
			for _, u := range hiddenImages(data) {
				part.Images = append(part.Images, Image{Src: u, Hidden: true})
			}
			w.m.Texts = append(w.m.Texts, part)
		} else {
			w.m.Texts = append(w.m.Texts, TextPart{Lines: splitQuotes(string(data))})
		}
		return
	}
	if ct == "message/rfc822" || ct == "message/global" {
		// A forwarded message: its text is read like the message's own.
		inner, err := message.Read(e.Body)
		if inner == nil {
			w.unread("an attached message whose header cannot be read: " + err.Error())
			return
		}
		w.walk(inner, depth+1)
		io.Copy(io.Discard, e.Body)
		return
	}
	if ct == "application/ms-tnef" || ct == "application/vnd.ms-tnef" || strings.EqualFold(name, "winmail.dat") {
		// Outlook's rich text: no maintained reader could be had here.
		w.unread("Outlook rich text (winmail.dat) cannot be read: send the message as HTML or plain text")
	}
	// Only attachments whose text is checked are kept whole (bounded);
	// for the rest the first bytes tell the type, and the size is counted.
	keep := int64(3072)
	if ext := strings.ToLower(path.Ext(name)); ext == ".txt" || ext == ".docx" || ext == ".pdf" || ext == ".gif" {
		keep = maxAttachment
	}
	data, err := io.ReadAll(io.LimitReader(e.Body, keep))
	if err != nil {
		w.m.Problems = append(w.m.Problems, fmt.Sprintf("unreadable attachment %q: %v", name, err))
	}
	rest, _ := io.Copy(io.Discard, e.Body)
	a := Attachment{
		Name: name, Declared: ct, Size: int64(len(data)) + rest, Data: data, Truncated: rest > 0 && keep == maxAttachment,
		Inline:    disp == "inline" || disp == "" && e.Header.Get("Content-Id") != "",
		ContentID: strings.Trim(e.Header.Get("Content-Id"), "<> "),
	}
	a.Sniffed = mimetype.Detect(data).String()
	if i := strings.IndexByte(a.Sniffed, ';'); i > 0 {
		a.Sniffed = a.Sniffed[:i]
	}
	a.AnimatedGIF = a.Sniffed == "image/gif" && bytes.Count(data, []byte{0x21, 0xF9, 0x04}) > 1
	if a.Name == "" && a.Inline {
		a.Name = "inline" + extFor(a.Sniffed)
	}
	w.m.Attachments = append(w.m.Attachments, a)
}

// attachmentName is a part's file name: the RFC 2231 one first, in its
// own charset (Go's mime package drops an ISO-2022-JP name's first
// segment and keeps the rest), then the plain one, encoded words decoded.
func attachmentName(e *message.Entity, filename, name string) string {
	if n := extendedParam(e.Header.Get("Content-Disposition"), "filename"); n != "" {
		return n
	}
	if filename == "" {
		filename = name
	}
	if filename == "" {
		filename = extendedParam(e.Header.Get("Content-Type"), "name")
	}
	return decodeWord(filename)
}

// contentType returns an entity's media type and parameters, read as mail
// clients read them: a parameter whose ';' is missing after a quoted value
// ("boundary=\"…\"\n\ttype=\"multipart/alternative\"") still counts.
func contentType(e *message.Entity) (string, map[string]string) {
	ct, params, err := e.Header.ContentType()
	if err == nil {
		return ct, params
	}
	fixed := missingSemicolon.ReplaceAllString(e.Header.Get("Content-Type"), `"; $1=`)
	if ct2, params2, err := mime.ParseMediaType(fixed); err == nil {
		return ct2, params2
	}
	return ct, params
}

// missingSemicolon is a quoted parameter value followed by the next
// parameter without the ';' between them.
var missingSemicolon = regexp.MustCompile(`"\s+([A-Za-z][A-Za-z0-9-]*)=`)

// unread notes content the engine did not read.
func (w *walker) unread(why string) {
	w.m.Unread = append(w.m.Unread, why)
}

// multipartPeek is how much of a multipart body is kept while its parts
// are read: when no part turns up (a boundary that never appears), the
// body is what a client shows as text.
const multipartPeek = 64 << 10

// multipart walks the parts of a multipart entity. One without a boundary,
// or whose boundary never appears, is read as the text a client shows.
func (w *walker) multipart(e *message.Entity, boundary string, depth int) {
	if boundary == "" {
		w.textBody(e.Body, "a multipart without a boundary")
		return
	}
	peek := &peekReader{r: e.Body, max: multipartPeek}
	mr := textproto.NewMultipartReader(peek, boundary)
	parts := 0
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if parts == 0 {
				w.boundaryless(peek, e.Body)
				return
			}
			w.m.Problems = append(w.m.Problems, "malformed multipart: "+err.Error())
			w.unread("a multipart broken after its first parts: " + err.Error())
			return
		}
		parts++
		pe, err := message.New(message.Header{Header: p.Header}, p)
		if pe == nil {
			w.unread("a MIME part whose header cannot be read: " + err.Error())
			continue
		}
		w.walk(pe, depth+1)
	}
	if parts == 0 {
		w.boundaryless(peek, e.Body)
	}
}

// boundaryless reads a multipart body in which no boundary appeared as
// text: what the multipart reader consumed (kept by peek) and the rest.
func (w *walker) boundaryless(peek *peekReader, rest io.Reader) {
	if peek.lost() {
		w.unread(fmt.Sprintf("a multipart whose boundary never appears, longer than %d bytes", multipartPeek))
	}
	w.textBody(io.MultiReader(bytes.NewReader(peek.buf), rest), "a multipart whose boundary never appears")
}

// textBody reads a body a client would show as text, as text; the
// problem it stands for is noted.
func (w *walker) textBody(r io.Reader, problem string) {
	w.m.Problems = append(w.m.Problems, problem+": read as text")
	data, err := w.readText(r, maxTextPart)
	if err != nil {
		w.unread("unreadable text: " + err.Error())
	}
	io.Copy(io.Discard, r) // more is over the check's budget: held (format.too-long)
	w.m.Texts = append(w.m.Texts, TextPart{Lines: splitQuotes(string(data))})
}

// peekReader keeps the first bytes read through it.
type peekReader struct {
	r    io.Reader
	buf  []byte
	max  int
	read int // bytes read through it
}

// lost reports whether more was read through p than it kept.
func (p *peekReader) lost() bool { return p.read > len(p.buf) }

func (p *peekReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.read += n
	if room := p.max - len(p.buf); room > 0 {
		p.buf = append(p.buf, b[:min(n, room)]...)
	}
	return n, err
}

var wordDecoder = mime.WordDecoder{}

// decodeWord decodes an RFC 2047 encoded file name some clients send
// instead of RFC 2231 (go-message decodes the latter).
func decodeWord(s string) string {
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		return d
	}
	return s
}

func extFor(mt string) string {
	if exts, _ := mime.ExtensionsByType(mt); len(exts) > 0 {
		return exts[0]
	}
	return ""
}

// Ext returns the attachment's lower-case file extension with its dot.
func (a *Attachment) Ext() string { return strings.ToLower(path.Ext(a.Name)) }

// findOrderIDs collects order IDs from the subject and the seller's text,
// then the quotes.
func findOrderIDs(m *Message) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		for _, id := range orderIDsIn(s) {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	add(m.Subject)
	for _, quoted := range []bool{false, true} {
		for _, t := range m.Texts {
			for _, l := range t.Lines {
				if l.Quote == quoted && strings.IndexByte(l.Text, '-') >= 0 {
					add(l.Text)
				}
			}
		}
	}
	return out
}

// orderIDsIn returns the order IDs in s: 3, 7 and 7 digits joined by
// hyphens (what \d{3}-\d{7}-\d{7} finds, without running an expression
// over every line).
func orderIDsIn(s string) []string {
	var out []string
	end := 0 // matches do not overlap
	for i := strings.IndexByte(s, '-'); i >= 0 && i+16 <= len(s); {
		if start := i - 3; start >= end && isOrderID(s[start:start+19]) {
			out = append(out, s[start:start+19])
			end = start + 19
			i = end
		} else {
			i++
		}
		j := strings.IndexByte(s[i:], '-')
		if j < 0 {
			break
		}
		i += j
	}
	return out
}

func isOrderID(s string) bool {
	for k := 0; k < 19; k++ {
		switch k {
		case 3, 11:
			if s[k] != '-' {
				return false
			}
		default:
			if s[k] < '0' || s[k] > '9' {
				return false
			}
		}
	}
	return true
}

// Text returns the message's subject and the visible lines of all its
// text parts, one per line: what a buyer message on record holds, for
// Envelope.BuyerText.
func (m *Message) Text() string {
	var b strings.Builder
	b.WriteString(m.Subject)
	for _, t := range m.Texts {
		for _, l := range t.Lines {
			b.WriteByte('\n')
			b.WriteString(l.Text)
		}
	}
	return b.String()
}

// TextDigest is the SHA-256 of the message's own text (quotes aside, the
// plain part when there is one), white space folded and lower case: the
// same text sent again has the same digest whatever its headers.
func (m *Message) TextDigest() string {
	h := sha256.New()
	for _, tp := range m.Texts {
		if tp.HTML && len(m.Texts) > 1 {
			continue // the plain part says the same
		}
		for _, l := range tp.Lines {
			if !l.Quote {
				io.WriteString(h, strings.Join(strings.Fields(strings.ToLower(l.Text)), " "))
				h.Write([]byte{'\n'})
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
