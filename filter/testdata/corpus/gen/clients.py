"""Second part of the corpus: longer replies written byte for byte the way
each mail client writes them (its headers, boundaries, quote markup and
charset choices), built by hand rather than through email.generator so that
legacy charsets (Shift_JIS, ISO-2022-JP, windows-1252, ISO-8859-1) appear
exactly as those clients encode them, RFC 2047 subjects in those charsets,
and RFC 2231 attachment names.

Imported by gen.py; deterministic (boundaries and ids come from a hash of
the file name).
"""
import base64
import binascii
import hashlib
import re
import struct
import io
import urllib.parse
import zipfile
import zlib
from email.header import Header
from html import escape

CRLF = "\r\n"

BUYER_LOCAL = {"en": "k7m2q9w4x8r3t5v", "us": "q3n8d5f2h9j4k6l", "de": "a1b2c3d4e5f6g7h", "fr": "p9o8i7u6y5t4r3e",
               "es": "z5x4c3v2b1n0m9l", "it": "m4n5b6v7c8x9z0a", "ja": "j2h4g6f8d0s1a3q"}
TLD = {"en": "co.uk", "us": "com", "de": "de", "fr": "fr", "es": "es", "it": "it", "ja": "co.jp"}
SELLER = {"en": ("BrightKettle Support", "support@brightkettle.co.uk"), "us": ("BrightKettle Support", "support@brightkettle.com"),
          "de": ("Bergmann Haushalt Kundenservice", "service@bergmann-haushalt.de"),
          "fr": ("Atelier Lumière SAV", "contact@atelier-lumiere.fr"), "es": ("Casa Olivo Atención al cliente", "atencion@casa-olivo.es"),
          "it": ("Bottega Verde Assistenza", "assistenza@bottega-verde.it"), "ja": ("さくら雑貨 カスタマーサポート", "support@sakura-zakka.jp")}
CUSTOMER = {"en": "Emma Clarke - Amazon Marketplace", "us": "Jordan Miller - Amazon Marketplace", "de": "Sabine Krüger - Amazon Marketplace",
            "fr": "Camille Martin - Amazon Marketplace", "es": "Lucía Fernández - Amazon Marketplace",
            "it": "Giulia Rossi - Amazon Marketplace", "ja": "佐藤 花子 - Amazon Marketplace"}
CONTENT_LANG = {"en": "en-GB", "us": "en-US", "de": "de-DE", "fr": "fr-FR", "es": "es-ES", "it": "it-IT", "ja": "ja-JP"}


def buyer(lang):
    return f"{BUYER_LOCAL[lang]}@marketplace.amazon.{TLD[lang]}"


# Attributions as each client writes them above a quoted buyer message.
def attribution(client, lang):
    b, c = buyer(lang), CUSTOMER[lang]
    return {
        "gmail": {"en": f"On Mon, 3 Nov 2025 at 10:02, {c} <{b}> wrote:",
                  "us": f"On Mon, Nov 3, 2025 at 10:02 AM {c} <{b}> wrote:",
                  "de": f"Am Mo., 3. Nov. 2025 um 10:02 Uhr schrieb {c} <{b}>:",
                  "fr": f"Le lun. 3 nov. 2025 à 10:02, {c} <{b}> a écrit :",
                  "es": f"El lun, 3 nov 2025 a las 10:02, {c} (<{b}>) escribió:",
                  "it": f"Il giorno lun 3 nov 2025 alle ore 10:02 {c} <{b}> ha scritto:",
                  "ja": f"2025年11月3日(月) 10:02 {c} <{b}>のメッセージ:"},
        "thunderbird": {"en": f"On 03/11/2025 10:02, {b} wrote:", "us": f"On 11/3/25 10:02 AM, {b} wrote:",
                        "de": f"Am 03.11.25 um 10:02 schrieb {b}:", "fr": f"Le 03/11/2025 à 10:02, {b} a écrit :",
                        "es": f"El 3/11/25 a las 10:02, {b} escribió:", "it": f"Il 03/11/25 10:02, {b} ha scritto:",
                        "ja": f"2025/11/03 10:02 に {b} さんは書きました:"},
        "apple": {"en": f"On 3 Nov 2025, at 10:02, {c} <{b}> wrote:", "us": f"On Nov 3, 2025, at 10:02 AM, {c} <{b}> wrote:",
                  "de": f"Am 03.11.2025 um 10:02 schrieb {c} <{b}>:", "fr": f"Le 3 nov. 2025 à 10:02, {c} <{b}> a écrit :",
                  "es": f"El 3 nov 2025, a las 10:02, {c} <{b}> escribió:",
                  "it": f"Il giorno 3 nov 2025, alle ore 10:02, {c} <{b}> ha scritto:",
                  "ja": f"2025/11/03 10:02、{c} <{b}>のメール:"},
        "plain": {"en": f"{c} <{b}> wrote:", "us": f"{c} <{b}> wrote:", "de": f"{c} <{b}> schrieb:",
                  "fr": f"{c} <{b}> a écrit :", "es": f"{c} <{b}> escribió:", "it": f"{c} <{b}> ha scritto:",
                  "ja": f"On Mon, 03 Nov 2025 10:02:00 +0900\n{c} <{b}> wrote:"},
    }[client][lang]


