#!/usr/bin/env python3
"""Generates sellergate's labelled policy corpus (filter/testdata/corpus).

Each message is a seller's reply to an Amazon buyer, written the way Gmail,
Outlook, Thunderbird and Apple Mail write them: multipart/alternative with
the client's own quote markup, plain text with "> " quotes under a localized
attribution, non-UTF-8 charsets, attachments. labels.tsv says for each file
whether it must pass or be refused, and which categories must be named.

Deterministic: run it again and the files are byte-identical.
    python3 filter/testdata/corpus/gen/gen.py
"""
import base64
import io
import os
import random
import sys
import zipfile
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from datetime import datetime, timezone, timedelta
from html import escape

sys.dont_write_bytecode = True  # no __pycache__ in the tree
import extra  # messages 201 and up, written byte for byte per client

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)

TLD = {"en": "co.uk", "de": "de", "fr": "fr", "es": "es", "it": "it", "ja": "co.jp"}
SELLER = {"en": "support@brightkettle.co.uk", "de": "service@bergmann-haushalt.de", "fr": "contact@atelier-lumiere.fr",
          "es": "atencion@casa-olivo.es", "it": "assistenza@bottega-verde.it", "ja": "support@sakura-zakka.jp"}
NAME = {"en": "BrightKettle Support", "de": "Bergmann Haushalt Kundenservice", "fr": "Atelier Lumière SAV",
        "es": "Casa Olivo Atención al cliente", "it": "Bottega Verde Assistenza", "ja": "さくら雑貨 カスタマーサポート"}
CHARSET = {"en": "us-ascii", "de": "iso-8859-1", "fr": "windows-1252", "es": "iso-8859-1", "it": "iso-8859-15", "ja": "iso-2022-jp"}
ORDER = {"en": "203-4829173-5512908", "de": "302-1234567-7654321", "fr": "171-9988776-1122334",
         "es": "402-5566778-9900112", "it": "405-1212121-3434343", "ja": "249-7654321-1234567"}

QUESTION = {
    "en": "Hello, my kettle arrived with a dent. My number is 07700 900123 if that helps. What can you do?",
    "de": "Hallo, der Topf kam mit einer Delle an. Sie erreichen mich unter 0151 23456789. Was können Sie tun?",
    "fr": "Bonjour, la lampe est arrivée cassée. Vous pouvez voir la photo sur www.imgbuyer.fr/p/123. Que faire ?",
    "es": "Hola, el aceite llegó con la botella rota. Mi teléfono es 612 345 678. ¿Qué pueden hacer?",
    "it": "Buongiorno, il vaso è arrivato incrinato. Il mio numero è 333 123 4567. Come procediamo?",
    "ja": "こんにちは。届いた湯呑みが割れていました。電話番号は090-1234-5678です。どうすればよいですか？",
}

ATTRIB = {
    "en": "On Mon, 3 Nov 2025 at 10:02, Customer <{b}> wrote:",
    "de": "Am Mo., 3. Nov. 2025 um 10:02 Uhr schrieb Kunde <{b}>:",
    "fr": "Le lun. 3 nov. 2025 à 10:02, Client <{b}> a écrit :",
    "es": "El lun, 3 nov 2025 a las 10:02, Cliente (<{b}>) escribió:",
    "it": "Il giorno lun 3 nov 2025 alle ore 10:02 Cliente <{b}> ha scritto:",
    "ja": "2025年11月3日(月) 10:02 お客様 <{b}>のメッセージ:",
}
OUTLOOK_HDR = {
    "en": ("From", "Sent", "To", "Subject"), "de": ("Von", "Gesendet", "An", "Betreff"),
    "fr": ("De", "Envoyé", "À", "Objet"), "es": ("De", "Enviado", "Para", "Asunto"),
    "it": ("Da", "Inviato", "A", "Oggetto"), "ja": ("差出人", "送信日時", "宛先", "件名"),
}
SIGN = {"en": "Kind regards,\nBrightKettle Support", "de": "Mit freundlichen Grüßen\nIhr Bergmann Haushalt Team",
        "fr": "Cordialement,\nL'équipe Atelier Lumière", "es": "Un saludo,\nEl equipo de Casa Olivo",
        "it": "Cordiali saluti,\nIl team di Bottega Verde", "ja": "よろしくお願いいたします。\nさくら雑貨 カスタマーサポート"}
