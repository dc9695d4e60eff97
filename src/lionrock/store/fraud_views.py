"""Reads behind the fraud pages: one identifier's reports (an organisation's own in full, everyone's
as the facts the risk score needs, never their notes), and the sector's last days for the dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, distinct, func, select

from lionrock.store.schema import fraud_reports as table


@dataclass(frozen=True)
class ReportFacts:
    """What the risk score reads of a report: no notes, no amount."""

    identifier_id: str
    kind: str
    value: str
    org_id: int
    scam_type: str
    role: str
    reported: int  # microseconds
    confidence: int


@dataclass(frozen=True)
class OwnReport:
    """A report in full, read only for the organisation that filed it."""

    scam_type: str
    role: str
    reported: int
    amount_band: str | None
    confidence: int
    notes: str | None
    created: int


_FACTS = (
    table.c.identifier_id,
    table.c.kind,
    table.c.value,
    table.c.org_id,
    table.c.scam_type,
    table.c.role,
    table.c.reported,
    table.c.confidence,
)


def facts_of(conn: Connection, identifier_id: str) -> list[ReportFacts]:
    """Every report of one identifier, oldest first (empty when it has none)."""
    q = select(*_FACTS).where(table.c.identifier_id == identifier_id).order_by(table.c.reported, table.c.id)
    return [ReportFacts(*row) for row in conn.execute(q)]


def own_reports(conn: Connection, identifier_id: str, org_id: int) -> list[OwnReport]:
    """One organisation's own reports of an identifier, newest first."""
    q = (
        select(
            table.c.scam_type,
            table.c.role,
            table.c.reported,
            table.c.amount_band,
            table.c.confidence,
            table.c.notes,
            table.c.created,
        )
        .where(table.c.identifier_id == identifier_id, table.c.org_id == org_id)
        .order_by(table.c.reported.desc(), table.c.id.desc())
    )
    return [OwnReport(*row) for row in conn.execute(q)]


def scam_types_since(conn: Connection, since: int) -> list[tuple[str, int, int]]:
    """(scam type, reports, distinct organisations) of the reports dated from `since` on."""
    q = (
        select(table.c.scam_type, func.count(), func.count(distinct(table.c.org_id)))
        .where(table.c.reported >= since)
        .group_by(table.c.scam_type)
    )
    return [(str(s), int(n), int(o)) for s, n, o in conn.execute(q)]


def own_count_since(conn: Connection, org_id: int, since: int) -> int:
    q = select(func.count()).where(table.c.org_id == org_id, table.c.reported >= since)
    return int(conn.execute(q).scalar_one())


def kinds_reported_since(conn: Connection, since: int) -> list[tuple[str, str]]:
    """(identifier id, kind) of every identifier reported from `since` on."""
    q = select(table.c.identifier_id, table.c.kind).where(table.c.reported >= since).distinct()
    return [(row[0], row[1]) for row in conn.execute(q)]
