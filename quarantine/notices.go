package quarantine

import (
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/sellergate/sellergate/queue"
	"github.com/sellergate/sellergate/store"
)

// Notice is what a notice to the agent says of a held message.
type Notice int

// The notices an agent gets about a held message.
const (
	// NoticeHeld: the policy held the message for review.
	NoticeHeld Notice = iota
	// NoticeAppeal: the agent's appeal waits for review.
	NoticeAppeal
	// NoticeReleased: an admin released it and the next hop accepted it.
	NoticeReleased
	// NoticeRejected: an admin rejected it; the detail is why.
	NoticeRejected
	// NoticeUndeliverable: released, but the next hop refused it for good.
	NoticeUndeliverable
)

// noticeTexts are a language's subjects and first lines, by Notice, and
// the labels of the facts below them.
type noticeTexts struct {
	subject, text                  [5]string
	message, to, queueID, findings string
}

var notices = map[string]noticeTexts{
	"en": {
		subject: [5]string{"Your message is held for review", "Your appeal is waiting for review", "Your message was released and sent",
			"Your message was rejected after review and was not sent", "Your released message could not be delivered"},
		text: [5]string{"The messaging policy held it back for an admin to review; you will hear whether it is released.",
			"An admin will look at the findings below and your reason; you will hear whether the message is released. Until then nothing was sent to the buyer.",
			"An admin released it after review; Amazon's relay accepted it for the buyer.",
			"An admin rejected it after review; nothing was sent to the buyer. Why:",
			"An admin released it, but the next hop refused it for good; nothing reached the buyer. The next hop said:"},
		message: "Message", to: "To", queueID: "Queue id", findings: "Findings",
	},
	"de": {
		subject: [5]string{"Ihre Nachricht wird geprüft", "Ihr Einspruch wartet auf Prüfung", "Ihre Nachricht wurde freigegeben und gesendet",
			"Ihre Nachricht wurde nach Prüfung abgelehnt und nicht gesendet", "Ihre freigegebene Nachricht konnte nicht zugestellt werden"},
		text: [5]string{"Die Kommunikationsrichtlinie hat sie zur Prüfung durch einen Administrator zurückgehalten; Sie erfahren, ob sie freigegeben wird.",
			"Ein Administrator prüft die Befunde unten und Ihre Begründung; Sie erfahren, ob die Nachricht freigegeben wird. Bis dahin wurde dem Käufer nichts gesendet.",
			"Ein Administrator hat sie nach Prüfung freigegeben; Amazons Relay hat sie für den Käufer angenommen.",
			"Ein Administrator hat sie nach Prüfung abgelehnt; dem Käufer wurde nichts gesendet. Begründung:",
			"Ein Administrator hat sie freigegeben, aber der nächste Server hat sie endgültig abgelehnt; beim Käufer ist nichts angekommen. Antwort des Servers:"},
		message: "Nachricht", to: "An", queueID: "Queue-ID", findings: "Befunde",
	},
	"fr": {
		subject: [5]string{"Votre message est retenu pour vérification", "Votre contestation attend une vérification", "Votre message a été validé et envoyé",
			"Votre message a été refusé après vérification et n'a pas été envoyé", "Votre message validé n'a pas pu être remis"},
		text: [5]string{"La politique de messagerie l'a retenu pour qu'un administrateur le vérifie ; vous saurez s'il est validé.",
			"Un administrateur examinera les constats ci-dessous et votre motif ; vous saurez si le message est validé. D'ici là, rien n'a été envoyé à l'acheteur.",
			"Un administrateur l'a validé après vérification ; le relais d'Amazon l'a accepté pour l'acheteur.",
			"Un administrateur l'a refusé après vérification ; rien n'a été envoyé à l'acheteur. Motif :",
			"Un administrateur l'a validé, mais le serveur suivant l'a refusé définitivement ; rien n'est parvenu à l'acheteur. Réponse du serveur :"},
		message: "Message", to: "À", queueID: "Identifiant", findings: "Constats",
	},
	"es": {
		subject: [5]string{"Su mensaje está retenido para revisión", "Su apelación espera revisión", "Su mensaje fue aprobado y enviado",
			"Su mensaje fue rechazado tras la revisión y no se envió", "Su mensaje aprobado no se pudo entregar"},
		text: [5]string{"La política de mensajería lo retuvo para que un administrador lo revise; sabrá si se aprueba.",
			"Un administrador revisará los hallazgos de abajo y su motivo; sabrá si el mensaje se aprueba. Hasta entonces no se envió nada al comprador.",
			"Un administrador lo aprobó tras la revisión; el relé de Amazon lo aceptó para el comprador.",
			"Un administrador lo rechazó tras la revisión; no se envió nada al comprador. Motivo:",
			"Un administrador lo aprobó, pero el servidor siguiente lo rechazó definitivamente; no llegó nada al comprador. Respuesta del servidor:"},
		message: "Mensaje", to: "Para", queueID: "ID de cola", findings: "Hallazgos",
	},
	"it": {
		subject: [5]string{"Il suo messaggio è trattenuto per verifica", "Il suo ricorso attende la verifica", "Il suo messaggio è stato approvato e inviato",
			"Il suo messaggio è stato rifiutato dopo la verifica e non è stato inviato", "Il suo messaggio approvato non è stato consegnato"},
		text: [5]string{"La politica di messaggistica lo ha trattenuto perché un amministratore lo verifichi; saprà se viene approvato.",
			"Un amministratore esaminerà i rilievi qui sotto e la sua motivazione; saprà se il messaggio viene approvato. Fino ad allora all'acquirente non è stato inviato nulla.",
			"Un amministratore lo ha approvato dopo la verifica; il relay di Amazon lo ha accettato per l'acquirente.",
			"Un amministratore lo ha rifiutato dopo la verifica; all'acquirente non è stato inviato nulla. Motivo:",
			"Un amministratore lo ha approvato, ma il server successivo lo ha rifiutato definitivamente; all'acquirente non è arrivato nulla. Risposta del server:"},
		message: "Messaggio", to: "A", queueID: "ID coda", findings: "Rilievi",
	},
	"ja": {
		subject: [5]string{"メッセージは確認のため保留中です", "異議申し立ては確認待ちです", "メッセージは承認され送信されました",
			"メッセージは確認の結果拒否され、送信されませんでした", "承認されたメッセージを配信できませんでした"},
		text: [5]string{"メッセージポリシーにより、管理者の確認のため保留されました。承認されるかどうかはお知らせします。",
			"管理者が下記の指摘とあなたの理由を確認します。承認されるかどうかはお知らせします。それまで購入者には何も送信されていません。",
			"管理者が確認のうえ承認し、Amazonのリレーが購入者宛てに受け付けました。",
			"管理者が確認のうえ拒否しました。購入者には何も送信されていません。理由：",
			"管理者が承認しましたが、次のサーバーが配信を最終的に拒否しました。購入者には届いていません。サーバーの応答："},
		message: "メッセージ", to: "宛先", queueID: "キューID", findings: "指摘",
	},
}

