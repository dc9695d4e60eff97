"""REST: advisories from the regulator and law enforcement, and the recipients' responses."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StrictStr, StringConstraints

from lionrock.access.model import AudienceNames, Principal
from lionrock.errors import Invalid
from lionrock.http.responses import JSON, hub_of, principal
from lionrock.http.validation import body_doc, json_body
from lionrock.hub import Hub
from lionrock.hub import advisories as use_cases
from lionrock.rest.models import AudienceBody, StixId
from lionrock.stix.tlp import Tlp

router = APIRouter(prefix="/api/v1/advisories", default_response_class=JSON, tags=["advisories"])
Caller = Annotated[Principal, Depends(principal)]
HubDep = Annotated[Hub, Depends(hub_of)]

Text = Annotated[StrictStr, StringConstraints(max_length=10_000)]
Short = Annotated[StrictStr, StringConstraints(min_length=1, max_length=300)]


class ActionBody(BaseModel):
    """A recommended action; published as a course-of-action."""

    model_config = ConfigDict(extra="forbid")
    name: Short
    description: Text = ""


class AdvisoryBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Short
    summary: Text
    severity: Literal["low", "medium", "high", "critical"]
    deadline: Annotated[StrictStr, StringConstraints(max_length=40)] | None = Field(
        default=None, description="STIX timestamp by which recipients should acknowledge"
    )
    affected: Annotated[list[Short], Field(max_length=500)] = Field(default=[], description="CPE or product names")
    actions: Annotated[list[ActionBody], Field(max_length=100)] = []
    objects: Annotated[list[Any], Field(max_length=10_000)] = Field(
        default=[], description="STIX objects the advisory includes (indicators, attack-patterns, …)"
    )
    refs: Annotated[list[Short], Field(max_length=1000)] = Field(default=[], description="ids of objects it references")
    audience: AudienceBody = Field(default_factory=lambda: AudienceBody(community=True))
    tlp: Literal["clear", "green", "amber", "amber+strict", "red"] = "green"


class ResponseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    exposure: Literal["not-affected", "investigating", "affected", "remediated"] | None = None
    note: Text | None = None


@router.post(
    "",
    status_code=201,
    summary="Publish an advisory (regulators, law enforcement)",
    openapi_extra=body_doc(AdvisoryBody),
)
def publish(who: Caller, hub: HubDep, body: Annotated[AdvisoryBody, Depends(json_body(AdvisoryBody))]) -> JSON:
    aud = body.audience
    if not (aud.community or aud.groups or aud.orgs):
        raise Invalid('audience must be {"community": true}, {"groups": [names]} or {"orgs": [names]}')
    req = use_cases.AdvisoryRequest(
        title=body.title,
        summary=body.summary,
        severity=body.severity,
        audience=AudienceNames(aud.community, tuple(aud.groups), tuple(aud.orgs)),
        tlp=Tlp.parse(body.tlp),
        deadline=body.deadline,
        affected=tuple(body.affected),
        actions=tuple(use_cases.Action(a.name, a.description) for a in body.actions),
        objects=body.objects,
        refs=tuple(body.refs),
    )
    advisory_id = use_cases.publish_advisory(hub, who, req)
    return JSON({"id": advisory_id, "url": f"/api/v1/advisories/{advisory_id}"}, status_code=201)


@router.get("", summary="Open advisories you may see, with your own response")
def list_advisories(who: Caller, hub: HubDep) -> JSON:
    return JSON({"items": use_cases.list_advisories(hub, who)})


@router.get("/{advisory_id}", summary="One advisory, with your own response")
def get_advisory(advisory_id: StixId, who: Caller, hub: HubDep) -> JSON:
    return JSON(use_cases.get_advisory(hub, who, advisory_id))


@router.put(
    "/{advisory_id}/response", summary="Acknowledge; report exposure and a note", openapi_extra=body_doc(ResponseBody)
)
def respond(
    advisory_id: StixId, who: Caller, hub: HubDep, body: Annotated[ResponseBody, Depends(json_body(ResponseBody))]
) -> JSON:
    return JSON(use_cases.respond(hub, who, advisory_id, use_cases.ResponseRequest(body.exposure, body.note)))


@router.get("/{advisory_id}/responses", summary="Every recipient's response, overdue, totals (the publisher)")
def responses(advisory_id: StixId, who: Caller, hub: HubDep) -> JSON:
    return JSON(use_cases.responses(hub, who, advisory_id))


@router.post("/{advisory_id}/close", summary="Close an advisory (the publisher)")
def close(advisory_id: StixId, who: Caller, hub: HubDep) -> JSON:
    return JSON(use_cases.close(hub, who, advisory_id))
