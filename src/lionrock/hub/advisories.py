"""Advisories (issue 9): a regulator or law enforcement publishes a STIX report with an advisory block
on the advisories channel; recipients acknowledge it and report their exposure until it is closed.

An advisory is a `report` whose `x_lionrock_advisory` property holds severity, affected products,
deadline and (once closed) when it was closed. It is published through the publish use case, so the
policy decides who sees it and TAXII's Advisories collection serves it. Every read goes through the
caller's Visibility: an advisory the caller may not see is 404 exactly like an absent one."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection

from lionrock.access import advisories as rules
from lionrock.access.advisories import Answer
from lionrock.access.model import Audience, AudienceNames, OrgKind, Principal
from lionrock.access.policy import visibility_for
from lionrock.errors import Forbidden, Invalid, NotFound
from lionrock.hub.auditing import record
from lionrock.hub.collections import ADVISORY_CHANNEL
from lionrock.hub.context import Hub
from lionrock.hub.object_seal import open_rows
from lionrock.hub.publish import PublishRequest, publish_in
from lionrock.intake.document import Document
from lionrock.intake.draft import observable
from lionrock.intake.indicators import extract
from lionrock.stix.ids import timestamp_key, timestamp_to_us, us_to_timestamp
from lionrock.stix.tlp import TLP2_MARKINGS, Tlp
from lionrock.store import advisories as answers_store
from lionrock.store import members
from lionrock.store import objects as store
from lionrock.store.engine import read_transaction, write_transaction

BLOCK = "x_lionrock_advisory"


@dataclass(frozen=True)
class Action:
    """A recommended action, published as a course-of-action in the advisory's bundle."""

    name: str
    description: str = ""


@dataclass(frozen=True)
class AdvisoryRequest:
    title: str
    summary: str
    severity: str
    audience: Audience | AudienceNames
    tlp: Tlp = Tlp.GREEN
    deadline: str | None = None
    affected: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()
    objects: Sequence[Any] = ()
    """STIX objects included in the advisory (indicators, attack-patterns, courses of action)."""
    refs: tuple[str, ...] = ()
    """Ids of objects the hub already holds that the advisory references."""
    advisory_id: str | None = None
    """A fixed report id and creation time make re-publishing idempotent (the demo); default: new ones."""
    created: str | None = None


@dataclass(frozen=True)
class ResponseRequest:
    exposure: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class _Advisory:
    version: store.StoredVersion
    body: dict[str, Any]
    owner: int

    @property
    def block(self) -> dict[str, Any]:
        return self.body[BLOCK]  # type: ignore[no-any-return]

    @property
    def closed(self) -> bool:
        return self.block.get("closed") is not None

    @property
    def deadline_us(self) -> int | None:
        deadline = self.block.get("deadline")
        return timestamp_to_us(deadline) if isinstance(deadline, str) else None


def _now(hub: Hub) -> str:
    return us_to_timestamp(hub.clock())


def _check(req: AdvisoryRequest) -> None:
    if req.severity not in rules.SEVERITIES:
        raise Invalid(f"severity must be one of {', '.join(rules.SEVERITIES)}")
    if req.deadline is not None and timestamp_key(req.deadline) is None:
        raise Invalid("deadline must be a STIX timestamp such as 2026-12-31T23:59:59Z")
    if not req.title.strip():
        raise Invalid("an advisory needs a title")
    if req.created is not None and timestamp_key(req.created) is None:
        raise Invalid("created must be a STIX timestamp")
    if req.advisory_id is not None:
        try:
            uuid.UUID(req.advisory_id.removeprefix("report--"))
        except ValueError as exc:
            raise Invalid("advisory_id must be report--<uuid>") from exc
        if not req.advisory_id.startswith("report--"):
            raise Invalid("advisory_id must be report--<uuid>")


def indicators_from_text(text: str, created: str) -> list[dict[str, Any]]:
    """New indicators for an advisory from observables written in text (IP addresses, domains, URLs,
    hashes, …; defanged or not), read by the report extractors; personal data and CVEs are left out."""
    objects: list[dict[str, Any]] = []
    for finding in extract(Document(text, "text")) if text.strip() else []:
        if finding.personal or finding.type == "cve":
            continue
        pattern, _ = observable(finding)
        objects.append(
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": f"indicator--{uuid.uuid4()}",
                "created": created,
                "modified": created,
                "name": f"{finding.type} {finding.value}",
                "indicator_types": ["malicious-activity"],
                "pattern": pattern,
                "pattern_type": "stix",
                "valid_from": created,
            }
        )
    return objects


