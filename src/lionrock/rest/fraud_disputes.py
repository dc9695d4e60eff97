"""REST: disputes of fraud listings, false-positive sightings, and the organisation's notifications."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field, StrictStr, StringConstraints

from lionrock.access.model import Principal
from lionrock.http.responses import JSON, hub_of, principal
from lionrock.http.validation import body_doc, json_body
from lionrock.hub import Hub
from lionrock.hub import fraud_disputes as use_cases
from lionrock.rest.models import DB_INT_MAX

router = APIRouter(prefix="/api/v1", default_response_class=JSON, tags=["fraud"])
Caller = Annotated[Principal, Depends(principal)]
HubDep = Annotated[Hub, Depends(hub_of)]

Kind = Annotated[StrictStr, StringConstraints(min_length=1, max_length=40)]
Value = Annotated[StrictStr, StringConstraints(min_length=1, max_length=200)]
Text = Annotated[StrictStr, StringConstraints(max_length=2000)]
Id = Annotated[int, Path(ge=1, le=DB_INT_MAX)]
Before = Annotated[int | None, Query(ge=1, le=DB_INT_MAX, description="the id of the last item of the previous page")]
Limit = Annotated[int, Query(ge=1, le=use_cases.MAX_PAGE)]


class DisputeBody(BaseModel):
    """A dispute of an identifier's listing, by its holder (the bank holding the account) or the operator."""

    model_config = ConfigDict(extra="forbid")
    type: Kind = Field(description="bank-account, phone, fps, fps-id, email, e-wallet, crypto-wallet or social")
    value: Value
    reason: Annotated[StrictStr, StringConstraints(min_length=1, max_length=2000)] = Field(
        description="why the listing is wrong; no victims' data (the notes rule)"
    )
    evidence: Text | None = Field(default=None, description="a description or a reference to evidence; not files")


class ResolveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal["upheld", "rejected"]
    note: Text | None = None


class FalsePositiveBody(BaseModel):
    """The caller's organisation saw this identifier in legitimate use."""

    model_config = ConfigDict(extra="forbid")
    type: Kind
    value: Value
    note: Text | None = None


@router.post("/fraud/disputes", status_code=201, summary="Dispute a fraud listing", openapi_extra=body_doc(DisputeBody))
def file_dispute(who: Caller, hub: HubDep, body: Annotated[DisputeBody, Depends(json_body(DisputeBody))]) -> JSON:
    return JSON(use_cases.file_dispute(hub, who, body.type, body.value, body.reason, body.evidence), status_code=201)


@router.get("/fraud/disputes", summary="Disputes your organisation filed (the operator: all), newest first")
def list_disputes(
    who: Caller,
    hub: HubDep,
    state: Annotated[Literal["open", "upheld", "rejected", "withdrawn"] | None, Query()] = None,
    before: Before = None,
    limit: Limit = use_cases.DEFAULT_PAGE,
) -> JSON:
    return JSON({"disputes": use_cases.list_disputes(hub, who, state, before, limit)})


@router.get("/fraud/disputes/{dispute_id}", summary="One dispute (its filer and the operator)")
def get_dispute(dispute_id: Id, who: Caller, hub: HubDep) -> JSON:
    return JSON(use_cases.get_dispute(hub, who, dispute_id))


@router.post(
    "/fraud/disputes/{dispute_id}/resolve",
    summary="Uphold or reject an open dispute (the operator)",
    openapi_extra=body_doc(ResolveBody),
)
def resolve_dispute(
    dispute_id: Id, who: Caller, hub: HubDep, body: Annotated[ResolveBody, Depends(json_body(ResolveBody))]
) -> JSON:
    return JSON(use_cases.resolve_dispute(hub, who, dispute_id, body.outcome, body.note))


@router.post("/fraud/disputes/{dispute_id}/withdraw", summary="Withdraw your own open dispute")
def withdraw_dispute(dispute_id: Id, who: Caller, hub: HubDep) -> JSON:
    return JSON(use_cases.withdraw_dispute(hub, who, dispute_id))


@router.post(
    "/fraud/false-positives",
    status_code=201,
    summary="Record that your organisation saw an identifier in legitimate use",
    openapi_extra=body_doc(FalsePositiveBody),
)
def false_positive(
    who: Caller, hub: HubDep, body: Annotated[FalsePositiveBody, Depends(json_body(FalsePositiveBody))]
) -> JSON:
    return JSON(use_cases.record_false_positive(hub, who, body.type, body.value, body.note), status_code=201)


@router.get("/notifications", summary="Your organisation's notifications, newest first")
def notifications(
    who: Caller,
    hub: HubDep,
    before: Before = None,
    limit: Limit = use_cases.DEFAULT_PAGE,
    unread: Annotated[bool, Query(description="only those not yet read")] = False,
) -> JSON:
    found = use_cases.notifications(hub, who, before, limit, unread)
    return JSON({"notifications": [n.as_dict() for n in found]})


@router.post("/notifications/{notification_id}/read", summary="Mark one of your notifications read")
def mark_read(notification_id: Id, who: Caller, hub: HubDep) -> JSON:
    use_cases.mark_read(hub, who, notification_id)
    return JSON({"id": notification_id, "read": True})
