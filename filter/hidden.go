package filter

import (
	"bytes"
	"regexp"
	"strings"
)

// Remote images that no rendered element shows the engine but a mail
// client loads: srcset candidates, Outlook's VML (v:fill, v:imagedata,
// v:image) inside conditional comments, and CSS backgrounds in style
// sheets and comments. They are read from the raw HTML, so that neither a
// comment nor an attribute the renderer does not read hides them.
var hiddenImageRe = regexp.MustCompile(`(?i)(?:\bsrcset\s*=\s*["']?\s*|<v:(?:fill|imagedata|image)\b[^>]*?\bsrc\s*=\s*["']?\s*|background(?:-image)?\s*[:=]\s*["']?\s*(?:url\(\s*["']?)?)((?:https?:)?//[^\s"'<>),]+)`)

// hiddenImages returns the remote image URLs of the raw HTML that the
// renderer does not report as images (src attributes are its own).
func hiddenImages(data []byte) []string {
	if !bytes.Contains(data, []byte("//")) || !hiddenTrigger(data) {
		return nil
	}
	var out []string
	for _, m := range hiddenImageRe.FindAllSubmatch(data, 50) {
		out = append(out, strings.TrimSpace(string(m[1])))
	}
	return out
}

// hiddenTrigger reports whether data has a word hiddenImageRe needs
// (srcset, a VML element, a background), so that the expression runs only
// on the HTML that can match it.
func hiddenTrigger(data []byte) bool {
	for _, w := range [][]byte{[]byte("srcset"), []byte("SRCSET"), []byte("srcSet"), []byte("<v:"), []byte("<V:"),
		[]byte("ackground"), []byte("ACKGROUND")} {
		if bytes.Contains(data, w) {
			return true
		}
	}
	return false
}
