package filter

import (
	"github.com/sellergate/sellergate/marketplace"
	"regexp"
	"strings"
	"unicode/utf8"
)

// An attribution is the line a mail client puts above a reply quote. The
// western ones are "<prefix> … <suffix>" with at least four characters
// between (what the expression "on .{4,} wrote:" would say), in the six
// languages sellergate's default policy covers.
var attributions = []struct{ prefix, middle, suffix string }{
	{"on ", "", " wrote:"},      // Gmail, Apple Mail, Thunderbird (en)
	{"am ", " schrieb ", ":"},   // de: Am …, um … Uhr schrieb … <…>:
	{"le ", "", " a écrit:"},    // fr
	{"le ", "", " a écrit :"},   // fr, with the typographic space
	{"el ", "", " escribió:"},   // es
	{"il ", "", " ha scritto:"}, // it
	{"", "", "のメッセージ:"},         // ja (Gmail)
	{"", "", "のメッセージ："},         // ja (Gmail)
	{"", "", "が書きました:"},         // ja (Apple Mail, Thunderbird)
	{"", "", "は書きました:"},
	{"", "", "が書きました："},
	{"", "", "は書きました："},
	{"", "", "のメール:"}, // ja (Apple Mail, iOS Mail: "2025/11/03 14:02、NAME <addr>のメール:")
	{"", "", "のメール："},
	{"", "", "書きました:"},
	{"", "", "書きました："},
}

// Attributions without a fixed start ("NAME <addr> wrote:", Yahoo's "Am …
// hat NAME Folgendes geschrieben:", Thunderbird's bare address): the
// suffix, and an address or a date in the line.
var bareAttributions = []string{" wrote:", " writes:", " schrieb:", " geschrieben:", " a écrit :", " a écrit:",
	" a écrit :", " escribió:", " escribio:", " ha scritto:", " scrisse:"}

// Forwarded and quoted messages' separators: "-----Original Message-----"
// (and Outlook's in each language); Amazon's relay frame ("----- Message:
// -----") is the marketplace package's knowledge.
var separatorNames = []string{"original message", "ursprüngliche nachricht", "original-nachricht", "message d'origine",
	"mensaje original", "messaggio originale", "元のメッセージ"}

// maxAttribution bounds an attribution line; longer lines are text.
const maxAttribution = 600

// isAttribution reports whether t is an attribution line or a separator
// above a quoted message.
func isAttribution(t string) bool {
	if len(t) > maxAttribution || len(t) < 3 {
		return false
	}
	l := strings.TrimRight(t, " \t\r\n\f")
	if !strings.HasSuffix(l, ":") && !strings.HasSuffix(l, "：") && !strings.HasSuffix(l, "--") {
		return false
	}
	// Lower-case the line only when it starts and ends like one of them
	// (or like a separator): most lines that end in a colon are text.
	like := strings.HasPrefix(l, "--")
	for _, a := range attributions {
		if like = like || hasPrefixFold(l, a.prefix) && hasSuffixFold(l, a.suffix); like {
			break
		}
	}
	if !like {
		return bareAttribution(l)
	}
	l = strings.ToLower(l)
	for _, a := range attributions {
		if !strings.HasPrefix(l, a.prefix) || !strings.HasSuffix(l, a.suffix) || len(l) < len(a.prefix)+len(a.suffix) {
			continue
		}
		if a.prefix == "" {
			return true
		}
		mid := l[len(a.prefix) : len(l)-len(a.suffix)]
		if a.middle != "" {
			k := strings.LastIndex(mid, a.middle)
			if k < 0 {
				continue
			}
			mid = mid[:k]
		}
		if utf8.RuneCountInString(mid) >= 4 {
			return true
		}
	}
	return isSeparator(l) || bareAttribution(l)
}

