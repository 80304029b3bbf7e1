package filter

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Numbers written in words: "zero one seven six …", "null eins sieben",
// "zéro six, douze, trente-quatre", "〇九〇の一二三四…". Phone detection
// reads them as digits.

// numberWords maps the number words of the six languages (normalized) to
// their values: digits, the teens and the tens (compounds such as
// "trente-quatre" or "vierunddreißig" are summed by spelledNumber).
var numberWords = map[string]int{
	// en
	"zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
	"seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
	"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
	// de
	"null": 0, "eins": 1, "ein": 1, "zwei": 2, "zwo": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
	"acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15,
	"sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19, "zwanzig": 20, "dreißig": 30, "vierzig": 40,
	"fünfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80, "neunzig": 90,
	// fr
	"zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9,
	"dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20,
	"trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
	// es
	"cero": 0, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
	"nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "veinte": 20,
	"dieciséis": 16, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veintiuno": 21, "veintiún": 21,
	"veintidós": 22, "veintidos": 22, "veintitrés": 23, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25,
	"veintiséis": 26, "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29,
	"treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90,
	// it
	"due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10,
	"undici": 11, "dodici": 12, "tredici": 13, "quattordici": 14, "quindici": 15, "sedici": 16, "diciassette": 17, "diciotto": 18, "diciannove": 19, "venti": 20,
	"trenta": 30, "quaranta": 40, "cinquanta": 50, "sessanta": 60, "settanta": 70, "ottanta": 80, "novanta": 90,
}

// kanjiDigits are the Japanese numerals written digit by digit.
var kanjiDigits = map[rune]byte{'〇': '0', '零': '0', '一': '1', '二': '2', '三': '3', '四': '4', '五': '5',
	'六': '6', '七': '7', '八': '8', '九': '9'}

// minSpelled is how many numbers in words in a row make a number worth
// reading: fewer are prose ("one or two", "vingt-quatre heures").
const minSpelled = 4

// spelledNumber returns the value of a number word or a compound of them
// ("trente-quatre", "soixante-dix-huit", "twenty-one", "vierunddreißig",
// "ventitré"), or -1.
func spelledNumber(w string) int {
	if v, ok := numberWords[w]; ok {
		return v
	}
	if strings.ContainsRune(w, '-') {
		sum := 0
		for _, p := range strings.Split(w, "-") {
			if p == "et" || p == "y" {
				continue
			}
			v, ok := numberWords[p]
			if !ok {
				return -1
			}
			sum += v
		}
		if sum < 100 {
			return sum
		}
		return -1
	}
	if len(w) < 7 {
		return -1 // the compounds below are longer ("ventuno", "einundzwanzig")
	}
	// German units before tens: "vierunddreißig".
	if u, t, ok := strings.Cut(w, "und"); ok {
		uv, uok := numberWords[u]
		tv, tok := numberWords[t]
		if uok && tok && uv < 10 && tv >= 20 && tv%10 == 0 {
			return uv + tv
		}
	}
	// Italian tens before units, the tens' vowel dropped before "uno"
	// and "otto": "ventidue", "trentatré", "ventotto".
	for _, t := range italianTens {
		if rest, ok := strings.CutPrefix(w, t.w); ok && rest != "" {
			if u, ok := italianUnits[rest]; ok {
				return t.v + u
			}
		}
	}
	return -1
}

// italianTens are the tens as Italian compounds start with them.
var italianTens = []struct {
	w string
	v int
}{{"venti", 20}, {"vent", 20}, {"trenta", 30}, {"trent", 30}, {"quaranta", 40}, {"quarant", 40},
	{"cinquanta", 50}, {"cinquant", 50}, {"sessanta", 60}, {"sessant", 60}, {"settanta", 70}, {"settant", 70},
	{"ottanta", 80}, {"ottant", 80}, {"novanta", 90}, {"novant", 90}}

// italianUnits end Italian compounds.
var italianUnits = map[string]int{"uno": 1, "due": 2, "tre": 3, "tré": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "nove": 9}

// spelledDigits rewrites in n (normalized text) the runs of at least
// minSpelled number words, and of kanji numerals, as digits: "zero one
// seven six" becomes "0176", "cincuenta y cinco, diecinueve" "55 19",
// "zéro quatre cent septante-deux" "0 472", "oh seven double-oh" "0700".
// It returns n itself when there is nothing to rewrite.
func spelledDigits(n string) string {
	out, _ := spelledDigitSpans(n)
	return out
}

