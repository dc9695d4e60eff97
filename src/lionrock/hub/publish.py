"""Publishing: validate a bundle, decide each version's release and owner, store all of it or none.

One use case, one transaction: the audience names, the caller's identity, ownership and what the
caller already holds are all read under the write lock that stores the result. Every answer
depends only on what the caller may see (DESIGN.md, "no existence oracle")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import orjson
from sqlalchemy import Connection

from lionrock.access.anonymity import anonymise
from lionrock.access.markings import (
    HUB_FIXED_IDS,
    fixed_definition_problem,
    governing_tlp,
    marking_refs,
    statement_markings,
)
from lionrock.access.model import Audience, AudienceNames, Principal
from lionrock.access.permissions import require_publisher
from lionrock.access.policy import (
    check_audience,
    check_may_version,
    check_release,
    visibility_for,
)
from lionrock.errors import Forbidden, Invalid, LionrockError, Problem, Refused
from lionrock.hub.auditing import record
from lionrock.hub.context import Hub
from lionrock.hub.object_seal import open_rows, seal_versions
from lionrock.hub.releases import indexed_value, ref_ids, search_text
from lionrock.stix.ids import SCO_TYPES, timestamp_key, version_of
from lionrock.stix.sco_ids import REGISTRY
from lionrock.stix.tlp import Tlp
from lionrock.stix.validate import object_problems
from lionrock.store import members
from lionrock.store import objects as store
from lionrock.store.engine import write_transaction

_REF_CHECKED = frozenset({"relationship", "sighting"})


@dataclass(frozen=True)
class PublishRequest:
    objects: Sequence[Any]
    audience: Audience | AudienceNames
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


def _problems(problems: list[Problem]) -> Invalid:
    count = len({p.index for p in problems})
    return Invalid(f"{count} object(s) are not acceptable (first: {problems[0].message})", problems)


def validated(objects: Sequence[Any]) -> tuple[Indexed, list[Problem]]:
    """Pure: the well-formed objects with their index in the submission, and what is wrong with the rest."""
    problems: list[Problem] = []
    good: Indexed = []
    for i, obj in enumerate(objects):
        oid = obj.get("id") if isinstance(obj, dict) and isinstance(obj.get("id"), str) else None
        found = object_problems(obj)
        problems.extend(Problem(i, oid, m) for m in found)
        if not found:
            good.append((i, obj))
    return good, problems


def resolve_audience(conn: Connection, spec: Audience | AudienceNames) -> Audience:
    if isinstance(spec, Audience):
        return spec
    group_ids, org_ids = set(), set()
    for name in spec.groups:
        group = members.group_by_name(conn, name)
        if group is None:
            raise Invalid(f"no sharing group named {name!r}")
        group_ids.add(group[0])
    for name in spec.orgs:
        org = members.org_by_name(conn, name)
        if org is None:
            raise Invalid(f"no organisation named {name!r}")
        org_ids.add(org.id)
    return Audience(spec.community, frozenset(group_ids), frozenset(org_ids))


@dataclass(frozen=True)
class _Context:
    principal: Principal
    audience: Audience
    identity: str
    member_identities: dict[str, int]
    statements: set[str]


def _versions(objs: Indexed, request: PublishRequest, ctx: _Context) -> tuple[list[store.NewVersion], list[Problem]]:
    """Pure: each acceptable object as a version to store, with its governing TLP."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str], str] = {}
    versions: list[store.NewVersion] = []
    for i, obj in objs:
        oid = obj["id"]
        if oid in HUB_FIXED_IDS and (message := fixed_definition_problem(obj)):
            problems.append(Problem(i, oid, message))
            continue
        owner_of_identity = ctx.member_identities.get(oid)
        if owner_of_identity is not None and owner_of_identity != ctx.principal.org_id:
            problems.append(Problem(i, oid, "this identity stands for another member organisation"))
            continue
        author = ctx.member_identities.get(str(obj.get("created_by_ref")))
        if author is not None and author != ctx.principal.org_id:
            problems.append(Problem(i, oid, "created_by_ref names another member organisation"))
            continue
        # a faithful copy of a TLP definition is public; anything else takes its governing TLP
        tlp = Tlp.CLEAR if oid in HUB_FIXED_IDS else governing_tlp(obj, request.tlp, ctx.statements)
        if not isinstance(tlp, Tlp):
            problems.append(Problem(i, oid, tlp))
            continue
        try:
            check_release(tlp, ctx.audience)
        except Invalid as exc:
            problems.append(Problem(i, oid, exc.message))
            continue
        body = orjson.dumps(obj, option=orjson.OPT_SORT_KEYS).decode()
        key = (oid, timestamp_key(version_of(obj)) or "")
        if key in seen:
            if seen[key] != body:
                problems.append(
                    Problem(
                        i, oid, f"version {version_of(obj) or '(unversioned)'} appears twice with different content"
                    )
                )
            continue
        seen[key] = body
        otype = obj["type"]
        about = obj.get("sighting_of_ref") if otype == "sighting" else None
        versions.append(
            store.NewVersion(
                stix_id=oid,
                stix_type=otype,
                version=key[1],
                spec_version=str(obj.get("spec_version", "2.1")),
                body=body,
                producer_org_id=ctx.principal.org_id,
                tlp=tlp.value,
                audience=ctx.audience,
                anonymous=request.anonymous,
                channel=request.channel,
                ref_ids=ref_ids(obj) if otype in _REF_CHECKED else (),
                value=indexed_value(obj),
                search_text=search_text(obj),
                about_ref=about if isinstance(about, str) else None,
            )
        )
    return versions, problems


