"""Publishing: validate a bundle, decide each version's release, store all of it or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from lionrock.access.model import Audience, Principal
from lionrock.access.policy import check_release
from lionrock.errors import Forbidden, Invalid, LionrockError, Problem
from lionrock.hub.auditing import record
from lionrock.hub.context import Hub
from lionrock.stix.ids import SCO_TYPES, version_of
from lionrock.stix.patterns import parse_pattern
from lionrock.stix.tlp import Tlp, is_tlp_marking, tlp_of_markings
from lionrock.stix.validate import object_problems
from lionrock.store import objects as store
from lionrock.store.engine import write_transaction

ANONYMOUS_IDENTITY = "identity--8e3e0c9a-5b1f-4c55-9a8b-0a4c9e1f7d11"
_REF_CHECKED = frozenset({"relationship", "sighting"})


@dataclass(frozen=True)
class PublishRequest:
    objects: Sequence[Any]
    audience: Audience
    tlp: Tlp | None = None
    anonymous: bool = False
    channel: str | None = None


@dataclass
class PublishResult:
    stored: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)
    versions: list[tuple[str, str]] = field(default_factory=list)


Indexed = list[tuple[int, dict[str, Any]]]


def _anonymise(objs: Indexed, own_identity: str) -> tuple[Indexed, list[str]]:
    """Publish on the submitter's behalf: created_by_ref becomes the hub's pseudonym and identity
    objects that name the submitter are withheld."""
    authors = {o.get("created_by_ref") for _, o in objs} | {own_identity}
    kept: Indexed = []
    withheld: list[str] = []
    for i, obj in objs:
        if obj.get("type") == "identity" and obj.get("id") in authors:
            withheld.append(str(obj["id"]))
            continue
        if "created_by_ref" in obj:
            obj = {**obj, "created_by_ref": ANONYMOUS_IDENTITY}
        where = obj.get("where_sighted_refs")
        if obj.get("type") == "sighting" and isinstance(where, list) and authors & set(where):
            # "where sighted" would name the submitter: keep only places that are someone else
            rest = [ref for ref in where if ref not in authors]
            obj = {k: v for k, v in obj.items() if k != "where_sighted_refs"} | (
                {"where_sighted_refs": rest} if rest else {}
            )
        kept.append((i, obj))
    return kept, withheld


def _indexed_value(obj: dict[str, Any]) -> str | None:
    """The observable value REST `?value=` finds: an SCO's value, or an indicator's first literal."""
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


def _search_text(obj: dict[str, Any]) -> str:
    parts = [str(obj.get(k, "")) for k in ("name", "description", "pattern", "value", "content")]
    return " ".join(p for p in parts if p).lower()[:4000]


def _release_tlp(obj: dict[str, Any], default: Tlp | None) -> Tlp | None:
    if obj["type"] == "marking-definition" and is_tlp_marking(obj["id"]):
        return Tlp.CLEAR  # the public TLP definitions themselves
    refs = obj.get("object_marking_refs") or []
    return tlp_of_markings(refs) or default


def prepare(
    request: PublishRequest, principal: Principal, own_identity: str
) -> tuple[list[store.NewVersion], list[str], list[Problem]]:
    """Pure: validate and turn a submission into versions to store (or problems)."""
    problems: list[Problem] = []
    objs: Indexed = []
    for i, obj in enumerate(request.objects):
        oid = obj.get("id") if isinstance(obj, dict) and isinstance(obj.get("id"), str) else None
        found = object_problems(obj)
        problems.extend(Problem(i, oid, m) for m in found)
        if not found:
            objs.append((i, obj))
    withheld: list[str] = []
    if request.anonymous:
        objs, withheld = _anonymise(objs, own_identity)
    seen: dict[tuple[str, str], str] = {}
    versions: list[store.NewVersion] = []
    for i, obj in objs:
        tlp = _release_tlp(obj, request.tlp)
        if tlp is None:
            problems.append(
                Problem(
                    i,
                    obj["id"],
                    "no TLP marking in object_marking_refs and no tlp given with the request; the hub does not guess",
                )
            )
            continue
        try:
            check_release(tlp, request.audience)
        except Invalid as exc:
            problems.append(Problem(i, obj["id"], exc.message))
            continue
        body = orjson.dumps(obj, option=orjson.OPT_SORT_KEYS).decode()
        key = (obj["id"], version_of(obj))
        if key in seen:
            if seen[key] != body:
                problems.append(
                    Problem(i, obj["id"], f"version {key[1] or '(unversioned)'} appears twice with different content")
                )
            continue
        seen[key] = body
        ref_ids = _ref_ids(obj) if obj["type"] in _REF_CHECKED else ()
        versions.append(
            store.NewVersion(
                stix_id=obj["id"],
                stix_type=obj["type"],
                version=key[1],
                spec_version=str(obj.get("spec_version", "2.1")),
                body=body,
                producer_org_id=principal.org_id,
                tlp=tlp.value,
                audience=request.audience,
                anonymous=request.anonymous,
                channel=request.channel,
                ref_ids=ref_ids,
                value=_indexed_value(obj),
                search_text=_search_text(obj),
            )
        )
    return versions, withheld, problems


def _ref_ids(obj: dict[str, Any]) -> tuple[str, ...]:
    found: set[str] = set()
    for key, value in obj.items():
        if key.endswith("_ref") and key != "created_by_ref" and isinstance(value, str):
            found.add(value)
        elif key.endswith("_refs") and key != "object_marking_refs" and isinstance(value, list):
            found.update(v for v in value if isinstance(v, str))
    return tuple(sorted(found))


def publish(hub: Hub, principal: Principal, request: PublishRequest, own_identity: str) -> PublishResult:
    """Store a whole submission atomically, or raise Invalid naming every bad object."""
    if not principal.role.may_publish:
        raise Forbidden("this token's role may not publish (analyst or org-admin needed)")
    if len(request.objects) == 0:
        raise Invalid("the bundle holds no objects")
    versions, withheld, problems = prepare(request, principal, own_identity)
    if problems:
        raise Invalid(
            f"{len({p.index for p in problems})} object(s) are not acceptable (first: {problems[0].message})", problems
        )
    result = PublishResult(withheld=withheld)
    with write_transaction(hub.engine) as conn:
        held = store.existing_for_write(conn, [(v.stix_id, v.version) for v in versions])
        fresh: list[store.NewVersion] = []
        conflicts: list[Problem] = []
        index_of = {o["id"]: i for i, o in reversed(list(enumerate(request.objects)))}
        for v in versions:
            old = held.get((v.stix_id, v.version))
            if old is None:
                fresh.append(v)
            elif old.body != v.body and not is_tlp_marking(v.stix_id):  # TLP definitions: first copy stays
                message = (
                    f"version {v.version or '(unversioned)'} is already held with different content; change 'modified'"
                )
                conflicts.append(Problem(index_of.get(v.stix_id, -1), v.stix_id, message))
        if conflicts:
            raise Invalid("some versions conflict with versions already held", conflicts)
        next_date = max(hub.clock(), store.last_date_added(conn) + 1)
        store.insert_versions(conn, fresh, next_date)
        next_date += len(fresh)
        for v in versions:
            old = held.get((v.stix_id, v.version))
            if old is not None:
                result.unchanged.append(v.stix_id)
                # CLEAR is seen by everyone already: widening it would only re-date it.
                if old.tlp != Tlp.CLEAR.value and store.widen_audience(conn, old.pk, v.audience, next_date):
                    next_date += 1
        result.stored = [v.stix_id for v in fresh]
        result.versions = [(v.stix_id, v.version) for v in fresh]
        record(
            conn,
            hub,
            principal,
            "publish",
            anonymous=request.anonymous,
            detail={
                "stored": len(fresh),
                "unchanged": len(result.unchanged),
                "tlp": request.tlp.value if request.tlp else None,
                "audience": _audience_detail(request.audience),
                "channel": request.channel,
            },
        )
    return result


def _audience_detail(aud: Audience) -> dict[str, object]:
    return {"community": aud.community, "groups": sorted(aud.group_ids), "orgs": sorted(aud.org_ids)}


def delete(hub: Hub, principal: Principal, stix_id: str) -> int:
    """Delete the versions of an object that the caller's organisation produced."""
    if not principal.role.may_publish:
        raise Forbidden("this token's role may not delete")
    with write_transaction(hub.engine) as conn:
        count = store.delete_object(conn, stix_id, principal.org_id)
        if count:
            record(
                conn,
                hub,
                principal,
                "delete",
                subject=stix_id,
                detail={"versions": count},
            )
    return count


__all__ = ["LionrockError", "PublishRequest", "PublishResult", "delete", "prepare", "publish"]
