package filter

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// Whose words a passage is, in three shapes blind set 5 found: a
// signature under a '>' quote whose attribution wrapped over two lines is
// the agent's; a colleague's note the agent forwarded (a header block
// naming someone without an address, not an Amazon buyer) is the
// agent's; the buyer's own header block still exempts the buyer's words.
func TestWhoseWordsUnderHeaders(t *testing.T) {
	cases := []struct {
		name, lang, body, want string
	}{
		{"signature under a wrapped attribution", "en",
			"Hello,\nthe engraving takes two days.\n\nOn Mon, 02 Dec 2024 11:17:00 +0900\n\"Buyer - Amazon Marketplace\" <a1b2c3d4e5@marketplace.amazon.com> wrote:\n> Which fonts do you have?\n\n-- \nShop\nRepeat customers: 10% off your next order with code WASHI10\n",
			"promotion"},
		{"a colleague's forwarded note", "es",
			"Hola Gerardo:\nya está autorizado el envío de la pieza.\n\n________________________________\nDe: Lic. Jorge Ramírez\nEnviado: lunes, 14 de octubre de 2024 17:52\nPara: Atención a clientes\nAsunto: RE: Pata rota\n\nSi el cliente quiere hablar conmigo, móvil 612 34 56 78\n",
			"contact"},
		{"the buyer's own header block", "es",
			"Hola Gerardo:\nya está autorizado el envío de la pieza.\n\n________________________________\nDe: Gerardo Vega - Amazon Marketplace\nEnviado: lunes, 14 de octubre de 2024 9:33\nPara: Muebles Hidalgo\nAsunto: Pata rota\n\nMi móvil es 612 34 56 78, llámenme.\n",
			""},
	}
	for _, c := range cases {
		if got := categories(checkRaw(t, plain(c.lang, c.body))); got != c.want {
			t.Errorf("%s: refused for %q, want %q", c.name, got, c.want)
		}
	}
}

// A PDF whose lines are placed by position loses their breaks: a
// sentence's end and the next line's start are no domain ("nulla.Il" is
// not nulla.il), while a domain stays one.
func TestPDFLostLineBreaks(t *testing.T) {
	got := lostLineBreaks("non serve pagare nulla.Il rimborso arriva. Visit www.Shop.de or shop.de.")
	if !strings.Contains(got, "nulla.\nIl rimborso") {
		t.Errorf("the sentences stay joined: %q", got)
	}
	if !strings.Contains(got, "www.Shop.de") || !strings.Contains(got, "shop.de.") {
		t.Errorf("a domain was split: %q", got)
	}
}

// Helpdesk threads (Zendesk, eDesk, Help Scout) quote the buyer's comment
// under a rule, headed by the buyer's name as Amazon shows it: the
// buyer's words there are the buyer's; a signature naming Amazon
// Marketplace heads nothing.
func TestHelpdeskThreads(t *testing.T) {
	cases := []struct {
		name, lang, body, want string
	}{
		{"Zendesk comment", "de",
			"Guten Tag Frau Hahn,\nder Ersatz ist unterwegs.\n\n----------------------------------------------\n\nPetra Hahn - Amazon Marketplace\n\n20. Januar 2025, 18:15 MEZ\n\nRufen Sie mich an unter 0157 38849216.\n\n--------------------------------\n[4K7QXY-9R2P]\n",
			""},
		{"a buyer without a name", "fr",
			"Bonjour,\nle retour est ouvert.\n\n----------------------------------------------\n\nClient Amazon\n\n3 mars 2025, 21:40 UTC+01:00\n\nMon numéro si besoin 07 58 12 33 09.\n",
			""},
		{"the agent after the thread", "de",
			"Guten Tag,\nder Ersatz ist unterwegs.\n\n----------------------------------------------\n\nPetra Hahn - Amazon Marketplace, 20.01.2025\n\nWo bleibt mein Paket?\n\n----------------------------------------------\nRufen Sie uns an: 0611 4470 28\n",
			"contact"},
		{"a signature is no author", "en",
			"Hi,\nyour parcel left today.\n\nFieldstone Home - Amazon Marketplace Seller\nCall us: 0121 496 0000\n",
			"contact"},
		{"a line above an attribution is not its start", "en",
			"Thanks!\nRate us: https://survey.example.com/r/1\nOn Mar 19, 2025 at 9:16pm, Aaron - Amazon Marketplace <a1b2c3d4e5@marketplace.amazon.com> wrote:\n> Where are my screws?\n",
			"link"},
	}
	for _, c := range cases {
		if got := categories(checkRaw(t, plain(c.lang, c.body))); got != c.want {
			t.Errorf("%s: refused for %q, want %q", c.name, got, c.want)
		}
	}
}

// Phone numbers as Japanese phones and hands write them, an address line
// set off by dots, and an address spelled with at and dot words.
func TestNumbersAndAddressesInSet6(t *testing.T) {
	cases := []langCase{
		{"ja", "お手数ですがこちらまでお電話下さい。\n０８０ー２２７１ー５６３９（中島）", "contact"},
		{"ja", "〇九〇の四四一二の八八〇三までお電話いただけますか。", "contact"},
		{"de", "Werkstattprofi Schmid GmbH · Industriestraße 21 · 73037 Göppingen", ""},
		{"fr", "Appelez l'atelier au 0 6 · 1 2 · 3 4 · 5 6 · 7 8", "contact"},
		{"en", "Could you pop a photo over to hello at tidyhome dot co dot uk?", "contact"},
		{"en", "The manual is available at amazon dot co dot uk under the product page.", ""},
	}
	expectCategories(t, cases)
}

// Set 7's false refusals, by kind: a ticket's earlier comments (Zendesk
// draws them under rules, or author over date without one) are history;
// "SN 23-0917-44812" is a serial; a warranty line named in brackets after
// its number is a service's; a reply's subject is the buyer's question;
// a domain in Japanese text ends where the Japanese starts.
func TestSet7Kinds(t *testing.T) {
	cases := []struct {
		name, lang, subject, body, want string
	}{
		{"ticket history", "fr", "Re: Puzzle incomplet",
			"##- Veuillez saisir votre réponse au-dessus de cette ligne -##\nVotre demande (3307) a été mise à jour.\n\nNicolas (Jouets Lambert)\n28 janvier 2025, 09:12 UTC+1\n\nBonjour, nous envoyons un puzzle neuf.\n\nFamille Dewit\n27 janvier 2025, 20:30 UTC+1\n\nVous pouvez m'appeler au 0478 12 34 56.\n", ""},
		{"two dated lines in a reply are no thread", "fr", "Re: Puzzle",
			"Bonjour,\nvoici le suivi.\nLivraison prévue\n\nCommande\n27 janvier 2025, 20:30\n\nAtelier\n28 janvier 2025, 09:12\n\nAppelez-nous au 06 12 34 56 78.\n", "contact"},
		{"serial", "de", "Re: Gerät", "Die Seriennummer steht unter der Frontabdeckung: SN 23-0917-44812, Modell DLE 21.", ""},
		{"warranty line after the number", "es", "Re: Compresor", "El servicio de Embraco México atiende en el 81 8122 4400 (línea de garantía del fabricante).", ""},
		{"the buyer's subject", "fr", "Re: Remboursement - faut-il supprimer mon avis ?", "Bonjour, non, le remboursement est sans condition.", ""},
		{"the seller's own subject", "fr", "Votre avis contre un bon d'achat de 10 €", "Bonjour.", "review"},
		{"a domain in Japanese", "ja", "Re: 価格", "当店ではAmazon.co.jpでの販売価格からの値引きは行っておりません。", ""},
	}
	for _, c := range cases {
		raw := strings.Replace(plain(c.lang, c.body), "Subject: Re: Bestellung 302-1234567-7654321", "Subject: "+c.subject, 1)
		if got := categories(checkRaw(t, raw)); got != c.want {
			t.Errorf("%s: refused for %q, want %q", c.name, got, c.want)
		}
	}
}

// Reviews asked for without the word, and rules that span sentences
// written one per line.
func TestReviewsWithoutTheWord(t *testing.T) {
	cases := []langCase{
		{"en", "If you end up putting a few sentences up on the product page, I'll send back what you paid for shipping.", "review"},
		{"de", "Wer auf Amazon ein paar Sätze dazu schreibt, wie ihm der Tee geschmeckt hat, dem legen wir ein Probiertütchen dazu.", "review"},
		{"fr", "Un petit geste vous attendra sur votre prochaine commande dès que vos impressions seront en ligne sur la fiche Amazon.", "promotion,review"},
		{"ja", "お飲みになった感想を商品ページにひとこと書いていただけませんか。\n書いてくださった方には、次の便に「おまけ」を入れております。", "review"},
		// The same words apart pass: a blank line ends a rule's reach.
		{"ja", "お飲みになった感想を商品ページにひとこと書いていただけませんか。\n\nなお、次の便にはおまけのサンプルが入っております。", ""},
		{"en", "A few words on the product page explain the sizes.", ""},
	}
	expectCategories(t, cases)
}

// Set 8's false refusals, by kind: a logistics firm's service number, a
// manufacturer's technical service, and "the coming days" beside a code
// that is no coupon.
func TestSet8Kinds(t *testing.T) {
	cases := []langCase{
		{"en", "If the slot does not suit you, call Blue Dart customer service on 1860 233 1234 and quote the AWB.", ""},
		{"fr", "Vous pouvez joindre le service client de Geodis au 09 69 32 05 81 (appel non surtaxé).", ""},
		{"it", "Per la garanzia contatti l'Assistenza Tecnica Vesuvia, numero verde 800 913 472.", ""},
		{"it", "La fattura è stata trasmessa con il codice destinatario M5UXCR1, la troverà nei prossimi giorni.", ""},
		{"it", "Con il codice SCONTO10 risparmia il 10% sul prossimo ordine.", "promotion"},
	}
	expectCategories(t, cases)
}

// A footer that names the seller under a quote without '>' marks is the
// seller's, not the buyer's.
func TestSellerFooterUnderAQuote(t *testing.T) {
	body := "Hi Heather,\nyour yarn ships today with USPS.\n\n________________________________\nFrom: Heather <a1b2c3d4e5@marketplace.amazon.com>\nSent: Thursday, March 6, 2025 8:14 AM\nTo: Shop <support@shop.test>\nSubject: Yarn\n\nIt still says not shipped.\n\nShop Test | Hand-dyed in Bemidji\nFollow us on Instagram @shoptest for weekly giveaways!\n"
	if got := categories(checkRaw(t, plain("en", body))); got == "" {
		t.Errorf("the seller's footer under the quote passed")
	}
	buyer := strings.Replace(body, "\nShop Test | Hand-dyed in Bemidji\nFollow us on Instagram @shoptest for weekly giveaways!\n", "\nCall me: 0121 496 0000\n", 1)
	if got := categories(checkRaw(t, plain("en", buyer))); got != "" {
		t.Errorf("the buyer's own last lines were refused: %q", got)
	}
}

// Set 9's false refusals, by kind.
func TestSet9Kinds(t *testing.T) {
	cases := []struct {
		lang, subject, body, want string
	}{
		{"es", "Su pedido 402-1234567-1234567", "Si tiene un momento, nos sería útil que compartiera en Amazon su opinión sincera, tanto si ha quedado satisfecho como si no.", ""},
		{"it", "Re: Materasso", "Quanto alla recensione, è naturalmente una sua scelta e non le chiediamo di modificarla.", ""},
		{"ja", "Re: 再配達", "再配達は、佐川急便のホームページから日時を指定してお申し込みいただけます。難しい場合は、佐川急便の担当の営業所へ直接お電話ください。", ""},
		{"ja", "Re: クーポンについて", "Amazonの商品ページの価格の下に「クーポン」と表示されている場合は、そちらをご利用いただけます。", ""},
		{"fr", "Re: Radiateur", "Le service garantie Kelvinox se charge du diagnostic et de l'échange : 04 65 71 38 60 (service garantie du fabricant).", ""},
		{"it", "Re: Tutina", "Il rimborso arriva appena il pacco viene scansionato, e la 104 la può ordinare dalla stessa pagina del prodotto.", ""},
		// Still refused: a call to the seller, a coupon of the seller's.
		{"ja", "ご注文について", "お急ぎの場合は当店まで直接お電話ください。", "contact"},
		{"ja", "ご注文について", "次回使える限定クーポンをお送りします。", "promotion"},
	}
	for _, c := range cases {
		raw := strings.Replace(plain(c.lang, c.body), "Subject: Re: Bestellung 302-1234567-7654321", "Subject: "+c.subject, 1)
		if got := categories(checkRaw(t, raw)); got != c.want {
			t.Errorf("%s %q: refused for %q, want %q", c.lang, c.body, got, c.want)
		}
	}
}

// Roundabout ways set 9 found: off the platform to save its fees, an
// opinion to rewrite on the product page, "come to us before you make
// your experiences public".
func TestRoundaboutWays(t *testing.T) {
	cases := []langCase{
		{"es", "Si quiere, se los mandamos directamente sin pasar por la plataforma, y sale algo mejor de precio.", "promotion"},
		{"de", "Bitte kommen Sie erst zu uns, bevor Sie Ihre Erfahrungen öffentlich machen.", "review"},
		{"ja", "商品ページに追加されたご意見を、解決した今の状況に合わせて書き直していただけませんか。", "review"},
		{"fr", "Suivi en direct : https://www.laposte.fr/outils/suivre-vos-envois?code=6A23418850372", ""},
	}
	expectCategories(t, cases)
}

