"""Report intake for people: upload a report, watch its progress, review the draft finding by
finding (evidence marked in its sentence, personal data masked and redacted), choose TLP, audience
and anonymity, publish. Every step is a use case of `lionrock.hub.intake`; jobs belong to the
uploading organisation, so another organisation's job id is the same 404 as an unknown one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from lionrock.access.model import AudienceNames, Principal
from lionrock.hub import intake
from lionrock.hub.directory import organisations, sharing_groups
from lionrock.stix.tlp import Tlp
from lionrock.web.context import N_, WebRefused, form, form_list, hub_of, page, page_router, principal, use_case

router = page_router()
T = TypeVar("T")

TLPS = (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED)
NO_JOB = N_("There is no such report upload for your organisation.")
NOT_A_PUBLISHER = N_("Only analysts and org-admins upload and publish reports; your role may only read.")
UNFINISHED = ("queued", "running")
STATUS_NAMES = {
    "queued": N_("queued"),
    "running": N_("reading"),
    "done": N_("ready for review"),
    "failed": N_("failed"),
    "publishing": N_("publishing"),
    "published": N_("published"),
}


async def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """A hub use case off the event loop; refusals become error pages (hidden and absent alike)."""
    return await use_case(fn, *args, not_found=NO_JOB, **kwargs)


def _publisher(request: Request) -> Principal:
    who = principal(request)
    if not who.role.may_publish:
        raise WebRefused(403, NOT_A_PUBLISHER)
    return who


@router.get("/intake")
async def intake_home(request: Request) -> Response:
    who = _publisher(request)
    jobs = await call(intake.jobs_of, hub_of(request), who)
    limit = hub_of(request).settings.max_content_length
    return page(
        request, "intake_list.html", N_("Reports"), active="intake", jobs=jobs, statuses=STATUS_NAMES, limit=limit
    )


@router.post("/intake")
async def upload(request: Request) -> Response:
    who = _publisher(request)
    sent = (await request.form()).get("report")  # parsed (bounded) by the guard; cached
    if not isinstance(sent, UploadFile) or not sent.filename:
        raise WebRefused(400, N_("Choose a report file to upload."))
    data = await sent.read()
    job_id = await call(intake.submit, hub_of(request), who, data, sent.filename)
    return RedirectResponse(f"/web/intake/{job_id}", status_code=303)


def _choices(request: Request, who: Principal) -> dict[str, Any]:
    hub = hub_of(request)
    groups = [g.name for g in sharing_groups(hub, who) if who.org_name in g.members]
    orgs = [o.name for o in organisations(hub) if o.name != who.org_name]
    return {"groups": groups, "orgs": orgs}


@router.get("/intake/{job_id}")
async def job_page(request: Request, job_id: str) -> Response:
    who = _publisher(request)
    job = await call(intake.review, hub_of(request), who, job_id)
    choices = await run_in_threadpool(_choices, request, who) if job["status"] == "done" else {}
    return page(
        request,
        "intake_job.html",
        N_("Report review"),
        active="intake",
        job=job,
        statuses=STATUS_NAMES,
        refresh=job["status"] in UNFINISHED,
        tlps=[t.value for t in TLPS],
        **choices,
    )


@router.post("/intake/{job_id}/review")
async def decide(request: Request, job_id: str) -> Response:
    """One form for every finding: accept or reject each (by position in the stored review), correct
    an indicator's value, keep or redact each piece of personal data."""
    who = _publisher(request)
    hub = hub_of(request)
    job = await call(intake.view, hub, who, job_id)
    if job["status"] != "done" or "result" not in job:
        raise WebRefused(409, N_("This report is not ready for review."))
    fields = form(request)
    result = job["result"]
    accept: list[str] = []
    reject: list[str] = []
    edit: dict[str, str] = {}
    for i, item in enumerate(result["indicators"]):
        _decision(fields.get(f"f{i}"), item["key"], accept, reject)
        typed = fields.get(f"e{i}", "").strip()
        if typed and typed != item.get("edited", item["value"]):
            edit[item["key"]] = typed
    for i, item in enumerate(result["techniques"]):
        _decision(fields.get(f"t{i}"), item["key"], accept, reject)
    keep: list[str] = []
    redact: list[str] = []
    for i, item in enumerate(result["personal_data"]):
        choice = fields.get(f"p{i}")  # only changes: keeping is audited as a reveal each time it is asked
        if choice == "keep" and not item["kept"]:
            keep.append(item["value"])
        elif choice == "redact" and item["kept"]:
            redact.append(item["value"])
    await call(
        intake.decide,
        hub,
        who,
        job_id,
        accept=accept,
        reject=reject,
        keep_personal=keep,
        redact_personal=redact,
        edit=edit,
    )
    return RedirectResponse(f"/web/intake/{job_id}#review", status_code=303)


def _decision(choice: str | None, key: str, accept: list[str], reject: list[str]) -> None:
    if choice == "accept":
        accept.append(key)
    elif choice == "reject":
        reject.append(key)


def audience_from(request: Request) -> AudienceNames:
    """The audience fields of a form: `community`, repeated `group` and `org` checkboxes."""
    fields = form(request)
    chosen = AudienceNames(
        fields.get("community") == "yes", tuple(form_list(request, "group")), tuple(form_list(request, "org"))
    )
    if not (chosen.community or chosen.groups or chosen.orgs):
        raise WebRefused(422, N_("Choose an audience: the community, a sharing group or named organisations."))
    return chosen


def tlp_from(request: Request) -> Tlp:
    try:
        return Tlp.parse(form(request).get("tlp", ""))
    except ValueError as exc:
        raise WebRefused(422, N_("Choose a TLP level.")) from exc


@router.post("/intake/{job_id}/publish")
async def publish(request: Request, job_id: str) -> Response:
    who = _publisher(request)
    tlp = tlp_from(request)
    audience = audience_from(request)
    anonymous = form(request).get("anonymous") == "yes"
    await call(intake.publish_job, hub_of(request), who, job_id, tlp=tlp, audience=audience, anonymous=anonymous)
    return RedirectResponse(f"/web/intake/{job_id}", status_code=303)
