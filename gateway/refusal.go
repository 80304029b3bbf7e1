package gateway

import (
	"fmt"
	"strings"
	"time"

	"github.com/sellergate/sellergate/filter"
)

// maxReplyLine bounds a reply line's text: RFC 5321 allows 512 octets
// with the code and CRLF.
const maxReplyLine = 480

// refusal is the multi-line 550 that names every problem, one per line,
// in the agent's language (the verdict's), and ends with a line that
// stands on its own: clients that show only the last line (neomutt) show
// the first problem, its explanation, how many more there are and that
// nothing was sent.
func refusal(qid string, v filter.Verdict, left time.Duration, waiting bool) error {
	t := replyTexts(v.Lang)
	problems := v.Problems()
	var b strings.Builder
	for _, x := range problems[min(1, len(problems)):] {
		fmt.Fprintf(&b, "%d.%d.%d %s\n", ecPolicy[0], ecPolicy[1], ecPolicy[2], clip(problemLine(t, x), maxReplyLine))
	}
	if waiting {
		fmt.Fprintf(&b, "%d.%d.%d %s\n", ecPolicy[0], ecPolicy[1], ecPolicy[2], t.waiting(left))
	}
	b.WriteString(lastLine(t, qid, problems, v.Hint))
	return reply(codeMailboxUnavailable, ecPolicy, "%s", b.String())
}

// lastLine says that the message was refused, its first problem and how
// many more the lines above list, and the hint while it fits.
func lastLine(t texts, qid string, problems []filter.Violation, hint string) string {
	head := fmt.Sprintf("%s (%s) [%s]", t.refused, t.count(len(problems)), qid)
	if len(problems) == 0 {
		return clip(head+". "+oneLine(hint), maxReplyLine)
	}
	line := head + ": " + problemLine(t, problems[0])
	if more := len(problems) - 1; more > 0 {
		line += " " + fmt.Sprintf(t.more, more)
	}
	if hint = oneLine(hint); hint != "" && len(line)+1+len(hint) <= maxReplyLine {
		line += " " + hint
	}
	return clip(line, maxReplyLine)
}

// problemLine is one problem as the agent reads it: category, excerpt,
// where (in the agent's language) and rule, then what to do.
func problemLine(t texts, x filter.Violation) string {
	line := fmt.Sprintf("[%s] %q (%s; %s)", x.Category, x.Excerpt, t.where(x.Where), x.Rule)
	if x.Message != "" {
		line += ": " + strings.TrimSpace(x.Message)
	}
	return oneLine(line)
}

// texts are sellergate's own words in a refusal, in one language.
type texts struct {
	refused       string
	one, many     string // "%d problem", "%d problems"
	more          string // "+%d more above"
	waitingFor    string // "The buyer is waiting for a reply: %s"
	left, ranOut  string
	line          string // "%s line %d": text or HTML, and the number
	subject, msg  string
	link, linkTxt string
	image, style  string
	attachment    string
}

func (t texts) count(n int) string {
	if n == 1 {
		return fmt.Sprintf(t.one, n)
	}
	return fmt.Sprintf(t.many, n)
}

// waiting says how much of Amazon's 24 hours is left.
func (t texts) waiting(left time.Duration) string {
	if left <= 0 {
		return fmt.Sprintf(t.waitingFor, fmt.Sprintf(t.ranOut, fmtHM(-left)))
	}
	return fmt.Sprintf(t.waitingFor, fmt.Sprintf(t.left, fmtHM(left)))
}

// where says where a finding is ("text line 3", "html link href",
// "attachment x.pdf") in the agent's language.
func (t texts) where(w string) string {
	var kind string
	var n int
	if _, err := fmt.Sscanf(w, "%s line %d", &kind, &n); err == nil && (kind == "text" || kind == "html" || kind == "subject") {
		return fmt.Sprintf(t.line, strings.ToUpper(kind[:1])+kind[1:], n)
	}
	switch {
	case w == "subject":
		return t.subject
	case w == "message":
		return t.msg
	case w == "html link href":
		return t.link
	case w == "html link text":
		return t.linkTxt
	case w == "html image":
		return t.image
	case w == "html style":
		return t.style
	case strings.HasPrefix(w, "attachment "):
		return t.attachment + " " + strings.TrimPrefix(w, "attachment ")
	}
	return w
}

