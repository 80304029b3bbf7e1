package quarantine

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding/japanese"
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

// An appeal written in Latin-1 or ISO-2022-JP with a text and an HTML part
// loses its reason in both: the parts go out in UTF-8, the text the same;
// a tag in an encoded-word subject goes too.
func TestCleanAppealOtherCharsets(t *testing.T) {
	jis, err := japanese.ISO2022JP.NewEncoder().String("理由：メーカーの窓口です\r\nご不便をおかけしております。0120-123-456\r\n")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct{ raw, keep, gone string }{
		"windows-1252": {
			raw: "From: <a@shop.test>\r\nTo: <b@marketplace.amazon.de>\r\nSubject: =?windows-1252?Q?[appeal]_Re:_Gr=FC=DFe?=\r\nMIME-Version: 1.0\r\n" +
				"Content-Type: multipart/alternative; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
				"Grund: die Nummer ist die des Herstellers\r\nGr=FC=DFe, rufen Sie 0611 4470 28 an.\r\n--b1\r\nContent-Type: text/html; charset=windows-1252\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
				"<p>Grund: die Nummer ist die des Herstellers</p><p>Gr\xfc\xdfe, rufen Sie 0611 4470 28 an.</p>\r\n--b1--\r\n",
			keep: "Grüße, rufen Sie 0611 4470 28 an.", gone: "Herstellers",
		},
		"iso-2022-jp": {
			raw: "From: <a@shop.test>\r\nTo: <b@marketplace.amazon.co.jp>\r\nSubject: [appeal] Re: order\r\nMIME-Version: 1.0\r\n" +
				"Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" +
				jis + "--b1--\r\n",
			keep: "ご不便をおかけしております。0120-123-456", gone: "メーカーの窓口",
		},
	}
	for name, c := range cases {
		out := cleanAppeal([]byte(c.raw), "[appeal]")
		e, err := message.Read(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("%s: the cleaned appeal does not parse: %v\n%s", name, err, out)
		}
		if subj, _ := e.Header.Text("Subject"); strings.Contains(strings.ToLower(subj), "[appeal]") {
			t.Errorf("%s: the tag is left in %q", name, subj)
		}
		n := 0
		e.Walk(func(_ []int, p *message.Entity, _ error) error {
			if p.MultipartReader() != nil {
				return nil
			}
			text, _ := io.ReadAll(p.Body)
			n++
			if !strings.Contains(string(text), c.keep) || strings.Contains(string(text), c.gone) {
				t.Errorf("%s: a part reads %q, want %q without the reason", name, text, c.keep)
			}
			return nil
		})
		if n == 0 {
			t.Errorf("%s: no text part left:\n%s", name, out)
		}
	}
}