HELLO = {"en": "Hello,", "de": "Guten Tag,", "fr": "Bonjour,", "es": "Hola:", "it": "Buongiorno,", "ja": "お問い合わせありがとうございます。"}

# (slug, expect, categories, text). Text lines are the seller's new words.
ITEMS = {
"en": [
 ("evri", "pass", "", "Your parcel is with Evri: https://www.evri.com/track/parcel/H01ABC1234567890"),
 ("price-date", "pass", "", "Order 203-4829173-5512908 (£24.99) will arrive on 06/11/2025 at SW1A 1AA."),
 ("tracking-royalmail", "pass", "", "Your parcel is on its way. You can track it here: https://www.royalmail.com/track-your-item#/tracking-results/AB123456789GB"),
 ("tracking-ups", "pass", "", "It left our warehouse today with UPS, tracking number 1Z999AA10123456784: https://www.ups.com/track?tracknum=1Z999AA10123456784"),
 ("refund-dent", "pass", "", "I am sorry about the dent. We have refunded £8.50 to your card today; you do not need to return the kettle."),
 ("replacement", "pass", "", "We will send a replacement kettle tomorrow. Order 203-4829173-5512908 stays open until it arrives."),
 ("neutral-review", "pass", "", "If you have a moment, you can share your experience with the product on Amazon. Thank you for your order."),
 ("reviewed-return", "pass", "", "We reviewed your return and the refund of £24.99 was issued on 04/11/2025."),
 ("product-codes", "pass", "", "The spare lid fits model BK-2024 (ASIN B08N5WRWNW, EAN 5012345678900). It costs £6.99 on Amazon."),
 ("amazon-link", "pass", "", "You can request the return from your orders page: https://www.amazon.co.uk/gp/css/order-history"),
 ("warranty-steps", "pass", "", "Please descale the kettle once a month.\nIf the light still flashes, reply here with a photo and we will help."),
 ("format-empty-lines", "pass", "", "Thanks for waiting.\n\n\n\nThe parcel arrives on Friday."),
 ("shop-link", "refuse", "link", "You will find more spare parts on our own website www.brightkettle.co.uk/spares"),
 ("shopify-link", "refuse", "link", "Order the descaler directly from us: https://brightkettle.myshopify.com/products/descaler"),
 ("obfuscated-domain", "refuse", "link", "Our shop is at brightkettle [dot] co [dot] uk if you need anything else."),
 ("lookalike", "refuse", "link", "Please confirm your address at https://amaz0n-uk-support.com/confirm"),
 ("phone", "refuse", "contact", "Call us on 020 7946 0958 and we will sort it out."),
 ("phone-intl", "refuse", "contact", "Our direct line is +44 20 7946 0958 (Mon-Fri)."),
 ("email", "refuse", "contact", "Send the photos to returns@brightkettle.co.uk please."),
 ("whatsapp", "refuse", "contact", "Message us on WhatsApp +44 7700 900456 for a faster answer."),
 ("five-stars", "refuse", "review", "If you're happy with the kettle, please leave us a 5 star review!"),
 ("review-for-refund", "refuse", "review", "We will refund the full amount if you leave a review for us."),
 ("remove-review", "refuse", "review", "Now that it is fixed, could you remove your review from Amazon?"),
 ("contact-before-review", "refuse", "review", "Please contact us before leaving a review so we can help."),
 ("coupon", "refuse", "promotion", "Use the code KETTLE15 for 15% off your next order."),
 ("newsletter", "refuse", "promotion", "Subscribe to our newsletter for new products and offers."),
 ("cross-sell", "refuse", "promotion", "You might also like our matching toaster, check out our other products."),
 ("instagram", "refuse", "contact,promotion", "Follow us on Instagram @brightkettle for recipes."),
],
"de": [
 ("dhl-tracking", "pass", "", "Ihr Paket ist unterwegs. Sendungsverfolgung: https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434161094042557"),
 ("hermes", "pass", "", "Die Sendung ist mit Hermes unterwegs, Sendungsnummer H1234567890123456789."),
 ("teilerstattung", "pass", "", "Es tut uns leid. Wir haben Ihnen für die Delle 10,00 € erstattet; Sie müssen den Topf nicht zurücksenden."),
 ("ersatz", "pass", "", "Wir senden Ihnen morgen einen neuen Topf. Die Bestellung 302-1234567-7654321 bleibt bis dahin offen."),
 ("neutrale-bewertung", "pass", "", "Wenn Sie möchten, können Sie Ihre Erfahrung mit dem Produkt auf Amazon teilen."),
 ("ruecksendung-geprueft", "pass", "", "Wir haben Ihre Rücksendung geprüft und am 04.11.2025 den Betrag von 24,99 € erstattet."),
 ("amazon-link", "pass", "", "Die Rücksendung können Sie hier anfordern: https://www.amazon.de/gp/css/returns/homepage.html"),
 ("pflegehinweis", "pass", "", "Bitte spülen Sie den Topf vor dem ersten Gebrauch mit warmem Wasser aus.\nDer Deckel ist spülmaschinenfest."),
 ("plz-datum", "pass", "", "Die Lieferung an 10115 Berlin ist für den 06.11.2025 zwischen 8 und 12 Uhr angekündigt."),
 ("shop-link", "refuse", "link", "Weitere Ersatzteile finden Sie in unserem Onlineshop www.bergmann-haushalt.de/ersatzteile"),
 ("punkt-domain", "refuse", "link", "Schauen Sie auf bergmann-haushalt (punkt) de vorbei."),
 ("zero-width", "refuse", "link", "Mehr Infos: bergmann-haus\u200bhalt.de"),
 ("telefon", "refuse", "contact", "Rufen Sie uns gerne an: 030 12345678"),
 ("telefon-intl", "refuse", "contact", "Unsere Hotline: +49 (0) 30 1234567"),
 ("email", "refuse", "contact", "Schicken Sie die Fotos bitte an service@bergmann-haushalt.de"),
 ("whatsapp", "refuse", "contact", "Schreiben Sie uns einfach per WhatsApp."),
 ("fuenf-sterne", "refuse", "review", "Wenn Sie zufrieden sind, freuen wir uns über 5 Sterne!"),
 ("bewertung-gutschein", "refuse", "review,promotion", "Für eine Bewertung erhalten Sie einen Gutschein über 10 €."),
 ("bewertung-aendern", "refuse", "review", "Könnten Sie Ihre Bewertung ändern, jetzt wo alles geklärt ist?"),
 ("gutscheincode", "refuse", "promotion", "Mit dem Gutscheincode BERGMANN10 sparen Sie bei Ihrem nächsten Einkauf."),
 ("newsletter", "refuse", "promotion", "Abonnieren Sie unseren Newsletter für neue Produkte."),
 ("folgen", "refuse", "contact,promotion", "Folgen Sie uns auf Instagram!"),
 ("html-entity", "refuse", "link", "Besuchen Sie www&#46;bergmann-haushalt&#46;de"),
],
"fr": [
 ("mondial-relay", "pass", "", "Votre colis vous attend au point relais, suivi : https://www.mondialrelay.fr/suivi-de-colis/?numeroExpedition=12345678"),
 ("date-prix", "pass", "", "La commande 171-9988776-1122334 de 39,90 € sera livrée le 06/11/2025 à 75011 Paris."),
 ("instagram", "refuse", "contact,promotion", "Suivez-nous sur Instagram pour nos nouveautés !"),
 ("avis-cadeau", "refuse", "review", "Nous offrons un cadeau pour chaque avis laissé sur Amazon."),
 ("colissimo", "pass", "", "Votre colis est en route : https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901"),
 ("chronopost", "pass", "", "Le colis part avec Chronopost, numéro XY123456789FR, livraison prévue le 05/11/2025."),
 ("remboursement-partiel", "pass", "", "Nous sommes désolés. Nous vous avons remboursé 12,00 € pour la lampe abîmée."),
 ("remplacement", "pass", "", "Nous vous envoyons une nouvelle lampe demain, sans frais."),
 ("avis-neutre", "pass", "", "Si vous le souhaitez, vous pouvez partager votre expérience sur Amazon."),
 ("retour-examine", "pass", "", "Nous avons examiné votre retour : le remboursement de 39,90 € a été effectué."),
 ("amazon-lien", "pass", "", "Vous pouvez demander le retour ici : https://www.amazon.fr/gp/css/returns/homepage.html"),
 ("conseil", "pass", "", "L'ampoule se change en tournant le culot vers la gauche.\nElle est garantie deux ans."),
 ("boutique", "refuse", "link,promotion", "Visitez notre boutique en ligne www.atelier-lumiere.fr"),
 ("espaces", "refuse", "link", "Notre site : www . atelier-lumiere . fr"),
 ("telephone", "refuse", "contact", "Appelez-nous au 01 23 45 67 89."),
 ("email-at", "refuse", "contact", "Écrivez-nous : sav (at) atelier-lumiere.fr"),
 ("cinq-etoiles", "refuse", "review", "Laissez-nous 5 étoiles si vous êtes satisfait !"),
 ("supprimer-avis", "refuse", "review", "Pourriez-vous supprimer votre avis maintenant que c'est réglé ?"),
 ("code-promo", "refuse", "promotion", "Avec le code promo LUMIERE20, profitez de 20 % de réduction sur votre prochaine commande."),
 ("newsletter", "refuse", "promotion", "Abonnez-vous à notre newsletter !"),
 ("telegram", "refuse", "contact", "Contactez-nous sur Telegram pour aller plus vite."),
],
"es": [
 ("mrw", "pass", "", "Su pedido viaja con MRW; puede consultar el estado en https://www.mrw.es/seguimiento_envios/MRW_resultados_consultas.asp"),
 ("fecha-precio", "pass", "", "El pedido 402-5566778-9900112 por 18,90 € llegará el 06/11/2025 a 28013 Madrid."),
 ("email-directo", "refuse", "contact", "Para cualquier duda, escríbanos a ventas@casa-olivo.es"),
 ("boletin", "refuse", "promotion", "Suscríbase a nuestro boletín y reciba ofertas exclusivas."),
 ("correos", "pass", "", "Su pedido está en camino: https://www.correos.es/es/es/herramientas/localizador/envios?numero=PQ4B5C0123456780128001A"),
 ("seur", "pass", "", "Lo enviamos con SEUR, número de envío 12345678901234, entrega prevista el 05/11/2025."),
 ("reembolso-parcial", "pass", "", "Lo sentimos mucho. Le hemos reembolsado 9,50 € por la botella rota."),
 ("reposicion", "pass", "", "Le enviaremos otra botella mañana sin coste para usted."),
 ("resena-neutral", "pass", "", "Si lo desea, puede compartir su experiencia con el producto en Amazon."),
 ("devolucion-revisada", "pass", "", "Hemos revisado su devolución y el reembolso de 18,90 € ya está hecho."),
 ("amazon-enlace", "pass", "", "Puede solicitar la devolución aquí: https://www.amazon.es/gp/css/returns/homepage.html"),
 ("consejo", "pass", "", "Conserve el aceite en un lugar fresco y oscuro.\nUna vez abierto, consúmalo en tres meses."),
 ("tienda", "refuse", "link,promotion", "Visite nuestra tienda online www.casa-olivo.es"),
 ("telefono", "refuse", "contact", "Llámenos al 912 345 678."),
 ("arroba", "refuse", "contact", "Escríbanos a atencion arroba casa-olivo.es"),
 ("whatsapp", "refuse", "contact", "Escríbanos por WhatsApp al +34 612 345 678."),
 ("cinco-estrellas", "refuse", "review", "Si está satisfecho, déjenos una valoración de 5 estrellas."),
 ("cambiar-resena", "refuse", "review", "¿Podría cambiar su valoración ahora que está resuelto?"),
 ("cupon", "refuse", "promotion", "Con el código de descuento OLIVO10 tiene un 10% de descuento en su próxima compra."),
 ("siganos", "refuse", "contact,promotion", "¡Síganos en Instagram!"),
],
"it": [
 ("sda", "pass", "", "La spedizione è affidata a SDA, consegna prevista il 06/11/2025 a 20121 Milano."),
 ("prezzo", "pass", "", "L'ordine 405-1212121-3434343 da 29,00 € è stato rimborsato integralmente."),
 ("recensione-buono", "refuse", "review", "Le regaliamo un buono se lascia una recensione positiva."),
 ("telegram", "refuse", "contact", "Ci trova anche su Telegram per assistenza immediata."),
 ("poste-tracking", "pass", "", "Il pacco è in viaggio: https://www.poste.it/cerca/index.html#/risultati-spedizioni/RR123456789IT"),
 ("brt", "pass", "", "Spedito con BRT, numero di spedizione 012345678901234, consegna prevista il 05/11/2025."),
 ("rimborso-parziale", "pass", "", "Ci dispiace molto. Le abbiamo rimborsato 15,00 € per il vaso incrinato."),
 ("sostituzione", "pass", "", "Le spediremo un nuovo vaso domani, senza costi."),
 ("recensione-neutra", "pass", "", "Se lo desidera, può condividere la sua esperienza sul prodotto su Amazon."),
 ("reso-verificato", "pass", "", "Abbiamo verificato il suo reso e il rimborso di 29,00 € è stato effettuato."),
 ("amazon-link", "pass", "", "Può richiedere il reso qui: https://www.amazon.it/gp/css/returns/homepage.html"),
 ("consiglio", "pass", "", "Il vaso non va in lavastoviglie.\nLo lavi a mano con acqua tiepida."),
 ("negozio", "refuse", "link,promotion", "Visiti il nostro negozio online www.bottega-verde.it"),
 ("telefono", "refuse", "contact", "Ci chiami al 02 1234 5678."),
 ("chiocciola", "refuse", "contact", "Ci scriva a assistenza chiocciola bottega-verde.it"),
 ("cinque-stelle", "refuse", "review", "Se è soddisfatto, ci lasci 5 stelle!"),
 ("rimuovere-recensione", "refuse", "review", "Potrebbe rimuovere la recensione negativa?"),
 ("codice-sconto", "refuse", "promotion", "Con il codice sconto VERDE15 ha il 15% di sconto sul prossimo acquisto."),
 ("newsletter", "refuse", "promotion", "Si iscriva alla nostra newsletter!"),
 ("whatsapp", "refuse", "contact", "Ci contatti su WhatsApp al 347 123 4567."),
],
"ja": [
 ("japanpost", "pass", "", "日本郵便のゆうパックで発送しました。追跡番号は1234-5678-9012です。"),
 ("kaisou", "pass", "", "ご不便をおかけし申し訳ございません。再発送の手配をいたしました。"),
 ("instagram", "refuse", "contact", "新商品はインスタでご紹介しています。"),
 ("merumaga", "refuse", "promotion", "メルマガ登録で最新情報をお届けします。"),
 ("yamato", "pass", "", "本日ヤマト運輸にて発送いたしました。お問い合わせ伝票番号は4912-3456-7890です。\n追跡：https://toi.kuronekoyamato.co.jp/cgi-bin/tneko"),
 ("sagawa", "pass", "", "佐川急便で発送しました。お届け予定日は11月5日です。"),
 ("henkin", "pass", "", "大変申し訳ございません。割れた湯呑みの代金1,980円を返金いたしました。"),
 ("koukan", "pass", "", "代わりの商品を明日発送いたします。ご返送は不要です。"),
 ("review-neutral", "pass", "", "よろしければ、Amazonで商品のご感想をお聞かせください。"),
 ("amazon-link", "pass", "", "返品はこちらから受け付けております：https://www.amazon.co.jp/gp/css/returns/homepage.html"),
 ("order-price", "pass", "", "ご注文番号249-7654321-1234567、金額¥1,980のご返金手続きが完了しました。"),
 ("shop-link", "refuse", "link", "公式ショップ https://www.sakura-zakka.jp もご覧ください。"),
 ("fullwidth-domain", "refuse", "link", "詳しくは ｗｗｗ．ｓａｋｕｒａ－ｚａｋｋａ．ｊｐ をご覧ください。"),
 ("fullwidth-phone", "refuse", "contact", "お急ぎの場合は０３－１２３４－５６７８までお電話ください。"),
 ("line", "refuse", "contact", "LINE ID: sakura_zakka からもご連絡いただけます。"),
 ("star5", "refuse", "review", "よろしければレビューで★5をお願いします！"),
 ("review-sakujo", "refuse", "review", "解決しましたので、レビューを削除していただけますでしょうか。"),
 ("coupon", "refuse", "promotion", "次回使える10%OFFクーポンをお送りします。"),
 ("mail", "refuse", "contact", "写真は support＠sakura-zakka.jp までお送りください。"),
 ("review-present", "refuse", "review", "レビューを書いていただいた方にプレゼントをお送りしています。"),
],
}

