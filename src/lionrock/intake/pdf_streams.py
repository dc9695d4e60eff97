"""How far a PDF's compressed streams inflate, measured before PDFium is given the file.

PDFium inflates a page's whole content stream and parses it into objects at about 14 bytes of
memory per inflated byte: a 2.9 MB file whose content stream inflates to 1 GB peaked at 14.3 GB.
This scan inflates every zlib (FlateDecode) stream in bounded chunks, keeping nothing, and stops
at the first limit. Streams under other filter chains (e.g. ASCII85 then Flate) are not seen here;
the worker's memory limit is the backstop for those."""

from __future__ import annotations

import re
import zlib

from lionrock.intake.document import MIB, Deadline, Limits, limit_error

_STREAM = re.compile(rb"stream\r?\n")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_CHUNK = 256 * 1024
_OUT = 4 * MIB
_DICT_WINDOW = 4096


def _is_zlib(data: bytes, at: int) -> bool:
    if at + 2 > len(data):
        return False
    cmf, flg = data[at], data[at + 1]
    return cmf & 0x0F == 8 and cmf >> 4 <= 7 and (cmf * 256 + flg) % 31 == 0


def _is_image(data: bytes, keyword_at: int) -> bool:
    """The stream dictionary (just before `stream`, after the object header) says /Subtype /Image."""
    head = data[max(0, keyword_at - _DICT_WINDOW) : keyword_at]
    start = head.rfind(b" obj")
    return _IMAGE.search(head[start if start >= 0 else 0 :]) is not None


def _inflated_size(data: bytes, start: int, stop_after: int, deadline: Deadline) -> int:
    """Bytes the zlib stream at `start` inflates to, counting no further than `stop_after` + 1 chunk."""
    inflater = zlib.decompressobj()
    total = 0
    pos = start
    try:
        while pos < len(data) and not inflater.eof and total <= stop_after:
            pending = data[pos : pos + _CHUNK]
            pos += _CHUNK
            while pending and total <= stop_after:
                total += len(inflater.decompress(pending, _OUT))
                pending = inflater.unconsumed_tail
            deadline.check("PDF streams")
    except zlib.error:
        pass  # a broken stream: PDFium reads what it can of it, as it would anyway
    return total


def check_streams(data: bytes, limits: Limits, deadline: Deadline) -> None:
    """Raise DocumentError if one non-image stream or all streams together inflate past the limits."""
    total = 0
    for match in _STREAM.finditer(data):
        if not _is_zlib(data, match.end()):
            continue
        image = _is_image(data, match.start())
        budget = limits.max_pdf_inflated_bytes - total
        if not image:
            budget = min(budget, limits.max_pdf_stream_bytes)
        size = _inflated_size(data, match.end(), budget, deadline)
        if not image and size > limits.max_pdf_stream_bytes:
            raise limit_error(
                "a PDF stream inflates to too much data", "max_pdf_stream_bytes", limits.max_pdf_stream_bytes
            )
        total += size
        if total > limits.max_pdf_inflated_bytes:
            raise limit_error(
                "the PDF's compressed streams inflate to too much data",
                "max_pdf_inflated_bytes",
                limits.max_pdf_inflated_bytes,
            )
