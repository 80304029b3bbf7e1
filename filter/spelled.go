package filter

import (
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Addresses spelled out to slip past a filter: "jess dot maple at gmail
// dot com", "gerd punkt mueller ät holzwerk minus mueller punkt de",
// "atencion arroba casaverde punto mx", "g i o r g i o . b i a n c h i
// [chiocciola] f e r r a m e n t a . i t". The words are read as the
// characters they stand for; what they spell is an address when it has one
// '@', a dot after it, and ends in a real top-level domain.

// spelledSigns maps the words for '@', '.', '-' and '_' in the six
// languages (and written in brackets) to the character.
var spelledSigns = map[string]byte{
	"at": '@', "ät": '@', "arroba": '@', "arobase": '@', "chiocciola": '@', "chiocciolina": '@', "atmark": '@', "klammeraffe": '@',
	"dot": '.', "punkt": '.', "point": '.', "punto": '.', "ponto": '.',
	"minus": '-', "bindestrich": '-', "tiret": '-', "guion": '-', "guión": '-', "trattino": '-', "hyphen": '-', "dash": '-',
	"underscore": '_', "unterstrich": '_',
	"@": '@', ".": '.', "-": '-', "_": '_',
}

// addrToken is a word of the text as the address reader sees it.
type addrToken struct {
	lo, hi int
	sign   byte   // '@', '.', '-', '_' for a sign word; 0 for a word
	word   string // the word (letters, digits, dots, hyphens) when sign is 0
	spoken bool   // a sign said in words or brackets, not written
	// weak: the sign word is also an everyday word ("at", "ät"): it
	// spells an address only with another sign said in words, spaced
	// letters, or a local part that only an address has.
	weak bool
}

// spelledAddresses returns the addresses spelled out in n (normalized),
// each with where it stands; an address written as such ("a@b.de") is not
// one of them.
func spelledAddresses(n string) []spelledAddr {
	if !mayBeSpelled(n) {
		return nil
	}
	toks := addrTokens(n)
	var out []spelledAddr
	for i := 0; i < len(toks); {
		j, addr, spoken := readAddress(toks, i)
		if spoken {
			out = append(out, spelledAddr{addr: addr, lo: toks[i].lo, hi: toks[j-1].hi})
		}
		i = j
	}
	return out
}

// spelledAddr is an address spelled out, and where it stands.
type spelledAddr struct {
	addr   string
	lo, hi int
}

// mayBeSpelled is a cheap first look: an '@' or an at word.
func mayBeSpelled(n string) bool {
	if strings.IndexByte(n, '@') >= 0 {
		return true
	}
	return atWordFinder.any(n)
}

// atWordFinder finds the at words; compiled once, never changed.
var atWordFinder = newMultiMatcher([]string{" at ", " at, ", " ät ", "arroba", "arobase", "chiocciola", "chiocciolina", "atmark", "klammeraffe"})

// addrTokens splits n at white space; brackets around a sign word
// ("[at]", "(punto)") and punctuation after a word are dropped.
func addrTokens(n string) []addrToken {
	var out []addrToken
	for i := 0; i < len(n); {
		for i < len(n) && isSpaceByte(n[i]) {
			i++
		}
		j := i
		for j < len(n) && !isSpaceByte(n[j]) {
			j++
		}
		if j > i {
			out = append(out, addrTok(n, i, j))
		}
		i = j
	}
	return out
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// addrTok classifies the word n[lo:hi].
func addrTok(n string, lo, hi int) addrToken {
	w := n[lo:hi]
	// A sign word may be followed by a comma ("laure point mistral,
	// arobase, gmail, point com").
	signed := strings.TrimRight(w, ",;:")
	bare := strings.Trim(signed, "[](){}<>\"'")
	if c, ok := spelledSigns[bare]; ok {
		spoken := bare != signed || len(bare) > 1
		// A bare "at" is weak ("find us at shop.com"), unless commas set
		// it off as a sign ("returns, at, shop, dot co dot uk").
		return addrToken{lo: lo, hi: hi, sign: c, spoken: spoken, weak: spoken && bare == w && (bare == "at" || bare == "ät")}
	}
	w = strings.TrimRight(w, ",;:!?)]}\"'»”")
	if strings.HasSuffix(w, ".") && len(w) > 1 {
		w = w[:len(w)-1]
	}
	for k := 0; k < len(w); k++ {
		c := w[k]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_' || c == '@') {
			return addrToken{lo: lo, hi: hi, sign: 1} // no address word
		}
	}
	return addrToken{lo: lo, hi: lo + len(w), word: w}
}

// readAddress reads the chain of words and signs starting at toks[i]:
// words joined by signs, or letters spaced out, up to the last word after
// which it spells an address ("… dot com - they come" ends at "com"). It
// returns where that is (i when the chain spells none), the address, and
// whether a sign was said in words or the letters were spaced.
func readAddress(toks []addrToken, i int) (int, string, bool) {
	var b strings.Builder
	strong, weak := false, false
	end, addr, spoken := i, "", false
	prevWord, at, dotAfterAt, filled := false, false, false, false
	lastWord, fillers, strongAt := "", 0, false
	ats, lastAtWord := 0, -1 // how many '@', and the word before the last
	j := i
	for ; j < len(toks); j++ {
		t := toks[j]
		if t.sign == 1 || t.sign != 0 && b.Len() == 0 || j-i-fillers > maxSpelledTokens {
			break // no address word, or a chain starting with a sign
		}
		if t.sign != 0 {
			at = at || t.sign == '@'
			strongAt = strongAt || t.sign == '@' && !t.weak
			if t.sign == '@' {
				if ats++; j > i {
					lastAtWord = j - 1
				}
			}
			dotAfterAt = dotAfterAt || at && t.sign == '.'
			b.WriteByte(t.sign)
			weak = weak || t.weak
			strong = strong || t.spoken && !t.weak
			prevWord = false
			continue
		}
		// Letters spaced out ("s h o p . d e") have no pacing words.
		paced := b.Len() > 0 && !spacedPiece(lastWord)
		if k := strings.IndexByte(t.word, '.'); k > 0 && paced && fillerWords[t.word[:k]] {
			// "… e infine punto com" reads "e infine.com" once its dot
			// word is written: the filler goes, the dot stays.
			t.word = t.word[k:]
			filled = true
			fillers++
			prevWord = false
		}
		if paced && fillerWords[t.word] {
			// "… moretti, poi la chiocciolina, poi gmail e infine punto
			// com": the words that pace a dictation, between its parts.
			filled = true
			fillers++
			continue
		}
		if prevWord {
			// Two words in a row: letters spaced out go on, a new word
			// starts a new chain.
			if !spacedPiece(t.word) || !spacedPiece(lastWord) {
				break
			}
			strong = true
		}
		lastWord = t.word
		b.WriteString(t.word)
		at = at || strings.IndexByte(t.word, '@') >= 0
		dotAfterAt = dotAfterAt || at && strings.IndexByte(t.word, '.') >= 0
		prevWord = true
		if !at || !dotAfterAt {
			continue // no address before its '@' and a dot after it
		}
		if s := b.String(); isAddress(s) {
			local, _, _ := strings.Cut(s, "@")
			end, addr = j+1, s
			spoken = strong || weak && (strings.ContainsAny(local, "._0123456789") || freemailDomain(s) || roleMailbox[strings.Trim(local, ".-_")])
			// "code ROO15 at kangacharge[dot]com": a code to type at a
			// site, not a mailbox.
			spoken = spoken && (strong || i == 0 || !codeWords[toks[i-1].word])
			// Pacing words join the parts only of a dictation whose at
			// sign is a word for no other thing ("chiocciola", not "at":
			// "look at it at home and point you to …").
			spoken = spoken && (!filled || strongAt)
		}
	}
	if end == i {
		// No address in the chain. With a second '@' one may start at
		// the word before it ("write to me at john at gmail dot com");
		// else none starts later in it.
		if ats > 1 && lastAtWord > i {
			// Back to where the word before the '@' starts when it is
			// spelled out letter by letter ("me at d a n i e l l e @ …").
			for lastAtWord-1 > i && toks[lastAtWord-1].sign == 0 && spacedPiece(toks[lastAtWord-1].word) && spacedPiece(toks[lastAtWord].word) {
				lastAtWord--
			}
			return lastAtWord, "", false
		}
		return max(j, i+1), "", false
	}
	return end, addr, spoken
}

// fillerWords pace an address dictated in parts ("then the at sign, then
// gmail and finally dot com").
var fillerWords = map[string]bool{"then": true, "and": true, "finally": true, "the": true,
	"dann": true, "und": true, "zum": true, "schluss": true, "das": true, "puis": true, "et": true, "enfin": true,
	"la": true, "le": true, "luego": true, "y": true, "después": true, "al": true, "final": true, "poi": true, "e": true,
	"infine": true, "il": true}

// codeWords name the code that stands before "at" and a site.
var codeWords = map[string]bool{"code": true, "coupon": true, "codice": true, "código": true, "codigo": true,
	"gutschein": true, "gutscheincode": true, "rabattcode": true, "promo": true, "promocode": true, "voucher": true, "cupón": true}

// maxSpelledTokens bounds a chain: an address has fewer words and signs.
const maxSpelledTokens = 128

// spacedPiece reports whether w is a piece of a word spaced out: one or
// two letters, or such letters joined by signs ("s.c", "i@f").
func spacedPiece(w string) bool {
	n := 0
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case '.', '@', '-', '_':
			n = 0
		default:
			if n++; n > 2 {
				return false
			}
		}
	}
	return true
}

