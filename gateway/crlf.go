package gateway

import (
	"io"

	"golang.org/x/text/transform"
)

// What leaves the gateway has one line ending, CRLF, and no NUL: a bare CR
// or LF, or a NUL next to a dot, is read by some MTAs as the end of the
// data the gateway did not mean to end (SMTP smuggling). The message is
// checked as received and sent in this canonical form, signed as sent.

// canonicalLines rewrites bare CR and bare LF as CRLF and drops NUL.
type canonicalLines struct{ transform.NopResetter }

// Transform implements transform.Transformer.
func (canonicalLines) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		c := src[nSrc]
		switch c {
		case 0:
			nSrc++
			continue
		case '\r', '\n':
			if c == '\r' && nSrc+1 == len(src) && !atEOF {
				return nDst, nSrc, transform.ErrShortSrc // is a LF next?
			}
			if nDst+2 > len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst], dst[nDst+1] = '\r', '\n'
			nDst += 2
			nSrc++
			if c == '\r' && nSrc < len(src) && src[nSrc] == '\n' {
				nSrc++
			}
			continue
		}
		if nDst == len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		dst[nDst] = c
		nDst++
		nSrc++
	}
	return nDst, nSrc, nil
}

// canonical returns r with canonical line endings and no NUL.
func canonical(r io.Reader) io.Reader { return transform.NewReader(r, canonicalLines{}) }

// canonicalSize is the size of r in canonical form.
func canonicalSize(r io.Reader) (int64, error) {
	return io.Copy(io.Discard, canonical(r))
}
