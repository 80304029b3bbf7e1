package filter

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"github.com/sellergate/sellergate/marketplace"
	"golang.org/x/net/publicsuffix"
	"mvdan.cc/xurls/v2"
)

// Envelope is what the SMTP session knows about a message besides its content.
type Envelope struct {
	// MailFrom is the envelope sender.
	MailFrom string
	// Rcpt lists the envelope recipients (Amazon's anonymized buyer addresses).
	Rcpt []string
	// Agent is the login of the authenticated agent, or "" for a trusted network.
	Agent string
	// BuyerText, when the thread's buyer message is on record, is its text:
	// a quote is then exempt only where it matches it.
	BuyerText string
	// Exception is the kind of the off-Amazon exception open for the
	// thread ("" when none).
	Exception string
	// Thread is what the trail says about the thread, nil when unknown
	// (the proactive rules then do not apply).
	Thread *ThreadFacts
	// Language is the agent's language for the explanations ("de"); ""
	// means the language the message is written in.
	Language string
}

// ThreadFacts are what the audit trail knows of a message's thread.
type ThreadFacts struct {
	// Proactive is set when the seller starts the conversation: no buyer
	// message in the thread within the policy's window.
	Proactive bool
	// ReviewRequests counts the review requests already relayed for the
	// order.
	ReviewRequests int
	// OptedOut is set when the buyer opted out of messages the seller
	// starts.
	OptedOut bool
	// RepeatedText is set when the same text went to the buyer within
	// the last day.
	RepeatedText bool
}

// Exception findings: the message used what an open exception allows.
const (
	// RuleExceptionUsed marks a message that relies on an open exception;
	// the gateway moves the thread to "summary pending" once it is relayed.
	RuleExceptionUsed = "exception.used"
)

// Engine checks messages against a policy. It is safe for concurrent use.
type Engine struct {
	p       *Policy
	urls    *regexp.Regexp
	emails  *regexp.Regexp
	scratch sync.Pool // of *scratch
}

// NewEngine returns an engine for p.
func NewEngine(p *Policy) *Engine {
	return &Engine{
		p:      p,
		urls:   xurls.Relaxed(),
		emails: regexp.MustCompile(`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*\.\p{L}{2,}`),
	}
}

// Policy returns the engine's policy.
func (e *Engine) Policy() *Policy { return e.p }

// check is the state of one message's check.
type check struct {
	e      *Engine
	env    Envelope
	lang   string
	region string
	buyers map[string]bool
	out    []Violation
	seen   map[string]bool
	// budget is how many bytes of text are still checked; a message with
	// more text is held for review rather than checked in part.
	budget int
	// buyerText is the thread's buyer message, normalized (once).
	buyerText string
	// mark names the seller's own site (see sellerMark).
	mark string
	// say is the language the explanations are written in: the agent's
	// ("" until the first finding asks for it).
	say string
	// m is the message being checked.
	m *Message
	// blockHead is the first line of the block (lines without a blank
	// line between) the line being read is in, normalized: a service's
	// address block names the service there ("メーカー修理受付：… サービス
	// センター" over its address, hours and number).
	blockHead string
	// prevLine is the line read before the one being read (normalized),
	// where a number's label may stand.
	prevLine string
	// phrased holds the paragraphs whose phrases were read: a message's
	// HTML part mostly repeats its text part, and what was found in a
	// paragraph once is found there again.
	phrased map[string]bool
	// reviewRequest is set when the message asks for a review (allowed
	// once per order).
	reviewRequest bool
	// usedException is set when something passed only because of the
	// thread's open exception.
	usedException bool
	// greet is the reply's greeting line once greeted is set (see
	// greeting).
	greet   string
	greeted bool
	// fabric: the message spoke of a "coupon" of fabric (see fabricCoupon).
	fabric bool
	// services are the digits of the phone numbers the message's text
	// gave as a service's (a carrier's, the manufacturer's): the same
	// number again, in an attached copy of the warranty terms, is that
	// service's. inDocument is set while an attachment is read.
	services   map[string]bool
	inDocument bool
	*scratch
}

// scratch is a check's reusable space: the lexicon's, the lexicon's
// strings found in a piece of text, and the paragraph being read. Checks
// take it from the engine's pool and give it back, so that a message's
// check does not grow it from nothing.
type scratch struct {
	lex  lexScratch
	strs []mmHit
	para paragraph
	// stems outlive a check: they depend on nothing but the word.
	stems stemCache
}

// maxFindings stops a check once the verdict cannot change any more.
const maxFindings = 50

// textBudget is the text a message may have: more than any real reply, and
// bounded so hostile input costs bounded time.
const textBudget = 1 << 20

func (c *check) full() bool { return len(c.out) >= maxFindings }

// marketplaceOf returns the phone region and language of the marketplace
// the first recipient's relay address belongs to (amazon.com's for none).
func marketplaceOf(rcpt []string) (region, lang string) {
	m := marketplace.All[0]
	if len(rcpt) > 0 {
		m, _ = marketplace.Of(rcpt[0])
	}
	return m.Region, m.Lang
}

// proactive applies the rules of messages the seller starts, and marks a
// review request (a tag the trail counts per order).
func (c *check) proactive(m *Message) {
	p := c.e.p
	if c.reviewRequest {
		c.add("review", RuleReviewRequest, "a review request", "message", Tag)
	}
	t := c.env.Thread
	if t == nil || !p.ProactiveEnabled() {
		return
	}
	if t.Proactive && len(m.OrderIDs) == 0 {
		c.add("proactive", RuleProactiveOrderID, "no Amazon order ID in the subject or text", "message", p.ruleAction(RuleProactiveOrderID, "proactive"))
	}
	// A critical message may still reach a buyer who opted out, marked as
	// Amazon asks.
	if t.Proactive && t.OptedOut && !strings.Contains(strings.ToLower(m.Subject), "[important]") {
		c.add("proactive", RuleProactiveOptedOut, "the buyer opted out of messages the seller starts", "message", p.ruleAction(RuleProactiveOptedOut, "proactive"))
	}
	if t.Proactive && t.RepeatedText {
		c.add("proactive", RuleProactiveRepeat, "the same text went to this buyer within the last day", "message", p.ruleAction(RuleProactiveRepeat, "proactive"))
	}
	if c.reviewRequest && t.ReviewRequests > 0 {
		c.add("proactive", RuleProactiveReviewRepeat, fmt.Sprintf("review requests already sent for this order: %d", t.ReviewRequests), "message", p.ruleAction(RuleProactiveReviewRepeat, "proactive"))
	}
}

// ProactiveWindow is how long a buyer's message keeps a thread answered;
// ok is false when the policy's proactive rules are off.
func (e *Engine) ProactiveWindow() (time.Duration, bool) {
	return e.p.ProactiveWindow(), e.p.ProactiveEnabled()
}

// ExceptionsEnabled reports whether the engine's policy runs the
// off-Amazon exception protocol.
func (e *Engine) ExceptionsEnabled() bool { return e.p.ExceptionEnabled() }

// Check returns the verdict for m sent with env.
func (e *Engine) Check(m *Message, env Envelope) Verdict {
	c := &check{e: e, env: env, buyers: map[string]bool{}, seen: map[string]bool{}, budget: textBudget}
	c.scratch, _ = e.scratch.Get().(*scratch)
	if c.scratch == nil {
		c.scratch = new(scratch)
	}
	c.stems.reset()
	defer e.scratch.Put(c.scratch)
	c.region, c.lang = marketplaceOf(env.Rcpt)
	c.m = m
	c.mark = sellerMark(env.MailFrom)
	for _, r := range env.Rcpt {
		c.buyers[strings.ToLower(r)] = true
	}
	if e.p.senders[strings.ToLower(env.MailFrom)] {
		return Verdict{Action: Pass, Monitor: e.p.Monitor}
	}
	c.text(m.Subject, "subject", e.p.action)
	for _, t := range m.Texts {
		kind := "text"
		if t.HTML {
			kind = "html"
		}
		lines := c.sellerFooter(t.Lines)
		c.lines(lines, kind)
		c.links(footerLinks(t.Links, t.Lines, lines), t.Lines)
		c.images(t.Images, t.CSSURLs, m.Attachments)
		c.format(t)
	}
	c.attachments(m)
	// What was not read may hide anything: never a pass.
	for _, why := range m.Unread {
		c.add("unreadable", "unreadable", why, "message", e.p.action("unreadable"))
	}
	c.proactive(m)
	c.customRules(m)
	if c.usedException {
		c.exceptionStatements(m)
	}
	v := Verdict{Violations: c.out, Monitor: e.p.Monitor}
	for _, x := range c.out {
		if x.Action > v.Action {
			v.Action = x.Action
		}
	}
	if v.Monitor && v.Action > Tag {
		v.Action = Tag
	}
	if len(c.out) > 0 {
		v.Lang = c.language()
		v.Hint = e.p.message(v.Lang, "hint")
	}
	return v
}

// language is the language to explain the verdict in, found when the
// first finding needs it (most messages have none).
func (c *check) language() string {
	if c.say == "" {
		c.say = c.agentLanguage(c.m)
	}
	return c.say
}

// urlPath is the path of a link: a link the buyer pasted to another shop
// may name the seller's brand there ("lazada.sg/products/lionhome-rc18"),
// which makes no footer of the seller's.
var urlPath = regexp.MustCompile(`(?i)(\b[a-z0-9.-]+\.[a-z]{2,})/\S*`)

// sellerFooter returns lines with the seller's own footer under a quote
// that runs to the end (Outlook on the web, Samsung, Yahoo: no '>' marks)
// taken out of the quote: the last block of the quote, after its last
// blank line, that names the seller ("Lakeside Yarn Barn | Follow us on
// Instagram @lakesideyarnbarn") or speaks as a shop with an offer is the
// seller's, put there by a template or the agent, and so are the blocks
// right before it that speak as a shop (a banner over the legal line).
// The buyer's words do not name the seller's domain at the end of a
// message.
func (c *check) sellerFooter(lines []Line) []Line {
	end := len(lines)
	for end > 0 && (blankLine(lines[end-1]) || ticketRef.MatchString(strings.TrimSpace(lines[end-1].Text))) {
		end-- // blank lines, and a helpdesk's ticket reference ("[2Z32LE-4AV0]")
	}
	if c.mark == "" {
		return lines
	}
	// The footer is the last block, and the blocks before it that speak as
	// the shop too (a banner over the company's legal line).
	from := end
	for named := true; ; named = false {
		start, ok := c.footerBlock(lines, from, named)
		if !ok {
			break
		}
		for from = start; from > 0 && blankLine(lines[from-1]) && lines[from-1].Quote; {
			from--
		}
	}
	if from == end {
		return lines
	}
	out := append([]Line(nil), lines...)
	for i := from; i < end; i++ {
		out[i].Quote, out[i].QuoteBy = false, ""
	}
	return out
}

func blankLine(l Line) bool { return strings.TrimSpace(l.Text) == "" }

// footerLinks returns links with those of the seller's footer (the lines
// sellerFooter took from the quote: before, then after) no longer quoted:
// "Fourni par Zendesk" under the ticket's history links out as the
// seller's message does.
func footerLinks(links []Link, before, after []Line) []Link {
	var footer []string
	for i := range after {
		if before[i].Quote && !after[i].Quote && strings.TrimSpace(after[i].Text) != "" {
			footer = append(footer, after[i].Text)
		}
	}
	if len(footer) == 0 {
		return links
	}
	out := append([]Link(nil), links...)
	for i, l := range out {
		t := strings.TrimSpace(l.Text)
		if !l.Quote || t == "" {
			continue
		}
		for _, f := range footer {
			if strings.Contains(f, t) {
				out[i].Quote, out[i].QuoteBy = false, ""
				break
			}
		}
	}
	return out
}

