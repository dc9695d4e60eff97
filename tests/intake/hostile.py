"""Hostile documents, generated at test time (never committed): each is small on the wire and
enormous, slow or deep once read."""

from __future__ import annotations

import base64
import io
import os
import struct
import zipfile
import zlib

MIB = 1024 * 1024
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF file from numbered object bodies (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def repeated_zlib(chunk: bytes, times: int) -> bytes:
    """zlib data inflating to chunk * times, built in O(len(chunk)): after a full flush the
    compressor's state is reset, so each further copy compresses to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    adler = 1
    for _ in range(times):
        adler = zlib.adler32(chunk, adler)
    return b"\x78\xda" + block * times + tail + struct.pack(">I", adler)


def pdf_inflating_to(inflated_bytes: int) -> bytes:
    """One page whose content stream (text-showing operators) inflates to `inflated_bytes`."""
    line = b"BT /F1 12 Tf 72 712 Td (lionrock) Tj ET\n"
    chunk = line * (MIB // len(line))
    stream = repeated_zlib(chunk, max(1, inflated_bytes // len(chunk)))
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def pdf_with_pages(pages: int) -> bytes:
    """`pages` pages sharing one small content stream."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    content = b"BT /F1 12 Tf 72 712 Td (page) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
        b"/Resources << /Font << /F1 4 0 R >> >> >>"
    )
    return _pdf(objects + [page] * pages)


def eml_with_encoded_words(words: int) -> bytes:
    """A Subject of `words` RFC 2047 encoded words, folded one per line."""
    encoded = "\r\n ".join("=?utf-8?b?" + base64.b64encode(f"word{i} ".encode()).decode() + "?=" for i in range(words))
    return (
        "From: Attacker <ceo@evil-corp.com>\r\nTo: staff@bank.example\r\nSubject: " + encoded + "\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nPay now via hxxps://pay-evil[.]com/x\r\n"
    ).encode()


def docx_parts(document_xml_chunks: list[bytes] | None, repeat: int, extra: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>',
        )
        for name, data in extra.items():
            z.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_STORED)
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body>'.encode())
            for chunk in document_xml_chunks or []:
                for _ in range(repeat):
                    part.write(chunk)
            part.write(b"</w:body></w:document>")
    return buf.getvalue()


def docx_padded(body_mib: int, padding_bytes: int = 1_100_000) -> bytes:
    """`padding_bytes` of incompressible padding (keeping the compression ratio low) beside a main
    part of `body_mib` MiB of tiny paragraphs."""
    paragraph = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>"
    chunk = paragraph * (MIB // len(paragraph))
    return docx_parts([chunk], body_mib, {"word/media/padding.bin": os.urandom(padding_bytes)})


def docx_paragraphs(text: str) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in text.splitlines())
    return docx_parts([body.encode()], 1, {})


def html_nested(depth: int) -> bytes:
    """`depth` nested <div> elements (left open, as a parser allows: 5 bytes each)."""
    return b"<html><body>" + b"<div>" * depth + b"deep"
