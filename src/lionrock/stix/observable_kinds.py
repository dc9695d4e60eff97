"""The kind of observable an indicator's pattern is about, for statistics (dashboard, sector view). Pure.

The main observable type of a STIX pattern is the object type of its first comparison
(`[ipv4-addr:value = '…']` → ipv4-addr); `KINDS` folds object types into the kinds people ask about.
The store computes the same first object type in SQL (store/dashboard.py), so counts need no Python
pass over every indicator; `observable_kind` is the reference the tests compare it with."""

from __future__ import annotations

from lionrock.stix.patterns import PatternError, parse_pattern

KINDS: dict[str, str] = {
    "ipv4-addr": "ipv4",
    "ipv6-addr": "ipv6",
    "domain-name": "domain",
    "url": "url",
    "file": "file hash",
    "email-addr": "email",
    "email-message": "email",
}
OTHER = "other"
ORDER: tuple[str, ...] = ("ipv4", "ipv6", "domain", "url", "file hash", "email", OTHER)


def kind_of_type(object_type: str | None) -> str:
    return KINDS.get(object_type or "", OTHER)


def observable_kind(pattern: object, pattern_type: object = "stix") -> str:
    """The kind of a pattern's first comparison; OTHER for non-STIX or unparsable patterns."""
    if pattern_type != "stix":
        return OTHER
    try:
        comparisons = parse_pattern(pattern)
    except PatternError:
        return OTHER
    return kind_of_type(comparisons[0].object_type) if comparisons else OTHER