// footerBlock looks at the quoted block of lines that ends at n (after
// its last blank line) and reports where it starts and whether it is the
// seller's: it speaks as a shop with an offer, or (when named may do)
// names the seller.
func (c *check) footerBlock(lines []Line, n int, named bool) (int, bool) {
	if n == 0 || !lines[n-1].Quote || strings.HasPrefix(strings.TrimSpace(lines[n-1].Text), ">") {
		return n, false
	}
	start := n
	for start > 0 && strings.TrimSpace(lines[start-1].Text) != "" && lines[start-1].Quote {
		start--
	}
	if start == 0 || !lines[start-1].Quote {
		return n, false // the whole text, the whole quote, or no block of its own
	}
	for _, l := range lines[start:n] {
		if t := strings.TrimSpace(l.Text); strings.HasPrefix(t, ">") || relayFrameLine(t) {
			return n, false // the quote's own marks, Amazon's frame: the buyer's
		}
	}
	// "I just bought the Birdie North bag from you … Can you match
	// that?": a buyer asking the seller names it, and is the buyer.
	named = named && !buyerAsks(lines[start:n])
	for _, l := range lines[start:n] {
		if named && c.namesSellerIn(urlPath.ReplaceAllString(l.Text, "$1")) {
			return start, true
		}
	}
	return start, c.shopVoice(lines[start:n])
}

// buyerAsks reports whether a block asks a question in the first person
// singular, as a buyer writes to the seller.
func buyerAsks(block []Line) bool {
	asks, self := false, false
	for _, l := range block {
		n := normalize(l.Text)
		asks = asks || strings.ContainsAny(n, "?？")
		self = self || hasBuyerWord(n)
	}
	return asks && self
}

// relayFrameLine reports whether t is a line of the frame Amazon relays a
// buyer's message in: "------------- Inizio messaggio -------------", or
// the ordered item with its "[ASIN: …]" (which names the seller's shop).
func relayFrameLine(t string) bool {
	if strings.Contains(t, "[ASIN:") || strings.Contains(t, "[ASIN：") {
		return true
	}
	return strings.HasPrefix(t, "-----") && strings.HasSuffix(t, "-----") && strings.Trim(t, "- ") != ""
}

// ticketRef is a helpdesk's ticket reference on a line of its own.
var ticketRef = regexp.MustCompile(`^\[[A-Z0-9]{4,8}-[A-Z0-9]{4,8}\]$`)

// shopVoice reports whether a block speaks as a shop with an offer ("BLACK
// FRIDAY – jusqu'à -30 % sur tous nos coffrets"): a banner a template adds
// under the quote. A buyer does not offer "our" products.
func (c *check) shopVoice(block []Line) bool {
	var b strings.Builder
	for _, l := range block {
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	n := normalize(b.String())
	langs := []string{textLanguage(n, c.lang), c.lang}
	// "PS : n'oubliez pas de nous mettre 5 étoiles sur Amazon": a buyer
	// asks no one for stars.
	if !hasBuyerWord(n) && c.e.p.concepts.has(n, langs, "review", &c.stems) && c.e.p.concepts.has(n, langs, "positive", &c.stems) {
		return true
	}
	if !hasShopWord(n) {
		// "Use code BAKE15 for 15% off your next order": a discount on
		// a next order, said by no one in the first person and asked of
		// no one, is the shop's.
		return !hasBuyerWord(n) && !strings.ContainsAny(n, "?？") && c.e.p.concepts.has(n, langs, "discount", &c.stems) && c.e.p.concepts.has(n, langs, "future", &c.stems)
	}
	// (当店 and 弊社 are shop words as well as own_brand terms.)
	if c.e.p.concepts.has(n, langs, "offer", &c.stems) || c.e.p.concepts.has(n, langs, "signup", &c.stems) {
		return true
	}
	// 当店 and 弊社 are only ever the shop's words: with a reward ("商品レビュー
	// をご投稿いただいたお客様全員にギフトカードを…") the block is its banner.
	if (strings.Contains(n, "当店") || strings.Contains(n, "弊社")) && c.e.p.concepts.has(n, langs, "incentive", &c.stems) {
		return true
	}
	// "当店のYouTubeチャンネルもぜひご覧ください → https://…": the shop
	// sends the buyer to its own channel.
	return len(urlsIn(c.e.urls, n)) > 0 && c.e.p.concepts.has(n, langs, "own_brand", &c.stems)
}

// hasShopWord reports whether n (normalized) has a word of a shop speaking
// of its own ("our", "nos", "unsere", "当店").
func hasShopWord(n string) bool { return hasWordOf(n, shopWord, "当店", "弊社") }

// hasBuyerWord reports whether n (normalized) has a word of someone
// speaking of themselves ("I", "mein", "je", "私").
func hasBuyerWord(n string) bool { return hasWordOf(n, buyerWord, "私", "僕") }

// hasWordOf reports whether n has one of words as a word, or one of the
// Japanese marks anywhere.
func hasWordOf(n string, words map[string]bool, marks ...string) bool {
	for _, m := range marks {
		if strings.Contains(n, m) {
			return true
		}
	}
	for _, w := range labelWords(n) {
		if words[w] {
			return true
		}
	}
	return false
}

// buyerWord are the first person singular, as a buyer writes of an order
// (labelWords splits "I'm" and "j'ai" at the apostrophe).
var buyerWord = map[string]bool{"i": true, "me": true, "my": true, "mine": true,
	"ich": true, "mir": true, "mich": true, "mein": true, "meine": true, "meinen": true, "meinem": true, "meiner": true,
	"je": true, "j": true, "moi": true, "mon": true, "ma": true, "mes": true, "yo": true, "mi": true, "mis": true,
	"io": true, "mio": true, "mia": true, "miei": true, "mie": true}

// shopWord are a shop's words for its own: first person plural, never
// the agent's singular ("my") that a buyer writes as often.
var shopWord = map[string]bool{"our": true, "ours": true, "unser": true, "unsere": true, "unseren": true, "unserem": true,
	"unserer": true, "unseres": true, "notre": true, "nos": true, "nuestro": true, "nuestra": true, "nuestros": true,
	"nuestras": true, "nostro": true, "nostra": true, "nostri": true, "nostre": true}

// namesSellerIn reports whether text names the seller: its mark as a
// word or a domain, or as words ("Lakeside Yarn Barn").
func (c *check) namesSellerIn(text string) bool {
	n := foldAccents(normalize(text)) // "Maison Lisière" names maison-lisiere.fr
	words := conceptWords(n)
	if len(c.mark) < 8 { // a short mark ("shop") only as a word or a domain
		for _, w := range words {
			if w == c.mark || strings.HasPrefix(w, c.mark+".") {
				return true
			}
		}
		return strings.Contains(n, c.mark+".")
	}
	// "Bouton d'Or" or "boutondor-mercerie.fr" both name boutondor-mercerie;
	// "Tè & Tisane Dolomiti" names teetisanedolomiti, "Wren & Willow"
	// wrenandwillow: a domain spells the ampersand out, or drops it.
	squashed, mark := strings.NewReplacer(" ", "", "-", "").Replace(n), strings.ReplaceAll(c.mark, "-", "")
	if strings.Contains(squashed, mark) {
		return true
	}
	if strings.Contains(squashed, "&") {
		for _, and := range ampersandWords {
			if strings.Contains(strings.ReplaceAll(squashed, "&", and), mark) {
				return true
			}
		}
	}
	return namesSeller(words, c.mark) || hasMarkParts(words, c.mark)
}

// ampersandWords are how a domain writes a name's "&".
var ampersandWords = []string{"", "and", "n", "e", "et", "und", "y"}

// hasMarkParts reports whether every part of a hyphenated mark stands as
// a word, in any order ("Moda Lunatica" for lunatica-moda.it).
func hasMarkParts(words []string, mark string) bool {
	parts := strings.Split(mark, "-")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if len(p) < 3 || !slices.Contains(words, p) {
			return false
		}
	}
	return true
}

// agentLanguage is the language to explain the verdict in: the agent's
// when the gateway knows it and the policy speaks it, else the language
// the agent wrote the message in.
func (c *check) agentLanguage(m *Message) string {
	if l := c.env.Language; l != "" && c.e.p.messages[l] != nil {
		return l
	}
	return writtenIn(m, c.lang)
}

// WrittenIn returns the language (en, de, fr, es, it, ja) the agent wrote
// m in — its subject and its own lines, not the buyer's quoted ones — or
// the language of the marketplace of rcpt when the words do not say.
func WrittenIn(m *Message, rcpt []string) string {
	_, market := marketplaceOf(rcpt)
	return writtenIn(m, market)
}

func writtenIn(m *Message, market string) string {
	var b strings.Builder
	b.WriteString(m.Subject)
	for _, t := range m.Texts {
		for _, l := range t.Lines {
			if !l.Quote && b.Len() < 2000 {
				b.WriteString("\n")
				b.WriteString(l.Text)
			}
		}
		if b.Len() > len(m.Subject) {
			break // the text part says it; its HTML twin says the same
		}
	}
	own := b.String()
	if kana(own) {
		return "ja"
	}
	return textLanguage(normalize(own), market)
}

// kana reports whether s holds hiragana or katakana: Japanese, not only
// Chinese characters or full-width digits.
func kana(s string) bool {
	for _, r := range s {
		if 0x3041 <= r && r <= 0x30FF {
			return true
		}
	}
	return false
}

func (c *check) add(cat, rule, excerpt, where string, act Action) {
	key := cat + "\x00" + rule + "\x00" + excerpt + "\x00" + where
	if c.seen[key] || c.full() {
		return
	}
	c.seen[key] = true
	c.out = append(c.out, Violation{Rule: rule, Category: cat, Excerpt: excerpt, Where: where,
		Message: c.e.p.ruleMessage(c.language(), rule, cat), Action: act})
}

func (c *check) lines(lines []Line, kind string) {
	// The lines to check, normalized all at once; blank lines and the
	// buyer's own words in a quote are not.
	texts := make([]string, len(lines))
	for i, l := range lines {
		if strings.TrimSpace(l.Text) != "" && !c.exempt(l.Quote, l.QuoteBy, l.Text) {
			texts[i] = l.Text
		}
	}
	norms := normalizeLines(texts)
	// Links, addresses and phones line by line; phrases by paragraph: the
	// lines a plain-text client wrapped (a phrase may run onto the next
	// line) are read as one, their phrases reported on the line each
	// starts in.
	para := &c.para
	para.reset(kind)
	c.prevLine, c.blockHead = "", ""
	adjacent := false // the paragraph follows the last one without a blank line
	for i, l := range lines {
		if texts[i] == "" {
			continue
		}
		if i == 0 || texts[i-1] == "" {
			c.blockHead = "" // the first line of a block is its own head
		}
		scan, ok := c.detect(l.Text, c.prepare(c.blankBuyer(norms[i])), place{kind, l.N}, c.e.p.action)
		c.prevLine = norms[i]
		if c.blockHead == "" {
			c.blockHead = norms[i]
		}
		if !ok {
			return
		}
		para.add(l.Text, scan, l.N)
		if i+1 == len(lines) || texts[i+1] == "" || !softBreak(l.Text, texts[i+1], kind == "text") {
			// A rule may span the sentences of lines written one
			// sentence per line; a blank line ends its reach.
			c.stems.carry = adjacent
			c.phrases(para, c.e.p.action)
			para.reset(kind)
			adjacent = i+1 < len(lines) && texts[i+1] != ""
		}
	}
	c.stems.carry = false
}

// paragraph is lines read as one: their texts joined (with a space, or
// nothing after Japanese), and where each line starts.
type paragraph struct {
	kind         string // where the lines are: "text", "html", "subject" …
	origs, scans []string
	ns           []int // the lines' numbers (0: the text is not in lines)
	starts       []int // offset of each line in the joined scan
}

func (p *paragraph) add(orig, scan string, n int) {
	p.origs, p.scans, p.ns = append(p.origs, orig), append(p.scans, scan), append(p.ns, n)
}

// sep is what joins line i-1 and line i.
func (p *paragraph) sep(i int) string {
	if r, _ := utf8.DecodeLastRuneInString(p.scans[i-1]); unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
		return "" // Japanese runs on without a space
	}
	return " "
}

// scan returns the paragraph's normalized texts as one.
func (p *paragraph) scan() string {
	p.starts = append(p.starts[:0], 0)
	return p.join(p.scans, &p.starts)
}

// orig returns the paragraph as the sender wrote it (for excerpts).
func (p *paragraph) orig() string { return p.join(p.origs, nil) }

// join joins the lines' parts with sep, noting in starts (when not nil)
// where each line after the first starts.
func (p *paragraph) join(parts []string, starts *[]int) string {
	if len(parts) == 1 {
		return parts[0]
	}
	var b strings.Builder
	for i, part := range parts {
		if i > 0 {
			b.WriteString(p.sep(i))
			if starts != nil {
				*starts = append(*starts, b.Len())
			}
		}
		b.WriteString(part)
	}
	return b.String()
}

