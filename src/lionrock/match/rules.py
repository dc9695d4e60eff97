"""STIX indicators → match rules: an OR of conjunctions of (kind, canonical value) terms.

A conjunction holds when all its terms occur in the same log record; this is how we read AND
inside one observation, since one log line is one observation. Observation-level AND,
FOLLOWEDBY and qualifiers (WITHIN, REPEATS, START/STOP) need correlation across events, which a
line matcher cannot do: such indicators are reported as unevaluable, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lionrock.match import values
from lionrock.match.values import BadValue, Kind
from lionrock.stix.ids import timestamp_to_us
from lionrock.stix.patterns import Comparison, Junction, Observation, PatternError, PatternNode, parse_tree

MAX_CONJUNCTIONS = 256
_HASH_NAMES = frozenset({"MD5", "SHA-1", "SHA1", "SHA-256", "SHA256", "SHA-512", "SHA512"})
_EMAIL_PATHS = frozenset({"from_ref.value", "sender_ref.value", "to_refs[*].value", "cc_refs[*].value"})


@dataclass(frozen=True)
class Term:
    kind: Kind
    key: str


Conjunction = tuple[Term, ...]


@dataclass(frozen=True)
class Rule:
    """What the matcher needs of one indicator version."""

    indicator_id: str
    version: str
    valid_until_us: int  # 0 when the indicator has no valid_until
    conjunctions: tuple[Conjunction, ...]
    partial: str | None = None  # why part of the pattern was left out, when it was


@dataclass(frozen=True)
class Unevaluable:
    indicator_id: str
    reason: str


@dataclass(frozen=True)
class Withdrawn:
    """The indicator was revoked: take it out of any set that holds it."""

    indicator_id: str


Change = Rule | Unevaluable | Withdrawn


class _Skip(Exception):
    pass


def _terms_of(c: Comparison) -> list[Term]:
    where = f"{c.object_type}:{c.path}"
    if c.negated or c.op not in ("=", "==", "IN", "ISSUBSET"):
        raise _Skip(f"{where} {'NOT ' if c.negated else ''}{c.op} is not supported")
    given = c.value if isinstance(c.value, list) else [c.value]
    if c.op == "IN" and not given:
        raise _Skip(f"{where} IN () matches nothing")
    raw = [v for v in given if isinstance(v, str)]
    if len(raw) != len(given):
        raise _Skip(f"{where} compared with a non-string value")
    try:
        if c.object_type in ("ipv4-addr", "ipv6-addr") and c.path == "value":
            out = [Term(*values.ip_term(v)) for v in raw]
            want = (Kind.IPV4, Kind.CIDR4) if c.object_type == "ipv4-addr" else (Kind.IPV6, Kind.CIDR6)
            if any(t.kind not in want for t in out):
                raise _Skip(f"{where} holds an address of the other IP version")
            return out
        if c.op == "ISSUBSET":
            raise _Skip(f"{where} ISSUBSET is only meaningful for IP ranges")
        if c.object_type == "domain-name" and c.path == "value":
            return [Term(Kind.DOMAIN, values.domain(v)) for v in raw]
        if c.object_type == "url" and c.path == "value":
            return [Term(Kind.URL, values.url(v)) for v in raw]
        if (c.object_type == "email-addr" and c.path == "value") or (
            c.object_type == "email-message" and c.path in _EMAIL_PATHS
        ):
            return [Term(Kind.EMAIL, values.email(v)) for v in raw]
        if c.object_type == "file" and c.path.startswith("hashes.") and c.path[7:].upper() in _HASH_NAMES:
            return [Term(Kind.HASH, values.file_hash(v)) for v in raw]
    except BadValue as exc:
        raise _Skip(f"{where}: {exc}") from exc
    raise _Skip(f"{where} cannot be looked for in logs")


def _dnf(node: Comparison | Junction, notes: list[str]) -> list[Conjunction]:
    if isinstance(node, Comparison):
        return [(t,) for t in _terms_of(node)]
    if node.op == "OR":
        out: list[Conjunction] = []
        for part in node.parts:
            try:
                out.extend(_dnf(part, notes))  # type: ignore[arg-type]
            except _Skip as exc:
                notes.append(str(exc))
        if not out:
            raise _Skip("; ".join(notes))
        return out
    product: list[Conjunction] = [()]
    for part in node.parts:
        alternatives = _dnf(part, notes)  # type: ignore[arg-type]
        product = [a + b for a in product for b in alternatives]
        if len(product) > MAX_CONJUNCTIONS:
            raise _Skip(f"pattern expands to more than {MAX_CONJUNCTIONS} alternatives")
    return [tuple(dict.fromkeys(c)) for c in product]


def _observations(node: PatternNode, notes: list[str]) -> list[Conjunction]:
    if isinstance(node, Observation):
        if node.qualified:
            raise _Skip("WITHIN/REPEATS/START-STOP qualifiers need event correlation")
        return _dnf(node.test, notes)
    if isinstance(node, Junction) and node.op == "OR":
        out: list[Conjunction] = []
        for part in node.parts:
            try:
                out.extend(_observations(part, notes))
            except _Skip as exc:
                notes.append(str(exc))
        if not out:
            raise _Skip("; ".join(notes))
        return out
    op = node.op if isinstance(node, Junction) else "comparison"
    raise _Skip(f"observations joined by {op} need event correlation")


def rule_of(obj: Mapping[str, Any]) -> Rule | Unevaluable | None:
    """The rule for one indicator; None when the object should not be matched at all (revoked)."""
    stix_id = str(obj.get("id", ""))
    if obj.get("type") != "indicator":
        return Unevaluable(stix_id, f"not an indicator ({obj.get('type')})")
    if obj.get("revoked") is True:
        return None
    version = str(obj.get("modified") or obj.get("created") or "")
    if obj.get("pattern_type", "stix") != "stix":
        return Unevaluable(stix_id, f"pattern_type {obj.get('pattern_type')} is not STIX patterning")
    pattern = obj.get("pattern")
    if not isinstance(pattern, str):
        return Unevaluable(stix_id, "no pattern")
    valid_until = obj.get("valid_until")
    until = timestamp_to_us(valid_until) if isinstance(valid_until, str) else 0
    if until is None:
        return Unevaluable(stix_id, f"bad valid_until {valid_until!r}")
    notes: list[str] = []
    try:
        conjunctions = _observations(parse_tree(pattern), notes)
    except PatternError as exc:
        return Unevaluable(stix_id, f"invalid pattern: {exc}")
    except _Skip as exc:
        return Unevaluable(stix_id, str(exc))
    return Rule(stix_id, version, until, tuple(dict.fromkeys(conjunctions)), "; ".join(notes) or None)


def rules_of(objects: Iterable[Mapping[str, Any]]) -> Iterable[Change]:
    """What the indicators among `objects` change in a compiled set."""
    for obj in objects:
        if not isinstance(obj, Mapping) or obj.get("type") != "indicator":
            continue
        rule = rule_of(obj)
        yield Withdrawn(str(obj.get("id"))) if rule is None else rule
