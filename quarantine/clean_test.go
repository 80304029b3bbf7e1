package quarantine

import (
	"strings"
	"testing"

	_ "github.com/emersion/go-message/charset"
)

// An appeal goes out without the tag and the reason line, in every text
// part, and the rest of the message as it was (charset and all).
func TestCleanAppeal(t *testing.T) {
	plain := "From: <a@shop.test>\r\nTo: <b@marketplace.amazon.de>\r\nSubject: [appeal] Re: Bestellung 302-1234567-7654321\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"Grund: die Nummer ist die des Herstellers\r\nGr=FC=DFe, die Nummer ist 0611 4470 28.\r\n"
	multi := "From: <a@shop.test>\r\nTo: <b@marketplace.amazon.de>\r\nSubject: Re: x [Appeal]\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Reason: the buyer asked\r\nHello, call 0611 4470 28.\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
		"<div>Reason: the buyer asked</div><div>Hello, call 0611 4470 28.</div>\r\n--b1--\r\n"
	for name, raw := range map[string]string{"plain": plain, "multipart": multi} {
		out := string(cleanAppeal([]byte(raw), "[appeal]"))
		low := strings.ToLower(out)
		if strings.Contains(low, "[appeal]") || strings.Contains(low, "reason:") || strings.Contains(low, "grund:") {
			t.Errorf("%s: tag or reason left:\n%s", name, out)
		}
		if !strings.Contains(out, "0611 4470 28") {
			t.Errorf("%s: the message itself went missing:\n%s", name, out)
		}
	}
	out := string(cleanAppeal([]byte(plain), "[appeal]"))
	if !strings.Contains(out, "Gr=FC=DFe") || !strings.Contains(strings.ToLower(out), "charset=iso-8859-1") {
		t.Errorf("the Latin-1 text was re-encoded:\n%s", out)
	}
}
