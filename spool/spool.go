// Package spool holds one message's bytes while the gateway checks and
// relays it: in memory up to a threshold, in a temporary file above it, so
// that many large concurrent messages do not exhaust memory.
package spool

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
)

// Spool is a message's bytes, written once and then read any number of times.
type Spool struct {
	limit int64
	dir   string
	mem   bytes.Buffer
	file  *os.File
	size  int64
	sum   hash.Hash
}

// New returns an empty spool that keeps up to memLimit bytes in memory and
// spills to a temporary file in dir ("" for the system default) beyond that.
func New(memLimit int64, dir string) *Spool {
	return &Spool{limit: memLimit, dir: dir, sum: sha256.New()}
}

// Write appends p to the message.
func (s *Spool) Write(p []byte) (int, error) {
	s.sum.Write(p)
	if s.file == nil && int64(s.mem.Len()+len(p)) > s.limit {
		f, err := os.CreateTemp(s.dir, "sellergate-spool-*")
		if err != nil {
			return 0, fmt.Errorf("spilling message to disk: %w", err)
		}
		// The file is only ever reached through this handle.
		os.Remove(f.Name())
		if _, err := f.Write(s.mem.Bytes()); err != nil {
			f.Close()
			return 0, fmt.Errorf("spilling message to disk: %w", err)
		}
		s.mem = bytes.Buffer{}
		s.file = f
	}
	var n int
	var err error
	if s.file != nil {
		n, err = s.file.Write(p)
		if err != nil {
			err = fmt.Errorf("writing message to disk: %w", err)
		}
	} else {
		n, _ = s.mem.Write(p)
	}
	s.size += int64(n)
	return n, err
}

// readChunk is the room ReadFrom makes in memory when the buffer's free
// space runs low.
const readChunk = 8 << 10

// ReadFrom fills the spool from r. While the message fits in memory it is
// read straight into the spool's buffer, with no copy buffer in between.
func (s *Spool) ReadFrom(r io.Reader) (int64, error) {
	var total int64
	var buf []byte // once spilled: what is read before it goes to the file
	for {
		var p []byte
		if s.file == nil {
			if s.mem.Available() < readChunk/8 {
				s.mem.Grow(readChunk)
			}
			p = s.mem.AvailableBuffer()
			p = p[:cap(p)]
		} else {
			if buf == nil {
				buf = make([]byte, 32<<10)
			}
			p = buf
		}
		n, err := r.Read(p)
		if n > 0 {
			// p is the buffer's free space: Write appends it in place (or
			// spills it with the rest to the file).
			if _, werr := s.Write(p[:n]); werr != nil {
				return total, werr
			}
			total += int64(n)
		}
		if errors.Is(err, io.EOF) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// Size is the number of bytes written.
func (s *Spool) Size() int64 { return s.size }

// SHA256 is the hex SHA-256 of the bytes written so far.
func (s *Spool) SHA256() string { return hex.EncodeToString(s.sum.Sum(nil)) }

// OnDisk reports whether the message was spilled to a file.
func (s *Spool) OnDisk() bool { return s.file != nil }

// Reader returns a reader over the whole message from its start. Readers
// are independent of each other.
func (s *Spool) Reader() io.Reader {
	if s.file != nil {
		return io.NewSectionReader(s.file, 0, s.size)
	}
	return bytes.NewReader(s.mem.Bytes())
}

// Bytes returns the message if it is held in memory, nil if it was spilled.
func (s *Spool) Bytes() []byte {
	if s.file != nil {
		return nil
	}
	return s.mem.Bytes()
}

// Close releases the spool's memory and file.
func (s *Spool) Close() error {
	s.mem = bytes.Buffer{}
	if s.file != nil {
		err := s.file.Close()
		s.file = nil
		return err
	}
	return nil
}