OUTLOOK_HDR = {"en": ("From", "Sent", "To", "Subject", "03 November 2025 10:02"),
               "us": ("From", "Sent", "To", "Subject", "Monday, November 3, 2025 10:02 AM"),
               "de": ("Von", "Gesendet", "An", "Betreff", "Montag, 3. November 2025 10:02"),
               "fr": ("De", "Envoyé", "À", "Objet", "lundi 3 novembre 2025 10:02"),
               "es": ("De", "Enviado", "Para", "Asunto", "lunes, 3 de noviembre de 2025 10:02"),
               "it": ("Da", "Inviato", "A", "Oggetto", "lunedì 3 novembre 2025 10:02"),
               "ja": ("差出人", "送信日時", "宛先", "件名", "2025年11月3日 10:02")}


def h(s, n=16):
    return hashlib.sha256(s.encode()).hexdigest()[:n]


def enc_header(s, charset):
    """Unstructured header value: ASCII as is, otherwise RFC 2047 in the
    client's charset (B for Japanese charsets, Q otherwise, as clients do)."""
    try:
        s.encode("ascii")
        return s
    except UnicodeEncodeError:
        pass
    cs = charset if charset not in ("us-ascii",) else "utf-8"
    return Header(s, cs, header_name="Subject").encode(linesep=CRLF)


def enc_addr(name, addr, charset):
    try:
        name.encode("ascii")
        return f'"{name}" <{addr}>' if any(ch in name for ch in ",.;:()") else f"{name} <{addr}>"
    except UnicodeEncodeError:
        return f"{Header(name, charset if charset != 'us-ascii' else 'utf-8').encode()} <{addr}>"


def encode_text(text, charset):
    """Text to bytes line by line with CRLF; a stateful charset (ISO-2022-JP)
    returns to ASCII at the end of every line, as Japanese mailers do."""
    return b"\r\n".join(line.encode(charset) for line in text.split("\n"))


def qp(data):
    out = []
    for line in data.split(b"\r\n"):
        out.append(binascii.b2a_qp(line, quotetabs=False, istext=False, header=False).decode("ascii").replace("\n", "\r\n"))
    return CRLF.join(out)


def b64(data):
    s = base64.b64encode(data).decode()
    return CRLF.join(s[i:i + 76] for i in range(0, len(s), 76))


def body_part(ctype, data, cte, params=(), headers=()):
    """One leaf part as text (its bytes are ASCII after the transfer encoding,
    except for 8bit)."""
    p = "".join(f"; {k}={v}" for k, v in params)
    hs = [f"Content-Type: {ctype}{p}", f"Content-Transfer-Encoding: {cte}"] + list(headers)
    if cte == "base64":
        payload = b64(data)
    elif cte == "quoted-printable":
        payload = qp(data)
    else:
        payload = data.decode("latin-1")  # 7bit/8bit: bytes as they are
    return CRLF.join(hs) + CRLF + CRLF + payload


