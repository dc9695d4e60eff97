"""TAXII 2.1 server: discovery, one API root, collections, objects, manifest, versions, status."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from lionrock.access.model import Principal
from lionrock.errors import BadRequest, Forbidden, Invalid, NotAcceptable, NotFound, UnsupportedMediaType
from lionrock.http.body import parse_json, read_limited
from lionrock.http.paging import decode_cursor, encode_cursor
from lionrock.http.responses import hub_of, principal
from lionrock.hub import Hub, ObjectQuery, query, statuses
from lionrock.hub.collections import Collection, collection_for, collections_for
from lionrock.hub.collections import add_objects as add_to_collection
from lionrock.hub.publish import delete
from lionrock.stix.ids import timestamp_to_us, us_to_timestamp, version_of
from lionrock.taxii.media import STIX_MEDIA, TAXII_MEDIA, TaxiiJSON, accepts_taxii, is_taxii_content

API_ROOT = "api"


def negotiate(request: Request) -> None:
    if not accepts_taxii(request.headers.get("accept")):
        raise NotAcceptable(f"this server answers with {TAXII_MEDIA}")


router = APIRouter(
    prefix="/taxii2", default_response_class=TaxiiJSON, dependencies=[Depends(negotiate)], tags=["TAXII 2.1"]
)
Caller = Annotated[Principal, Depends(principal)]
HubDep = Annotated[Hub, Depends(hub_of)]


@router.get("/", summary="TAXII discovery")
def discovery(who: Caller, hub: HubDep, request: Request) -> TaxiiJSON:
    root = str(request.url_for("api_root"))
    return TaxiiJSON(
        {
            "title": hub.settings.title,
            "description": "lionrock threat-intelligence hub",
            "default": root,
            "api_roots": [root],
        }
    )


@router.get(f"/{API_ROOT}/", name="api_root", summary="API root information")
def api_root(who: Caller, hub: HubDep) -> TaxiiJSON:
    return TaxiiJSON(
        {
            "title": f"{hub.settings.title} sharing",
            "versions": [TAXII_MEDIA],
            "max_content_length": hub.settings.max_content_length,
        }
    )


def _collection_json(c: Collection) -> dict[str, Any]:
    return {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "can_read": c.can_read,
        "can_write": c.can_write,
        "media_types": [STIX_MEDIA],
    }


@router.get(f"/{API_ROOT}/collections/", summary="Collections you may use")
def list_collections(who: Caller, hub: HubDep) -> TaxiiJSON:
    return TaxiiJSON({"collections": [_collection_json(c) for c in collections_for(hub, who)]})


def _collection(hub: Hub, who: Principal, collection_id: str) -> Collection:
    found = collection_for(hub, who, collection_id)
    if found is None:
        raise NotFound(f"no collection {collection_id}")
    return found


@router.get(f"/{API_ROOT}/collections/{{collection_id}}/", summary="One collection")
def get_collection(collection_id: CollectionId, who: Caller, hub: HubDep) -> TaxiiJSON:
    return TaxiiJSON(_collection_json(_collection(hub, who, collection_id)))


MAX_MATCH_VALUES = 500
_ID_MAX = 300


def _split(value: str | None, what: str) -> tuple[str, ...]:
    values = tuple(v.strip() for v in value.split(",") if v.strip()) if value else ()
    if len(values) > MAX_MATCH_VALUES:
        raise BadRequest(f"{what} may list at most {MAX_MATCH_VALUES} values")
    if any(len(v) > _ID_MAX for v in values):
        raise BadRequest(f"{what} values are at most {_ID_MAX} characters")
    return values


@dataclass(frozen=True)
class Filters:
    """The TAXII 2.1 filter and paging parameters of one request, checked (TAXII answers 400 when wrong)."""

    added_after: int | None
    limit: int | None
    after: tuple[int, int] | None
    ids: tuple[str, ...]
    types: tuple[str, ...]
    spec_versions: tuple[str, ...]
    versions: tuple[str, ...]


_MATCH = 16_000  # characters in one match[...] parameter (a URL rarely passes 8 KB anyway)


def taxii_filters(
    added_after: Annotated[str | None, Query(max_length=40, description="STIX timestamp")] = None,
    limit: Annotated[
        str | None, Query(pattern="^[0-9]{1,18}$", description="at most this many objects (capped at the page size)")
    ] = None,
    next: Annotated[str | None, Query(description="the 'next' of the previous page")] = None,
    match_id: Annotated[str | None, Query(alias="match[id]", max_length=_MATCH)] = None,
    match_type: Annotated[str | None, Query(alias="match[type]", max_length=_MATCH)] = None,
    match_version: Annotated[
        str | None, Query(alias="match[version]", max_length=_MATCH, description="last, first, all or timestamps")
    ] = None,
    match_spec_version: Annotated[str | None, Query(alias="match[spec_version]", max_length=_MATCH)] = None,
) -> Filters:
    after = None
    if added_after:
        after = timestamp_to_us(added_after)
        if after is None:
            raise BadRequest("added_after must be a STIX timestamp")
    count = None
    if limit:
        count = int(limit)
        if count < 1:
            raise BadRequest("limit must be a positive integer")
    versions = _split(match_version, "match[version]") or ("last",)
    for v in versions:
        if v not in ("last", "first", "all") and timestamp_to_us(v) is None:
            raise BadRequest(f"match[version] value {v[:60]!r} is not last, first, all or a timestamp")
    return Filters(
        added_after=after,
        limit=count,
        after=decode_cursor(next) if next else None,
        ids=_split(match_id, "match[id]"),
        types=_split(match_type, "match[type]"),
        spec_versions=_split(match_spec_version, "match[spec_version]"),
        versions=versions,
    )


FiltersDep = Annotated[Filters, Depends(taxii_filters)]
CollectionId = Annotated[str, Path(max_length=_ID_MAX)]
ObjectId = Annotated[str, Path(max_length=_ID_MAX)]


def _query(hub: Hub, c: Collection, f: Filters, ids: tuple[str, ...] = ()) -> ObjectQuery:
    return ObjectQuery(
        ids=ids or f.ids,
        types=f.types,
        spec_versions=f.spec_versions,
        versions=f.versions,
        added_after=f.added_after,
        group_id=c.read_group_id,
        channel=c.channel,
        limit=min(f.limit, hub.settings.page_size) if f.limit else hub.settings.page_size,
        after=f.after,
    )


def _page_headers(page: query.Page) -> dict[str, str]:
    if not page.items:
        return {}
    return {
        "X-TAXII-Date-Added-First": page.items[0].date_added,
        "X-TAXII-Date-Added-Last": page.items[-1].date_added,
    }


def _envelope(page: query.Page) -> dict[str, Any]:
    env: dict[str, Any] = {"more": page.more}
    if page.next_cursor:
        env["next"] = encode_cursor(page.next_cursor)
    if page.items:
        env["objects"] = [item.raw for item in page.items]
    return env


def _readable(hub: Hub, who: Principal, collection_id: str) -> Collection:
    c = _collection(hub, who, collection_id)
    if not c.can_read:
        raise Forbidden("you may not read this collection")
    return c


@router.get(f"/{API_ROOT}/collections/{{collection_id}}/objects/", summary="Get objects")
def get_objects(collection_id: CollectionId, who: Caller, hub: HubDep, f: FiltersDep) -> TaxiiJSON:
    c = _readable(hub, who, collection_id)
    page = query.list_objects(hub, who, _query(hub, c, f), describe=False)
    return TaxiiJSON(_envelope(page), headers=_page_headers(page))


@router.get(f"/{API_ROOT}/collections/{{collection_id}}/manifest/", summary="Get the manifest")
def get_manifest(collection_id: CollectionId, who: Caller, hub: HubDep, f: FiltersDep) -> TaxiiJSON:
    c = _readable(hub, who, collection_id)
    page = query.list_objects(hub, who, _query(hub, c, f), describe=False)
    env: dict[str, Any] = {"more": page.more}
    if page.next_cursor:
        env["next"] = encode_cursor(page.next_cursor)
    if page.items:
        env["objects"] = [
            {
                "id": i.version.stix_id,
                "date_added": i.date_added,
                "version": i.stix_version,
                "media_type": STIX_MEDIA,
            }
            for i in page.items
        ]
    return TaxiiJSON(env, headers=_page_headers(page))


@router.get(f"/{API_ROOT}/collections/{{collection_id}}/objects/{{object_id}}/", summary="Get an object")
def get_object(collection_id: CollectionId, object_id: ObjectId, who: Caller, hub: HubDep, f: FiltersDep) -> TaxiiJSON:
    c = _readable(hub, who, collection_id)
    page = query.list_objects(hub, who, _query(hub, c, f, ids=(object_id,)), describe=False)
    if not page.items and f.after is None:
        raise NotFound(f"no object {object_id} in this collection that you may see")
    return TaxiiJSON(_envelope(page), headers=_page_headers(page))


@router.get(
    f"/{API_ROOT}/collections/{{collection_id}}/objects/{{object_id}}/versions/", summary="Get an object's versions"
)
def get_versions(
    collection_id: CollectionId, object_id: ObjectId, who: Caller, hub: HubDep, f: FiltersDep
) -> TaxiiJSON:
    c = _readable(hub, who, collection_id)
    q = _query(hub, c, f, ids=(object_id,))
    page = query.list_objects(
        hub,
        who,
        replace(q, versions=("all",)),
        describe=False,
    )
    if not page.items and q.after is None:
        raise NotFound(f"no object {object_id} in this collection that you may see")
    env: dict[str, Any] = {
        "more": page.more,
        "versions": [i.stix_version for i in sorted(page.items, key=lambda i: i.version.version or i.date_added)],
    }
    if page.next_cursor:
        env["next"] = encode_cursor(page.next_cursor)
    return TaxiiJSON(env, headers=_page_headers(page))


@router.delete(f"/{API_ROOT}/collections/{{collection_id}}/objects/{{object_id}}/", summary="Delete an object")
def delete_object(collection_id: str, object_id: str, who: Caller, hub: HubDep) -> TaxiiJSON:
    c = _collection(hub, who, collection_id)
    if not c.can_write:
        raise Forbidden("you may not write to this collection")
    query.get_object(hub, who, object_id)  # 404 unless the caller may see it
    if delete(hub, who, object_id) == 0:
        raise Forbidden("only the organisation that published an object may delete it")
    return TaxiiJSON({})


def _status(request_id: str, now: str, objs: list[Any], ok: set[int], errors: dict[int, str]) -> dict[str, Any]:
    successes, failures = [], []
    for i, obj in enumerate(objs):
        entry: dict[str, Any] = {"id": obj.get("id") if isinstance(obj, dict) else None}
        if isinstance(obj, dict):
            entry["version"] = version_of(obj) or now
        if i in ok:
            successes.append(entry)
        else:
            failures.append(
                {
                    **entry,
                    "message": errors.get(
                        i, "not stored: the envelope was rejected because of the other failures listed"
                    ),
                }
            )
    return {
        "id": request_id,
        "status": "complete",
        "request_timestamp": now,
        "total_count": len(objs),
        "success_count": len(successes),
        "successes": successes,
        "failure_count": len(failures),
        "failures": failures,
        "pending_count": 0,
        "pendings": [],
    }


@router.post(f"/{API_ROOT}/collections/{{collection_id}}/objects/", status_code=202, summary="Add objects")
async def add_objects(collection_id: str, request: Request, who: Caller, hub: HubDep) -> TaxiiJSON:
    if not is_taxii_content(request.headers.get("content-type")):
        raise UnsupportedMediaType(f"send {TAXII_MEDIA}")
    raw = await read_limited(request, hub.settings.max_content_length)
    envelope = parse_json(raw)
    if not isinstance(envelope, dict) or not isinstance(envelope.get("objects"), list) or not envelope["objects"]:
        raise Invalid("the body must be a TAXII envelope with a non-empty 'objects' list")
    objs: list[Any] = envelope["objects"]
    now = us_to_timestamp(hub.clock())

    def status_of(ok: set[int], errors: dict[int, str]) -> dict[str, Any]:
        return _status(str(uuid.uuid4()), now, objs, ok, errors)

    body = await run_in_threadpool(add_to_collection, hub, who, collection_id, objs, status_of)
    return TaxiiJSON(body, status_code=202)


@router.get(f"/{API_ROOT}/status/{{status_id}}/", summary="Status of an add request")
def get_status(status_id: str, who: Caller, hub: HubDep) -> TaxiiJSON:
    return TaxiiJSON(statuses.load(hub, who, status_id))
