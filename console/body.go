package console

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/xurls/v2"

	"github.com/sellergate/sellergate/filter"
)

// bodyView is a message as the console shows it: its problems, and its
// text parts line by line with the problems marked where they are.
type bodyView struct {
	Problems    []filter.Violation
	Unread      []string
	Subject     string
	Parts       []partView
	Attachments []attachmentView
}

type partView struct {
	Kind  string
	Lines []lineView
}

type lineView struct {
	N       int
	Quote   bool
	Flagged bool
	// Segments are the line's text, the marked ones being problems.
	Segments []segment
}

type segment struct {
	Text  string
	Mark  bool
	Title string
}

type attachmentView struct {
	Name, Declared, Real string
	Size                 int64
}

// maxShownLines caps the lines shown per part: a hostile message may have
// millions.
const maxShownLines = 5000

// newBodyView parses raw and marks each problem on the line it names.
func newBodyView(raw []byte, problems []filter.Violation) (*bodyView, error) {
	m, err := filter.Parse(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	return viewMessage(m, problems), nil
}

func viewMessage(m *filter.Message, problems []filter.Violation) *bodyView {
	v := &bodyView{Problems: problems, Unread: m.Unread, Subject: m.Subject}
	for _, t := range m.Texts {
		kind := "text"
		if t.HTML {
			kind = "html"
		}
		pv := partView{Kind: kind}
		for i, l := range t.Lines {
			if i == maxShownLines {
				pv.Lines = append(pv.Lines, lineView{Segments: []segment{{Text: fmt.Sprintf("… %d more lines not shown", len(t.Lines)-i)}}})
				break
			}
			pv.Lines = append(pv.Lines, markLine(kind, l, problems))
		}
		v.Parts = append(v.Parts, pv)
	}
	for _, a := range m.Attachments {
		v.Attachments = append(v.Attachments, attachmentView{Name: a.Name, Declared: a.Declared, Real: a.Sniffed, Size: a.Size})
	}
	return v
}

// markLine marks the problems found on one line: the excerpt where it
// stands, else the whole line.
func markLine(kind string, l filter.Line, problems []filter.Violation) lineView {
	lv := lineView{N: l.N, Quote: l.Quote}
	var marks []filter.Violation
	for _, p := range problems {
		if n, ok := lineOf(p.Where, kind); ok && n == l.N {
			marks = append(marks, p)
		}
	}
	lv.Flagged = len(marks) > 0
	lv.Segments = segments(l.Text, marks)
	return lv
}

// lineOf reads "text line 12" for kind "text".
func lineOf(where, kind string) (int, bool) {
	rest, ok := strings.CutPrefix(where, kind+" line ")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
}

// contactCore finds an address or a phone number in an excerpt.
var contactCore = regexp.MustCompile(`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}|\+?\d[\d \-./()]{5,}\d`)

// core is the part of a problem's excerpt to mark: the excerpt carries
// words around the finding for the refusal; the console marks the link,
// the address or the number itself where it finds one.
func core(v filter.Violation) string {
	ex := strings.TrimSpace(strings.Trim(v.Excerpt, "…. "))
	switch v.Category {
	case "link":
		if u := xurls.Relaxed().FindString(ex); u != "" {
			return u
		}
	case "contact":
		if m := contactCore.FindString(ex); m != "" {
			return strings.TrimSpace(m)
		}
	}
	return ex
}

// segments cuts text around the first place each problem's finding
// stands; a problem whose finding is not found marks the whole line.
func segments(text string, marks []filter.Violation) []segment {
	type span struct {
		from, to int
		title    string
	}
	var spans []span
	for _, p := range marks {
		c := core(p)
		title := p.Category + ": " + p.Message
		if i := strings.Index(text, c); c != "" && i >= 0 {
			spans = append(spans, span{i, i + len(c), title})
		} else {
			return []segment{{Text: text, Mark: true, Title: title}}
		}
	}
	var out []segment
	at := 0
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	for _, sp := range spans {
		if sp.from < at {
			continue // overlaps the previous mark
		}
		if sp.from > at {
			out = append(out, segment{Text: text[at:sp.from]})
		}
		out = append(out, segment{Text: text[sp.from:sp.to], Mark: true, Title: sp.title})
		at = sp.to
	}
	if at < len(text) || len(out) == 0 {
		out = append(out, segment{Text: text[at:]})
	}
	return out
}