// What set 14 found: an abbreviation or a German day ("vom 3. April",
// "ggf.") does not end the sentence that asks to update a review; a quote
// headed by a name without an address is the buyer's when the reply greets
// that name; hopes, shared experiences and invitations to the range.
func TestSet14Kinds(t *testing.T) {
	cases := []langCase{
		{"de", "Hallo Herr Busch,\nwir wären Ihnen dankbar, wenn Sie Ihre Bewertung vom 3. April noch einmal überdenken und ggf. aktualisieren könnten.\n", "review"},
		{"en", "Hi Jess,\nthe parcel was already lodged.\n\nFrom: Jess Tran\nSent: Tuesday, 22 April 2025 21:57\nTo: Southerly Surf Co <crew@southerlysurf.com.au>\nSubject: Change delivery address\n\nMy mobile is 0412 555 908 if the driver needs it.\n", ""},
		{"en", "Hi Sam,\nthe parcel was already lodged.\n\nFrom: Jess Tran\nSent: Tuesday, 22 April 2025 21:57\nTo: Southerly Surf Co <crew@southerlysurf.com.au>\nSubject: Change delivery address\n\nMy mobile is 0412 555 908 if the driver needs it.\n", "contact"},
		{"en", "Now that it's all sorted, we hope the rating you gave us earlier reflects how things ended up.", "review"},
		{"en", "As a little thank you we send a $10 gift card to everyone who shares their experience on the product page.", "review"},
		{"fr", "Et pour les fêtes, découvrez notre nouvelle collection « Givre » : théières, bols et plats.", "promotion"},
		{"it", "Se le interessa, abbiamo anche il coperchio coordinato e il set di tre padelle: insieme conviene molto rispetto all'acquisto singolo.", "promotion"},
		// Still allowed: a neutral request that names the buyer's opinion.
		{"fr", "Si vous le souhaitez, vous pouvez partager votre expérience sur Amazon, qu'elle soit positive ou négative.", ""},
	}
	expectCategories(t, cases)
}

// What set 15 found. An invoice whose lines are placed by position (Tm) is
// read line by line: its issuer block stays allowed and its table ("Set",
// "19 % USt.") is no offer. "Por Telegram" after a comma is invited, not
// negated. A code typed in Amazon's search box finds a spare part; a
// name typed there finds the seller's product.
func TestSet15Kinds(t *testing.T) {
	lines := []string{"Druckerpatronen-Depot Fischer e.K.", "Industriestra\\337e 14, 59065 Hamm",
		"Tel. 02381 972 44 0 \\267 buchhaltung@patronen-depot-fischer.de", "USt-IdNr. DE281774903 \\267 Amtsgericht Hamm HRA 7712",
		"Rechnung RE-2025-04417", "1     Tintenpatronen-Set XL, 4-farbig    2      24,37 EUR", "zzgl. 19 % USt.      10,85 EUR"}
	var content strings.Builder
	content.WriteString("BT\n")
	for i, l := range lines {
		fmt.Fprintf(&content, "/F1 10 Tf 1 0 0 1 56 %d Tm (%s) Tj\n", 800-14*i, l)
	}
	content.WriteString("ET")
	pages, err := pdfPages(testPDFContent(content.String()))
	if err != nil || len(pages) != 1 || !strings.Contains(pages[0], "59065 Hamm\n") {
		t.Fatalf("the lines placed by Tm run together: %q, %v", pages, err)
	}
	v := checkRaw(t, attachmentMessage("Rechnung_RE-2025-04417.pdf", "application/pdf", testPDFContent(content.String())))
	if v.Refused() {
		t.Errorf("an invoice placed line by line refused: %+v", v.Violations)
	}
	cases := []langCase{
		{"es", "Si sigue sin vincularse, escríbame por Telegram a @termohogar_soporte y le voy guiando.", "contact"},
		{"de", "Wir nutzen kein WhatsApp, Telegram oder Signal: bitte schreiben Sie uns hier.", ""},
		{"fr", "Elle est proposée sur Amazon : il suffit de taper SF-22-L dans la barre de recherche Amazon pour la trouver.", ""},
		{"de", "Unser Pflegeset passt genau auf die BK-870 – geben Sie bei Amazon einfach „Brühwerk Pflegeset“ in die Suche ein.", "promotion"},
		{"es", "El teléfono de la agencia de transporte (TDN Logística, delegación Madrid Sur) es el 916 82 44 10.", ""},
		{"de", "Wenn Sie möchten, stellen wir Ihnen ein 12er-Jahrespaket zum Sonderpreis zusammen, das sind 30 % weniger als einzeln.", "promotion"},
		{"it", "Abbiamo anche la panca in bundle con questi manubri a 129 euro invece di 158: se mi scrivi te lo preparo io e lo paghi con bonifico.", "promotion"},
		{"en", "I'd always rather hear it from you here in messages than see it end up on the product page.", "review"},
		{"fr", "Avant de noter un produit, parlez-nous-en d'abord : nous trouvons toujours une solution.", "review"},
	}
	expectCategories(t, cases)
}

// A phrase every language lists ("telegram") is reported in the
// message's language, not in the first language of the policy file: the
// agent reads the rule's name in the refusal.
func TestPhraseReportedInTheMessagesLanguage(t *testing.T) {
	v := checkRaw(t, plain("es", "Escríbanos por Telegram y le ayudamos enseguida."))
	for _, x := range v.Violations {
		if x.Category == "contact" && x.Rule != "contact.phrase.es" {
			t.Errorf("rule %s, want contact.phrase.es", x.Rule)
		}
	}
	if categories(v) != "contact" {
		t.Errorf("refused for %q, want contact", categories(v))
	}
}

// What set 16 found: a thank-you gift in the sentence after a review
// request, a refund once the feedback is gone, a comment that "no longer
// corresponds", a seasonal bundle; and, allowed, "our VAT number" and a
// car's first registration after its model code.
func TestSet16Kinds(t *testing.T) {
	cases := []langCase{
		{"de", "Wir würden uns freuen, wenn Sie sich kurz Zeit für eine Rezension auf Amazon nehmen. Als Dankeschön legen wir Ihrer nächsten Bestellung eine Tube gratis bei.", "review"},
		{"en", "We're happy to refund the £4.95 postage as soon as the feedback has been removed.", "review"},
		{"fr", "Peut-être que le commentaire publié au moment de la panne ne correspond plus tout à fait à ce que vous avez vécu ?", "review"},
		{"de", "Übrigens: Bis Ende April bekommen Sie bei uns das Frühjahrspaket aus Rasensamen und Dünger 20 % günstiger.", "promotion"},
		{"es", "Por cierto, tenemos una comunidad con descuentos exclusivos para clientes.", "promotion"},
		{"fr", "Elle mentionne la TVA à 20 % et notre numéro de TVA intracommunautaire.", ""},
		{"en", "Our facility also handles macadamia oil for other products, so please check with your doctor.", ""},
		{"it", "Compatibile con Fiat 500L Living (351) 10/2013 -> (solo anteriori).", ""},
		{"en", "Thanks for your review. Your refund of the postage has been issued today.", ""},
	}
	expectCategories(t, cases)
}

// What set 17 found: the buyer's own words in a quote attributed to the
// buyer's relay address stay the buyer's even where they name the
// seller's site; a term in two concepts of a rule ("rebajas": a sale, not a
// season) and weak words ("Trio Stella", "codice SX-300") fire nothing; a
// bundle cheaper than buying singly, a special something for regulars
// around Mother's Day and a Shopify store refuse.
func TestSet17Kinds(t *testing.T) {
	cases := []langCase{
		{"fr", "Bonjour Émilie,\nle retour se fait depuis votre compte Amazon.\n\n> Le 18 févr. 2025 à 11:52, Émilie Dubreuil - Amazon Marketplace <5ky1od6tifr3fm@marketplace.amazon.fr> a écrit :\n> J'ai vu sur votre site https://www.shop.de/creoles-fines qu'il existe une taille plus petite.\n", ""},
		{"es", "La trona está retenida en la plataforma de Coslada por una incidencia de volumen después de las rebajas.", ""},
		{"it", "Il telaio del Trio Stella (codice SX-300) ha attacchi a scatto pensati per la navicella e l'ovetto della stessa linea.", ""},
		{"de", "Im Set sparen Sie 49 € gegenüber dem Einzelkauf, und bis Ende des Monats legen wir noch einen Korb gratis dazu.", "promotion"},
		{"en", "It might be worth keeping an eye on the Keel brand around Mother's Day though, we tend to do something a bit special for our regulars then.", "promotion"},
		{"fr", "Les boucles assorties sont disponibles sur notre boutique Shopify.", "promotion"},
	}
	expectCategories(t, cases)
}

// What set 18 found: "Ticketsystem" is no Etsy, a BIOS date no phone, a
// safety data sheet's supplier block as required as an invoice's; "tell
// us before you publish anything", a spring 3-for-2, a preview list and a
// catalogue of what is not on Amazon refuse.
func TestSet18Kinds(t *testing.T) {
	cases := []langCase{
		{"de", "Sie ist durch einen Fehler in unserem Ticketsystem in einem falschen Ordner gelandet.", ""},
		{"de", "Die Version steht auf dem Aufkleber auf dem BIOS-Chip (Beispiel: „2613 / 05-2024“).", ""},
		{"es", "Si hay algo del teclado que no te convence, cuéntanoslo antes de publicar nada en Amazon.", "review"},
		{"it", "Fino al 30 aprile sui nostri detergenti professionali c'è la promo primavera 3x2.", "promotion"},
		{"it", "Mandiamo un'anteprima a chi ce lo chiede: se le fa piacere essere nella lista, risponda sì a questo messaggio.", "promotion"},
		{"es", "Te adjunto nuestro catálogo completo, con todas las referencias aunque no estén en Amazon, y sus precios.", "promotion"},
	}
	expectCategories(t, cases)
	sds := testPDFContent("BT /F1 10 Tf 1 0 0 1 56 800 Tm (Safety data sheet - Drain unblocker) Tj\n" +
		"1 0 0 1 56 786 Tm (1.3 Supplier: Fenwick Eco Ltd, Kendal) Tj\n1 0 0 1 56 772 Tm (Telephone: 01539 555720    E-mail: sds@fenwickeco.co.uk) Tj\n" +
		"1 0 0 1 56 758 Tm (1.4 Emergency telephone number: 01539 555721) Tj ET")
	if v := checkRaw(t, attachmentMessage("SDS_drain_unblocker.pdf", "application/pdf", sds)); v.Refused() {
		t.Errorf("a safety data sheet's supplier block refused: %+v", v.Violations)
	}
}

// langCase is a message's text in a language and the categories it must
// be refused for ("" when it must pass).
type langCase struct{ lang, body, want string }

// expectCategories checks each case as a plain-text reply to a buyer of
// its language's marketplace.
func expectCategories(t *testing.T, cases []langCase) {
	t.Helper()
	for _, c := range cases {
		if got := categories(checkRaw(t, plain(c.lang, c.body))); got != c.want {
			t.Errorf("%s %q: refused for %q, want %q", c.lang, c.body, got, c.want)
		}
	}
}

// What set 19 found: a phone number spelled in words over a format=flowed
// line break, a review that "can be edited", drip bags for the customers
// who posted a review, a successor model, "search for our shop name".
func TestSet19Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"fr", "Vous pouvez me joindre directement à l'atelier : zéro-quatre, soixante-seize, \ntrente et un, quatre-vingt-huit, zéro-deux, du mardi au samedi.", "contact"},
		{"de", "Ihre Rezension lässt sich bei Amazon übrigens jederzeit unter „Ihre Rezensionen“ bearbeiten.", "review"},
		{"ja", "商品レビューを投稿してくださったお客様には、当店オリジナルのドリップバッグ5袋をお送りしております。", "review"},
		{"ja", "Matter に対応した後継モデルの SL-P3 を来月から取り扱う予定です。", "promotion"},
		{"ja", "同じ茶園の葉を使っておりますので、よろしければ店名で探してみてください。", "promotion"},
		{"fr", "Le cadran mesure 38 mm, \net le bracelet 20 mm entre les cornes.", ""},
	})
}

// What set 20 found: "work out whether the set suits", a Phillips
// ("estrella") screwdriver and "buona o meno" are no offer, review or
// voucher; a number after "my mobile," is a phone whatever its plan, and
// "hearing it here before it goes into a review", a model that "drops
// next month" and a code sent once the review is published refuse.
func TestSet20Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "Reviews help other home cooks work out whether the set suits their kitchen.", ""},
		{"es", "Hay que quitar el tornillo de la tapa (destornillador de estrella pequeño), retirar la lengüeta y volver a cerrar.", ""},
		{"it", "Se ha qualche minuto, ci farebbe piacere che lasciasse una recensione su Amazon raccontando com'è andata, che l'esperienza sia stata buona o meno.", ""},
		{"en", "Easiest thing is to send a pic of your fuse box to my mobile, 07700 900461, and I'll tell you which slot to use.", "contact"},
		{"en", "If an order from us ever lets you down, we'd really appreciate hearing it here from you first, before it goes into a review.", "review"},
		{"en", "Heads up: our 65W version with a built-in coiled cable drops next month.", "promotion"},
		{"it", "Appena la recensione è pubblicata, le mandiamo il codice per il prossimo ordine.", "review,promotion"},
	})
}

// Some of set 21's kinds (the rest stay known failures): "before you tell
// the whole world", "if all is well … you know how to help us on Amazon",
// "antes de contarlo en las opiniones de Amazon", an opinion invited "si
// queda como esperaba".
func TestSet21Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Geben Sie uns bitte erst hier die Chance, das geradezubiegen, bevor Sie es der ganzen Welt erzählen.", "review"},
		{"de", "Und wenn dann alles passt, wissen Sie ja, womit Sie einem kleinen Familienbetrieb wie uns auf Amazon am meisten helfen können.", "review"},
		{"es", "Antes de contarlo en las opiniones de Amazon, denos la oportunidad de arreglarlo por aquí.", "review"},
		{"es", "Y si cuando la termine queda como esperaba, nos haría muy felices leer su opinión en Amazon.", "review"},
		{"de", "Wenn alles passt, ist die Lieferung am Mittwoch bei Ihnen.", ""},
		{"fr", "Envoyez la vidéo directement sur ma boîte perso : laure point mistral, arobase, gmail, point com.", "contact"},
		{"es", "Mándeme por whats una foto del cabezal visto desde arriba y le confirmo la guía.", "contact"},
		{"en", "We are at, well, the end of the season, so the sale price is gone.", ""},
	})
}

