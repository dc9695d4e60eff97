"""/web/search (find intelligence) and /web/objects/{id} (one object for people, and its export).

Every read is a hub use case under the viewer's Visibility. Query parameters are parsed here by
hand so that a wrong one is a clear 400 page, never a 422 JSON document or a 500. An object the
viewer may not see and one the hub does not hold get the same 404 page, byte for byte."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

import orjson
from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from lionrock.access.model import Principal
from lionrock.errors import BadRequest, NotFound
from lionrock.http.paging import decode_cursor, encode_cursor
from lionrock.hub import Hub, directory, query, sightings
from lionrock.hub import search as hub_search
from lionrock.pii.pseudonyms import found_in
from lionrock.stix.tlp import Tlp
from lionrock.web.context import N_, WebRefused, gettext, hub_of, page, page_router, principal
from lionrock.web.graph import Edge, Node, relationship_graph
from lionrock.web.objectview import (
    CLASSIFICATION_LABELS,
    Change,
    as_json,
    classification_of,
    diff,
    pretty_json,
    properties,
    title_of,
    tlp_look,
)

router = page_router()

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_MAX_QUERY = 4096
_TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,249}$")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,249}--[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
NOT_FOUND = N_("There is no object with this id that you may see.")
TYPES = (
    "indicator",
    "malware",
    "attack-pattern",
    "threat-actor",
    "intrusion-set",
    "campaign",
    "tool",
    "vulnerability",
    "course-of-action",
    "report",
    "note",
    "opinion",
    "identity",
    "relationship",
    "sighting",
    "observed-data",
    "ipv4-addr",
    "ipv6-addr",
    "domain-name",
    "url",
    "email-addr",
    "file",
)
TLPS = ("clear", "green", "amber", "amber+strict", "red")


@dataclass(frozen=True)
class Row:
    """One search result as the page shows it."""

    stix_id: str
    stix_type: str
    title: str
    tlp: Any
    audience: dict[str, Any]
    producer: str
    modified: str


def _one(request: Request, name: str, limit: int) -> str:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise WebRefused(400, N_("A search field was given more than once."))
    value = values[0] if values else ""
    if len(value) > limit or "\x00" in value:
        raise WebRefused(400, N_("A search field is too long or holds characters it may not."))
    return value


def _day(text: str) -> date | None:
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        day = date.fromisoformat(text)
        if not 1900 <= day.year <= 9000:
            raise ValueError(text)
        return day
    except ValueError as exc:
        raise WebRefused(400, N_("Dates are days written as YYYY-MM-DD, such as 2026-11-23.")) from exc


@dataclass(frozen=True)
class Form:
    """The search form's fields as the viewer sent them (shown back in the form)."""

    q: str = ""
    observable: str = ""
    type: str = ""
    tlp: str = ""
    date: str = "added"
    start: str = ""
    end: str = ""
    producer: str = ""
    limit: int = DEFAULT_LIMIT

    def query_string(self, cursor: str | None = None) -> str:
        fields: dict[str, str | int] = {
            "q": self.q,
            "observable": self.observable,
            "type": self.type,
            "tlp": self.tlp,
            "date": self.date,
            "from": self.start,
            "to": self.end,
            "producer": self.producer,
            "limit": self.limit,
        }
        kept = {k: v for k, v in fields.items() if v not in ("", None) and not (k == "date" and v == "added")}
        if kept.get("limit") == DEFAULT_LIMIT:
            kept.pop("limit")
        if cursor:
            kept["cursor"] = cursor
        return urlencode(kept)