def _context(conn: Connection, hub: Hub, principal: Principal, request: PublishRequest, objs: Indexed) -> _Context:
    audience = resolve_audience(conn, request.audience)
    check_audience(principal, audience)
    me = members.org_by_id(conn, principal.org_id)
    if me is None:
        raise Forbidden("your organisation is no longer a member")
    # identities the bundle names as authors or defines: are any of them other members?
    named = {str(o["id"]) for _, o in objs if o["type"] == "identity"}
    named |= {ref for _, o in objs if isinstance(ref := o.get("created_by_ref"), str)}
    identities = members.orgs_with_identities(conn, named) if named else {}
    statements = statement_markings(o for _, o in objs)
    wanted = {r for _, o in objs for r in o.get("object_marking_refs") or () if r not in HUB_FIXED_IDS}
    wanted |= {r for _, o in objs if o.get("granular_markings") for r in marking_refs(o)}
    wanted -= statements | HUB_FIXED_IDS
    if wanted:  # statement markings the hub already holds and the publisher may see
        q = store.ObjectQuery(ids=tuple(sorted(wanted)), types=("marking-definition",), limit=len(wanted) * 4)
        held = open_rows(conn, hub, store.query_versions(conn, visibility_for(principal), q))
        statements |= statement_markings(orjson.loads(v.body) for v in held)
    return _Context(principal, audience, me.identity_id, identities, statements)


def _owned_versions(
    conn: Connection, principal: Principal, versions: list[store.NewVersion], index_of: dict[str, int]
) -> tuple[list[store.NewVersion], set[str]]:
    """Claim the ids nobody owns yet, mark versions stored under ids other organisations own (they
    become records only their producer sees), and refuse them where the owner's object is visible
    (the caller's transaction then rolls the claims back). Returns the versions and the claims."""
    owned_ids = list(dict.fromkeys(v.stix_id for v in versions if not _shared_fact(v)))
    claimed = store.claim_owners(conn, owned_ids, principal.org_id) if owned_ids else set()
    rest = [sid for sid in owned_ids if sid not in claimed]
    owner_of = store.owners_of(conn, rest) if rest else {}
    owner_of.update(dict.fromkeys(claimed, principal.org_id))
    others = {sid: org for sid, org in owner_of.items() if org != principal.org_id}
    visible = store.visible_owned(conn, visibility_for(principal), others) if others else set()
    out: list[store.NewVersion] = []
    refused: list[Problem] = []
    for v in versions:
        if _shared_fact(v):
            out.append(v)
            continue
        try:
            is_owner = check_may_version(principal, owner_of.get(v.stix_id), v.stix_id in visible)
        except Forbidden as exc:
            refused.append(Problem(index_of.get(v.stix_id, -1), v.stix_id, exc.message))
            continue
        out.append(v if is_owner else replace(v, owner_record=False))
    if refused:
        raise Refused(f"{len(refused)} object(s) belong to another organisation", refused)
    return out, claimed


def _shared_fact(v: store.NewVersion) -> bool:
    """SCOs (extension-defined ones too) and faithful copies of the TLP definitions: shared facts,
    one record per producer, no owner."""
    return v.stix_type in SCO_TYPES or v.stix_type in REGISTRY or v.stix_id in HUB_FIXED_IDS