// at returns where offset lo of the joined scan is.
func (p *paragraph) at(lo int) place {
	i := len(p.starts) - 1
	for i > 0 && p.starts[i] > lo {
		i--
	}
	return place{p.kind, p.ns[i]}
}

func (p *paragraph) reset(kind string) {
	p.kind, p.origs, p.scans, p.ns = kind, p.origs[:0], p.scans[:0], p.ns[:0]
}

// softBreak reports whether a plain-text line ends where the client
// wrapped a longer one: a format=flowed soft break (a trailing space), or
// a long line that does not end a sentence.
//
// Japanese lines that end without a stop, and lines that end in a word or
// a comma when the next starts in lower case, run on too (in HTML too,
// where Outlook puts each wrapped line of a pasted text in a paragraph).
func softBreak(line, next string, plain bool) bool {
	if plain && strings.HasSuffix(line, " ") {
		return true
	}
	t := strings.TrimSpace(line)
	last, _ := utf8.DecodeLastRuneInString(t)
	if strings.ContainsRune(".!?:;。！？」』）)", last) {
		return false
	}
	if unicode.In(last, unicode.Han, unicode.Hiragana, unicode.Katakana) || last == '、' {
		return true
	}
	first, _ := utf8.DecodeRuneInString(strings.TrimSpace(next))
	if (unicode.IsLetter(last) || last == ',') && unicode.IsLower(first) {
		return true
	}
	return plain && utf8.RuneCountInString(t) >= 40
}

// place is where a piece of text was found: "subject", or a part's kind
// ("text", "html") and a line number.
type place struct {
	kind string
	line int
}

func (p place) String() string {
	if p.line == 0 {
		return p.kind
	}
	return p.kind + " line " + strconv.Itoa(p.line)
}

// text runs the text detectors over one piece of text.
func (c *check) text(orig, where string, act func(string) Action) {
	c.textAfter(orig, "", where, act)
}

// textAfter is text for a line of a document read after the line prev: a
// service's name above its number labels it there too ("Velora Warranty
// Service (manufacturer)" over "Phone: 1-888-555-0142").
func (c *check) textAfter(orig, prev, where string, act func(string) Action) {
	if orig == "" {
		return
	}
	c.prevLine, c.blockHead = "", ""
	if prev != "" {
		c.prevLine = normalize(prev)
	}
	if scan, ok := c.detect(orig, c.prepare(normalize(orig)), place{kind: where}, act); ok {
		p := &c.para
		p.reset(where)
		p.add(orig, scan, 0)
		c.phrases(p, act)
	}
}

// prepare removes from normalized text what is never a finding: the
// policy's allowed phrases and references to inline parts.
func (c *check) prepare(n string) string {
	for _, ph := range c.e.p.allowPh {
		n = strings.ReplaceAll(n, ph, " ")
	}
	if strings.Contains(n, "code") || strings.Contains(n, "códig") || strings.Contains(n, "codic") {
		n = plainCodes.Replace(n)
	}
	if strings.Contains(n, "cid:") {
		n = cidRef.ReplaceAllString(n, " ")
	}
	return n
}

// plainCodes blanks the codes that open a door or name a place ("le code
// d'entrée … pour les prochaines fois"): no discount code, whatever
// follows.
var plainCodes = func() *strings.Replacer {
	var args []string
	for _, p := range []string{"code d'entrée", "code d'accès", "code de porte", "code postal", "code de retrait",
		"door code", "gate code", "access code", "zip code", "post code", "entry code", "türcode", "zugangscode", "abholcode",
		"código postal", "código de acceso", "código de entrada", "codice postale", "codice di accesso", "codice del portone"} {
		args = append(args, p, strings.Repeat(" ", len(p)))
	}
	return strings.NewReplacer(args...)
}()

// detect runs the detectors that read one line at a time over orig (n its
// normalized, prepared form): addresses, links, phones. It returns what
// the phrases are looked for in (n without its allowed links), and false
// when the check is over (enough findings, or the text budget spent).
func (c *check) detect(orig, n string, at place, act func(string) Action) (scan string, ok bool) {
	if orig == "" || c.full() {
		return "", false
	}
	if c.budget -= len(orig); c.budget < 0 {
		if c.budget+len(orig) >= 0 {
			c.add("format", "format.too-long", fmt.Sprintf("more than %d bytes of text", textBudget), at.String(), Quarantine)
		}
		return "", false
	}
	n = reveal(n)
	// E-mail addresses first, then cut them out so their domains are not links.
	rest := n
	if strings.IndexByte(n, '@') >= 0 {
		for _, em := range c.e.emails.FindAllString(n, -1) {
			if !c.buyers[em] && !marketplace.IsRelayAddress(em) && !c.ownInHeaderLine(n, em) {
				c.add("contact", "contact.email", excerpt(orig, em), at.String(), act("contact"))
			}
		}
		rest = c.e.emails.ReplaceAllString(n, " ")
	}
	// What the phone and phrase detectors read: n without the allowed
	// links, whose numbers and words (a carrier's tracking number, an
	// Amazon help page's path) are neither phones nor phrases.
	scan = n
	for _, u := range urlsIn(c.e.urls, rest) {
		host := hostOf(u)
		if host == "" || localAddress(host) || sentWithMailApp(n, u) || numberAbbrev(orig, u) || placeholderHost(u) || legalForm(u) {
			continue
		}
		if !c.allowedHost(host) {
			rule := "link.external"
			if c.lookalike(host) {
				rule = "link.lookalike"
			}
			c.add("link", rule, excerpt(orig, u), at.String(), act("link"))
			c.ownShop(u, host, excerpt(orig, u), at.String(), act)
		} else if i := strings.Index(scan, u); i >= 0 {
			scan = scan[:i] + strings.Repeat(" ", len(u)) + scan[i+len(u):]
		}
	}
	if ph, spelled := spelledDigitSpans(scan); digitCount(ph) >= 7 {
		if len(spelled) == 0 {
			ph = plainDigits(ph)
		}
		c.phoneNumbers(orig, ph, spelled, at.String(), act)
		if len(spelled) >= 2 {
			c.spelledInPieces(orig, ph, spelled, at.String(), act)
		}
	}
	return scan, true
}

// spelledInPieces finds a phone number spelled in words in pieces, each
// too short to be one ("die Nummer ist null acht null drei eins, dann zwei
// drei vier vier neun"): pieces a few words apart in one sentence, eight
// digits or more together, after the word for a number or a phone.
func (c *check) spelledInPieces(orig, ph string, spans [][2]int, where string, act func(string) Action) {
	for i := 0; i < len(spans); {
		j, digits := i, spans[i][1]-spans[i][0]
		for j+1 < len(spans) && spans[j+1][0]-spans[j][1] <= 40 && !strings.ContainsAny(ph[spans[j][1]:spans[j+1][0]], ".!?。") {
			j++
			digits += spans[j][1] - spans[j][0]
		}
		if j > i && digits >= 8 && numberWord.MatchString(ph[max(0, spans[i][0]-48):spans[i][0]]) {
			c.add("contact", "contact.phone", excerpt(orig, ""), where, act("contact"))
			return
		}
		i = j + 1
	}
}

// numberWord is the word for a (phone) number before one.
var numberWord = regexp.MustCompile(`(?:nummer|number|numéro|numero|número|番号|telefon|phone|téléphone|teléfono|portable|handy|móvil|movil|cellulare|whatsapp|durchwahl|extension|interno)`)

// replySubject is a reply's subject: "Re: …" in the clients' languages; the
// rest is the subject the buyer wrote ("Re: faut-il supprimer mon avis ?").
var replySubject = regexp.MustCompile(`(?i)^\s*(?:re|aw|antw|r|rif|rv|res|sv|返信|回复)\s*(?:\[\d+\])?\s*[:：]`)

// fabricCut is a "coupon" of fabric: a length cut from the roll ("un
// coupon de 3 m", "coupon de tissu", "scampolo di stoffa").
var fabricCut = regexp.MustCompile(`^s?\s+(?:de|di)\s+(?:tissu|stoffa|lin|coton|viscose|laine|\d+(?:[.,]\d+)?\s?(?:m|cm|mètres?|metri)\b)`)

// fabricCoupon reports whether the word "coupon" at scan[lo:hi] is a
// length of fabric: said so there, or earlier in the message.
func (c *check) fabricCoupon(scan string, lo, hi int) bool {
	w := strings.TrimSpace(scan[lo:hi])
	if w != "coupon" && w != "coupons" {
		return false
	}
	if fabricCut.MatchString(scan[hi:]) {
		c.fabric = true
	}
	return c.fabric
}

// phrases runs the policy's phrases and patterns over a paragraph.
func (c *check) phrases(p *paragraph, act func(string) Action) {
	if c.full() {
		return
	}
	lx := c.e.p.lex
	scan := p.scan()
	if c.phrased[scan] {
		return
	}
	if c.phrased == nil {
		c.phrased = map[string]bool{}
	}
	c.phrased[scan] = true
	if p.kind == "subject" && replySubject.MatchString(p.orig()) {
		return // a reply's subject is the buyer's: its words are the buyer's question
	}
	langs := []string{textLanguage(scan, c.lang), c.lang}
	c.strs = lx.scan(scan, c.strs[:0])
	for _, h := range lx.find(scan, c.strs, &c.lex) {
		if h.ok && !c.negated(scan, h.lo, langs) && !(lx.cats[h.cat] == "contact" && (callPhrase(scan[h.lo:h.hi]) && c.serviceSentence(scan, h.lo) || onlySocialNames(scan))) &&
			!(lx.cats[h.cat] == "promotion" && (amazonsOwn(scan, h.lo, h.hi) || amazonTiers(scan, h.lo, h.hi) || c.priceAdjusted(scan, h.lo, h.hi, langs) || c.fabricCoupon(scan, h.lo, h.hi))) {
			cat := lx.cats[h.cat]
			found := strings.TrimSpace(strings.Trim(scan[h.lo:h.hi], " .,;:!?()\"'"))
			c.add(cat, cat+".phrase."+lx.phraseLang(h, found, langs), excerpt(p.orig(), found), p.at(h.lo).String(), act(cat))
		}
	}
	// An address spelled over a line break (each line's own were read
	// with the line).
	for _, sa := range spelledAddresses(scan) {
		c.add("contact", "contact.email", excerpt(p.orig(), "")+" ("+strings.Trim(sa.addr, ".-_")+")", p.at(sa.lo).String(), act("contact"))
	}
	// So is a phone number spelled over a line break ("… zéro-quatre,
	// soixante-seize,⏎trente et un …" in format=flowed), unless a line
	// of the paragraph gave one already.
	if len(p.ns) > 1 && !c.phoneIn(p) {
		// Unless a number word ends a line where another starts the next,
		// each line's own were read with the line.
		if numberAcrossLines(p) {
			if spelled, spans := spelledDigitSpans(scan); len(spans) > 0 {
				c.phoneNumbers(spelled, spelled, spans, p.at(0).String(), act) // the excerpt shows the number read
			}
		}
		c.brokenPhones(p, act)
	}
	cs := c.e.p.concepts
	for _, h := range cs.find(scan, langs, c.mark, &c.stems) {
		r := cs.rules[h.rule]
		if r.id == RuleReviewRequest {
			c.reviewRequest = true // counted, not refused
			continue
		}
		// "We cannot send quotations outside Amazon, but …" declines to
		// leave the platform in the clause that names it.
		if r.id == "promotion.elsewhere" && c.negated(scan, h.lo, langs) {
			continue
		}
		// "Type SF-22-L in Amazon's search bar" finds the spare part the
		// buyer asked for by its code, not the seller's shop.
		if r.id == "promotion.search-box" && c.codeSearch(scan[h.lo:h.hi], langs) {
			continue
		}
		found := strings.TrimSpace(strings.Trim(scan[h.lo:h.hi], " .,;:!?()\"'"))
		c.add(r.cat, r.id, excerpt(p.orig(), found), p.at(h.lo).String(), act(r.cat))
	}
}

