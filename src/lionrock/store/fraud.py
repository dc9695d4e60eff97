"""Fraud reports: store them, and read every report of some identifiers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, bindparam, select

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


_COLUMNS = (
    table.c.identifier_id,
    table.c.org_id,
    table.c.scam_type,
    table.c.role,
    table.c.reported,
    table.c.confidence,
)
# Built once: the single-identifier form is the pre-payment check's hot path, and building and
# coercing a select costs more than SQLite's indexed lookup itself.
_OF_ONE = select(*_COLUMNS).where(table.c.identifier_id == bindparam("identifier_id"))
_OF_MANY = select(*_COLUMNS).where(table.c.identifier_id.in_(bindparam("identifier_ids", expanding=True)))


def reports_of(conn: Connection, identifier_ids: Sequence[str]) -> dict[str, list[StoredReport]]:
    """Every report of each identifier, by identifier id (identifiers without reports are absent)."""
    out: dict[str, list[StoredReport]] = {}
    ids = sorted(set(identifier_ids))
    if len(ids) == 1:
        for row in conn.execute(_OF_ONE, {"identifier_id": ids[0]}):
            out.setdefault(row[0], []).append(StoredReport(*row))
        return out
    for start in range(0, len(ids), 500):
        for row in conn.execute(_OF_MANY, {"identifier_ids": ids[start : start + 500]}):
            out.setdefault(row[0], []).append(StoredReport(*row))
    return out
