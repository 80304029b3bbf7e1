#!/usr/bin/env python3
"""Checks every corpus file: CRLF only, parses with Python's email package
without defects, every text part decodes in its declared charset, every
attachment's bytes match its extension, labels.tsv and the files agree, and
To is a marketplace address of the language's marketplace.
    python3 filter/testdata/corpus/gen/validate.py
"""
import email
import email.policy
import glob
import os
import sys

OUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TLDS = {"en": ("co.uk", "com"), "de": ("de",), "fr": ("fr",), "es": ("es",), "it": ("it",), "ja": ("co.jp",)}
MAGIC = {"pdf": [b"%PDF-"], "png": [b"\x89PNG\r\n\x1a\n"], "jpg": [b"\xff\xd8\xff"], "jpeg": [b"\xff\xd8\xff"], "gif": [b"GIF87a", b"GIF89a"],
         "bmp": [b"BM"], "tif": [b"II*\x00", b"MM\x00*"], "tiff": [b"II*\x00", b"MM\x00*"], "docx": [b"PK\x03\x04"]}
CATS = {"link", "contact", "review", "promotion", "pixel", "attachment"}
bad = 0


def fail(f, msg):
    global bad
    bad += 1
    print(f"{f}: {msg}")


labels = {}
for line in open(os.path.join(OUT, "labels.tsv"), encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    p = line.rstrip("\n").split("\t")
    if len(p) != 4:
        fail("labels.tsv", f"not 4 fields: {line!r}")
        continue
    f, expect, cats, note = p
    if expect not in ("pass", "refuse") or (expect == "pass") != (cats == "") or not set(filter(None, cats.split(","))) <= CATS:
        fail(f, f"bad label {expect!r} {cats!r}")
    labels[f] = expect
files = sorted(os.path.relpath(x, OUT) for x in glob.glob(os.path.join(OUT, "*", "*.eml")))
for f in set(files) ^ set(labels):
    fail(f, "labelled but missing" if f in labels else "not labelled")
for f in files:
    raw = open(os.path.join(OUT, f), "rb").read()
    if b"\n" in raw.replace(b"\r\n", b"") or b"\r" in raw.replace(b"\r\n", b""):
        fail(f, "bare LF or CR")
    m = email.message_from_bytes(raw, policy=email.policy.default)
    for d in m.defects:
        fail(f, f"defect {d!r}")
    lang = f.split("/")[0]
    to = m["To"].addresses[0].addr_spec
    if not any(to.endswith("@marketplace.amazon." + t) for t in TLDS[lang]):
        fail(f, f"To {to} is not a {lang} marketplace address")
    if "@" not in m["From"].addresses[0].addr_spec:
        fail(f, "From")
    str(m["Subject"])
    for part in m.walk():
        for d in part.defects:
            fail(f, f"part defect {d!r}")
        if part.is_multipart():
            continue
        fn = part.get_filename()
        if part.get_content_maintype() == "text" and not fn:
            cs = part.get_content_charset() or "us-ascii"
            try:
                part.get_payload(decode=True).decode(cs)
            except (UnicodeDecodeError, LookupError) as e:
                fail(f, f"{part.get_content_type()} not {cs}: {e}")
        if fn:
            ext = fn.rsplit(".", 1)[-1].lower()
            data = part.get_payload(decode=True)
            if ext in MAGIC and not any(data.startswith(x) for x in MAGIC[ext]) and labels.get(f) == "pass":
                fail(f, f"attachment {fn} bytes do not match .{ext}")
print(f"{len(files)} files, {len(labels)} labels, {bad} problems")
sys.exit(1 if bad else 0)