def multipart(subtype, boundary, parts, params=()):
    p = "".join(f"; {k}={v}" for k, v in params)
    out = [f'Content-Type: multipart/{subtype}; boundary="{boundary}"{p}', ""]
    for part in parts:
        out.append(f"--{boundary}")
        out.append(part)
    out.append(f"--{boundary}--")
    return CRLF.join(out) + CRLF


def text_part(subtype, text, charset, cte, flowed=False):
    data = encode_text(text, charset)
    params = [("charset", f'"{charset.upper()}"' if charset.lower() != "utf-8" else '"UTF-8"')]
    if flowed:
        params.append(("format", "flowed"))
    return body_part(f"text/{subtype}", data, cte, params)


def attachment_part(client, fname, ctype, data, inline_cid=None, charset="utf-8"):
    q = urllib.parse.quote(fname, safe="")
    ascii_name = True
    try:
        fname.encode("ascii")
    except UnicodeEncodeError:
        ascii_name = False
    if ascii_name:
        name_p, disp_p = f'"{fname}"', f'filename="{fname}"'
    elif client in ("outlook", "plain"):  # Outlook, Becky!: RFC 2047 in both parameters
        e = Header(fname, charset if charset != "us-ascii" else "utf-8").encode()
        name_p, disp_p = f'"{e}"', f'filename="{e}"'
    else:  # Thunderbird, Apple Mail, Gmail: RFC 2231
        name_p, disp_p = f'"{Header(fname, "utf-8").encode()}"', f"filename*=UTF-8''{q}"
    headers = []
    if inline_cid:
        headers = [f"Content-ID: <{inline_cid}>", f"Content-Disposition: inline; {disp_p}"]
    else:
        headers = [f"Content-Disposition: attachment; {disp_p}"]
    return body_part(ctype, data, "base64", [("name", name_p)], headers)


def quote_plain(text):
    return "\n".join(("> " + l) if l else ">" for l in text.split("\n"))


URL_RE = re.compile(r"(https?://[^\s<>\"]+[^\s<>\".,;:!?)）]|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[^\s<>\"]*[^\s<>\".,;:!?)）])?)"
                    r"|([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,})")


def linkify(escaped, client):
    """Clients turn typed or pasted URLs and addresses into anchors in the
    HTML part (Thunderbird with its moz-txt-link classes)."""
    def sub(mo):
        t = mo.group(0)
        if mo.group(2):
            cls = ' class="moz-txt-link-abbreviated"' if client == "thunderbird" else ""
            return f'<a{cls} href="mailto:{t}">{t}</a>'
        href = t.replace("&amp;", "&") if t.startswith("http") else "http://" + t
        cls = ' class="moz-txt-link-freetext"' if client == "thunderbird" and t.startswith("http") else (
            ' class="moz-txt-link-abbreviated"' if client == "thunderbird" else "")
        return f'<a{cls} href="{escape(href)}">{t}</a>'
    return URL_RE.sub(sub, escaped)


def html_paras(text, client):
    wrap = {"gmail": "div", "outlook": "p", "thunderbird": "p", "apple": "div", "plain": "div"}[client]
    out = []
    for para in text.split("\n\n"):
        lines = [linkify(escape(l, quote=False), client) for l in para.split("\n")]
        if wrap == "p":
            out.append(f"<p>{'<br>'.join(lines)}</p>" if client == "thunderbird" else
                       "".join(f'<p class="MsoNormal">{l or "&nbsp;"}</p>' for l in lines) + '<p class="MsoNormal">&nbsp;</p>')
        else:
            out.append("".join(f"<div>{l or '<br>'}</div>" for l in lines) + "<div><br></div>")
    return "".join(out)


