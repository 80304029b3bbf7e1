package filter

import (
	"strings"
	"testing"
)

// Review manipulation and promotion phrased in words no phrase list holds
// are found by the concepts that meet in a sentence; the same words apart,
// or in another sense, are not.
func TestConcepts(t *testing.T) {
	cases := []struct {
		lang, body, want string // want: the rule, or "" for a pass
	}{
		{"en", "Once your review is online we will send you a 10 € gift card.", "review.incentive"},
		{"en", "We'd be grateful if you could reconsider the rating you gave us.", "review.change"},
		{"en", "If you enjoyed the kettle, we would love to read your review.", "review.if-satisfied"},
		{"en", "Please get in touch with us first, before writing any review.", "review.contact-first"},
		{"en", "The matching lid set is available at a special price this week.", "promotion.other-product"},
		{"en", "Enjoy a discount on your next purchase with us.", "promotion.future-purchase"},
		{"en", "Just search for BrightKettle on Amazon to see everything.", "promotion.search-seller"},
		{"de", "Sobald Ihre Bewertung online ist, erstatten wir Ihnen die Versandkosten.", "review.incentive"},
		{"de", "Könnten Sie Ihre Rezension vielleicht noch einmal überdenken?", "review.change"},
		{"fr", "Pour tout avis publié, nous vous offrons une carte cadeau.", "review.incentive"},
		{"fr", "Pourriez-vous modifier votre évaluation maintenant que tout est réglé ?", "review.change"},
		{"es", "Si le ha gustado el producto, nos encantaría leer su reseña.", "review.if-satisfied"},
		{"it", "Con il Black Friday tutta la nostra collezione è in offerta.", "promotion.seasonal"},
		{"ja", "レビューを投稿していただいた方にはAmazonギフト券をプレゼントしております。", "review.incentive"},
		{"ja", "評価を見直していただけないでしょうか。", "review.change"},
		// Words a writer joined with hyphens are read one by one too.
		{"de", "Zufrieden mit uns? Dann freuen wir uns riesig über Ihre 5-Sterne-Bewertung auf Amazon!", "review.positive-only"},
		// The seller's name as words, not as its domain.
		{"en", "He will love our new kettle too, just search Bright Kettle Classic on Amazon.", "promotion.search-seller"},
		// A review asked to reflect the resolution is asked to change; a
		// review said to reflect an experience is not.
		{"de", "Da jetzt alles passt, wäre es lieb, wenn sich das auch in Ihrer Bewertung widerspiegelt.", "review.reflect"},
		{"fr", "Votre évaluation reflète votre expérience, c'est tout à fait votre droit.", ""},
		// Products sold off Amazon.
		{"fr", "Notre boutique de Quimper propose aussi des caramels qu'on ne vend pas sur Amazon.", "promotion.elsewhere"},
		// A reward against a screenshot of the review, a sentence later.
		{"en", "We'd welcome your honest review. Send us a screenshot of it and we'll refund the shipping.", "review.incentive-proof"},
		// "Don't review, write to us instead."
		{"it", "Se invece qualcosa non La convince, non scriva la recensione: risponda a questo messaggio.", "review.contact-instead"},
		// Cross-selling, a launch, a giveaway, an invitation to follow.
		{"it", "Se cerca Cucina Viva Inox su Amazon trova il set da 5 pezzi.", "promotion.search-product"},
		{"fr", "Pour aller avec, beaucoup de nos clients prennent aussi notre cocotte.", "promotion.cross-sell"},
		{"es", "Este mes sorteamos una casita entre quienes sigan nuestra página.", "promotion.giveaway"},
		{"ja", "新作情報はInstagramで発信中です。フォローお待ちしています！", "promotion.follow"},
		{"fr", "Les trois ensemble forment le kit, à 79 € au lieu de 96 € en ce moment.", "promotion"},
		// The same words in another sense, or apart, pass.
		{"de", "Mit dem Handy das WLAN WR600-Setup suchen und verbinden.", ""},
		{"de", "Wenn Sie zwei weitere Exemplare bestellen, geben Sie bitte wieder dieselbe Lieferadresse an.", ""},
		{"it", "Se il centro assistenza non dovesse risolvere, valutiamo insieme la sostituzione o il rimborso.", ""},
		{"en", "Send us a screenshot of the error message and we will refund you.", ""},
		{"es", "Le escribimos por su pedido de café en grano Bright Kettle, entregado ayer.", ""},
		{"en", "The Bright Kettle Classic has a 2-year warranty; the model number is on the base.", ""},
		{"en", "We reviewed your photos and issued a full refund today.", ""},
		{"en", "If you have a moment, you can share your experience with a review on Amazon.", ""},
		{"en", "We will send a replacement free of charge. Reviews help other buyers too.", ""},
		{"fr", "Si vous avez changé d'avis, le retour est gratuit.", ""},
		{"es", "Si cambia de opinión, puede devolverlo gratis.", ""},
		{"de", "Wir erstatten Ihnen den vollen Betrag. Vielen Dank für Ihre Geduld.", ""},
	}
	for _, tc := range cases {
		raw := strings.Replace(plain(tc.lang, tc.body), "support@shop.test", "support@brightkettle.co.uk", 1)
		v := defaultEngine.CheckReader("draft", strings.NewReader(raw))
		var rules []string
		for _, x := range v.Violations {
			if x.Action >= Quarantine {
				rules = append(rules, x.Rule)
			}
		}
		got := strings.Join(rules, ",")
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s %q: refused for %q, want %q", tc.lang, tc.body, got, tc.want)
		}
	}
}

