package filter

import (
	"sort"
	"strings"
	"testing"
)

// What clients show but a parser might not read: each structure hides a
// phone number and a shop link; the engine reads them and refuses naming
// them, or refuses because it could not read (never a pass).
func TestHiddenStructuresAreRead(t *testing.T) {
	hidden := "Call 030 1234567 or visit www.my-own-shop.example\r\n"
	head := "From: Shop <support@shop.test>\r\nTo: a1b2c3d4e5@marketplace.amazon.de\r\nSubject: Re: order\r\nMIME-Version: 1.0\r\n"
	cases := map[string]struct {
		raw  string
		want string // the refusing categories
	}{
		"multipart without a boundary": {
			head + "Content-Type: multipart/mixed\r\n\r\n" + hidden, "contact,link"},
		"boundary that never appears": {
			head + "Content-Type: multipart/alternative; boundary=\"zzz\"\r\n\r\nHello,\r\n" + hidden, "contact,link"},
		"forwarded message": {
			head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n" +
				"--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: x@y.test\r\nSubject: fwd\r\n\r\n" + hidden + "--b--\r\n", "contact,link"},
		"winmail.dat": {
			head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nHello.\r\n" +
				"--b\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\n\r\neJ8+IgAAAQ==\r\n--b--\r\n", "attachment,unreadable"},
		"nested deeper than the limit": {
			head + strings.Repeat("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n", maxDepth+3) +
				"Content-Type: text/plain\r\n\r\nHello, nothing to see.\r\n", "unreadable"},
	}
	for name, tc := range cases {
		v := checkRaw(t, tc.raw)
		if got := sortedCategories(v); !v.Refused() || got != tc.want {
			t.Errorf("%s: %v, refusing %q, want %q (%+v)", name, v.Action, got, tc.want, v.Violations)
		}
	}
}

// An admin cannot let unreadable content pass or be merely tagged.
func TestUnreadableIsNeverTagged(t *testing.T) {
	for _, a := range []string{"tag", "strip"} {
		if _, err := ParsePolicy("p.yaml", []byte("actions:\n  unreadable: "+a+"\n")); err == nil {
			t.Errorf("unreadable: %s accepted", a)
		}
	}
}

// sortedCategories are the refusing categories of v in alphabetical order.
func sortedCategories(v Verdict) string {
	cs := strings.Split(categories(v), ",")
	sort.Strings(cs)
	return strings.Join(cs, ",")
}

// HTML that leaves a script, a tag or a comment open to the end hides what
// follows from a parser, not always from a client: the engine reads it.
func TestUnclosedHTMLIsRead(t *testing.T) {
	for _, body := range []string{
		`<p>Hello,</p><script>var x=1; <p>Call 030 1234567 or www.my-own-shop.example</p>`,
		`<p>Hello,</p><div title="abc>Call 030 1234567 or www.my-own-shop.example</div>`,
		`<p>Hello,</p><!-- Call 030 1234567 or www.my-own-shop.example`,
		`<p>Hello,</p><style>p{} Call 030 1234567 or www.my-own-shop.example`,
	} {
		v := checkRaw(t, htmlMessage("de", body))
		if got := sortedCategories(v); got != "contact,link" {
			t.Errorf("%q: refusing %q, want contact,link (%+v)", body, got, v.Violations)
		}
	}
	// Closed scripts and comments are no text.
	v := checkRaw(t, htmlMessage("en", `<p>Hello,</p><script>var tel="030 1234567";</script><!-- www.x.example --><p>Bye</p>`))
	if v.Refused() {
		t.Errorf("a closed script or comment was read as text: %+v", v.Violations)
	}
}
