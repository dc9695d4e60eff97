"""Advisories for people: the viewer's advisories, publishing one (regulators and law enforcement),
an advisory's page with the viewer's own acknowledgement and exposure, and for the publisher every
recipient's answer and who is overdue. Every step is a use case of `lionrock.hub.advisories`, so a
member never sees another member's answer and an advisory it may not see is an unknown one."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from lionrock.access.advisories import EXPOSURES, PUBLISHER_KINDS, SEVERITIES
from lionrock.access.model import Principal
from lionrock.errors import NotFound
from lionrock.hub import Hub
from lionrock.hub import advisories as use_cases
from lionrock.hub.attack import attack_catalogue
from lionrock.hub.directory import organisations, sharing_groups
from lionrock.hub.query import get_object
from lionrock.stix.ids import us_to_timestamp
from lionrock.web.context import N_, WebRefused, form, hub_of, page, page_router, principal, use_case
from lionrock.web.intake import TLPS, audience_from, tlp_from

router = page_router()
T = TypeVar("T")

NO_ADVISORY = N_("There is no such advisory that your organisation may see.")
NOT_A_PUBLISHER = N_("Only analysts and org-admins of regulators and law enforcement publish advisories.")
SEVERITY_NAMES = {"low": N_("low"), "medium": N_("medium"), "high": N_("high"), "critical": N_("critical")}
EXPOSURE_NAMES = {
    "not-affected": N_("not affected"),
    "investigating": N_("investigating"),
    "affected": N_("affected"),
    "remediated": N_("remediated"),
}
_RANK = {s: i for i, s in enumerate(SEVERITIES)}
_HK = timedelta(hours=8)  # Hong Kong has no daylight saving time
_TECHNIQUE = re.compile(r"T\d{4}(?:\.\d{3})?")
_STIX_ID = re.compile(r"[a-z][a-z0-9-]+--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_MAX_LINES = 500
_MAX_RELATED = 100


async def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """A hub use case off the event loop; refusals become error pages (hidden and absent alike)."""
    return await use_case(fn, *args, not_found=NO_ADVISORY, **kwargs)


def may_publish_advisories(who: Principal) -> bool:
    return who.org_kind in PUBLISHER_KINDS and who.role.may_publish


def hk_local_to_utc(text: str) -> str | None:
    """A `datetime-local` input read as Hong Kong time (YYYY-MM-DDTHH:MM[:SS]) as a STIX UTC
    timestamp; None for an empty field. Anything else is a 422 page."""
    if not text.strip():
        return None
    try:
        local = datetime.strptime(
            text.strip()[:19], "%Y-%m-%dT%H:%M:%S" if len(text.strip()) > 16 else "%Y-%m-%dT%H:%M"
        )
    except ValueError as exc:
        raise WebRefused(422, N_("The deadline must be a date and time, e.g. 2026-12-31 17:00.")) from exc
    return (local - _HK).strftime("%Y-%m-%dT%H:%M:%SZ")


def _order(item: dict[str, Any]) -> tuple[bool, bool, str, int]:
    deadline = item.get("deadline")
    return (item.get("closed") is not None, deadline is None, str(deadline or ""), -_RANK.get(item["severity"], 0))


def _listing(hub: Hub, who: Principal) -> list[dict[str, Any]]:
    items = sorted(use_cases.list_advisories(hub, who), key=_order)
    for item in items:
        if item["published_by_you"]:
            table = use_cases.responses(hub, who, item["id"])
            item["counts"] = {
                "recipients": sum(1 for r in table["responses"] if r["recipient"]),
                "acknowledged": len(table["acknowledged"]),
                "overdue": len(table["overdue"]),
            }
    return items


@router.get("/advisories")
async def advisory_list(request: Request) -> Response:
    who = principal(request)
    hub = hub_of(request)
    items = await call(_listing, hub, who)
    return page(
        request,
        "advisory_list.html",
        N_("Advisories"),
        active="advisories",
        items=items,
        severities=SEVERITY_NAMES,
        exposures=EXPOSURE_NAMES,
        may_publish=may_publish_advisories(who),
        now=us_to_timestamp(hub.clock()),
    )


def _choices(hub: Hub, who: Principal) -> dict[str, Any]:
    groups = [g.name for g in sharing_groups(hub, who)]
    orgs = [o.name for o in organisations(hub) if o.name != who.org_name and o.kind != "operator"]
    return {"groups": groups, "orgs": orgs}


def _publisher(request: Request) -> Principal:
    who = principal(request)
    if not may_publish_advisories(who):
        raise WebRefused(403, NOT_A_PUBLISHER)
    return who


@router.get("/advisories/new")
async def new_form(request: Request) -> Response:
    who = _publisher(request)
    choices = await run_in_threadpool(_choices, hub_of(request), who)
    return page(
        request,
        "advisory_new.html",
        N_("New advisory"),
        active="advisories",
        severities=SEVERITY_NAMES,
        tlps=[t.value for t in TLPS],
        tlp_default="green",
        **choices,
    )


def _lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > _MAX_LINES:
        raise WebRefused(422, N_("Too many lines in one field."))
    return lines


def _actions(text: str) -> tuple[use_cases.Action, ...]:
    """One action a line: `name` or `name: description`."""
    out = []
    for line in _lines(text):
        name, _, description = line.partition(":")
        out.append(use_cases.Action(name.strip()[:300] or line[:300], description.strip()))
    return tuple(out)


def _indicators(text: str, now: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Related indicators, one a line: ids of objects the hub holds are referenced; observables
    become new indicators in the advisory."""
    lines = _lines(text)
    refs = [line for line in lines if _STIX_ID.fullmatch(line)]
    rest = "\n".join(line for line in lines if not _STIX_ID.fullmatch(line))
    return use_cases.indicators_from_text(rest, now), refs