// amazonsOwn reports whether the offer named at scan[lo:hi] is Amazon's
// own ("era un cupón de Amazon de $150 que aparecía en la página del
// producto", "the Amazon coupon"): the seller explains it, and offers
// nothing. A coupon tied to a review or a next order is still found by
// the concepts.
func amazonsOwn(scan string, lo, hi int) bool {
	// "Sobre el cupón: era un cupón de Amazon …": the sentence says
	// whose coupon it speaks of.
	word := scan[lo:hi]
	for _, sp := range sentences(scan) {
		if sp[0] <= lo && lo < sp[1] {
			for i := sp[0]; i < sp[1]; {
				k := strings.Index(scan[i:sp[1]], word)
				if k < 0 {
					break
				}
				if amazonsAt(scan, i+k, i+k+len(word)) {
					return true
				}
				i += k + len(word)
			}
			return false
		}
	}
	return amazonsAt(scan, lo, hi)
}

// amazonTiers reports whether the prices at scan[lo:hi] are the quantity
// tiers Amazon shows ("Für die Korkmatte sind auf Amazon Staffelpreise
// hinterlegt. Ab 10 Stück kostet die Matte 41,90 € statt 49,90 €"): a
// bulk enquiry answered on Amazon, not an offer elsewhere.
func amazonTiers(scan string, lo, hi int) bool {
	return strings.ContainsAny(scan[lo:hi], "0123456789") && amazonTierWords.MatchString(scan)
}

// priceAdjusted reports whether the prices at scan[lo:hi] explain a
// price drop the seller refunds ("kostet seit Montag 24,90 € statt 29,80
// €. Ich habe Ihnen die Differenz erstattet"): the buyer is paid back,
// not sold to.
func (c *check) priceAdjusted(scan string, lo, hi int, langs []string) bool {
	return strings.ContainsAny(scan[lo:hi], "0123456789") && c.e.p.concepts.has(scan, langs, "price_adjust", &c.stems)
}

// amazonTierWords name the quantity prices Amazon shows its business
// buyers.
var amazonTierWords = regexp.MustCompile(`amazon[- ]?business|staffelpreis|tiered pric|quantity discounts? on amazon|prix dégressifs sur amazon|precios escalonados|prezzi a scaglioni|数量割引|法人価格|ビジネス価格`)

// amazonsAt reports whether Amazon's name stands right before or after
// scan[lo:hi].
func amazonsAt(scan string, lo, hi int) bool {
	after := strings.TrimLeft(scan[hi:], " ")
	for _, p := range []string{"de amazon", "d'amazon", "di amazon", "von amazon", "from amazon", "by amazon", "offered by amazon", "amazon"} {
		if strings.HasPrefix(after, p) && (len(after) == len(p) || !isLetterByte(after[len(p)])) {
			return true
		}
	}
	before := strings.TrimRight(scan[:lo], " ")
	return strings.HasSuffix(before, "amazon") || strings.HasSuffix(before, "amazon's") || strings.HasSuffix(before, "amazon-") ||
		strings.HasSuffix(before, "amazonの")
}

// numberAcrossLines reports whether a line of p ends in a number word (or
// kanji numerals) and the next starts with one: only then may a number in
// words run over a line break.
func numberAcrossLines(p *paragraph) bool {
	for i := 1; i < len(p.scans); i++ {
		if hasWide(p.scans[i-1]) || hasWide(p.scans[i]) {
			return true // kanji numerals: no words to look at
		}
		if numberEdge(lastWord(p.scans[i-1])) && numberEdge(firstWord(p.scans[i])) {
			return true
		}
	}
	return false
}

// numberEdge reports whether w, a line's first or last word, may be part
// of a number in words.
func numberEdge(w string) bool {
	for _, part := range strings.Split(w, "-") {
		if k, _ := numberKind(part); k != numOther {
			return true
		}
	}
	return false
}

// lastWord and firstWord return a line's last and first word, without
// the punctuation and the dashes around it ("… cuarenta y dos⏎- ochenta
// y ocho").
func lastWord(s string) string {
	s = strings.TrimRight(s, " \t,.;:!?()\"'«»-–")
	return s[strings.LastIndexAny(s, " \t(\"'«")+1:]
}

func firstWord(s string) string {
	s = strings.TrimLeft(s, " \t,.;:!?()\"'«»-–")
	if k := strings.IndexAny(s, " \t,.;:!?)\"'»"); k >= 0 {
		return s[:k]
	}
	return s
}

// brokenPhones looks for phone numbers in digits that a line break cuts
// in two ("chiamami, 0 4 5 - 8 7 .⏎1 2 . 6 6 0"): each line holds too few
// digits to be read as one alone. Only the two lines around the break are
// read, so that labels and numbers elsewhere in the paragraph stay apart.
func (c *check) brokenPhones(p *paragraph, act func(string) Action) {
	for i := 1; i < len(p.scans) && !c.phoneIn(p); i++ {
		a, b := p.scans[i-1], p.scans[i]
		tail, head := trailingDigits(a), leadingDigits(b)
		if tail == 0 || head == 0 || tail+head < 7 {
			continue
		}
		joined := a + " " + b
		c.phoneNumbers(p.origs[i-1]+" "+p.origs[i], plainDigits(joined), nil, place{p.kind, p.ns[i-1]}.String(), act)
	}
}

// trailingDigits counts the digits in the run of phone bytes that ends s.
func trailingDigits(s string) int {
	d := 0
	for i := len(s) - 1; i >= 0 && (phoneByte(s[i]) || s[i] == '\t'); i-- {
		if isDigitByte(s[i]) {
			d++
		}
	}
	return d
}

// leadingDigits counts the digits in the run of phone bytes that starts s.
func leadingDigits(s string) int {
	d := 0
	for i := 0; i < len(s) && (phoneByte(s[i]) || s[i] == '\t'); i++ {
		if isDigitByte(s[i]) {
			d++
		}
	}
	return d
}

// codeSearch reports whether the part of a sentence (between dashes) that
// names Amazon's search box holds a product code to type there: a part or
// model number (letters and at least two digits, "sf-22-l") or an EAN
// (eight digits or more). "Unser Pflegeset für die BK-870 – geben Sie
// „Brühwerk Pflegeset“ in die Suche ein" searches a name, not the code.
func (c *check) codeSearch(s string, langs []string) bool {
	for _, part := range dashParts(s) {
		if hasCode(part) && c.e.p.concepts.has(part, langs, "search_box", &c.stems) {
			return true
		}
	}
	return false
}

// dashParts splits s at the dashes that set a clause apart.
func dashParts(s string) []string {
	for _, d := range []string{" – ", " — ", " - "} {
		s = strings.ReplaceAll(s, d, "\n")
	}
	return strings.Split(s, "\n")
}

// hasCode reports whether s holds a word that is a product code.
func hasCode(s string) bool {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !isCodeRune(r) }) {
		w = strings.Trim(w, "-")
		digits, letters := 0, 0
		for _, r := range w {
			if '0' <= r && r <= '9' {
				digits++
			} else if unicode.IsLetter(r) {
				letters++
			}
		}
		if digits >= 8 && letters == 0 || digits >= 2 && letters >= 1 && len(w) >= 4 {
			return true
		}
	}
	return false
}

// isCodeRune reports whether r can stand in a product code.
func isCodeRune(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-')
}

// phoneIn reports whether a phone number was found in a line of p.
func (c *check) phoneIn(p *paragraph) bool {
	for _, v := range c.out {
		if v.Rule != "contact.phone" {
			continue
		}
		for _, n := range p.ns {
			if v.Where == (place{p.kind, n}).String() {
				return true
			}
		}
	}
	return false
}

// quotedTo reports whether addr, at the seller's own domain, is where the
// quoted message was sent to: a quoted header's To line names it ("To:
// info@midori-noki.co.jp", a mailto link in HTML).
func (c *check) quotedTo(lines []Line, addr string) bool {
	for _, l := range lines {
		if l.Quote && strings.Contains(strings.ToLower(l.Text), addr) && c.ownInHeaderLine(normalize(l.Text), addr) {
			return true
		}
	}
	return false
}

// ownInHeaderLine reports whether em, at the seller's own domain, stands
// in a quoted header's To line ("An: info@stoffkiste-meyer.de"): it is
// where the buyer wrote to, not an address the seller gives out.
func (c *check) ownInHeaderLine(line, em string) bool {
	at := strings.LastIndexByte(c.env.MailFrom, '@')
	if at < 0 || !strings.HasSuffix(em, "@"+strings.ToLower(c.env.MailFrom[at+1:])) {
		return false
	}
	l := strings.TrimLeft(line, " \t>*")
	for _, h := range []string{"to:", "an:", "à:", "à :", "a:", "para:", "宛先:", "宛先："} {
		if strings.HasPrefix(l, h) {
			return true
		}
	}
	return false
}

// onlySocialNames reports whether a text is nothing but social networks'
// names: the alt texts of a signature's icons without a link or a handle
// ("Facebook Instagram"), which give no contact (a link is a link).
func onlySocialNames(scan string) bool {
	words := strings.FieldsFunc(scan, func(r rune) bool { return !unicode.IsLetter(r) })
	for _, w := range words {
		if !socialNames[w] {
			return false
		}
	}
	return len(words) > 0
}

var socialNames = map[string]bool{"facebook": true, "instagram": true, "tiktok": true, "twitter": true, "x": true, "linkedin": true,
	"youtube": true, "pinterest": true, "threads": true, "xing": true, "line": true}

// callPhrase reports whether a contact phrase asks for a call, a contact or a visit
// to a website ("お電話ください", "ホームページから"), which a service's
// sentence may ask for the service (the carrier's branch, its site).
func callPhrase(ph string) bool {
	for _, w := range []string{"電話", "連絡", "ホームページ", "call", "contact", "kontakt", "contatt", "anruf", "appel", "rappel", "zurückrufen", "llam", "chiam", "telefon", "website", "webseite", "site web", "sitio web", "sito web"} {
		if strings.Contains(ph, w) {
			return true
		}
	}
	return false
}

// serviceSentence reports whether the sentence around lo names a service
// whose contact the policy allows (a carrier's branch, the manufacturer's
// service): "担当の営業所へ直接お電話ください" after Sagawa's tracking link
// sends the buyer to the carrier, not to the seller.
func (c *check) serviceSentence(scan string, lo int) bool {
	for _, sp := range sentences(scan) {
		if sp[0] <= lo && lo < sp[1] {
			s := scan[max(0, sp[0]-labelWindow):sp[1]]
			return labelEnd(s, c.e.p.serviceLabels) >= 0 && !ownWords(s)
		}
	}
	return false
}

// negated reports whether the phrase found at lo in scan is said not to
// be done: a negation right before it ("statt per WhatsApp", "no coupon
// code"), or a refusal in its sentence ("we cannot give you a coupon
// code"). "Don't hesitate to message us on WhatsApp" is no negation.
func (c *check) negated(scan string, lo int, langs []string) bool {
	start := 0
	for _, sp := range sentences(scan) {
		if sp[0] <= lo && lo < sp[1] {
			// The refusal counts in the phrase's clause: "we do not list the
			// red ones on Amazon, but our Etsy shop has them" offers Etsy.
			cl, ch := clauseAround(scan, sp[0], sp[1], lo)
			start = cl
			clause := impatience.ReplaceAllString(scan[cl:ch], " ")
			clause = notOnAmazon.ReplaceAllString(clause, " ")
			if c.e.p.concepts.has(clause, langs, "refusal", &c.stems) {
				return true
			}
			break
		}
	}
	words := labelWords(scan[start:lo])
	// A negation before a comma that two words or more follow belongs to
	// another clause: "si sigue sin vincularse, escríbame por Telegram"
	// invites; "kein WhatsApp, Telegram oder Signal" lists.
	// So does one in a condition before the comma: "si así no le
	// funciona, mándeme un whats".
	if k := strings.LastIndexAny(scan[start:lo], ",;"); k >= 0 {
		if after := labelWords(scan[start+k+1 : lo]); len(after) >= 2 || conditional(labelWords(scan[start:start+k])) {
			words = after
		}
	}
	for i := len(words) - 1; i >= 0 && i >= len(words)-4; i-- {
		if negationWords[words[i]] && !stepByStep(words, i) && !ratherThis(words, i) {
			for j := max(0, i-2); j < min(len(words), i+2); j++ {
				if hesitate[words[j]] {
					return false
				}
			}
			return true
		}
	}
	return false
}

