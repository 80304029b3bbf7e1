package filter

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
)

func benchMessage(b *testing.B, path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
}

// walk is the baseline: a plain go-message walk that decodes every part.
func walk(b *testing.B, raw []byte) {
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		b.Fatal(err)
	}
	e.Walk(func(path []int, part *message.Entity, err error) error {
		if part.MultipartReader() == nil {
			io.Copy(io.Discard, part.Body)
		}
		return nil
	})
}

// BenchmarkReply5K: the full check of a 5 KB HTML reply (Gmail layout, a
// quote, a carrier link) against the plain decoding walk of the same bytes.
//
//	go test -run '^$' -bench . -cpu 1 ./filter/
func BenchmarkReply5K(b *testing.B) {
	raw := benchMessage(b, "../bench/reply-5k.eml")
	e := NewEngine(DefaultPolicy())
	env := Envelope{MailFrom: "support@seller.test", Rcpt: []string{"a1b2c3d4e5f6g7@marketplace.amazon.de"}}
	b.Run("check", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for i := 0; i < b.N; i++ {
			m, err := Parse(bytes.NewReader(raw))
			if err != nil {
				b.Fatal(err)
			}
			if v := e.Check(m, env); v.Refused() {
				b.Fatalf("compliant reply refused: %+v", v.Violations)
			}
		}
	})
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for i := 0; i < b.N; i++ {
			if _, err := Parse(bytes.NewReader(raw)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("walk", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for i := 0; i < b.N; i++ {
			walk(b, raw)
		}
	})
	b.Run("ratio", func(b *testing.B) { ratio(b, e, env, raw) })
}

// ratio measures check and walk alternately, message by message, and
// reports what the check costs in walks ("x-walk", the bar is 3) and in
// checks per second: on a shared machine whose speed drifts, the two
// separate benchmarks above can run at different speeds.
func ratio(b *testing.B, e *Engine, env Envelope, raw []byte) {
	var check, base time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		m, err := Parse(bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		e.Check(m, env)
		t1 := time.Now()
		walk(b, raw)
		check += t1.Sub(t0)
		base += time.Since(t1)
	}
	b.ReportMetric(float64(check)/float64(base), "x-walk")
	b.ReportMetric(float64(b.N)/check.Seconds(), "checks/s")
}

// BenchmarkLarge2MB: a reply with a PDF and photos, about 2 MB.
func BenchmarkLarge2MB(b *testing.B) {
	raw := large2MB()
	e := NewEngine(DefaultPolicy())
	env := Envelope{MailFrom: "support@seller.test", Rcpt: []string{"a1b2c3d4e5f6g7@marketplace.amazon.de"}}
	b.Run("check", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for i := 0; i < b.N; i++ {
			m, _ := Parse(bytes.NewReader(raw))
			e.Check(m, env)
		}
	})
	b.Run("walk", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for i := 0; i < b.N; i++ {
			walk(b, raw)
		}
	})
	b.Run("ratio", func(b *testing.B) { ratio(b, e, env, raw) })
}

func large2MB() []byte {
	var buf bytes.Buffer
	buf.WriteString("From: <support@seller.test>\r\nTo: a1b2c3d4e5f6g7@marketplace.amazon.de\r\nSubject: Rechnung und Fotos\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAnbei Rechnung und Fotos des Schadens.\r\n")
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0 0 obj<< /Length 44 >>stream\nBT /F1 12 Tf 72 712 Td (Rechnung) Tj ET\nendstream endobj\n"), 6000)...)
	jpg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{0x55, 0xAA, 0x12, 0x34}, 120000)...)
	for i, part := range []struct {
		name, ct string
		data     []byte
	}{{"rechnung.pdf", "application/pdf", pdf}, {"foto1.jpg", "image/jpeg", jpg}, {"foto2.jpg", "image/jpeg", jpg}, {"foto3.jpg", "image/jpeg", jpg}} {
		fmt.Fprintf(&buf, "--zz\r\nContent-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", part.ct, part.name, part.name)
		enc := base64Lines(part.data)
		buf.WriteString(enc)
		_ = i
	}
	buf.WriteString("--zz--\r\n")
	return buf.Bytes()
}

func base64Lines(data []byte) string {
	var b strings.Builder
	s := encodeB64(data)
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s + "\r\n")
	return b.String()
}

func encodeB64(d []byte) string { return base64.StdEncoding.EncodeToString(d) }
