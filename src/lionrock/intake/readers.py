"""Document readers, one per format, chosen by name or by content. Each returns a Document or
raises DocumentError: never a crash, never external resources, never macros."""

from __future__ import annotations

import email
import email.policy
import hashlib
import io
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import docx
import pypdfium2
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from lionrock.intake.document import (
    Attachment,
    Deadline,
    Document,
    DocumentError,
    Limits,
    check_size,
    join_pages,
)

Reader = Callable[[bytes, Limits], Document]
_DROP_TAGS = "script, style, noscript, nav, header, footer, aside, form, iframe, svg, template, button"
_BLOCK_TAGS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "section", "br")


def decode_text(data: bytes) -> str:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_text(data: bytes, limits: Limits) -> Document:
    check_size(data, limits)
    text = decode_text(data)
    if len(text) > limits.max_chars:
        raise DocumentError(f"the document holds more than {limits.max_chars:,} characters of text")
    return Document(text.replace("\r\n", "\n"), "text")


def html_to_text(html: str) -> tuple[str, str | None, str | None]:
    """Main content as text (menus, scripts and chrome dropped), the title, the canonical URL."""
    tree = HTMLParser(html)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else None
    canonical = tree.css_first('link[rel="canonical"]') or tree.css_first('meta[property="og:url"]')
    url = (canonical.attributes.get("href") or canonical.attributes.get("content")) if canonical else None
    for node in tree.css(_DROP_TAGS):
        node.decompose()
    root = tree.css_first("article") or tree.css_first("main") or tree.body or tree.root
    if root is None:
        return "", title, url
    for cell in root.css("td, th"):
        cell.insert_after(" | ")
    for tag in _BLOCK_TAGS:
        for node in root.css(tag):
            node.insert_after("\n")
    lines = (line.strip() for line in root.text(separator="", deep=True).splitlines())
    return "\n".join(line for line in lines if line), title, url


def read_html(data: bytes, limits: Limits) -> Document:
    check_size(data, limits)
    text, title, url = html_to_text(decode_text(data))
    return Document(text, "html", title=title, source_url=url)


def read_pdf(data: bytes, limits: Limits) -> Document:
    check_size(data, limits)
    deadline = Deadline(limits.max_seconds)
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise DocumentError(f"not a readable PDF: {exc}") from exc
    try:
        if len(pdf) > limits.max_pages:
            raise DocumentError(f"the PDF has {len(pdf)} pages; the limit is {limits.max_pages}")
        pages: list[str] = []
        for index in range(len(pdf)):
            deadline.check(f"page {index + 1}")
            page = pdf[index]
            textpage = page.get_textpage()
            raw = textpage.get_text_bounded()
            # pdfium marks a hyphen at a line break with \x02; the text had a hyphen there
            pages.append(raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-"))
            textpage.close()
            page.close()
        title = (pdf.get_metadata_dict().get("Title") or None) if len(pdf) else None
    finally:
        pdf.close()
    text, starts = join_pages(pages, limits)
    return Document(text, "pdf", starts, title=title)


def _check_zip(data: bytes, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentError("not a readable Word document (the zip container is broken)") from exc
    total = sum(i.file_size for i in archive.infolist())
    packed = sum(i.compress_size for i in archive.infolist()) or 1
    if total > limits.max_unzipped_bytes or total / packed > limits.max_zip_ratio:
        raise DocumentError("the Word document unpacks to too much data (a zip bomb?); refused")
    if any(i.filename.lower().endswith("vbaproject.bin") for i in archive.infolist()):
        pass  # macros are never run: python-docx reads XML parts only


def read_docx(data: bytes, limits: Limits) -> Document:
    check_size(data, limits)
    _check_zip(data, limits)
    deadline = Deadline(limits.max_seconds)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on broken files
        raise DocumentError(f"not a readable Word document: {exc}") from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        deadline.check("body")
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = [
                        "".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                        for cell in row
                        if cell.tag.endswith("}tc")
                    ]
                    lines.append(" | ".join(cells))
    text = "\n".join(lines)
    if len(text) > limits.max_chars:
        raise DocumentError(f"the document holds more than {limits.max_chars:,} characters of text")
    title = document.core_properties.title or None
    return Document(text, "docx", title=title)


def read_eml(data: bytes, limits: Limits) -> Document:
    check_size(data, limits)
    msg = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(msg, EmailMessage):
        raise DocumentError("not a readable e-mail message")
    header_lines = [
        f"{name}: {msg[name]}"
        for name in ("From", "Reply-To", "Return-Path", "To", "Cc", "Subject", "Date", "Message-ID")
        if msg[name]
    ]
    header_lines += [f"Received: {value}" for value in msg.get_all("Received", [])]
    bodies: list[str] = []
    attachments: list[Attachment] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        filename = part.get_filename()
        ctype = part.get_content_type()
        if filename or part.get_content_disposition() == "attachment":
            attachments.append(
                Attachment(
                    filename or "(unnamed)",
                    len(payload),
                    hashlib.md5(payload).hexdigest(),
                    hashlib.sha1(payload).hexdigest(),
                    hashlib.sha256(payload).hexdigest(),
                )
            )
        elif ctype == "text/plain":
            bodies.append(payload.decode(part.get_content_charset() or "utf-8", errors="replace"))
        elif ctype == "text/html":
            bodies.append(html_to_text(payload.decode(part.get_content_charset() or "utf-8", errors="replace"))[0])
    lines = [*header_lines, "", *bodies]
    for a in attachments:
        lines.append(f"Attachment: {a.name} ({a.size} bytes) MD5 {a.md5} SHA-1 {a.sha1} SHA-256 {a.sha256}")
    text = "\n".join(lines)
    if len(text) > limits.max_chars:
        raise DocumentError(f"the message holds more than {limits.max_chars:,} characters of text")
    return Document(text, "eml", title=str(msg["Subject"] or "") or None, attachments=tuple(attachments))


READERS: dict[str, Reader] = {
    "pdf": read_pdf,
    "html": read_html,
    "docx": read_docx,
    "eml": read_eml,
    "text": read_text,
}
_SUFFIXES = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".eml": "eml",
    ".txt": "text",
    ".md": "text",
    ".adoc": "text",
    ".text": "text",
    ".log": "text",
}


def sniff(data: bytes, name: str | None = None) -> str:
    """The reader for a document: by its content first, its name second, text last."""
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    lowered = head.lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<body" in lowered:
        return "html"
    suffix = Path(name).suffix.lower() if name else ""
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if any(lowered.startswith(h) for h in (b"received:", b"from:", b"return-path:", b"message-id:", b"delivered-to:")):
        return "eml"
    return "text"


def read_document(data: bytes, name: str | None = None, limits: Limits | None = None) -> Document:
    limits = limits or Limits()
    kind = sniff(data, name)
    try:
        return READERS[kind](data, limits)
    except DocumentError:
        raise
    except Exception as exc:  # a broken file gets a clear error, never a crash
        raise DocumentError(f"could not read the {kind} document: {type(exc).__name__}: {exc}") from exc
