package filter

import (
	"bytes"
	"fmt"
	"io"
	"strings"
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
		pages = append(pages, utf16Lines(strings.ReplaceAll(text, "\r", "\n")))
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
