package filter

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// addCorpusSeeds seeds a fuzz target with the committed labelled corpus.
func addCorpusSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*", "*.eml"))
	for i, name := range files {
		if i%4 != 0 { // a quarter of them is variety enough
			continue
		}
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("From: <a@b.test>\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"))
	f.Add([]byte("Subject: =?utf-8?q?=E2=82?=\r\n\r\n\xff\xfe"))
}

// FuzzParse: parsing never panics, whatever the bytes.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 30s ./filter/
func FuzzParse(f *testing.F) {
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		Parse(bytes.NewReader(data))
	})
}

// FuzzCheck: checking a parsed message never panics and always gives a
// verdict that names what it refuses.
func FuzzCheck(f *testing.F) {
	addCorpusSeeds(f)
	e := NewEngine(DefaultPolicy())
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		v := e.Check(m, Envelope{Rcpt: []string{"a1@marketplace.amazon.de"}})
		if v.Refused() && len(v.Violations) == 0 {
			t.Fatalf("refused without a reason")
		}
	})
}