def publish_advisory(hub: Hub, who: Principal, req: AdvisoryRequest) -> str:
    """Publish the advisory (report, recommended actions, included objects) in one transaction; its id."""
    rules.require_advisory_publisher(who)
    _check(req)
    now = req.created or _now(hub)
    report_id = req.advisory_id or f"report--{uuid.uuid4()}"
    report_uuid = uuid.UUID(report_id.removeprefix("report--"))
    with write_transaction(hub.engine) as conn:
        org = members.org_by_id(conn, who.org_id)
        if org is None:
            raise Forbidden("your organisation is no longer a member")
        common = {
            "spec_version": "2.1",
            "created": now,
            "modified": now,
            "created_by_ref": org.identity_id,
            "object_marking_refs": [TLP2_MARKINGS[req.tlp]],
        }
        actions = [
            {
                "type": "course-of-action",
                "id": f"course-of-action--{uuid.uuid5(report_uuid, f'action {n}')}",
                **common,
                "name": a.name,
                **({"description": a.description} if a.description else {}),
            }
            for n, a in enumerate(req.actions)
        ]
        included = [*req.objects, *actions]
        refs = [o["id"] for o in included if isinstance(o, dict) and isinstance(o.get("id"), str)]
        refs = list(dict.fromkeys([*refs, *req.refs]))
        if not refs:
            raise Invalid("an advisory includes or references at least one object (an indicator, an action, …)")
        block: dict[str, Any] = {"severity": req.severity, "affected": list(req.affected)}
        if req.deadline is not None:
            block["deadline"] = req.deadline
        report = {
            "type": "report",
            "id": report_id,
            **common,
            "name": req.title,
            "description": req.summary,
            "published": now,
            "report_types": ["threat-report"],
            "object_refs": refs,
            BLOCK: block,
        }
        publish_in(conn, hub, who, PublishRequest([*included, report], req.audience, req.tlp, False, ADVISORY_CHANNEL))
        record(conn, hub, who, "advisory-publish", subject=report_id, detail={"severity": req.severity})
    return report_id


def _is_advisory(row: store.StoredVersion, owner: int | None) -> dict[str, Any] | None:
    if row.stix_type != "report" or row.channel != ADVISORY_CHANNEL or row.producer_org_id != owner:
        return None
    body = orjson.loads(row.body)
    return body if isinstance(body, dict) and isinstance(body.get(BLOCK), dict) else None


def _advisory(conn: Connection, hub: Hub, who: Principal, advisory_id: str) -> _Advisory:
    """The owner's latest version the caller may see, or 404 (absent and hidden look the same)."""
    owner = store.owners_of(conn, [advisory_id]).get(advisory_id)
    rows = [r for r in store.versions_of(conn, visibility_for(who), advisory_id) if r.producer_org_id == owner]
    rows = open_rows(conn, hub, rows)
    body = _is_advisory(rows[-1], owner) if rows else None
    if body is None or owner is None:
        raise NotFound(f"no advisory {advisory_id} that you may see")
    return _Advisory(rows[-1], body, owner)


