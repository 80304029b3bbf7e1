package filter

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sellergate/sellergate/marketplace"
	"golang.org/x/net/publicsuffix"
)

// Whose words a passage is. A reply holds the seller's text and, often,
// the buyer's message it answers; only the seller's text is checked.
//
// With the buyer's message on record (Envelope.BuyerText), the record
// decides: a passage that the buyer's message holds (normalized, white
// space folded) is the buyer's, quoted in any format or not quoted at all;
// anything else is the seller's, whatever it is dressed as.
//
// Without a record, the structure decides: a passage inside a reply quote
// (an attribution, a client's header block, Amazon's relay frame, an HTML
// quote container, '>' marks) is the buyer's unless its attribution names
// another address than an Amazon relay address, or it names the seller's
// own domain: a quote cannot carry the seller's shop.

// minUnquotedMatch is how long an unquoted passage must be before its
// presence in the buyer's message makes it the buyer's: a short line
// ("Thank you") proves nothing about who wrote it, and is harmless anyway.
const minUnquotedMatch = 20

// exempt reports whether a line (or link text) is the buyer's own words.
func (c *check) exempt(quote bool, by, text string) bool {
	if c.env.BuyerText != "" {
		return c.inBuyerText(quote, text)
	}
	return quote && c.buyerQuote(by) && (marketplace.IsRelayAddress(by) || !c.sellersOwn(text))
}

// buyerQuote reports whether a quote attributed to by (an address, or ""
// when the quote names none) is taken for the buyer's without a record.
func (c *check) buyerQuote(by string) bool {
	if name, ok := strings.CutPrefix(by, namedAuthor); ok {
		return c.greets(name)
	}
	return by == "" || c.buyers[by] || marketplace.IsRelayAddress(by)
}

// greets reports whether the reply's greeting (its first line of text,
// "Hi Jess," or "Estimado Gerardo:") names someone of name (a word of at
// least three letters in common): a quote headed by that name is the
// message the reply answers, the buyer's.
func (c *check) greets(name string) bool {
	g := c.greeting()
	if g == "" {
		return false
	}
	greeted := strings.FieldsFunc(g, notLetter)
	for _, w := range strings.FieldsFunc(strings.ToLower(name), notLetter) {
		if utf8.RuneCountInString(w) >= 3 && slices.Contains(greeted, w) {
			return true
		}
	}
	return false
}

// greeting returns the reply's greeting line (see firstLine), read once.
func (c *check) greeting() string {
	if !c.greeted {
		c.greeted, c.greet = true, c.firstLine()
	}
	return c.greet
}

// firstLine returns the first line of the reply's own text in lower
// case, or "" when it is too long for a greeting.
func (c *check) firstLine() string {
	for _, p := range c.m.Texts {
		for _, l := range p.Lines {
			t := strings.TrimSpace(l.Text)
			if t == "" || l.Quote {
				continue
			}
			if len(t) > 80 {
				return ""
			}
			return strings.ToLower(t)
		}
	}
	return ""
}

// notLetter reports whether r cannot be part of a name's word.
func notLetter(r rune) bool { return !unicode.IsLetter(r) }

// inBuyerText reports whether text is in the buyer's recorded message.
func (c *check) inBuyerText(quote bool, text string) bool {
	t := foldSpace(normalize(stripQuoteMarks(text)))
	if t == "" {
		return quote
	}
	if !quote && utf8.RuneCountInString(t) < minUnquotedMatch {
		return false
	}
	if c.buyerText == "" {
		c.buyerText = foldSpace(normalize(c.env.BuyerText))
	}
	return strings.Contains(c.buyerText, t)
}

// stripQuoteMarks removes the '>' marks (any depth) and the white space
// before a quoted line's text.
func stripQuoteMarks(s string) string {
	return strings.TrimLeft(strings.TrimSpace(s), "> \t")
}

// foldSpace trims s and folds every run of white space in it to one space,
// so that a quote the client wrapped differently still matches.
func foldSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// freemail are domains many people share: naming one is no mark of the
// seller's own.
var freemail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true, "live.com": true,
	"msn.com": true, "yahoo.com": true, "icloud.com": true, "me.com": true, "aol.com": true, "gmx.de": true,
	"gmx.net": true, "web.de": true, "t-online.de": true, "orange.fr": true, "free.fr": true, "laposte.net": true,
	"libero.it": true, "yahoo.co.jp": true, "docomo.ne.jp": true, "ezweb.ne.jp": true, "protonmail.com": true,
}

// sellerMark returns the name that marks the seller's own site: the label
// of its sender domain under the public suffix ("bergmann-haushalt" for
// service@bergmann-haushalt.de), or "" for a shared mail provider's.
func sellerMark(mailFrom string) string {
	at := strings.LastIndexByte(mailFrom, '@')
	if at < 0 {
		return ""
	}
	d := strings.ToLower(mailFrom[at+1:])
	reg, err := publicsuffix.EffectiveTLDPlusOne(d)
	if err != nil || freemail[reg] || marketplace.IsRelayAddress(mailFrom) {
		return ""
	}
	label := reg[:strings.IndexByte(reg, '.')]
	if len(label) < 4 {
		return ""
	}
	return label
}