// conditional reports whether words open a condition ("if it does not
// work", "wenn das nicht klappt").
func conditional(words []string) bool {
	return len(words) > 0 && conditionWords[words[0]]
}

var conditionWords = map[string]bool{"if": true, "wenn": true, "falls": true, "sollte": true, "si": true, "se": true, "qualora": true}

// impatience is the buyer who cannot wait ("if you can't wait, our eBay
// store has them"): a condition, not the seller refusing anything.
var impatience = regexp.MustCompile(`(?:if you (?:can't|cannot|can not) wait|wenn sie nicht (?:so lange )?warten (?:können|wollen)|si vous ne pouvez pas attendre|si no puede esperar|se non può aspettare)`)

// notOnAmazon says a product is not on Amazon: its "not" refuses
// nothing ("die habe ich leider nicht bei Amazon eingestellt, die gibt es
// nur in meinem Etsy-Laden" sends the buyer to Etsy).
var notOnAmazon = regexp.MustCompile(`(?:leider )?(?:nicht (?:bei|auf) amazon|not (?:listed |sold |available )?on amazon|pas (?:en vente )?sur amazon|no (?:está|están|lo tenemos|los tenemos) en amazon|non (?:è|sono|li abbiamo|lo abbiamo) su amazon)`)

// clauseAround returns the part of the sentence scan[lo:hi] that holds at
// between the contrast words ("but", "aber", "mais" …) around it.
func clauseAround(scan string, lo, hi, at int) (int, int) {
	for _, w := range contrastWords {
		for i := lo; i < hi; {
			k := strings.Index(scan[i:hi], w)
			if k < 0 {
				break
			}
			k += i
			switch {
			case k+len(w) <= at:
				lo = max(lo, k+len(w))
			case k >= at:
				hi = min(hi, k)
			}
			i = k + len(w)
		}
	}
	return lo, max(lo, hi)
}

// contrastWords turn a sentence around, with the spaces around them.
var contrastWords = []string{" but ", " aber ", " jedoch ", " doch ", " mais ", " cependant ", " pero ", " sin embargo ", " ma ", " però ", " tuttavia ", "けど", "しかし"}

// negationWords say that what follows is not done.
// stepByStep reports whether the "pas" at i is French "pas à pas" (step
// by step), no negation.
func stepByStep(words []string, i int) bool {
	if words[i] != "pas" {
		return false
	}
	return i+2 < len(words) && words[i+1] == "à" && words[i+2] == "pas" || i >= 2 && words[i-1] == "à" && words[i-2] == "pas"
}

// ratherThis reports whether the "rather" or "instead" at i prefers what
// follows ("envoyez-la nous plutôt en message privé"), not what it sets
// aside ("plutôt que par WhatsApp", "instead of WhatsApp").
func ratherThis(words []string, i int) bool {
	switch words[i] {
	case "plutôt", "instead", "invece":
		next := ""
		if i+1 < len(words) {
			next = words[i+1]
		}
		return next != "que" && !strings.HasPrefix(next, "qu'") && next != "of" && next != "di" && next != "che"
	}
	return false
}

var negationWords = map[string]bool{
	"not": true, "no": true, "never": true, "without": true, "instead": true, "don't": true, "won't": true,
	"nicht": true, "kein": true, "keine": true, "keinen": true, "keiner": true, "statt": true, "anstatt": true, "ohne": true, "nie": true, "niemals": true,
	"pas": true, "ni": true, "jamais": true, "sans": true, "plutôt": true, "aucun": true, "aucune": true,
	"nunca": true, "sin": true, "non": true, "né": true, "mai": true, "senza": true, "invece": true, "anziché": true, "nessun": true, "nessuna": true,
}

// hesitate words turn a negation into an invitation: "don't hesitate",
// "zögern Sie nicht", "n'hésitez pas", "no dude", "non esiti".
var hesitate = map[string]bool{"hesitate": true, "zögern": true, "n'hésitez": true, "hésitez": true, "dude": true, "dude en": true, "esiti": true, "esitate": true}

// urlsIn returns the URLs and bare domains in the normalized text s. The
// URL matcher (xurls, which knows every top-level domain) runs only on the
// words that can hold a domain: a dot between two word characters. A word
// with a scheme ("https://…") is taken as the URL it spells, up to the
// punctuation that ends a sentence.
func urlsIn(re *regexp.Regexp, s string) []string {
	if !hasDomainDot(s) {
		return nil // no dot between word characters: no domain, no URL
	}
	var out []string
	for len(s) > 0 {
		i := spaceIndex(s)
		w := s
		if i >= 0 {
			w, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if k := strings.Index(w, "://"); k > 0 {
			j := k
			for j > 0 && isLetterByte(w[j-1]) {
				j--
			}
			if j < k {
				if u := strings.TrimRight(w[j:], ".,;:!?)]}>'\"»”"); len(u) > k-j+3 {
					out = append(out, u)
				}
				w = w[:j]
			}
		}
		if hasTLDDot(w) {
			for _, u := range re.FindAllString(w, -1) {
				out = append(out, cjkCut(u))
			}
		}
	}
	return out
}

// numberAbbrev reports whether the bare "domain" u ending in .no is "No."
// as written in orig, the number abbreviation ("SER.No.", "Art.No."):
// Norway's domains are written in lower or upper case, not as "No".
func numberAbbrev(orig, u string) bool {
	if !strings.HasSuffix(u, ".no") || strings.ContainsAny(u, "/:") {
		return false
	}
	// ToLower may change the length of other letters: check the bounds.
	i := strings.Index(strings.ToLower(orig), u)
	return i >= 0 && i+len(u) <= len(orig) && orig[i+len(u)-2:i+len(u)] == "No"
}

// legalForm reports whether the bare domain u is a company's legal form
// that reads as one because .coop is a top-level domain ("Pasitos
// Educación S.Coop., NIF F50987123").
func legalForm(u string) bool {
	return len(u) == len("s.coop") && strings.HasSuffix(u, ".coop") && isLetterByte(u[0])
}

// placeholderHost reports whether the bare domain u is a number's mask
// that reads as a domain because .xxx is a top-level domain ("BE
// 0xxx.xxx.xxx"): every label of it x's and digits. Written with a scheme
// or a path, it is a link.
func placeholderHost(u string) bool {
	if strings.ContainsAny(u, "/:") {
		return false
	}
	for _, l := range strings.Split(u, ".") {
		if strings.Trim(l, "0123456789") == "" || strings.Trim(l, "x0123456789") != "" {
			return false
		}
	}
	return true
}

// sentWithMailApp reports whether the bare domain u is a mail app's name in
// its signature line ("Von meinem Android Mobiltelefon mit WEB.DE Mail
// gesendet", "Sent from Yahoo Mail"): a brand, not a link. A link the app
// adds to the line ("Get Outlook for iOS" → aka.ms) is a link.
func sentWithMailApp(line, u string) bool {
	if strings.ContainsAny(u, "/:") || !freemail[u] {
		return false
	}
	for _, w := range sentFromWords {
		if strings.Contains(line, w) {
			return true
		}
	}
	return false
}

// sentFromWords start a mail app's signature line, in each language.
var sentFromWords = []string{"gesendet", "sent from", "sent with", "envoyé de", "envoyé depuis", "enviado desde", "enviado con", "inviato da", "から送信"}

// cjkCut keeps of a URL found in Japanese or Chinese text the part
// written in ASCII around its dots: "当店ではamazon.co.jpでの販売価格" is
// amazon.co.jp (no space sets the domain off there). A domain written in
// its own script (例え.jp) stays whole.
func cjkCut(u string) string {
	if strings.Contains(u, "://") {
		return u
	}
	start, best := -1, ""
	for i, r := range u + "\u3000" {
		if r < 0x3000 {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if run := u[start:min(i, len(u))]; strings.Contains(run, ".") && len(run) > len(best) {
				best = run
			}
			start = -1
		}
	}
	if best == "" || best == u {
		return u
	}
	return strings.Trim(best, ".,、。 ")
}

// spaceIndex returns the index of the first space, tab or line break in s, or -1.
func spaceIndex(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			return i
		}
	}
	return -1
}

// hasDomainDot reports whether s has a dot between two word characters.
func hasDomainDot(s string) bool {
	for i := 1; i+1 < len(s); i++ {
		if s[i] == '.' && isWordByte(s[i-1]) && isWordByte(s[i+1]) {
			return true
		}
	}
	return false
}

// hasTLDDot reports whether a word can hold a domain: a dot after a word
// character and before two letters (a top-level domain starts so; "P.S."
// and "5.99" have none), so that the URL matcher runs only there.
func hasTLDDot(s string) bool {
	for i := 1; i+2 < len(s); i++ {
		if s[i] == '.' && isWordByte(s[i-1]) && tldByte(s[i+1]) && tldByte(s[i+2]) {
			return true
		}
	}
	return false
}

func tldByte(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80 }

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 0x80
}

func isLetterByte(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

func digitCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// hostOf extracts the host of a URL or bare domain.
func hostOf(u string) string {
	// As a browser does: tabs and line breaks in a URL are dropped, and
	// nothing after another control character counts (url.Parse would
	// refuse the whole URL, and a refused URL would be no link at all).
	s := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
	if i := strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }); i >= 0 {
		s = s[:i]
	}
	if !strings.Contains(s, "://") {
		if strings.HasPrefix(s, "mailto:") || strings.HasPrefix(s, "tel:") {
			return ""
		}
		s = "http://" + s
	}
	p, err := url.Parse(s)
	if err != nil {
		return ""
	}
	h := strings.TrimSuffix(strings.ToLower(p.Hostname()), ".")
	if !strings.Contains(h, ".") {
		return ""
	}
	return h
}

// ownShop adds a promotion finding for a link to the seller's own site
// (its sender domain's name) or a link tagged for a campaign (utm_…): the
// seller sends the buyer shopping elsewhere, more than it links.
func (c *check) ownShop(u, host, excerpt, where string, act func(string) Action) {
	site, err := publicsuffix.EffectiveTLDPlusOne(host)
	own := err == nil && c.mark != "" && strings.HasPrefix(site, c.mark+".")
	// A shop on a hosted platform carries the seller's name as its own
	// label ("saikoro-games.thebase.in" for saikoro-games.jp).
	own = own || c.mark != "" && len(c.mark) >= 4 && slices.Contains(strings.Split(strings.TrimSuffix(host, site), "."), c.mark)
	if own || strings.Contains(strings.ToLower(u), "utm_source=") || strings.Contains(strings.ToLower(u), "utm_campaign=") {
		c.add("promotion", "promotion.own-shop", excerpt, where, act("promotion"))
	}
}

// governmentHost reports whether host is a government's (a recall notice
// of a health ministry, a customs page): no seller can own one.
func governmentHost(host string) bool {
	labels := strings.Split(strings.ToLower(host), ".")
	n := len(labels)
	if n < 2 {
		return false
	}
	last, second := labels[n-1], labels[n-2]
	switch {
	case last == "gov" || last == "mil":
		return true
	case last == "eu" && second == "europa":
		return true
	case len(last) == 2 && (second == "gov" || second == "gob" || second == "gouv" || second == "go" || second == "gc" || second == "admin" || second == "bund" && last == "de"):
		return true
	}
	return false
}

// localAddress reports whether host is an IP address of the buyer's own
// network or machine (192.168.4.1 of a router's setup page): it leads
// nowhere outside.
func localAddress(host string) bool {
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && (ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast())
}

// allowedHost reports whether host's registrable domain is allowed.
func (c *check) allowedHost(host string) bool {
	etld1, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		etld1 = host
	}
	if c.e.p.domains[etld1] || governmentHost(host) {
		return true
	}
	// The allowed domain or any name under it: amazon.com.be's suffix
	// "com.be" is no public suffix, so its registrable domain is no guide.
	for h := host; h != ""; {
		if c.e.p.domains[h] {
			return true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			break
		}
		h = h[i+1:]
	}
	if c.env.Exception != "" && c.e.p.ExceptionEnabled() {
		for _, d := range c.e.p.exception.Kinds[c.env.Exception].Domains {
			if d == etld1 || d == host {
				c.usedException = true
				return true
			}
		}
	}
	return false
}