// The rest of set 21, by kind: a footer under the quote naming the
// seller's hyphenated domain, a shop on a hosted platform under the
// seller's name, a phone number cut by a format=flowed break, model
// numbers without the leading 0 every national number has there, a
// product launch to reserve, a bundle "15 euro in meno", "DM" on Insta.
func TestSet21LeftoverKinds(t *testing.T) {
	from := func(raw, addr string) Verdict {
		m, err := Parse(strings.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		to, _ := m.Header.AddressList("To")
		return defaultEngine.Check(m, Envelope{MailFrom: addr, Rcpt: []string{to[0].Address}})
	}
	footer := strings.Replace(plain("fr", "Bonjour Lucie,\nelle mesure 22 cm.\n\n________________________________\nDe : Lucie <a1b2c3d4e5@marketplace.amazon.fr>\nEnvoyé : mardi 28 janvier 2025 10:15\nÀ : Mercerie <boutique@boutondor-mercerie.fr>\nObjet : Longueur\n\nElle fait combien ?\n\n--\nAbonnez-vous à la lettre de la Mercerie : boutondor-mercerie.fr/newsletter"), "support@shop.test", "boutique@boutondor-mercerie.fr", 1)
	if got := categories(from(footer, "boutique@boutondor-mercerie.fr")); !strings.Contains(got, "promotion") {
		t.Errorf("a footer naming boutondor-mercerie.fr under the quote: %q, want promotion", got)
	}
	// The buyer's own quoted header naming the seller's domain stays the buyer's.
	quoted := plain("fr", "Bonjour,\nc'est parti hier.\n\n> De : Kévin <a1b2c3d4e5@marketplace.amazon.fr>\n> A : commandes@boutondor-mercerie.fr\n>\n> Ça arrive quand ?")
	if got := categories(from(quoted, "commandes@boutondor-mercerie.fr")); got != "" {
		t.Errorf("the buyer's quote naming the seller's domain: %q, want a pass", got)
	}
	base := plain("ja", "交換品をお送りします。\n\n近藤\n\nP.S. よかったら覗いてみてください → https://saikoro-games.thebase.in/items/88120452")
	if got := categories(from(base, "shop@saikoro-games.jp")); got != "link,promotion" {
		t.Errorf("a shop on thebase.in under the seller's name: %q, want link,promotion", got)
	}
	flowed := strings.Replace(plain("it", "Se dopo dieci giorni ancora niente, chiamami pure in negozio, 0 4 5 - 8 7 . \n1 2 . 6 6 0, e chiedi di Enrico."), "charset=utf-8", "charset=utf-8; format=flowed", 1)
	if got := categories(checkRaw(t, flowed)); got != "contact" {
		t.Errorf("a phone cut by a flowed break: %q, want contact", got)
	}
	expectCategories(t, []langCase{
		{"de", "Passend für Singer: Tradition 2250/2259/2282, Heavy Duty 4411/4423.", ""},
		{"de", "Rufen Sie uns an: 0221/4711 0815.", "contact"},
		{"fr", "Au passage : l'extension « Les Marées » sort le 20 novembre, je peux vous en réserver un exemplaire.", "promotion"},
		{"it", "Se le prende insieme a un secondo paio di scarpe, il set le viene 15 euro in meno rispetto ai due articoli separati.", "promotion"},
		{"ja", "今月から春色コットン「ソライロ」シリーズ全12色の取り扱いを始めました。", "promotion"},
		{"ja", "よろしければ当店のほかの毛糸もチェックしてみてくださいね。", "promotion"},
		{"es", "Lo avisamos primero en Insta y por DM le apartamos la carta.", "contact"},
	})
}

// What set 22 found: a freight carrier's PRO number, the manufacturer's
// "consumer support line", a brand's authorised service centre, Amazon's
// own coupon explained, a free pack for "popping a review up", "escríbanos
// antes de puntuarla", a season's start with -25 % on all our smokers, a
// technician who "vous rappelle demain" (and "Rückruf", a recall, is none).
func TestSet22Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "It is now with FedEx Freight. The PRO number is 5823091744 and you can follow it on fedex.com.", ""},
		{"en", "Auralis UK handle warranty repairs directly. Their consumer support line is 0333 015 6710 (Mon-Fri, 9am-5pm).", ""},
		{"es", "El centro de servicio autorizado de la marca en México atiende en el 800 269 3377, de lunes a viernes.", ""},
		{"es", "Sobre el cupón: era un cupón de Amazon de $150 que aparecía en la página del producto y venció el 28 de febrero.", ""},
		{"es", "Con el cupón VERANO10 tiene un 10 % en su próxima compra.", "promotion"},
		{"en", "Also if you could pop a review up for the sheets we'll throw a free pack of 50 cotton wicks in with your next order.", "review"},
		{"es", "Cualquier cosa que no le convenza, escríbanos antes de puntuarla en Amazon y así no hace falta poner una mala nota.", "review"},
		{"fr", "PS : c'est le début de saison, jusqu'au 31 mars tous nos enfumoirs et lève-cadres sont à -25 %.", "promotion"},
		{"fr", "Répondez-moi avec votre numéro de portable et notre technicien vous rappelle demain entre 10h et 12h.", "contact"},
		{"de", "Der Rückruf, von dem Sie gelesen haben, betrifft eine andere Charge.", ""},
	})
	// The services' numbers, to buyers of the marketplaces they serve.
	for _, c := range []struct{ tld, body string }{
		{"co.uk", "Auralis UK handle warranty repairs directly. Their consumer support line is 0333 015 6710 (Mon-Fri, 9am-5pm)."},
		{"com.mx", "Garantía: el centro de servicio autorizado de la marca en México atiende en el 800 269 3377, de lunes a viernes."},
	} {
		raw := strings.Replace(plain("en", c.body), buyerFor("en"), "a1b2c3d4e5@marketplace.amazon."+c.tld, 1)
		if got := categories(checkRaw(t, raw)); got != "" {
			t.Errorf("amazon.%s %q: refused for %q", c.tld, c.body, got)
		}
	}
}

// A template's banner under an unmarked quote speaks as the shop with an
// offer ("tous nos coffrets -30 %") or names it with its accents ("Maison
// Lisière" for maison-lisiere.fr): the seller's. A buyer's last words with
// a price or "our" alone stay the buyer's.
func TestShopBannerUnderAQuote(t *testing.T) {
	quote := "Bonjour,\nelles ne fondront pas.\n\n________________________________\nDe : Pauline <a1b2c3d4e5@marketplace.amazon.fr>\nEnvoyé : mardi 18 novembre 2025 18:02\nÀ : Shop <support@shop.test>\nObjet : Pralines\n\nLes pralines ne vont pas fondre ?\n\n"
	for _, c := range []struct{ tail, want string }{
		{"BLACK FRIDAY – jusqu'à -30 % sur tous nos coffrets du 28 novembre au 1er décembre !", "promotion"},
		{"J'ai vu une remise de 30 % sur votre page, elle vaut encore ?", ""},
		{"Nos enfants les adorent, merci.", ""},
	} {
		if got := categories(checkRaw(t, plain("fr", quote+c.tail))); got != c.want {
			t.Errorf("%q under the quote: refused for %q, want %q", c.tail, got, c.want)
		}
	}
	raw := strings.Replace(plain("fr", "Bonjour,\noui, 230 °C.\n\n________________________________\nDe : Aurélie <a1b2c3d4e5@marketplace.amazon.fr>\nEnvoyé : dimanche 16 mars 2025 11:20\nÀ : Maison Lisière <service.clients@maison-lisiere.fr>\nObjet : Moule\n\nQuelle température ?\n\n____________________\nMaison Lisière – l’art de recevoir\nPrintemps : -10 % sur votre prochaine commande avec le code PRINTEMPS10."), "support@shop.test", "service.clients@maison-lisiere.fr", 1)
	m, err := Parse(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	v := defaultEngine.Check(m, Envelope{MailFrom: "service.clients@maison-lisiere.fr", Rcpt: []string{"a1b2c3d4e5@marketplace.amazon.fr"}})
	if got := categories(v); got != "promotion" {
		t.Errorf("a footer naming Maison Lisière under the quote: %q, want promotion", got)
	}
}

// Addresses said with sign words the way older sets found them: a role
// mailbox before a bare "at" over a line break ("returns at⏎oakridgegear
// dot com"), an "at" set off by commas, Japanese signs in brackets
// ("support（あっと）hokusei-outdoor（どっと）jp"). "The manual is at
// oakridgegear.com" names a site, not an address.
func TestAddressSignsInContext(t *testing.T) {
	flowed := strings.Replace(plain("en", "The easiest is to send them to returns at \noakridgegear dot com with your order number."), "charset=utf-8", "charset=utf-8; format=flowed", 1)
	if got := categories(checkRaw(t, flowed)); !strings.Contains(got, "contact") {
		t.Errorf("a role mailbox spelled over a flowed break: %q, want contact", got)
	}
	expectCategories(t, []langCase{
		{"en", "Pop them across to our studio inbox - it's returns, at, ashgrovetextiles, dot co dot uk - with your order number.", "contact"},
		{"ja", "お手数ですが support（あっと）hokusei-outdoor（どっと）jp までメールをいただけますでしょうか。", "contact"},
		{"en", "The manual is at oakridgegear.com.", "link"},
	})
}

// Older sets' roundabout review requests: "before you make your
// experience public anywhere, speak to us first – we find a solution in
// any case" ("in jedem Fall" is no promise independent of a review),
// "dare un'occhiata a quello che ha scritto", "lo que dejó publicado … lo
// pusiera al día", "libre à vous d'y jeter un œil", "bei Gelegenheit an den
// jetzigen Stand anpassen". A neutral request stays allowed.
func TestRoundaboutReviewChanges(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Bevor Sie Ihre Erfahrung irgendwo öffentlich machen, sprechen Sie zuerst mit uns – wir finden in jedem Fall eine Lösung.", "review"},
		{"it", "Se le va potrebbe dare un'occhiata a quello che ha scritto sulla pagina del prodotto?", "review"},
		{"es", "Lo que dejó publicado en Amazon describe un problema que ya no existe. Le agradeceríamos que le echara un vistazo y lo pusiera al día.", "review"},
		{"fr", "Votre évaluation de la semaine dernière ne reflète peut-être plus votre expérience… libre à vous d'y jeter un œil quand vous aurez deux minutes.", "review"},
		{"de", "Ihr Kommentar unter dem Artikel beschreibt noch den Stand vor dem Austausch. Wenn Sie ihn bei Gelegenheit an den jetzigen Stand anpassen könnten, wäre das hilfreich.", "review"},
		{"de", "Wenn Sie ihn ein paar Mal dabeihatten, würden wir uns über eine ehrliche Bewertung auf Amazon freuen – ganz gleich, ob Ihnen etwas gefallen hat oder ob Sie Kritik haben. Andere profitieren von Ihren Erfahrungen.", ""},
	})
}

// Older sets' rewards for words said without the word "review": "si la
// publica en Amazon … le regresamos lo que pagó", "tell other shoppers …
// on its Amazon page … on the house", "racontez aux autres jardiniers …
// on vous rembourse les frais de port", "Ihre Eindrücke mit anderen Eltern
// zu teilen … 10 € als Dankeschön", a code "en cuanto la publiques".
func TestRewardsForWordsElsewhere(t *testing.T) {
	expectCategories(t, []langCase{
		{"es", "Si la publica en Amazon en los próximos días, nos manda el aviso por aquí y le regresamos lo que pagó por la tapa.", "review"},
		{"en", "If you get a minute to tell other shoppers how the pitcher is working out on its Amazon page, give me a shout once it's up and I'll pop a spare 3-pack of cartridges in the mail on the house.", "review"},
		{"fr", "Racontez donc aux autres jardiniers comment ça s'est passé, sur la page des graines. Envoyez-nous une capture d'écran une fois que c'est en ligne et on vous rembourse les frais de port.", "review"},
		{"de", "Falls Sie Lust haben, Ihre Eindrücke mit anderen Eltern zu teilen: Schicken Sie mir danach einen Screenshot, dann überweisen wir Ihnen 10 € als kleines Dankeschön.", "review"},
		{"es", "¿Nos ayudas con tu reseña en Amazon? En cuanto la publiques te mandamos una funda de regalo.", "review"},
		{"en", "The replacement is on its Amazon page now; if it arrives damaged we refund you in full.", ""},
	})
}