func fmtHM(d time.Duration) string {
	d = d.Round(time.Minute)
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// replyTexts returns the texts of lang, English for any other.
func replyTexts(lang string) texts {
	if t, ok := allTexts[lang]; ok {
		return t
	}
	return allTexts["en"]
}

var allTexts = map[string]texts{
	"en": {refused: "Message refused by the Amazon messaging policy", one: "%d problem", many: "%d problems",
		more: "(+%d more above.)", waitingFor: "The buyer is waiting for a reply: %s.", left: "%s of the 24 hours left",
		ranOut: "the 24 hours ran out %s ago, reply as soon as possible", line: "%s line %d", subject: "subject",
		msg: "message", link: "link target", linkTxt: "link text", image: "image", style: "style", attachment: "attachment"},
	"de": {refused: "Nachricht von der Amazon-Kommunikationsrichtlinie abgelehnt", one: "%d Problem", many: "%d Probleme",
		more: "(+%d weitere oben.)", waitingFor: "Der Käufer wartet auf eine Antwort: %s.", left: "noch %s der 24 Stunden",
		ranOut: "die 24 Stunden sind seit %s abgelaufen, bitte so schnell wie möglich antworten", line: "%s, Zeile %d", subject: "Betreff",
		msg: "Nachricht", link: "Linkziel", linkTxt: "Linktext", image: "Bild", style: "Stil", attachment: "Anhang"},
	"fr": {refused: "Message refusé par la politique de messagerie d'Amazon", one: "%d problème", many: "%d problèmes",
		more: "(+%d autres ci-dessus.)", waitingFor: "L'acheteur attend une réponse : %s.", left: "il reste %s sur les 24 heures",
		ranOut: "les 24 heures sont dépassées depuis %s, répondez au plus vite", line: "%s, ligne %d", subject: "objet",
		msg: "message", link: "cible du lien", linkTxt: "texte du lien", image: "image", style: "style", attachment: "pièce jointe"},
	"es": {refused: "Mensaje rechazado por la política de mensajería de Amazon", one: "%d problema", many: "%d problemas",
		more: "(+%d más arriba.)", waitingFor: "El comprador espera una respuesta: %s.", left: "quedan %s de las 24 horas",
		ranOut: "las 24 horas se agotaron hace %s, responda cuanto antes", line: "%s, línea %d", subject: "asunto",
		msg: "mensaje", link: "destino del enlace", linkTxt: "texto del enlace", image: "imagen", style: "estilo", attachment: "adjunto"},
	"it": {refused: "Messaggio rifiutato dalla politica di messaggistica di Amazon", one: "%d problema", many: "%d problemi",
		more: "(+%d altri sopra.)", waitingFor: "L'acquirente attende una risposta: %s.", left: "restano %s delle 24 ore",
		ranOut: "le 24 ore sono scadute da %s, risponda al più presto", line: "%s, riga %d", subject: "oggetto",
		msg: "messaggio", link: "destinazione del link", linkTxt: "testo del link", image: "immagine", style: "stile", attachment: "allegato"},
	"ja": {refused: "Amazonのメッセージポリシーにより送信を拒否しました", one: "問題%d件", many: "問題%d件",
		more: "（ほか%d件は上記）", waitingFor: "購入者が返信を待っています：%s。", left: "24時間のうち残り%s",
		ranOut: "24時間を%s超過しています。至急返信してください", line: "%s %d行目", subject: "件名",
		msg: "メッセージ", link: "リンク先", linkTxt: "リンクの文字", image: "画像", style: "スタイル", attachment: "添付ファイル"},
}