// lookalike reports whether host imitates an allowed domain (amaz0n,
// Cyrillic а, punycode).
func (c *check) lookalike(host string) bool {
	if strings.Contains(host, "xn--") {
		return true
	}
	skel := strings.NewReplacer("0", "o", "1", "l", "3", "e", "5", "s", "а", "a", "е", "e", "о", "o", "с", "c", "р", "p", "х", "x", "і", "i", "rn", "m").Replace(host)
	for d := range c.e.p.domains {
		base := d[:strings.IndexByte(d+".", '.')]
		if len(base) >= 4 && strings.Contains(skel, base) {
			return true
		}
	}
	return false
}

var (
	orderLike = regexp.MustCompile(`^\d{3}-\d{7}-\d{7}$`)
	dateLike  = regexp.MustCompile(`^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})($|\s)`)
	// ipv4 is a network address ("192.168.4.1", a device's setup page):
	// four dotted groups, no phone.
	ipv4 = regexp.MustCompile(`^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$`)
	// yearRange is "2018-2020", "1999 / 2004": years, not a phone.
	yearRange = regexp.MustCompile(`^(?:19|20)\d\d\s*[-/]\s*(?:19|20)\d\d$`)
	// monthYear ends a number that is a month and a year: "Fiat 500L
	// (351) 10/2013" is a model code and its first registration, "2613 /
	// 05-2024" a BIOS chip's version and date.
	monthYear = regexp.MustCompile(`(?:^|[^\d])(?:0?[1-9]|1[0-2])[/-](?:19|20)\d\d$`)
	// phoneLabel before a number makes it a phone number, also with a
	// preposition between ("per WA an 0660 …", "m. 07700 …").
	phoneLabel = regexp.MustCompile(`(?:^|[^\p{L}])(?:phone|tel|telephone|mobile|mob|m\.|t\.|cell|fax|telefon|handy|mobil|téléphone|tél|portable|teléfono|móvil|movil|telefono|cellulare|電話|携帯|電話番号|whatsapp|whats|wa|tel/wa|\p{L}*hotline(?:\s+[\p{L}-]+){0,2}|rufnummer|telefonnummer)\.?\s*(?:number|nr\.?|no\.?|nummer|numéro|número|numero|番号)?\s*[:：#,]?(?:\s+(?:an|unter|auf|at|on|to|au|al))?\s*$`)
	// callMe before a number asks the buyer to call the agent or the
	// seller on it ("give me a ring on", "call our customer care on",
	// "rufen Sie uns unter", "appelez-nous au", "llámenos al", "ci chiami
	// al"): the seller's own number, whatever plan it follows.
	callMe = regexp.MustCompile(`(?:^|[^\p{L}])(?:(?:call|ring|phone|text|reach)\s+(?:me|us|our\s+[\p{L} ]{1,25}?|my\s+[\p{L} ]{1,25}?)\s+(?:on|at)|give\s+(?:me|us)\s+a\s+(?:ring|call|bell)\s+(?:on|at)|(?:rufen|erreichen)\s+sie\s+(?:mich|uns)\s+(?:gerne\s+)?(?:unter|an)|appelez-(?:moi|nous)\s+au|llám(?:eme|enos)\s+al|(?:mi|ci)\s+chiami\s+al)\s*[:：]?\s*$`)
	// codeLabel before a number makes it a part, model or item number.
	codeLabel = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(no\.?|nr\.?|n°|part|model|modell|modèle|modelo|art\.?|artikel|sku|ref\.?|réf\.?|item|teil|型番|品番|製品番号)\s*[:#]?\s*$`)
	// cidRef is a reference to an inline part (Outlook writes [cid:…] in
	// its plain text): not a link, not an address.
	cidRef = regexp.MustCompile(`\[?cid:[^\s\]]*\]?`)
)

// phoneNumbers finds numbers that parse as valid phone numbers in the
// recipient's marketplace (or internationally with +/00); order IDs,
// dates, prices, tracking numbers and product codes do not.
// A number spelled out in words (spelled: where they stand in n) is a
// phone number whatever country's plan it follows: nobody spells out a
// serial number.
func (c *check) phoneNumbers(orig, n string, spelled [][2]int, where string, act func(string) Action) {
	for _, loc := range phoneCandidates(n) {
		loc[1] = asideCut(n, loc[0], loc[1])
		// Digits glued to letters belong to a code (XY123456789FR), not a phone.
		if loc[0] > 0 && isLetterByte(n[loc[0]-1]) || loc[1] < len(n) && isLetterByte(n[loc[1]]) {
			continue
		}
		// So do digits after letters and a hyphen or slash (RE-2025-04187,
		// AF-600/2024), unless the letters say phone ("Tel-").
		if gluedCode(n, loc[0]) {
			continue
		}
		cand := strings.TrimSpace(n[loc[0]:loc[1]])
		digits := 0
		for _, r := range cand {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		// A date in brackets is a date: "(02/01/25 20:44)".
		if digits < 7 || digits > 15 || orderLike.MatchString(cand) || looksLikeDate(strings.TrimLeft(cand, "([")) || yearRange.MatchString(cand) || ipv4.MatchString(cand) {
			continue
		}
		// A number after "Tel:", "Mobile:", "電話" … is a phone number,
		// whatever country's plan it follows (a seller's own country is
		// not the marketplace's).
		callsSeller := callMe.MatchString(n[max(0, loc[0]-48):loc[0]])
		labelled := callsSeller || phoneLabel.MatchString(n[max(0, loc[0]-24):loc[0]]) || overlaps(spelled, loc)
		// A long run of digits with no separator is a tracking number, an
		// EAN or an order number, unless it is dialled internationally.
		intl := strings.HasPrefix(cand, "+") || strings.HasPrefix(cand, "00")
		if !labelled && !intl && !strings.ContainsAny(cand, " ()-./") && digits >= 11 {
			continue
		}
		// Where a national number is written with its leading 0 (de, fr,
		// uk, jp), digits without it and without a country code are no
		// phone written for a buyer there ("Tradition 2250/2259/2282").
		if !labelled && !intl && firstDigit(cand) != '0' && c.nationalZero() {
			continue
		}
		if !labelled && (codeLabel.MatchString(n[max(0, loc[0]-16):loc[0]]) || monthYear.MatchString(cand)) {
			continue
		}
		switch c.numberLabel(n, loc[0]) {
		case labelCode:
			if !labelled {
				continue
			}
		case labelService:
			if !callsSeller { // "call our customer care on …" is the seller's
				if !c.inDocument {
					c.serviceNumber(cand) // a carrier's, the manufacturer's, a warranty service's
				}
				continue
			}
		}
		// Prices and quantities: a currency or unit next to the number.
		before := n[max(0, loc[0]-4):loc[0]]
		after := n[loc[1]:min(len(n), loc[1]+4)]
		if strings.ContainsAny(before+after, "€$£¥%") || strings.Contains(after, "eur") || strings.Contains(after, "円") {
			continue
		}
		// "Leipzig (04229) 4–6 Werktage": a postcode and a span of days.
		if !labelled && unitWord[firstWord(n[loc[1]:])] {
			continue
		}
		num, err := phonenumbers.Parse(cand, c.region)
		valid := err == nil && phonenumbers.IsValidNumber(num)
		// A number of a phone's length after a verb of calling is one, even
		// in a range the library does not know as allocated ("Appelez
		// Gérard au 06 39 98 18 44").
		called := !valid && err == nil && phonenumbers.IsPossibleNumber(num) && callVerb.MatchString(n[max(0, loc[0]-60):loc[0]])
		if !valid && !labelled && !called {
			continue
		}
		if c.inDocument && c.services[digitsOnly(cand)] {
			continue
		}
		if valid && c.env.Exception != "" && c.e.p.ExceptionEnabled() && c.exceptionPhone(num) {
			c.usedException = true
			continue
		}
		c.add("contact", "contact.phone", excerpt(orig, cand), where, act("contact"))
	}
}

// serviceNumber remembers cand as a service's phone number.
func (c *check) serviceNumber(cand string) {
	if c.services == nil {
		c.services = map[string]bool{}
	}
	c.services[digitsOnly(cand)] = true
}

// digitsOnly returns the digits of s.
func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// asideCut ends a candidate number (n[from:to]) at a bracket that
// follows seven digits: it opens an aside, not an area code
// ("03.5555.0198 (10時〜18時)", "0511 8890 21 (Mo–Fr 9–17)").
func asideCut(n string, from, to int) int {
	digits := 0
	for i := from; i < to; i++ {
		switch {
		case isDigitByte(n[i]):
			digits++
		case n[i] == '(' && digits >= 7:
			return i
		}
	}
	return to
}

// unitWord are units a number counts (days, hours, weights, sizes, pieces):
// a number followed by one is a quantity, not a phone number.
var unitWord = map[string]bool{
	"days": true, "day": true, "working": true, "business": true, "hours": true, "weeks": true, "minutes": true,
	"werktage": true, "werktagen": true, "tage": true, "tagen": true, "stunden": true, "wochen": true, "minuten": true,
	"jours": true, "heures": true, "semaines": true, "días": true, "dias": true, "horas": true, "semanas": true,
	"giorni": true, "giorno": true, "ore": true, "settimane": true, "minuti": true,
	"kg": true, "cm": true, "mm": true, "ml": true, "stück": true, "pcs": true, "pieces": true, "pezzi": true, "piezas": true,
	"営業日": true, "日": true, "時間": true, "個": true}

// firstDigit returns the first digit of s ("(0221) …" starts with 0), or 0.
func firstDigit(s string) byte {
	for i := 0; i < len(s); i++ {
		if isDigitByte(s[i]) {
			return s[i]
		}
	}
	return 0
}

// nationalZero reports whether people in the marketplace's country write
// every national number with its leading 0 (India's mobiles go without).
func (c *check) nationalZero() bool {
	switch c.region {
	case "DE", "AT", "CH", "FR", "BE", "GB", "JP":
		return true
	}
	return false
}

// looksLikeDate reports whether cand starts with a date: day, month and
// year in an order people write them (2025-05-12, 12.05.2025, 5/12/25).
// "0584-71-2290", a Japanese phone number in the same shape, is none.
func looksLikeDate(cand string) bool {
	m := dateLike.FindStringSubmatch(cand)
	if m == nil {
		return false
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[2])
	c, _ := strconv.Atoi(m[3])
	year := func(s string, v int) bool { return len(s) == 2 || len(s) == 4 && v >= 1900 && v <= 2100 }
	day := func(v int) bool { return v >= 1 && v <= 31 }
	month := func(v int) bool { return v >= 1 && v <= 12 }
	switch {
	case len(m[1]) == 4:
		return year(m[1], a) && month(b) && day(c)
	case len(m[1]) <= 2:
		return year(m[3], c) && (day(a) && month(b) || month(a) && day(b))
	}
	return false
}

// callVerb asks the reader to call or text, in the sentence before a
// number.
var callVerb = regexp.MustCompile(`(?:^|[^\p{L}])(?:appel|rappel|call|ring|buzz|a bell|phone|text|ruf|anruf|llám|llam|marque|chiam|telefon|whats|sms|videollam|videochiam|videoanruf|videocall|video call)`)

// gluedCode reports whether the number at lo in n follows letters and a
// hyphen or slash with no space: a code's prefix.
func gluedCode(n string, lo int) bool {
	if lo < 2 || n[lo-1] != '-' && n[lo-1] != '/' || !isLetterByte(n[lo-2]) {
		return false
	}
	i := lo - 2
	for i > 0 && isLetterByte(n[i-1]) {
		i--
	}
	return !phoneWords[n[i:lo-1]] && !phoneLabel.MatchString(n[i:lo-1])
}

// plainDigits rewrites a phone number's odd dress in n: "·", "∙", "•",
// "|" and "~" between digits as "-" ("4021·88·37", "0412|334|519", "503 ~ 555 ~
// 0142"), digits spaced out one by one run together ("0 4 5 – 6 8 1" is
// "045-681"). It returns n itself when there is nothing to rewrite.
func plainDigits(n string) string {
	if strings.Contains(n, "plus ") {
		n = plusCountry.ReplaceAllString(n, "$1+$2") // "plus 41 - 79 …" is +41
	}
	n = letterZeros(n)
	n = longVowelDashes(n)
	if !strings.ContainsAny(n, phoneSeparators) && !spacedDigitRun(n) {
		return n
	}
	// Glued to the digits a dot or bar separates a phone's groups
	// (0611·4470·28); set off by spaces it separates the parts of an
	// address line ("Industriestraße 21 · 73037 Göppingen").
	n = phoneSeparatorDashes.Replace(addressSeparators(n))
	// Letters for digits in the groups the dots joined ("O4I2 · 345 · 678").
	n = letterZeros(n)
	if !spacedDigitRun(n) {
		return n
	}
	b := []byte(n)
	out := b[:0]
	for i := 0; i < len(b); i++ {
		// Inside digits spaced out, a space between digits and
		// separators goes.
		if b[i] == ' ' && i > 0 && i+1 < len(b) && digitOrSep(b[i-1]) && digitOrSep(b[i+1]) {
			continue
		}
		out = append(out, b[i])
	}
	return string(out)
}

// phoneSeparators stand between a phone number's groups in odd dress;
// phoneSeparatorDashes writes each as "-".
const phoneSeparators = "·|・~∙•"

var phoneSeparatorDashes = func() *strings.Replacer {
	var pairs []string
	for _, r := range phoneSeparators {
		pairs = append(pairs, string(r), "-")
	}
	return strings.NewReplacer(pairs...)
}()

// spacedPhoneSeparators are phoneSeparators set off by spaces (" · ").
var spacedPhoneSeparators = func() []string {
	var out []string
	for _, r := range phoneSeparators {
		out = append(out, " "+string(r)+" ")
	}
	return out
}()

// plusCountry is a country code said with its plus ("plus 41", "plus
// 49"), as a number is dictated.
var plusCountry = regexp.MustCompile(`(^|[^\p{L}])plus\s+(\d{1,3}[\s.-])`)

// addressSeparators writes as ";" a dot or bar set off by spaces after a
// group of two or more digits ("Industriestraße 21 · 73037 Göppingen"):
// no phone runs across it. Digits spaced out one by one before or after
// it ("5 1 4 · 5 5 5", "33 · 1 8 4 0") keep it as the separator of a
// phone's groups.
func addressSeparators(n string) string {
	for _, sep := range spacedPhoneSeparators {
		for from := 0; ; {
			k := strings.Index(n[from:], sep)
			if k < 0 {
				break
			}
			k += from
			if k >= 2 && isDigitByte(n[k-1]) && isDigitByte(n[k-2]) && !dottedDigitGroups(n, k, sep) && !spacedDigitsAt(n, k+len(sep)) {
				n = n[:k] + " ;" + strings.Repeat(" ", len(sep)-2) + n[k+len(sep):]
			}
			from = k + 1
		}
	}
	return n
}

// spacedDigitsAt reports whether n has digits spaced out one by one at i
// ("1 8 4 0"): a phone dictated digit by digit goes on after the dot.
func spacedDigitsAt(n string, i int) bool {
	return i+4 < len(n) && isDigitByte(n[i]) && n[i+1] == ' ' && isDigitByte(n[i+2]) && n[i+3] == ' ' && isDigitByte(n[i+4])
}

// dottedDigitGroups reports whether the separator at k joins groups of
// one to four digits, three of them or more ("33 · 10 · 22 · 47 · 90"): a
// phone's groups, not the parts of an address line ("Industriestraße 21 ·
// 73037 Göppingen").
func dottedDigitGroups(n string, k int, sep string) bool {
	count := 0
	for i := k; ; {
		j := i
		for j > 0 && isDigitByte(n[j-1]) {
			j--
		}
		if i-j < 1 || i-j > 4 {
			break
		}
		count++
		if j < len(sep) || n[j-len(sep):j] != sep {
			break
		}
		i = j - len(sep)
	}
	for i := k + len(sep); ; {
		j := i
		for j < len(n) && isDigitByte(n[j]) {
			j++
		}
		if j-i < 1 || j-i > 4 {
			break
		}
		count++
		if !strings.HasPrefix(n[j:], sep) {
			break
		}
		i = j + len(sep)
	}
	return count >= 3
}

// longVowelDashes writes as "-" the katakana long-vowel mark 「ー」 between
// two digits, as Japanese phones type a dash: 080ー2271ー5639.
func longVowelDashes(n string) string {
	if !strings.Contains(n, "ー") {
		return n
	}
	var b strings.Builder
	for i := 0; i < len(n); {
		if strings.HasPrefix(n[i:], "ー") && i > 0 && isDigitByte(n[i-1]) && i+3 < len(n) && isDigitByte(n[i+3]) {
			b.WriteByte('-')
			i += len("ー")
			continue
		}
		b.WriteByte(n[i])
		i++
	}
	return b.String()
}

// letterZeros writes as digits the letters o (0) and l (1) that stand for
// them among the digits of a number ("33 1O58 77 42", "(o89) 44 12 77", "O4I2",
// "O5 56.48 2l 9O"): a letter glued to a digit or a bracket, in a stretch
// of at least six digits. The word "o" ("3 o 4 días") stands apart and
// stays.
func letterZeros(n string) string {
	if !strings.ContainsAny(n, "oOlIi") {
		return n
	}
	var b []byte
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c != 'o' && c != 'O' && !oneLetter(c) {
			continue
		}
		prev, next := byte(' '), byte(' ')
		if i > 0 {
			prev = n[i-1]
		}
		if i+1 < len(n) {
			next = n[i+1]
		}
		glued := isDigitByte(prev) && (isDigitByte(next) || strings.IndexByte(" ),.;:-/", next) >= 0) || prev == '(' && isDigitByte(next) ||
			isDigitByte(next) && (prev == ' ' || prev == '(' || prev == '-')
		// A leading l is a code's letter ("lot L2409-0112"), not a one,
		// unless a group of digits comes before it ("O6 l2 45 78 9O").
		if oneLetter(c) && !isDigitByte(prev) && !isDigitByte(lastBefore(n, i, " .-/")) {
			glued = false
		}
		if !glued || digitsAround(n, i) < 6 {
			continue
		}
		if b == nil {
			b = []byte(n)
		}
		b[i] = '0'
		if oneLetter(c) {
			b[i] = '1'
		}
	}
	if b == nil {
		return n
	}
	return string(b)
}

// oneLetter reports whether c is a letter typed for the digit one: l, or
// I, which the lower-cased text reads as i.
func oneLetter(c byte) bool { return c == 'l' || c == 'I' || c == 'i' }

// lastBefore returns the byte before n[i] once the bytes of skip are
// passed over, or a space at the start of n.
func lastBefore(n string, i int, skip string) byte {
	for i > 0 && strings.IndexByte(skip, n[i-1]) >= 0 {
		i--
	}
	if i == 0 {
		return ' '
	}
	return n[i-1]
}

// digitsAround counts the digits in the stretch of phone characters (and
// o's) around n[i].
func digitsAround(n string, i int) int {
	in := func(c byte) bool { return phoneByte(c) || c == 'o' || c == 'O' || oneLetter(c) }
	lo, hi := i, i
	for lo > 0 && in(n[lo-1]) {
		lo--
	}
	for hi < len(n) && in(n[hi]) {
		hi++
	}
	return digitCount(n[lo:hi])
}

func digitOrSep(c byte) bool { return isDigitByte(c) || c == '-' || c == '.' || c == '/' }

// spacedDigitRun reports whether n has five digits in a row spaced out one
// by one ("0 4 5 6 8", "0 6.3 8 / 1 2.7 4").
func spacedDigitRun(n string) bool {
	run := 0
	for i := 0; i < len(n); i++ {
		switch {
		case isDigitByte(n[i]) && (i == 0 || !isDigitByte(n[i-1])) && (i+1 == len(n) || !isDigitByte(n[i+1])):
			if run++; run >= 5 {
				return true
			}
		case n[i] == ' ' || n[i] == '-' || n[i] == '.' || n[i] == '/':
		default:
			run = 0
		}
	}
	return false
}

// overlaps reports whether the span loc overlaps one of spans.
func overlaps(spans [][2]int, loc []int) bool {
	for _, s := range spans {
		if s[0] < loc[1] && loc[0] < s[1] {
			return true
		}
	}
	return false
}

// phonePattern is what a phone number candidate looks like; phoneCandidates
// finds its matches without running it (tested against it).
const phonePattern = `(?:\+|\b00)?\(?\d[\d ().\-/]{5,20}\d`

// phoneCandidates returns where phonePattern matches in n, leftmost first
// as a regexp finds them, on the stretches of digits and separators that
// hold seven digits or more (a number with fewer is never a phone).
func phoneCandidates(n string) [][]int {
	var out [][]int
	for i := 0; i < len(n); {
		if !phoneByte(n[i]) {
			i++
			continue
		}
		j, digits := i, 0
		for j < len(n) && phoneByte(n[j]) {
			if n[j] >= '0' && n[j] <= '9' {
				digits++
			}
			j++
		}
		for pos := i; digits >= 7 && pos < j; {
			if end := phoneMatchAt(n, pos, j); end >= 0 {
				out = append(out, []int{pos, end})
				pos = end
			} else {
				pos++
			}
		}
		i = j
	}
	return out
}

// phoneMatchAt returns where the preferred match of phonePattern that
// starts at pos ends, or -1; the stretch of phone bytes ends at hi.
func phoneMatchAt(n string, pos, hi int) int {
	switch {
	case n[pos] == '+':
		return phoneRest(n, pos+1, hi)
	case n[pos] == '0' && pos+1 < hi && n[pos+1] == '0' && (pos == 0 || !asciiWordByte(n[pos-1])):
		// "00" dialled internationally, else the zeros are the number's own.
		if end := phoneRest(n, pos+2, hi); end >= 0 {
			return end
		}
	}
	return phoneRest(n, pos, hi)
}

// phoneRest matches `\(?\d[\d ().\-/]{5,20}\d` at p, greedily.
func phoneRest(n string, p, hi int) int {
	if p < hi && n[p] == '(' {
		p++
	}
	if p >= hi || !isDigitByte(n[p]) {
		return -1
	}
	q, r := p+1, 0
	for q+r < hi && r <= 20 && n[q+r] != '+' {
		r++ // every phone byte but '+' is in the class
	}
	for k := min(20, r-1); k >= 5; k-- {
		if isDigitByte(n[q+k]) {
			return q + k + 1
		}
	}
	return -1
}

func isDigitByte(c byte) bool { return '0' <= c && c <= '9' }

// asciiWordByte is \w as regexp's \b sees it.
func asciiWordByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

// phoneByte: the characters a phone number is written with.
func phoneByte(b byte) bool {
	return b >= '0' && b <= '9' || b == ' ' || b == '(' || b == ')' || b == '.' || b == '-' || b == '/' || b == '+'
}

func (c *check) exceptionPhone(num *phonenumbers.PhoneNumber) bool {
	for _, p := range c.e.p.exception.Kinds[c.env.Exception].Phones {
		if q, err := phonenumbers.Parse(p, c.region); err == nil && q.GetNationalNumber() == num.GetNationalNumber() {
			return true
		}
	}
	return false
}

// links checks HTML anchors: where they go, and whether the text shows
// another domain than the href.
func (c *check) links(links []Link, lines []Line) {
	for _, l := range links {
		if c.full() {
			return
		}
		if c.exempt(l.Quote, l.QuoteBy, l.Text) && !l.Image {
			continue
		}
		href := strings.TrimSpace(l.Href)
		lh := strings.ToLower(href)
		switch {
		case strings.HasPrefix(lh, "mailto:"):
			addr := strings.ToLower(strings.SplitN(strings.TrimPrefix(lh, "mailto:"), "?", 2)[0])
			// The seller's own address is allowed only as the quoted
			// header's To line links it, not in a link of the reply's own.
			if !c.buyers[addr] && !marketplace.IsRelayAddress(addr) && !(l.Quote && c.quotedTo(lines, addr)) {
				c.add("contact", "contact.email", href, "html link href", c.e.p.action("contact"))
			}
			continue
		case strings.HasPrefix(lh, "tel:"), strings.HasPrefix(lh, "sms:"), strings.HasPrefix(lh, "whatsapp:"):
			c.add("contact", "contact.phone", href, "html link href", c.e.p.action("contact"))
			continue
		case strings.HasPrefix(lh, "#"), strings.HasPrefix(lh, "cid:"):
			continue
		}
		host := hostOf(normalize(href))
		if host == "" {
			continue
		}
		if !c.allowedHost(host) {
			c.add("link", "link.external", href, "html link href", c.e.p.action("link"))
			c.ownShop(href, host, href, "html link href", c.e.p.action)
			continue
		}
		// The text shows a domain: it must be the href's.
		if shown := urlsIn(c.e.urls, normalize(l.Text)); len(shown) > 0 {
			if sh := hostOf(shown[0]); sh != "" && registrable(sh) != registrable(host) {
				c.add("link", "link.mismatch", l.Text+" -> "+href, "html link text", c.e.p.action("link"))
			}
		}
	}
}

func registrable(h string) string {
	if e, err := publicsuffix.EffectiveTLDPlusOne(h); err == nil {
		return e
	}
	return h
}

// gmailSignatureImage reports whether src is an image of a Gmail
// signature, as Gmail stores and serves them
// (https://ci3.googleusercontent.com/mail-sig/…).
func gmailSignatureImage(src string) bool {
	host := hostOf(src)
	return strings.HasSuffix(host, ".googleusercontent.com") && strings.Contains(src, "googleusercontent.com/mail-sig/")
}

// images flags what the buyer's client would fetch: remote images, 1×1
// or hidden images, CSS background URLs.
func (c *check) images(imgs []Image, css []string, atts []Attachment) {
	for _, im := range imgs {
		src := strings.ToLower(strings.TrimSpace(im.Src))
		if c.exempt(im.Quote, im.QuoteBy, "") && !strings.HasPrefix(src, "http") {
			continue
		}
		remote := remoteSrc(src)
		if remote && isAmazonHost(hostOf(src)) {
			continue // Amazon's own image servers: the seller learns nothing from a fetch
		}
		tiny := (im.Width == "1" || im.Width == "0") && (im.Height == "1" || im.Height == "0" || im.Height == "")
		switch {
		case remote && (tiny || im.Hidden):
			c.add("pixel", "pixel.tracker", im.Src, "html image", c.e.p.action("pixel"))
		case remote && gmailSignatureImage(src):
			// Gmail keeps signature images on its own proxy: a fetch
			// tells Google, not the seller, that the message was opened.
		case remote:
			c.add("pixel", "pixel.remote-image", im.Src, "html image", c.e.p.action("pixel"))
		case im.Hidden && strings.HasPrefix(src, "cid:"):
			c.add("format", "format.hidden-image", im.Src, "html image", c.e.p.action("format"))
		}
	}
	for _, u := range css {
		lu := strings.ToLower(u)
		if strings.HasPrefix(lu, "http") || strings.HasPrefix(lu, "//") {
			c.add("pixel", "pixel.css-url", u, "html style", c.e.p.action("pixel"))
		}
	}
}

func upperCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsUpper(r) {
			n++
		}
	}
	return n
}

