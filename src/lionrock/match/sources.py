"""Where indicator sets come from: STIX bundle files and plain value lists.

(Pulling from a hub is HTTP, so it lives at the CLI edge and feeds the same `CompiledSet.update`.)
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from lionrock.match.compiled import CompiledSet
from lionrock.match.rules import Rule, Term, Unevaluable, rules_of
from lionrock.match.values import BadValue, guess

# Plain-list values get stable ids so that re-compiling the same list changes nothing.
PLAIN_NAMESPACE = uuid.UUID("6f1c3a52-2d8e-4b8e-9b7f-6d1f0b3c5a11")


class BadSource(ValueError):
    """The indicator file cannot be read as a STIX bundle or a value list."""


def plain_id(value: str) -> str:
    """uuid5(PLAIN_NAMESPACE, value), computed without the uuid module's per-call overhead."""
    digest = bytearray(hashlib.sha1(PLAIN_NAMESPACE.bytes + value.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"indicator--{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def plain_rules(lines: Iterable[str]) -> Iterator[Rule | Unevaluable]:
    """One value per line (IP, CIDR, domain, URL, e-mail, hash); '#' starts a comment."""
    for n, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        text = text.split(" #", 1)[0].strip()
        try:
            kind, key = guess(text)
        except BadValue as exc:
            yield Unevaluable(f"line {n}", str(exc))
            continue
        yield Rule(plain_id(f"{int(kind)}:{key}"), "", 0, ((Term(kind, key),),))


def stix_objects(data: bytes) -> list[dict[str, Any]]:
    """Objects of a bundle, a JSON list of objects, one object, or JSON lines of objects."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        try:
            doc = [orjson.loads(line) for line in data.splitlines() if line.strip()]
        except orjson.JSONDecodeError as exc:
            raise BadSource(f"not JSON: {exc}") from exc
    if isinstance(doc, dict):
        doc = doc.get("objects", []) if doc.get("type") == "bundle" else [doc]
    if not isinstance(doc, list):
        raise BadSource("expected a STIX bundle or a list of STIX objects")
    return [o for o in doc if isinstance(o, dict)]


def _json_lines(path: Path) -> Iterator[dict[str, Any]]:
    """Objects of a JSON-lines file, one line at a time (a million indicators never sit in memory)."""
    with path.open("rb") as lines:
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise BadSource(f"line {n} is not JSON: {exc}") from exc
            if isinstance(obj, dict):
                yield obj


def _is_json_lines(path: Path) -> bool:
    with path.open("rb") as fh:
        first = fh.readline()
    try:
        obj = orjson.loads(first)
    except orjson.JSONDecodeError:
        return False
    return isinstance(obj, dict) and obj.get("type") != "bundle"


def compile_file(path: str | Path, into: CompiledSet | None = None) -> CompiledSet:
    """Compile (or update `into` with) the indicators of a bundle, JSON lines, or a plain list."""
    path = Path(path)
    compiled = into if into is not None else CompiledSet()
    with path.open("rb") as fh:
        start = fh.read(4096).lstrip()[:1]
    if start in (b"{", b"["):
        objects = _json_lines(path) if _is_json_lines(path) else iter(stix_objects(path.read_bytes()))
        compiled.update(rules_of(objects))
    else:
        with path.open(encoding="utf-8", errors="replace") as lines:
            compiled.update(plain_rules(lines))
    compiled.source = str(path)
    return compiled
