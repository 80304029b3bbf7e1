package filter

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

var tlds = map[string]string{"en": "com", "de": "de", "fr": "fr", "es": "es", "it": "it", "ja": "co.jp"}

func buyerFor(lang string) string { return "a1b2c3d4e5@marketplace.amazon." + tlds[lang] }

// plain builds a text/plain reply to the language's buyer.
func plain(lang, body string) string {
	return "From: Shop <support@shop.test>\r\nTo: " + buyerFor(lang) + "\r\nSubject: Re: Bestellung 302-1234567-7654321\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(body, "\n", "\r\n") + "\r\n"
}

// defaultEngine is compiled once for all tests.
var defaultEngine = NewEngine(DefaultPolicy())

func checkRaw(t *testing.T, raw string) Verdict {
	t.Helper()
	m, err := Parse(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	env := Envelope{MailFrom: "support@shop.test"}
	if to, err := m.Header.AddressList("To"); err == nil {
		for _, a := range to {
			env.Rcpt = append(env.Rcpt, a.Address)
		}
	}
	return defaultEngine.Check(m, env)
}

func categories(v Verdict) string {
	var cs []string
	for _, x := range v.Violations {
		if x.Action >= Quarantine && !strings.Contains(strings.Join(cs, ","), x.Category) {
			cs = append(cs, x.Category)
		}
	}
	return strings.Join(cs, ",")
}

func TestDetectors(t *testing.T) {
	cases := []struct {
		lang, body string
		want       string // refused categories, "" = passes
	}{
		// Compliant: carriers, Amazon, order ids, tracking numbers, prices, dates, codes.
		{"de", "Ihr Paket: https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434161094042557", ""},
		{"de", "Sendungsnummer JJD000390007822541, Bestellung 302-1234567-7654321, 19,99 €, am 03.11.2025, 10115 Berlin", ""},
		{"de", "Wir haben Ihre Rücksendung geprüft und 10 € für den Kratzer erstattet.", ""},
		{"en", "Track it at https://www.ups.com/track?tracknum=1Z999AA10123456784 or on amazon.com/your-orders.", ""},
		{"en", "If you have a moment, you can share your experience with the product on Amazon.", ""},
		{"en", "We reviewed your return and refunded the full amount today.", ""},
		{"en", "EAN 4006381333931, ASIN B08N5WRWNW, model 2024-11.", ""},
		{"fr", "Suivez votre colis : https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901", ""},
		{"es", "Puede seguir su envío en https://www.correos.es/es/es/herramientas/localizador/envios", ""},
		{"it", "Abbiamo rimborsato 15 € per il graffio. Tracciamento: https://www.poste.it/cerca/index.html", ""},
		{"ja", "ご注文番号 249-1234567-1234567、金額 ¥1,980、ヤマト運輸の追跡番号 4912-3456-7890 です。", ""},
		{"ja", "追跡はこちら https://toi.kuronekoyamato.co.jp/cgi-bin/tneko", ""},
		// Numbers and words inside an allowed link are neither phones nor phrases.
		{"de", "Sendung: https://www.dhl.de/de/privatkunden/verfolgen.html?lang=de&id=0301234567", ""},
		{"es", "Seguimiento: https://www.seur.com/livetracking/?segOnlineIdentificador=12345678901234", ""},
		{"en", "Help: https://www.amazon.com/gp/help/customer/contact-us/whatsapp-instagram-facebook", ""},
		// link
		{"de", "Besuchen Sie unseren Shop: www.meinshop.de", "link,promotion"},
		{"de", "mehr auf meinshop [dot] de", "link"},
		{"fr", "rendez-vous sur www . maboutique . fr", "link"},
		{"ja", "ｗｗｗ．ｓｈｏｐ．ｊｐ をご覧ください", "link,promotion"}, // shop.jp is the sender shop.test's own site
		{"ja", "ｓｈｏｐ。ｊｐ をご覧ください", "link,promotion"},
		{"ja", "LINEでお問い合わせください。ID: @hikari_shop", "contact"},
		{"de", "Rufen Sie an: 030–1234567", "contact"}, // an en dash
		// A labelled phone number in another country's plan than the marketplace's.
		{"en", "Phone: 020 7946 0321 | Mobile: 07700 912345", "contact"},
		{"en", "Model XR-2000, serial 2026-0045-7781, shipped Nov 28.", ""},
		// Asking to change, remove or not leave a negative review.
		{"de", "Bitte ändern Sie Ihre negative Bewertung, wir haben das Problem gelöst.", "review"},
		{"en", "Please don't leave negative feedback, we will fix it.", "review"},
		{"en", "Could you remove your 1-star review now that it works?", "review"},
		{"fr", "Pourriez-vous supprimer votre avis négatif ?", "review"},
		{"es", "Por favor, no deje una reseña negativa.", "review"},
		{"it", "Potrebbe modificare la sua recensione negativa?", "review"},
		{"ja", "低評価はつけないでください。", "review"},
		{"en", "We will update you on the review of your return request.", ""},
		// Cross-selling through the seller's own Amazon storefront.
		{"en", "You can find more products at our Amazon store.", "promotion"},
		{"de", "Schauen Sie auch in unserem Amazon-Shop vorbei.", "promotion"},
		{"ja", "詳しくはご連絡ください。ID番号は注文番号です。みんなで使えます。", ""},
		{"en", "order again at amaz0n-deals.com", "link"},
		{"en", "see аmazon.com/deal", "link"},
		{"en", "our shop: my\u200bshop.com", "link"},
		// contact
		{"de", "Rufen Sie uns an: +49 (0) 30 1234567", "contact"},
		{"de", "Tel. 030 12345678", "contact"},
		{"ja", "０９０－１２３４－５６７８までお電話ください", "contact"},
		{"es", "Escríbanos a info (at) tienda.es", "contact"},
		{"es", "correo: ventas arroba tienda punto es", "contact"},
		{"it", "scriveteci a info chiocciola negozio.it", "contact"},
		{"en", "Message us on WhatsApp +34 612 345 678", "contact"},
		{"ja", "LINE ID: shop_jp で連絡ください", "contact"},
		{"en", "write to support＠shop-direct.com", "contact"},
		{"en", "Chat with us: wa.me/491512345678", "link,contact"},
		// review
		{"en", "If you're happy, please leave us 5 stars!", "review"},
		{"de", "Bitte bewerten Sie uns mit 5 Sternen, wenn Sie zufrieden sind.", "review"},
		{"fr", "Laissez-nous 5 étoiles si vous êtes satisfait", "review"},
		{"es", "Le regalamos un cupón si deja una reseña positiva", "promotion,review"},
		{"it", "Potrebbe rimuovere la recensione negativa? Le rimborsiamo.", "review"},
		{"ja", "レビューで★5をお願いします", "review"},
		{"en", "Please contact us before leaving a review.", "review"},
		// promotion
		{"de", "Mit dem Code GUTSCHEIN10 sparen Sie beim nächsten Einkauf", "promotion"},
		{"ja", "次回使える10%OFFクーポンをプレゼント", "promotion"},
		{"en", "Follow us on Instagram for new arrivals", "contact,promotion"},
		{"fr", "Abonnez-vous à notre newsletter", "promotion"},
	}
	for _, c := range cases {
		t.Run(c.lang+"/"+c.body, func(t *testing.T) {
			v := checkRaw(t, plain(c.lang, c.body))
			got := categories(v)
			if got != c.want {
				t.Errorf("refused categories %q, want %q; findings: %+v", got, c.want, v.Violations)
			}
			if c.want != "" && !v.Refused() {
				t.Errorf("verdict %v, want refused", v.Action)
			}
		})
	}
}

func TestExcerptIsAsWrittenAndWhereIsTheLine(t *testing.T) {
	v := checkRaw(t, plain("de", "Guten Tag,\n\nmehr Angebote auf www.meinshop.de im Sale.\nGruß"))
	if len(v.Violations) == 0 {
		t.Fatal("no finding")
	}
	x := v.Violations[0]
	if x.Where != "text line 3" || !strings.Contains(x.Excerpt, "www.meinshop.de") || x.Message == "" || x.Rule == "" {
		t.Errorf("violation = %+v", x)
	}
	if !strings.Contains(x.Message, "Links") {
		t.Errorf("German buyer, message not in German: %q", x.Message)
	}
}

func TestBuyerQuoteIsExemptButFakeQuoteIsNot(t *testing.T) {
	buyer := buyerFor("fr")
	real := plain("fr", "Bonjour, c'est noté.\n\nLe 3 nov. 2025 à 10:02, Acheteur <"+buyer+"> a écrit :\n> Appelez-moi au 06 12 34 56 78 ou voir www.monsite.fr")
	if v := checkRaw(t, real); v.Refused() {
		t.Errorf("the buyer's quoted words caused a refusal: %+v", v.Violations)
	}
	// A quote without an attribution is the buyer's (Yahoo, a bare '>'
	// quote), but it cannot carry the seller's own site.
	bare := plain("fr", "Bonjour, c'est noté.\n\n> Appelez-moi au 06 12 34 56 78, mon adresse est jean.dupont@orange.fr")
	if v := checkRaw(t, bare); v.Refused() {
		t.Errorf("the buyer's words in a quote without attribution caused a refusal: %+v", v.Violations)
	}
	fake := plain("fr", "Bonjour.\n\n> visitez www.shop.test pour -20%")
	if v := checkRaw(t, fake); !v.Refused() {
		t.Error("a quote without the buyer's attribution hid the seller's own shop link")
	}
	other := plain("fr", "Bonjour.\n\nLe 3 nov. 2025, Boutique <ventes@maboutique.fr> a écrit :\n> visitez www.maboutique.fr")
	if v := checkRaw(t, other); !v.Refused() {
		t.Error("a quote attributed to the seller's own address was exempt")
	}
	// With the buyer's message on record, only what matches it is exempt.
	m, _ := Parse(strings.NewReader(plain("fr", "Merci.\n\nLe 3 nov. 2025 à 10:02, Acheteur <"+buyer+"> a écrit :\n> Où est mon colis ?\n> Voir www.maboutique.fr")))
	v := NewEngine(DefaultPolicy()).Check(m, Envelope{Rcpt: []string{buyer}, BuyerText: "Où est mon colis ?"})
	if !v.Refused() {
		t.Error("a line added to a genuine quote was exempt although it is not in the recorded buyer message")
	}
	// With the record, the buyer's words are the buyer's in any dress: an
	// Outlook-on-the-web block without '>' marks, re-wrapped, and even
	// pasted without any quote; the attribution's relay address is no contact.
	said := "Bonjour, le colis n'est pas arrivé.\nAppelez-moi au 06 12 34 56 78 ou écrivez à jean.dupont@orange.fr, merci."
	reply := "Bonjour, nous renvoyons le colis aujourd'hui.\n\nVous avez écrit : Appelez-moi au 06 12 34 56 78 ou écrivez à\njean.dupont@orange.fr, merci.\n\n" +
		"Le 3 nov. 2025 à 10:02, Acheteur <" + buyer + "> a écrit :\n> Bonjour, le colis n'est pas arrivé."
	m, _ = Parse(strings.NewReader(plain("fr", reply)))
	if v := NewEngine(DefaultPolicy()).Check(m, Envelope{Rcpt: []string{buyer}, BuyerText: said}); v.Refused() {
		t.Errorf("the recorded buyer's words caused a refusal: %+v", v.Violations)
	}
}

func htmlMessage(lang, html string) string {
	return "From: <support@shop.test>\r\nTo: " + buyerFor(lang) + "\r\nSubject: Re: order\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee html\r\n" +
		"--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n--b1--\r\n"
}

func TestHTML(t *testing.T) {
	buyer := buyerFor("en")
	cases := []struct {
		name, html, want string
	}{
		{"tracking link", `<p>Track: <a href="https://www.dhl.de/verfolgen?piececode=1">DHL</a></p>`, ""},
		{"text shows amazon, href elsewhere", `<a href="https://myshop.example/deal">https://www.amazon.de/dp/B08N5WRWNW</a>`, "link"},
		{"text shows amazon, href other allowed host", `<a href="https://www.dhl.de/x">www.amazon.de</a>`, "link"},
		{"1x1 pixel", `<p>Hi</p><img src="https://t.example/open.gif" width="1" height="1">`, "pixel"},
		{"hidden image", `<img src="https://shop.example/x.png" style="display:none">`, "pixel"},
		{"remote logo", `<img src="https://shop.example/logo.png" alt="Shop">`, "pixel"},
		{"css background", `<div style="background:url(https://t.example/b.png)">Hi</div>`, "pixel"},
		{"inline cid image", `<p>See photo:</p><img src="cid:part1">`, ""},
		{"mailto", `<a href="mailto:sales@shop.example">write us</a>`, "contact"},
		{"control characters in the href", "<a href=\"https://myshop.example/\tdeal\">here</a> <a href=\"https://other.example/\x01\">x</a>", "link"},
		{"entity-encoded shop", `<p>www&#46;myshop&#46;com</p>`, "link"},
		{"gmail quote of the buyer", `<div>Sure.</div><div class="gmail_quote"><div class="gmail_attr">On Mon, Buyer &lt;` + buyer + `&gt; wrote:</div><blockquote class="gmail_quote">call me 0049 30 1234567, see www.other.example</blockquote></div>`, ""},
		{"outlook quote of the buyer", `<div>Sure.</div><div id="divRplyFwdMsg"><b>From:</b> Buyer &lt;` + buyer + `&gt;<br><b>Sent:</b> Monday</div><div>see www.other.example</div>`, ""},
		{"thunderbird cite without buyer", `<div class="moz-cite-prefix">Am 03.11.25 schrieb Shop:</div><blockquote type="cite">www.myshop.de</blockquote>`, "link"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := checkRaw(t, htmlMessage("en", c.html))
			if got := categories(v); got != c.want {
				t.Errorf("refused %q, want %q: %+v", got, c.want, v.Violations)
			}
		})
	}
}