// shouting reports whether a line is all caps: at least 20 ASCII letters,
// nine in ten of its letters upper case.
func shouting(s string) bool {
	letters, upper, other := 0, 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'A' <= c && c <= 'Z':
			letters++
			upper++
		case 'a' <= c && c <= 'z':
			letters++
		case c >= 0xC0:
			other++ // starts a non-ASCII character, which may be upper case
		}
	}
	if letters < 20 || (upper+other)*10 < letters*9 {
		return false
	}
	return upperCount(s)*10 >= letters*9
}

// format reports advisory style problems.
func (c *check) format(t TextPart) {
	act := c.e.p.action("format")
	empty := 0
	kind := "text"
	if t.HTML {
		kind = "html"
	}
	runAt := 0 // where the current run of empty lines started
	for _, l := range t.Lines {
		if l.Quote {
			continue
		}
		if strings.TrimSpace(l.Text) == "" {
			if empty == 0 {
				runAt = l.N
			}
			empty++
			continue
		}
		// Three empty lines count when text follows them: blank lines at
		// the end (swaks, many clients) show the buyer nothing.
		if empty >= 3 {
			c.add("format", "format.empty-lines", fmt.Sprintf("%d empty lines", empty), fmt.Sprintf("%s line %d", kind, runAt), act)
		}
		empty = 0
		if shouting(l.Text) {
			c.add("format", "format.shouting", clipRunes(l.Text, 80), fmt.Sprintf("%s line %d", kind, l.N), act)
		}
	}
	if t.Fonts > 3 {
		c.add("format", "format.font-sizes", fmt.Sprintf("%d font sizes", t.Fonts), "html style", act)
	}
}

