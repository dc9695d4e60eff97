"""A document as text with page positions, and the limits every reader enforces."""

from __future__ import annotations

import time
from bisect import bisect_right
from dataclasses import dataclass, field

from lionrock.errors import LionrockError


class DocumentError(LionrockError):
    """The document could not be read safely (broken, too big, too slow, wrong type)."""

    status = 422


MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Every document is hostile: these bound what reading one may cost. Each limit that trips names
    itself in the DocumentError, so an analyst (or operator) knows which one to raise."""

    max_bytes: int = 50 * MIB
    """The upload itself."""
    max_pages: int = 1000
    """PDF pages, counted before any page is loaded."""
    max_chars: int = 5_000_000
    """Text extracted from the whole document (all readers)."""
    max_seconds: float = 60.0
    """Wall-clock time a reader may spend (checked between pages, parts and elements)."""
    max_unzipped_bytes: int = 64 * MIB
    """Bytes actually inflated from the Word parts that are read (counted, not taken from the zip headers)."""
    max_zip_ratio: float = 200.0
    """Compression ratio of a Word part that is read."""
    max_zip_members: int = 10_000
    """Entries in a Word document's zip container."""
    max_pdf_stream_bytes: int = 32 * MIB
    """Inflated size of one Flate-compressed PDF stream that is not an image (content streams)."""
    max_pdf_inflated_bytes: int = 512 * MIB
    """Inflated size of all Flate-compressed PDF streams together, images included."""
    max_html_depth: int = 1000
    """Element nesting depth of HTML (estimated from the tags before parsing)."""
    max_header_chars: int = 65_536
    """One e-mail header field, folded lines included."""
    max_mime_parts: int = 1000
    """Parts of one e-mail message."""
    max_findings: int = 5000
    """Distinct indicators and personal-data findings in one document."""


def limit_error(what: str, limit: str, value: int | float) -> DocumentError:
    """A refusal that names the limit (the field of Limits, or the setting an operator changes)."""
    shown = f"{value / MIB:,.0f} MiB" if limit.endswith("_bytes") and value >= MIB else f"{value:,}"
    return DocumentError(f"{what}; the limit is {shown} ({limit})")


@dataclass(frozen=True)
class Attachment:
    name: str
    size: int
    md5: str
    sha1: str
    sha256: str


@dataclass(frozen=True)
class Document:
    """Text with the character offset where each page starts (page 1 = offset 0 for non-paged)."""

    text: str
    kind: str
    page_starts: tuple[int, ...] = (0,)
    title: str | None = None
    source_url: str | None = None
    attachments: tuple[Attachment, ...] = field(default=())

    def page_at(self, offset: int) -> int:
        return bisect_right(self.page_starts, offset)


class Deadline:
    """Cooperative time limit for readers that loop over pages or parts."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.until = time.monotonic() + seconds

    def check(self, what: str) -> None:
        if time.monotonic() > self.until:
            raise DocumentError(
                f"reading took longer than {self.seconds:g} s ({what}); the document was refused (max_seconds)"
            )


def check_size(data: bytes, limits: Limits) -> None:
    if len(data) > limits.max_bytes:
        raise limit_error(f"the document is {len(data):,} bytes", "max_bytes", limits.max_bytes)


def join_pages(pages: list[str], limits: Limits) -> tuple[str, tuple[int, ...]]:
    starts: list[int] = []
    parts: list[str] = []
    offset = 0
    for text in pages:
        starts.append(offset)
        parts.append(text)
        offset += len(text) + 2
        if offset > limits.max_chars:
            raise too_much_text(limits)
    return "\n\n".join(parts), tuple(starts) or (0,)


def too_much_text(limits: Limits) -> DocumentError:
    return limit_error("the document holds too much text", "max_chars", limits.max_chars)


def check_text(text: str, limits: Limits) -> str:
    if len(text) > limits.max_chars:
        raise too_much_text(limits)
    return text