func attachmentMessage(name, ctype string, data []byte) string {
	return "From: <support@shop.test>\r\nTo: " + buyerFor("de") + "\r\nSubject: Rechnung\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b2\r\n\r\n--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAnbei die Rechnung.\r\n" +
		"--b2\r\nContent-Type: " + ctype + "; name=\"" + name + "\"\r\nContent-Disposition: attachment; filename=\"" + name + "\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString(data) + "\r\n--b2--\r\n"
}

func TestAttachments(t *testing.T) {
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 200)...)
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, _ := zw.Create("a.txt")
	w.Write([]byte("hello"))
	zw.Close()
	var docx bytes.Buffer
	dz := zip.NewWriter(&docx)
	w, _ = dz.Create("[Content_Types].xml")
	w.Write([]byte(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`))
	w, _ = dz.Create("word/document.xml")
	w.Write([]byte(`<w:document><w:body><w:p><w:r><w:t>Rechnung 302-1234567-7654321</w:t></w:r></w:p><w:p><w:r><w:t>Shop GmbH, www.shop-gmbh.de</w:t></w:r></w:p></w:body></w:document>`))
	dz.Close()
	cases := []struct {
		name, ctype string
		data        []byte
		want        string
		tagged      string
	}{
		{"rechnung.pdf", "application/pdf", pdf, "", ""},
		{"foto.png", "image/png", png, "", ""},
		{"archiv.zip", "application/zip", zbuf.Bytes(), "attachment", ""},
		{"rechnung.pdf.exe", "application/octet-stream", exe, "attachment", ""},
		{"rechnung.pdf", "application/pdf", exe, "attachment", ""},
		{"foto.exe.jpg", "image/jpeg", png, "attachment", ""},
		{"makro.docm", "application/vnd.ms-word.document.macroEnabled.12", docx.Bytes(), "attachment", ""},
		{"seite.html", "text/html", []byte("<html>hi</html>"), "attachment", ""},
		{"rechnung.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx.Bytes(), "", "link"},
		// Outside an invoice's issuer block, contact details in a document refuse.
		{"notiz.txt", "text/plain", []byte("Tel. 030 12345678\n"), "contact,attachment", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := checkRaw(t, attachmentMessage(c.name, c.ctype, c.data))
			if got := categories(v); got != c.want {
				t.Errorf("refused %q, want %q: %+v", got, c.want, v.Violations)
			}
			tagged := ""
			for _, x := range v.Violations {
				if x.Action == Tag && x.Category != "format" {
					tagged = x.Category
					if !strings.HasPrefix(x.Where, "attachment "+c.name) {
						t.Errorf("where = %q", x.Where)
					}
				}
			}
			if tagged != c.tagged {
				t.Errorf("tagged %q, want %q: %+v", tagged, c.tagged, v.Violations)
			}
		})
	}
}

func TestCharsets(t *testing.T) {
	latin1, _ := charmap.ISO8859_1.NewEncoder().String("Grüße, bitte 5 Sterne für uns!")
	sjis, _ := japanese.ShiftJIS.NewEncoder().String("レビューで★5をお願いします")
	jis, _ := japanese.ISO2022JP.NewEncoder().String("次回使える10%OFFクーポン")
	for _, c := range []struct{ lang, charset, body, want string }{
		{"de", "iso-8859-1", latin1, "review"},
		{"ja", "shift_jis", sjis, "review"},
		{"ja", "iso-2022-jp", jis, "promotion"},
	} {
		raw := "From: <support@shop.test>\r\nTo: " + buyerFor(c.lang) + "\r\nSubject: =?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte("Ihre Bestellung")) + "?=\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=" + c.charset + "\r\n\r\n" + c.body + "\r\n"
		v := checkRaw(t, raw)
		if got := categories(v); got != c.want {
			t.Errorf("%s: refused %q, want %q: %+v", c.charset, got, c.want, v.Violations)
		}
	}
}

func TestFormatIsAdvisory(t *testing.T) {
	v := checkRaw(t, plain("en", "Hello,\n\n\n\nYOUR PARCEL LEFT OUR WAREHOUSE TODAY AND ARRIVES SOON\nRegards"))
	if v.Refused() || v.Action != Tag {
		t.Errorf("format findings: verdict %v, want tag", v.Action)
	}
	rules := ""
	for _, x := range v.Violations {
		rules += x.Rule + " "
	}
	if !strings.Contains(rules, "format.empty-lines") || !strings.Contains(rules, "format.shouting") {
		t.Errorf("rules = %s", rules)
	}
}

func TestPolicyFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "policy.yaml")
	os.WriteFile(good, []byte(`actions:
  pixel: strip
  format: quarantine
rules:
  - id: no-competitor
    category: promotion
    action: quarantine
    phrases: [MegaStore]
    message: Do not mention MegaStore.
    where: [subject, text]
allow:
  domains: [myshop-help.example]
`), 0o600)
	p, err := LoadPolicy(good)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(p)
	m, _ := Parse(strings.NewReader(plain("en", "Cheaper at MegaStore. Help: https://myshop-help.example/manual")))
	v := e.Check(m, Envelope{Rcpt: []string{buyerFor("en")}})
	if v.Action != Quarantine || len(v.Violations) != 1 || v.Violations[0].Rule != "no-competitor" || v.Violations[0].Message != "Do not mention MegaStore." {
		t.Errorf("custom rule: %v %+v", v.Action, v.Violations)
	}
	for _, c := range []struct{ yaml, want string }{
		{"actions:\n  link: delete\n", "bad.yaml:2: action \"delete\" for link"},
		{"actions:\n  link: reject\nrulez: []\n", "bad.yaml:3: unknown key \"rulez\""},
		{"rules:\n  - id: x\n    category: promotion\n    pattern: '(unclosed'\n", "bad.yaml:4: rule x: bad pattern"},
		{"rules:\n  - id: y\n    category: spam\n    phrases: [a]\n", "bad.yaml:3: rule y: unknown category \"spam\""},
	} {
		f := filepath.Join(dir, "bad.yaml")
		os.WriteFile(f, []byte(c.yaml), 0o600)
		_, err := LoadPolicy(f)
		if err == nil || !strings.Contains(err.Error(), strings.Replace(c.want, "bad.yaml", f, 1)) {
			t.Errorf("policy %q: error %v, want %s", c.yaml, err, c.want)
		}
	}
}

func TestMonitorModeTagsEverything(t *testing.T) {
	p, err := ParsePolicy("m.yaml", []byte("monitor: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := Parse(strings.NewReader(plain("en", "leave us 5 stars at www.myshop.example")))
	v := NewEngine(p).Check(m, Envelope{Rcpt: []string{buyerFor("en")}})
	if v.Action != Tag || !v.Monitor || len(v.Violations) < 2 {
		t.Errorf("monitor: %v %+v", v.Action, v.Violations)
	}
}

func TestMalformedIsReportedNotFatal(t *testing.T) {
	for _, raw := range []string{
		"From: <a@b.test>\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nwww.shop.example\r\n",
		"From: <a@b.test>\r\nContent-Type: text/plain; charset=does-not-exist\r\n\r\nhello\r\n",
		"From: <a@b.test>\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n",
	} {
		m, err := Parse(strings.NewReader(raw))
		if err != nil {
			t.Errorf("parse failed: %v", err)
			continue
		}
		NewEngine(DefaultPolicy()).Check(m, Envelope{})
	}
}

func TestPathologicalInputFinishes(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&b, `<a href="https://s%d.example/">x</a>`, i)
	}
	v := checkRaw(t, htmlMessage("en", b.String()))
	if !v.Refused() || len(v.Violations) > 50 {
		t.Errorf("100,000 links: %v with %d findings", v.Action, len(v.Violations))
	}
	nested := strings.Repeat("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n", 100)
	m, err := Parse(strings.NewReader("From: <a@b.test>\r\n" + nested))
	if err != nil || len(m.Problems) == 0 {
		t.Errorf("100-deep nesting: %v, problems %v", err, m.Problems)
	}
	// A zip bomb named .pdf: refused by its bytes, never unpacked.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("zeros.bin")
	zero := make([]byte, 1<<20)
	for i := 0; i < 200; i++ { // 200 MB of zeros, about 200 KB compressed
		w.Write(zero)
	}
	zw.Close()
	start := time.Now()
	v = checkRaw(t, attachmentMessage("report.pdf", "application/pdf", bomb.Bytes()))
	if !v.Refused() || categories(v) != "attachment" || time.Since(start) > 5*time.Second {
		t.Errorf("zip bomb named .pdf: %v %+v in %v", v.Action, v.Violations, time.Since(start))
	}
	// Padding must not hide a link: a text too long to check is held.
	line := plain("en", strings.Repeat("a", 10<<20)+" www.myshop.example")
	if v := checkRaw(t, line); v.Action != Quarantine || v.Violations[0].Rule != "format.too-long" {
		t.Errorf("a 10 MB line: %v %+v", v.Action, v.Violations)
	}
}

func TestNoFalsePositivesOnCommonWords(t *testing.T) {
	for _, body := range []string{
		"Our online hotline is staffed until the deadline on Friday.",
		"The guideline says the lid must be closed.",
		"オンラインショップでのご注文ありがとうございます。",
		"オンラインでご確認ください。ID: 249-1234567-1234567 です。",
	} {
		if v := checkRaw(t, plain("ja", body)); v.Refused() {
			t.Errorf("%q refused: %+v", body, v.Violations)
		}
	}
}

func TestStripRemovesRemoteImagesOnly(t *testing.T) {
	raw := htmlMessage("de", `<p>Foto vom Ersatzteil:</p><img src="cid:photo1" width="300"><img src="https://t.example/p.gif" width="1" height="1"><div style="background:url(https://t.example/b.png)">Grüße</div>`)
	out, err := StripRemote([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if strings.Contains(s, "t.example") {
		t.Errorf("remote references left:\n%s", s)
	}
	m, err := Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var html TextPart
	for _, tp := range m.Texts {
		if tp.HTML {
			html = tp
		}
	}
	if len(html.Images) != 1 || html.Images[0].Src != "cid:photo1" {
		t.Errorf("images after strip: %+v", html.Images)
	}
	if v := defaultEngine.Check(m, Envelope{Rcpt: []string{buyerFor("de")}}); v.Refused() || categories(v) != "" {
		t.Errorf("stripped message still has findings: %+v", v.Violations)
	}
}

// testPDF builds a one-page PDF whose page shows text.
func testPDF(text string) []byte {
	return testPDFContent("BT /F1 12 Tf 72 712 Td (" + text + ") Tj ET")
}

// testPDFContent builds a one-page PDF with a content stream.
func testPDFContent(content string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offs []int
	for i, o := range objs {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return b.Bytes()
}

func TestPDFAttachmentText(t *testing.T) {
	raw := attachmentMessage("Rechnung.pdf", "application/pdf", testPDF("Shop GmbH Tel. 030 12345678 www.shop-gmbh.de"))
	v := checkRaw(t, raw)
	if v.Refused() {
		t.Fatalf("invoice with the seller's address refused by default: %+v", v.Violations)
	}
	wheres := map[string]bool{}
	for _, x := range v.Violations {
		if x.Action == Tag {
			wheres[x.Category+" "+x.Where] = true
		}
	}
	if !wheres["contact attachment Rechnung.pdf page 1"] || !wheres["link attachment Rechnung.pdf page 1"] {
		t.Errorf("PDF findings: %+v", v.Violations)
	}
	p, err := ParsePolicy("p.yaml", []byte("actions:\n  attachment_text: reject\n"))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := Parse(strings.NewReader(raw))
	if v := NewEngine(p).Check(m, Envelope{Rcpt: []string{buyerFor("de")}}); !v.Refused() {
		t.Error("attachment_text: reject did not refuse")
	}
	broken := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("garbage 0 obj << /Length 999999 >> stream\n"), 50)...)
	m, _ = Parse(strings.NewReader(attachmentMessage("kaputt.pdf", "application/pdf", broken)))
	defaultEngine.Check(m, Envelope{Rcpt: []string{buyerFor("de")}})
	if len(m.Problems) == 0 || !strings.Contains(strings.Join(m.Problems, " "), "kaputt.pdf") {
		t.Errorf("a corrupt PDF is not reported: %v", m.Problems)
	}
}

// The boolean attribute hidden (no value) hides an image: a remote one is
// a tracker, an inline one a hidden image.
func TestHiddenAttributeHidesAnImage(t *testing.T) {
	for html, rule := range map[string]string{
		`<p>Hi</p><img hidden src="https://t.example/o.gif">`: "pixel.tracker",
		`<p>Hi</p><img hidden src="cid:part1">`:               "format.hidden-image",
	} {
		v := checkRaw(t, htmlMessage("en", html))
		found := false
		for _, x := range v.Violations {
			found = found || x.Rule == rule
		}
		if !found {
			t.Errorf("%s: no %s in %+v", html, rule, v.Violations)
		}
	}
}

// A phrase of the Japanese lists written in ASCII is a word of its own:
// "LINE ID" names the messenger after Japanese text, not inside another word.
func TestASCIIPhraseInJapaneseListIsAWord(t *testing.T) {
	for body, want := range map[string]string{
		"LINE IDはhikari_shopです。": "contact",
		"追跡: https://www.seur.com/livetracking/?segOnlineIdentificador=12345678901234": "",
	} {
		if got := categories(checkRaw(t, plain("ja", body))); got != want {
			t.Errorf("%q: refused %q, want %q", body, got, want)
		}
	}
}

// A phrase wrapped onto the next line by the sender's client is found; two
// short lines a sender broke on purpose are not read as one.
func TestWrappedPhraseIsFound(t *testing.T) {
	for body, want := range map[string]string{
		"If anything else goes wrong, please contact us first before leaving any\r\nfeedback so we can put it right.": "review",
		// format=flowed: the soft break is a trailing space.
		"Please contact us before \r\nleaving a review.":                                                                 "review",
		"En cas de souci, merci de nous écrire ici avant de laisser votre\r\ncommentaire, nous trouverons une solution.": "review",
		"Your refund has been issued\r\nPlease leave a review when you can":                                              "",
	} {
		lang := "en"
		if strings.Contains(body, "merci") {
			lang = "fr"
		}
		if got := categories(checkRaw(t, plain(lang, body))); got != want {
			t.Errorf("%q: refused %q, want %q", body, got, want)
		}
	}
}

// A NUL in a plain-text link (what "=00" after the host gives in a
// quoted-printable part) does not hide the link.
func TestLinkWithControlCharacterIsALink(t *testing.T) {
	if got := categories(checkRaw(t, plain("en", "See https://myshop.example/\x00deal for more"))); got != "link" {
		t.Errorf("refused %q, want link", got)
	}
	if got := categories(checkRaw(t, plain("de", "https://www.dhl.de/verfolgen.html?piececode\x0000340434161094042557"))); got != "" {
		t.Errorf("an allowed carrier link with a NUL: refused %q", got)
	}
}

// What an agent writes under a quote that has no '>' marks (Outlook's
// header block, "----- Original Message -----") after "P.S." is the
// agent's and is checked; the buyer's quoted words above it are not.
func TestPostscriptUnderQuote(t *testing.T) {
	body := "Hallo,\nder Filter passt.\n\n----- Original Message -----\nFrom: \"Buyer\" <a1b2c3d4e5f6g7@marketplace.amazon.de>\n" +
		"Sent: Monday, November 02, 2026 8:12 AM\nSubject: Filter\n\nPasst der Filter? Rufen Sie mich an: 0171 2345678\n\n"
	if v := checkRaw(t, plain("de", body)); v.Refused() {
		t.Fatalf("the buyer's quoted phone number refused the reply: %+v", v.Violations)
	}
	v := checkRaw(t, plain("de", body+"P.S. Abonnieren Sie unseren Newsletter: Antworten Sie mit NEWS, dann nehmen wir Sie in den Verteiler auf.\n"))
	if !hasCategory(v, "promotion") {
		t.Fatalf("a postscript under the quote went unchecked: %+v", v.Violations)
	}
}