// spelledDigitSpans is spelledDigits, also returning where in its result
// the numbers read from words stand.
func spelledDigitSpans(n string) (string, [][2]int) {
	if hasWide(n) {
		n = kanaNumerals(kanjiNumerals(n))
	} else if !spelledRun(n) {
		return n, nil
	}
	n = unglueNumbers(n)
	var spans [][2]int
	toks := numberTokens(n)
	var b strings.Builder
	last := 0
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && toks[j].kind != numOther && (j == i || joinable(n[toks[j-1].hi:toks[j].lo])) {
			j++
		}
		for j > i && toks[j-1].kind == numConn {
			j-- // a run does not end on "and"
		}
		digits, numbers := readNumber(n, toks[i:j])
		lo, hi := 0, 0
		if j > i {
			lo, hi = toks[i].lo, toks[j-1].hi
		}
		// One number word among groups of digits is read, but not marked
		// as a number in words: alone it says nothing of intent ("sizes
		// 38 forty 42 44").
		marked := numbers >= 2
		if numbers >= 1 {
			// Words and groups of digits mixed: "438, cinq-cinq-cinq, 01
			// 87", "0412, three three four, five one nine", "04 twelve ~
			// 555 ~ 781".
			if m, ok := mixedNumber(n, toks, j, lo, hi, digits, numbers); ok {
				lo, hi, digits, numbers, j = m.lo, m.hi, m.digits, max(m.words, minSpelled), m.next
				marked = m.words >= 2
			}
		}
		if numbers < minSpelled || lo < last {
			i = max(j, i+1)
			continue
		}
		b.WriteString(n[last:lo])
		if marked {
			spans = append(spans, [2]int{b.Len(), b.Len() + len(digits)})
		}
		b.WriteString(digits)
		last = hi
		i = j
	}
	if last == 0 {
		return n, nil
	}
	b.WriteString(n[last:])
	return b.String(), spans
}

// unglueNumbers sets apart number words and digits typed together in one
// word ("tre4sette", "zero45"): "tre 4 sette", "zero 45". A word whose
// letters are no number words stays ("mp3", "e10", "4k").
func unglueNumbers(n string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(n); {
		if !isLetterByte(n[i]) && !isDigitByte(n[i]) {
			i++
			continue
		}
		j := i
		for j < len(n) && (isLetterByte(n[j]) || isDigitByte(n[j])) {
			j++
		}
		if parts, ok := numberParts(n[i:j]); ok {
			b.WriteString(n[last:i])
			b.WriteString(strings.Join(parts, " "))
			last = j
		}
		i = j
	}
	if last == 0 {
		return n
	}
	b.WriteString(n[last:])
	return b.String()
}

// numberParts splits w into its runs of letters and of digits when it has
// both and every run of letters is a number word.
func numberParts(w string) ([]string, bool) {
	var parts []string
	letters, digits := false, false
	for k := 0; k < len(w); {
		e := k + 1
		for e < len(w) && isDigitByte(w[e]) == isDigitByte(w[k]) {
			e++
		}
		if isDigitByte(w[k]) {
			digits = true
		} else {
			switch kind, _ := numberKind(w[k:e]); kind {
			case numDigit, numTeen, numTens, numHundred, numWhole:
				letters = true
			default:
				return nil, false
			}
		}
		parts = append(parts, w[k:e])
		k = e
	}
	return parts, letters && digits
}

