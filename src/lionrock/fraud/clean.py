"""The noise people put around an identifier: full-width characters, labels, separators, quotes."""

from __future__ import annotations

import re
import unicodedata

from lionrock.errors import Invalid

MAX_INPUT = 200  # characters; no identifier is longer, and longer input is refused before any regex runs

_SPACE_RE = re.compile(r"\s+")
_EDGE_NOISE = " \t\"'`.,;:!?*~|<>«»“”‘’「」『』。，；："
SEPARATORS_RE = re.compile(r"[\s\-./()\[\]_、·]")


def clean(raw: str) -> str:
    """NFKC (full-width digits, letters and brackets become ASCII), one space between words, and
    quotes and punctuation trimmed from both ends. Refuses empty and over-long input."""
    if not isinstance(raw, str):
        raise Invalid("the value must be text")
    if len(raw) > MAX_INPUT:
        raise Invalid(f"the value is longer than {MAX_INPUT} characters")
    text = _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", raw)).strip(_EDGE_NOISE)
    if not text:
        raise Invalid("the value is empty")
    return text


def strip_label(text: str, label: re.Pattern[str]) -> str:
    """Text without its leading labels such as 'A/C no.:', 'Tel:' or 'USDT TRC20:' (the pattern
    matches one; several in a row are all removed)."""
    for _ in range(4):
        m = label.match(text)
        if m is None or not m.end():
            break
        text = text[m.end() :].strip(_EDGE_NOISE)
    return text


def label_re(*words: str) -> re.Pattern[str]:
    """A leading label: one of the words, then optional 'no'/'number'/'id'/'#', then ':' or '#' or '.'."""
    alternatives = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(
        rf"^(?:{alternatives})(?:\s*(?:no|number|num|id|#|號碼|號))?\s*\.?\s*[:#=]?\s*",
        re.IGNORECASE,
    )


def compact(text: str) -> str:
    """Text without the separators people write inside numbers: spaces, - . / ( ) [ ] _ 、"""
    return SEPARATORS_RE.sub("", text)
