package filter

import "testing"

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
	}
	for _, tc := range cases {
		v := checkRaw(t, plain(tc.lang, tc.body))
		if v.Refused() != tc.refuse {
			t.Errorf("%s %q: refused %v, want %v (%+v)", tc.lang, tc.body, v.Refused(), tc.refuse, v.Violations)
		}
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
	} {
		if got := spelledDigits(in); got != want {
			t.Errorf("spelledDigits(%q) = %q, want %q", in, got, want)
		}
	}
}
