"""Messages 201 and up of each language: longer, multi-paragraph replies in
each client's own encoding (see clients.py). Each entry: slug, expect,
categories, client, charset, and the seller's words; a quoted buyer message
whose attribution names the buyer's @marketplace.amazon.* address is the
buyer's words and must never cause a refusal.
"""
import os

from clients import (JPEG_8x8, bmp_bytes, build, pdf_bytes, png_bytes, tiff_bytes, zip_bytes)

GREET = {"en": "Dear Emma,", "us": "Hi Jordan,", "de": "Guten Tag Frau Krüger,", "fr": "Bonjour Madame Martin,",
         "es": "Estimada Lucía:", "it": "Gentile Sig.ra Rossi,", "ja": "佐藤 花子 様\n\nこの度はさくら雑貨をご利用いただき、誠にありがとうございます。"}
SIG = {"en": "Kind regards,\nOliver\nBrightKettle Support", "us": "Best,\nOliver\nBrightKettle Support",
       "de": "Mit freundlichen Grüßen\nJonas Weber\nBergmann Haushalt Kundenservice",
       "fr": "Bien cordialement,\nJulie\nService client Atelier Lumière",
       "es": "Un cordial saludo,\nMarta\nAtención al cliente - Casa Olivo",
       "it": "Cordiali saluti,\nLuca\nAssistenza clienti Bottega Verde",
       "ja": "今後ともさくら雑貨をよろしくお願い申し上げます。\n\n――――――――――――――――\nさくら雑貨 カスタマーサポート\n担当：山本\n――――――――――――――――"}
ORDER = {"en": "203-4829173-5512908", "us": "113-2468013-5791357", "de": "302-1234567-7654321", "fr": "171-9988776-1122334",
         "es": "402-5566778-9900112", "it": "405-1212121-3434343", "ja": "249-7654321-1234567"}
SUBJ = {"en": "Re: Damaged kettle - order {o}", "us": "Re: Where is my order {o}?", "de": "AW: Beschädigter Topf - Bestellung {o}",
        "fr": "RE: Lampe cassée - commande {o}", "es": "RE: Botella rota - pedido {o}", "it": "R: Vaso incrinato - ordine {o}",
        "ja": "Re: 商品破損について（注文番号 {o}）"}
ORIG = {"en": "Damaged kettle - order {o}", "us": "Where is my order {o}?", "de": "Beschädigter Topf - Bestellung {o}",
        "fr": "Lampe cassée - commande {o}", "es": "Botella rota - pedido {o}", "it": "Vaso incrinato - ordine {o}",
        "ja": "商品破損について（注文番号 {o}）"}

# What the buyers wrote: their own phone numbers, links and addresses, which
# the seller's reply quotes.
Q = {
 "en": "Hello,\nthe kettle arrived today with a big dent in the side, photos here: https://photos.app.goo.gl/Xy7Qm2PaLk9\nYou can ring me on 07700 900123 after 5pm.\nEmma",
 "us": "Hi, tracking hasn't moved since Friday. Can you check? My cell is (555) 010-4477.\nJordan",
 "de": "Guten Tag,\nder Topf ist mit einer Delle angekommen. Fotos: https://www.dropbox.com/s/abc123/topf.jpg\nRückruf gern unter 0171 2345678 oder sabine.krueger@web.de.\nViele Grüße\nSabine Krüger",
 "fr": "Bonjour,\nla lampe est arrivée avec le verre fêlé. Vous pouvez me joindre au 06 12 34 56 78 ou camille.martin@orange.fr.\nMerci",
 "es": "Hola,\nla botella de aceite llegó rota y la caja empapada. Mi móvil es +34 600 111 222, las fotos están en https://imgur.com/a/Bx9kLm2\nGracias",
 "it": "Buongiorno,\nil vaso è arrivato incrinato sul bordo. Può chiamarmi al 333 123 4567. Le foto: https://ibb.co/7tXyZ9q\nGrazie, Giulia",
 "ja": "お世話になります。\n本日届いた湯呑みが割れていました。写真はこちらです https://photos.google.com/share/AF1Qip\n日中は090-1234-5678にお電話ください。\n佐藤",
}

# The same buyers without contact data or links: quoted under the refused
# messages, so that what a refusal names comes from the seller's words
# alone even where an engine fails to recognise a quote.
Q_CLEAN = {
 "en": "Hello,\nthe kettle arrived today with a big dent in the side. What can you do?\nEmma",
 "us": "Hi, tracking hasn't moved since Friday. Can you check?\nJordan",
 "de": "Guten Tag,\nder Topf ist mit einer Delle angekommen. Was können Sie da machen?\nViele Grüße\nSabine Krüger",
 "fr": "Bonjour,\nla lampe est arrivée avec le verre fêlé. Que pouvez-vous faire ?\nMerci",
 "es": "Hola,\nla botella de aceite llegó rota y la caja empapada. ¿Qué podemos hacer?\nGracias",
 "it": "Buongiorno,\nil vaso è arrivato incrinato sul bordo. Come possiamo fare?\nGrazie, Giulia",
 "ja": "お世話になります。\n本日届いた湯呑みが割れていました。どうすればよいでしょうか。\n佐藤",
}