// bareAttribution reports whether l, a line ending in a colon, is an
// attribution without a fixed start: it ends like one and names an address
// or a date, or it names an Amazon relay address (Gmail's Japanese
// "2025年11月3日(月) 14:02 NAME <addr>:").
func bareAttribution(l string) bool {
	if marketplace.MentionsRelayAddress(l) {
		return true
	}
	if strings.IndexByte(l, '@') < 0 && strings.IndexAny(l, "0123456789") < 0 {
		return false
	}
	for _, suf := range bareAttributions {
		if hasSuffixFold(l, suf) && len(l) > len(suf)+3 {
			return true
		}
	}
	return false
}

// hasPrefixFold and hasSuffixFold are strings.HasPrefix and HasSuffix
// under Unicode case folding, for the lower-case prefix or suffix p.
func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}

func hasSuffixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[len(s)-len(p):], p)
}

// isSeparator reports whether l (lower case) is a dashed separator:
// "-- original message --" or "--- message: ---" (up to 20 characters
// either side of the word).
func isSeparator(l string) bool {
	inner := strings.TrimLeft(l, "-")
	lead := len(l) - len(inner)
	mid := strings.TrimRight(inner, "-")
	trail := len(inner) - len(mid)
	if lead < 2 || trail < 2 {
		return false
	}
	name := strings.TrimSuffix(strings.TrimPrefix(mid, " "), " ")
	for _, n := range separatorNames {
		if name == n {
			return true
		}
	}
	if lead < 3 || trail < 3 {
		return false
	}
	for _, w := range marketplace.FrameWords {
		for from := 0; from <= len(mid); {
			k := strings.Index(mid[from:], w)
			if k < 0 {
				break
			}
			k += from
			after := mid[k+len(w):]
			if rest := strings.TrimPrefix(strings.TrimPrefix(after, ":"), "："); utf8.RuneCountInString(mid[:k]) <= 20 &&
				(utf8.RuneCountInString(after) <= 20 || utf8.RuneCountInString(rest) <= 20) {
				return true
			}
			from = k + 1
		}
	}
	return false
}

// Outlook's header block above a quote starts with a From line and has a
// Sent line, in the client's language.
var (
	outlookFromNames = []string{"from", "von", "de", "da", "差出人", "送信者"}
	outlookSentNames = []string{"sent", "gesendet", "envoyé", "envoyé le", "enviado", "enviado el", "enviada", "enviados", "fecha",
		"inviato", "data", "date", "datum", "送信日時", "日付", "日時"}
)

// headerLine reports whether t starts like a header line named by one of
// names (lower case), in Outlook's way: "From:", "*Von:*", "差出人：".
func headerLine(t string, names []string) bool {
	// The colon comes within the first bytes: a name (at most 12 bytes),
	// "*" and up to three spaces before it.
	head := t[:min(len(t), 32)]
	if strings.IndexByte(head, ':') < 0 && !strings.Contains(head, "：") {
		return false
	}
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

// quoteAuthor returns the first e-mail address in an attribution: what
// addrRe finds first, looked for only around each "@" (an address holds
// one, and the characters on either side of it are all an address can
// use), so that a long quote without addresses costs one byte search.
func quoteAuthor(s string) string {
	for off := 0; ; {
		k := strings.IndexByte(s[off:], '@')
		if k < 0 {
			return ""
		}
		k += off
		a := k
		for a > off && addrLocalByte(s[a-1]) {
			a--
		}
		b := k + 1
		for b < len(s) && addrDomainByte(s[b]) {
			b++
		}
		if a < k && b > k+1 {
			if m := addrRe.FindString(s[a:b]); m != "" {
				return strings.ToLower(m)
			}
		}
		off = k + 1
	}
}

// namedAuthor starts the author of a quote whose header block names
// someone without an address who is not Amazon ("From: Jess Tran"): the
// name follows. The quote is the buyer's only when the reply greets that
// name (see check.greets); else it is a colleague's note the agent
// forwarded ("De: Lic. Jorge Ramírez"), checked as the seller's.
const namedAuthor = "(named) "

// headerAuthor returns the author an Outlook header block names: its
// address, or "" (perhaps the buyer) when it names Amazon or nobody, or
// namedAuthor and the name.
func headerAuthor(block string) string {
	if a := quoteAuthor(block); a != "" {
		return a
	}
	l := strings.ToLower(block)
	if strings.Contains(l, "amazon") || strings.Contains(l, "marketplace") || strings.Contains(l, "アマゾン") {
		return ""
	}
	return namedAuthor + headerName(block)
}

// headerName returns the name on a header block's first line, after its
// label ("From: Jess Tran" gives "Jess Tran").
func headerName(block string) string {
	line, _, _ := strings.Cut(block, "\n")
	if i := strings.IndexAny(line, ":："); i >= 0 {
		_, size := utf8.DecodeRuneInString(line[i:])
		line = line[i+size:]
	}
	return strings.Trim(line, "* \t\r\u00a0")
}

// addrLocalByte and addrDomainByte are addrRe's two character classes.
func addrLocalByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func addrDomainByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-'
}

