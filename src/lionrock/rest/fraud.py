"""REST: fraud reports and the pre-payment check (issue 10)."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, StringConstraints, ValidationError
from starlette.concurrency import run_in_threadpool

from lionrock.access.model import Principal
from lionrock.errors import BadRequest, Invalid, Problem, TooLarge
from lionrock.fraud import csv_reports
from lionrock.http.body import parse_json, read_limited
from lionrock.http.responses import JSON, caller, hub_of
from lionrock.http.validation import body_doc, describe
from lionrock.hub import fraud as use_cases
from lionrock.hub import fraud_import

M = TypeVar("M", bound=BaseModel)

router = APIRouter(prefix="/api/v1/fraud", default_response_class=JSON, tags=["fraud"])
# Async dependencies: a sync one costs a thread-pool hop per request (see benchmarks/fraud_check.py).
Caller = Annotated[Principal, Depends(caller)]

Kind = Annotated[StrictStr, StringConstraints(min_length=1, max_length=40)]
Value = Annotated[StrictStr, StringConstraints(min_length=1, max_length=200)]
Word = Annotated[StrictStr, StringConstraints(min_length=1, max_length=60)]


class ReportBody(BaseModel):
    """One fraud report: the identifier, what it did in which scam, when, and how sure the reporter is."""

    model_config = ConfigDict(extra="forbid")
    type: Kind = Field(description="bank-account, phone, fps, fps-id, email, e-wallet, crypto-wallet or social")
    value: Value = Field(description="as written; the hub normalises it")
    scam_type: Word = Field(description="investment, impersonation-of-officials, romance, phishing, … (docs/fraud.md)")
    role: Word = Field(description="receiving-account, caller, sender, website or contact")
    reported: Annotated[StrictStr, StringConstraints(max_length=40)] | None = Field(
        default=None, description="YYYY-MM-DD or a STIX timestamp; default today"
    )
    amount_band: Word | None = Field(default=None, description="under-10k, 10k-100k, 100k-1m, 1m-10m, over-10m (HKD)")
    confidence: Annotated[StrictInt, Field(ge=0, le=100)] = 100
    notes: Annotated[StrictStr, StringConstraints(max_length=2000)] | None = Field(
        default=None, description="free text; refused when it holds victims' data (HKIDs, e-mails, long numbers)"
    )


class CheckBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Kind
    value: Value


class CheckBatchBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    checks: list[CheckBody] = Field(description=f"at most {use_cases.MAX_BATCH}")


def _items(payload: Any, key: str) -> list[Any]:
    if isinstance(payload, dict) and key == "reports":
        return [payload]
    if isinstance(payload, list) and key == "reports":
        items = payload
    elif isinstance(payload, dict) and isinstance(payload.get(key), list) and set(payload) == {key}:
        items = payload[key]
    else:
        shape = "a report object or a JSON array of them" if key == "reports" else '{"checks": [{"type", "value"}, …]}'
        raise BadRequest(f"send {shape}")
    if len(items) > use_cases.MAX_BATCH:
        raise TooLarge(f"at most {use_cases.MAX_BATCH} at once, not {len(items)}")
    if not items:
        raise Invalid("send at least one")
    return items


def _each(model: type[M], items: list[Any]) -> list[M]:
    """Every item as `model`, or one 422 naming each bad item by its index."""
    out: list[M] = []
    problems: list[Problem] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(Problem(i, None, "must be a JSON object"))
            continue
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            problems.append(Problem(i, None, describe(exc.errors(include_input=False, include_url=False))))
    if problems:
        raise Invalid(f"{len(problems)} of {len(items)} item(s) are malformed; nothing was done", problems)
    return out


def _reports_doc() -> dict[str, Any]:
    doc = body_doc(ReportBody)
    doc["requestBody"]["content"]["text/csv"] = {"schema": {"type": "string", "maxLength": csv_reports.MAX_BYTES}}
    return doc


@router.post(
    "/reports",
    status_code=201,
    summary="Report identifiers used in scams: JSON (one, or up to 1,000) or CSV (up to 50,000 rows); all or none",
    openapi_extra=_reports_doc(),
)
async def post_reports(
    request: Request,
    who: Caller,
    dry_run: Annotated[bool, Query(description="CSV only: check every row, store nothing")] = False,
) -> JSON:
    hub = hub_of(request)
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media in ("text/csv", "application/csv"):
        data = await read_limited(request, csv_reports.MAX_BYTES)
        summary = await run_in_threadpool(fraud_import.import_csv, hub, who, data, dry_run)
        return JSON(summary, status_code=200 if dry_run else 201)
    payload = parse_json(await read_limited(request, hub.settings.max_content_length))
    bodies = _each(ReportBody, _items(payload, "reports"))
    reports = [use_cases.FraudReport(**b.model_dump()) for b in bodies]
    stored = await run_in_threadpool(use_cases.report_fraud, hub, who, reports)
    return JSON({"stored": len(stored), "identifiers": stored}, status_code=201)


@router.get("/check", summary="Check one identifier before paying or answering it")
async def get_check(
    request: Request,
    who: Caller,
    type: Annotated[str, Query(min_length=1, max_length=40)],
    value: Annotated[str, Query(min_length=1, max_length=200)],
) -> JSON:
    hub = hub_of(request)
    if hub.reads_are_local:  # one indexed read: no thread-pool hop (benchmarks/fraud_check.py)
        return JSON(use_cases.check(hub, who, type, value))
    return JSON(await run_in_threadpool(use_cases.check, hub, who, type, value))


@router.post("/check", summary="Check up to 1,000 identifiers at once", openapi_extra=body_doc(CheckBatchBody))
async def post_check(request: Request, who: Caller) -> JSON:
    hub = hub_of(request)
    payload = parse_json(await read_limited(request, hub.settings.max_content_length))
    bodies = _each(CheckBody, _items(payload, "checks"))
    items = [use_cases.CheckItem(b.type, b.value) for b in bodies]
    return JSON({"results": await run_in_threadpool(use_cases.check_many, hub, who, items)})