// What set 23 found: "*änder" read "anderen Kundinnen" as a change once
// its umlaut was folded; "please find attached" searched for the seller;
// Amazon's relay frame ("1 di Shop Tosaerba … [ASIN: …]") taken for the
// seller's footer; unhappy buyers steered "lieber" to the seller; a phone
// in middle-dotted groups and one spelled in pieces; a shop's YouTube
// channel under the quote; a 5* review for 10 % off; "wer beide zusammen
// bestellt, spart 15 %"; "schauen Sie gerne mal vorbei" on Instagram.
func TestSet23Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Wir würden uns über eine ehrliche Bewertung auf Amazon freuen – ganz gleich, ob sie positiv oder kritisch ausfällt. Ihre Meinung hilft anderen Kundinnen und Kunden bei der Auswahl.", ""},
		{"en", "As requested during checkout, please find attached the tax invoice from Shop for your order.", ""},
		{"de", "Falls Sie zufrieden sind, freuen wir uns, wenn Sie das anderen Kunden in einer Rezension erzählen. Sollte etwas nicht passen, schreiben Sie uns lieber direkt.", "review"},
		{"es", "Si todo queda bien y le gustó el set, nos ayudaría una reseña en Amazon. Si algo no le convenció, mejor platíquenoslo aquí primero.", "review"},
		{"it", "Se è contenta, ci lasci cinque stelline. Se qualcosa non va, ci scriva piuttosto qui.", "review"},
		{"es", "Nuestro técnico le guía por teléfono: 91 · 234 · 56 · 78.", "contact"},
		{"de", "Unsere Werkstatt: Industriestraße 21 · 73037 Göppingen.", ""},
		{"de", "Ich bin ab halb acht in der Werkstatt, die Nummer ist null acht null drei eins, dann zwei drei vier vier neun.", "contact"},
		{"en", "PS - if you're happy with the seat, leave us a 5* review and we'll take 10% off your next order.", "promotion,review"},
		{"de", "Wer beide bis Ende September zusammen bei uns im Shop bestellt, spart 15 %.", "promotion"},
		{"de", "Auf Instagram zeigen wir jede Woche neue Karaffen – schauen Sie gerne mal vorbei!", "contact,promotion"},
	})
	frame := plain("it", "Buongiorno,\nla lama è bloccata.\n\n________________________________\nDa: Fabio <a1b2c3d4e5@marketplace.amazon.it>\nInviato: domenica 11 maggio 2025 18:59\nA: Shop <support@shop.test>\nOggetto: Tosaerba\n\nHai ricevuto un messaggio.\nNumero ordine: 404-6792209-8571209\n1 di Shop Tosaerba elettrico [ASIN: B0BX5N7K2P]\n------------- Inizio messaggio -------------\nNon parte. Se non mi rispondete vi lascio una stella. Mi potete chiamare al 340 9988776.\n------------- Fine messaggio -------------")
	if got := categories(checkRaw(t, frame)); got != "" {
		t.Errorf("Amazon's relay frame naming the shop under the quote: refused for %q", got)
	}
	channel := plain("ja", "組み立て方をご案内します。\n\n----- Original Message -----\nFrom: 野村 <a1b2c3d4e5@marketplace.amazon.co.jp>\nTo: support@shop.test\nDate: Thu, 10 Apr 2025 19:02:00 +0900\nSubject: 組み立て\n\n説明書の図が小さくて見にくいです。\n\n※当店のYouTubeチャンネルもぜひご覧ください。\nhttps://www.youtube.com/@shop-official")
	if got := categories(checkRaw(t, channel)); !strings.Contains(got, "link") {
		t.Errorf("the shop's channel under the quote: %q, want link", got)
	}
}

// Older sets' promotions in everyday words: "Folg uns auf Instagram",
// "une lettre d'information … répondez simplement « OUI »", "un peu moins
// cher qu'en ligne" in the shop, "precios muy especiales" for the Buen
// Fin at "nuestro mostrador", "la parola d'ordine NERO20 … un quinto in
// meno" for Black Friday.
func TestEverydayPromotions(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Folg uns auf Instagram – dort gibt's regelmäßig exklusive Rabattaktionen.", "contact,promotion"},
		{"fr", "Chaque mois nous envoyons une lettre d'information avec nos nouveaux thés. Si cela vous intéresse, répondez simplement « OUI ».", "promotion"},
		{"fr", "Vous pouvez le réserver en appelant directement la boutique. Et ce sera même un peu moins cher qu'en ligne.", "promotion"},
		{"es", "Para el Buen Fin vamos a tener precios muy especiales en toda la línea.", "promotion"},
		{"it", "Le conviene aspettare il Black Friday: con la parola d'ordine NERO20 il resto della linea costa un quinto in meno.", "promotion"},
		{"fr", "Le colis est en ligne sur le site de suivi de Colissimo.", ""},
	})
}

// Word parts that matched inside other words: "*aktion" in "Reaktion",
// "*such" in "versuchen", "*oster" in "Poster", "*probe" in "Probelauf",
// セット in リセット, and Japanese politeness taken for a change asked of
// a review (改めてお詫び, 見直しました, 問題ないです, 差し上げております). A search for the shop and a seasonal campaign
// are still found.
func TestWordPartsInOtherWords(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Versuchen Sie bitte, den Adapter von Shop neu zu stecken.", ""},
		{"de", "Die verzögerte Reaktion des Zubehörs ist in den ersten Tagen normal.", ""},
		{"de", "Für das Poster mit dem Knick gibt es selbstverständlich einen Rabatt.", ""},
		{"de", "Nach dem ersten Probelauf freuen wir uns über eine Bewertung auf Amazon.", ""},
		{"de", "Zu Ostern gibt es 20 % Rabatt auf alle Poster.", "promotion"},
		{"ja", "交換品は送料無料でお送りしますので、届いたらリセットボタンを5秒押してください。", ""},
		{"ja", "2点セットでお買い上げいただくと送料無料になります。", "promotion"},
		// Japanese politeness that read as asking to change a review.
		{"ja", "レビューでご指摘いただいた点について、改めてお詫び申し上げます。", ""},
		{"ja", "レビューでのご指摘を受けて、梱包方法を見直しました。", ""},
		{"ja", "レビューの件、問題ないです。ご連絡ありがとうございます。", ""},
		{"ja", "レビューを拝見し、担当者よりご連絡を差し上げております。", ""},
		{"ja", "レビューでご指摘の不具合を修正したファームウェアを公開しました。", ""},
		{"ja", "評価の見直しをご検討いただけますと大変ありがたく存じます。", "review"},
		{"de", "Suchen Sie auf Amazon einfach nach unserem Shop-Namen Holzwerk.", "promotion"},
		{"de", "Zu Weihnachten läuft bei uns eine Sonderaktion auf das ganze Zubehör.", "promotion"},
	})
}

// Older sets' cross-sells and sign-ups: "acompañarlo con la funda … que
// también hacemos", "notre nouveau chargeur … arrive sur Amazon la semaine
// prochaine", "los suscritos … le damos de alta", "ランチョンマットも作って
// おります".
func TestCrossSellsAndSignups(t *testing.T) {
	expectCategories(t, []langCase{
		{"es", "A mucha gente le funciona acompañarlo con la funda térmica que también hacemos.", "promotion"},
		{"fr", "Notre nouveau chargeur GaN arrive sur Amazon la semaine prochaine, ce serait dommage de passer à côté.", "promotion"},
		{"es", "Una vez al mes mandamos una oferta para los suscritos. Si le apetece, contésteme con un «sí» y le damos de alta.", "promotion"},
		{"ja", "同じ織り柄で、ランチョンマットとテーブルランナーも作っております。", "promotion"},
		{"fr", "Le chargeur de remplacement arrive la semaine prochaine avec Colissimo.", ""},
	})
}

// Older Japanese sets: a discount said as お勉強 for もう一枚, the words of
// a review dictated (「満足」「また買いたい」), and a gift card for every
// review in a 当店 banner under the quote.
func TestJapaneseShopWords(t *testing.T) {
	expectCategories(t, []langCase{
		{"ja", "もう一枚ご入用の際は、お値段を少しお勉強させていただいたうえでご用意いたします。", "promotion"},
		{"ja", "もしよろしければ、商品レビューに「満足」「また買いたい」といった一言を書き添えていただけますと励みになります。", "review"},
	})
	banner := plain("ja", "賞味期限は製造日から1年です。\n\n------ Original Message ------\nFrom: 坂本 <a1b2c3d4e5@marketplace.amazon.co.jp>\nTo: support@shop.test\nSubject: 賞味期限\n\n賞味期限を教えてください。\n\n※ただいま当店では、商品レビューをご投稿いただいたお客様全員に、Amazonギフトカード500円分をお贈りしております。")
	if got := categories(checkRaw(t, banner)); got != "review" {
		t.Errorf("a 当店 banner with a reward for reviews under the quote: %q, want review", got)
	}
	buyer := strings.Replace(banner, "※ただいま当店では、商品レビューをご投稿いただいたお客様全員に、Amazonギフトカード500円分をお贈りしております。", "返金していただけない場合は星1のレビューを書きます。", 1)
	if got := categories(checkRaw(t, buyer)); got != "" {
		t.Errorf("the buyer's own threat under the quote: %q, want a pass", got)
	}
}

// What set 24 found: "*erpack" in "verpackt", "in positivo o in negativo",
// Amazon's own quantity tiers ("auf Amazon Staffelpreise hinterlegt … 41,90
// € statt 49,90 €"), a Japanese phone in a date's shape (0584-71-2290), a
// direct line spelled in pieces after "Durchwahl", "un code de -20 %",
// "enlever le commentaire", Flipkart; and a repair form is no invoice
// because "receipt" stands in a sentence (nor because "manufacturer" holds
// "facture"), while a service's name above its number labels it in a
// document too.
func TestSet24Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Der Akku wird auf ca. 30 % Ladung gebracht und separat verpackt.", ""},
		{"it", "Se ha voglia di raccontare com'è andata, in positivo o in negativo, può lasciare una recensione su Amazon.", ""},
		{"de", "Für die Korkmatte sind auf Amazon Staffelpreise hinterlegt. Ab 10 Stück kostet die Matte 41,90 € statt 49,90 €.", ""},
		{"de", "Bei uns im Shop kostet die Matte 41,90 € statt 49,90 €.", "promotion"},
		{"ja", "お電話はTEL 0584-71-2290までどうぞ。", "contact"},
		{"ja", "2025-05-12に発送しました。", ""},
		{"de", "Rufen Sie mich an – meine Durchwahl ist null neun drei zwei eins, dann vier drei acht acht null.", "contact"},
		{"fr", "Répondez avec une capture d'écran et nous vous envoyons un code de -20 % valable sur toute la gamme.", "promotion"},
		{"fr", "Est-ce que ce serait possible d'enlever le commentaire d'une étoile que vous avez laissé ?", "review"},
		{"en", "The smaller sizes are not on Amazon yet, just search for them on Flipkart.", "promotion"},
		// A number of a phone's length after a verb of calling, in a range
		// the phone library does not know.
		{"fr", "Une question ? Appelez Gérard au 06 39 98 18 44, même le week-end.", "contact"},
		{"fr", "La pompe porte la référence 06 39 98 18 44 sous le socle.", ""},
	})
}

// A document is an invoice by its title, not by a word in a sentence: a
// repair form "from receipt" with the shop's phone refuses; a warranty
// sheet with the manufacturer's service named above its number passes.
func TestDocumentsByTheirTitle(t *testing.T) {
	withTxt := func(name, text string) string {
		return "From: Shop <support@shop.test>\r\nTo: " + buyerFor("en") + "\r\nSubject: Re: repair\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease find the form attached.\r\n" +
			"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; filename=\"" + name + "\"\r\n\r\n" +
			strings.ReplaceAll(text, "\n", "\r\n") + "\r\n--b--\r\n"
	}
	form := "Skyward Hobbies - Repair request form\nSerial number: ____\nRepair turnaround: 7-10 working days from receipt.\nQuestions? Call the repair desk on 212-555-0187 or WhatsApp Nathan on 917-555-0142."
	if got := categories(checkRaw(t, withTxt("Repair_Request_Form.txt", form))); !strings.Contains(got, "attachment") {
		t.Errorf("a repair form with the shop's phone: %q, want attachment", got)
	}
	sheet := "Velora ProBlend warranty information\nWarranty: 3 years, provided by the manufacturer.\n\nVelora Warranty Service (manufacturer)\nPhone: 1-888-555-0142"
	if got := categories(checkRaw(t, withTxt("Velora_warranty_details.txt", sheet))); got != "" {
		t.Errorf("a warranty sheet with the manufacturer's service number: %q, want a pass", got)
	}
}

// Older sets' positive-only requests: five star emoji with their
// variation selectors, "ya sabe como nos puede echar la mano alla en la
// pagina de amazon" (no accents), "si notre réaction vous a convenu,
// quelques mots bienveillants sur la fiche".
func TestPositiveOnlyInOtherWords(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Super, freut mich dass alles passt! Wenn Sie mögen, lassen Sie uns doch ⭐️⭐️⭐️⭐️⭐️ auf Amazon da 😊", "review"},
		{"es", "y pues si le gusto y quedo contento con la compra ya sabe como nos puede echar la mano alla en la pagina de amazon", "review"},
		{"fr", "Chaque appréciation laissée sur Amazon compte énormément. Si notre réaction vous a convenu, quelques mots bienveillants sur la fiche du ballotin nous aideraient beaucoup.", "review"},
		{"de", "Die Lieferung kam an, ⭐️ danke für die Geduld!", ""},
	})
}

// What set 25 found: "die Hotline von Norrström" is the maker's, "im
// Doppelpack deutlich günstiger" sells another product, "revisarlas con
// el proveedor" checks units (not the review), "on n'a pas le droit
// d'offrir un rabais" refuses the incentive it names.
func TestSet25Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Die Rolle fällt unter die Garantie; die Hotline von Norrström Deutschland ist 040 8890 1277.", ""},
		{"de", "Unsere Hotline ist 040 8890 1277.", "contact"},
		{"es", "El servicio técnico de la marca atiende en el 900 123 456.", ""},
		{"de", "Probieren Sie doch die passende Kur. Die gibt es ab nächster Woche im Doppelpack deutlich günstiger.", "promotion"},
		{"es", "Hemos leído su opinión y nos ha sido útil: hemos apartado el resto de unidades para revisarlas con el proveedor.", ""},
		{"es", "¿Podría revisar su valoración ahora que el collar ha sido reembolsado?", "review"},
		{"es", "Revise el filtro y, si quiere, deje una reseña en Amazon.", ""},
		{"fr", "Par contre, on n'a pas le droit d'offrir un rabais, un cadeau ou quoi que ce soit en échange d'un commentaire.", ""},
	})
}

// A shop's name without the shop word its domain adds names it
// ("Ortoverde" for ortoverde-shop.it): the helpdesk's footer under the
// thread is the seller's. A product word that starts a domain
// ("croquettes" for croquettes-et-cie.fr) does not.
func TestShopNameWithoutItsDomainWord(t *testing.T) {
	for _, c := range []struct {
		mark, text string
		want       bool
	}{
		{"ortoverde-shop", "Questa email è un servizio di Ortoverde.", true},
		{"croquettes-et-cie", "Le sac de croquettes est arrivé éventré.", false},
		{"croquettes-et-cie", "Croquettes et Cie vous remercie.", true},
	} {
		c2 := &check{e: defaultEngine, mark: c.mark}
		if got := c2.namesSellerIn(c.text); got != c.want {
			t.Errorf("%s in %q: %v, want %v", c.mark, c.text, got, c.want)
		}
	}
}