// isAddress reports whether s is local@domain.tld with a real top-level
// domain.
func isAddress(s string) bool {
	s = strings.Trim(s, ".-_")
	at := strings.IndexByte(s, '@')
	if at <= 0 || strings.Count(s, "@") != 1 {
		return false
	}
	domain := s[at+1:]
	dot := strings.LastIndexByte(domain, '.')
	if dot <= 0 || dot == len(domain)-1 {
		return false
	}
	tld := domain[dot+1:]
	for k := 0; k < len(tld); k++ {
		if tld[k] < 'a' || tld[k] > 'z' {
			return false
		}
	}
	_, icann := publicsuffix.PublicSuffix(domain)
	if !icann {
		return false
	}
	// "available at amazon dot de" names Amazon, not an address.
	site, err := publicsuffix.EffectiveTLDPlusOne(domain)
	return err == nil && !strings.HasPrefix(site, "amazon.")
}

// revealAddresses writes the addresses spelled out in n as addresses.
func revealAddresses(n string) string {
	sas := spelledAddresses(n)
	if len(sas) == 0 {
		return n
	}
	var b strings.Builder
	last := 0
	for _, sa := range sas {
		b.WriteString(n[last:sa.lo])
		b.WriteString(strings.Trim(sa.addr, ".-_"))
		last = sa.hi
	}
	b.WriteString(n[last:])
	return b.String()
}

// roleMailbox are the mailboxes a shop gives out by role: "returns at
// oakridgegear.com" is an address, "us at oakridgegear.com" a site.
var roleMailbox = map[string]bool{"info": true, "support": true, "returns": true, "return": true, "service": true,
	"contact": true, "hello": true, "sales": true, "orders": true, "order": true, "help": true, "care": true,
	"customerservice": true, "customercare": true, "team": true, "office": true, "mail": true, "kontakt": true,
	"kundenservice": true, "bestellung": true, "bestellungen": true, "retoure": true, "retouren": true,
	"commandes": true, "commande": true, "retours": true, "sav": true, "ventas": true, "pedidos": true,
	"atencion": true, "soporte": true, "servicio": true, "devoluciones": true, "ordini": true, "assistenza": true,
	"vendite": true, "resi": true, "negozio": true, "shop": true, "store": true, "studio": true}

// freemailDomain reports whether the address s is at a mail provider many
// people share ("john at gmail.com").
func freemailDomain(s string) bool {
	_, domain, _ := strings.Cut(s, "@")
	site, err := publicsuffix.EffectiveTLDPlusOne(strings.Trim(domain, ".-_"))
	return err == nil && freemail[site]
}
