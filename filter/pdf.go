package filter

import (
	"bytes"
	"fmt"
	"io"
	"strings"

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
		pages = append(pages, strings.ReplaceAll(text, "\r", "\n"))
	}
	return pages, nil
}