STYLES = ["gmail", "outlook", "thunderbird", "apple"]


def buyer(lang):
    return "a1b2c3d4e5f6g7@marketplace.amazon." + TLD[lang]


def base_msg(lang, slug, subject, n):
    m = EmailMessage(policy=SMTP)
    m["From"] = f"{NAME[lang]} <{SELLER[lang]}>"
    m["To"] = buyer(lang)
    m["Subject"] = subject
    m["Date"] = format_datetime(datetime(2025, 11, 3, 11, 0, tzinfo=timezone(timedelta(hours=1))) + timedelta(minutes=n))
    m["Message-ID"] = f"<{lang}-{slug}@{SELLER[lang].split('@')[1]}>"
    return m


def html_lines(text):
    return "".join(f"<div>{escape(l, quote=False) if l else '<br>'}</div>" for l in text.split("\n"))


def render(lang, slug, text, style, n):
    b = buyer(lang)
    subject = ("Re: " if lang != "ja" else "Re: ") + {"en": "Question about order ", "de": "Frage zur Bestellung ", "fr": "Question sur la commande ",
                                                   "es": "Pregunta sobre el pedido ", "it": "Domanda sull'ordine ", "ja": "注文についての質問 "}[lang] + ORDER[lang]
    m = base_msg(lang, slug, subject, n)
    body = f"{HELLO[lang]}\n\n{text}\n\n{SIGN[lang]}"
    attrib = ATTRIB[lang].format(b=b)
    q = QUESTION[lang]
    if style == "thunderbird":
        plain = f"{body}\n\n{attrib}\n> {q}\n"
        cs = CHARSET[lang]
        try:
            plain.encode(cs)
        except UnicodeEncodeError:
            cs = "utf-8"
        m.set_content(plain, charset=cs, cte="quoted-printable" if cs not in ("iso-2022-jp", "us-ascii") else "7bit")
        return m
    plain = f"{body}\n\n{attrib}\n> {q}\n"
    if style == "gmail":
        html = (f'<div dir="ltr">{html_lines(body)}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
                f'{escape(attrib)}<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">'
                f'<div dir="ltr">{escape(q)}</div></blockquote></div>')
    elif style == "outlook":
        fr, se, to, su = OUTLOOK_HDR[lang]
        html = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body><div style="font-family:Calibri,Arial,Helvetica,sans-serif;font-size:12pt">'
                f'{html_lines(body)}</div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr">'
                f'<font face="Calibri, sans-serif" style="font-size:11pt"><b>{fr}:</b> Customer &lt;{b}&gt;<br><b>{se}:</b> 03.11.2025 10:02<br>'
                f'<b>{to}:</b> {SELLER[lang]}<br><b>{su}:</b> {escape(subject[4:])}</font><div>&nbsp;</div></div><div>{escape(q)}</div></body></html>')
        fr, se, to, su = OUTLOOK_HDR[lang]
        plain = f"{body}\n\n________________________________\n{fr}: Customer <{b}>\n{se}: 03.11.2025 10:02\n{to}: {SELLER[lang]}\n{su}: {subject[4:]}\n\n{q}\n"
    else:  # apple
        html = (f'<html><body style="word-wrap: break-word;">{html_lines(body)}<div><br><blockquote type="cite"><div>{escape(attrib)}</div>'
                f'<br><div><div>{escape(q)}</div></div></blockquote></div></body></html>')
    m.set_content(plain, charset="utf-8", cte="quoted-printable")
    m.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable" if n % 2 else "base64")
    return m