// mixedNumber extends the run of number words n[lo:hi] that ends before
// toks[j] (read as digits, numbers of them) with the groups of digits
// that stand next to it, joined only by separators, and after them with
// further runs of number words: a phone number said half in words ("tre
// quattro otto, 55, sessantadue, 10"). ok is true when together they are
// a phone number's length (8 to 13 digits) in at least minSpelled groups.
func mixedNumber(n string, toks []numberToken, j, lo, hi int, digits string, numbers int) (mixed, bool) {
	m := mixed{lo: lo, hi: hi, next: j}
	var before []string
	for l := lo; ; {
		k := l
		for k > 0 && strings.IndexByte(numberSeparators, n[k-1]) >= 0 && l-k < 4 {
			k--
		}
		d := k
		for d > 0 && isDigitByte(n[d-1]) {
			d--
		}
		if d == k || k-d > 4 || d > 0 && isLetterByte(n[d-1]) || k == l {
			break
		}
		before = append([]string{n[d:k]}, before...)
		l = d
		m.lo = d
	}
	groups := append(before, strings.Fields(digits)...)
	digitGroups, words := len(before), numbers
	marked := 0 // groups after the words set apart by a dash, slash or dot
	for h := hi; ; {
		k := h
		for k < len(n) && strings.IndexByte(numberSeparators, n[k]) >= 0 && k-h < 4 {
			k++
		}
		if k == h {
			break
		}
		d := k
		for d < len(n) && isDigitByte(n[d]) {
			d++
		}
		if d > k {
			if d-k > 4 || d < len(n) && isLetterByte(n[d]) {
				break
			}
			groups = append(groups, n[k:d])
			digitGroups++
			if strings.ContainsAny(n[h:k], "/.-~|") {
				marked++
			}
			h, m.hi = d, d
			for m.next < len(toks) && toks[m.next].lo < d {
				m.next++
			}
			continue
		}
		// More number words after a group of digits.
		t := m.next
		if digitGroups == len(before) || t >= len(toks) || toks[t].lo != k || toks[t].kind == numOther || toks[t].kind == numConn {
			break
		}
		e := t + 1
		for e < len(toks) && toks[e].kind != numOther && joinable(n[toks[e-1].hi:toks[e].lo]) {
			e++
		}
		for e > t+1 && toks[e-1].kind == numConn {
			e--
		}
		ds, c := readNumber(n, toks[t:e])
		groups = append(groups, strings.Fields(ds)...)
		words += c
		h, m.hi, m.next = toks[e-1].hi, toks[e-1].hi, e
	}
	total := 0
	for _, g := range groups {
		total += len(g)
	}
	// One number word makes a number only inside groups of digits, or
	// before three groups that dashes or slashes set apart ("seis 12 / 44
	// / 59 / 01", not "forty 42 44 46").
	alone := words == 1 && (len(before) == 0 && marked < 3 || len(before) > 0 && digitGroups == len(before))
	if alone || digitGroups == 0 || words+digitGroups < minSpelled || total < 8 || total > 13 {
		return mixed{}, false
	}
	m.digits, m.words = strings.Join(groups, " "), words
	return m, true
}

// mixed is a number said half in words: where it stands in the text, its
// digits in groups, how many numbers in words it holds and the first
// token after it.
type mixed struct {
	lo, hi, next int
	digits       string
	words        int
}

// numberSeparators may stand between the groups of a number said half in
// words.
const numberSeparators = " ,-/.~|"

// The kinds of number token.
const (
	numOther   = iota
	numDigit   // 0–9
	numTeen    // 10–19
	numTens    // 20, 30 … 90
	numHundred // cent, hundred, hundert, cento, cien
	numConn    // and, und, et, y, e: "nonante et un"
	numRepeat  // double, triple: "double-oh" is "00"
	numWhole   // a compound read whole: "vierunddreißig", "ventitré"
)

// numberToken is a number word, or a part of a hyphenated one (joined to
// the part before it).
type numberToken struct {
	lo, hi, kind, v int
	joined          bool
}

// numberTokens splits n into words and the words' hyphenated parts, each
// with what it is as a number.
func numberTokens(n string) []numberToken {
	var out []numberToken
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		lo := start
		for k := start; k <= end; k++ {
			if k == end || n[k] == '-' {
				if k > lo {
					kind, v := numberKind(n[lo:k])
					out = append(out, numberToken{lo: lo, hi: k, kind: kind, v: v, joined: lo > start})
				}
				lo = k + 1
			}
		}
		start = -1
	}
	for i, r := range n {
		if unicode.IsLetter(r) || r == '-' && start >= 0 {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(n))
	return out
}

// numberKind says what one word (or hyphenated part) is as a number.
func numberKind(w string) (kind, v int) {
	switch w {
	case "and", "und", "et", "y", "e":
		return numConn, 0
	case "hundred", "hundert", "cent", "cents", "cento", "cien", "ciento":
		return numHundred, 100
	case "double", "doppel", "doppio", "doble":
		return numRepeat, 2
	case "triple", "tripel", "triplo":
		return numRepeat, 3
	case "vingts":
		return numTens, 20
	}
	v, ok := numberWords[w]
	switch {
	case ok && v < 10:
		return numDigit, v
	case ok && v < 20:
		return numTeen, v
	case ok && v%10 == 0:
		return numTens, v
	case ok:
		return numWhole, v
	}
	if v := spelledNumber(w); v >= 0 {
		return numWhole, v
	}
	return numOther, 0
}

