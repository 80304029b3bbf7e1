package filter

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// PDF text limits: what an invoice or a manual needs, and no more.
const (
	maxPDFPages = 50
	maxPDFText  = 1 << 20
)

// pdfPages returns the plain text of each page of a PDF attachment, using
// a PDF library (not a hand-written parser). A PDF the library cannot
// read, or that makes it fail, yields an error, never a crash.
func pdfPages(data []byte) (pages []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			pages, err = nil, fmt.Errorf("unreadable PDF: %v", r)
		}
	}()
	rd, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("unreadable PDF: %w", err)
	}
	total := 0
	for i := 1; i <= rd.NumPage() && i <= maxPDFPages && total < maxPDFText; i++ {
		p := rd.Page(i)
		if p.V.IsNull() {
			pages = append(pages, "")
			continue
		}
		text, err := pageText(p)
		if err != nil && err != io.EOF {
			pages = append(pages, "")
			continue
		}
		if total+len(text) > maxPDFText {
			text = text[:maxPDFText-total]
		}
		total += len(text)
		pages = append(pages, lostLineBreaks(utf16Lines(strings.ReplaceAll(text, "\r", "\n"))))
	}
	return pages, nil
}

// pageText returns the text a page shows, read with the library's
// content-stream interpreter and fonts, a line break wherever a line
// starts: at a "next line" operator, and where the text is placed lower or
// higher (Td, TD, Tm), as invoices written line by line at positions do —
// the library's GetPlainText runs such lines together ("HammTel. 02381"),
// so that an invoice's table reads as one sentence.
func pageText(p pdf.Page) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			text, err = "", fmt.Errorf("unreadable page: %v", r)
		}
	}()
	strm := p.V.Key("Contents")
	if strm.IsNull() {
		return "", nil
	}
	fonts := map[string]*pdf.Font{}
	var enc pdf.TextEncoding = rawEncoding{}
	var b strings.Builder
	y, placed := 0.0, false
	show := func(v pdf.Value) {
		if b.Len() < maxPDFText {
			b.WriteString(utf16Text(enc.Decode(v.RawString())))
		}
	}
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "BT", "T*":
			b.WriteByte('\n')
		case "Td", "TD":
			if len(args) == 2 && args[1].Float64() != 0 {
				b.WriteByte('\n')
			}
		case "Tm":
			if len(args) == 6 {
				if ny := args[5].Float64(); placed && ny != y {
					b.WriteByte('\n')
				}
				y, placed = args[5].Float64(), true
			}
		case "Tf":
			if len(args) == 2 {
				name := args[0].Name()
				f, ok := fonts[name]
				if !ok {
					font := p.Font(name)
					f = &font
					fonts[name] = f
				}
				enc = f.Encoder()
			}
		case "'", "\"":
			b.WriteByte('\n')
			if len(args) > 0 {
				show(args[len(args)-1])
			}
		case "Tj":
			if len(args) == 1 {
				show(args[0])
			}
		case "TJ":
			if len(args) == 1 {
				for i := 0; i < args[0].Len(); i++ {
					if x := args[0].Index(i); x.Kind() == pdf.String {
						show(x)
					}
				}
			}
		}
	})
	return b.String(), nil
}

// rawEncoding reads a font's codes as they are, where the page names no
// font the library knows.
type rawEncoding struct{}

// Decode implements pdf.TextEncoding.
func (rawEncoding) Decode(raw string) string { return raw }

// utf16Lines decodes the lines of a page that are UTF-16 rather than text:
// a CJK font with a UCS-2 encoding and no ToUnicode map gives its codes
// as they are ("\x00h\x00t\x00t\x00p…"), and a coupon in Japanese would
// go unread.
func utf16Lines(page string) string {
	if strings.IndexByte(page, 0) < 0 && utf8.ValidString(page) {
		return page
	}
	lines := strings.Split(page, "\n")
	for i, l := range lines {
		lines[i] = utf16Text(l)
	}
	return strings.Join(lines, "\n")
}

// utf16Text decodes s as UTF-16 if it is not text: it holds a NUL or is
// not UTF-8. The strings of one line may mix such a font's codes with a
// Latin font's text ("請求書番号: WDL-2024"), so pageText decodes each
// string by itself.
func utf16Text(s string) string {
	if len(s) < 2 || utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	b := []byte(s)
	if len(b)%2 == 1 {
		b = b[:len(b)-1]
	}
	u := make([]uint16, len(b)/2)
	for k := range u {
		u[k] = uint16(b[2*k])<<8 | uint16(b[2*k+1])
	}
	return string(utf16.Decode(u))
}

// lostLineBreaks puts back the line breaks a PDF's text lost where its
// lines are placed by position (Td) rather than by "next line" operators:
// "… nulla.Il rimborso …" (a sentence ending at a line's end, the next
// starting a line) is two sentences, not the domain nulla.il. Only a
// lower-case letter, a dot and a capitalized word qualify: a domain is
// written in lower case (and "www." always starts one).
func lostLineBreaks(page string) string {
	var b strings.Builder
	last := 0
	for i := 1; i+2 < len(page); i++ {
		if page[i] != '.' {
			continue
		}
		l, _ := utf8.DecodeLastRuneInString(page[:i])
		u, size := utf8.DecodeRuneInString(page[i+1:])
		n, _ := utf8.DecodeRuneInString(page[i+1+size:])
		if unicode.IsLower(l) && unicode.IsUpper(u) && unicode.IsLower(n) && !hasSuffixFold(page[:i], "www") {
			b.WriteString(page[last : i+1])
			b.WriteByte('\n')
			last = i + 1
		}
	}
	if last == 0 {
		return page
	}
	b.WriteString(page[last:])
	return b.String()
}