// splitQuotes splits plain text into lines and marks the reply quote: ">"
// lines, and everything under an attribution or an Outlook header block.
func splitQuotes(text string) []Line {
	lines := make([]Line, 0, strings.Count(text, "\n")+1)
	for {
		l, rest, more := strings.Cut(text, "\n")
		if more {
			// CRLF ends a line; a lone CR is text.
			l = strings.TrimSuffix(l, "\r")
		}
		lines = append(lines, Line{N: len(lines) + 1, Text: l})
		if !more {
			break
		}
		text = rest
	}
	markQuotes(lines)
	return lines
}

// markQuotes marks quote lines among lines not already marked.
func markQuotes(lines []Line) {
	markThreadHistory(lines)
	author := ""
	for i := 0; i < len(lines); i++ {
		if lines[i].Quote {
			continue
		}
		t := strings.TrimSpace(lines[i].Text)
		// An attribution may wrap onto the next line ("… Buyer <\nx@y> wrote:").
		isAttr := isAttribution(t)
		joined := t
		if i+1 < len(lines) && !isAttr && len(t) > 3 && !lines[i+1].Quote {
			// Joined, the two lines can only be an attribution if the
			// second ends like one or either has a dashed separator.
			next := strings.TrimSpace(lines[i+1].Text)
			// A next line that is an attribution by itself is one: the
			// line above it ("Great · Okay · Not Good") is not its start.
			if (strings.HasSuffix(next, ":") || strings.HasSuffix(next, "：") || strings.Contains(next, "--") || strings.Contains(t, "--")) && !isAttribution(next) {
				joined = t + " " + next
			}
		}
		switch {
		case isAttr || (joined != t && len(t) > 3 && !strings.HasPrefix(t, ">") && isAttribution(joined)):
			a := quoteAuthor(joined)
			body := i + 1 // the quote starts under the attribution
			if !isAttr {
				body++ // which took two lines
			}
			end := postscript(lines, body, quoteEnd(lines, body))
			for j := i; j < end; j++ {
				lines[j].Quote, lines[j].QuoteBy = true, a
			}
			i = end - 1
		case headerLine(t, outlookFromNames) && outlookBlock(lines, i):
			a := headerAuthor(t)
			// A header block over a '>' quote ("-----Original Message-----"
			// in Becky!, Outlook's plain text) ends where the marks end:
			// what follows them is the sender's (a banner, a footer).
			end := len(lines)
			j := i + 1
			for j < len(lines) && strings.TrimSpace(lines[j].Text) != "" {
				j++
			}
			if j < len(lines) {
				end = quoteEnd(lines, j)
			}
			end = postscript(lines, i+1, end)
			for j := i; j < end; j++ {
				lines[j].Quote, lines[j].QuoteBy = true, a
			}
			if end == len(lines) {
				return
			}
			i = end - 1
		case helpdeskAuthor(t):
			a := quoteAuthor(t)
			end := commentEnd(lines, i+1)
			for j := i; j < end; j++ {
				lines[j].Quote, lines[j].QuoteBy = true, a
			}
			i = end - 1
		case strings.HasPrefix(t, ">"):
			lines[i].Quote, lines[i].QuoteBy = true, author
		default:
			if t != "" {
				author = ""
			}
		}
	}
}

