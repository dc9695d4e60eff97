"""Fraud reports and the pre-payment check (issue 10).

`report_fraud`: a publisher reports identifiers used in scams; every report is normalised (so two
banks' spellings of one account are one identifier), checked against the vocabularies and stored,
all or none, in one audited transaction.

`check`: any member asks what is known about identifiers: their reports, false-positive sightings
and disputes (hub/fraud_disputes.py). The answer is the risk in the public's words and never says
*which* organisations reported; finer detail follows the three-organisation
rule: the number of reporting organisations is given exactly only when it is 3 or more, otherwise
"< 3" (or 0 when nothing counts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection

from lionrock.access.model import Principal
from lionrock.access.permissions import require_publisher
from lionrock.errors import Invalid, LionrockError, Problem, TooLarge
from lionrock.fraud.identifiers import Kind, normalise
from lionrock.fraud.notes import check_notes
from lionrock.fraud.risk import Assessment, Dispute, DisputeState, FalsePositive, Report, assess
from lionrock.fraud.vocab import Role, ScamType, amount_band, role, scam_type
from lionrock.hub.auditing import record
from lionrock.hub.context import Hub
from lionrock.hub.fraud_index import index_identifiers
from lionrock.stix.ids import timestamp_to_us
from lionrock.store import fraud as store
from lionrock.store.engine import read_transaction, write_transaction

MAX_BATCH = 1000
MAX_IMPORT = 50_000  # a bulk CSV import's rows, stored in one transaction
THREE_ORGANISATIONS = 3
_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FraudReport:
    """One report as a caller sends it; `report_fraud` normalises and checks every field."""

    type: str  # an identifier kind: bank-account, phone, fps, fps-id, email, e-wallet, crypto-wallet, social
    value: str
    scam_type: str
    role: str
    reported: str | None = None  # a date (YYYY-MM-DD) or STIX timestamp; today when absent
    amount_band: str | None = None
    confidence: int = 100
    notes: str | None = None


def _us(dt: datetime) -> int:
    return int(dt.timestamp() * 1_000_000)


def _reported_us(text: str | None, now_us: int) -> int:
    if text is None:
        return now_us
    us: int | None
    try:
        us = _us(datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)) if len(text) == 10 else None
    except ValueError:
        us = None
    if us is None:
        us = timestamp_to_us(text)
    if us is None:
        raise Invalid(f"reported {text!r} is not a date (YYYY-MM-DD) or a STIX timestamp")
    if us < _us(_EARLIEST) or us > now_us + 86_400_000_000:
        raise Invalid(f"reported {text!r} is before 2000 or in the future")
    return us


def _new_report(who: Principal, r: FraudReport, now_us: int) -> store.NewReport:
    ident = normalise(r.type, r.value)
    if not 0 <= r.confidence <= 100:
        raise Invalid(f"confidence must be 0 to 100, not {r.confidence}")
    return store.NewReport(
        identifier_id=ident.id,
        kind=ident.kind.value,
        value=ident.value,
        org_id=who.org_id,
        scam_type=scam_type(r.scam_type).value,
        role=role(r.role).value,
        reported=_reported_us(r.reported, now_us),
        amount_band=amount_band(r.amount_band).value if r.amount_band else None,
        confidence=r.confidence,
        notes=(check_notes(r.notes) or None) if r.notes else None,
        created=now_us,
    )


def report_fraud(hub: Hub, who: Principal, reports: Sequence[FraudReport]) -> list[dict[str, str]]:
    """Store every report or none; Invalid names each bad one by its index. Answers each report's
    identifier: its STIX id, type and canonical value."""
    return _store_reports(hub, who, reports, MAX_BATCH, "fraud.report")


def import_reports(
    hub: Hub, who: Principal, reports: Sequence[FraudReport], dry_run: bool = False
) -> list[dict[str, str]]:
    """A bulk import (a CSV file's rows, up to MAX_IMPORT): all or none in one transaction, audited
    once as `fraud.import`; a dry run checks every row and stores nothing."""
    return _store_reports(hub, who, reports, MAX_IMPORT, "fraud.import", dry_run)


def _store_reports(
    hub: Hub, who: Principal, reports: Sequence[FraudReport], limit: int, action: str, dry_run: bool = False
) -> list[dict[str, str]]:
    require_publisher(who)
    if not reports:
        raise Invalid("send at least one report")
    if len(reports) > limit:
        raise TooLarge(f"at most {limit} reports at once, not {len(reports)}")
    now_us = hub.clock()
    rows: list[store.NewReport] = []
    problems: list[Problem] = []
    for i, r in enumerate(reports):
        try:
            rows.append(_new_report(who, r, now_us))
        except LionrockError as exc:
            problems.append(Problem(i, None, exc.message))
    if problems:
        raise Invalid(f"{len(problems)} of {len(reports)} report(s) refused; nothing was stored", problems[:1000])
    if dry_run:
        return [{"id": row.identifier_id, "type": row.kind, "value": row.value} for row in rows]
    with write_transaction(hub.engine) as conn:
        for start in range(0, len(rows), MAX_BATCH):
            store.add_reports(conn, rows[start : start + MAX_BATCH])
        ids = sorted({row.identifier_id for row in rows})
        index_identifiers(conn, hub, ids)  # the private check's tags (hub/fraud_index.py)
        record(
            conn,
            hub,
            who,
            action,
            subject=ids[0] if len(ids) == 1 else None,
            detail={"reports": len(rows), "identifiers": len(ids)},
        )
    return [{"id": row.identifier_id, "type": row.kind, "value": row.value} for row in rows]


@dataclass(frozen=True)
class CheckItem:
    type: str
    value: str


def _dt(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, UTC)


def organisations_shown(n: int) -> int | str:
    """The three-organisation rule: the exact number only from three up; '< 3' for one or two."""
    return n if n == 0 or n >= THREE_ORGANISATIONS else f"< {THREE_ORGANISATIONS}"


def check_many(hub: Hub, who: Principal, items: Sequence[CheckItem]) -> list[dict[str, Any]]:
    """What is known of each identifier, in order; Invalid names each bad value by its index.
    Any member may check (`who` is authenticated by the edge); the answer never names reporters."""
    if len(items) > MAX_BATCH:
        raise TooLarge(f"at most {MAX_BATCH} values at once, not {len(items)}")
    idents = []
    problems: list[Problem] = []
    for i, item in enumerate(items):
        try:
            idents.append(normalise(item.type, item.value))
        except LionrockError as exc:
            problems.append(Problem(i, None, exc.message))
    if problems:
        raise Invalid(f"{len(problems)} of {len(items)} value(s) are not identifiers", problems)
    with read_transaction(hub.engine) as conn:
        found = assessments(conn, {ident.id: ident.kind for ident in idents}, _dt(hub.clock()))
    return [
        {"type": ident.kind.value, "value": ident.value, "id": ident.id, **answer_of(found[ident.id])}
        for ident in idents
    ]


@dataclass(frozen=True)
class Known:
    """Everything the risk is computed from, for one identifier."""

    reports: list[Report]
    false_positives: list[FalsePositive]
    disputes: list[Dispute]


def known_of(conn: Connection, identifier_ids: Sequence[str]) -> dict[str, Known]:
    """Reports, false-positive sightings and (open or upheld) disputes of each identifier."""
    known = store.reports_of(conn, identifier_ids)
    disputes = store.disputes_of(conn, identifier_ids)
    false_positives = store.false_positives_of(conn, identifier_ids)
    return {
        i: Known(
            [
                Report(str(r.org_id), _dt(r.reported), r.confidence, ScamType(r.scam_type), Role(r.role))
                for r in known.get(i, [])
            ],
            [FalsePositive(str(org), _dt(at)) for org, at in false_positives.get(i, [])],
            [_dispute(d) for d in disputes.get(i, [])],
        )
        for i in identifier_ids
    }


def assessments(conn: Connection, kinds: Mapping[str, Kind], now: datetime) -> dict[str, Assessment]:
    """`assess` over everything known of each identifier (by id, with its kind). Every path that
    answers a risk (check, private bucket, pages) goes through here, so none forgets disputes."""
    known = known_of(conn, list(kinds))
    return {
        i: assess(kind, known[i].reports, known[i].false_positives, known[i].disputes, now) for i, kind in kinds.items()
    }


def answer_of(a: Assessment) -> dict[str, Any]:
    """The check's answer in the public's words; it never names a reporter (three-organisation rule)."""
    return {
        "risk": a.level.label,
        "organisations": organisations_shown(a.organisations),
        "latest_report": a.latest.date().isoformat() if a.latest else None,
        "scam_types": [s.value for s in a.scam_types],
        "dispute": "disputed" if a.disputed else "none",
    }


def _dispute(d: store.DisputeState) -> Dispute:
    """Open and upheld disputes change the risk; the store passes no others."""
    resolved = _dt(d.resolved_at) if d.resolved_at is not None else None
    return Dispute(DisputeState(d.state), _dt(d.filed_at), resolved)


def check(hub: Hub, who: Principal, kind: str, value: str) -> dict[str, Any]:
    """One identifier's check; Invalid (422) with the reason when the value is not one."""
    try:
        return check_many(hub, who, [CheckItem(kind, value)])[0]
    except Invalid as exc:
        raise Invalid(exc.problems[0].message if exc.problems else exc.message) from None