def build(m):
    """m: dict describing one message. Returns the whole message as bytes."""
    lang, client = m["lang"], m["client"]
    tag = m["lang"] + "/" + m["slug"]
    cs = m.get("charset", "utf-8")
    name, addr = SELLER[lang]
    b = buyer(lang)
    subject = m["subject"]
    greet, sig = m["greet"], m["sig"]
    body = m["body"]
    seller_plain = m.get("plain") or f"{greet}\n\n{body}\n\n{sig}"
    seller_html = m.get("html")
    q = m.get("quote")
    qa = m.get("attrib", "auto")
    if qa == "auto":
        qa = attribution(client if client != "outlook" else "gmail", lang)
    # plain text
    if q is None:
        plain = seller_plain + "\n"
    elif client == "outlook":
        fr, se, to, su, when = OUTLOOK_HDR[lang]
        plain = (f"{seller_plain}\n\n________________________________\n{fr}: {CUSTOMER[lang]} <{b}>\n{se}: {when}\n"
                 f"{to}: {name} <{addr}>\n{su}: {m['orig_subject']}\n\n{q}\n")
    elif qa:
        plain = f"{seller_plain}\n\n{qa}\n{quote_plain(q)}\n"
    else:
        plain = f"{seller_plain}\n\n{quote_plain(q)}\n"
    if client == "thunderbird" and m.get("flowed", True):
        # format=flowed: quoted lines are ">" without space-stuffing after it
        plain = plain.replace("\n> ", "\n> ")
    # html
    if seller_html is None:
        seller_html = html_paras(f"{greet}\n\n{body}", client) + html_paras(sig, client)
    qh = linkify(escape(q, quote=False), client).replace("\n", "<br>\n") if q is not None else None
    if client == "gmail":
        html = f'<div dir="ltr">{seller_html}</div>'
        if q is not None:
            html += (f'<br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">{escape(qa, quote=False)}<br></div>'
                     f'<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">'
                     f'<div dir="ltr">{qh}</div></blockquote></div>')
        html += "\r\n"
    elif client == "outlook":
        fr, se, to, su, when = OUTLOOK_HDR[lang]
        html = (f'<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">\n'
                f'<head>\n<meta http-equiv="Content-Type" content="text/html; charset={cs}">\n'
                f'<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n<style><!--\n'
                f'p.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{{margin:0cm;\n\tfont-size:11.0pt;\n\tfont-family:"Calibri",sans-serif;}}\n--></style>\n'
                f'</head>\n<body lang="{CONTENT_LANG[lang]}" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">\n'
                f'<div class="WordSection1">\n{seller_html}\n')
        if q is not None:
            html += (f'<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">\n'
                     f'<div id="divRplyFwdMsg" dir="ltr"><p class="MsoNormal"><b>{fr}:</b> {escape(CUSTOMER[lang])} &lt;{b}&gt;<br>\n'
                     f'<b>{se}:</b> {when}<br>\n<b>{to}:</b> {escape(name)} &lt;{addr}&gt;<br>\n<b>{su}:</b> {escape(m["orig_subject"])}</p></div>\n'
                     f'</div>\n<p class="MsoNormal">&nbsp;</p>\n<p class="MsoNormal">{qh}</p>\n')
        html += "</div>\n</body>\n</html>\n"
    elif client == "thunderbird":
        html = (f'<!DOCTYPE html>\n<html>\n  <head>\n    <meta http-equiv="Content-Type" content="text/html; charset={cs}">\n'
                f'  </head>\n  <body>\n    {seller_html}\n')
        if q is not None:
            cite = f"mid:{h(tag + 'q', 8)}-buyer@marketplace.amazon.{TLD[lang]}"
            if qa:
                html += f'    <div class="moz-cite-prefix">{escape(qa, quote=False)}<br>\n    </div>\n'
            html += f'    <blockquote type="cite" cite="{cite}">\n      <pre class="moz-quote-pre" wrap="">{linkify(escape(q, quote=False), client)}\n</pre>\n    </blockquote>\n'
        html += "  </body>\n</html>\n"
    elif client == "plain":
        html = ""
    else:  # apple
        html = (f'<html><head><meta http-equiv="content-type" content="text/html; charset={cs}"></head>'
                f'<body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;">{seller_html}')
        if q is not None:
            html += (f'<div><br><blockquote type="cite"><div>{escape(qa, quote=False)}</div><br class="Apple-interchange-newline">'
                     f'<div><div>{qh}</div></div></blockquote></div>')
        html += "</body></html>\r\n"
    html = m.get("html_full", html).replace("\r\n", "\n")

    cte = m.get("cte") or ("7bit" if cs.lower() == "iso-2022-jp" else "quoted-printable")
    hcte = m.get("html_cte", cte)
    plain_p = text_part("plain", plain, cs, cte, flowed=(client == "thunderbird" and cs.lower() != "iso-2022-jp"))
    if m.get("plain_only") or client == "plain":
        content = plain_p
    else:
        alt_b = {"gmail": f"000000000000{h(tag, 12)}", "outlook": f"_000_{h(tag, 8).upper()}PR{h(tag + 'o', 6).upper()}prod_",
                 "thunderbird": f"------------{h(tag, 24)}", "apple": f"Apple-Mail=_{h(tag, 8).upper()}-{h(tag + 'a', 4).upper()}-4C2E-9F1A-{h(tag + 'b', 12).upper()}"}[client]
        content = multipart("alternative", alt_b, [plain_p, text_part("html", html, cs, hcte)])
    inline = m.get("inline")
    if inline:
        rel_b = f"000000000000{h(tag + 'r', 12)}" if client == "gmail" else f"{client}-rel-{h(tag + 'r', 16)}"
        content = multipart("related", rel_b, [content.rstrip(CRLF)] + [attachment_part(client, fn, ct, d, cid, cs) for fn, ct, d, cid in inline])
    atts = m.get("attach") or []
    if atts:
        mix_b = f"000000000000{h(tag + 'm', 12)}" if client == "gmail" else f"{client}-mix-{h(tag + 'm', 16)}"
        content = multipart("mixed", mix_b, [content.rstrip(CRLF)] + [attachment_part(client, fn, ct, d, None, cs) for fn, ct, d in atts])

    tz = {"en": "+0000", "us": "-0600", "ja": "+0900"}.get(lang, "+0100")
    date = m.get("date", "Mon, 3 Nov 2025 11:{:02d}:00 {}".format(int(h(tag, 2), 16) % 60, tz))
    hdrs = []
    to_hdr = b
    msgid_dom = addr.split("@")[1]
    inrep = f"<{h(tag + 'q', 8)}-buyer@marketplace.amazon.{TLD[lang]}>"
    if client == "gmail":
        hdrs += ["MIME-Version: 1.0", f"References: {inrep}", f"In-Reply-To: {inrep}", f"From: {enc_addr(name, addr, 'utf-8')}",
                 f"Date: {date}", f"Message-ID: <CA{h(tag, 20).upper()}+{h(tag + 'g', 12)}@mail.gmail.com>",
                 f"Subject: {enc_header(subject, cs if cs != 'us-ascii' else 'utf-8')}", f"To: {to_hdr}"]
    elif client == "outlook":
        hdrs += [f"From: {enc_addr(name, addr, cs)}", f"To: {to_hdr}", f"Subject: {enc_header(subject, cs)}",
                 f"Thread-Topic: {enc_header(m['orig_subject'], cs)}", f"Thread-Index: AQHcTLk{h(tag, 20)}==", f"Date: {date}",
                 f"Message-ID: <AM9PR0{h(tag, 10).upper()}@AM9PR0{h(tag + 'x', 6).upper()}.eurprd03.prod.outlook.com>",
                 f"References: {inrep}", f"In-Reply-To: {inrep}", f"Accept-Language: {CONTENT_LANG[lang]}, en-US",
                 f"Content-Language: {CONTENT_LANG[lang]}", f"X-MS-Has-Attach: {'yes' if atts else ''}", "X-MS-TNEF-Correlator:",
                 "MIME-Version: 1.0"]
    elif client == "thunderbird":
        hdrs += [f"Message-ID: <{h(tag, 8)}-{h(tag + 't', 4)}-{h(tag + 'u', 4)}-{h(tag + 'v', 4)}-{h(tag + 'w', 12)}@{msgid_dom}>",
                 f"Date: {date}", "MIME-Version: 1.0", "User-Agent: Mozilla Thunderbird", f"Subject: {enc_header(subject, cs)}",
                 f"To: {to_hdr}", f"References: {inrep}", f"Content-Language: {CONTENT_LANG[lang]}",
                 f"From: {enc_addr(name, addr, cs)}", f"In-Reply-To: {inrep}"]
    elif client == "apple":
        hdrs += [f"From: {enc_addr(name, addr, cs)}", f"Content-Type: PLACEHOLDER", "Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.200.121\\))",
                 f"Subject: {enc_header(subject, cs)}", f"Date: {date}", f"References: {inrep}", f"To: {to_hdr}",
                 f"In-Reply-To: {inrep}", f"Message-Id: <{h(tag, 8).upper()}-{h(tag + 'm', 4).upper()}-4A6B-8C2D-{h(tag + 'n', 12).upper()}@{msgid_dom}>",
                 "X-Mailer: Apple Mail (2.3826.200.121)"]
    else:  # plain: a Japanese desktop mailer (Becky!-like) or a helpdesk
        hdrs += [f"Date: {date}", f"From: {enc_addr(name, addr, cs)}", f"To: {to_hdr}", f"Subject: {enc_header(subject, cs)}",
                 f"Message-Id: <{h(tag, 12)}.{h(tag + 'p', 8)}@{msgid_dom}>", f"In-Reply-To: {inrep}", "MIME-Version: 1.0",
                 m.get("xmailer", "X-Mailer: Becky! ver. 2.81.05 [ja]")]
    # content's first header line(s) go into the message header
    head, _, rest = content.partition(CRLF + CRLF)
    if client == "apple":
        ct_lines = head.split(CRLF)
        i = hdrs.index("Content-Type: PLACEHOLDER")
        hdrs[i:i + 1] = [l for l in ct_lines if l.startswith("Content-Type")]
        others = [l for l in ct_lines if not l.startswith("Content-Type")]
        hdrs += others
    else:
        hdrs += head.split(CRLF)
    out = CRLF.join(hdrs) + CRLF + CRLF + rest
    if not out.endswith(CRLF):
        out += CRLF
    return out.encode("latin-1")


