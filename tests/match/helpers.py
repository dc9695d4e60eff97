"""Build compiled sets and scan text in one call, for tests."""

from __future__ import annotations

import io
from typing import Any

from lionrock.match import CompiledSet, Hit, Scanner, ScanStats, rules_of
from lionrock.match.formats import LogFormat
from tests.factories import indicator


def ind(pattern: str, **extra: Any) -> dict[str, Any]:
    return indicator(pattern=pattern, **extra)


def compiled(*objects: dict[str, Any]) -> CompiledSet:
    cs = CompiledSet()
    cs.update(rules_of(objects))
    return cs


def scan(
    cs: CompiledSet, text: str | bytes, fmt: LogFormat | None = None, workers: int = 1
) -> tuple[list[Hit], ScanStats]:
    data = text.encode() if isinstance(text, str) else text
    stats = ScanStats()
    with Scanner(cs, now_us=1_800_000_000_000_000, workers=workers) as scanner:
        hits = list(scanner.scan(io.BytesIO(data), "log", fmt=fmt, stats=stats))
    return hits, stats


def hit_lines(cs: CompiledSet, text: str, fmt: LogFormat | None = None) -> list[int]:
    return [h.line for h in scan(cs, text, fmt)[0]]
