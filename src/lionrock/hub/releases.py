"""What the store indexes about a version besides its release: value, search text, references."""

from __future__ import annotations

from typing import Any

from lionrock.stix.ids import SCO_TYPES
from lionrock.stix.patterns import parse_pattern


def indexed_value(obj: dict[str, Any]) -> str | None:
    """The observable value REST `?value=` finds: an SCO's value, or an indicator's first literal.
    NUL is dropped from these index columns: PostgreSQL text cannot hold it (the body keeps it)."""
    value = _indexed_value(obj)
    return value.replace("\x00", "") if value is not None else None


def _indexed_value(obj: dict[str, Any]) -> str | None:
    otype = obj["type"]
    if otype in SCO_TYPES:
        for key in ("value", "name", "path", "number"):
            if key in obj:
                return str(obj[key]).lower()[:2000]
        hashes = obj.get("hashes")
        if isinstance(hashes, dict) and hashes:
            return str(next(iter(hashes.values()))).lower()[:2000]
    if otype == "indicator" and obj.get("pattern_type") == "stix":
        for comparison in parse_pattern(obj["pattern"]):
            if isinstance(comparison.value, str):
                return comparison.value.lower()[:2000]
    return None


def search_text(obj: dict[str, Any]) -> str:
    parts = [str(obj.get(k, "")) for k in ("name", "description", "pattern", "value", "content")]
    return " ".join(p for p in parts if p).lower().replace("\x00", "")[:4000]


def ref_ids(obj: dict[str, Any]) -> tuple[str, ...]:
    """Ids a relationship or sighting points at: others see it only when they may see those."""
    found: set[str] = set()
    for key, value in obj.items():
        if key.endswith("_ref") and key != "created_by_ref" and isinstance(value, str):
            found.add(value)
        elif key.endswith("_refs") and key != "object_marking_refs" and isinstance(value, list):
            found.update(v for v in value if isinstance(v, str))
    return tuple(sorted(found))