# ---------------------------------------------------------------- attachments
PDF_INVOICE_DE = pdf_bytes(["Bergmann Haushalt GmbH, Industriestr. 12, 10115 Berlin", "USt-IdNr. DE123456789, Amtsgericht Charlottenburg HRB 123456 B", "Rechnung Nr. RE-2025-11873", "Bestellung 302-1234567-7654321",
                            "1 x Kochtopf Edelstahl 24 cm   24,99 EUR", "inkl. 19 % MwSt. 3,99 EUR", "Zahlung ueber Amazon erhalten."])
PDF_INVOICE_EN = pdf_bytes(["BrightKettle Ltd", "Invoice INV-2025-0457", "Order 203-4829173-5512908",
                            "1 x Glass Kettle 1.7 l   GBP 24.99", "VAT 20 %   GBP 4.17", "Paid via Amazon."])
PDF_INVOICE_SHOP = pdf_bytes(["BrightKettle Ltd", "Invoice INV-2025-0458", "Order 203-4829173-5512908",
                              "1 x Glass Kettle 1.7 l   GBP 24.99",
                              "Shop again at www.brightkettle.co.uk and save 15% with code THANKYOU15"])
PDF_FACTURE = pdf_bytes(["Atelier Lumiere SARL", "Facture n\xb0 2025-1103", "Commande 171-9988776-1122334",
                         "1 x Lampe de chevet laiton   39,90 EUR", "TVA 20 % incluse", "Reglee via Amazon."])
PDF_RETURN_ES = pdf_bytes(["Casa Olivo S.L.", "Informe de devolucion - pedido 402-5566778-9900112",
                           "Estado del articulo: botella rota en transporte", "Reembolso: 18,90 EUR el 04/11/2025"])
TXT_DE = "Lieferschein zu Bestellung 302-1234567-7654321\r\nArtikel: Kochtopf Edelstahl 24 cm, EAN 4006381333931\r\nMenge: 1\r\nVersand: DHL, Sendungsnummer JJD000390007822541\r\n".encode("cp1252")
DAMAGE_PNG = png_bytes(24, 16, (180, 60, 40))
ZIP_AS_PDF = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(20) + b"rechnung.exe" + bytes(40)


PHOTOS_ZIP = zip_bytes([("IMG_0412.JPG", JPEG_8x8), ("IMG_0413.JPG", JPEG_8x8)])


def E(lang, slug, expect, cats, client, charset, body, note, **kw):
    d = dict(lang=lang, slug=slug, expect=expect, cats=cats, client=client, charset=charset, body=body, note=note)
    d.update(kw)
    return d


