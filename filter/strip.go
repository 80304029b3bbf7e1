package filter

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/emersion/go-message"
)

var (
	remoteImg  = regexp.MustCompile(`(?is)<img\b[^>]*?\bsrc\s*=\s*["']?\s*(?:https?:)?//[^>]*>`)
	remoteCSS  = regexp.MustCompile(`(?i)url\(\s*['"]?\s*(?:https?:)?//[^)]*\)`)
	remoteAttr = regexp.MustCompile(`(?i)\s(?:background|poster)\s*=\s*["']\s*(?:https?:)?//[^"']*["']`)
)

// StripRemote returns the message with every remote image, tracking pixel,
// CSS url() and background attribute removed from its HTML parts: what the
// policy's strip action delivers. Text parts are rewritten in UTF-8; other
// parts are carried over as they were decoded.
func StripRemote(raw []byte) ([]byte, error) {
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("strip: %w", err)
	}
	var out bytes.Buffer
	w, err := message.CreateWriter(&out, e.Header)
	if err != nil {
		return nil, fmt.Errorf("strip: %w", err)
	}
	if err := copyStripped(w, e, 0); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("strip: %w", err)
	}
	return out.Bytes(), nil
}

// copyStripped writes e's body (and parts) to w, which was created with e's header.
func copyStripped(w *message.Writer, e *message.Entity, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("strip: parts nested deeper than %d", maxDepth)
	}
	if mr := e.MultipartReader(); mr != nil {
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("strip: %w", err)
			}
			h := p.Header
			if ct, params, _ := h.ContentType(); strings.HasPrefix(ct, "text/") {
				params["charset"] = "utf-8"
				h.SetContentType(ct, params)
			}
			pw, err := w.CreatePart(h)
			if err != nil {
				return fmt.Errorf("strip: %w", err)
			}
			if err := copyStripped(pw, p, depth+1); err != nil {
				return err
			}
			if err := pw.Close(); err != nil {
				return fmt.Errorf("strip: %w", err)
			}
		}
	}
	body, err := io.ReadAll(e.Body)
	if err != nil {
		return fmt.Errorf("strip: reading a part: %w", err)
	}
	if ct, _, _ := e.Header.ContentType(); ct == "text/html" {
		s := remoteImg.ReplaceAllString(string(body), "")
		s = remoteCSS.ReplaceAllString(s, "none")
		s = remoteAttr.ReplaceAllString(s, "")
		body = []byte(s)
	}
	_, err = w.Write(body)
	return err
}