// Everyday words that sat in the concepts' lists: "el lote" (a batch),
// "the correct size", "keep an eye on the tracking", "wenn Ihnen ein
// Umtausch lieber ist", "una seconda spedizione gratuita".
func TestEverydayWordsInConcepts(t *testing.T) {
	expectCategories(t, []langCase{
		{"es", "Hemos revisado el lote L2409 y le ofrecemos un descuento del importe por las molestias.", ""},
		{"en", "Your review mentions the wrong size; the correct size for your dog is M.", ""},
		{"en", "Keep an eye on the tracking from Shop for the new delivery date.", ""},
		{"de", "Wenn Ihnen ein Umtausch lieber ist, sagen Sie Bescheid. Über eine Bewertung auf Amazon freuen wir uns.", ""},
		{"it", "Le inviamo una seconda spedizione gratuita con il pezzo mancante.", ""},
		{"it", "Se prende un secondo paio, la spedizione gratuita è inclusa.", "promotion"},
		{"en", "We'll send you another one with free shipping today.", ""},
		{"en", "Order a second one this week and get free shipping on both.", "promotion"},
	})
}

// A refund next to the review the buyer already wrote answers the
// complaint; it buys nothing. A reward for a review, a refund to change it
// or one "as thanks for your review" still refuse.
func TestRefundNextToAReviewAlreadyWritten(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "We saw your one-star review and we've issued a full refund today.", ""},
		{"fr", "Nous avons lu votre avis et nous vous avons remboursé intégralement.", ""},
		{"es", "Hemos leído su reseña y le hemos reembolsado el importe completo.", ""},
		{"it", "Abbiamo letto la sua recensione e le abbiamo rimborsato l'intero importo.", ""},
		{"ja", "レビューを拝見し、全額返金の手続きをいたしました。", ""},
		{"en", "Your review helped us find the fault, so the replacement is free of charge.", ""},
		{"en", "We saw your review: if you update it to five stars we'll refund you.", "review"},
		{"de", "Als Dankeschön für Ihre Bewertung schicken wir Ihnen eine kleine Überraschung.", "review"},
		{"en", "Leave us a review and we'll refund your shipping.", "review"},
	})
}

// What set 26 found: a maker's repair centre named at the head of its
// address block, a price drop refunded ("kostet seit Montag 24,90 € statt
// 29,80 €. Ich habe Ihnen die Differenz erstattet"), a Swiss number
// dictated "plus 41 - 79 . 4 3 6 …", a vanity number (1-800-WAX-GLOSS),
// "si el libro les ha gustado", "retire la opinión negativa", a
// "mise au point printanière" at -20 %, "se il polish la soddisfa … 5
// stelline", "ti chiederei una cortesia … aggiornarla", a lid "（別売）
// もございます".
func TestSet26Kinds(t *testing.T) {
	block := plain("ja", "修理は下記のメーカー修理受付窓口で承っております。\nメーカー修理受付：株式会社ハヤテ電機 サービスセンター\n〒950-0864 新潟県新潟市東区紫竹7-12-5\n受付時間　平日9:00〜17:30\nフリーダイヤル　0120-77-4821")
	if got := categories(checkRaw(t, block)); got != "" {
		t.Errorf("a maker's repair centre block: %q, want a pass", got)
	}
	own := plain("ja", "当店サポート窓口\n受付時間　平日9:00〜17:30\nフリーダイヤル　0120-77-4821")
	if got := categories(checkRaw(t, own)); got != "contact" {
		t.Errorf("the shop's own support block: %q, want contact", got)
	}
	expectCategories(t, []langCase{
		{"de", "Das Hartwachs kostet seit Montag 24,90 € statt 29,80 €. Ich habe Ihnen die Differenz gerade über Amazon erstattet.", ""},
		{"de", "Rufen Sie kurz an: plus 49 - 221 . 4 3 6 . 2 2 . 1 8.", "contact"},
		{"en", "Detailing hotline: 1-800-WAX-GLOSS", "contact"},
		{"es", "Si el libro les ha gustado en casa, nos haría ilusión que nos dejara una reseña en Amazon.", "review"},
		{"es", "Le quisiéramos pedir de favor que retire la opinión negativa que publicó sobre el comal.", "review"},
		{"fr", "C'est notre mise au point printanière : tous les pneus sont à -20 % jusqu'au 31 mai.", "promotion"},
		{"it", "Se il polish la soddisfa, ci lascerebbe 5 stelline su Amazon?", "review"},
		{"it", "Ti chiederei una cortesia: la recensione da 2 stelle parla ancora della misura sbagliata. Se ti va, aggiornala raccontando com'è finita.", "review"},
		{"ja", "こちらの両手鍋にぴったり合う専用のガラス蓋（別売）もございます。", "promotion"},
	})
}

// What set 27 found: "our listing" is no mailing list, "le lot" a batch,
// "prend en charge" no batch label that hides the maker's warranty centre,
// "if you can't wait" refuses nothing, a Content-Type whose ';' is missing
// after the boundary is read as clients read it; "come to us first before
// writing anything on Amazon", "¿te importaría … actualizarla?", 削除を
// ご検討, レビューではなく…ご連絡, a glass "de notre nouvelle collection, qui
// sort au printemps" for a review.
func TestSet27Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "Yes, the walking foot in our listing (part WF-200LS, low shank) fits your machine.", ""},
		{"fr", "Le sachet que vous avez reçu porte le lot T-CDB-2410, testé à 87 % de germination.", ""},
		{"en", "If you can't wait, we've got both colours listed on our eBay store.", "promotion"},
		{"en", "Please come to us first before writing anything on Amazon.", "review"},
		{"es", "Dejaste una opinión de una estrella. Ahora que está solucionado, ¿te importaría echarle un vistazo y actualizarla?", "review"},
		{"ja", "出品者評価（星1つ）について、お手数ですが削除をご検討いただけないでしょうか。", "review"},
		{"ja", "喜んでいただけましたら、ぜひレビューで教えてくださいね。もしお気に召さない点があった場合は、レビューではなく、こちらに直接ご連絡ください。", "contact,review"},
		{"fr", "Si vous laissez un commentaire sur Amazon, nous vous enverrons gratuitement un verre de notre nouvelle collection, qui sort au printemps.", "review,promotion"},
		{"en", "The refund isn't conditional on anything, and whatever you choose to write in a review is entirely your decision.", ""},
		{"de", "Wenn Sie uns eine Rezension auf Amazon schreiben und uns einen Screenshot schicken, überweisen wir Ihnen als kleines Merci 10 Euro zurück.", "review"},
		{"es", "Si prefiere, mándenos un mensajito al wats y lo damos de alta.", "contact"},
		{"fr", "Si vos chats sont contents, n'hésitez pas à le dire sur la page Amazon du produit. Et si quelque chose ne va pas, écrivez-nous plutôt directement ici.", "review"},
		{"fr", "Purolator vous enverra un texto au numéro de cellulaire inscrit dans votre compte Amazon.", ""},
	})
	ca := strings.Replace(plain("fr", "Le centre de garantie du fabricant Orvia Canada prend en charge la réparation ou l'échange : 1 888 555-0142 (sans frais)."), buyerFor("fr"), "a1b2c3d4e5@marketplace.amazon.ca", 1)
	if got := categories(checkRaw(t, ca)); got != "" {
		t.Errorf("the maker's warranty centre far before its number: %q, want a pass", got)
	}
	noSemicolon := "From: Shop <support@shop.test>\r\nTo: " + buyerFor("fr") + "\r\nSubject: Re: sac\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/related;\r\n\tboundary=\"b1\"\r\n\ttype=\"multipart/alternative\"\r\n\r\n--b1\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n\r\n<html><head><meta http-equiv=\"Content-Type\" content=\"text/html\"></head><body><p>Nous vous remboursons le sac.</p></body></html>\r\n--b1--\r\n"
	if v := checkRaw(t, noSemicolon); categories(v) != "" {
		t.Errorf("a multipart whose boundary lacks its ';': %q, want a pass", categories(v))
	}
}

// What set 28 found: "(400/800/1600/3200)" DPI steps are no phone (a
// bracket does not hide the missing national 0), "le code d'entrée … pour
// les prochaines fois" is no discount code; "die Sterne nochmal neu
// vergeben", "write us a review … a pair is yours free", "passez d'abord
// par nous", "se ne sei rimasto soddisfatto … scrivici qui", Black Friday
// "a mitad de precio".
func TestSet28Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Dann sollte die DPI-Umschaltung (400/800/1600/3200) wieder funktionieren.", ""},
		{"fr", "Nous avons aussi indiqué le code d'entrée dans votre adresse pour les prochaines fois.", ""},
		{"fr", "Avec le code PRINTEMPS, -10 % sur votre prochaine commande.", "promotion"},
		{"de", "Da das Problem jetzt gelöst ist – wär's vielleicht drin, dass Sie die Sterne nochmal neu vergeben?", "review"},
		{"en", "Write us a review of the heated ones on Amazon, send me a screenshot here, and a pair is yours free.", "review"},
		{"fr", "Avant de publier quoi que ce soit sur Amazon, passez d'abord par nous s'il y a le moindre souci.", "review"},
		{"it", "Se ne sei rimasto soddisfatto, lascia pure un commento sul prodotto; se invece qualcosa non va scrivici qui.", "review"},
		{"es", "La semana del Black Friday vamos a tener todas las resinas a mitad de precio.", "promotion"},
	})
}

// Set 28's leftovers: a shop's logo linked to its site in the Outlook
// signature that stands under the quoted buyer message is the seller's
// link (the buyer's message reaches the seller as text); a phone number
// followed by its hours in brackets is still a phone number; a discount
// in yen ("500円引き") is a discount.
func TestSet28Leftovers(t *testing.T) {
	quote := `<p>Le adjunto la factura.</p><div style="border-top:solid #E1E1E1 1.0pt"><p><b>De:</b> Silvia &lt;b6id6jqw7gmw9a@marketplace.amazon.es&gt;<br><b>Enviado el:</b> domingo, 4 de agosto de 2024 17:40<br><b>Asunto:</b> Factura</p></div><p>Necesito la factura.</p>`
	for _, c := range []struct{ tail, want string }{
		{`<p><a href="https://www.motoruta.example/?utm_medium=firma"><img src="https://www.motoruta.example/logo.png" width="180" alt="MotoRuta"></a></p>`, "link,pixel"},
		{`<p><a href="https://www.motoruta.example/casco">https://www.motoruta.example/casco</a> ¿este casco sirve?</p>`, ""},
	} {
		if got := categories(checkRaw(t, htmlMessage("es", quote+c.tail))); got != c.want {
			t.Errorf("%q under the quote: refused for %q, want %q", c.tail, got, c.want)
		}
	}
	expectCategories(t, []langCase{
		{"ja", "店舗直通 03 . 5555 . 0198 (10時〜18時 / 水曜定休)", "contact"},
		{"de", "Rufen Sie einfach an: 0511 889021 (9–17 Uhr)", "contact"},
		{"de", "Die Lieferung wiegt 12,5 kg (2 Pakete).", ""},
		{"ja", "次回のご注文で500円引きにいたします。", "promotion"},
		{"en", "We have the whole number range plus matching confetti balloons on our own site.", "promotion"},
		{"it", "Trova il manuale in PDF anche sul nostro sito.", "promotion"},
		{"es", "Búscalo en la lista de pedidos de Amazon.", ""},
		{"ja", "ご迷惑をおかけしましたので、今回の代金から500円引きにて返金いたします。", ""},
	})
}

// A review asked only of the satisfied stays a finding when it asks for
// honesty: "honest" answers "leave five stars", not "only if you are
// happy". Said both ways, it is neutral.
func TestHonestButOnlyIfHappy(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "Honest feedback from people who've had a smooth experience with us really helps, so if that sounds like you, a few words on Amazon would mean a lot.", "review"},
		{"en", "If you are happy with the lamp, we would love an honest review on Amazon.", "review"},
		{"de", "Wenn Sie zufrieden sind, freuen wir uns über eine ehrliche Bewertung bei Amazon.", "review"},
		{"en", "Whether or not you are happy with it, an honest review on Amazon helps other buyers.", ""},
		{"de", "Ob Sie zufrieden sind oder nicht: eine ehrliche Bewertung hilft anderen Käufern.", ""},
	})
}

// A review steered by allusion: "you know where to tell the other
// families" for the happy, "rather tell only us" for the others.
func TestReviewByAllusion(t *testing.T) {
	expectCategories(t, []langCase{
		{"es", "Si ha quedado tan bonito como esperamos, ya sabe dónde puede contárselo al resto de familias. Si algo no ha ido bien, mejor nos lo cuenta solo a nosotros por aquí.", "review"},
		{"es", "Si algo no ha ido bien con el envío, nos lo cuenta por aquí y lo arreglamos.", ""},
		{"fr", "Si tout vous plaît, vous savez où le raconter aux autres familles. Sinon, écrivez-nous plutôt ici.", "review"},
	})
}

// A change asked by leaving it to the buyer ("Lascio a lei valutare se
// tenerlo com'è"), and a gift for impressions posted "in the box at the
// bottom of the product page" as a token of thanks.
func TestLeftToTheBuyer(t *testing.T) {
	expectCategories(t, []langCase{
		{"it", "Quel commento che ha lasciato sul nostro profilo venditore descrive una situazione che non esiste più. Lascio a lei valutare se tenerlo.", "review"},
		{"de", "Sie können Ihre Bewertung selbstverständlich so stehen lassen.", ""},
		{"ja", "書き心地や色の印象などを、商品ページの下のほうにある投稿欄からお寄せいただけましたら、お礼の気持ちとして、季節限定色の小瓶をひとつ添えさせていただきます。", "review"},
		{"ja", "お礼の気持ちとして、次回お届けの際にサンプルを添えさせていただきます。", ""},
	})
}