// markThreadHistory marks the earlier comments of a helpdesk ticket thread
// (Zendesk's notification: each comment under a rule, headed by its
// author and its date, newest first) as quoted: the first comment is the
// one being sent; those below it were sent before, the buyer's among them.
func markThreadHistory(lines []Line) {
	if !helpdeskMarks(lines) {
		return // most messages: no ticket thread, no dates to read
	}
	var heads []int
	nonBlank, first := 0, -1
	helpdesk := false // the helpdesk's own marks: a ruled comment, "##- … -##"
	for i := range lines {
		t := strings.TrimSpace(lines[i].Text)
		if t == "" {
			continue
		}
		nonBlank++
		ruled := ruleLine(t) && commentHead(lines, i+1)
		helpdesk = helpdesk || ruled || strings.HasPrefix(t, "##-") && strings.HasSuffix(t, "-##")
		if ruled || authorOverDate(lines, i) {
			if first < 0 {
				first = nonBlank
			}
			heads = append(heads, i)
		}
	}
	// The thread starts at the top, under the helpdesk's own lines; two
	// dated lines lower down in a reply, or without a helpdesk's marks,
	// are no thread.
	if len(heads) < 2 || first > 8 || !helpdesk {
		return
	}
	for _, h := range heads[1:] {
		end := commentEnd(lines, h+1)
		for j := h; j < end; j++ {
			if !lines[j].Quote {
				lines[j].Quote, lines[j].QuoteBy = true, ""
			}
		}
	}
}

// commentHead reports whether the lines from i (blank lines skipped) are a
// comment's head: a short author line, and the date with year and time on
// it or on the next line.
func commentHead(lines []Line, i int) bool {
	var got []string
	for ; i < len(lines) && len(got) < 2; i++ {
		if t := strings.TrimSpace(lines[i].Text); t != "" {
			got = append(got, t)
		}
	}
	if len(got) == 0 || utf8.RuneCountInString(got[0]) > 80 {
		return false
	}
	for _, t := range got {
		if commentDate.MatchString(t) {
			return true
		}
	}
	return false
}

// helpdeskMarks reports whether the lines have a helpdesk's marks: a rule
// or its "##- reply above this line -##".
func helpdeskMarks(lines []Line) bool {
	for _, l := range lines {
		if t := strings.TrimSpace(l.Text); ruleLine(t) || strings.HasPrefix(t, "##-") {
			return true
		}
	}
	return false
}

// authorOverDate reports whether line i is a comment's author over its
// date line, as a helpdesk's HTML draws them without a rule ("Famille
// Dewit" over "27 janvier 2025, 20:30 UTC+1").
func authorOverDate(lines []Line, i int) bool {
	a := strings.TrimSpace(lines[i].Text)
	if a == "" || utf8.RuneCountInString(a) > 60 || commentDate.MatchString(a) || strings.HasSuffix(a, ".") || strings.HasSuffix(a, ":") {
		return false
	}
	for j := i + 1; j < len(lines); j++ {
		if d := strings.TrimSpace(lines[j].Text); d != "" {
			return len(d) <= 80 && strings.IndexByte(d, ':') > 0 && utf8.RuneCountInString(d) <= 40 && commentDate.MatchString(d)
		}
	}
	return false
}

// commentDate is a comment's date: a year and a time of day.
var commentDate = regexp.MustCompile(`(?:19|20)\d\d.{0,20}?\d{1,2}:\d\d`)