// knownExt are extensions that make a double extension suspicious.
var knownExt = map[string]bool{".pdf": true, ".doc": true, ".docx": true, ".txt": true, ".jpg": true, ".jpeg": true,
	".png": true, ".gif": true, ".zip": true, ".exe": true, ".xls": true, ".xlsx": true, ".html": true, ".js": true}

// typeOK tells whether the sniffed type fits the extension.
func typeOK(ext, sniffed string) bool {
	switch ext {
	case ".txt":
		return strings.HasPrefix(sniffed, "text/plain")
	case ".pdf":
		return sniffed == "application/pdf"
	case ".doc":
		return sniffed == "application/msword" || sniffed == "application/x-ole-storage" || sniffed == "application/vnd.ms-office"
	case ".docx":
		return sniffed == "application/vnd.openxmlformats-officedocument.wordprocessingml.document" || sniffed == "application/zip"
	case ".jpg", ".jpeg":
		return sniffed == "image/jpeg"
	case ".gif":
		return sniffed == "image/gif"
	case ".png":
		return sniffed == "image/png"
	case ".tif", ".tiff":
		return sniffed == "image/tiff"
	case ".bmp":
		return sniffed == "image/bmp" || sniffed == "image/x-ms-bmp"
	}
	return false
}

func (c *check) attachments(m *Message) {
	act := c.e.p.action("attachment")
	for _, a := range m.Attachments {
		where := "attachment " + a.Name
		ext := a.Ext()
		base := strings.TrimSuffix(strings.ToLower(a.Name), ext)
		switch {
		case a.Inline && a.Name == "inline"+ext && strings.HasPrefix(a.Sniffed, "image/"):
			// An unnamed inline image: judged by its bytes.
			if !c.e.p.allowedEx[extFor(a.Sniffed)] && !c.e.p.allowedEx[".jpg"] {
				c.add("attachment", "attachment.type", a.Sniffed, where, act)
			}
		case !c.e.p.allowedEx[ext]:
			c.add("attachment", "attachment.type", a.Name, where, act)
		case knownExt[strings.ToLower(pathExt(base))]:
			c.add("attachment", "attachment.double-extension", a.Name, where, act)
		case !typeOK(ext, a.Sniffed):
			c.add("attachment", "attachment.mismatch", fmt.Sprintf("%s is %s", a.Name, a.Sniffed), where, act)
		}
		if a.Size > c.e.p.maxAttach {
			c.add("attachment", "attachment.size", fmt.Sprintf("%s: %d bytes", a.Name, a.Size), where, act)
		}
		if a.AnimatedGIF {
			c.add("format", "format.animated-gif", a.Name, where, c.e.p.action("format"))
		}
		// The text of documents is held to the same rules as the message,
		// but for the issuer's identification block of an invoice.
		before := len(c.out)
		if text := attachmentText(a, ext); text != "" {
			c.documentText(a.Name, strings.Split(text, "\n"), func(i int) string { return fmt.Sprintf("%s line %d", where, i+1) })
		}
		if ext == ".pdf" && a.Sniffed == "application/pdf" && !a.Truncated && a.Size <= c.e.p.maxAttach {
			pages, err := pdfPages(a.Data)
			if err != nil {
				m.Problems = append(m.Problems, fmt.Sprintf("attachment %s: %v", a.Name, err))
			}
			for n, page := range pages {
				c.documentText(a.Name, strings.Split(page, "\n"), func(int) string { return fmt.Sprintf("%s page %d", where, n+1) })
			}
		}
		// A document that carries what the message may not is itself a
		// finding: the agent removes the file, not a line of the text.
		for _, x := range c.out[before:] {
			if x.Action >= Quarantine {
				c.add("attachment", "attachment.content", a.Name+": "+x.Category, where, act)
				break
			}
		}
	}
}

func pathExt(s string) string {
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[i:]
	}
	return ""
}

// attachmentText extracts the text of .txt and .docx attachments, bounded.
func attachmentText(a Attachment, ext string) string {
	switch {
	case ext == ".txt" && strings.HasPrefix(a.Sniffed, "text/"):
		return string(a.Data[:min(len(a.Data), 1<<20)])
	case ext == ".docx":
		zr, err := zip.NewReader(bytes.NewReader(a.Data), int64(len(a.Data)))
		if err != nil {
			return ""
		}
		for _, f := range zr.File {
			if f.Name != "word/document.xml" || f.UncompressedSize64 > 20<<20 {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return ""
			}
			data, _ := io.ReadAll(io.LimitReader(rc, 20<<20))
			rc.Close()
			return docxText(data)
		}
	}
	return ""
}

var (
	docxPara = regexp.MustCompile(`</w:p>`)
	xmlTag   = regexp.MustCompile(`<[^>]+>`)
)

func docxText(xml []byte) string {
	s := docxPara.ReplaceAllString(string(xml), "\n")
	return xmlTag.ReplaceAllString(s, "")
}

// exceptionStatements requires, in a message that uses an open exception,
// the three statements of the protocol: why the conversation leaves
// Amazon, where it goes, and that it comes back to the Amazon thread.
func (c *check) exceptionStatements(m *Message) {
	var all strings.Builder
	for _, t := range m.Texts {
		for _, l := range t.Lines {
			if !l.Quote {
				all.WriteString(normalize(l.Text))
				all.WriteByte('\n')
			}
		}
	}
	text := all.String()
	// The statements may be made in any language the policy has them in:
	// an English-speaking agent writes English to a German buyer.
	var missing []string
	for _, kind := range []string{"reason", "channel", "return"} {
		found := false
		for _, st := range c.e.p.exception.Statements {
			for _, ph := range st[kind] {
				if strings.Contains(text, normalize(ph)) {
					found = true
					break
				}
			}
		}
		if !found {
			missing = append(missing, kind)
		}
	}
	if len(missing) > 0 {
		msgs := map[string]string{
			"reason":  "why the conversation leaves Amazon (e.g. the video is too large to send here)",
			"channel": "which channel it moves to (the upload link or hotline)",
			"return":  "that the conversation comes back to this Amazon thread with the result",
		}
		for _, k := range missing {
			c.out = append(c.out, Violation{Rule: "exception.missing-" + k, Category: "contact",
				Excerpt: "statement missing: " + k, Where: "text",
				Message: "An off-Amazon exception message must say " + msgs[k] + ".", Action: Reject})
		}
		return
	}
	c.out = append(c.out, Violation{Rule: RuleExceptionUsed, Category: "contact", Excerpt: c.env.Exception,
		Where: "text", Message: "Sent under the open off-Amazon exception; send the closing summary in this thread.", Action: Tag})
}

// customRules applies the admin's own rules.
func (c *check) customRules(m *Message) {
	for _, r := range c.e.p.rules {
		if r.except[strings.ToLower(c.env.MailFrom)] {
			continue
		}
		if len(r.Languages) > 0 && !contains(r.Languages, c.lang) {
			continue
		}
		where := r.Where
		if len(where) == 0 {
			where = []string{"subject", "text"}
		}
		add := func(orig, w string) {
			n := normalize(orig)
			if loc := r.re.FindStringIndex(n); loc != nil {
				msg := r.Message
				if msg == "" {
					msg = c.e.p.message(c.language(), r.Category)
				}
				c.out = append(c.out, Violation{Rule: r.ID, Category: r.Category, Excerpt: excerpt(orig, strings.TrimSpace(n[loc[0]:loc[1]])), Where: w, Message: msg, Action: r.action})
			}
		}
		for _, w := range where {
			switch w {
			case "subject":
				add(m.Subject, "subject")
			case "text":
				for _, t := range m.Texts {
					for _, l := range t.Lines {
						if !c.exempt(l.Quote, l.QuoteBy, l.Text) {
							add(l.Text, fmt.Sprintf("text line %d", l.N))
						}
					}
				}
			case "links":
				for _, t := range m.Texts {
					for _, l := range t.Links {
						add(l.Href, "html link href")
					}
				}
			case "attachment_names":
				for _, a := range m.Attachments {
					add(a.Name, "attachment "+a.Name)
				}
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
