"""What a reviewer sees of a finding's evidence: the sentence cut into plain, highlighted and
redacted segments, and personal data masked. Pure: the web page only escapes and wraps segments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from lionrock.intake.document import Document
from lionrock.intake.indicators import extract

PLAIN: Literal["plain"] = "plain"
MARK: Literal["mark"] = "mark"
REDACTED: Literal["redacted"] = "redacted"
Kind = Literal["plain", "mark", "redacted"]
MAX_EDIT = 2000


@dataclass(frozen=True)
class Segment:
    text: str
    kind: Kind


def _spans(text: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    lowered = text.lower()
    found: list[tuple[int, int]] = []
    for needle in {n for n in needles if n}:
        low = needle.lower()
        start = lowered.find(low)
        while start >= 0:
            found.append((start, start + len(low)))
            start = lowered.find(low, start + len(low))
    return found


def segments(
    text: str, highlight: Iterable[str], secrets: Iterable[str], shown: Mapping[str, str] | None = None
) -> list[Segment]:
    """`text` cut into segments: each secret (personal data) becomes a redacted segment holding no
    part of it (only what `shown` maps the secret, lower-cased, to: its pseudonym), then each highlighted
    string (the finding as written, or its value) is marked. Matching ignores case; a secret wins
    over a highlight that overlaps it."""
    instead = shown or {}
    hidden = _merge(_spans(text, secrets))
    marked = [s for s in _merge(_spans(text, highlight)) if not any(s[0] < e and b < s[1] for b, e in hidden)]
    cuts = sorted([(b, e, REDACTED) for b, e in hidden] + [(b, e, MARK) for b, e in marked])
    out: list[Segment] = []
    at = 0
    for begin, end, kind in cuts:
        if begin < at:
            continue
        if begin > at:
            out.append(Segment(text[at:begin], PLAIN))
        covered = text[begin:end]
        out.append(Segment(instead.get(covered.lower(), "") if kind == REDACTED else covered, kind))
        at = end
    if at < len(text):
        out.append(Segment(text[at:], PLAIN))
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return merged


def masked(value: str) -> str:
    """Personal data shown without revealing it: its length and at most its first and last character."""
    if len(value) < 6:
        return "•" * len(value)
    return value[0] + "•" * (len(value) - 2) + value[-1]


def edited_value(kind: str, text: str) -> str | None:
    """The normalised value of an analyst's correction to a finding of type `kind`, read by the same
    extractors as a report (defanged forms accepted); None unless it is exactly one such value and
    not personal data."""
    if not text.strip() or len(text) > MAX_EDIT:
        return None
    found = [f for f in extract(Document(text.strip(), "text")) if f.type == kind]
    if len(found) != 1 or found[0].personal:
        return None
    return found[0].value
