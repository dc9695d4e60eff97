"""REST: the private pre-payment check (RFC 9497 OPRF and tag-prefix buckets; docs/fraud-private-check.md)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StrictStr, StringConstraints, ValidationError
from starlette.concurrency import run_in_threadpool

from lionrock.access.model import Principal
from lionrock.errors import Invalid, Problem, RateLimited
from lionrock.fraud.private import MAX_ELEMENTS, PREFIX_HEX, parse_prefix
from lionrock.http.body import parse_json, read_limited
from lionrock.http.responses import JSON, hub_of, principal
from lionrock.http.validation import body_doc, describe
from lionrock.hub import Hub
from lionrock.hub import fraud_private as use_cases

router = APIRouter(prefix="/api/v1/fraud/private", default_response_class=JSON, tags=["fraud"])
Caller = Annotated[Principal, Depends(principal)]
HubDep = Annotated[Hub, Depends(hub_of)]
_MAX_BODY = 64 * 1024  # 100 elements of 44 base64 characters need under 6 KiB

Element = Annotated[StrictStr, StringConstraints(min_length=1, max_length=64)]


class EvaluateBody(BaseModel):
    """Blinded ristretto255 elements, 32 bytes each in standard base64."""

    model_config = ConfigDict(extra="forbid")
    blinded: list[Element] = Field(min_length=1, max_length=MAX_ELEMENTS, description=f"1 to {MAX_ELEMENTS}")


def _decode(items: list[str]) -> list[bytes]:
    out: list[bytes] = []
    problems: list[Problem] = []
    for i, text in enumerate(items):
        try:
            out.append(base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError):
            problems.append(Problem(i, None, "not standard base64"))
    if problems:
        raise Invalid(f"{len(problems)} of {len(items)} element(s) are not base64", problems)
    return out


@router.post(
    "/evaluate",
    summary="OPRF-evaluate blinded elements (RFC 9497, ristretto255-SHA512); counted per organisation per hour",
    openapi_extra=body_doc(EvaluateBody),
    responses={429: {"description": "The organisation's evaluations for this hour are used up; see Retry-After"}},
)
async def post_evaluate(request: Request, who: Caller, hub: HubDep) -> JSON:
    payload = parse_json(await read_limited(request, min(_MAX_BODY, hub.settings.max_content_length)))
    try:
        body = EvaluateBody.model_validate(payload)
    except ValidationError as exc:
        raise Invalid(describe(exc.errors(include_input=False, include_url=False))) from None
    try:
        evaluated = await run_in_threadpool(use_cases.evaluate, hub, who, _decode(body.blinded))
    except RateLimited as exc:
        error = {"error": {"status": exc.status, "message": exc.message}}
        return JSON(error, status_code=exc.status, headers={"Retry-After": str(exc.retry_after)})
    return JSON({"evaluated": [base64.b64encode(e).decode("ascii") for e in evaluated]})


@router.get("/bucket", summary="Every reported identifier's tag and answer under one tag prefix")
def get_bucket(
    who: Caller,
    hub: HubDep,
    prefix: Annotated[str, Query(min_length=PREFIX_HEX, max_length=PREFIX_HEX, description="hex digits")],
) -> JSON:
    return JSON({"prefix": prefix.lower(), "entries": use_cases.bucket(hub, who, parse_prefix(prefix))})
