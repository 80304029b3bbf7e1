package filter

import (
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/emersion/go-message/charset"
)

// extendedParam reads the RFC 2231 parameter key ("filename*=iso-2022-jp'ja'
// %1B%24B…", or continued as "filename*0*=…; filename*1*=…") from a raw
// Content-Type or Content-Disposition value, in any charset go-message
// knows. Go's mime package keeps such a value only in UTF-8 or US-ASCII
// and drops the rest: an attachment named in ISO-2022-JP or Shift_JIS, as
// Japanese mail clients name them, lost its name and was refused as a
// file of no type. It returns "" when the header has no such parameter or
// it cannot be read.
func extendedParam(raw, key string) string {
	type segment struct {
		n       int
		encoded bool
		value   string
	}
	var segs []segment
	for _, p := range splitParams(raw) {
		name, value, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		name = strings.ToLower(strings.TrimSpace(name))
		rest, ok := strings.CutPrefix(name, strings.ToLower(key)+"*")
		if !ok {
			continue
		}
		s := segment{value: strings.Trim(strings.TrimSpace(value), `"`)}
		if rest, s.encoded = strings.CutSuffix(rest, "*"); rest == "" {
			s.encoded = true // key*=charset'lang'value
		} else if n, err := strconv.Atoi(rest); err == nil {
			s.n = n
		} else {
			continue
		}
		segs = append(segs, s)
	}
	if len(segs) == 0 {
		return ""
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].n < segs[j].n })
	cs := ""
	var b strings.Builder
	for i, s := range segs {
		v := s.value
		if i == 0 && s.encoded {
			parts := strings.SplitN(v, "'", 3)
			if len(parts) != 3 {
				return ""
			}
			cs, v = parts[0], parts[2]
		}
		if s.encoded {
			d, err := url.PathUnescape(v)
			if err != nil {
				return ""
			}
			v = d
		}
		b.WriteString(v)
	}
	return decodeCharset(cs, b.String())
}

// decodeCharset converts s from the charset cs to UTF-8 ("" and UTF-8 as
// they are); "" when it cannot.
func decodeCharset(cs, s string) string {
	switch strings.ToLower(cs) {
	case "", "utf-8", "us-ascii":
		return s
	}
	r, err := charset.Reader(cs, strings.NewReader(s))
	if err != nil {
		return ""
	}
	d, err := io.ReadAll(r)
	if err != nil {
		return ""
	}
	return string(d)
}

// splitParams splits a header value at the semicolons outside quotes.
func splitParams(raw string) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '"':
			quoted = !quoted
		case '\\':
			i++
		case ';':
			if !quoted {
				out = append(out, raw[start:i])
				start = i + 1
			}
		}
	}
	return append(out, raw[start:])
}