// readNumber reads a run of number tokens as digits: numbers as a
// listener writes them down, digits spoken one by one run on, separate
// numbers stand apart. It also returns how many numbers it read.
func readNumber(n string, toks []numberToken) (string, int) {
	var groups []string
	val, prev, active, repeat := 0, numOther, false, 0
	sep := make([]bool, 0, len(toks)) // a group starts after a comma or similar
	flush := func() {
		if active {
			groups = append(groups, strconv.Itoa(val))
			active = false
		}
	}
	start := func(v, kind int, i int) {
		flush()
		val, prev, active = v, kind, true
		sep = append(sep, i > 0 && strings.ContainsAny(n[toks[i-1].hi:toks[i].lo], ",.;/·・"))
	}
	for i, t := range toks {
		switch t.kind {
		case numRepeat:
			flush()
			repeat, prev = t.v, numRepeat
			continue
		case numConn:
			if active && (prev == numTens || prev == numHundred) {
				prev = numConn
			}
			continue
		}
		if repeat > 0 && t.kind == numDigit {
			for k := 0; k < repeat; k++ {
				start(t.v, numDigit, i)
			}
			flush()
			repeat, prev = 0, numDigit
			continue
		}
		repeat = 0
		switch {
		case t.kind == numHundred && active && prev == numDigit:
			val, prev = val*100, numHundred
		case t.kind == numHundred:
			start(100, numHundred, i)
		case t.kind == numDigit && active && (prev == numHundred || prev == numConn ||
			prev == numTens && (t.joined || val%100 >= 20) || prev == numTeen && t.joined && val%10 == 0):
			val, prev = val+t.v, numDigit
		case t.kind == numTeen && active && (prev == numHundred || prev == numConn ||
			prev == numTens && t.joined && (val%100 == 60 || val%100 == 80)):
			val, prev = val+t.v, numTeen // soixante-dix, quatre-vingt-douze
		case t.kind == numTens && active && prev == numDigit && t.v == 20 && t.joined && val%100 < 10:
			val, prev = val-val%100+val%100*20, numTens // quatre-vingt
		case t.kind == numTens && active && (prev == numHundred || prev == numConn):
			val, prev = val+t.v, numTens
		default:
			start(t.v, t.kind, i)
		}
	}
	flush()
	// Digits spoken one by one run on; numbers of two or more digits, and
	// anything after a comma, stand apart.
	var b strings.Builder
	for i, g := range groups {
		if i > 0 && (len(g) > 1 || len(groups[i-1]) > 1 || i < len(sep) && sep[i]) {
			b.WriteByte(' ')
		}
		b.WriteString(g)
	}
	return b.String(), len(groups)
}

// numberInitial holds the first bytes of the number words: a word that
// starts otherwise is no number, without a look-up.
var numberInitial = func() [256]bool {
	var t [256]bool
	for w := range numberWords {
		t[w[0]] = true
	}
	for _, w := range []string{"and", "und", "et", "y", "e", "hundred", "hundert", "cent", "cents", "cento", "cien", "ciento",
		"double", "doppel", "doppio", "doble", "triple", "tripel", "triplo", "vingts"} {
		t[w[0]] = true
	}
	return t
}()

// numberStart holds the first two bytes of the number words: most words
// start otherwise and are no number without a look-up.
var numberStart = func() []bool {
	t := make([]bool, 1<<16)
	add := func(w string) {
		if len(w) >= 2 {
			t[int(w[0])<<8|int(w[1])] = true
		}
	}
	for w := range numberWords {
		add(w)
	}
	for _, w := range []string{"and", "und", "et", "hundred", "hundert", "cent", "cents", "cento", "cien", "ciento",
		"double", "doppel", "doppio", "doble", "triple", "tripel", "triplo", "vingts"} {
		add(w)
	}
	for _, it := range italianTens {
		add(it.w)
	}
	return t
}()

// hasWide reports whether s has characters of three bytes or more in
// UTF-8 (kana, kanji): only then are Japanese numerals looked for.
func hasWide(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xE3 {
			return true
		}
	}
	return false
}

