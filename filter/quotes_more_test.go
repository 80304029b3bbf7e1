package filter

import (
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