def _techniques(hub: Hub, who: Principal, text: str) -> list[str]:
    wanted = [t.upper() for t in re.split(r"[\s,;]+", text) if t.strip()]
    if not wanted:
        return []
    bad = [t for t in wanted if not _TECHNIQUE.fullmatch(t)]
    if bad:
        raise WebRefused(422, N_("ATT&CK technique ids look like T1566 or T1566.001."))
    catalogue = attack_catalogue(hub, who)
    missing = [t for t in wanted if t not in catalogue]
    if missing:
        raise WebRefused(422, N_("An ATT&CK technique id is not in the hub's catalogue (import ATT&CK first)."))
    return [catalogue[t].stix_id for t in wanted]


@router.post("/advisories/new")
async def publish(request: Request) -> Response:
    who = _publisher(request)
    hub = hub_of(request)
    fields = form(request)
    severity = fields.get("severity", "")
    if severity not in SEVERITIES:
        raise WebRefused(422, N_("Choose a severity."))
    title = fields.get("title", "").strip()
    if not title or len(title) > 300:
        raise WebRefused(422, N_("An advisory needs a title of at most 300 characters."))
    summary = fields.get("summary", "")[:10_000]
    now = us_to_timestamp(hub.clock())
    objects, refs = _indicators(fields.get("indicators", ""), now)
    techniques = await call(_techniques, hub, who, fields.get("techniques", ""))
    req = use_cases.AdvisoryRequest(
        title=title,
        summary=summary,
        severity=severity,
        audience=audience_from(request),
        tlp=tlp_from(request),
        deadline=hk_local_to_utc(fields.get("deadline", "")),
        affected=tuple(line[:300] for line in _lines(fields.get("affected", ""))),
        actions=_actions(fields.get("actions", "")),
        objects=objects,
        refs=tuple([*refs, *techniques]),
    )
    advisory_id = await call(use_cases.publish_advisory, hub, who, req)
    return RedirectResponse(f"/web/advisories/{advisory_id}", status_code=303)


def _related(hub: Hub, who: Principal, refs: list[str]) -> list[dict[str, Any]]:
    """The objects an advisory names, as the viewer may see them (hidden ones are left out)."""
    out = []
    for ref in refs[:_MAX_RELATED]:
        try:
            obj = get_object(hub, who, ref)[-1].obj
        except NotFound:
            continue
        external = [
            r.get("external_id")
            for r in obj.get("external_references", [])
            if isinstance(r, dict) and r.get("source_name") == "mitre-attack"
        ]
        out.append(
            {
                "id": ref,
                "type": obj.get("type"),
                "name": obj.get("name") or obj.get("pattern") or ref,
                "description": obj.get("description"),
                "pattern": obj.get("pattern"),
                "attack_id": external[0] if external else None,
            }
        )
    return out


def _detail(hub: Hub, who: Principal, advisory_id: str) -> dict[str, Any]:
    advisory = use_cases.get_advisory(hub, who, advisory_id)
    related = _related(hub, who, [str(r) for r in advisory.get("object_refs", [])])
    table = use_cases.responses(hub, who, advisory_id) if advisory["published_by_you"] else None
    return {"advisory": advisory, "related": related, "table": table}


@router.get("/advisories/{advisory_id}")
async def advisory_page(request: Request, advisory_id: str) -> Response:
    who = principal(request)
    hub = hub_of(request)
    found = await call(_detail, hub, who, advisory_id)
    advisory = found["advisory"]
    return page(
        request,
        "advisory_view.html",
        N_("Advisory"),
        active="advisories",
        severities=SEVERITY_NAMES,
        exposures=EXPOSURE_NAMES,
        exposure_order=EXPOSURES,
        may_respond=who.role.may_publish and not advisory["published_by_you"] and advisory["closed"] is None,
        may_close=advisory["published_by_you"] and may_publish_advisories(who) and advisory["closed"] is None,
        **found,
    )


@router.post("/advisories/{advisory_id}/response")
async def respond(request: Request, advisory_id: str) -> Response:
    who = principal(request)
    fields = form(request)
    exposure = fields.get("exposure") or None
    if exposure is not None and exposure not in EXPOSURES:
        raise WebRefused(422, N_("Choose an exposure."))
    note = fields.get("note")
    if note is not None and len(note) > 10_000:
        raise WebRefused(422, N_("The note is too long."))
    await call(use_cases.respond, hub_of(request), who, advisory_id, use_cases.ResponseRequest(exposure, note))
    return RedirectResponse(f"/web/advisories/{advisory_id}", status_code=303)


@router.post("/advisories/{advisory_id}/close")
async def close(request: Request, advisory_id: str) -> Response:
    who = principal(request)
    await call(use_cases.close, hub_of(request), who, advisory_id)
    return RedirectResponse(f"/web/advisories/{advisory_id}", status_code=303)