// spelledRun reports whether s may hold minSpelled number words in a row
// (separators are checked later): most lines hold none, and are left as
// they are without building their words.
func spelledRun(s string) bool {
	run, start := 0, -1
	word := func(w string) {
		parts := 0
		for w != "" {
			p := w
			if k := strings.IndexByte(w, '-'); k >= 0 {
				p, w = w[:k], w[k+1:]
			} else {
				w = ""
			}
			if p == "" {
				continue
			}
			if len(p) > 16 || len(p) >= 2 && !numberStart[int(p[0])<<8|int(p[1])] || len(p) == 1 && !numberInitial[p[0]] {
				run = 0
				return
			}
			if k, _ := numberKind(p); k == numOther {
				run = 0
				return
			}
			parts++
		}
		run += parts // "tre-tre-nove" is three numbers
	}
	for i := 0; i < len(s); {
		c, size := s[i], 1
		var letter bool
		if isDigitByte(c) && start < 0 && (i == 0 || !isDigitByte(s[i-1])) {
			// A group of digits among number words: "438, cinq-cinq-cinq,
			// 01 87", "04 twelve ~ 555 ~ 781".
			if run++; run >= minSpelled {
				return true
			}
		}
		if c < utf8.RuneSelf {
			letter = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' && start >= 0
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			letter = unicode.IsLetter(r)
		}
		if letter {
			if start < 0 {
				start = i
			}
			i += size
			continue
		}
		if start >= 0 {
			word(s[start:i])
			start = -1
			if run >= minSpelled {
				return true
			}
		}
		i += size
	}
	if start >= 0 {
		word(s[start:])
	}
	return run >= minSpelled
}

// joinable reports whether what stands between two number words lets them
// be one number: white space, commas, dots, hyphens, slashes. A line
// break read as two spaces still joins ("cuarenta y dos ⏎- ochenta").
func joinable(sep string) bool {
	for _, r := range sep {
		if !unicode.IsSpace(r) && !strings.ContainsRune(",.-/·・", r) {
			return false
		}
	}
	return utf8.RuneCountInString(sep) <= 4
}

// kanjiNumerals rewrites runs of at least seven kanji numerals (with
// separators 「ー」「-」「・」「の」 between them) as ASCII digits: 〇九〇ー一二三四ー
// 五六七八 becomes 090-1234-5678. Shorter runs are words (一度, 三日).
func kanjiNumerals(n string) string {
	if !strings.ContainsAny(n, "〇零一二三四五六七八九") {
		return n
	}
	rs := []rune(n)
	changed := false
	for i := 0; i < len(rs); {
		if _, ok := kanjiDigits[rs[i]]; !ok {
			i++
			continue
		}
		j, digits := i, 0
		for j < len(rs) {
			if _, ok := kanjiDigits[rs[j]]; ok {
				digits++
			} else if !strings.ContainsRune("ー-・ ()（）　－の", rs[j]) {
				break
			}
			j++
		}
		if digits >= 7 {
			for k := i; k < j; k++ {
				if d, ok := kanjiDigits[rs[k]]; ok {
					rs[k] = rune(d)
				} else {
					rs[k] = '-'
				}
			}
			changed = true
		}
		i = j
	}
	if !changed {
		return n
	}
	return string(rs)
}

// What the words before a number say it is.
const (
	labelNone    = iota
	labelCode    // serial, part, order, tracking … number: no phone
	labelService // a carrier's, the manufacturer's, a warranty service's phone
)

// labelWindow is how far before a number a service label is looked for
// ("the DHL customer hotline on …"); a code label stands right before its
// number ("serial number: …", "Bestellnummer 123…"): it starts at most
// codeLabelReach bytes before it ends.
const (
	labelWindow    = 90
	codeLabelReach = 28
)