// A template's footer of several blocks under a quote that runs to the
// end: a banner speaking as the shop over the company's legal line, which
// names the shop with an ampersand its domain spells out; a code for the
// next order said by no one in the first person. The buyer's own last
// paragraph about a discount stays the buyer's.
func TestFooterBlocksUnderAQuote(t *testing.T) {
	quote := "Buongiorno,\nè mela essiccata.\n\nDa: Anna <ra6lkxqgujw7hfg@marketplace.amazon.it>\nInviato: mercoledì 5 marzo 2025 20:09\nA: ordini@teetisanedolomiti.it\nOggetto: Tisana\n\nDentro ci sono dei pezzetti bianchi, è normale?\n\n"
	en := "Hi Tom,\na replacement is on its way.\n\n------ Original Message ------\nFrom \"Tom\" <sskhe5p69t4wsu@marketplace.amazon.co.uk>\nSubject Cake tin dented\n\nCake tin arrived dented on one side.\n\n"
	for _, c := range []struct{ lang, from, text, want string }{
		{"it", "ordini@teetisanedolomiti.it", quote + "Primavera in tazza: -15% su tutte le tisane fino al 31 marzo. Iscriviti alla nostra newsletter.\n\nTè & Tisane Dolomiti S.n.c. – Via Cesare Battisti 7, 39100 Bolzano", "promotion"},
		{"it", "ordini@teetisanedolomiti.it", quote + "Tè & Tisane Dolomiti S.n.c. – Via Cesare Battisti 7, 39100 Bolzano", ""},
		{"en", "charlotte@wrenandwillow.co.uk", en + "--------------------------------------------\nBaking season is here! Use code BAKE15 for 15% off your next order of tins & trays.", "promotion"},
		{"en", "charlotte@wrenandwillow.co.uk", en + "Last time I got 15% off my next order, is that still on?", ""},
	} {
		raw := strings.Replace(plain(c.lang, c.text), "support@shop.test", c.from, 1)
		m, err := Parse(strings.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		v := defaultEngine.Check(m, Envelope{MailFrom: c.from, Rcpt: []string{buyerFor(c.lang)}})
		if got := categories(v); got != c.want {
			t.Errorf("%q: refused for %q, want %q", c.text[len(c.text)-60:], got, c.want)
		}
	}
}

// What set 29 found: "verteilen" is no mailing list ("Verteiler"), the
// code on a product's box is no discount code, an elided verb
// ("pour l'actualiser") is the verb, ★★★★★ is five stars in every
// language, "una opinión" is a review, and "diciotto" is 18.
func TestSet29Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Flasche kurz schütteln und 8 bis 10 Tropfen gleichmäßig auf das Kissen verteilen.", ""},
		{"de", "Tragen Sie sich in unseren Verteiler ein und verpassen Sie keine Aktion.", "promotion"},
		{"it", "Le allego i codici delle cartucce compatibili, così la prossima volta può controllare il codice sulla confezione prima di ordinare.", ""},
		{"it", "Con il codice PRIMAVERA la prossima volta ha il 10 % di sconto.", "promotion"},
		{"it", "Le mandiamo l'anteprima dell'incisione da confermare.", ""},
		{"fr", "Une fois la nouvelle bague à votre doigt, ce serait très gentil de repasser sur votre commentaire pour l'actualiser.", "review"},
		{"fr", "Si vous avez changé d'avis, le retour est gratuit.", ""},
		{"fr", "Si le bracelet vous plaît, un petit ★★★★★ sur sa page nous ferait chaud au cœur.", "review"},
		{"es", "Si publica una opinión del juego en Amazon con una foto, le regalamos un segundo juego de cuerdas.", "review"},
		{"it", "Se preferisce mi chiami pure al tre quattro nove, sei zero due, diciotto, settantatré.", "contact"},
	})
}

// What set 30 found: "if the hood's done its job" and "if you're loving
// it" ask only the satisfied; "hold off on reviewing and message us here
// first" in the sentence after the review; "a soap of your choice" is no
// refusal, nor a polite Japanese request (できませんでしょうか); "merci
// de nous laisser d'abord régler la situation" before a rating; a candle
// sent "gratuitamente" for an opinion.
func TestSet30Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "If the hood's done its job for you, we'd be really grateful for a review on Amazon. If it hasn't, please hold off on reviewing and message us here first.", "review"},
		{"en", "If you're loving your new wand, a quick 5★ review would honestly make our week!", "review"},
		{"en", "We reviewed your photos and issued a full refund today.", ""},
		{"fr", "Si vous nous laissez un avis sur Amazon, envoyez-nous une capture d'écran : on vous offre un savon de votre choix.", "review"},
		{"fr", "Avant de déposer une évaluation sur Amazon, merci de nous laisser d'abord régler la situation avec vous.", "review"},
		{"it", "Se lasci la tua opinione sulla pagina del prodotto su Amazon, ti spediamo gratuitamente una candela della nuova collezione.", "review"},
		{"ja", "差額の1,500円を返金させていただきますので、いただいた評価を削除していただくことはできませんでしょうか。", "review"},
		{"ja", "評価の削除をお願いすることはできません。", ""},
		{"en", "Grab 15% off your next order with code ROO15 at kangacharge[dot]com[dot]au", "link,promotion"},
		{"en", "Write to returns at kangacharge dot com dot au", "contact"},
	})
}

// What set 31 found: a postcode before a span of working days is no phone
// ("Leipzig (04229) 4–6 Werktage"); "positifs comme négatifs" is both
// ways; a manufacturer's hotline "non nostro" is disowned, not owned; an
// order hotline named after the shop is the shop's, whatever country's
// plan its number follows; "once you've left a review", "the 2 star
// feedback", a raffle among reviewers.
func TestSet31Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Erfahrungsgemäß braucht ein Brief von Graz nach Leipzig (04229) 4–6 Werktage.", ""},
		{"fr", "Vous pouvez laisser un avis sur le produit. Tous les retours, positifs comme négatifs, nous aident.", ""},
		{"it", "L'assistenza tecnica Brother Italia (numero del produttore, non nostro) risponde allo 02 8940 2330.", ""},
		{"de", "Bestellhotline Holzwurm: 0316 / 84 72 90 (Mo-Fr 9-12 Uhr)", "contact"},
		{"de", "Herstellerhotline: 0316 / 84 72 90", ""},
		{"en", "We'd love to send you a free pack of 50 sheets once you've left a review.", "review"},
		{"en", "We're happy to refund that $12 too once you've removed the 2 star feedback.", "review"},
		{"es", "Cada mes sorteamos un par de zapatillas entre los clientes que comparten su reseña del producto en Amazon.", "review,promotion"},
		{"it", "Per i prossimi ricambi non serve passare ogni volta dalla piattaforma: le facciamo noi un prezzo migliore, senza le commissioni che paghiamo qui.", "promotion"},
		{"it", "Il ricambio è passato dalla piattaforma di spedizione del corriere ieri sera.", ""},
		{"it", "Canale Telegram con offerte e video tutorial: RicambiLavatrici24", "contact,promotion"},
		{"de", "Auf dem YouTube-Kanal von Bosch gibt es ein Video zum Einbau.", ""},
	})
}

// What set 32 found: a replacement "aus der neuen Serie" is no launch
// (a term in both of a rule's concepts made it fire alone); a seller
// declining LINE (控えさせていただきます) refuses; a manufacturer's
// アフターサービス窓口 is a service; "503 ~ 555 ~ 0142"; a bundle "cheaper
// than buying singly" (単品でそろえるより); "n'oubliez pas de nous mettre
// 5 étoiles" after Amazon's frame is the seller's postscript.
func TestSet32Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Wir haben Ihnen gestern einen neuen Regenbrausekopf geschickt, diesmal aus der neuen Serie mit verstärktem Gewinde.", ""},
		{"ja", "LINEでのご連絡は控えさせていただきますので、ご了承ください。", ""},
		{"ja", "株式会社マリンフォース アフターサービス窓口\n電話：0120-418-305（平日9:00〜17:00）", ""},
		{"en", "classroom & bulk quotes, text Katie: 503 ~ 555 ~ 0142", "contact"},
		{"en", "Shipping takes 4~6 business days.", ""},
		{"ja", "単品でそろえるより 1,200円 お得になっておりますので、よろしければ商品ページをご覧ください。", "promotion"},
	})
	quote := "Bonjour,\nun shaker neuf est parti ce matin.\n\n________________________________\nDe : Amandine <q7h70wll6c112@marketplace.amazon.fr>\nEnvoyé : dimanche 15 décembre 2024 21:30\nObjet : Shaker\n\n------------- Début du message -------------\n\nLe shaker fuit.\n\n------------- Fin du message -------------\n\n"
	for _, c := range []struct{ tail, want string }{
		{"PS : si tout est OK à réception, n'oubliez pas de nous mettre 5 étoiles sur Amazon, ça nous aide beaucoup !", "review"},
		{"Si ce n'est pas réglé je mettrai 1 étoile sur Amazon.", ""},
	} {
		if got := categories(checkRaw(t, plain("fr", quote+c.tail))); got != c.want {
			t.Errorf("%q under the quote: refused for %q, want %q", c.tail, got, c.want)
		}
	}
}

// A phone number said half in words and half in digits is read whole:
// "438, cinq-cinq-cinq, 01 87". Sizes and counts next to number words
// are no phone number.
func TestPhoneHalfInWords(t *testing.T) {
	expectCategories(t, []langCase{
		{"fr", "Envoie-moi une photo par texto au 438, cinq-cinq-cinq, 01 87 et je te dis quelle taille prendre.", "contact"},
		{"en", "Text me on 0412, three three four, five one nine.", "contact"},
		{"it", "Per 40 piante, trenta o quaranta, ci vogliono 2 settimane.", ""},
		{"de", "Im Paket sind 2, drei, vier oder 5 Schrauben, je nach Größe 10 mm.", ""},
	})
}

// What set 33 found: "wenn du deine Bewertung nochmal anpasst" (the
// stemmer keeps "anpasst"), "take the review down" for a refund, a summer
// promo ("promo estate"), an address spelled letter by letter after "me
// at", a phone with the letter O for zero before a comma; and the other
// way, a service centre "they can be reached on", a "coupon de 3 m" of
// fabric, an espresso's "estrazione".
func TestSet33Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Jetzt wo alles läuft, wäre es klasse, wenn du deine Bewertung nochmal anpasst.", "review"},
		{"de", "Ob und wie du deine Bewertung anpasst, ist ganz allein deine Entscheidung.", ""},
		{"en", "We'd be happy to go ahead with the $40 refund right away if you'd be willing to take the review down.", "review"},
		{"en", "We will update you on the review of your return request.", ""},
		{"it", "Fino al 31 luglio c'è la nostra promo estate: -30% su tutta la collezione mare.", "promotion"},
		{"en", "Please send a short clip straight to me at d a n i e l l e @ mapleridgeoffice . ca and I'll ship a bracket.", "contact"},
		{"es", "Lo miramos juntos por teléfono: 6O4-21.78-9O, pregunta por Alba.", "contact"},
		{"en", "Warranty repairs are handled by Mazzetti's UK service centre. They can be reached on 020 7946 0321 (Monday–Friday).", ""},
		{"fr", "Vous recevez un seul coupon de 3 m d'un seul tenant, soit 25,50 € pour votre coupon.", ""},
		{"it", "Come riferimento: 18 g di caffè, estrazione di 36 g in circa 25-30 secondi.", ""},
	})
}

// What set 34 found: answering "only here through Amazon" refuses the
// WhatsApp the buyer asked for; "que revisara la puntuación que dejó" asks
// for a change; "un bon de 10 € à valoir sur votre prochaine commande" for
// a review is an incentive.
func TestSet34Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Zu Ihrer Frage nach WhatsApp: Bitte haben Sie Verständnis, dass wir Kundenanfragen ausschließlich hier über das Amazon-Nachrichtensystem beantworten.", ""},
		{"de", "Schreiben Sie uns einfach per WhatsApp, dann geht es schneller.", "contact"},
		{"es", "Una vez resuelto, le agradeceríamos mucho que revisara la puntuación que dejó en el producto.", "review"},
		{"fr", "Laissez un avis sur le produit et recevez un bon de 10 € à valoir sur votre prochaine commande.", "promotion,review"},
		{"fr", "Le bon de retour est joint : déposez le colis dans un point relais.", ""},
	})
}

// What set 35 found: "a 10% code for your next one" for a review is an
// incentive; "Soldes d'hiver … -20 %" a seasonal sale. Summer shade of
// 50 % is no sale.
func TestSet35Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "If you leave us a review for the puzzle, reply here once it's up and I'll send you a 10% code for your next one.", "review,promotion"},
		{"fr", "Soldes d'hiver jusqu'au 31 mars : -20 % sur toutes nos rampes LED.", "promotion"},
		{"es", "En pleno verano póngales malla sombra de 50 % por las tardes.", ""},
	})
}

// What set 36 found: "before you write something on Amazon" and "drop me a
// message first" ask for contact before a review; "whoever takes both";
// letters and dots for a phone's digits; a number's mask ("BE
// 0xxx.xxx.xxx") is no .xxx domain; the buyer's own box set is no other
// product; "reconsider the rating once more"; a product "released this
// month"; a special order "not on our Amazon listing".
func TestSet36Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Falls die Größe nicht passt, melden Sie sich bitte zuerst bei uns, bevor Sie auf Amazon etwas dazu schreiben.", "review"},
		{"en", "Before you put anything up on the product page, just drop me a message here first and let me fix it for you.", "review"},
		{"de", "Zum Wasserkocher gibt es den passenden Toaster, und wer beides nimmt, bekommt bei uns das Entkalker-Set dazu.", "promotion"},
		{"en", "Easier to show than explain - give us a buzz on O4I2 · 345 · 678 and I'll talk you through it.", "contact"},
		{"fr", "Si ça ne marche pas, envoyez-moi un SMS au O6 l2 45 78 9O et je vous explique.", "contact"},
		{"fr", "Corinne\nLa Bouilloire Bleue\nLigne directe Corinne : 0 6 . 3 8 / 1 2 . 7 4 / 5 9", "contact"},
		{"fr", "Si votre numéro de TVA (BE 0xxx.xxx.xxx) n'y figure pas, indiquez-le en réponse.", ""},
		{"en", "The file is at http://xxx.xxx/price-list", "link"},
		{"fr", "Oui, le coffret que vous avez reçu contient des forets HSS-Co 5 % avec un angle de pointe de 135°.", ""},
		{"ja", "最初の商品の件で投稿いただいた評価について、今回の対応も踏まえてもう一度ご検討いただけないでしょうか。", "review"},
		{"ja", "ちなみに、今月発売した新作「またたびスティック付きけりぐるみ」も猫ちゃんたちに大人気です！", "promotion"},
		{"en", "Our supplier does a 16mm-bore version, but it's a special order and not on our Amazon listing.", "promotion"},
	})
}

