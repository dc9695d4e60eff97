"""A document as text with page positions, and the limits every reader enforces."""

from __future__ import annotations

import time
from bisect import bisect_right
from dataclasses import dataclass, field

from lionrock.errors import LionrockError


class DocumentError(LionrockError):
    """The document could not be read safely (broken, too big, too slow, wrong type)."""

    status = 422


@dataclass(frozen=True)
class Limits:
    """Every document is hostile: these bound what reading one may cost."""

    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 2000
    max_chars: int = 20_000_000
    max_seconds: float = 120.0
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_zip_ratio: float = 200.0


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
        self.until = time.monotonic() + seconds

    def check(self, what: str) -> None:
        if time.monotonic() > self.until:
            raise DocumentError(f"reading took too long ({what}); the document was refused")


def check_size(data: bytes, limits: Limits) -> None:
    if len(data) > limits.max_bytes:
        raise DocumentError(f"the document is {len(data):,} bytes; the limit is {limits.max_bytes:,}")


def join_pages(pages: list[str], limits: Limits) -> tuple[str, tuple[int, ...]]:
    starts: list[int] = []
    parts: list[str] = []
    offset = 0
    for text in pages:
        starts.append(offset)
        parts.append(text)
        offset += len(text) + 2
        if offset > limits.max_chars:
            raise DocumentError(f"the document holds more than {limits.max_chars:,} characters of text")
    return "\n\n".join(parts), tuple(starts) or (0,)
