"""Fraud reports: store them, and read every report of some identifiers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, select

from lionrock.store.schema import fraud_reports as table


@dataclass(frozen=True)
class NewReport:
    identifier_id: str
    kind: str
    value: str
    org_id: int
    scam_type: str
    role: str
    reported: int  # microseconds
    amount_band: str | None
    confidence: int
    notes: str | None
    created: int


@dataclass(frozen=True)
class StoredReport:
    identifier_id: str
    org_id: int
    scam_type: str
    role: str
    reported: int
    confidence: int


def add_reports(conn: Connection, reports: Sequence[NewReport]) -> None:
    if reports:
        conn.execute(table.insert(), [asdict(r) for r in reports])


def reports_of(conn: Connection, identifier_ids: Sequence[str]) -> dict[str, list[StoredReport]]:
    """Every report of each identifier, by identifier id (identifiers without reports are absent)."""
    out: dict[str, list[StoredReport]] = {}
    ids = sorted(set(identifier_ids))
    for start in range(0, len(ids), 500):
        q = select(
            table.c.identifier_id, table.c.org_id, table.c.scam_type, table.c.role, table.c.reported, table.c.confidence
        ).where(table.c.identifier_id.in_(ids[start : start + 500]))
        for row in conn.execute(q):
            out.setdefault(row[0], []).append(StoredReport(*row))
    return out