// numberLabel says what the policy's number labels make of the number at
// lo in n: the nearest label before it in the same sentence decides.
func (c *check) numberLabel(n string, lo int) int {
	w := n[max(0, lo-labelWindow):lo]
	cut := false
	if k := strings.LastIndexAny(w, "!?\n。！？"); k >= 0 {
		w, cut = w[k+1:], true
	}
	if k := sentenceDot(w); k >= 0 {
		w, cut = w[k+2:], true
	}
	// A service's name often stands on the line above its number
	// ("Herstellerservice\nTel. 0800 …").
	sw := w
	if !cut && lo < labelWindow && c.prevLine != "" {
		prev := c.prevLine[max(0, len(c.prevLine)-labelWindow):]
		if k := strings.LastIndexAny(prev, ".!?。！？"); k < 0 || k < len(prev)-1 {
			sw = prev[k+1:] + " " + w
		}
	}
	if directLine(w) {
		// "Customer Care" above, "Direct line: (614) 555-0193" here: the
		// agent's own line, whatever department the signature names.
		return labelNone
	}
	code, service := labelEnd(w, c.e.p.codeLabels), labelEnd(sw, c.e.p.serviceLabels)
	// "… handled by Mazzetti's UK service centre. They can be reached on
	// …": the sentence before names whom "they" are.
	if service < 0 && code < 0 && cut && theyWords(w) {
		before := n[max(0, lo-len(w)-labelWindow) : lo-len(w)]
		if k := labelEnd(before, c.e.p.serviceLabels); k >= 0 && !ownWords(before[k:]) && !c.namesSellerIn(before) {
			return labelService
		}
	}
	if compoundCode(w) || registerBefore.MatchString(w) || service < 0 && c.codeAfter(n[lo:]) {
		return labelCode
	}
	// A code label counts only right before its number ("Charge: 240512");
	// farther off it is a word of the sentence ("prend en charge la
	// réparation … : 1 888 555-0142") and takes nothing from a service.
	codeApplies := code >= 0 && len(w)-code <= codeLabelReach && onlyGlue(w[code:])
	switch {
	case service >= 0 && (!codeApplies || service >= code+len(sw)-len(w)) && !ownWords(sw[service:]) && !c.namesSellerIn(sw[service:]):
		// "Customer Care Moda Lunatica" above the number is the seller's
		// own line, not a service's.
		return labelService
	case c.serviceAfter(n[lo:]):
		return labelService
	case code < 0 && service < 0 && c.blockHead != "" && c.serviceBlock(c.blockHead):
		return labelService
	case codeApplies:
		return labelCode
	}
	return labelNone
}

// directLine reports whether w, the text before a number, calls it a
// direct line: a person's own, not a service's.
func directLine(w string) bool {
	for _, d := range []string{"direct line", "direct dial", "my direct", "durchwahl", "direktwahl", "ligne directe", "línea directa", "linea diretta", "直通"} {
		if strings.Contains(w, d) {
			return true
		}
	}
	return false
}

// theyWords reports whether w speaks of a third party: "they", "ils".
func theyWords(w string) bool {
	for _, x := range labelWords(w) {
		switch x {
		case "they", "them", "ils", "elles", "ellos", "ellas", "loro", "li":
			return true
		}
	}
	return false
}

// serviceBlock reports whether head, the first line of a block, names a
// service and not the seller ("メーカー修理受付：株式会社ハヤテ電機 サービス
// センター", "Herstellerservice Bosch").
func (c *check) serviceBlock(head string) bool {
	k := labelEnd(head, c.e.p.serviceLabels)
	return k >= 0 && !ownWords(head) && !c.namesSellerIn(head)
}

// ownWords reports whether the text between a service's name and its
// number says the number is the seller's own ("our service line").
func ownWords(s string) bool {
	words := labelWords(s)
	for i, w := range words {
		// "(numero del produttore, non nostro)", "not ours": disowned.
		if ownWord[w] && (i == 0 || !negWord[words[i-1]]) {
			return true
		}
	}
	return strings.Contains(s, "弊社") || strings.Contains(s, "当店")
}

// ownWord are the words of the seller speaking of itself.
var ownWord = map[string]bool{"our": true, "ours": true, "we": true, "unser": true, "unsere": true, "unseren": true,
	"unserer": true, "uns": true, "wir": true, "notre": true, "nos": true, "nous": true, "nuestro": true, "nuestra": true,
	"nosotros": true, "nostro": true, "nostra": true, "noi": true,
	// The agent speaking of themselves: "se il corriere non trova il
	// citofono, mi faccia uno squillo: …" gives the agent's own number.
	"me": true, "my": true, "mich": true, "mir": true, "mein": true, "meine": true, "meiner": true,
	"moi": true, "mon": true, "mes": true, "mi": true, "mio": true, "mia": true, "miei": true}

// negWord negate the own word after them.
var negWord = map[string]bool{"not": true, "non": true, "nicht": true, "kein": true, "keine": true, "pas": true, "no": true}

// sentenceDot returns where the last ". " that ends a sentence is in w, or
// -1: the dots of abbreviations ("Tel. ", "Nr. ", "tél. ") end none.
func sentenceDot(w string) int {
	for end := len(w); ; {
		k := strings.LastIndex(w[:end], ". ")
		if k < 0 {
			return -1
		}
		i := k
		for i > 0 && isLetterByte(w[i-1]) {
			i--
		}
		if word := w[i:k]; len(word) == 0 || len(word) > 4 && !strings.HasSuffix(word, "nr") && !strings.HasSuffix(word, "str") {
			return k
		}
		end = k
	}
}