MESSAGES = [
# ============================================================ English (UK + US)
E("en", "usps-us-apple", "pass", "", "apple", "utf-8",
  "Thanks for your patience. USPS shows the parcel left the Chicago hub this morning; the scan on Friday was missed, which happens at busy facilities.\n\n"
  "Tracking number 9400 1118 9922 3817 5456 33:\nhttps://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223817545633\n\n"
  "It should reach 60614 by Thursday, Nov 6. If it has not arrived by Monday we will send a replacement for order 113-2468013-5791357 at no charge.",
  "apple, US marketplace: USPS tracking link and ZIP; buyer's cell number in the quote", mlang="us",
  sig="Best,\nOliver\nBrightKettle Support"),
E("en", "refund-scratch-outlook", "pass", "", "outlook", "windows-1252",
  "Thank you for the photos, they made it very clear.\n\nI am sorry the kettle was damaged in transit. As you would like to keep it, we have refunded £10.00 for the dent to your original payment method today (order 203-4829173-5512908). "
  "Amazon usually shows the refund within 3–5 working days.\n\nThere is nothing you need to send back.",
  "outlook windows-1252: partial refund resolves the complaint; buyer's photo link and phone in the Outlook quote block"),
E("en", "invoice-pdf-inline-damage", "pass", "", "gmail", "utf-8",
  "Please find attached the invoice for order 203-4829173-5512908 (INV-2025-0457, £24.99 incl. VAT).\n\n"
  "Below is a photo from our warehouse of the lid hinge you asked about, so you can compare it with yours:\n\n[image: hinge.png]\n\n"
  "If the hinge on your kettle looks different, reply here and we will send the spare part.",
  "gmail multipart/mixed > related > alternative: cid: inline image of the damaged part and a PDF invoice",
  inline=[("hinge.png", "image/png", DAMAGE_PNG, "ii_m8k2q1ab0")], attach=[("INV-2025-0457.pdf", "application/pdf", PDF_INVOICE_EN)],
  html_extra='<div><img src="cid:ii_m8k2q1ab0" alt="hinge.png" width="240" height="160"></div>'),
E("en", "specs-numbers-thunderbird", "pass", "", "thunderbird", "utf-8",
  "The kettle you bought is model BK-1700G (ASIN B08N5WRWNW, EAN 4006381333931).\n\n"
  "- capacity 1.7 l, 2200-2400 W, 220-240 V ~ 50/60 Hz\n- base 16.5 x 16.5 cm, height 24.5 cm\n- filter: part no. 1700-0042-01\n\n"
  "The replacement filter is listed on Amazon under ASIN B0C4X7LQ2N for £6.99. The warranty runs until 03/11/2027.",
  "thunderbird HTML + flowed plain: model/part numbers, watts, volts, dimensions, ASIN/EAN that are not phone numbers"),
E("en", "reviewed-return-amazon-link", "pass", "", "gmail", "utf-8",
  "We reviewed your return: the kettle arrived back on 10/11/2025 unused and in its box, so we have issued the full refund of £24.99.\n\n"
  "You can see it under the order on Amazon: https://www.amazon.co.uk/gp/your-account/order-details?orderID=203-4829173-5512908\n\n"
  "Sorry it did not work out this time.",
  "gmail: 'we reviewed your return' and an amazon.co.uk order-details link"),
E("en", "signature-phone-web", "refuse", "contact,link", "gmail", "utf-8",
  "A replacement kettle goes out today with Royal Mail Tracked 48; you will get the tracking number from Amazon.",
  "gmail: compliant body, but the signature carries a phone number and the shop's website",
  sig="Kind regards,\nOliver Hughes\nBrightKettle Ltd | Unit 4, Riverside Park, Leeds LS11 5DQ\nTel. 0113 496 0732 | www.brightkettle.co.uk"),
E("en", "cyrillic-amazon-outlook", "refuse", "link", "outlook", "utf-8",
  "To get the prepaid return label, please confirm your order on the returns page:\nhttps://www.\u0430mazon-returns.co.uk/label?order=203-4829173-5512908\n\nThe label is valid for 14 days.",
  "outlook: look-alike returns page with a Cyrillic а in 'аmazon'"),
E("en", "polite-five-stars-us", "refuse", "review", "apple", "utf-8",
  "So glad the replacement arrived safely and that the kettle is working well.\n\n"
  "Only if you're happy with it, please leave us 5 stars on Amazon – it really helps a small family business like ours.",
  "apple, US: polite 'only if you're happy, please leave 5 stars'", mlang="us", sig="Best,\nOliver\nBrightKettle Support"),
E("en", "skype-signal-thunderbird", "refuse", "contact", "thunderbird", "utf-8",
  "It sounds like the thermostat. It would be quickest to look at it together on a video call.\n\n"
  "Add us on Skype (live:brightkettle.support) or Signal and we can go through it in five minutes.",
  "thunderbird: Skype ID and Signal as an off-Amazon channel"),
E("en", "entity-email-html", "refuse", "contact", "outlook", "utf-8",
  "Please send the photos of the dent to returns at brightkettle dot co dot uk so the warehouse can see them.",
  "outlook: e-mail spelt out in the plain part, HTML-entity encoded in the HTML part",
  html='<p class="MsoNormal">Dear Emma,</p><p class="MsoNormal">&nbsp;</p><p class="MsoNormal">Please send the photos of the dent to '
       '<span>returns&#64;brightkettle&#46;co&#46;uk</span> so the warehouse can see them.</p><p class="MsoNormal">&nbsp;</p>'
       '<p class="MsoNormal">Kind regards,<br>Oliver<br>BrightKettle Support</p>'),
E("en", "pdf-invoice-shop-code", "refuse", "promotion", "apple", "utf-8",
  "Please find your invoice attached.",
  "apple: clean body, but the attached PDF invoice's text has a discount code for the shop (the same content rules apply to attachments; the URL alone might be an invoice's legal header, the code is not)",
  attach=[("INV-2025-0458.pdf", "application/pdf", PDF_INVOICE_SHOP)]),

# ============================================================ German
E("de", "jjd-dhl-thunderbird", "pass", "", "thunderbird", "windows-1252",
  "vielen Dank für Ihre Nachricht und die Fotos.\n\nDer Ersatztopf ist heute mit DHL rausgegangen, Sendungsnummer JJD000390007822541:\n"
  "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=JJD000390007822541\n\n"
  "Den beschädigten Topf müssen Sie nicht zurückschicken. Die Bestellung 302-1234567-7654321 bleibt bis zur Zustellung offen.",
  "thunderbird windows-1252, 'Am 03.11.25 um 10:02 schrieb <buyer>:' quote with buyer's phone, e-mail and Dropbox link"),
E("de", "ean-format-leerzeilen", "pass", "", "apple", "iso-8859-15",
  "der Deckel passt auf alle Töpfe der Serie Classic (EAN 4006381333931).\n\n\n\nEr kostet € 19,99 und ist bei Amazon unter ASIN B08N5WRWNW erhältlich.",
  "apple iso-8859-15: advisory format only (4 consecutive line breaks); EAN, ASIN, price"),
E("de", "lieferschein-txt-bmp", "pass", "", "outlook", "iso-8859-1",
  "anbei der Lieferschein als Textdatei und ein Foto des Ersatzdeckels, damit Sie ihn bei der Zustellung erkennen.\n\n"
  "Die Lieferung an 10115 Berlin ist für Donnerstag, 06.11.2025, angekündigt.",
  "outlook iso-8859-1: .txt delivery note and .bmp photo attached; quote block 'Von:/Gesendet:/An:/Betreff:'",
  attach=[("Lieferschein_302-1234567-7654321.txt", "text/plain", TXT_DE), ("Ersatzdeckel.bmp", "image/bmp", bmp_bytes(8, 6, (200, 200, 210)))]),
E("de", "rechnung-amazon-bestellseite", "pass", "", "gmail", "utf-8",
  "die Rechnung zu Ihrer Bestellung finden Sie im Anhang und jederzeit auch auf Ihrer Bestellübersicht bei Amazon:\n"
  "https://www.amazon.de/gp/your-account/order-details?ie=UTF8&orderID=302-1234567-7654321\n\nRechnungsbetrag: 24,99 € inkl. 19 % MwSt.",
  "gmail: PDF invoice attachment (RFC 2231 name with umlaut) and amazon.de order page link",
  attach=[("Rechnung_Bergmann_Küchentopf.pdf", "application/pdf", PDF_INVOICE_DE)]),
E("de", "weiches-trennzeichen", "refuse", "link", "thunderbird", "windows-1252",
  "Eine Anleitung mit Bildern finden Sie auch auf bergmann-haus\u00adhalt.de/pflege – dort steht alles zum Entkalken.",
  "thunderbird windows-1252: soft hyphen (0xAD) inside the shop's domain"),
E("de", "bitte-5-sterne-gutschein10", "refuse", "review,promotion", "outlook", "iso-8859-1",
  "schön, dass jetzt alles passt!\n\nWenn Sie zufrieden sind, geben Sie uns bitte 5 Sterne. "
  "Als kleines Dankeschön erhalten Sie mit dem Code GUTSCHEIN10 10 % Rabatt auf Ihren nächsten Einkauf.",
  "outlook iso-8859-1: 'bitte 5 Sterne' and coupon code GUTSCHEIN10"),
E("de", "signatur-telefon-web", "refuse", "contact,link", "thunderbird", "iso-8859-1",
  "der Ersatzdeckel ist heute an Sie rausgegangen.",
  "thunderbird iso-8859-1: '-- ' signature with Tel. and website", flowed=True,
  sig="Mit freundlichen Grüßen\nJonas Weber\n\n-- \nBergmann Haushalt GmbH · Industriestr. 12 · 10115 Berlin\nTel.: +49 30 1234 5678 · Fax: +49 30 1234 5679\nwww.bergmann-haushalt.de"),
E("de", "pdf-ist-zip", "refuse", "attachment", "gmail", "utf-8",
  "anbei die Rechnung.",
  "gmail: 'Rechnung.pdf' whose bytes are a zip archive", attach=[("Rechnung.pdf", "application/pdf", ZIP_AS_PDF)]),
E("de", "falsches-zitat", "refuse", "link", "thunderbird", "utf-8",
  "danke für Ihre Rückmeldung.",
  "thunderbird: '>' quote without any attribution naming the buyer, holding the seller's shop link",
  quote="Gibt es den Deckel auch einzeln?\n\nJa, im Shop: https://bergmann-haushalt.de/shop/deckel-24cm", attrib=None),

# ============================================================ French
E("fr", "colissimo-thunderbird-1252", "pass", "", "thunderbird", "windows-1252",
  "merci pour votre message et toutes nos excuses pour le verre fêlé.\n\n"
  "Une nouvelle lampe est partie ce matin en Colissimo, numéro 6A12345678901 :\nhttps://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901\n\n"
  "Livraison prévue le jeudi 6 novembre à 75011 Paris. Vous pouvez garder l'ancienne lampe.",
  "thunderbird windows-1252: 'Le 03/11/2025 à 10:02, <buyer> a écrit :' quote with buyer's phone and e-mail"),
E("fr", "avis-neutre-proactif", "pass", "", "outlook", "windows-1252",
  "votre commande 171-9988776-1122334 vous a été livrée il y a quelques jours.\n\n"
  "Si vous avez un moment, vous pouvez partager votre expérience avec le produit sur Amazon :\n"
  "https://www.amazon.fr/review/create-review?asin=B08N5WRWNW\n\nMerci de votre confiance.",
  "outlook windows-1252: neutral one-per-order review request with amazon.fr link", quote=None),
E("fr", "facture-pdf-rfc2231", "pass", "", "apple", "utf-8",
  "vous trouverez ci-joint la facture de votre commande 171-9988776-1122334 (39,90 € TTC).",
  "apple: PDF invoice with RFC 2231 name 'Facture n° 2025-1103 – Atelier Lumière.pdf'",
  attach=[("Facture n° 2025-1103 – Atelier Lumière.pdf", "application/pdf", PDF_FACTURE)]),
E("fr", "photo-jpg-prix", "pass", "", "gmail", "utf-8",
  "voici une photo de l'abat-jour de remplacement (réf. AL-4021, 12,50 €) que nous vous envoyons gratuitement.\n\n"
  "Il sera livré à 69002 Lyon entre le 5 et le 7 novembre.",
  "gmail: .jpg attachment, price, postcode, date range",
  attach=[("abat-jour.jpg", "image/jpeg", JPEG_8x8)]),
E("fr", "telephone-points", "refuse", "contact", "gmail", "utf-8",
  "Le plus simple est de nous appeler directement au 06.12.34.56.78, nous réglerons cela en deux minutes.",
  "gmail: phone number split with dots"),
E("fr", "tiktok-facebook", "refuse", "contact,link", "apple", "utf-8",
  "Merci encore ! Retrouvez nos nouveautés sur TikTok @atelier.lumiere et sur https://www.facebook.com/atelierlumiere",
  "apple: TikTok handle and Facebook page"),
E("fr", "avis-contact-avant", "refuse", "review", "outlook", "windows-1252",
  "Nous sommes désolés pour ce désagrément.\n\nAvant de laisser un avis, merci de nous contacter d'abord : nous trouverons toujours une solution.",
  "outlook windows-1252: asks the buyer to contact the seller before leaving a review"),
E("fr", "faux-citation", "refuse", "link", "gmail", "utf-8",
  "Avec plaisir !",
  "gmail: quote whose attribution names the seller, not the buyer, holding the shop link",
  attrib="Le lun. 3 nov. 2025 à 09:40, Atelier Lumière SAV <contact@atelier-lumiere.fr> a écrit :",
  quote="Toute la collection est sur www.atelier-lumiere.fr/collection"),

# ============================================================ Spanish
E("es", "correos-outlook-1252", "pass", "", "outlook", "windows-1252",
  "gracias por enviarnos las fotos.\n\nHemos revisado su devolución y le hemos enviado una botella nueva por Correos, número PQ4B5C0123456780128001A:\n"
  "https://www.correos.es/es/es/herramientas/localizador/envios?numero=PQ4B5C0123456780128001A\n\n"
  "Llegará a 28013 Madrid entre el 5 y el 7 de noviembre.",
  "outlook windows-1252: 'De:/Enviado:/Para:/Asunto:' block quoting buyer's mobile and photo link"),
E("es", "reembolso-aranazo-apple", "pass", "", "apple", "windows-1252",
  "sentimos mucho lo ocurrido. Como prefiere quedarse con la aceitera, le hemos reembolsado 10 € por el arañazo (pedido 402-5566778-9900112).\n\n"
  "El reembolso aparecerá en su cuenta de Amazon en 3–5 días hábiles.",
  "apple windows-1252: partial refund for a scratch"),
E("es", "informe-pdf-gmail", "pass", "", "gmail", "utf-8",
  "adjuntamos el informe de su devolución. El reembolso de 18,90 € se hizo el 04/11/2025.",
  "gmail: PDF return report", attach=[("informe_devolucion_402-5566778-9900112.pdf", "application/pdf", PDF_RETURN_ES)]),
E("es", "info-at-thunderbird", "refuse", "contact", "thunderbird", "iso-8859-1",
  "Para tramitarlo más rápido, envíe las fotos a info (at) casa-olivo.es indicando el número de pedido.",
  "thunderbird iso-8859-1: e-mail obfuscated as 'info (at) casa-olivo.es'"),
E("es", "resena-reembolso-total", "refuse", "review", "gmail", "utf-8",
  "Le proponemos algo: si deja una reseña de 5 estrellas, le devolvemos el importe íntegro del pedido.",
  "gmail: full refund offered for a 5-star review"),
E("es", "telegram-signature", "refuse", "contact", "outlook", "windows-1252",
  "Le enviamos hoy la botella de reposición.",
  "outlook windows-1252: signature with WhatsApp number and Telegram handle",
  sig="Un cordial saludo,\nMarta\nCasa Olivo\nWhatsApp +34 612 345 678 · Telegram @casaolivo"),
E("es", "cita-sin-atribucion", "refuse", "link", "apple", "utf-8",
  "¡Gracias a usted!",
  "apple: blockquote without an attribution naming the buyer, containing the shop link",
  attrib="", quote="Y recuerde: el aceite nuevo ya está en www.casa-olivo.es/novedades"),

# ============================================================ Italian
E("it", "poste-thunderbird", "pass", "", "thunderbird", "iso-8859-1",
  "ci scusiamo per il vaso incrinato. Le abbiamo spedito oggi un vaso nuovo con Poste Italiane, codice RR123456789IT:\n"
  "https://www.poste.it/cerca/index.html#/risultati-spedizioni/RR123456789IT\n\nLa consegna a 00184 Roma è prevista per giovedì 6 novembre. Non deve restituire il vaso rotto.",
  "thunderbird iso-8859-1: 'Il 03/11/25 10:02, <buyer> ha scritto:' quote with buyer's phone and photo link"),
E("it", "reso-verificato-outlook", "pass", "", "outlook", "windows-1252",
  "abbiamo verificato il suo reso: il vaso è arrivato in magazzino il 10/11/2025 e il rimborso di 29,00 € è stato effettuato oggi sull'ordine 405-1212121-3434343.",
  "outlook windows-1252: 'Da:/Inviato:/A:/Oggetto:' block quoting buyer's phone"),
E("it", "foto-tiff-prezzo", "pass", "", "gmail", "utf-8",
  "le inviamo la foto del vaso sostitutivo (art. BV-220, € 19,99) così può verificare il colore prima della spedizione.",
  "gmail: .tif photo attachment and price", attach=[("vaso_BV-220.tif", "image/tiff", tiff_bytes(8, 8, 150))]),
E("it", "punto-dominio-outlook", "refuse", "link", "outlook", "windows-1252",
  "Trova le istruzioni per la cura del vaso su bottega-verde [punto] it/istruzioni",
  "outlook windows-1252: domain obfuscated with [punto]"),
E("it", "contatto-prima-recensione", "refuse", "review", "apple", "utf-8",
  "Ci dispiace molto. Prima di lasciare una recensione, ci scriva: troveremo insieme una soluzione.",
  "apple: asks to contact the seller before leaving a review"),
E("it", "sconto-prossimo-signal", "refuse", "contact,promotion", "gmail", "iso-8859-15",
  "Per scusarci le offriamo il 20% di sconto sul prossimo acquisto con il codice SCUSA20.\nPer qualsiasi cosa ci scriva su Signal al 347 765 4321.",
  "gmail iso-8859-15: discount code for a future purchase and a Signal number"),

# ============================================================ Japanese
E("ja", "yamato-sjis", "pass", "", "plain", "shift_jis",
  "代替品を本日ヤマト運輸にて発送いたしました。\nお問い合わせ伝票番号：491234567890\n"
  "https://toi.kuronekoyamato.co.jp/cgi-bin/tneko?number00=1&number01=491234567890\n\n"
  "お届け先：〒150-0001 東京都渋谷区神宮前\nお届け予定日：2025年11月5日（水）午前中\n\n割れた湯呑み（￥1,980）はご返送いただかなくて結構です。",
  "plain Shift_JIS base64, RFC 2047 Shift_JIS subject: 12-digit Yamato number, postcode, price; buyer's phone in the quote",
  cte="base64"),
E("ja", "outlook-quote-phone-2022", "pass", "", "outlook", "iso-2022-jp",
  "ご連絡いただきありがとうございます。\n写真を拝見いたしました。ご不便をおかけし、誠に申し訳ございません。\n\n"
  "ご注文番号249-7654321-1234567につきまして、本日代わりの商品を発送いたします。割れた商品は破棄していただいて構いません。",
  "outlook ISO-2022-JP: '差出人:/送信日時:/宛先:/件名:' block quoting buyer's phone and photo link"),
E("ja", "amazon-order-page-tb", "pass", "", "thunderbird", "iso-2022-jp",
  "返品・返金の状況は、Amazonの注文履歴からご確認いただけます。\nhttps://www.amazon.co.jp/gp/your-account/order-details?orderID=249-7654321-1234567\n\n"
  "返金額：1,980円（2025年11月4日処理済み）",
  "thunderbird ISO-2022-JP: amazon.co.jp order page link; buyer quote under 'さんは書きました:'"),
E("ja", "jan-partial-refund-gmail", "pass", "", "gmail", "utf-8",
  "商品の傷について、大変失礼いたしました。\nお客様のご希望どおり、傷の分として500円を返金いたしました。\n\n"
  "ご参考までに、商品情報は以下のとおりです。\nJANコード：4901234567894\nASIN：B08N5WRWNW\n価格：¥1,980（税込）",
  "gmail UTF-8 base64: partial refund, JAN code, ASIN, price", cte="base64"),
E("ja", "review-neutral-apple", "pass", "", "apple", "iso-2022-jp",
  "先日はご注文（249-7654321-1234567）いただき、誠にありがとうございました。\n\n"
  "お時間がございましたら、Amazonで商品のご感想をお聞かせいただけますと幸いです。",
  "apple ISO-2022-JP: neutral review request, once per order", quote=None),
E("ja", "fullwidth-090-2022", "refuse", "contact", "plain", "iso-2022-jp",
  "お手数ですが、詳しい状況をお電話でお聞かせください。\n担当直通：０９０−１２３４−５６７８（平日10時〜18時）",
  "plain ISO-2022-JP: full-width mobile number"),
E("ja", "coupon-sjis", "refuse", "promotion", "plain", "shift_jis",
  "ご迷惑をおかけしたお詫びとして、次回使える10%OFFクーポンをご用意しました。\nクーポンコード：SAKURA10（2025年12月31日まで有効）",
  "plain Shift_JIS: '次回使える10%OFFクーポン' with code", cte="8bit"),
E("ja", "rakuten-yahoo", "refuse", "promotion", "gmail", "utf-8",
  "なお、同じシリーズの急須は楽天市場店・Yahoo!ショッピング店でもお買い求めいただけます。\n「さくら雑貨」で検索してみてください。",
  "gmail: redirects the buyer to the seller's Rakuten and Yahoo! shops"),
E("ja", "line-tel-signature-2022", "refuse", "contact", "outlook", "iso-2022-jp",
  "代わりの商品を本日発送いたしました。",
  "outlook ISO-2022-JP: signature with LINE official account and phone",
  sig="よろしくお願いいたします。\n\nさくら雑貨 カスタマーサポート\nLINE公式アカウント：@sakura-zakka\nTEL：03-1234-5678"),
E("ja", "review-star5-gift", "refuse", "review", "thunderbird", "utf-8",
  "無事に解決して安心いたしました。\nよろしければレビューで★5をお願いします！投稿していただいた方には、次回お届けの際に小さなプレゼントを同封しております。",
  "thunderbird: 'レビューで★5をお願いします' and a gift for the review"),
E("ja", "fake-quote-ja", "refuse", "link", "plain", "iso-2022-jp",
  "ご確認ありがとうございました。",
  "plain ISO-2022-JP: '>' quote with no attribution, holding the seller's shop link",
  attrib=None, quote="新商品は https://www.sakura-zakka.jp/new でご覧いただけます"),

# ============================================================ more, filling each language's gaps
E("it", "pixel-outlook", "refuse", "pixel", "outlook", "windows-1252",
  "le confermiamo che il vaso sostitutivo è stato spedito oggi.",
  "outlook windows-1252: 1x1 open-tracking image after the signature",
  html_extra='<p class="MsoNormal"><img width="1" height="1" style="width:.0104in;height:.0104in" src="https://t.mlsend-eu.example/open/5f2c9a.gif" alt=""></p>'),
E("ja", "remote-logo-gmail", "refuse", "pixel", "gmail", "utf-8",
  "代わりの商品を本日発送いたしました。",
  "gmail: the shop's logo as a remote image in the signature",
  html_extra='<div><img src="https://www.sakura-zakka.jp/img/mail/logo_sig.png" width="160" height="40" alt="さくら雑貨"></div>'),
E("en", "css-background-outlook", "refuse", "pixel", "outlook", "utf-8",
  "Your replacement kettle is on its way.",
  "outlook: signature table cell with a CSS background-image url()",
  html_extra='<table style="border-collapse:collapse"><tr><td style="background-image:url(\'https://cdn.brightkettle.co.uk/mail/sig-bg.jpg\');padding:8pt">'
             '<p class="MsoNormal">BrightKettle Support</p></td></tr></table>'),
E("de", "zero-pixel-thunderbird", "refuse", "pixel", "thunderbird", "iso-8859-15",
  "der Ersatzdeckel ist unterwegs.",
  "thunderbird: 0x0 remote image from an open-tracking host",
  html_extra='<p><img src="https://open.bergmann-haushalt.de/o/8f2a91.png" width="0" height="0" alt="" moz-do-not-send="false"></p>'),
E("ja", "zip-2022-attachment", "refuse", "attachment", "plain", "iso-2022-jp",
  "破損箇所の写真をまとめてお送りします。ご確認ください。",
  "plain ISO-2022-JP, RFC 2047 attachment name: a .zip archive of photos",
  attach=[("破損写真.zip", "application/x-zip-compressed", PHOTOS_ZIP)]),
E("de", "inline-schaden-outlook", "pass", "", "outlook", "windows-1252",
  "auf dem Foto unten sehen Sie die Stelle, an der die Delle entstanden ist – das passiert beim Transport, wenn der Karton gestaucht wird.\n\n"
  "[cid:image001.png@01DC4CB1.6E3A2F10]\n\nWir haben Ihnen dafür 10,00 € erstattet.",
  "outlook windows-1252: inline cid: image in multipart/related and a partial refund",
  inline=[("image001.png", "image/png", DAMAGE_PNG, "image001.png@01DC4CB1.6E3A2F10")],
  html_extra='<p class="MsoNormal"><img width="240" height="160" style="width:2.5in;height:1.6666in" id="Grafik_x0020_1" src="cid:image001.png@01DC4CB1.6E3A2F10"></p>'),
E("es", "inline-foto-gmail", "pass", "", "gmail", "iso-8859-1",
  "le mostramos cómo debe quedar el tapón dosificador bien colocado:\n\n[image: tapon.jpg]\n\nSi aun así gotea, respóndanos por aquí y le enviamos otro.",
  "gmail iso-8859-1: inline cid: photo of the part",
  inline=[("tapon.jpg", "image/jpeg", JPEG_8x8, "ii_n2b7r4tz1")],
  html_extra='<div><img src="cid:ii_n2b7r4tz1" alt="tapon.jpg" width="200" height="150"></div>'),
E("it", "ordine-amazon-apple", "pass", "", "apple", "iso-8859-15",
  "il rimborso di € 29,00 risulta già nel suo ordine su Amazon:\nhttps://www.amazon.it/gp/your-account/order-details?orderID=405-1212121-3434343\n\n"
  "Il corriere BRT ritirerà il vaso il 07/11/2025 tra le 9 e le 13 (spedizione 012345678901234).",
  "apple iso-8859-15: amazon.it order link, 15-digit BRT number, date and time window"),
E("ja", "japanpost-2022", "pass", "", "plain", "iso-2022-jp",
  "本日、日本郵便のゆうパックで代替品を発送いたしました。\nお問い合わせ番号：1234-5678-9012\n"
  "https://trackings.post.japanpost.jp/services/srv/search/?requestNo1=123456789012\n\nお届け予定：11月6日（木）19時〜21時",
  "plain ISO-2022-JP: Japan Post tracking link and number, time window; buyer's phone in the quote"),
E("fr", "retour-pdf-outlook", "pass", "", "outlook", "windows-1252",
  "nous avons bien reçu la lampe retournée et examiné votre retour : le remboursement de 39,90 € a été effectué ce jour.\n\n"
  "Vous trouverez ci-joint la facture d'avoir.",
  "outlook windows-1252: PDF credit note with RFC 2047 name, 'De :/Envoyé :/À :/Objet :' quote",
  attach=[("Facture d'avoir n° 2025-1104.pdf", "application/pdf", PDF_FACTURE)]),
]