def parse_form(request: Request, org_names: set[str]) -> tuple[Form, hub_search.SearchRequest]:
    """The query string as a search request; anything wrong is a 400 page that says what."""
    if len(request.url.query) > _MAX_QUERY:
        raise WebRefused(400, N_("The search is too long."))
    text = _one(request, "q", hub_search.MAX_TEXT)
    if len(text.split()) > hub_search.MAX_WORDS:
        raise WebRefused(400, N_("The search text has too many words."))
    observable = _one(request, "observable", hub_search.MAX_OBSERVABLE)
    stix_type = _one(request, "type", 250)
    if stix_type and not _TYPE_RE.match(stix_type):
        raise WebRefused(400, N_("A STIX type is written in lower-case letters, digits and hyphens."))
    tlp = _one(request, "tlp", 20).lower()
    if tlp and tlp not in TLPS:
        raise WebRefused(400, N_("TLP must be one of clear, green, amber, amber+strict and red."))
    date_field = _one(request, "date", 20) or "added"
    if date_field not in ("added", "modified"):
        raise WebRefused(400, N_("The date may be the date added or the date modified."))
    start, end = _one(request, "from", 20), _one(request, "to", 20)
    day_from, day_to = _day(start), _day(end)
    if day_from and day_to and day_from > day_to:
        raise WebRefused(400, N_("The start date is after the end date."))
    producer = _one(request, "producer", 200)
    if producer and producer != hub_search.ANONYMOUS and producer not in org_names:
        raise WebRefused(400, N_("There is no member organisation of that name."))
    limit_text = _one(request, "limit", 10)
    if limit_text and (not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_LIMIT):
        raise WebRefused(400, N_("The number of results per page must be a whole number from 1 to 200."))
    limit = int(limit_text) if limit_text else DEFAULT_LIMIT
    cursor_text = _one(request, "cursor", 100)
    try:
        before = decode_cursor(cursor_text) if cursor_text else None
    except BadRequest as exc:
        raise WebRefused(400, N_("The page link is not one this hub made; start the search again.")) from exc
    form = Form(text, observable, stix_type, tlp, date_field, start, end, producer, limit)
    req = hub_search.SearchRequest(
        text=text,
        observable=observable,
        types=(stix_type,) if stix_type else (),
        tlps=(Tlp(tlp),) if tlp else (),
        date_field=date_field,
        date_from=day_from,
        date_to=day_to,
        producer=producer,
        limit=limit,
        before=before,
    )
    return form, req


def _row(item: query.Shown) -> Row:
    obj = item.obj
    return Row(
        item.version.stix_id,
        item.version.stix_type,
        title_of(obj),
        tlp_look(item.version.tlp),
        item.meta["audience"],
        item.meta["producer"],
        item.stix_version,
    )


@router.get("/search")
async def search_page(request: Request) -> Response:
    who = principal(request)
    hub = hub_of(request)

    def work() -> tuple[Form, hub_search.SearchResult | None, list[str]]:
        orgs = sorted(o.name for o in directory.organisations(hub))
        form, req = parse_form(request, set(orgs))
        try:
            return form, hub_search.search(hub, who, req), orgs
        except BadRequest as exc:
            raise WebRefused(400, str(exc)) from exc

    form, result, orgs = await run_in_threadpool(work)
    assert result is not None
    rows = [_row(i) for i in result.page.items]
    cursor = encode_cursor(result.page.next_cursor) if result.page.next_cursor else None
    return page(
        request,
        "search.html",
        N_("Search"),
        active="search",
        form=form,
        rows=rows,
        observable=result.observable,
        next_query=form.query_string(cursor) if cursor else None,
        first_query=form.query_string() if request.query_params.get("cursor") else None,
        types=TYPES,
        tlps=[(t, tlp_look(t)) for t in TLPS],
        orgs=orgs,
        anonymous=hub_search.ANONYMOUS,
        max_limit=MAX_LIMIT,
    )


def _checked_id(stix_id: str) -> str:
    if not _ID_RE.match(stix_id):
        raise WebRefused(404, NOT_FOUND)
    return stix_id


@dataclass(frozen=True)
class RelationshipLine:
    """One relationship as the list shows it: which way it goes, and the other end (named only when
    the viewer may see it)."""

    stix_id: str
    relationship_type: str
    outgoing: bool
    other_id: str
    other: Row | None
    tlp: Any


@dataclass(frozen=True)
class VersionView:
    version: str
    date_added: str
    tlp: Any
    producer: str
    changes: list[Change]


