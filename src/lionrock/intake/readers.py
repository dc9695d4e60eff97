"""Document readers, one per format, chosen by name or by content. Each returns a Document or
raises DocumentError: never a crash, never external resources, never macros."""

from __future__ import annotations

import email
import email.policy
import hashlib
from collections.abc import Callable
from email.message import Message
from pathlib import Path

import pypdfium2
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from lionrock.intake.document import (
    Attachment,
    Deadline,
    Document,
    DocumentError,
    Limits,
    check_size,
    check_text,
    join_pages,
    limit_error,
    too_much_text,
)
from lionrock.intake.headers import decode_header
from lionrock.intake.html_depth import max_depth
from lionrock.intake.pdf_streams import check_streams
from lionrock.intake.wordml import read_wordml

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
    text = check_text(decode_text(data), limits)
    return Document(text.replace("\r\n", "\n"), "text")


def html_to_text(html: str, limits: Limits | None = None) -> tuple[str, str | None, str | None]:
    """Main content as text (menus, scripts and chrome dropped), the title, the canonical URL.
    The nesting depth is checked first: the parser's cost grows with its square."""
    limits = limits or Limits()
    depth = max_depth(html, limits.max_html_depth)
    if depth > limits.max_html_depth:
        raise limit_error("the HTML nests elements too deeply", "max_html_depth", limits.max_html_depth)
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
    return check_text("\n".join(line for line in lines if line), limits), title, url


def read_html(data: bytes, limits: Limits) -> Document:
    check_size(data, limits)
    text, title, url = html_to_text(decode_text(data), limits)
    return Document(text, "html", title=title, source_url=url)


def read_pdf(data: bytes, limits: Limits) -> Document:
    """Streams are measured first, then the page count is read; no page is loaded before both pass."""
    check_size(data, limits)
    deadline = Deadline(limits.max_seconds)
    check_streams(data, limits, deadline)
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise DocumentError(f"not a readable PDF: {exc}") from exc
    try:
        if len(pdf) > limits.max_pages:
            raise limit_error(f"the PDF has {len(pdf):,} pages", "max_pages", limits.max_pages)
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


def read_docx(data: bytes, limits: Limits) -> Document:
    check_size(data, limits)
    text, title = read_wordml(data, limits)
    return Document(text, "docx", title=title)


_HEADERS = ("From", "Reply-To", "Return-Path", "To", "Cc", "Subject", "Date", "Message-ID")


def _raw_text(value: object) -> str:
    """A header as parsed (compat32 keeps it raw); undecodable bytes become U+FFFD."""
    return str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _header(msg: Message, name: str) -> str | None:
    value = msg.get(name)
    return decode_header(_raw_text(value)) if value is not None else None


def _check_headers(msg: Message, limits: Limits) -> None:
    for part in msg.walk():
        for name, value in part.raw_items():
            if len(value) > limits.max_header_chars:
                raise limit_error(
                    f"the {name[:40]} header is {len(value):,} characters", "max_header_chars", limits.max_header_chars
                )


def read_eml(data: bytes, limits: Limits) -> Document:
    """Parsed with the compat32 policy (headers kept raw) and decoded by lionrock.intake.headers:
    the default policy's header parser is quadratic in the number of encoded words."""
    check_size(data, limits)
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    parts = list(msg.walk())
    if len(parts) > limits.max_mime_parts:
        raise limit_error(f"the message has {len(parts):,} parts", "max_mime_parts", limits.max_mime_parts)
    _check_headers(msg, limits)
    header_lines = [f"{name}: {value}" for name in _HEADERS if (value := _header(msg, name))]
    header_lines += [f"Received: {decode_header(_raw_text(v))}" for v in msg.get_all("Received", [])]
    bodies: list[str] = []
    attachments: list[Attachment] = []
    size = 0
    for part in parts:
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        raw_name = part.get_filename()
        filename = decode_header(_raw_text(raw_name)) if raw_name else None
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
            continue
        charset = _charset(part)
        if ctype == "text/plain":
            bodies.append(payload.decode(charset, errors="replace"))
        elif ctype == "text/html":
            bodies.append(html_to_text(payload.decode(charset, errors="replace"), limits)[0])
        else:
            continue
        size += len(bodies[-1])
        if size > limits.max_chars:
            raise too_much_text(limits)
    lines = [*header_lines, "", *bodies]
    for a in attachments:
        lines.append(f"Attachment: {a.name} ({a.size} bytes) MD5 {a.md5} SHA-1 {a.sha1} SHA-256 {a.sha256}")
    text = check_text("\n".join(lines), limits)
    return Document(text, "eml", title=_header(msg, "Subject") or None, attachments=tuple(attachments))


def _charset(part: Message) -> str:
    charset = part.get_content_charset() or "utf-8"
    try:
        "".encode(charset)
    except LookupError:
        return "utf-8"
    return charset


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
    except (DocumentError, MemoryError):
        raise  # running out of memory is the worker's to report, with its limit
    except Exception as exc:  # a broken file gets a clear error, never a crash
        raise DocumentError(f"could not read the {kind} document: {type(exc).__name__}: {exc}") from exc
