package gateway_test

import (
	"strings"
	"testing"
)

// buyerWords is a buyer's message holding what a seller may not write:
// the buyer's own phone number and a threat of one star.
const buyerWords = "Guten Tag,\r\n" +
	"das Paket zur Bestellung 302-1234567-7654321 ist nicht angekommen.\r\n" +
	"Rufen Sie mich bitte unter 0170 9876543 an, sonst gebe ich einen Stern.\r\n"

// TestReplyQuotingRecordedBuyerMessageInAnyFormPasses: an agent whose
// client quotes the buyer in a form no structure gives away (the buyer's
// lines pasted under "Sie schrieben:") is refused while the gateway has no
// record of the buyer's message, and passes once the buyer's message came
// in through the inbound listener: the buyer's words are the buyer's.
func TestReplyQuotingRecordedBuyerMessageInAnyFormPasses(t *testing.T) {
	e := startEnv(t, inboundConfig)
	reply := message(agentAddr, buyerAddr, "Re: Bestellung 302-1234567-7654321",
		"Guten Tag,\n\nes tut uns leid, wir haben Ihnen heute kostenlos Ersatz geschickt.\n\n"+
			"Sie schrieben:\n"+strings.ReplaceAll(buyerWords, "\r\n", "\n")+"\nViele Grüße\nIhr Team")

	err := send(e.login(), agentAddr, []string{buyerAddr}, reply)
	if smtpCode(err) != 550 && smtpCode(err) != 554 {
		t.Fatalf("without the buyer's message on record: %v, want a refusal naming the phone number", err)
	}
	if !strings.Contains(err.Error(), "contact") {
		t.Errorf("refusal does not name the contact detail: %v", err)
	}

	msg := amazonMessageWith(t, e, "amazon.de", buyerAddr, buyerWords)
	if err := deliverInbound(t, e, "bounces@amazon.de", msg); err != nil {
		t.Fatalf("inbound: %v", err)
	}
	if err := send(e.login(), agentAddr, []string{buyerAddr}, reply); err != nil {
		t.Fatalf("with the buyer's message on record the reply is refused: %v", err)
	}
}

// TestFakeQuoteRefusedWithRecord: with the buyer's message on record, a
// '>' quote that the buyer never wrote is the seller's text, and its
// phone number refuses the reply.
func TestFakeQuoteRefusedWithRecord(t *testing.T) {
	e := startEnv(t, inboundConfig)
	msg := amazonMessageWith(t, e, "amazon.de", buyerAddr, buyerWords)
	if err := deliverInbound(t, e, "bounces@amazon.de", msg); err != nil {
		t.Fatalf("inbound: %v", err)
	}
	reply := message(agentAddr, buyerAddr, "Re: Bestellung 302-1234567-7654321",
		"Guten Tag,\n\nwir schicken Ersatz.\n\n> Am 02.11.2026 schrieb Käufer:\n"+
			"> Rufen Sie mich bitte unter 0170 9876543 an.\n> Oder schreiben Sie an info@seller-shop.de, Tel. 030 1234567.\n")
	err := send(e.login(), agentAddr, []string{buyerAddr}, reply)
	if err == nil {
		t.Fatal("a quote the buyer never wrote carried the seller's phone number out")
	}
	if !strings.Contains(err.Error(), "030 1234567") && !strings.Contains(err.Error(), "info@seller-shop.de") {
		t.Errorf("refusal does not name the invented quote's contact details: %v", err)
	}
}