// codeAfter reports whether what follows a number names it a code: "0611
// 4470 28 ist die Ersatzteilnummer", "… is the part number".
func (c *check) codeAfter(after string) bool {
	// Skip the number itself, then read a few words.
	i := 0
	for i < len(after) && (after[i] >= '0' && after[i] <= '9' || strings.IndexByte(" -/.()", after[i]) >= 0) {
		i++
	}
	after = after[i:min(len(after), i+60)]
	if k := strings.IndexAny(after, ".!?;\n"); k >= 0 {
		after = after[:k]
	}
	words := labelWords(after)
	if len(words) < 2 || !copulas[words[0]] {
		return false
	}
	for _, w := range words[1:min(len(words), 5)] {
		if compoundCode(w) || labelEnd(w, c.e.p.codeLabels) >= 0 {
			return true
		}
	}
	return false
}

// serviceAfter reports whether a service label stands in brackets right
// after the number: "81 8122 4400 (línea de garantía de Embraco)".
func (c *check) serviceAfter(after string) bool {
	i := 0
	for i < len(after) && (after[i] >= '0' && after[i] <= '9' || strings.IndexByte(" -/.", after[i]) >= 0) {
		i++
	}
	rest := after[i:]
	if !strings.HasPrefix(rest, "(") && !strings.HasPrefix(rest, "（") {
		return false
	}
	if k := strings.IndexAny(rest, ")）"); k > 0 {
		rest = rest[:k]
	} else {
		rest = rest[:min(len(rest), 60)]
	}
	return labelEnd(rest, c.e.p.serviceLabels) >= 0 && !ownWords(rest)
}

// registerBefore is a company register and its town before a number:
// "RCS Nantes 821 447 903", "Amtsgericht Bielefeld HRB …".
var registerBefore = regexp.MustCompile(`(?:^|[^\p{L}])(?:rcs|r\.c\.s\.|hrb|hra|rea|cciaa|amtsgericht|registergericht|registro mercantil(?: de)?|registre du commerce(?: de)?)\s+\p{L}[\p{L}-]*\s*[:,]?\s*$`)

// copulas link a number to what it is: "… ist die Seriennummer".
var copulas = map[string]bool{"is": true, "ist": true, "est": true, "es": true, "è": true, "was": true, "war": true,
	"sind": true, "are": true, "lautet": true, "corresponde": true, "corrisponde": true, "correspond": true}

// labelEnd returns where the last of labels in w ends, each found as a
// word (ASCII labels do not start or end inside a word), or -1.
func labelEnd(w string, labels []string) int {
	best := -1
	for _, l := range labels {
		for from := 0; ; {
			i := strings.Index(w[from:], l)
			if i < 0 {
				break
			}
			i += from
			end := i + len(l)
			if (i == 0 || !asciiAlnum(l[0]) || !asciiAlnum(w[i-1])) && (end == len(w) || !asciiAlnum(l[len(l)-1]) || !asciiAlnum(w[end])) {
				best = max(best, end)
			}
			from = i + 1
		}
	}
	return best
}

// glueWords may stand between a code label and its number: "serial
// number: …", "Bestell-Nr. …", "numéro de lot est …", "注文番号は…".
var glueWords = map[string]bool{"number": true, "numbers": true, "no": true, "nr": true, "num": true, "nummer": true,
	"numéro": true, "número": true, "numero": true, "n°": true, "nº": true, "n.º": true, "id": true, "code": true,
	"is": true, "was": true, "lautet": true, "ist": true, "est": true, "es": true, "è": true, "de": true, "di": true,
	"del": true, "du": true, "des": true, "the": true, "your": true, "ihre": true, "ihr": true, "votre": true, "su": true,
	"la": true, "il": true, "el": true, "le": true, "番号": true, "は": true, "です": true, "が": true}

// onlyGlue reports whether s holds nothing but glue words, punctuation,
// white space and a code's own letters ("Sendungsnummer: SCH 4471 …").
func onlyGlue(s string) bool {
	for _, w := range labelWords(s) {
		// "WEEE-Reg.-Nr. DE 81462037": the hyphens join a label's parts.
		if w = strings.Trim(w, "-"); w != "" && !glueWords[w] && !codeLetters(w) {
			return false
		}
	}
	return true
}

