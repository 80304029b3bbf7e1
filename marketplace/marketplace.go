// Package marketplace holds what sellergate knows of Amazon's marketplaces:
// the domains of the anonymized buyer (relay) addresses, and for each the
// marketplace it stands for, its phone region and its language. The
// gateway, the policy, the SLA clock and the configuration all ask it.
package marketplace

import "strings"

// relayPrefix starts the domain of every Amazon buyer relay address.
const relayPrefix = "marketplace.amazon."

// Marketplace is one of Amazon's marketplaces.
type Marketplace struct {
	// Suffix follows "amazon." in its name: "de", "co.jp", "com.be".
	Suffix string
	// Region is its country for phone numbers ("DE", "JP"); Lang the
	// language its buyers write in ("de", "ja").
	Region, Lang string
}

// Name is the marketplace's site: "amazon.de".
func (m Marketplace) Name() string { return "amazon." + m.Suffix }

// RelayDomain is the domain of its buyers' relay addresses.
func (m Marketplace) RelayDomain() string { return relayPrefix + m.Suffix }

// All are the marketplaces, the first the default for an unknown address.
var All = []Marketplace{
	{"com", "US", "en"}, {"ca", "CA", "en"}, {"com.mx", "MX", "es"}, {"com.br", "BR", "en"},
	{"co.uk", "GB", "en"}, {"de", "DE", "de"}, {"fr", "FR", "fr"}, {"it", "IT", "it"}, {"es", "ES", "es"},
	{"nl", "NL", "en"}, {"se", "SE", "en"}, {"pl", "PL", "en"}, {"com.be", "BE", "fr"}, {"com.tr", "TR", "en"},
	{"ae", "AE", "en"}, {"sa", "SA", "en"}, {"eg", "EG", "en"}, {"in", "IN", "en"}, {"co.jp", "JP", "ja"},
	{"sg", "SG", "en"}, {"com.au", "AU", "en"},
}

// RelayDomains are the relay addresses' domains, one per marketplace: the
// gateway accepts no other recipient (unless configured).
func RelayDomains() []string {
	out := make([]string, len(All))
	for i, m := range All {
		out[i] = m.RelayDomain()
	}
	return out
}

// IsRelayAddress reports whether addr is an Amazon buyer relay address
// (…@marketplace.amazon.de, …@marketplace.amazon.co.jp).
func IsRelayAddress(addr string) bool {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return false
	}
	d := strings.ToLower(strings.TrimSuffix(addr[at+1:], "."))
	suffix, ok := strings.CutPrefix(d, relayPrefix)
	return ok && marketplaceSuffix(suffix)
}

// marketplaceSuffix reports whether s can follow "amazon." in a
// marketplace's name: "com", a country code, or "com." or "co." and one
// ("marketplace.amazon.de.evil.example" is no relay domain).
func marketplaceSuffix(s string) bool {
	if s == "com" {
		return true
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "com."), "co.")
	return len(s) == 2 && 'a' <= s[0] && s[0] <= 'z' && 'a' <= s[1] && s[1] <= 'z'
}

// Of returns the marketplace of a relay address; ok is false for any other
// address (m is then the default, amazon.com).
func Of(addr string) (m Marketplace, ok bool) {
	if !IsRelayAddress(addr) {
		return All[0], false
	}
	suffix := strings.ToLower(strings.TrimSuffix(addr[strings.LastIndexByte(addr, '@')+1+len(relayPrefix):], "."))
	for _, m := range All {
		if m.Suffix == suffix {
			return m, true
		}
	}
	// A marketplace opened since: its country code, English.
	cc := suffix[strings.LastIndexByte(suffix, '.')+1:]
	if len(cc) == 2 {
		return Marketplace{Suffix: suffix, Region: strings.ToUpper(cc), Lang: "en"}, true
	}
	return Marketplace{Suffix: suffix, Region: "US", Lang: "en"}, true
}

// MentionsRelayAddress reports whether text names a relay address (an
// attribution line "… <x@marketplace.amazon.de> wrote:").
func MentionsRelayAddress(text string) bool {
	return strings.Contains(strings.ToLower(text), "@"+relayPrefix)
}

// OptOutNotices are the words of Amazon's notice that a message was not
// delivered because the buyer opted out of messages the seller starts, in
// the marketplaces' languages (lower case).
var OptOutNotices = []string{"opted out", "has opted out", "abgemeldet", "hat sich abgemeldet", "widersprochen",
	"ne souhaite pas recevoir", "s'est désinscrit", "a choisi de ne pas recevoir", "ha optado por no recibir",
	"se ha dado de baja", "ha scelto di non ricevere", "ha disattivato", "受信を停止", "受け取らない設定", "オプトアウト"}

// IsOptOutNotice reports whether text (an Amazon message) says a buyer
// opted out.
func IsOptOutNotice(text string) bool {
	l := strings.ToLower(text)
	for _, w := range OptOutNotices {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// RelayAddresses returns the relay addresses text names.
func RelayAddresses(text string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(text, func(r rune) bool {
		return r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == '<' || r == '>' || r == '(' || r == ')' || r == ',' || r == ';' || r == '"' || r == ':'
	}) {
		f = strings.TrimRight(f, ".")
		if IsRelayAddress(f) {
			out = append(out, strings.ToLower(f))
		}
	}
	return out
}

// FrameWords name the buyer's message in the frame Amazon relays it in,
// in the marketplaces' languages: "------------- Nachricht: -------------"
// above it, "------------- Ende der Nachricht -------------" below.
var FrameWords = []string{"message", "nachricht", "mensaje", "messaggio", "メッセージ"}