def _object_data(hub: Hub, who: Principal, stix_id: str) -> dict[str, Any]:
    try:
        versions = query.get_object(hub, who, stix_id, all_versions=True)
        links = query.relationships(hub, who, stix_id)
        seen = sightings.seen(hub, who, stix_id)
    except NotFound as exc:
        raise WebRefused(404, NOT_FOUND) from exc
    current = versions[-1]
    obj = current.obj
    rels = [(r, r.obj) for r in links]
    other_ids = []
    for _, body in rels:
        if body.get("type") == "relationship":
            other_ids += [str(body.get("source_ref", "")), str(body.get("target_ref", ""))]
    props = properties(obj)
    referenced = [r for p in props if p.kind == "refs" for r in p.value]
    related = hub_search.related_objects(hub, who, [i for i in other_ids + referenced if i and i != stix_id])
    lines: list[RelationshipLine] = []
    seen_one_by_one: list[Row] = []
    for shown, body in rels:
        if body.get("type") != "relationship":
            seen_one_by_one.append(_row(shown))
            continue
        outgoing = body.get("source_ref") == stix_id
        other_id = str(body.get("target_ref" if outgoing else "source_ref", ""))
        other = related.get(other_id)
        lines.append(
            RelationshipLine(
                shown.version.stix_id,
                str(body.get("relationship_type", "")),
                outgoing,
                other_id,
                _row(other) if other else None,
                tlp_look(shown.version.tlp),
            )
        )
    bodies = [v.obj for v in versions]
    history = [
        VersionView(
            v.stix_version,
            v.date_added,
            tlp_look(v.version.tlp),
            v.meta["producer"],
            diff(bodies[i - 1], bodies[i]) if i else [],
        )
        for i, v in enumerate(versions)
    ]
    center = Node(stix_id, current.version.stix_type, title_of(obj))
    nodes = {
        sid: Node(sid, related[sid].version.stix_type, title_of(related[sid].obj))
        for sid in other_ids
        if sid in related
    }
    edges = [
        Edge(str(b.get("source_ref")), str(b.get("target_ref")), str(b.get("relationship_type", "")))
        for _, b in rels
        if b.get("type") == "relationship"
    ]
    pseudonyms = found_in(as_json(obj))[:100]
    return {
        "current": current,
        "obj": obj,
        "title_text": title_of(obj),
        "look": tlp_look(current.version.tlp),
        "props": props,
        "names": {sid: f"{o.version.stix_type}: {title_of(o.obj)}" for sid, o in related.items()},
        "lines": lines,
        "sightings_listed": seen_one_by_one,
        "seen": seen,
        "history": list(reversed(history)),
        "raw": pretty_json(obj),
        "pseudonyms": pseudonyms,
        "classification": CLASSIFICATION_LABELS[
            classification_of(current.version.stix_type, current.version.tlp, personal_data=bool(pseudonyms))
        ],
        "graph_parts": (center, list(nodes.values()), edges),
    }


@router.get("/objects/{stix_id}")
async def object_page(request: Request, stix_id: str) -> Response:
    who = principal(request)
    hub = hub_of(request)
    data = await run_in_threadpool(_object_data, hub, who, _checked_id(stix_id))
    center, nodes, edges = data.pop("graph_parts")
    graph = None
    if nodes:
        _ = gettext(request)
        graph = relationship_graph(
            center,
            nodes,
            edges,
            _("Relationships of %(name)s") % {"name": center.label},
            _("Related objects you may see: %(n)s. Arrows are labelled with the relationship type.")
            % {"n": len(nodes)},
        )
    return page(request, "object.html", N_("Object"), active="search", graph=graph, stix_id=stix_id, **data)


@router.get("/objects/{stix_id}/export.json")
async def export_object(request: Request, stix_id: str) -> Response:
    """A STIX bundle of what the viewer may see: the object's visible versions and its visible
    relationships (and sightings)."""
    who = principal(request)
    hub = hub_of(request)
    checked = _checked_id(stix_id)

    def work() -> bytes:
        try:
            versions = query.get_object(hub, who, checked, all_versions=True)
            links = query.relationships(hub, who, checked)
        except NotFound as exc:
            raise WebRefused(404, NOT_FOUND) from exc
        bundle = {
            "type": "bundle",
            "id": f"bundle--{uuid.uuid4()}",
            "objects": [v.raw for v in versions] + [r.raw for r in links],
        }
        return orjson.dumps(bundle, option=orjson.OPT_INDENT_2)

    body = await run_in_threadpool(work)
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{checked}.json"'},
    )