// What set 37 found: a freight carrier's tracking site; one number word
// among groups of digits ("04 twelve ~ 555 ~ 781"), which alone is no
// number in words ("sizes 38 forty 42 44"); a warranty service's number,
// given as such in the text, again in the attached certificate.
func TestSet37Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "Track the shipment with Estes: https://www.estes-express.com/myestes/shipment-tracking/?query=04921187364", ""},
		{"en", "Honestly it's easier to talk through, give Dave a bell on 04 twelve ~ 555 ~ 781 any arvo.", "contact"},
		{"en", "We stock sizes 38 forty 42 44 and 46 in black.", ""},
	})
	withPDF := func(pdfText string) string {
		return "From: Shop <support@shop.test>\r\nTo: " + buyerFor("es") + "\r\nSubject: Re: pedido 406-9920318-2258471\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
			"La garantía la gestiona el servicio técnico oficial de la marca, SAT Tecnoaudio (teléfono del servicio de garantía: 963 410 275).\r\n" +
			"--b\r\nContent-Type: application/pdf; name=garantia.pdf\r\nContent-Disposition: attachment; filename=garantia.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			base64.StdEncoding.EncodeToString(testPDF(pdfText)) + "\r\n--b--\r\n"
	}
	if got := categories(checkRaw(t, withPDF("Servicio tecnico: SAT Tecnoaudio - Tel. 963 410 275"))); got != "" {
		t.Errorf("the service's number in the certificate: refused for %q", got)
	}
	if got := categories(checkRaw(t, withPDF("Tienda: Trastes Music - Tel. 963 410 276"))); got == "" {
		t.Errorf("another number in the certificate passed")
	}
}

// Phone numbers said half in words that older known failures held: word
// runs on both sides of a digit group, a line break between two runs, a
// number word glued to digits. Words and digits that are no phone stay
// clean.
func TestNumbersHalfInWords(t *testing.T) {
	expectCategories(t, []langCase{
		{"it", "Mi chiami pure quando vuole dopo le 15, il cellulare del vivaio è tre quattro otto, 55, sessantadue, 10: ne parliamo con calma.", "contact"},
		{"es", "Llámeme al taller y lo vemos juntos mientras lo hace: seis, uno, nueve - cuarenta y dos \n- ochenta y ocho - trece. Pregunte por Pau.", "contact"},
		{"it", "Per urgenze mi scriva pure: tre4sette / 88.21 - zero45", "contact"},
		{"en", "The mp3 manual covers the e10 fuel at 4k rpm, see page 12 of 40.", ""},
		{"it", "Le corde tre e quattro, 55 cm, si allungano nei primi 3-4 giorni.", ""},
	})
}

// A discount whose code word is the message itself ("tell us you saw this
// message and get 500 yen off"), an older known failure (set 28 ja/045).
func TestMessageAsCodeWord(t *testing.T) {
	expectCategories(t, []langCase{
		{"ja", "コントローラーをご購入いただいた方は、このメッセージを見たとお伝えいただければ500円引きにいたします。", "promotion"},
		{"de", "Wenn Sie sich bei Ihrer nächsten Bestellung auf diese Nachricht berufen, bekommen Sie 10 % Rabatt.", "promotion"},
		{"fr", "Si la taille ne va pas, mentionnez ce message dans votre demande de retour sur Amazon.", ""},
	})
}

// What set 38 found: "800 carries" is no vanity number and "outside
// Amazon's return window" sends no one elsewhere; a buyer who names the
// shop while asking it something is still the buyer; a manufacturer's
// product safety line; "m." and "per WA an" label a phone; a model that
// launches next week on the shop's own store; the wedding season's sale.
func TestSet38Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "Since your order is from January it's outside Amazon's 30-day return window, but the PinPoint 800 carries Voxel Optics' 2-year manufacturer warranty.", ""},
		{"en", "Call 1-800-FLOWERS or 800-GOT-JUNK.", "contact"},
		{"en", "Kestrel's own product safety line for this notice is 0808 157 0192 (free from UK landlines).", ""},
		{"en", "Tom Baxter | Links & Loft Golf\nm. 07700 900 461", "contact"},
		{"de", "Am schnellsten geht's per WA an 0660 / 71 - 84 . 39 - 2 , dann schauen wir uns das gleich an.", "contact"},
		{"en", "Our new SunCrate Trek 30K with a 65 W port launches next week.", "promotion"},
		{"en", "Early buyers get it at $20 off on our own store before it hits Amazon.", "promotion"},
		{"de", "Da gerade die Hochzeitssaison beginnt: Bis zum 31. Mai bekommen Sie bei uns 20 % auf alle Tischläufer.", "promotion"},
		{"de", "Wir erstatten Ihnen 20 % auf alle drei Teile zurück.", ""},
	})
	// The buyer's question under Outlook's header block names the shop.
	raw := "From: Birdie North Golf <support@birdienorth.ca>\r\nTo: " + buyerFor("en") + "\r\nSubject: RE: Price match?\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Hi Kevin,\r\n\r\nSorry, we can't match prices from other websites.\r\n\r\nAlain\r\nBirdie North Golf\r\n\r\n" +
		"From: Kevin Okafor - Amazon Marketplace <" + buyerFor("en") + ">\r\nSent: Monday, April 14, 2025 10:37 AM\r\n" +
		"To: Birdie North Golf <support@birdienorth.ca>\r\nSubject: Price match?\r\n\r\n" +
		"Hi, I just bought the Birdie North cart bag from you and I see it on https://www.golfdeals-canada.example/bag for $189. Can you match that?\r\n"
	m, err := Parse(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if v := defaultEngine.Check(m, Envelope{MailFrom: "support@birdienorth.ca", Rcpt: []string{buyerFor("en")}}); categories(v) != "" {
		t.Errorf("the buyer's quoted question was read as the seller's: %q", categories(v))
	}
}

// Messaging apps described instead of named (older known failures of
// sets 3, 7 and 9): "the blue paper-plane app", "l'app con l'aeroplanino
// di carta", 緑のアプリ.
func TestMessagingAppsDescribed(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "It's much easier live - I'm on the blue paper-plane app as kaylee underscore lumisg, drop me a msg.", "contact"},
		{"it", "Per i dubbi veloci ci trova anche sull'app con l'aeroplanino di carta: cerchi BiciGardaAssistenza.", "contact"},
		{"ja", "緑のアプリで「@hanamaru87」を検索してもらえたら、すぐにお返事できます。", "contact"},
		{"fr", "Le pliage en papier de la notice montre un avion.", ""},
	})
}

// An address dictated in parts with words that pace it ("siamo
// ciclofficinamoretti, poi la chiocciolina, poi gmail e infine punto
// com", an older known failure of set 9); letters spaced out keep their
// "d e" and "e s".
func TestAddressDictatedInParts(t *testing.T) {
	expectCategories(t, []langCase{
		{"it", "La prossima volta scrivici direttamente: siamo ciclofficinamoretti, poi la chiocciolina, poi gmail e infine punto com.", "contact"},
		{"de", "Am besten direkt an:  s u p p o r t @ a u t o k o m f o r t 2 4 - s h o p . d e  (ohne Leerzeichen).", "contact"},
		{"en", "We are at home and the dot matrix printer is at work.", ""},
	})
}

// An invoice's issuer block may carry the shop's website, tagged; the
// same website on its line with an offer is refused as a link too (set 8
// fr/049).
func TestOfferInAnInvoiceLetterhead(t *testing.T) {
	pdf := testPDFContent("BT /F1 12 Tf 72 712 Td (Facture F-2025-0192) Tj 0 -14 Td (Parfums Seraphine SAS, TVA FR12345678901) Tj " +
		"0 -14 Td (www.parfums-seraphine.fr) Tj 0 -14 Td (-15 % sur votre prochaine commande sur www.parfums-seraphine.fr avec le code MERCI15) Tj ET")
	v := checkRaw(t, attachmentMessage("facture.pdf", "application/pdf", pdf))
	rejected := map[string]bool{}
	for _, x := range v.Violations {
		if x.Action == Reject {
			rejected[x.Category] = true
		}
	}
	if !rejected["link"] || !rejected["promotion"] {
		t.Errorf("the offer's line in the letterhead: %+v", v.Violations)
	}
	if v := checkRaw(t, attachmentMessage("facture.pdf", "application/pdf", testPDFContent("BT /F1 12 Tf 72 712 Td (Facture F-2025-0192) Tj 0 -14 Td (Parfums Seraphine SAS, TVA FR12345678901) Tj "+
		"0 -14 Td (www.parfums-seraphine.fr) Tj ET"))); v.Refused() {
		t.Errorf("the letterhead's website alone refused: %+v", v.Violations)
	}
}

// A link in the seller's footer under the quote ("Ce courriel est un
// service d'Érable & Co. Fourni par Zendesk", set 10 fr/019) is the
// seller's link; the same link in the buyer's quoted words is not.
func TestLinkInTheFooterUnderTheQuote(t *testing.T) {
	msg := func(footer string) string {
		return "From: Erable & Co <support@erableetco.ca>\r\nTo: " + buyerFor("fr") + "\r\nSubject: Re: Planche\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
			"<div>Bonjour, elle arrive jeudi. Joyeuses fêtes!</div><blockquote type=\"cite\">" +
			"<p>J'ai commandé la planche il y a 10 jours, est-ce que ça va arriver à temps?</p><p>Sébastien</p><p>&nbsp;</p>" +
			footer + "</blockquote>\r\n"
	}
	check := func(raw string) Verdict {
		m, err := Parse(strings.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		return defaultEngine.Check(m, Envelope{MailFrom: "support@erableetco.ca", Rcpt: []string{buyerFor("fr")}})
	}
	if got := categories(check(msg(`<p>Ce courriel est un service d'Érable &amp; Co.<br>Fourni par <a href="https://www.zendesk.fr/support/">Zendesk</a></p>`))); got != "link" {
		t.Errorf("the footer's link: refused for %q, want link", got)
	}
	if got := categories(check(msg(`<p>Voir <a href="https://www.forum-bois.example/t/planche">ce fil</a>, merci!</p>`))); got != "" {
		t.Errorf("the buyer's link: refused for %q", got)
	}
}

// What set 39 found: a matching set that "pairs perfectly" and comes
// "bundled with a free" car; a name that is the start of the shop's
// domain before a trade word (Brassline, brasslinemodels.com); a
// collection "hemos sacado" this Christmas; a change of a review bought
// with a condition; a bundle proposed with a price for the buyer; an
// autumn fair; a short sentence naming a delivery note is no invoice's
// title (the shop's phone in a return guide is refused).
func TestSet39Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "Our matching 5-car Pullman set pairs perfectly with the Pacific, and this month it's bundled with a free observation car.", "promotion"},
		{"es", "Ya que estamos, esta Navidad hemos sacado una colección de vagones de mercancías en H0.", "promotion"},
		{"fr", "On a vu votre commentaire négatif. Si vous acceptez de le retirer on vous rembourse les frais de port.", "review"},
		{"fr", "On a vu votre commentaire négatif. Nous allons changer la grille et vous rembourser les frais de port.", ""},
		{"it", "Le proponiamo il nostro pacchetto accessori. Insieme costano 52 €, a lei li facciamo a 39 € se li ordina entro domenica.", "promotion"},
		{"ja", "当店では今月末まで「秋の文具フェア」を開催しており、全12色のミニボトルセットが通常より20%お得になっております。", "promotion"},
		{"ja", "夏の暑さで接着剤が弱くなることがありますので、返金させていただきます。", ""},
	})
	if !namesSeller([]string{"search", "brassline", "pullman"}, "brasslinemodels") || namesSeller([]string{"brass", "fittings"}, "brasslinemodels") {
		t.Error("Brassline names brasslinemodels.com, brass alone does not")
	}
	guide := testPDFContent("BT /F1 12 Tf 72 712 Td (Return guide) Tj 0 -14 Td (2. Invoice in the box.) Tj " +
		"0 -14 Td (Questions? Call us on 020 7946 0321, Mon-Fri.) Tj ET")
	if v := checkRaw(t, attachmentMessage("guide.pdf", "application/pdf", guide)); !v.Refused() {
		t.Errorf("the shop's phone in a return guide passed: %+v", v.Violations)
	}
}

// The shop's own catalogue offered instead of Amazon's listing, in words
// no shop list holds ("qui non la trova, ma la teniamo da noi", set 9
// it/041).
func TestOwnCatalogueInsteadOfHere(t *testing.T) {
	expectCategories(t, []langCase{
		{"it", "La versione nuova qui non la trova, ma la teniamo da noi: se la chiede sul nostro catalogo gliela facciamo a un prezzo più basso.", "promotion"},
		{"en", "You won't find it here, but ask for it under the same name as our shop and it's cheaper than you see here.", "promotion"},
		{"it", "Se non trova il numero di serie qui, ce lo scriva e lo cerchiamo noi.", ""},
	})
}