# Attachments: real bytes for each type.
def pdf_bytes(text):
    content = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + o + b"\nendobj\n")
    x = out.tell()
    out.write(f"xref\n0 {len(objs)+1}\n0000000000 65535 f \n".encode())
    for o in offs:
        out.write(f"{o:010d} 00000 n \n".encode())
    out.write(f"trailer << /Size {len(objs)+1} /Root 1 0 R >>\nstartxref\n{x}\n%%EOF\n".encode())
    return out.getvalue()


PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFklEQVR4nGP8z8DwnwEIGBn+MzIwMAAANv0E/vW4dzIAAAAASUVORK5CYII=")
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300") + bytes(64) + bytes.fromhex("ffd9")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(112) + b"PE\x00\x00" + bytes(100)


def zip_bytes(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            zi = zipfile.ZipInfo(name, date_time=(2025, 11, 3, 10, 0, 0))
            z.writestr(zi, data)
    return out.getvalue()


def docx_bytes(paras):
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           + "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paras) + "</w:body></w:document>")
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    return zip_bytes([("[Content_Types].xml", ct), ("_rels/.rels", rels), ("word/document.xml", doc)])


ATTACH = [
 ("de", "rechnung-pdf", "pass", "", "Anbei die Rechnung zu Ihrer Bestellung.", [("Rechnung_302-1234567-7654321.pdf", "application/pdf", pdf_bytes("Rechnung 302-1234567-7654321"))]),
 ("en", "photo-png", "pass", "", "Here is a photo of the replacement part.", [("spare-lid.png", "image/png", PNG)]),
 ("fr", "facture-umlaut", "pass", "", "Veuillez trouver la facture ci-jointe.", [("Facture_n°4711.pdf", "application/pdf", pdf_bytes("Facture 4711"))]),
 ("ja", "manual-pdf", "pass", "", "取扱説明書をお送りします。", [("取扱説明書.pdf", "application/pdf", pdf_bytes("Manual"))]),
 ("it", "foto-jpg", "pass", "", "Le inviamo la foto del vaso sostitutivo.", [("vaso.jpg", "image/jpeg", JPEG)]),
 ("es", "manual-docx", "pass", "", "Le enviamos las instrucciones.", [("instrucciones.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx_bytes(["Instrucciones de uso", "Conserve el aceite en lugar fresco."]))]),
 ("de", "zip", "refuse", "attachment", "Anbei alle Unterlagen als Archiv.", [("unterlagen.zip", "application/zip", zip_bytes([("rechnung.txt", "Rechnung")]))]),
 ("de", "double-ext", "refuse", "attachment", "Anbei die Rechnung.", [("rechnung.pdf.exe", "application/octet-stream", EXE)]),
 ("en", "exe-as-pdf", "refuse", "attachment", "Please find the invoice attached.", [("invoice.pdf", "application/pdf", EXE)]),
 ("fr", "html-attachment", "refuse", "attachment", "Voici le formulaire.", [("formulaire.html", "text/html", b"<html><form action='https://x.example'></form></html>")]),
 ("it", "docm", "refuse", "attachment", "In allegato il modulo.", [("modulo.docm", "application/vnd.ms-word.document.macroEnabled.12", docx_bytes(["Modulo"]))]),
 ("es", "js", "refuse", "attachment", "Adjuntamos la herramienta.", [("herramienta.js", "application/javascript", b"alert(1)")]),
]

HTML_EXTRA = [
 ("en", "pixel-1x1", "refuse", "pixel", '<div>Thanks for your order.</div><img src="https://track.mailtrk.example/o.gif?id=77" width="1" height="1" alt="">'),
 ("de", "remote-logo", "refuse", "pixel", '<div>Vielen Dank.</div><img src="https://www.bergmann-haushalt.de/logo.png" alt="Bergmann">'),
 ("fr", "hidden-img", "refuse", "pixel", '<div>Merci.</div><img src="https://cdn.atelier-lumiere.fr/t.png" style="display:none">'),
 ("es", "css-background", "refuse", "pixel", '<div style="background:url(https://casa-olivo.es/bg.png)">Gracias por su compra.</div>'),
 ("it", "link-text-mismatch", "refuse", "link", '<div>Il suo ordine: <a href="https://www.bottega-verde.it/ordini">https://www.amazon.it/gp/your-account/order-history</a></div>'),
 ("en", "hidden-link", "refuse", "link", '<div>Your <a href="https://brightkettle.co.uk/deal">order details</a> are ready.</div>'),
 ("ja", "logo-link", "refuse", "link", '<div>ご購入ありがとうございます。</div><a href="https://www.sakura-zakka.jp"><img src="cid:logo1" alt="さくら雑貨"></a>'),
 ("de", "mailto", "refuse", "contact", '<div>Fragen? <a href="mailto:service@bergmann-haushalt.de">Schreiben Sie uns</a>.</div>'),
 ("en", "inline-cid-photo", "pass", "", '<div>Here is the photo of the spare part:</div><img src="cid:photo1" width="320" height="240">'),
 ("fr", "tracking-anchor", "pass", "", '<div>Suivi : <a href="https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT=XY123456789FR">XY123456789FR</a></div>'),
]

FAKE_QUOTES = [
 ("en", "fake-quote", "refuse", "link", "Thanks!\n\n> Sure, order again at www.brightkettle.co.uk and save"),
 ("de", "fake-attribution-self", "refuse", "link", f"Danke!\n\nAm 03.11.2025 schrieb Bergmann <{SELLER['de']}>:\n> Mehr auf www.bergmann-haushalt.de"),
]


def main():
    # email.generator draws MIME boundaries from random: seed it so that
    # every run writes byte-identical files.
    random.seed(20251103)
    labels = []
    n = 0
    for lang, items in ITEMS.items():
        os.makedirs(os.path.join(OUT, lang), exist_ok=True)
        for i, (slug, expect, cats, text) in enumerate(items):
            n += 1
            style = STYLES[(i + len(lang)) % len(STYLES)]
            m = render(lang, slug, text, style, n)
            name = f"{lang}/{i+1:03d}-{slug}.eml"
            write(name, m)
            labels.append((name, expect, cats, f"{style}: " + text[:60].replace("\n", " ")))
    k = 100
    for lang, slug, expect, cats, text, files in ATTACH:
        n += 1
        k += 1
        m = base_msg(lang, slug, {"en": "Your order", "de": "Ihre Bestellung", "fr": "Votre commande", "es": "Su pedido", "it": "Il suo ordine", "ja": "ご注文について"}[lang] + " " + ORDER[lang], n)
        m.set_content(f"{HELLO[lang]}\n\n{text}\n\n{SIGN[lang]}\n", charset="utf-8", cte="quoted-printable")
        for fname, ctype, data in files:
            maintype, subtype = ctype.split("/", 1)
            m.add_attachment(data, maintype=maintype, subtype=subtype, filename=fname)
        name = f"{lang}/{k:03d}-{slug}.eml"
        write(name, m)
        labels.append((name, expect, cats, f"attachment: {files[0][0]}"))
    for lang, slug, expect, cats, html in HTML_EXTRA:
        n += 1
        k += 1
        m = base_msg(lang, slug, "Re: " + ORDER[lang], n)
        m.set_content("(HTML message)\n", charset="utf-8")
        m.add_alternative(f"<html><body>{html}</body></html>", subtype="html", charset="utf-8")
        if "cid:" in html:
            cid = html.split("cid:")[1].split('"')[0]
            m.get_payload()[1].add_related(PNG, maintype="image", subtype="png", cid=f"<{cid}>")
        name = f"{lang}/{k:03d}-{slug}.eml"
        write(name, m)
        labels.append((name, expect, cats, "html: " + slug))
    for lang, slug, expect, cats, text in FAKE_QUOTES:
        n += 1
        k += 1
        m = base_msg(lang, slug, "Re: " + ORDER[lang], n)
        m.set_content(text + "\n", charset="utf-8", cte="quoted-printable")
        name = f"{lang}/{k:03d}-{slug}.eml"
        write(name, m)
        labels.append((name, expect, cats, "fake quote: " + slug))
    labels += extra.main(OUT)
    with open(os.path.join(OUT, "labels.tsv"), "w", encoding="utf-8") as f:
        f.write("# file\texpect\tcategories\tnote\n")
        for row in labels:
            f.write("\t".join(row) + "\n")
    print(f"{len(labels)} messages")


def write(name, m):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(m.as_bytes(policy=SMTP))


if __name__ == "__main__":
    main()