// Notify queues a notice about r to the agent who sent it, in the
// agent's language (Language), with detail (a reason, a server's reply)
// under its first line.
func (s *Service) Notify(r *store.Record, n Notice, detail string) error {
	lang := "en"
	if s.Language != nil {
		lang = s.Language(r)
	}
	t, ok := notices[lang]
	if !ok {
		t = notices["en"]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: sellergate <%s>\r\nTo: <%s>\r\nSubject: %s\r\nDate: %s\r\nAuto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
		s.From, r.MailFrom, mime.QEncoding.Encode("utf-8", "[sellergate] "+t.subject[n]+": "+oneLine(r.Subject)), s.now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "%s\r\n", t.text[n])
	if detail != "" {
		fmt.Fprintf(&b, "%s\r\n", detail)
	}
	fmt.Fprintf(&b, "\r\n%s: %s\r\n%s: %s\r\n%s: %s\r\n", t.message, oneLine(r.Subject), t.to, strings.Join(r.Rcpt, ", "), t.queueID, r.QueueID)
	if len(r.Violations) > 0 && n != NoticeReleased {
		fmt.Fprintf(&b, "\r\n%s:\r\n", t.findings)
		for _, v := range r.Violations {
			fmt.Fprintf(&b, "- [%s] %q (%s; %s)\r\n", v.Category, v.Excerpt, v.Where, v.Rule)
		}
	}
	_, err := s.Queue.Enqueue(queue.Item{From: s.From, To: []string{r.MailFrom}, Meta: map[string]string{MetaKind: "notice", MetaQueueID: r.QueueID}},
		strings.NewReader(b.String()))
	return err
}