def publish(hub: Hub, principal: Principal, request: PublishRequest) -> PublishResult:
    """Store a whole submission atomically, or raise Invalid naming every bad object."""
    with write_transaction(hub.engine) as conn:
        return publish_in(conn, hub, principal, request)


def publish_in(conn: Connection, hub: Hub, principal: Principal, request: PublishRequest) -> PublishResult:
    """The publish use case inside a caller's write transaction (TAXII adds save a status with it).
    Nothing is written before every check has passed."""
    require_publisher(principal)
    if len(request.objects) == 0:
        raise Invalid("the bundle holds no objects")
    objs, problems = validated(request.objects)  # reported together with release problems below
    ctx = _context(conn, hub, principal, request, objs)
    withheld: list[str] = []
    if request.anonymous:
        scrubbed = anonymise(objs, ctx.identity, principal.org_name)
        objs, withheld = scrubbed.objects, scrubbed.withheld
        problems.extend(Problem(i, oid, m) for i, oid, m in scrubbed.problems)
    versions, found = _versions(objs, request, ctx)
    problems.extend(found)
    if problems:
        raise _problems(problems)
    index_of = {o["id"]: i for i, o in reversed(list(enumerate(request.objects))) if isinstance(o, dict)}
    versions, claims = _owned_versions(conn, principal, versions, index_of)
    result = _store(conn, hub, principal, versions, claims, index_of)
    result.withheld = withheld
    record(
        conn,
        hub,
        principal,
        "publish",
        anonymous=request.anonymous,
        detail={
            "stored": len(result.stored),
            "unchanged": len(result.unchanged),
            "tlp": request.tlp.value if request.tlp else None,
            "audience": _audience_detail(ctx.audience),
            "channel": request.channel,
        },
    )
    return result


def _store(
    conn: Connection,
    hub: Hub,
    principal: Principal,
    versions: list[store.NewVersion],
    claims: set[str],
    index_of: dict[str, int],
) -> PublishResult:
    # Records of one's own exist only under ids with an owner (claimed at first publication) or
    # for shared facts, so a bundle of new objects costs no lookup here.
    maybe_held = [(v.stix_id, v.version) for v in versions if v.stix_id not in claims]
    held = store.own_versions(conn, principal.org_id, maybe_held) if maybe_held else {}
    held = {(e.stix_id, e.version): e for e in open_rows(conn, hub, list(held.values()), strict=True)}
    conflicts = [
        Problem(
            index_of.get(v.stix_id, -1),
            v.stix_id,
            f"you already published version {v.version or '(unversioned)'} with different content; change 'modified'",
        )
        for v in versions
        if (old := held.get((v.stix_id, v.version))) is not None and old.body != v.body
    ]
    if conflicts:
        raise Invalid("some versions conflict with versions you already published", conflicts)
    fresh = [v for v in versions if (v.stix_id, v.version) not in held]
    next_date = max(hub.clock(), store.last_date_added(conn) + 1)
    store.insert_versions(conn, seal_versions(conn, hub, fresh), next_date)
    next_date += len(fresh)
    result = PublishResult(stored=[v.stix_id for v in fresh], versions=[(v.stix_id, v.version) for v in fresh])
    for v in versions:
        old = held.get((v.stix_id, v.version))
        if old is not None:
            result.unchanged.append(v.stix_id)
            # The producer widens its own version; CLEAR is seen by everyone already.
            if old.tlp != Tlp.CLEAR.value and store.widen_audience(conn, old.pk, v.audience, next_date):
                next_date += 1
    return result


def _audience_detail(aud: Audience) -> dict[str, object]:
    return {"community": aud.community, "groups": sorted(aud.group_ids), "orgs": sorted(aud.org_ids)}


def delete(hub: Hub, principal: Principal, stix_id: str) -> int:
    """Delete the versions of an object that the caller's organisation produced."""
    require_publisher(principal)
    with write_transaction(hub.engine) as conn:
        count = store.delete_object(conn, stix_id, principal.org_id)
        if count:
            record(conn, hub, principal, "delete", subject=stix_id, detail={"versions": count})
    return count


__all__ = [
    "LionrockError",
    "PublishRequest",
    "PublishResult",
    "delete",
    "publish",
    "publish_in",
    "resolve_audience",
    "validated",
]
