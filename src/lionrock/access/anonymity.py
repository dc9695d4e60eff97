"""Anonymous submission: nothing in a bundle may point back to the submitter.

The hub publishes on the submitter's behalf under a pseudonym identity. Every reference to the
submitter's identities (its organisation's identity and any identity it names as author), at any
depth and in any property (object_refs, target_ref, custom *_ref, created_by_ref inside extensions),
becomes the pseudonym; identity objects that describe the submitter are withheld; a submission
that names the organisation in its text is refused rather than silently edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ANONYMOUS_IDENTITY = "identity--8e3e0c9a-5b1f-4c55-9a8b-0a4c9e1f7d11"
_MAX_DEPTH = 64


@dataclass(frozen=True)
class Scrubbed:
    objects: list[tuple[int, dict[str, Any]]]
    withheld: list[str]
    problems: list[tuple[int, str, str]]  # (index, id, message)


def _authors(objs: list[tuple[int, dict[str, Any]]], own_identity: str) -> set[str]:
    found = {own_identity}

    def walk(value: Any, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        if isinstance(value, dict):
            ref = value.get("created_by_ref")
            if isinstance(ref, str):
                found.add(ref)
            for v in value.values():
                walk(v, depth + 1)
        elif isinstance(value, list):
            for v in value:
                walk(v, depth + 1)

    for _, obj in objs:
        walk(obj, 0)
    return found


def _replace(value: Any, authors: set[str], depth: int) -> Any:
    if isinstance(value, str):
        if value in authors:
            return ANONYMOUS_IDENTITY
        for author in authors:
            if author in value:
                value = value.replace(author, ANONYMOUS_IDENTITY)
        return value
    if depth > _MAX_DEPTH:
        return value
    if isinstance(value, dict):
        return {k: _replace(v, authors, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        out: list[Any] = []
        for v in value:
            new = _replace(v, authors, depth + 1)
            if new not in out or not isinstance(new, str):
                out.append(new)
        return out
    return value


def _names_org(value: Any, needle: str, depth: int = 0) -> bool:
    if isinstance(value, str):
        return needle in value.lower()
    if depth > _MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return any(_names_org(k, needle, depth + 1) or _names_org(v, needle, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_names_org(v, needle, depth + 1) for v in value)
    return False


def anonymise(objs: list[tuple[int, dict[str, Any]]], own_identity: str, org_name: str) -> Scrubbed:
    """The submission as the hub will publish it for an anonymous submitter."""
    authors = _authors(objs, own_identity)
    needle = org_name.strip().lower()
    kept: list[tuple[int, dict[str, Any]]] = []
    withheld: list[str] = []
    problems: list[tuple[int, str, str]] = []
    for i, obj in objs:
        if obj.get("type") == "identity" and obj.get("id") in authors:
            withheld.append(str(obj["id"]))
            continue
        if needle and _names_org(obj, needle):
            message = "an anonymous submission names your organisation; remove the name or publish openly"
            problems.append((i, str(obj.get("id")), message))
            continue
        where = obj.get("where_sighted_refs")
        if obj.get("type") == "sighting" and isinstance(where, list) and authors & set(where):
            rest = [ref for ref in where if ref not in authors]  # "where sighted" would name the submitter
            obj = {k: v for k, v in obj.items() if k != "where_sighted_refs"} | (
                {"where_sighted_refs": rest} if rest else {}
            )
        new = _replace(obj, authors, 0)
        if new.get("id") == ANONYMOUS_IDENTITY:
            withheld.append(str(obj.get("id")))
            continue
        kept.append((i, new))
    return Scrubbed(kept, withheld, problems)