def main(out, n0=201):
    labels = []
    count = {}
    for m in MESSAGES:
        lang = m["lang"]
        mlang = m.get("mlang", lang)
        count[lang] = count.get(lang, n0 - 1) + 1
        m["slug_file"] = f"{lang}/{count[lang]:03d}-{m['slug']}.eml"
        m["lang"] = mlang
        o = ORDER[mlang]
        m.setdefault("greet", GREET[mlang])
        m.setdefault("sig", SIG[mlang])
        m.setdefault("subject", SUBJ[mlang].format(o=o))
        m.setdefault("orig_subject", ORIG[mlang].format(o=o))
        if "quote" not in m:
            m["quote"] = Q[mlang] if m["expect"] == "pass" else Q_CLEAN[mlang]
        if m.get("html_extra"):
            from clients import html_paras
            import re
            body_html = html_paras(f"{m['greet']}\n\n{m['body']}", m["client"])
            body_html, k = re.subn(r'<(div|p)[^>]*>\[(?:image: |cid:)[^\]]+\]</\1>', lambda _: m["html_extra"], body_html)
            m["html"] = body_html + html_paras(m["sig"], m["client"]) + ("" if k else m["html_extra"])
        if "plain" not in m and m["client"] == "plain":
            pass
        try:
            data = build(m)
        except Exception:
            print("while building", m["slug_file"])
            raise
        m["lang"] = lang
        os.makedirs(os.path.join(out, lang), exist_ok=True)
        with open(os.path.join(out, m["slug_file"]), "wb") as f:
            f.write(data)
        labels.append((m["slug_file"], m["expect"], m["cats"], m["note"]))
    return labels