// What set 40 found: a carrier's "avis de passage" and "point
// d'enlèvement" are no review and no removal; a manufacturer's "お客様相談
// センター"; katakana number words before groups of digits; a tracking
// background in the head's style sheet.
func TestSet40Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"fr", "Si vous êtes absent, bpost dépose le colis au point d'enlèvement et vous laisse un avis de passage.", ""},
		{"ja", "ルミナ電機 お客様相談センター: 0120-118-203(受付 9:00〜18:00、年末年始を除く)", ""},
		{"ja", "お電話のほうが早いので、ゼロ・ハチ・ゼロ／4421／7398(小林)までお気軽にどうぞ。", "contact"},
		{"ja", "ご都合のよい時に〇九〇の四二一八の七七三五（村上の携帯）へお掛けください。", "contact"},
	})
	raw := "From: Shop <support@shop.test>\r\nTo: " + buyerFor("de") + "\r\nSubject: Re: Farbe\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n\r\n<html><head><style type=\"text/css\">div.w{background:#fff url(\"https://stats.shop.test/o.png?t=1\") no-repeat -9999px -9999px;}</style></head>" +
		"<body><div class=\"w\"><p>Liebe Frau Neumann, wir erstatten Ihnen 15 % des Kaufpreises.</p></div></body></html>\r\n"
	if got := categories(checkRaw(t, raw)); got != "pixel" {
		t.Errorf("a background in the head's style sheet: refused for %q, want pixel", got)
	}
}

// What set 41 found: "not on Amazon" is no refusal of what follows it
// ("… leider nicht bei Amazon eingestellt, die gibt es nur in meinem
// Etsy-Laden"); a visit to the shop's workshop; a manufacturer's "Centro
// de Atención a Clientes"; "plutôt" before a channel prefers it; bullet
// operators between a phone's digits.
func TestSet41Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Die passenden Ohrstecker habe ich leider nicht bei Amazon eingestellt, die gibt es nur in meinem Etsy-Laden.", "promotion"},
		{"de", "Leider können wir Ihnen nicht unseren Etsy-Laden nennen, das ist nicht erlaubt.", ""},
		{"de", "Kommen Sie doch direkt bei uns in der Werkstatt vorbei, wir montieren für 15 € pro Rad.", "promotion"},
		{"es", "La garantía de Bridgestone México se atiende en su Centro de Atención a Clientes, teléfono 800 400 2780 (lada sin costo).", ""},
		{"fr", "Envoyez-la nous plutôt en message privé sur notre compte Insta (strapnova.officiel).", "contact"},
		{"fr", "Écrivez-nous ici plutôt que par WhatsApp.", ""},
		{"fr", "Appelez-moi demain : 06 ∙ 51 ∙ 22 ∙ 87 ∙ 40 (Sandrine, portable pro).", "contact"},
	})
}

// What set 42 found: a warranty extension for a review; one number word
// before digit groups set apart by slashes ("seis 12 / 44 / 59 / 01");
// five stars as an emoji; an Italian subjunctive ("se ora rimuovesse il
// feedback negativo").
func TestSet42Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "Reply REVIEWED here once you've left us a review on Amazon and we'll extend the warranty from 1 year to 3 years.", "review"},
		{"en", "The warranty extension form is on the manufacturer's site; we can't extend the warranty ourselves.", ""},
		{"es", "Línea directa técnico: seis 12 / 44 / 59 / 01 (L-V 9-14 h)", "contact"},
		{"en", "Sizes forty 42 44 46 48 in stock.", ""},
		{"fr", "Si tout fonctionne bien maintenant, un petit 5⭐ sur Amazon nous aiderait énormément 🙏", "review"},
		{"it", "Ci farebbe una grande cortesia se ora rimuovesse il feedback negativo, visto che il problema è risolto.", "review"},
	})
}

// A domain said with "dot" before a top-level domain that is also a word
// ("voltkart dot in.", set 24 en/006) is a domain where no prose follows.
func TestDotWordBeforeAWordLikeTLD(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "The same charger is cheaper on our own site, voltkart dot in.", "link,promotion"},
		{"en", "Put a dot in the corner of the label.", ""},
		{"en", "Mark the hole with a dot in pencil first.", ""},
	})
}

// What set 43 found: a battery's date code is a product's code, not a
// discount's; winter campaigns and "la nostra promozione"; another of the
// shop's products recommended "anche"; a Christmas set "einfach mal
// reinschauen".
func TestSet43Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "It shouldn't drop flat overnight, so we will sort it out. Could you first check the date code stamped on the top of the case?", ""},
		{"it", "Fino al 31 gennaio c'è la nostra promozione \"Inverno nel giardino\": -20% su tutte le mangiatoie del nostro catalogo.", "promotion"},
		{"it", "Le consiglio anche il nostro mantenitore di carica Centauro Smart 900: lo trova nel nostro negozio su Amazon a 29,90 €.", "promotion"},
		{"de", "Ab dem 1. Dezember gibt es bei uns die Weihnachtsausstecher im Vorteilspack – das perfekte Set für die Adventszeit, einfach mal reinschauen!", "promotion"},
		{"it", "In inverno la batteria va staccata e tenuta al caldo.", ""},
	})
}

// What sets 44 and 45 found after the final measurement: the Black Week
// is a season; "S.Coop." is a company's legal form, not a .coop domain; a
// mailto to the seller's own address in the reply's own text is contact,
// even when the quoted header's To line names that address.
func TestSet44And45Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Vom 25. bis 29. November läuft bei uns die Black Week – da gibt es 20 % auf alle Keilrahmen.", "promotion"},
		{"es", "Les adjuntamos la factura con los datos fiscales que nos indican (Pasitos Educación S.Coop., NIF F50987123).", ""},
		{"en", "Our partner shop is at www.s.coop", "link"},
	})
	raw := "From: Shop <care@suyasuya-baby.jp>\r\nTo: " + buyerFor("ja") + "\r\nSubject: RE: x\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
		`<div>写真は<a href="&#109;&#97;&#105;&#108;&#116;&#111;&#58;care&#64;suyasuya-baby.jp">サポート窓口のメール</a>までどうぞ。</div>` +
		`<hr><div id="divRplyFwdMsg"><b>差出人:</b> 佐藤 &lt;` + buyerFor("ja") + `&gt;<br><b>宛先:</b> すやすやベビー &lt;care@suyasuya-baby.jp&gt;<br><b>件名:</b> x</div><div>カメラの角度は？</div>` + "\r\n"
	m, err := Parse(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if v := defaultEngine.Check(m, Envelope{MailFrom: "care@suyasuya-baby.jp", Rcpt: []string{buyerFor("ja")}}); categories(v) != "contact" {
		t.Errorf("the reply's own mailto to the shop: refused for %q, want contact", categories(v))
	}
}

// What set 46 found: a gift whose condition is the next sentence, a
// bundle that "saves 20 %" this week only, the seller's own store in a
// street, Québec's "rabais", a cross-sell of "il nostro kit", Discogs as
// another marketplace, the shop's Instagram — and "インスタ" is no longer
// read inside インスタント (instant).
func TestSet46Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "We will send you free dice. All you have to do is leave a review on Amazon and we will mail them.", "review"},
		{"en", "To get your refund all you have to do is return the item. A review would help other customers.", ""},
		{"en", "Bundle the Trek 4K with our gimbal and save 20% - this week only!", "promotion"},
		{"en", "Press and hold to save your flight settings.", ""},
		{"es", "Esta semana tenemos 2x1 en fundas para cartas en nuestra tienda física de Av. Chapultepec 215.", "promotion"},
		{"en", "Sorry, we do not have a physical store, we only sell on Amazon.", ""},
		{"fr", "Notre ensemble cellule + brosse est offert à 20 % de rabais jusqu'à dimanche.", "promotion"},
		{"fr", "Pour compléter votre installation, vissez le fil de masse sur la borne GND.", ""},
		{"it", "Le consiglio di prendere anche il nostro kit guarnizioni: se li ordina insieme le facciamo lo sconto del 10% sul totale.", "promotion"},
		{"it", "Più di 3.000 vinili usati e rarità nel nostro negozio su Discogs.", "promotion"},
		{"ja", "新着盤はインスタグラム（@vinylroots_tokyo）で毎日ご紹介しています。", "contact,promotion"},
		{"ja", "インスタントコーヒーの粉が入っていました。", ""},
	})
}

// What set 47 found: "their first calligraphy set" is no "contact us
// first", a bundle "this month only", a phone dictated digit by digit
// after a dot, and a negation in a condition before the comma ("si así
// no le funciona, mándeme un whats") that refused nothing after it.
func TestSet47Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "We'd appreciate it if you shared your experience in a review on Amazon. Honest feedback, good or bad, helps other people choose their first calligraphy set and tells us what to improve.", ""},
		{"en", "If anything is wrong, please let us know first before you leave a review.", "review"},
		{"en", "This month only: add the RE-R2 rear camera for £29 (normally £49) with any RE-4K. Ask us for the bundle price!", "promotion"},
		{"es", "Si así no le funciona, mándeme un whats y se lo explico por videollamada.", "contact"},
		{"es", "Es más rápido por teléfono: 33 · 1 8 4 0 / 2 7 · 6 5", "contact"},
		{"de", "Wenn Sie nicht warten wollen, kein WhatsApp, Telegram oder Signal bitte.", ""},
	})
}

// What set 48 found: "farblich passt also alles zusammen" is no bundle,
// three stars to "think over", a pack "por solo $199 más", an address
// with "(chez)" for its at, a Halloween cross-sell with free shipping for
// two, the shop's official LINE after a full-width colon — and an
// attachment named in ISO-2022-JP (RFC 2231), which lost its name and was
// refused as a file of no type.
func TestSet48Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "Die Docken stammen aus derselben Färbepartie wie Ihr Set (Partie 2412-B), farblich passt also alles zusammen.", ""},
		{"de", "Vielleicht mögen Sie sich Ihre 3 Sterne ja noch einmal durch den Kopf gehen lassen, jetzt wo das Schloss funktioniert?", "review"},
		{"es", "Tenemos el Pack Capitán Completo con sombrero y parche por solo $199 más.", "promotion"},
		{"fr", "écrivez-moi à francois.semisboreal (chez) gmail (point) com.", "contact"},
		{"ja", "ご兄弟でお揃いにできる「黒猫マント」も当店で取り扱っております。2点以上まとめてご購入いただくと送料無料になります。", "promotion"},
		{"ja", "公式LINE：@hachulabo（新商品・入荷情報を配信中）", "contact,promotion"},
		{"ja", "オンラインでのご注文ありがとうございます。", ""},
	})
	raw := "From: Shop <care@hachulabo.jp>\r\nTo: " + buyerFor("ja") + "\r\nSubject: x\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n拡大した図案をお送りします。\r\n--b\r\n" +
		"Content-Type: image/png; name*=iso-2022-jp''%1B%24B%3F%5E0F%1B%28B.png\r\nContent-Transfer-Encoding: base64\r\n" +
		"Content-Disposition: attachment;\r\n\tfilename*0*=iso-2022-jp''%1B%24B%3F%5E; filename*1*=0F%1B%28B.png\r\n\r\n" +
		"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\r\n--b--\r\n"
	m, err := Parse(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Name != "図案.png" {
		t.Fatalf("attachments = %+v, want one named 図案.png", m.Attachments)
	}
	if v := defaultEngine.Check(m, Envelope{MailFrom: "care@hachulabo.jp", Rcpt: []string{buyerFor("ja")}}); categories(v) != "" {
		t.Errorf("a PNG named in ISO-2022-JP: refused for %q", categories(v))
	}
}

// What set 49 found: a new collection at an introductory price "solange
// der Vorrat reicht", a kit "cheaper than buying everything separately",
// "5 petites étoiles", a refund that "n'a rien à voir" with the review, an
// address with a dash in words ("aquanetto tiret piscines point fr"), a
// sign said to stand for '@' ("★を@に変えて"), and a manufacturer's
// "servicio técnico de Thule" with its hours between label and number.
func TestSet49Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"de", "P.S. Ganz neu bei uns: die Tragejacken-Kollektion in drei Farben – fragen Sie nach unserem Einführungspreis, solange der Vorrat reicht!", "promotion"},
		{"en", "Grab our Spring Opening Kit, it works out about 30% cheaper than buying everything separately.", "promotion"},
		{"fr", "Si l'écharpe vous plaît, pensez à nous laisser 5 petites étoiles sur Amazon.", "review"},
		{"fr", "Que vous laissiez une ou cinq petites étoiles, votre avis nous aide.", ""},
		{"fr", "Nous avons lu le commentaire que vous avez publié. Ce remboursement partiel n'a rien à voir avec lui : votre avis reste le vôtre.", ""},
		{"fr", "Envoyez la photo à mon adresse directe, julien chez aquanetto tiret piscines point fr.", "contact"},
		{"ja", "写真はphoto★carrierworks-jp.com（★を@に変えて送信してください）宛てにお送りください。", "contact"},
		{"en", "Send it to info#shop.com (replace # with @).", "contact"},
		{"es", "Pídala al servicio técnico de Thule España (atención al consumidor, de lunes a viernes de 9:00 a 17:00): 900 10 22 47.", ""},
	})
}

// What set 50 found: "Direct line:" in a signature headed "Customer
// Care" is the agent's own line, a device's setup address 192.168.4.1 is
// no phone, "con independencia de su opinión" keeps a review request
// neutral, and the shop's own store "nel nostro negozio di Bologna" is a
// promotion even when the sentence says what it does "non" keep online.
func TestSet50Kinds(t *testing.T) {
	expectCategories(t, []langCase{
		{"en", "Marisol Ortega | Customer Care\nHollis & Vane Clockworks\nDirect line: (614) 555-0193 ext. 4", "contact"},
		{"it", "Dal telefono, apra il browser all'indirizzo 192.168.4.1 e inserisca la rete.", ""},
		{"it", "Mi chiami al telefono 055.123.45.67.", "contact"},
		{"es", "Y, con independencia de su opinión, si el reloj no funciona como esperaba puede responder a este mensaje y le ayudamos.", ""},
		{"it", "La XS la trova nel nostro negozio di Bologna, in via Saragozza 118, insieme alla linea in colori che online non teniamo.", "promotion"},
		{"es", "Es un lote que ya no está en las tiendas físicas.", ""},
	})
}
