package filter

import (
	"strings"
	"testing"
)

// Remote images declared only where the renderer does not look (srcset,
// Outlook's VML in a conditional comment, a style sheet) are pixels; an
// address spelled in Japanese words or spaced letters is an address; a
// negated offer is none.
func TestHiddenStructureAndSpelling(t *testing.T) {
	cases := []struct {
		name, raw, want string
	}{
		{"srcset only", htmlMessage("en", `<p>Thanks</p><img srcset="https://t.example/o.gif 1x" width="1" height="1" alt="">`), "pixel"},
		{"vml fill", htmlMessage("ja", `<p>発送しました。</p><!--[if gte mso 9]><v:rect><v:fill type="frame" src="https://t.example/open.png"/></v:rect><![endif]-->`), "pixel"},
		{"style sheet", htmlMessage("de", `<style>body{background-image:url('https://t.example/b.png')}</style><p>Hallo</p>`), "pixel"},
		{"japanese at and dot words", plain("ja", "写真は info アットマーク sakura-zakka ドット jp まで送ってください。"), "contact"},
		{"spaced letters", plain("en", "Photos to s u p p o r t @ s h o p . c o m please."), "contact"},
		{"katakana digits", plain("ja", "担当直通はゼロハチゼロ、イチニサンヨン、ゴロクナナハチです。"), "contact"},
		{"negated incentive", plain("ja", "Amazonの規約により、レビューの投稿に対して特典や返金などをご提供することはできません。"), ""},
		{"manufacturer on the line above", plain("ja", "メーカーのサポートセンター\n電話：0120-558-214（受付時間 平日9:00〜17:30）"), ""},
	}
	for _, tc := range cases {
		v := checkRaw(t, tc.raw)
		var cats []string
		for _, x := range v.Violations {
			if x.Action >= Quarantine {
				cats = append(cats, x.Category)
			}
		}
		got := strings.Join(cats, ",")
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s: refused for %q, want %q (%+v)", tc.name, got, tc.want, v.Violations)
		}
	}
}
