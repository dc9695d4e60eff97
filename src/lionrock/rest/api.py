"""REST API: publish bundles, read and search objects, administer members."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from lionrock.access.model import AudienceNames, Principal
from lionrock.errors import BadRequest, Invalid
from lionrock.http.body import parse_json, read_limited
from lionrock.http.paging import decode_cursor, encode_cursor
from lionrock.http.responses import JSON, hub_of, principal
from lionrock.http.validation import body_doc, json_body, validated
from lionrock.hub import Hub, ObjectQuery, directory, query, sightings
from lionrock.hub import members as hub_members
from lionrock.hub.publish import PublishRequest, publish
from lionrock.rest.models import (
    AudienceBody,
    Cursor,
    GroupBody,
    ObservableValue,
    OrgBody,
    PublishBody,
    SearchText,
    StixId,
    Timestamp,
    TokenBody,
    TokenId,
    Types,
)
from lionrock.stix.ids import timestamp_to_us
from lionrock.stix.tlp import Tlp

router = APIRouter(prefix="/api/v1", default_response_class=JSON)
Caller = Annotated[Principal, Depends(principal)]
HubDep = Annotated[Hub, Depends(hub_of)]


def _shown(item: query.Shown) -> dict[str, Any]:
    return {"object": item.raw, "meta": item.meta}


def audience_names(spec: Any) -> AudienceNames:
    """{"community": true} | {"groups": [names]} | {"orgs": [names]}; the publish use case resolves them."""
    if not isinstance(spec, dict) or not spec:
        raise Invalid('audience must be {"community": true}, {"groups": [names]} or {"orgs": [names]}')
    aud = validated(AudienceBody, spec, where="audience")
    return AudienceNames(aud.community, tuple(aud.groups), tuple(aud.orgs))


@router.post("/bundles", status_code=201, summary="Publish a STIX bundle (atomic)", openapi_extra=body_doc(PublishBody))
async def post_bundle(request: Request, who: Caller, hub: HubDep) -> JSON:
    payload = parse_json(await read_limited(request, hub.settings.max_content_length))
    if not isinstance(payload, dict) or not isinstance(payload.get("bundle"), dict):
        raise BadRequest('send {"bundle": <STIX bundle>, "audience": {...}, "tlp": ..., "anonymous": false}')
    body = validated(PublishBody, payload)
    bundle = payload["bundle"]
    try:
        tlp = Tlp.parse(body.tlp) if body.tlp else None
    except ValueError as exc:
        raise Invalid("tlp must be one of clear, green, amber, amber+strict, red") from exc
    anonymous = body.anonymous
    audience = audience_names(payload["audience"] if body.audience is not None else {"community": True})

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
    type: Types = None,
    q: SearchText = None,
    value: ObservableValue = None,
    added_after: Timestamp = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    cursor: Cursor = None,
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
    stix_id: StixId, who: Caller, hub: HubDep, versions: Annotated[str, Query(pattern="^(last|all)$")] = "last"
) -> JSON:
    items = query.get_object(hub, who, stix_id, all_versions=versions == "all")
    if versions == "all":
        return JSON({"items": [_shown(i) for i in items]})
    return JSON(_shown(items[-1]))


@router.get("/objects/{stix_id}/relationships", summary="Visible relationships and sightings of an object")
def get_relationships(stix_id: StixId, who: Caller, hub: HubDep) -> JSON:
    return JSON({"items": [_shown(i) for i in query.relationships(hub, who, stix_id)]})


@router.get("/objects/{stix_id}/seen", summary="How often and by how many organisations it was sighted")
def get_seen(stix_id: StixId, who: Caller, hub: HubDep) -> JSON:
    return JSON(sightings.seen(hub, who, stix_id).as_json())


@router.get("/feeds/outward", summary="A STIX bundle for parties outside the hub: TLP:CLEAR and GREEN only")
def outward_feed(
    who: Caller,
    hub: HubDep,
    type: Types = None,
    added_after: Timestamp = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    cursor: Cursor = None,
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
    return JSON(
        {"items": [{"name": o.name, "kind": o.kind, "identity": o.identity} for o in directory.organisations(hub)]}
    )


@router.post("/orgs", status_code=201, summary="Add an organisation (operators)", openapi_extra=body_doc(OrgBody))
def add_org(who: Caller, hub: HubDep, body: Annotated[OrgBody, Depends(json_body(OrgBody))]) -> JSON:
    hub_members.add_org(hub, body.name, body.kind, actor=who)
    return JSON({"name": body.name, "kind": body.kind.value}, status_code=201)


@router.get("/groups", summary="Sharing groups (operators: all; members: their own)")
def list_groups(who: Caller, hub: HubDep) -> JSON:
    return JSON({"items": [{"name": g.name, "members": list(g.members)} for g in directory.sharing_groups(hub, who)]})


@router.post(
    "/groups", status_code=201, summary="Create a sharing group (operators)", openapi_extra=body_doc(GroupBody)
)
def add_group(who: Caller, hub: HubDep, body: Annotated[GroupBody, Depends(json_body(GroupBody))]) -> JSON:
    hub_members.add_group(hub, body.name, body.members, actor=who)
    return JSON({"name": body.name, "members": body.members}, status_code=201)


@router.get("/tokens", summary="Tokens of your organisation (operators: all)")
def list_tokens(who: Caller, hub: HubDep) -> JSON:
    return JSON(
        {
            "items": [
                {
                    "id": t.id,
                    "org": t.org,
                    "name": t.name,
                    "role": t.role,
                    "prefix": t.prefix,
                    "expires": t.expires,
                    "revoked": t.revoked,
                }
                for t in directory.tokens(hub, who)
            ]
        }
    )


@router.post(
    "/tokens",
    status_code=201,
    summary="Issue a token (the secret is shown once)",
    openapi_extra=body_doc(TokenBody),
)
def add_token(who: Caller, hub: HubDep, body: Annotated[TokenBody, Depends(json_body(TokenBody))]) -> JSON:
    issued = hub_members.create_token(hub, body.org or who.org_name, body.role, body.name, body.expires_days, actor=who)
    return JSON({"id": issued.id, "token": issued.secret}, status_code=201)


@router.delete("/tokens/{token_id}", summary="Revoke a token")
def delete_token(token_id: TokenId, who: Caller, hub: HubDep) -> JSON:
    hub_members.revoke_token(hub, token_id, who)
    return JSON({"revoked": token_id})


@router.get("/audit", summary="Audit entries of your own organisation")
def get_audit(who: Caller, hub: HubDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> JSON:
    """Members see their own organisation's entries only, so anonymous submissions stay anonymous."""
    return JSON(
        {
            "items": [
                {"seq": e.seq, "at": e.at, "action": e.action, "subject": e.subject, "detail": e.detail}
                for e in directory.audit_entries(hub, who, limit)
            ]
        }
    )