// helpdeskAuthor reports whether t heads a buyer's comment in a helpdesk
// thread (Zendesk, eDesk, Help Scout, Gorgias): the buyer's name as
// Amazon shows it, "NAME - Amazon Marketplace", alone on the line or
// followed by the comment's date ("Petra Hahn - Amazon Marketplace",
// "山田花子 - Amazon Marketplace, 2024年5月12日 21:40 JST", "Jane Holloway -
// Amazon Marketplace · 13/04/2025 20:25"). A seller's signature "Shop -
// Amazon Marketplace Seller" is none.
func helpdeskAuthor(t string) bool {
	if len(t) > 160 || !strings.Contains(t, "mazon") && !strings.Contains(t, "MAZON") {
		return false // most lines: no allocation
	}
	l := strings.ToLower(t)
	for _, label := range buyerLabels {
		if rest, ok := strings.CutPrefix(l, label); ok && dateAfter(strings.TrimSpace(rest)) {
			return true
		}
	}
	k := strings.Index(l, "amazon marketplace")
	if k < 0 {
		return false
	}
	name := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(l[:k]), "-"))
	if name == "" || len(name) > 80 || !strings.HasSuffix(strings.TrimSpace(l[:k]), "-") || strings.Contains(name, ":") {
		return false
	}
	return dateAfter(strings.TrimSpace(l[k+len("amazon marketplace"):]))
}

// buyerLabels are how helpdesks name an Amazon buyer who has no name
// ("Client Amazon" heading a Zendesk comment).
var buyerLabels = []string{"amazon customer", "amazon-kunde", "amazon kunde", "client amazon", "cliente amazon",
	"cliente de amazon", "amazonのお客様", "amazon購入者", "amazon カスタマー", "amazonカスタマー"}

// dateAfter reports whether rest, what follows an author's name, is
// nothing or the comment's date set off by a comma, a dot or a bar.
func dateAfter(rest string) bool {
	if rest == "" {
		return true
	}
	sep, _ := utf8.DecodeRuneInString(rest)
	return strings.ContainsRune(",·|(（、", sep) && strings.ContainsAny(rest, "0123456789")
}

// commentEnd returns where a helpdesk comment that starts at from ends:
// at the next separator line (a rule of dashes or underscores, as the
// helpdesks draw between comments) or at the end of the text.
func commentEnd(lines []Line, from int) int {
	for j := from; j < len(lines); j++ {
		if ruleLine(strings.TrimSpace(lines[j].Text)) {
			return j
		}
	}
	return len(lines)
}

// ruleLine reports whether t is a line of ten or more dashes, underscores
// or box-drawing rules and nothing else.
func ruleLine(t string) bool {
	n := 0
	for _, r := range t {
		switch r {
		case '-', '_', '─', '—', '━', '=':
			n++
		default:
			return false
		}
	}
	return n >= 10
}

// quoteEnd returns where the quote that starts after an attribution ends:
// a ">" quote ends at the first unquoted line with text; an unprefixed one
// (top posting) runs to the end.
func quoteEnd(lines []Line, from int) int {
	j := from
	for j < len(lines) && strings.TrimSpace(lines[j].Text) == "" {
		j++
	}
	// Under a separator, the quoted message's header block ("From: …",
	// "Sent: …") may come before its '>' lines.
	if j < len(lines) && headerLine(strings.TrimSpace(lines[j].Text), outlookFromNames) {
		for j < len(lines) && strings.TrimSpace(lines[j].Text) != "" {
			j++
		}
		for j < len(lines) && strings.TrimSpace(lines[j].Text) == "" {
			j++
		}
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

// postscript returns where a postscript starts among lines[from:end] of a
// quote without '>' marks (a quote that runs to the end of the text), or
// end: what an agent adds under the quote ("P.S.", "PD:", "追伸") is the
// agent's.
func postscript(lines []Line, from, end int) int {
	if end < len(lines) {
		return end // a '>' quote ends where its marks end
	}
	for j := from; j < end; j++ {
		if psMarker.MatchString(strings.TrimSpace(lines[j].Text)) {
			return j
		}
	}
	return end
}

// psMarker starts a postscript.
var psMarker = regexp.MustCompile(`(?i)^(?:p\.?\s?s\.?|p\.?\s?d\.?|p\.-s\.|n\.\s?b\.|post[- ]?scriptum|nachtrag|追伸|ps)\s*[:：.\-–]?\s+\S`)

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
