package filter

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
)

// The labelled corpus: testdata/corpus/<lang>/<nnn>-<slug>.eml, written by
// testdata/corpus/gen/gen.py the way Gmail, Outlook, Thunderbird, Apple Mail
// and Japanese desktop mailers write replies to Amazon buyers, and
// testdata/corpus/labels.tsv saying for each file whether the policy must
// pass or refuse it and which categories a refusal must name.

const corpusDir = "testdata/corpus"

var corpusLangs = []string{"en", "de", "fr", "es", "it", "ja"}

var corpusCategories = map[string]bool{"link": true, "contact": true, "review": true, "promotion": true, "pixel": true, "attachment": true}

type corpusLabel struct {
	file, expect, note string
	cats               []string
}

// readCorpus reads labels.tsv and checks that it and the files agree: every
// .eml under the language directories is labelled, every label has a file,
// no file is labelled twice, and every label is well-formed.
func readCorpus(t *testing.T) []corpusLabel {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, "labels.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var labels []corpusLabel
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		p := strings.Split(line, "\t")
		if len(p) != 4 {
			t.Errorf("labels.tsv:%d: %d fields, want FILE, EXPECT, CATEGORIES, NOTE", n, len(p))
			continue
		}
		l := corpusLabel{file: p[0], expect: p[1], note: p[3]}
		if p[2] != "" {
			l.cats = strings.Split(p[2], ",")
		}
		switch {
		case l.expect != "pass" && l.expect != "refuse":
			t.Errorf("labels.tsv:%d: expect %q, want pass or refuse", n, l.expect)
		case l.expect == "pass" && len(l.cats) > 0:
			t.Errorf("labels.tsv:%d: %s must pass but names categories %v", n, l.file, l.cats)
		case l.expect == "refuse" && len(l.cats) == 0:
			t.Errorf("labels.tsv:%d: %s must be refused but names no category", n, l.file)
		}
		for _, c := range l.cats {
			if !corpusCategories[c] {
				t.Errorf("labels.tsv:%d: unknown category %q (format is advisory and never a refusal)", n, c)
			}
		}
		if seen[l.file] {
			t.Errorf("labels.tsv:%d: %s labelled twice", n, l.file)
		}
		seen[l.file] = true
		labels = append(labels, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(corpusDir, "*", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	onDisk := map[string]bool{}
	for _, f := range files {
		rel := filepath.ToSlash(strings.TrimPrefix(f, corpusDir+string(filepath.Separator)))
		onDisk[rel] = true
		if !seen[rel] {
			t.Errorf("%s is not labelled in labels.tsv", rel)
		}
	}
	for _, l := range labels {
		if !onDisk[l.file] {
			t.Errorf("labels.tsv names %s, which does not exist", l.file)
		}
	}
	// Size and coverage: at least 150 messages, each language with
	// messages that must pass and messages that must be refused.
	type pr struct{ pass, refuse int }
	byLang := map[string]*pr{}
	for _, l := range labels {
		lang, _, _ := strings.Cut(l.file, "/")
		if byLang[lang] == nil {
			byLang[lang] = &pr{}
		}
		if l.expect == "pass" {
			byLang[lang].pass++
		} else {
			byLang[lang].refuse++
		}
	}
	if len(labels) < 150 {
		t.Errorf("corpus has %d messages, want at least 150", len(labels))
	}
	for _, lang := range corpusLangs {
		c := byLang[lang]
		if c == nil || c.pass == 0 || c.refuse == 0 {
			t.Errorf("language %s needs messages that pass and messages that are refused, has %+v", lang, c)
		}
	}
	if len(byLang) != len(corpusLangs) {
		t.Errorf("corpus has directories for %d languages, want exactly %v", len(byLang), corpusLangs)
	}
	return labels
}

// corpusEnvelope is what the SMTP session would have seen: MAIL FROM from
// the From header and RCPT TO from the To header.
// angleAddr is the address in a header's angle brackets.
var angleAddr = regexp.MustCompile(`<([^<>@\s]+@[^<>\s]+)>`)

func corpusEnvelope(raw []byte) (Envelope, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Envelope{}, err
	}
	var env Envelope
	if from, err := msg.Header.AddressList("From"); err == nil && len(from) > 0 {
		env.MailFrom = from[0].Address
	} else if m := angleAddr.FindStringSubmatch(msg.Header.Get("From")); m != nil {
		// net/mail decodes no ISO-2022-JP display name ("さくら雑貨"):
		// the address in its angle brackets is the envelope's sender,
		// as the gateway has it from MAIL FROM.
		env.MailFrom = m[1]
	}
	to, err := msg.Header.AddressList("To")
	if err != nil {
		return env, fmt.Errorf("To: %v", err)
	}
	for _, a := range to {
		env.Rcpt = append(env.Rcpt, a.Address)
	}
	return env, nil
}

// TestCorpusAccuracy checks every labelled message and fails under the bar:
// at least 97% of violating messages refused (quarantined or rejected) with
// every labelled category named by a refusing finding, at most 1% of
// compliant messages refused. Run with -v for the tables and every miss.
//
// SELLERGATE_CORPUS_PENDING=1 skips it, for trees whose engine is not
// finished yet; the corpus checks (TestCorpusLabels, TestCorpusWellFormed)
// run regardless.
func TestCorpusAccuracy(t *testing.T) {
	if os.Getenv("SELLERGATE_CORPUS_PENDING") == "1" {
		t.Skip("SELLERGATE_CORPUS_PENDING=1: the policy engine is not finished, so the corpus accuracy bar (97% recall, 1% false refusals) is not enforced")
	}
	labels := readCorpus(t)
	e := NewEngine(DefaultPolicy())

	type catTally struct{ n, ok int }
	type langTally struct{ violating, caught, compliant, falseRefusals int }
	perCat := map[string]*catTally{}
	perLang := map[string]*langTally{}
	var violating, caught, compliant, falseRefusals int
	var misses, falses []string

	for _, l := range labels {
		lang, _, _ := strings.Cut(l.file, "/")
		if perLang[lang] == nil {
			perLang[lang] = &langTally{}
		}
		lt := perLang[lang]
		raw, err := os.ReadFile(filepath.Join(corpusDir, l.file))
		if err != nil {
			t.Fatal(err)
		}
		env, err := corpusEnvelope(raw)
		if err != nil {
			t.Errorf("%s: envelope: %v", l.file, err)
		}
		m, err := Parse(bytes.NewReader(raw))
		if err != nil {
			t.Errorf("%s: Parse: %v", l.file, err)
			continue
		}
		v := e.Check(m, env)
		named := map[string]bool{}
		for _, x := range v.Violations {
			if x.Action >= Quarantine {
				named[x.Category] = true
			}
		}
		if l.expect == "pass" {
			compliant++
			lt.compliant++
			if v.Refused() {
				falseRefusals++
				lt.falseRefusals++
				falses = append(falses, fmt.Sprintf("FALSE REFUSAL %s (%s): verdict %v\n%s", l.file, l.note, v.Action, describe(v)))
			}
			continue
		}
		violating++
		lt.violating++
		all := v.Refused()
		var missing []string
		for _, c := range l.cats {
			if perCat[c] == nil {
				perCat[c] = &catTally{}
			}
			perCat[c].n++
			if v.Refused() && named[c] {
				perCat[c].ok++
			} else {
				all = false
				missing = append(missing, c)
			}
		}
		if all {
			caught++
			lt.caught++
		} else {
			misses = append(misses, fmt.Sprintf("MISS %s (%s): want %s refused, %s not named; verdict %v\n%s",
				l.file, l.note, strings.Join(l.cats, ","), strings.Join(missing, ","), v.Action, describe(v)))
		}
	}

	for _, s := range misses {
		t.Log(s)
	}
	for _, s := range falses {
		t.Log(s)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-11s %9s %9s %7s\n", "category", "violating", "refused", "recall")
	cats := make([]string, 0, len(perCat))
	for c := range perCat {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	for _, c := range cats {
		fmt.Fprintf(&b, "%-11s %9d %9d %6.1f%%\n", c, perCat[c].n, perCat[c].ok, pct(perCat[c].ok, perCat[c].n))
	}
	fmt.Fprintf(&b, "\n%-5s %9s %7s %7s %9s %8s %6s\n", "lang", "violating", "caught", "recall", "compliant", "refused", "FPR")
	for _, lang := range corpusLangs {
		lt := perLang[lang]
		if lt == nil {
			continue
		}
		fmt.Fprintf(&b, "%-5s %9d %7d %6.1f%% %9d %8d %5.1f%%\n", lang, lt.violating, lt.caught, pct(lt.caught, lt.violating),
			lt.compliant, lt.falseRefusals, pct(lt.falseRefusals, lt.compliant))
	}
	fmt.Fprintf(&b, "%-5s %9d %7d %6.1f%% %9d %8d %5.1f%%\n", "all", violating, caught, pct(caught, violating),
		compliant, falseRefusals, pct(falseRefusals, compliant))
	fmt.Fprintf(&b, "\nviolating: %d/%d refused with every labelled category named (recall %.1f%%, bar 97%%)\n"+
		"compliant: %d/%d refused (false refusals %.1f%%, bar 1%%)", caught, violating, pct(caught, violating),
		falseRefusals, compliant, pct(falseRefusals, compliant))
	t.Logf("%s", b.String())

	if violating == 0 || compliant == 0 {
		t.Fatalf("corpus needs violating and compliant messages, has %d and %d", violating, compliant)
	}
	if float64(caught) < 0.97*float64(violating) {
		t.Errorf("recall %.1f%% (%d/%d) is under the 97%% bar", pct(caught, violating), caught, violating)
	}
	if float64(falseRefusals) > 0.01*float64(compliant) {
		t.Errorf("false refusals %.1f%% (%d/%d) are over the 1%% bar", pct(falseRefusals, compliant), falseRefusals, compliant)
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func describe(v Verdict) string {
	if len(v.Violations) == 0 {
		return "\t(no findings)"
	}
	var b strings.Builder
	for i, x := range v.Violations {
		if i > 0 {
			b.WriteByte('\n')
		}
		ex := strings.Join(strings.Fields(x.Excerpt), " ")
		if len(ex) > 120 {
			ex = ex[:120] + "…"
		}
		fmt.Fprintf(&b, "\t%-10s %-28s %-10s %-24s %q", x.Category, x.Rule, x.Action, x.Where, ex)
	}
	return b.String()
}

// TestCorpusLabels checks labels.tsv against the files, independent of the
// engine.
func TestCorpusLabels(t *testing.T) {
	readCorpus(t)
}

// TestCorpusWellFormed reads every corpus file with Go's standard library
// alone, as any MTA would: CRLF line ends, a header net/mail accepts, From
// and To addresses (To a buyer's marketplace address of the language's
// marketplace), decodable RFC 2047 subjects, and a MIME tree whose every
// part decodes from its transfer encoding and, for text, from its declared
// charset without replacement characters.
func TestCorpusWellFormed(t *testing.T) {
	marketplaces := map[string][]string{"en": {".co.uk", ".com"}, "de": {".de"}, "fr": {".fr"}, "es": {".es"}, "it": {".it"}, "ja": {".co.jp"}}
	files, err := filepath.Glob(filepath.Join(corpusDir, "*", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := &mime.WordDecoder{CharsetReader: charsetReader}
	for _, f := range files {
		rel := filepath.ToSlash(strings.TrimPrefix(f, corpusDir+string(filepath.Separator)))
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Count(raw, []byte("\n")) != bytes.Count(raw, []byte("\r\n")) || bytes.Count(raw, []byte("\r")) != bytes.Count(raw, []byte("\r\n")) {
			t.Errorf("%s: line ends are not all CRLF", rel)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		if _, err := (&mail.AddressParser{WordDecoder: dec}).ParseList(msg.Header.Get("From")); err != nil {
			t.Errorf("%s: From: %v", rel, err)
		}
		to, err := msg.Header.AddressList("To")
		lang, _, _ := strings.Cut(rel, "/")
		if err != nil || len(to) != 1 {
			t.Errorf("%s: To: %v %v", rel, to, err)
		} else {
			ok := false
			for _, tld := range marketplaces[lang] {
				ok = ok || strings.HasSuffix(to[0].Address, "@marketplace.amazon"+tld)
			}
			if !ok {
				t.Errorf("%s: To %s is not a buyer address of the %s marketplace", rel, to[0].Address, lang)
			}
		}
		if s, err := dec.DecodeHeader(msg.Header.Get("Subject")); err != nil || !utf8.ValidString(s) || s == "" {
			t.Errorf("%s: Subject %q: %v", rel, s, err)
		}
		walkPart(t, rel, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, 0)
	}
}

func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder().Reader(input), nil
}

func walkPart(t *testing.T, file, ctype, cte string, body io.Reader, depth int) {
	t.Helper()
	if ctype == "" {
		ctype = "text/plain; charset=us-ascii"
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Errorf("%s: Content-Type %q: %v", file, ctype, err)
		return
	}
	if strings.HasPrefix(mt, "multipart/") {
		if params["boundary"] == "" {
			t.Errorf("%s: %s without boundary", file, mt)
			return
		}
		mr := multipart.NewReader(body, params["boundary"])
		n := 0
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%s: %s: %v", file, mt, err)
				return
			}
			n++
			walkPart(t, file, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, depth+1)
		}
		if n == 0 {
			t.Errorf("%s: empty %s", file, mt)
		}
		return
	}
	var r io.Reader = body
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, newlineStripper{body})
	case "", "7bit", "8bit", "binary":
	default:
		t.Errorf("%s: unknown transfer encoding %q", file, cte)
		return
	}
	data, err := io.ReadAll(r)
	if err != nil {
		t.Errorf("%s: %s: %s: %v", file, mt, cte, err)
		return
	}
	if !strings.HasPrefix(mt, "text/") {
		return
	}
	cs := params["charset"]
	if cs == "" {
		cs = "us-ascii"
	}
	var text string
	if strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "us-ascii") {
		if !utf8.Valid(data) {
			t.Errorf("%s: %s declared %s is not valid UTF-8", file, mt, cs)
		}
		text = string(data)
	} else {
		enc, err := htmlindex.Get(cs)
		if err != nil {
			t.Errorf("%s: %s: charset %q: %v", file, mt, cs, err)
			return
		}
		out, err := enc.NewDecoder().Bytes(data)
		if err != nil {
			t.Errorf("%s: %s: decoding %s: %v", file, mt, cs, err)
			return
		}
		text = string(out)
	}
	if strings.ContainsRune(text, utf8.RuneError) {
		t.Errorf("%s: %s in %s has bytes its charset does not define", file, mt, cs)
	}
}

// newlineStripper drops CR and LF so that base64 lines decode as one stream.
type newlineStripper struct{ r io.Reader }

func (s newlineStripper) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	return j, err
}
