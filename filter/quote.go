package filter

import (
	"regexp"
	"strings"
)

// Attribution lines that mail clients put above a reply quote, in the six
// languages sellergate's default policy covers.
var attributionRe = regexp.MustCompile(`(?i)^(` +
	`on .{4,} wrote:` + // Gmail, Apple Mail, Thunderbird (en)
	`|am .{4,} schrieb .*:` + // de
	`|le .{4,} a écrit ?:` + // fr
	`|el .{4,} escribió:` + // es
	`|il .{4,} ha scritto:` + // it
	`|.*のメッセージ[:：]` + // ja (Gmail)
	`|.*(さん|様)?[がは]書きました[:：]` + // ja (Apple Mail, Thunderbird)
	`|-{2,} ?(original message|ursprüngliche nachricht|original-nachricht|message d'origine|mensaje original|messaggio originale|元のメッセージ) ?-{2,}` +
	`|-{3,}.{0,20}(message|nachricht|mensaje|messaggio|メッセージ)[:：]?.{0,20}-{3,}` + // Amazon's wrapper
	`)\s*$`)

// Outlook's header block above a quote starts with a From line and has a
// Sent line, in the client's language.
var (
	outlookFromNames = []string{"from", "von", "de", "da", "差出人"}
	outlookSentNames = []string{"sent", "gesendet", "envoyé", "enviado", "inviato", "date", "datum", "送信日時"}
)

// headerLine reports whether t starts like a header line named by one of
// names (lower case), in Outlook's way: "From:", "*Von:*", "差出人：".
func headerLine(t string, names []string) bool {
	t = strings.TrimPrefix(t, "*")
	for _, n := range names {
		if len(t) < len(n) || !strings.EqualFold(t[:len(n)], n) {
			continue
		}
		rest := t[len(n):]
		for _, sp := range []string{" ", "\t", "\u00a0"} {
			rest = strings.TrimPrefix(rest, sp)
		}
		if strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "：") {
			return true
		}
	}
	return false
}

var (
	addrRe = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
)

// mayAttribute is a cheap test before the attribution expression: every
// attribution ends with a colon or is a dashed separator.
func mayAttribute(t string) bool {
	if strings.Contains(t, "--") {
		return true
	}
	if !strings.HasSuffix(t, ":") && !strings.HasSuffix(t, "：") {
		return false
	}
	l := strings.ToLower(t)
	for _, w := range attributionWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// attributionWords: every attribution line of attributionRe has one.
var attributionWords = []string{"wrote", "schrieb", "écrit", "escribió", "scritto", "メッセージ", "書きました"}

// maxAttribution bounds an attribution line; longer lines are text. (The
// expression itself leaves its repetitions unbounded: a counted one such as
// .{4,200} makes it hundreds of times larger and slower.)
const maxAttribution = 600

// isAttribution reports whether t is an attribution line.
func isAttribution(t string) bool {
	return len(t) <= maxAttribution && mayAttribute(t) && attributionRe.MatchString(t)
}

// quoteAuthor returns the first e-mail address in an attribution.
func quoteAuthor(s string) string {
	return strings.ToLower(addrRe.FindString(s))
}

// splitQuotes splits plain text into lines and marks the reply quote: ">"
// lines, and everything under an attribution or an Outlook header block.
func splitQuotes(text string) []Line {
	raw := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	lines := make([]Line, len(raw))
	for i, l := range raw {
		lines[i] = Line{N: i + 1, Text: l}
	}
	markQuotes(lines)
	return lines
}

// markQuotes marks quote lines among lines not already marked.
func markQuotes(lines []Line) {
	author := ""
	for i := 0; i < len(lines); i++ {
		if lines[i].Quote {
			continue
		}
		t := strings.TrimSpace(lines[i].Text)
		// An attribution may wrap onto the next line ("… Buyer <\nx@y> wrote:").
		isAttr := isAttribution(t)
		joined := t
		if i+1 < len(lines) && !isAttr {
			// Joined, the two lines can only be an attribution if the
			// second ends like one or either has a dashed separator.
			next := strings.TrimSpace(lines[i+1].Text)
			if strings.HasSuffix(next, ":") || strings.HasSuffix(next, "：") || strings.Contains(next, "--") || strings.Contains(t, "--") {
				joined = t + " " + next
			}
		}
		switch {
		case isAttr || (joined != t && len(t) > 3 && !strings.HasPrefix(t, ">") && isAttribution(joined)):
			a := quoteAuthor(joined)
			end := quoteEnd(lines, i+1)
			for j := i; j < end; j++ {
				lines[j].Quote, lines[j].QuoteBy = true, a
			}
			i = end - 1
		case headerLine(t, outlookFromNames) && outlookBlock(lines, i):
			a := quoteAuthor(t)
			for j := i; j < len(lines); j++ {
				lines[j].Quote, lines[j].QuoteBy = true, a
			}
			return
		case strings.HasPrefix(t, ">"):
			lines[i].Quote, lines[i].QuoteBy = true, author
		default:
			if t != "" {
				author = ""
			}
		}
	}
}

// quoteEnd returns where the quote that starts after an attribution ends:
// a ">" quote ends at the first unquoted line with text; an unprefixed one
// (top posting) runs to the end.
func quoteEnd(lines []Line, from int) int {
	j := from
	for j < len(lines) && strings.TrimSpace(lines[j].Text) == "" {
		j++
	}
	if j >= len(lines) || !strings.HasPrefix(strings.TrimSpace(lines[j].Text), ">") {
		return len(lines)
	}
	for ; j < len(lines); j++ {
		t := strings.TrimSpace(lines[j].Text)
		if t != "" && !strings.HasPrefix(t, ">") {
			return j
		}
	}
	return j
}

// outlookBlock reports whether a From: line starts Outlook's header block
// (a Sent: line follows within four lines).
func outlookBlock(lines []Line, i int) bool {
	for j := i + 1; j < len(lines) && j <= i+4; j++ {
		if headerLine(strings.TrimSpace(lines[j].Text), outlookSentNames) {
			return true
		}
	}
	return false
}