// labelWords splits the text before a number into words.
func labelWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '°' && r != 'º' && r != '-' || r == '#'
	})
}

// codeLetters reports whether w can be the letters a code starts with:
// up to three letters that do not say "phone".
func codeLetters(w string) bool {
	if len(w) > 3 || phoneWords[w] {
		return false
	}
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// phoneWords are short words that make a number a phone number.
var phoneWords = map[string]bool{"tel": true, "fon": true, "fax": true, "ruf": true, "tél": true, "cel": true, "mob": true}

// compoundCode reports whether the last word before a number, glue words
// aside, is a compound naming a code ("Gehäusenummer", "Auftrags-Nr",
// "Kundennr"): German builds such words freely, and a list cannot hold
// them all. Compounds that name a phone ("Telefonnummer", "Hotline-Nr")
// are no codes.
func compoundCode(w string) bool {
	words := labelWords(w)
	for i := len(words) - 1; i >= 0; i-- {
		t := words[i]
		if glueWords[t] || codeLetters(t) {
			continue
		}
		if !strings.HasSuffix(t, "nummer") && !strings.HasSuffix(t, "nr") && !strings.HasSuffix(t, "-no") {
			return false
		}
		for _, p := range []string{"telefon", "handy", "ruf", "fax", "mobil", "hotline", "service", "kontakt", "whatsapp", "notruf", "durchwahl", "festnetz"} {
			if strings.Contains(t, p) {
				return false
			}
		}
		return len(t) > len("nummer")
	}
	return false
}

// kanaDigits are the Japanese digit words in katakana and hiragana, longest
// first.
var kanaDigits = []struct {
	w string
	d byte
}{
	{"キュウ", '9'}, {"キュー", '9'}, {"きゅう", '9'}, {"ゴー", '5'}, {"ごー", '5'}, {"ニー", '2'}, {"にー", '2'},
	{"ゼロ", '0'}, {"ぜろ", '0'}, {"レイ", '0'}, {"れい", '0'},
	{"イチ", '1'}, {"いち", '1'}, {"サン", '3'}, {"さん", '3'}, {"ヨン", '4'}, {"よん", '4'}, {"ロク", '6'}, {"ろく", '6'},
	{"ナナ", '7'}, {"なな", '7'}, {"ハチ", '8'}, {"はち", '8'}, {"シチ", '7'}, {"ニ", '2'}, {"に", '2'}, {"ゴ", '5'},
	{"ご", '5'}, {"ク", '9'}, {"シ", '4'}, {"マル", '0'}, {"まる", '0'},
}

// kanaNumerals rewrites runs of at least seven Japanese digit words in
// kana (ゼロハチゼロ、イチニサンヨン…) as digits; separators 「ー」「-」「、」「・」
// and spaces may stand between them.
func kanaNumerals(n string) string {
	if !strings.ContainsAny(n, "ゼぜレれイいニにサさヨよゴごロろナなハはキきシクマま") {
		return n
	}
	var b strings.Builder
	changed := false
	for i := 0; i < len(n); {
		j, digits := i, []byte(nil)
		for j < len(n) {
			matched := false
			for _, k := range kanaDigits {
				if strings.HasPrefix(n[j:], k.w) {
					digits, j, matched = append(digits, k.d), j+len(k.w), true
					break
				}
			}
			if matched {
				continue
			}
			// Digits typed among the words: "ゼロ・ハチ・ゼロ／4421／7398",
			// after two words at least (not the particle に before 090).
			if len(digits)-strings.Count(string(digits), "-") >= 2 && isDigitByte(n[j]) {
				digits, j = append(digits, n[j]), j+1
				continue
			}
			r, size := utf8.DecodeRuneInString(n[j:])
			if len(digits) > 0 && strings.ContainsRune("ー-、・ の/／", r) {
				if digits[len(digits)-1] != '-' {
					digits = append(digits, '-') // the groups stay apart
				}
				j += size
				continue
			}
			break
		}
		if d := strings.Trim(string(digits), "-"); len(d)-strings.Count(d, "-") >= 7 {
			b.WriteString(" ")
			b.WriteString(d)
			b.WriteString(" ")
			changed = true
			i = j
			continue
		}
		_, size := utf8.DecodeRuneInString(n[i:])
		b.WriteString(n[i : i+size])
		i += size
	}
	if !changed {
		return n
	}
	return b.String()
}