// A review request that leaves the verdict to the buyer ("whether one star
// or five", "positive or negative", "honest") asks for no positive
// review; the same words steering to five stars do.
func TestNeutralReviewRequests(t *testing.T) {
	cases := []struct {
		lang, body string
		refuse     bool
	}{
		{"de", "Und falls Sie Lust haben: egal ob Sie einen oder fünf Sterne vergeben, wir lesen jede Rezension.", false},
		{"de", "Wir freuen uns über Ihre Bewertung, ob sie positiv oder kritisch ausfällt. Ehrliche Bewertungen helfen uns, besser zu werden.", false},
		{"fr", "Vous pouvez partager votre avis sur l'article, qu'il soit positif ou négatif.", false},
		{"en", "Your honest review, positive or negative, helps us improve.", false},
		{"de", "Bitte geben Sie uns 5 Sterne, wenn alles passt.", true},
		{"fr", "Merci de nous laisser un avis 5 étoiles.", true},
		{"es", "Le agradeceríamos una valoración de 5 estrellas.", true},
		{"ja", "よろしければ星5のレビューをお願いします。", true},
	}
	for _, tc := range cases {
		expectVerdict(t, tc.lang, tc.body, plain(tc.lang, tc.body), tc.refuse, "review")
	}
}

// What an agent declines or says is not done is no offer: "we cannot give
// you a coupon code", "rather here on Amazon than on WhatsApp", "the refund
// does not depend on your review". An invitation phrased with a negation
// ("don't hesitate to message us on WhatsApp") and an offer after "but"
// still refuse.
func TestDeclinedIsNoOffer(t *testing.T) {
	cases := []struct {
		lang, body string
		refuse     bool
	}{
		{"de", "Einen Gutscheincode können wir Ihnen hier leider nicht geben.", false},
		{"de", "Das klären wir lieber hier über Amazon statt per WhatsApp, dann ist alles dokumentiert.", false},
		{"es", "Le hemos reembolsado el importe. El reembolso no depende de su reseña.", false},
		{"it", "Le mandiamo una candela nuova in ogni caso, gratuitamente: non serve nessuna recensione in cambio.", false},
		{"fr", "Nous ne pouvons pas communiquer de numéro de téléphone, de WhatsApp ou d'adresse e-mail.", false},
		{"de", "Zögern Sie nicht, uns per WhatsApp zu schreiben.", true},
		{"en", "Don't hesitate to message us on WhatsApp.", true},
		{"de", "Bei Amazon haben wir die roten leider nicht gelistet, aber in unserem Etsy-Laden gibt es sie.", true},
		{"en", "We refund the shipping costs once your review is online.", true},
	}
	for _, tc := range cases {
		expectVerdict(t, tc.lang, tc.body, plain(tc.lang, tc.body), tc.refuse, "")
	}
}

// Review and promotion by intent, phrased as no list expects.
func TestIntentBeyondLists(t *testing.T) {
	cases := []struct {
		lang, body, cat string
	}{
		{"en", "There's an option under Your Orders > Leave seller feedback that lets you take it down.", "review"},
		{"en", "If the lamp is everything you hoped for, a five-star on the listing would make our day!", "review"},
		{"es", "Si nos deja su opinión en Amazon, le enviamos un código del 10 % para su próxima compra.", "review"},
		{"es", "Como agradecimiento, si publica una reseña, le mandamos sin coste un kit de recambios.", "review"},
		{"fr", "Merci de mettre d'abord à jour votre commentaire sur la page produit.", "review"},
		{"it", "Ci farebbe un grande regalo raccontarlo con il punteggio pieno qui.", "review"},
		{"de", "Geben Sie bei Amazon einfach mal „Kräuterkontor“ ins Suchfeld ein.", "promotion"},
		{"es", "Si nos busca como \"Altura\" en Mercado Libre, ahí encuentra la bolsa de 1 kg.", "promotion"},
		{"fr", "Si vous souhaitez être invité à nos ventes privées, répondez OUI à ce message.", "promotion"},
		{"it", "Se vuole riceverla, mi risponda con la parola ISCRIVIMI.", "promotion"},
		{"ja", "Amazonで「ゆるり靴下」と検索していただくと、色違いもご覧いただけます。", "promotion"},
		{"es", "Síganos: IG @pinatas.lacatrina", "contact"},
		{"ja", "詳しくは diy-nagano[.]jp/docs/ をご覧ください（[.]を.に置き換えてください）。", "link"},
		{"en", "Free delivery in our online store: https://www.orchidlane.sg/?utm_source=amazon&utm_medium=email", "promotion"},
		{"de", "Schauen Sie mal auf www.shop.de vorbei.", "promotion"},
	}
	for _, tc := range cases {
		if v := checkRaw(t, plain(tc.lang, tc.body)); !hasCategory(v, tc.cat) {
			t.Errorf("%s %q: not refused as %s (%+v)", tc.lang, tc.body, tc.cat, v.Violations)
		}
	}
	for _, tc := range []struct{ lang, body string }{
		{"es", "Valor nominal: 20 µF +/- 5 % (aceptable de 19 a 21 µF)."},
		{"es", "Si ya lo ha probado, le agradeceríamos que compartiera su opinión, sea cual sea."},
		{"fr", "Déposez ce colis en bureau de poste ou en point de retrait."},
		{"en", "Search for the order in Your Orders and click Return items."},
	} {
		if v := checkRaw(t, plain(tc.lang, tc.body)); v.Refused() {
			t.Errorf("%s %q refused: %+v", tc.lang, tc.body, v.Violations)
		}
	}
}

