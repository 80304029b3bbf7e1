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
		text, err := p.GetPlainText(nil)
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
		if len(l) < 2 || utf8.ValidString(l) && strings.IndexByte(l, 0) < 0 {
			continue
		}
		b := []byte(l)
		if len(b)%2 == 1 {
			b = b[:len(b)-1]
		}
		u := make([]uint16, len(b)/2)
		for k := range u {
			u[k] = uint16(b[2*k])<<8 | uint16(b[2*k+1])
		}
		lines[i] = string(utf16.Decode(u))
	}
	return strings.Join(lines, "\n")
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
