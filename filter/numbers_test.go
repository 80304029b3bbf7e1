package filter

import (
	"strings"
	"testing"
)

// Numbers in words and kanji are phone numbers like digits; a number that
// a label makes a serial, lot or tracking number is none, and a carrier's
// or the manufacturer's hotline is allowed.
func TestNumbersByTheirWords(t *testing.T) {
	cases := []struct {
		lang, body string
		refuse     bool
	}{
		{"en", "Best to ring me: two one two, five five five, zero one nine three.", true},
		{"de", "Rufen Sie einfach null drei null – eins zwei drei vier fünf sechs sieben.", true},
		{"fr", "Vous pouvez me joindre au zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit.", true},
		{"es", "Mi móvil: seis uno dos, tres cuatro cinco, seis siete ocho.", true},
		{"ja", "担当者直通：〇九〇ー一二三四ー五六七八までどうぞ。", true},
		{"en", "I can do one or two things for you.", false},
		{"de", "Ihre Seriennummer lautet 030 1234567 8.", false},
		{"en", "Lot number 212 555 0193 is the affected batch.", false},
		{"de", "Bei Fragen zur Zustellung erreichen Sie die DHL-Hotline unter 0228 4333112.", false},
		{"fr", "Le service après-vente du fabricant répond au 01 23 45 67 89.", false},
		{"en", "For questions about your order call 212 555 0193.", true},
		{"en", "Just give me a ring on oh seven seven double-oh, nine double-oh, one two three.", true},
		{"es", "Mándeme un whats al cincuenta y cinco, diecinueve ochenta y dos, cero siete treinta y cuatro.", true},
		{"fr", "Appelez Margaux au zéro quatre cent septante-deux, trente-huit, nonante et un, cinquante-quatre.", true},
	}
	for _, tc := range cases {
		expectVerdict(t, tc.lang, tc.body, plain(tc.lang, tc.body), tc.refuse, "")
	}
}

func TestSpelledDigits(t *testing.T) {
	for in, want := range map[string]string{
		"zero one seven six two":             "01762",
		"zero two zero, seven nine four six": "020 7946",
		"call one or two":                    "call one or two",
		"vierunddreißig zwölf null eins":     "34 12 01",
		"〇九〇ー一二三四ー五六七八":                      "090-1234-5678",
		"一度だけ":                               "一度だけ",
		"trente-quatre, vingt et un, dix":    "trente-quatre, vingt et un, dix",
		// Tens joined by "y" / "et", hundreds, "double".
		"al cincuenta y cinco, diecinueve ochenta y dos, cero siete treinta y cuatro": "al 55 19 82 07 34",
		"au zéro quatre cent septante-deux, trente-huit, nonante et un":               "au 0 472 38 91",
		"on oh seven seven double-oh, nine double-oh, one two three":                  "on 07700 900 123",
		"quatre-vingt-dix-neuf, soixante-quinze, zéro six":                            "99 75 06",
	} {
		if got := spelledDigits(in); got != want {
			t.Errorf("spelledDigits(%q) = %q, want %q", in, got, want)
		}
	}
}

// Addresses spelled out in words, brackets or spaced letters, in each
// language, on one line or over a wrapped one, are contact details;
// "at" in everyday sentences is not.
func TestSpelledAddresses(t *testing.T) {
	cases := []struct {
		lang, body string
		refuse     bool
	}{
		{"en", "Send the photos directly - jess dot maple at gmail dot com - they come through better.", true},
		{"de", "Schicken Sie sie an: gerd punkt mueller ät holzwerk minus mueller punkt de", true},
		{"es", "Por correo es más fácil: atencion arroba casaverde punto mx, con su pedido.", true},
		{"fr", "je vous réponds dès ce soir : gaetan arobase pixelia-store \r\npoint fr", true},
		{"it", "g i o r g i o . b i a n c h i [chiocciola] f e r r a m e n t a b i a n c \r\nh i [punto] i t", true},
		{"en", "trade & wholesale: h a r r i e t @ b r i g h t w i c k - c a n d l e s . c o . u k", true},
		{"en", "Just write to me at john at gmail dot com and I'll answer tonight.", true},
		{"en", "The manual is available at amazon dot co dot uk under the product page.", false},
		{"en", "We will look at it at home and point you to the answer.", false},
		{"en", "Your parcel arrives at the depot at 9 am; the driver calls at the door.", false},
	}
	for _, tc := range cases {
		expectVerdict(t, tc.lang, tc.body, strings.ReplaceAll(plain(tc.lang, tc.body), "charset=utf-8", "charset=utf-8; format=flowed"), tc.refuse, "contact")
	}
}

// hasCategory reports whether a refusing finding of v is of category cat.
func hasCategory(v Verdict, cat string) bool {
	for _, x := range v.Violations {
		if x.Category == cat && x.Action != Tag {
			return true
		}
	}
	return false
}