// sellersOwn reports whether a quoted passage names the seller's own site:
// the mark followed by a dot, as in a domain (the seller's own address, as
// a quoted header block's "To:" shows it, is no mark: it is what the buyer
// wrote to; nor is the shop's name in a display name).
func (c *check) sellersOwn(text string) bool {
	if c.mark == "" || text == "" {
		return false
	}
	t := normalize(text)
	for i := strings.Index(t, c.mark); i >= 0; {
		end := i + len(c.mark)
		if (i == 0 || t[i-1] != '@') && end < len(t) && t[end] == '.' {
			return true
		}
		j := strings.Index(t[i+1:], c.mark)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// blankBuyer blanks out of a normalized line the passages of at least
// minUnquotedMatch characters that the buyer's recorded message holds (a
// sentence of the buyer's pasted into the seller's own line), so that only
// the seller's words are read. Passages run from word to word; the
// longest one starting at each word is taken.
func (c *check) blankBuyer(n string) string {
	if c.env.BuyerText == "" || utf8.RuneCountInString(n) < minUnquotedMatch {
		return n
	}
	if c.buyerText == "" {
		c.buyerText = foldSpace(normalize(c.env.BuyerText))
	}
	words := wordSpans(n)
	var out []byte
	for i := 0; i < len(words); {
		best := -1
		var b strings.Builder
		for j := i; j < len(words); j++ {
			if j > i {
				b.WriteByte(' ')
			}
			b.WriteString(n[words[j][0]:words[j][1]])
			if !strings.Contains(c.buyerText, b.String()) {
				break
			}
			best = j
		}
		if best < 0 || utf8.RuneCountInString(n[words[i][0]:words[best][1]]) < minUnquotedMatch {
			i++
			continue
		}
		if out == nil {
			out = []byte(n)
		}
		for k := words[i][0]; k < words[best][1]; k++ {
			out[k] = ' '
		}
		i = best + 1
	}
	if out == nil {
		return n
	}
	return string(out)
}

// wordSpans returns where the runs of non-space characters of s are.
func wordSpans(s string) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, [2]int{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

// issuerMarkers name what stands in an invoice's identification block of
// its issuer, which the law requires (a VAT number, a trade register).
var issuerMarkers = []string{"vat", "ust-id", "ustid", "ust.-id", "umsatzsteuer", "steuernummer", "st.-nr", "handelsregister",
	"hrb", "amtsgericht", "tva", "siret", "siren", "rcs", "nif", "cif", "registro mercantil", "p.iva", "p. iva", "partita iva",
	"codice fiscale", "rea", "rfc", "company no", "company number", "registered office", "abn", "gstin", "gst", "登録番号",
	"適格請求書", "インボイス", "法人番号",
	// A safety data sheet's section 1 (its supplier and emergency number).
	"emergency telephone", "emergency phone", "notrufnummer", "notruf", "numéro d'appel d'urgence", "teléfono de emergencia",
	"numero telefonico di emergenza", "telefono di emergenza", "緊急連絡先", "緊急時の連絡先"}

// jpInvoiceNumber is a Japanese qualified-invoice issuer's registration
// number (T and 13 digits), which marks its block even where the words
// around it cannot be read.
var jpInvoiceNumber = regexp.MustCompile(`(?:^|[^A-Za-z0-9])T\d{13}(?:$|[^0-9])`)

// issuerLines marks the lines of a document that belong to its issuer's
// block: the lines with text up to three before and after one that names
// a marker (blank lines between do not count).
func issuerLines(lines []string) []bool {
	out := make([]bool, len(lines))
	for i, l := range lines {
		if issuerMarked(l) {
			markAround(lines, out, i, 3)
		}
	}
	return out
}

// issuerMarked reports whether a line names an issuer's marker: a VAT or
// register number's label, a Japanese registration number.
func issuerMarked(l string) bool {
	if jpInvoiceNumber.MatchString(l) {
		return true
	}
	n := lower(l)
	for _, m := range issuerMarkers {
		if k := strings.Index(n, m); k >= 0 && (k == 0 || !asciiAlnum(n[k-1])) && (k+len(m) == len(n) || !asciiAlnum(n[k+len(m)])) {
			return true
		}
	}
	return false
}

// markAround marks line i and the n lines with text before and after it.
func markAround(lines []string, out []bool, i, n int) {
	out[i] = true
	for j, seen := i-1, 0; j >= 0 && seen < n; j-- {
		out[j] = true
		if strings.TrimSpace(lines[j]) != "" {
			seen++
		}
	}
	for j, seen := i+1, 0; j < len(lines) && seen < n; j++ {
		out[j] = true
		if strings.TrimSpace(lines[j]) != "" {
			seen++
		}
	}
}

// invoiceHead is how many lines of an invoice's start are its letterhead.
const invoiceHead = 10

// invoiceWords name an invoice (or a receipt, a credit note, a safety data
// sheet: documents whose issuer's details the law requires) in the six
// languages.
var invoiceWords = []string{"invoice", "receipt", "credit note", "rechnung", "quittung", "gutschrift", "facture", "avoir",
	"factura", "recibo", "fattura", "ricevuta", "nota di credito", "請求書", "領収書", "納品書",
	// Safety data sheets: the law asks for the supplier's details too.
	"safety data sheet", "sicherheitsdatenblatt", "fiche de données de sécurité", "ficha de datos de seguridad",
	"scheda di dati di sicurezza", "scheda dati di sicurezza", "安全データシート"}

// isInvoice reports whether a document is an invoice, by its name or its
// first lines.
func isInvoice(name string, lines []string) bool {
	if hasInvoiceWord(lower(name)) {
		return true
	}
	// In the text, a title ("Rechnung Nr. 2025-0412", "TAX INVOICE"), not
	// a word in a sentence ("7-10 working days from receipt").
	for i := 0; i < len(lines) && i < invoiceHead; i++ {
		if invoiceTitleLine(strings.TrimSpace(lower(lines[i]))) {
			return true
		}
	}
	return false
}

// invoiceTitleLine reports whether l (lower case) titles an invoice: a
// short line with the word, a line that starts with it, or the word
// before its number ("invoice no.", "facture n°", "rechnung nr.").
func invoiceTitleLine(l string) bool {
	// A short sentence is no title ("2. 箱の中に納品書を同封してください。").
	sentence := strings.HasSuffix(l, "。") || strings.HasSuffix(l, ".") || strings.HasSuffix(l, "!") || strings.HasSuffix(l, "！")
	if utf8.RuneCountInString(l) <= invoiceTitle && !sentence {
		return hasInvoiceWord(l)
	}
	for _, w := range invoiceWords {
		k := strings.Index(l, w)
		if k < 0 {
			continue
		}
		if k == 0 {
			return true
		}
		after := strings.TrimSpace(l[k+len(w):])
		for _, p := range []string{"no", "nr", "n°", "nº", "#", ":", "番号"} {
			if strings.HasPrefix(after, p) {
				return true
			}
		}
	}
	return false
}

// invoiceTitle is how long a line naming an invoice may be to be its title.
const invoiceTitle = 25

// hasInvoiceWord reports whether s names an invoice (or a safety data
// sheet) in one of the languages.
func hasInvoiceWord(s string) bool {
	for _, w := range invoiceWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// documentText checks an attachment's lines: contact details and links in
// an invoice's issuer block are tagged (attachment_text), everywhere else
// they are judged as in the message.
func (c *check) documentText(name string, lines []string, where func(int) string) {
	c.inDocument = true
	defer func() { c.inDocument = false }()
	issuer := issuerLines(lines)
	if isInvoice(name, lines) {
		// An invoice's letterhead: its first lines.
		for i, seen := 0, 0; i < len(lines) && seen < invoiceHead; i++ {
			if strings.TrimSpace(lines[i]) != "" {
				issuer[i] = true
				seen++
			}
		}
	}
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		act := c.e.p.action
		if issuer[i] {
			act = func(cat string) Action {
				if cat == "contact" || cat == "link" {
					return c.e.p.action("attachment_text")
				}
				return c.e.p.action(cat)
			}
		}
		prev := ""
		if i > 0 {
			prev = lines[i-1]
		}
		found := len(c.out)
		c.textAfter(l, prev, where(i), act)
		if issuer[i] {
			c.offerInLetterhead(c.out[found:])
		}
	}
}

// offerInLetterhead gives the contact details and links found on a line
// of an issuer block their full action when the line also makes an offer
// ("-15 % sur votre prochaine commande sur www.parfums-seraphine.fr"): the
// law asks an invoice for its issuer's details, not for its promotions.
func (c *check) offerInLetterhead(found []Violation) {
	if !slices.ContainsFunc(found, func(v Violation) bool { return v.Category == "promotion" }) {
		return
	}
	for i := range found {
		if found[i].Category == "contact" || found[i].Category == "link" {
			found[i].Action = c.e.p.action(found[i].Category)
		}
	}
}

// amazonImageSites are the registrable domains of Amazon's image servers.
var amazonImageSites = map[string]bool{"media-amazon.com": true, "ssl-images-amazon.com": true, "images-amazon.com": true}

// isAmazonHost reports whether host is Amazon's own: a marketplace
// (amazon.de, www.amazon.com.be) or its image servers (m.media-amazon.com).
func isAmazonHost(host string) bool {
	if site, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil && amazonImageSites[site] {
		return true
	}
	if i := strings.LastIndex(host, "amazon."); i == 0 || i > 0 && host[i-1] == '.' {
		suffix := host[i+len("amazon."):]
		for _, m := range marketplace.All {
			if m.Suffix == suffix {
				return true
			}
		}
	}
	return false
}
