package spool

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"testing"
	"testing/iotest"
)

func TestSpillsAboveLimitAndReadsBackIdentical(t *testing.T) {
	// Whole reads, half reads, and byte-at-a-time reads: the spill to disk
	// happens in the first read or in the middle of the in-memory phase.
	readers := map[string]func([]byte) io.Reader{
		"whole": func(b []byte) io.Reader { return bytes.NewReader(b) },
		"half":  func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) },
		"byte":  func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) },
	}
	for _, limit := range []int{4096, 20000} {
		for name, reader := range readers {
			for _, size := range []int{0, 100, 4096, 20000, 300 << 10} {
				t.Run(fmt.Sprintf("limit=%d/%s/%d", limit, name, size), func(t *testing.T) {
					spillAndReadBack(t, limit, size, reader)
				})
			}
		}
	}
}

func spillAndReadBack(t *testing.T, limit, size int, reader func([]byte) io.Reader) {
	data := bytes.Repeat([]byte("0123456789abcdef\r\n"), size/18+1)[:size]
	s := New(int64(limit), t.TempDir())
	if _, err := s.ReadFrom(reader(data)); err != nil {
		t.Fatal(err)
	}
	if got, want := s.OnDisk(), size > limit; got != want {
		t.Errorf("size %d: OnDisk = %v, want %v", size, got, want)
	}
	for i := 0; i < 2; i++ { // readers are independent and repeatable
		got, err := io.ReadAll(s.Reader())
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("size %d: read back %d bytes (err %v), want %d identical", size, len(got), err, size)
		}
	}
	sum := sha256.Sum256(data)
	if s.SHA256() != hex.EncodeToString(sum[:]) || s.Size() != int64(size) {
		t.Errorf("size %d: sha/size mismatch", size)
	}
	s.Close()
}