// Numbers that labels make no phone: a label after the number, a company
// register with its town, year ranges, abbreviations before a service's
// number, addresses of the buyer's own network.
func TestNumbersLabelledOtherwise(t *testing.T) {
	cases := []struct {
		lang, body string
		refuse     bool
	}{
		{"de", "Die eingeprägte Nummer 0611 4470 28 ist die Ersatzteilnummer des Mahlwerks.", false},
		{"de", "Ihre Mühle (Baujahr 2018–2020) braucht genau dieses Teil.", false},
		{"fr", "Brico SAS – 12 rue de la Charité, 69002 Lyon – RCS Lyon 912 345 678", false},
		{"de", "Die Disposition der Spedition Nordfracht erreichen Sie unter Tel. 0421 / 69 35 20-0 (Mo-Fr 7-16 Uhr).", false},
		{"de", "Stichwerk Garantieservice (Hersteller): Tel. 0800 784 29 37, kostenfrei", false},
		{"de", "anbei die Rechnung RE-2025-04187 zu Ihrer Bestellung", false},
		{"de", "Die Gehäusenummer 2025-0418 steht auf der Rückseite.", false},
		{"en", "Open a browser and type 192.168.4.1 in the address bar.", false},
		{"de", "Unsere Nummer 0611 4470 28, rufen Sie an.", true},
		{"en", "The manufacturer's toll-free service line is 1800 425 7781 (Vardhan customer care).", false},
		{"de", "Der Hersteller-Service ist unsere Partnerhotline: 0611 4470 28.", true},
		{"it", "Avviso di richiamo del Ministero: https://www.salute.gov.it/portale/news/p3_2_1_3_1.jsp?id=123", false},
		// The link a mail app adds to its signature is a link (set 6's
		// labellers, and the policy's text: Amazon's and carriers' only);
		// the app's name in the line is none.
		{"en", "Sent from Yahoo Mail on Android https://mail.onelink.me/107872968?pid=nativeplacement", true},
		{"de", "Von meinem Android Mobiltelefon mit WEB.DE Mail gesendet.", false},
		{"en", "Open http://203.0.113.7/offer for the deal.", true},
	}
	for _, tc := range cases {
		expectVerdict(t, tc.lang, tc.body, plain(tc.lang, tc.body), tc.refuse, "")
	}
}

// Phone numbers in odd dress: middle dots, pipes, digits spaced out, digit
// words joined by hyphens.
func TestPhonesInOddDress(t *testing.T) {
	for _, tc := range []struct{ lang, body string }{
		{"es", "IG pinatas · tel/WA (55) 4021·88·37"},
		{"en", "Tel 0412|334|519"},
		{"it", "la linea del vivaio risponde al mattino: 0 4 5 – 6 8 1 . 2 2 . 3 0"},
		{"it", "lo può chiamare al tre-tre-nove / sette-sette-due / zero-quattro-uno-otto, dal lunedì al venerdì"},
	} {
		if v := checkRaw(t, plain(tc.lang, tc.body)); !hasCategory(v, "contact") {
			t.Errorf("%s %q: not refused as contact (%+v)", tc.lang, tc.body, v.Violations)
		}
	}
	for _, body := range []string{"Qty 2 | 12.99 EUR | 1 2 3", "Steps 1 2 3 4 and 5 are done.", "Llega en 3 o 4 días, entre 10 o 12 horas."} {
		if v := checkRaw(t, plain("en", body)); v.Refused() {
			t.Errorf("%q refused: %+v", body, v.Violations)
		}
	}
}

// Italian compounds and Japanese kana digits with long vowels and の are
// numbers too.
func TestMoreSpelledPhones(t *testing.T) {
	for _, tc := range []struct{ lang, body string }{
		{"it", "mi chiami pure in negozio al tre-tre-nove, cinque-sei-otto, ventidue-zero-uno, dal lunedì al venerdì"},
		{"ja", "お電話はこちらへ：ゼロハチゼロ の ナナサンイチニ の ヨンハチゴーロク"},
		{"es", "mándeme una foto de la etiqueta al whats 33 1O58 77 42 y hoy mismo le sale"},
		{"de", "Servicetelefon (Mo-Fr 9-16 Uhr): (o89) 44 12 77 - 0"},
		{"ja", "直通：〇六（四八〇〇）二二一九　平日九時〜十八時"},
		{"fr", "Atelier : O5 56.48 2l 9O"},
		{"ja", "TEL 06・6152・0148（平日）"},
	} {
		if v := checkRaw(t, plain(tc.lang, tc.body)); !hasCategory(v, "contact") {
			t.Errorf("%s %q: not refused as contact (%+v)", tc.lang, tc.body, v.Violations)
		}
	}
}

// expectVerdict checks raw (the message with body in lang): refused or
// not as refuse says, and, when refused and cat is not "", refused for cat.
func expectVerdict(t *testing.T, lang, body, raw string, refuse bool, cat string) {
	t.Helper()
	v := checkRaw(t, raw)
	if v.Refused() != refuse || refuse && cat != "" && !hasCategory(v, cat) {
		t.Errorf("%s %q: refused %v, want %v %s (%+v)", lang, body, v.Refused(), refuse, cat, v.Violations)
	}
}
