"""REST: reveal the personal value behind a pseudonym (docs/pseudonyms.md). Audited, rate-limited per
organisation, and never cached: every answer, refusals included, carries `Cache-Control: no-store`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from lionrock.access.model import Principal
from lionrock.errors import Invalid, LionrockError, RateLimited
from lionrock.http.body import parse_json, read_limited
from lionrock.http.responses import JSON, hub_of, principal
from lionrock.hub import Hub
from lionrock.hub import pseudonyms as use_cases

router = APIRouter(prefix="/api/v1/pseudonyms", default_response_class=JSON, tags=["intake"])
Caller = Annotated[Principal, Depends(principal)]
HubDep = Annotated[Hub, Depends(hub_of)]
_MAX_BODY = 8 * 1024  # a reason is at most 1,000 characters
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _reason(payload: Any) -> object:
    if payload is None:
        return None
    if not isinstance(payload, dict) or not set(payload) <= {"reason"}:
        raise Invalid('send {"reason": "..."} (law enforcement: required)')
    return payload.get("reason")


@router.post(
    "/{pseudonym}/reveal",
    summary="The value behind a pseudonym: for the organisations that submitted it, and law enforcement with a reason",
    responses={
        404: {"description": "No such pseudonym, or not yours to reveal (the same answer)"},
        429: {"description": "The organisation's reveals for this hour are used up; see Retry-After"},
    },
)
async def reveal(pseudonym: str, request: Request, who: Caller, hub: HubDep) -> JSON:
    headers = dict(NO_STORE)
    try:
        raw = await read_limited(request, _MAX_BODY)
        reason = _reason(parse_json(raw) if raw.strip() else None)
        revealed = await run_in_threadpool(use_cases.reveal, hub, who, pseudonym[:100], reason)
    except LionrockError as exc:
        body: dict[str, object] = {"status": exc.status, "message": exc.message}
        if isinstance(exc, RateLimited):
            headers["Retry-After"] = str(exc.retry_after)
        return JSON({"error": body}, status_code=exc.status, headers=headers)
    return JSON(revealed, headers=headers)
