"""REST API: publish bundles, read and search objects, administer members."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from lionrock.access.model import AudienceNames, OrgKind, Principal, Role
from lionrock.errors import BadRequest, Forbidden, Invalid
from lionrock.http.body import parse_json, read_limited
from lionrock.http.paging import decode_cursor, encode_cursor
from lionrock.http.responses import JSON, hub_of, principal
from lionrock.hub import Hub, query, sightings
from lionrock.hub import members as hub_members
from lionrock.hub.publish import PublishRequest, publish
from lionrock.stix.ids import timestamp_to_us
from lionrock.stix.tlp import Tlp
from lionrock.store import audit, members
from lionrock.store.engine import read_transaction
from lionrock.store.objects import ObjectQuery

router = APIRouter(prefix="/api/v1", default_response_class=JSON)
Caller = Annotated[Principal, Depends(principal)]
HubDep = Annotated[Hub, Depends(hub_of)]


def _shown(item: query.Shown) -> dict[str, Any]:
    return {"object": item.raw, "meta": item.meta}


def audience_names(spec: Any) -> AudienceNames:
    """{"community": true} | {"groups": [names]} | {"orgs": [names]}; the publish use case resolves them."""
    usage = 'audience must be {"community": true}, {"groups": [names]} or {"orgs": [names]}'
    if not isinstance(spec, dict) or not spec:
        raise Invalid(usage)
    unknown = set(spec) - {"community", "groups", "orgs"}
    if unknown:
        raise Invalid(f"unknown audience keys: {sorted(unknown)}")
    community = spec.get("community", False)
    groups, orgs = spec.get("groups", []), spec.get("orgs", [])
    if not isinstance(community, bool):
        raise Invalid("audience.community must be true or false")
    for key, names in (("groups", groups), ("orgs", orgs)):
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise Invalid(f"audience.{key} must be a list of names")
    return AudienceNames(community, tuple(groups), tuple(orgs))


@router.post("/bundles", status_code=201, summary="Publish a STIX bundle (atomic)")
async def post_bundle(request: Request, who: Caller, hub: HubDep) -> JSON:
    payload = parse_json(await read_limited(request, hub.settings.max_content_length))
    if not isinstance(payload, dict) or not isinstance(payload.get("bundle"), dict):
        raise BadRequest('send {"bundle": <STIX bundle>, "audience": {...}, "tlp": ..., "anonymous": false}')
    bundle = payload["bundle"]
    if bundle.get("type") != "bundle" or not isinstance(bundle.get("objects"), list):
        raise Invalid("bundle must be a STIX bundle with an 'objects' list")
    raw_tlp = payload.get("tlp")
    try:
        tlp = Tlp.parse(raw_tlp) if isinstance(raw_tlp, str) and raw_tlp else None
    except ValueError:
        tlp = None
    if raw_tlp not in (None, "") and tlp is None:
        raise Invalid("tlp must be one of clear, green, amber, amber+strict, red")
    anonymous = payload.get("anonymous", False)
    if not isinstance(anonymous, bool):
        raise Invalid("anonymous must be true or false")
    audience = audience_names(payload.get("audience", {"community": True}))

    def work() -> JSON:
        req = PublishRequest(bundle["objects"], audience, tlp, anonymous)
        result = publish(hub, who, req)
        return JSON(
            {"stored": result.stored, "unchanged": result.unchanged, "withheld": result.withheld}, status_code=201
        )

    return await run_in_threadpool(work)


@router.get("/objects", summary="Search visible objects (cursor paging)")
def list_objects(
    who: Caller,
    hub: HubDep,
    type: Annotated[list[str] | None, Query(description="STIX type(s)")] = None,
    q: Annotated[str | None, Query(description="free text in name, description, pattern")] = None,
    value: Annotated[str | None, Query(description="observable value (IP, domain, hash, …)")] = None,
    added_after: Annotated[str | None, Query(description="STIX timestamp")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    cursor: str | None = None,
    versions: Annotated[str, Query(pattern="^(last|all|first)$")] = "last",
) -> JSON:
    after_us = _timestamp_param(added_after)
    oq = ObjectQuery(
        types=tuple(type or ()),
        text=q,
        value=value,
        added_after=after_us,
        limit=min(limit, hub.settings.page_size),
        versions=(versions,),
        after=decode_cursor(cursor) if cursor else None,
    )
    page = query.list_objects(hub, who, oq)
    return JSON(
        {
            "items": [_shown(i) for i in page.items],
            "more": page.more,
            "cursor": encode_cursor(page.next_cursor) if page.next_cursor else None,
        }
    )


@router.get("/objects/{stix_id}", summary="Latest visible version of an object (or all)")
def get_object(
    stix_id: str, who: Caller, hub: HubDep, versions: Annotated[str, Query(pattern="^(last|all)$")] = "last"
) -> JSON:
    items = query.get_object(hub, who, stix_id, all_versions=versions == "all")
    if versions == "all":
        return JSON({"items": [_shown(i) for i in items]})
    return JSON(_shown(items[-1]))


@router.get("/objects/{stix_id}/relationships", summary="Visible relationships and sightings of an object")
def get_relationships(stix_id: str, who: Caller, hub: HubDep) -> JSON:
    return JSON({"items": [_shown(i) for i in query.relationships(hub, who, stix_id)]})


@router.get("/objects/{stix_id}/seen", summary="How often and by how many organisations it was sighted")
def get_seen(stix_id: str, who: Caller, hub: HubDep) -> JSON:
    return JSON(sightings.seen(hub, who, stix_id).as_json())


@router.get("/feeds/outward", summary="A STIX bundle for parties outside the hub: TLP:CLEAR and GREEN only")
def outward_feed(
    who: Caller,
    hub: HubDep,
    type: Annotated[list[str] | None, Query(description="STIX type(s)")] = None,
    added_after: Annotated[str | None, Query(description="STIX timestamp")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    cursor: str | None = None,
) -> JSON:
    """What a member may pass on outside the hub (a partner, a public blocklist): the latest visible
    versions at CLEAR or GREEN. AMBER, AMBER+STRICT and RED never appear here."""
    after_us = _timestamp_param(added_after)
    oq = ObjectQuery(
        types=tuple(type or ()),
        added_after=after_us,
        limit=min(limit, hub.settings.page_size),
        after=decode_cursor(cursor) if cursor else None,
    )
    page = query.outward_feed(hub, who, oq)
    next_cursor = encode_cursor(page.next_cursor) if page.next_cursor else None
    return JSON(
        {
            "type": "bundle",
            "id": f"bundle--{uuid.uuid4()}",
            "objects": [i.raw for i in page.items],
        },
        headers={"X-Lionrock-Cursor": next_cursor} if next_cursor else {},
    )


def _timestamp_param(value: str | None) -> int | None:
    if value is None:
        return None
    parsed = timestamp_to_us(value)
    if parsed is None:
        raise BadRequest("added_after must be a STIX timestamp such as 2026-01-01T00:00:00Z")
    return parsed


@router.get("/me", summary="Who this token is")
def me(who: Caller, hub: HubDep) -> JSON:
    return JSON(
        {
            "org": who.org_name,
            "kind": who.org_kind.value,
            "role": who.role.value,
            "identity": hub_members.own_identity(hub, who),
        }
    )


@router.get("/orgs", summary="Member organisations")
def list_orgs(who: Caller, hub: HubDep) -> JSON:
    with read_transaction(hub.engine) as conn:
        return JSON(
            {"items": [{"name": o.name, "kind": o.kind, "identity": o.identity_id} for o in members.all_orgs(conn)]}
        )


@router.post("/orgs", status_code=201, summary="Add an organisation (operators)")
def add_org(body: dict[str, str], who: Caller, hub: HubDep) -> JSON:
    try:
        kind = OrgKind(body.get("kind", ""))
    except ValueError as exc:
        raise Invalid("kind must be bank, regulator, law-enforcement or operator") from exc
    hub_members.add_org(hub, body.get("name", ""), kind, actor=who)
    return JSON({"name": body["name"], "kind": kind.value}, status_code=201)


@router.get("/groups", summary="Sharing groups")
def list_groups(who: Caller, hub: HubDep) -> JSON:
    with read_transaction(hub.engine) as conn:
        names = {o.id: o.name for o in members.all_orgs(conn)}
        items = [
            {"name": name, "members": [names[m] for m in mids]}
            for _, name, mids in members.all_groups(conn)
            if who.role is Role.OPERATOR or who.org_id in mids
        ]
    return JSON({"items": items})


@router.post("/groups", status_code=201, summary="Create a sharing group (operators)")
def add_group(body: dict[str, Any], who: Caller, hub: HubDep) -> JSON:
    member_names = [str(m) for m in body.get("members", [])]
    hub_members.add_group(hub, str(body.get("name", "")), member_names, actor=who)
    return JSON({"name": body.get("name"), "members": member_names}, status_code=201)


@router.get("/tokens", summary="Tokens of your organisation (operators: all)")
def list_tokens(who: Caller, hub: HubDep) -> JSON:
    if not who.role.manages_own_org:
        raise Forbidden("only org-admins and operators list tokens")
    with read_transaction(hub.engine) as conn:
        rows = members.tokens_of(conn, None if who.role is Role.OPERATOR else who.org_id)
    return JSON(
        {
            "items": [
                {
                    "id": t.id,
                    "name": t.name,
                    "role": t.role,
                    "prefix": t.prefix,
                    "expires": t.expires,
                    "revoked": t.revoked is not None,
                }
                for t in rows
            ]
        }
    )


@router.post("/tokens", status_code=201, summary="Issue a token (the secret is shown once)")
def add_token(body: dict[str, Any], who: Caller, hub: HubDep) -> JSON:
    try:
        role = Role(body.get("role", "reader"))
    except ValueError as exc:
        raise Invalid("role must be reader, analyst, org-admin or operator") from exc
    expires = body.get("expires_days")
    if expires is not None and (isinstance(expires, bool) or not isinstance(expires, int | float)):
        raise Invalid("expires_days must be a number of days")
    issued = hub_members.create_token(
        hub,
        str(body.get("org", who.org_name)),
        role,
        body.get("name"),
        float(expires) if expires is not None else None,
        actor=who,
    )
    return JSON({"id": issued.id, "token": issued.secret}, status_code=201)


@router.delete("/tokens/{token_id}", summary="Revoke a token")
def delete_token(token_id: int, who: Caller, hub: HubDep) -> JSON:
    hub_members.revoke_token(hub, token_id, who)
    return JSON({"revoked": token_id})


@router.get("/audit", summary="Audit entries of your own organisation")
def get_audit(who: Caller, hub: HubDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> JSON:
    """Members see their own organisation's entries only, so anonymous submissions stay anonymous."""
    if not who.role.manages_own_org:
        raise Forbidden("only org-admins and operators read the audit log")
    with read_transaction(hub.engine) as conn:
        rows = audit.entries(conn, org_id=who.org_id, limit=limit)
    return JSON(
        {
            "items": [
                {"seq": e.seq, "at": e.at, "action": e.action, "subject": e.subject, "detail": e.detail} for e in rows
            ]
        }
    )
