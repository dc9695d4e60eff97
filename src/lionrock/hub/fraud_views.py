"""What the fraud pages show beyond the check itself (issue 10, item 9).

`identifier_view`: one identifier for one member: its canonical value and STIX id, the check's answer
(exactly what `hub.fraud.check` gives anyone), the member's OWN reports in full, and the risk at the
end of each of the last 12 months. Other organisations' reports reach the page only as the check and
the history summarise them: never their notes, amounts or who filed them.

`fraud_panel`: the dashboard's last 30 days across the sector: reports by scam type, a type named only
when three or more organisations reported it (the rest summed as "other"), identifiers now at high
risk, and the member's own reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lionrock.access.model import Principal
from lionrock.access.permissions import require_publisher
from lionrock.errors import Invalid, NotFound
from lionrock.fraud.history import Point, risk_history
from lionrock.fraud.identifiers import Kind, normalise
from lionrock.fraud.risk import Level
from lionrock.fraud.vocab import ScamType
from lionrock.hub.context import Hub
from lionrock.hub.fraud import THREE_ORGANISATIONS, FraudReport, assessments, check, known_of, report_fraud
from lionrock.store import fraud_views as store
from lionrock.store.engine import read_transaction

DAY_US = 86_400 * 1_000_000
PANEL_DAYS = 30
MAX_ID = 300  # the column's width: a longer id is no identifier's


@dataclass(frozen=True)
class IdentifierView:
    id: str
    kind: str
    value: str
    sco_type: str
    answer: dict[str, Any]  # hub.fraud.check's answer
    own: list[store.OwnReport]
    history: list[Point]


@dataclass(frozen=True)
class FraudPanel:
    days: int
    scam_types: list[tuple[str, int]]  # shown types (3+ organisations), most reports first
    other: int  # reports of every other type (fewer than 3 organisations, or `other` itself)
    high_risk: int  # identifiers reported in the window that are at high risk now
    own: int  # the reader's organisation's reports in the window


def _dt(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, UTC)


def identifier_view(hub: Hub, who: Principal, stix_id: str) -> IdentifierView:
    """One identifier as `who` may see it; NotFound when nobody has reported it (as for an absent one)."""
    if len(stix_id) > MAX_ID:
        raise NotFound("no identifier with this id has been reported")
    with read_transaction(hub.engine) as conn:
        facts = store.facts_of(conn, stix_id)
        own = store.own_reports(conn, stix_id, who.org_id) if facts else []
    if not facts:
        raise NotFound("no identifier with this id has been reported")
    kind, value = facts[0].kind, facts[0].value
    answer = check(hub, who, kind, value)
    with read_transaction(hub.engine) as conn:
        known = known_of(conn, [stix_id])[stix_id]
    history = risk_history(Kind(kind), known.reports, _dt(hub.clock()), known.false_positives, known.disputes)
    return IdentifierView(stix_id, kind, value, normalise(kind, value).sco_type, answer, own, history)


@dataclass(frozen=True)
class ReportFields:
    """A report of an identifier already known, as the identifier page's form sends it."""

    scam_type: str
    role: str
    reported: str | None
    amount_band: str | None
    confidence: int
    notes: str | None


def report_identifier(hub: Hub, who: Principal, stix_id: str, sent: ReportFields) -> None:
    """Report an identifier by its id (publishers only; NotFound when nobody has reported it yet):
    `hub.fraud.report_fraud` with its canonical value, so the report joins the same identifier.
    Invalid carries the one problem's reason."""
    require_publisher(who)
    if len(stix_id) > MAX_ID:
        raise NotFound("no identifier with this id has been reported")
    with read_transaction(hub.engine) as conn:
        facts = store.facts_of(conn, stix_id)
    if not facts:
        raise NotFound("no identifier with this id has been reported")
    report = FraudReport(
        type=facts[0].kind,
        value=facts[0].value,
        scam_type=sent.scam_type,
        role=sent.role,
        reported=sent.reported,
        amount_band=sent.amount_band,
        confidence=sent.confidence,
        notes=sent.notes,
    )
    try:
        report_fraud(hub, who, [report])
    except Invalid as exc:
        raise Invalid(exc.problems[0].message if exc.problems else exc.message) from None


def shown_scam_types(rows: Iterable[tuple[str, int, int]]) -> tuple[list[tuple[str, int]], int]:
    """The three-organisation rule for the panel: (type, reports) for the types three or more
    organisations reported, most reports first, and the sum of the rest's reports."""
    shown, other = [], 0
    for scam, reports, organisations in rows:
        if organisations >= THREE_ORGANISATIONS and scam != ScamType.OTHER.value:
            shown.append((scam, reports))
        else:
            other += reports
    shown.sort(key=lambda r: (-r[1], r[0]))
    return shown, other


def fraud_panel(hub: Hub, who: Principal, now: int) -> FraudPanel:
    """The dashboard's fraud panel for one reader, over the last PANEL_DAYS days."""
    since = now - PANEL_DAYS * DAY_US
    with read_transaction(hub.engine) as conn:
        types = store.scam_types_since(conn, since)
        own = store.own_count_since(conn, who.org_id, since)
        kinds = store.kinds_reported_since(conn, since)
        found = assessments(conn, {i: Kind(k) for i, k in kinds}, _dt(now))
    shown, other = shown_scam_types(types)
    high = sum(1 for a in found.values() if a.level is Level.HIGH)
    return FraudPanel(PANEL_DAYS, shown, other, high, own)
