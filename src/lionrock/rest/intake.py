"""REST: report intake. Upload a report, watch its progress, review the draft, publish it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from lionrock.access.model import Principal
from lionrock.errors import Busy, Invalid
from lionrock.http.body import parse_json, read_limited
from lionrock.http.responses import JSON, hub_of, principal
from lionrock.hub import Hub, intake
from lionrock.rest.api import audience_names
from lionrock.stix.tlp import Tlp

router = APIRouter(prefix="/api/v1/intake", default_response_class=JSON, tags=["intake"])
Caller = Annotated[Principal, Depends(principal)]
HubDep = Annotated[Hub, Depends(hub_of)]


def _strings(body: dict[str, Any], key: str) -> list[str]:
    value = body.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid(f"{key} must be a list of strings")
    return list(value)


def _edit(body: dict[str, Any]) -> dict[str, str]:
    value = body.get("edit", {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise Invalid('edit must be {"<finding key>": "<corrected value>", ...}')
    return {str(k): v for k, v in value.items()}


@router.post(
    "",
    status_code=202,
    summary="Upload a report (PDF, HTML, DOCX, e-mail, text) for extraction",
    responses={503: {"description": "The intake queue is full; retry after the Retry-After header's seconds"}},
)
async def upload(
    request: Request, who: Caller, hub: HubDep, filename: Annotated[str, Query(max_length=300)] = "report"
) -> JSON:
    data = await read_limited(request, hub.settings.max_content_length)
    try:
        job_id = await run_in_threadpool(intake.submit, hub, who, data, filename)
    except Busy as exc:  # the queue is full: nothing was stored; say when to come back
        body = {"error": {"status": exc.status, "message": exc.message}}
        return JSON(body, status_code=exc.status, headers={"Retry-After": str(exc.retry_after)})
    return JSON({"id": job_id, "status": "queued", "url": f"/api/v1/intake/{job_id}"}, status_code=202)


@router.get("/{job_id}", summary="Progress, findings and the draft bundle")
def get_job(job_id: str, who: Caller, hub: HubDep) -> JSON:
    return JSON(intake.view(hub, who, job_id))


@router.patch("/{job_id}", summary="Accept, reject or correct findings; keep or redact personal data")
async def decide(job_id: str, request: Request, who: Caller, hub: HubDep) -> JSON:
    body = parse_json(await read_limited(request, hub.settings.max_content_length))
    if not isinstance(body, dict):
        raise Invalid('send {"accept": [keys], "reject": [keys], "keep_personal": [values], "redact_personal": []}')
    result = await run_in_threadpool(
        lambda: intake.decide(
            hub,
            who,
            job_id,
            accept=_strings(body, "accept"),
            reject=_strings(body, "reject"),
            keep_personal=_strings(body, "keep_personal"),
            redact_personal=_strings(body, "redact_personal"),
            edit=_edit(body),
        )
    )
    return JSON(result)


@router.post("/{job_id}/publish", status_code=201, summary="Publish the reviewed draft")
async def publish_job(job_id: str, request: Request, who: Caller, hub: HubDep) -> JSON:
    body = parse_json(await read_limited(request, hub.settings.max_content_length))
    if not isinstance(body, dict) or "tlp" not in body:
        raise Invalid('send {"tlp": "...", "audience": {...}, "anonymous": false}')
    if not isinstance(body.get("anonymous", False), bool):
        raise Invalid("anonymous must be true or false")
    try:
        tlp = Tlp.parse(str(body["tlp"]))
    except ValueError as exc:
        raise Invalid("tlp must be one of clear, green, amber, amber+strict, red") from exc

    audience = audience_names(body.get("audience", {"community": True}))

    def work() -> JSON:
        result = intake.publish_job(
            hub, who, job_id, tlp=tlp, audience=audience, anonymous=bool(body.get("anonymous", False))
        )
        return JSON(
            {"stored": result.stored, "unchanged": result.unchanged, "withheld": result.withheld}, status_code=201
        )

    return await run_in_threadpool(work)