# ---------------------------------------------------------------- bytes of files
def pdf_bytes(lines):
    """A real one-page PDF whose text (Helvetica, WinAnsi) is `lines`."""
    ops = ["BT /F1 11 Tf 14 TL 72 740 Td"]
    for l in lines:
        s = l.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({s}) Tj T*")
    ops.append("ET")
    content = "\n".join(ops).encode("cp1252")
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            b"<< /Producer (LibreOffice 7.6) /Creator (Writer) >>"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    x = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for o in offs:
        out += f"{o:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{x}\n%%EOF\n".encode()
    return bytes(out)


def png_bytes(w, h_, rgb):
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h_))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h_, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def bmp_bytes(w, h_, rgb):
    row = bytes(rgb[::-1]) * w
    row += b"\x00" * ((4 - len(row) % 4) % 4)
    pix = row * h_
    hdr = b"BM" + struct.pack("<IHHI", 54 + len(pix), 0, 0, 54)
    dib = struct.pack("<IiiHHIIiiII", 40, w, h_, 1, 24, 0, len(pix), 2835, 2835, 0, 0)
    return hdr + dib + pix


def zip_bytes(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            z.writestr(zipfile.ZipInfo(name, date_time=(2025, 11, 3, 9, 41, 0)), data)
    return out.getvalue()


def gif_bytes():
    # 1x1 static GIF89a, one colour
    return bytes.fromhex("47494638396101000100800000c0c0c000000021f90401000000002c00000000010001000002024401003b")


def tiff_bytes(w, h_, grey):
    pix = bytes([grey]) * (w * h_)
    entries = [(256, 3, 1, w), (257, 3, 1, h_), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
               (273, 4, 1, 8 + 2 + 12 * 9 + 4), (277, 3, 1, 1), (278, 3, 1, h_), (279, 4, 1, len(pix))]
    ifd = struct.pack("<H", len(entries))
    for tag, typ, cnt, val in entries:
        ifd += struct.pack("<HHI", tag, typ, cnt) + (struct.pack("<HH", val, 0) if typ == 3 else struct.pack("<I", val))
    ifd += struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + pix


# A baseline JPEG (8x8 grey) as written by libjpeg: real, decodable bytes.
JPEG_8x8 = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/"
    "wAALCAAIAAgBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==")