// A request to change a review may name the review a sentence or two
// before it asks; a sentence about something else after a review does
// not ask anything.
func TestChangeRequestOverSentences(t *testing.T) {
	cases := []struct {
		lang, body string
		refuse     bool
	}{
		{"fr", "Vous nous aviez laissé une évaluation d'une étoile. Maintenant que le problème est réglé, seriez-vous d'accord pour la mettre à jour ?", true},
		{"de", "Sie hatten eine Rezension mit einem Stern geschrieben. Jetzt wo alles gelöst ist, mögen Sie sie noch einmal anschauen und ein kurzes Update ergänzen?", true},
		{"es", "Nos dejó una valoración de 2 estrellas. ¿Sería tan amable de echarle otro vistazo? Nos ayudaría que la actualizase.", true},
		{"en", "Thank you for your review. We will update you on the shipment tomorrow.", false},
		{"en", "Thanks for the rating. Could you please confirm your address so we can change the delivery?", false},
	}
	for _, tc := range cases {
		expectVerdict(t, tc.lang, tc.body, plain(tc.lang, tc.body), tc.refuse, "")
	}
	if _, err := compileConcepts(ConceptSpec{Terms: map[string]map[string][]string{"a": {"en": {"x"}}},
		Rules: []ConceptRule{{ID: "r", Category: "review", All: []string{"a"}, Span: 9}}}); err == nil || !strings.Contains(err.Error(), "span 9") {
		t.Errorf("a span of 9 sentences: %v, want an error naming it", err)
	}
}

// clauseAround never returns a clause that does not hold the phrase, and
// never panics, wherever the contrast words fall.
func TestClauseAroundBounds(t *testing.T) {
	for _, s := range []string{"x ma y", " ma ", "ma ma ma", "a but b but", "oui mais non mais"} {
		for at := 0; at <= len(s); at++ {
			lo, hi := clauseAround(s, 0, len(s), at)
			if lo < 0 || hi > len(s) || lo > hi || lo > at {
				t.Errorf("clauseAround(%q, at %d) = %d, %d", s, at, lo, hi)
			}
		}
	}
}

// Compliant replies that once read as violations.
func TestCompliantLookalikes(t *testing.T) {
	for _, tc := range []struct{ lang, body string }{
		{"de", "Zusammensetzung: Lamm (getrocknet, 32 %), Kartoffel (28 %), Erbsen."},
		{"de", "Der Betrag setzt sich zusammen aus der MWST (8,1 % auf CHF 129.00) und der Gebühr der Post."},
		{"it", "Anche le osservazioni critiche ci sono utili: in base ai commenti rivediamo le ricette."},
		{"ja", "お店のホームページについてのご質問ですが、恐れ入りますがAmazonの規約上、外部のサイトや連絡先はお伝えできません。"},
		{"en", "The maker's consumer care line is 1800 160 437, weekdays 9am-4pm."},
		{"en", "The full ingredient panel is also in the images on the listing."},
	} {
		expectVerdict(t, tc.lang, tc.body, plain(tc.lang, tc.body), false, "")
	}
	// A Thunderbird quote whose attribution names no address: the buyer's
	// own e-mail address and link in it are the buyer's.
	html := `<p>Guten Tag, das Futter ist ohne Huhn.</p><div class="moz-cite-prefix">Am 20.08.25 um 22:31 schrieb Giorgia - Amazon Marketplace:<br></div>` +
		`<blockquote type="cite"><p>Schreiben Sie mir an giorgia.pinna78@gmail.com, hier der Link https://www.facebook.com/groups/x</p></blockquote>`
	if v := checkRaw(t, htmlMessage("de", html)); v.Refused() {
		t.Errorf("the buyer's words in a quote without an address refused: %+v", v.Violations)
	}
}