def _answer_json(answer: Answer | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    return {
        "acknowledged_at": us_to_timestamp(answer.acknowledged_at) if answer.acknowledged_at is not None else None,
        "exposure": answer.exposure,
        "note": answer.note,
        "updated_at": us_to_timestamp(answer.updated_at),
    }


def _summary(adv: _Advisory, publisher: str, own: Answer | None, mine: bool) -> dict[str, Any]:
    return {
        "id": adv.version.stix_id,
        "title": adv.body.get("name"),
        "summary": adv.body.get("description"),
        "severity": adv.block.get("severity"),
        "affected": adv.block.get("affected", []),
        "deadline": adv.block.get("deadline"),
        "closed": adv.block.get("closed"),
        "publisher": publisher,
        "published_by_you": mine,
        "tlp": adv.version.tlp,
        "object_refs": adv.body.get("object_refs", []),
        "response": _answer_json(own),
    }


def list_advisories(hub: Hub, who: Principal) -> list[dict[str, Any]]:
    """Open advisories the caller may see, newest first, each with the caller's own response."""
    q = store.ObjectQuery(types=("report",), channel=ADVISORY_CHANNEL, limit=hub.settings.page_size)
    with read_transaction(hub.engine) as conn:
        rows = open_rows(conn, hub, store.query_versions(conn, visibility_for(who), q))
        owners = store.owners_of(conn, [r.stix_id for r in rows]) if rows else {}
        found = [
            _Advisory(r, body, owners[r.stix_id])
            for r in rows
            if (body := _is_advisory(r, owners.get(r.stix_id))) is not None
        ]
        found = [a for a in found if not a.closed]
        own = answers_store.answers_by(conn, who.org_id, [a.version.stix_id for a in found])
        names = {o.id: o.name for o in members.all_orgs(conn)}
    found.sort(key=lambda a: a.version.date_added, reverse=True)
    return [
        _summary(a, names.get(a.owner, "?"), own.get(a.version.stix_id), rules.is_publisher(who, a.owner))
        for a in found
    ]


def get_advisory(hub: Hub, who: Principal, advisory_id: str) -> dict[str, Any]:
    """One advisory the caller may see, with its own response (the report itself under `report`)."""
    with read_transaction(hub.engine) as conn:
        adv = _advisory(conn, hub, who, advisory_id)
        own = answers_store.answers(conn, advisory_id, who.org_id)
        publisher = members.org_by_id(conn, adv.owner)
    shown = rules.answers_shown(who, adv.owner, own)
    out = _summary(
        adv, publisher.name if publisher else "?", shown[0] if shown else None, rules.is_publisher(who, adv.owner)
    )
    out["report"] = adv.body
    return out


def respond(hub: Hub, who: Principal, advisory_id: str, req: ResponseRequest) -> dict[str, Any]:
    """Acknowledge an advisory and (optionally) report exposure and a note; fields left out keep
    their previous value. The first response sets acknowledged_at."""
    if req.exposure is not None and req.exposure not in rules.EXPOSURES:
        raise Invalid(f"exposure must be one of {', '.join(rules.EXPOSURES)}")
    with write_transaction(hub.engine) as conn:
        adv = _advisory(conn, hub, who, advisory_id)
        rules.require_may_respond(who, adv.owner, adv.closed)
        old = next(iter(answers_store.answers(conn, advisory_id, who.org_id)), None)
        now = hub.clock()
        answer = Answer(
            org_id=who.org_id,
            acknowledged_at=old.acknowledged_at if old and old.acknowledged_at is not None else now,
            exposure=req.exposure if req.exposure is not None else (old.exposure if old else None),
            note=req.note if req.note is not None else (old.note if old else None),
            updated_at=now,
        )
        answers_store.save_answer(conn, advisory_id, answer, exists=old is not None)
        record(conn, hub, who, "advisory-response", subject=advisory_id, detail={"exposure": answer.exposure})
    return _answer_json(answer) or {}


def responses(hub: Hub, who: Principal, advisory_id: str) -> dict[str, Any]:
    """The publisher's table: every recipient's answer, who acknowledged, who is overdue, exposure totals."""
    with read_transaction(hub.engine) as conn:
        adv = _advisory(conn, hub, who, advisory_id)
        rules.require_advisory_owner(who, adv.owner)
        audience = answers_store.audience_of(conn, adv.version.pk, adv.version.community)
        orgs = members.all_orgs(conn)
        groups = {gid: ids for gid, _, ids in members.all_groups(conn)}
        found = rules.answers_shown(who, adv.owner, answers_store.answers(conn, advisory_id))
    names = {o.id: o.name for o in orgs}
    addressed = rules.recipients(audience, adv.owner, {o.id: OrgKind(o.kind) for o in orgs}, groups)
    late = set(rules.overdue(addressed, found, adv.deadline_us, hub.clock()))
    by_org = {a.org_id: a for a in found}
    table = [
        {
            "org": names.get(org, "?"),
            "recipient": org in addressed,
            "overdue": org in late,
            **(_answer_json(by_org.get(org)) or {"acknowledged_at": None, "exposure": None, "note": None}),
        }
        for org in sorted(addressed | set(by_org), key=lambda o: names.get(o, "?"))
    ]
    return {
        "id": advisory_id,
        "deadline": adv.block.get("deadline"),
        "closed": adv.block.get("closed"),
        "responses": table,
        "acknowledged": sorted(names.get(a.org_id, "?") for a in found if a.acknowledged_at is not None),
        "overdue": sorted(names.get(o, "?") for o in late),
        "totals": rules.exposure_totals(found),
    }


def close(hub: Hub, who: Principal, advisory_id: str) -> dict[str, Any]:
    """Close an advisory: a new version of the report records when; responses can no longer change."""
    with write_transaction(hub.engine) as conn:
        adv = _advisory(conn, hub, who, advisory_id)
        rules.require_advisory_owner(who, adv.owner)
        rules.require_advisory_publisher(who)
        if adv.closed:
            return {"id": advisory_id, "closed": adv.block["closed"]}
        # a new version needs a later `modified`, even if the clock has not moved on
        now = us_to_timestamp(max(hub.clock(), (timestamp_to_us(str(adv.body.get("modified"))) or 0) + 1))
        body = {**adv.body, "modified": now, BLOCK: {**adv.block, "closed": now}}
        audience = answers_store.audience_of(conn, adv.version.pk, adv.version.community)
        tlp = Tlp(adv.version.tlp)
        publish_in(conn, hub, who, PublishRequest([body], audience, tlp, False, ADVISORY_CHANNEL))
        record(conn, hub, who, "advisory-close", subject=advisory_id)
    return {"id": advisory_id, "closed": now}
