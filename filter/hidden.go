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
	if !bytes.Contains(data, []byte("//")) {
		return nil
	}
	var out []string
	for _, m := range hiddenImageRe.FindAllSubmatch(data, 50) {
		out = append(out, strings.TrimSpace(string(m[1])))
	}
	return out
}
