package spool

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"
)

func TestSpillsAboveLimitAndReadsBackIdentical(t *testing.T) {
	for _, size := range []int{0, 100, 4096, 300 << 10} {
		data := bytes.Repeat([]byte("0123456789abcdef\r\n"), size/18+1)[:size]
		s := New(4096, t.TempDir())
		if _, err := s.ReadFrom(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		if got, want := s.OnDisk(), size > 4096; got != want {
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
}
