"""Fraud reports, disputes, false-positive sightings, the bank codes organisations hold, notifications."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.exc import IntegrityError

from lionrock.errors import Conflict
from lionrock.store.schema import fraud_disputes as disputes
from lionrock.store.schema import fraud_false_positives as false_positives
from lionrock.store.schema import fraud_reports as table
from lionrock.store.schema import notifications
from lionrock.store.schema import org_bank_codes as bank_codes


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


def has_reports(conn: Connection, identifier_id: str) -> bool:
    return conn.execute(select(table.c.id).where(table.c.identifier_id == identifier_id).limit(1)).first() is not None


def reporting_orgs(conn: Connection, identifier_id: str) -> list[int]:
    q = select(table.c.org_id).where(table.c.identifier_id == identifier_id).distinct()
    return sorted(row[0] for row in conn.execute(q))


# --- the bank codes an organisation holds ---


def set_bank_codes(conn: Connection, org_id: int, codes: Sequence[str]) -> None:
    conn.execute(bank_codes.delete().where(bank_codes.c.org_id == org_id))
    if codes:
        conn.execute(bank_codes.insert(), [{"org_id": org_id, "bank_code": c} for c in sorted(set(codes))])


def bank_codes_of(conn: Connection, org_id: int) -> frozenset[str]:
    return frozenset(
        row[0] for row in conn.execute(select(bank_codes.c.bank_code).where(bank_codes.c.org_id == org_id))
    )


# --- disputes ---


@dataclass(frozen=True)
class DisputeRow:
    id: int
    identifier_id: str
    kind: str
    value: str
    filed_by: int
    filed_by_user: int | None
    reason: str
    evidence: str | None
    state: str
    filed_at: int
    resolved_at: int | None
    resolved_by: int | None
    resolution: str | None


_DISPUTE_COLUMNS = [disputes.c[name] for name in DisputeRow.__dataclass_fields__]


def add_dispute(
    conn: Connection,
    *,
    identifier_id: str,
    kind: str,
    value: str,
    filed_by: int,
    filed_by_user: int | None,
    reason: str,
    evidence: str | None,
    now: int,
) -> int:
    row = {
        "identifier_id": identifier_id,
        "kind": kind,
        "value": value,
        "filed_by": filed_by,
        "filed_by_user": filed_by_user,
        "reason": reason,
        "evidence": evidence,
        "state": "open",
        "filed_at": now,
    }
    try:
        with conn.begin_nested():  # a savepoint: PostgreSQL's transaction survives the refusal
            result = conn.execute(disputes.insert().values(**row))
    except IntegrityError:
        raise Conflict("this identifier already has an open dispute") from None
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def dispute_by_id(conn: Connection, dispute_id: int) -> DisputeRow | None:
    row = conn.execute(select(*_DISPUTE_COLUMNS).where(disputes.c.id == dispute_id)).first()
    return DisputeRow(*row) if row else None


def open_dispute_of(conn: Connection, identifier_id: str) -> DisputeRow | None:
    q = select(*_DISPUTE_COLUMNS).where(disputes.c.identifier_id == identifier_id, disputes.c.state == "open")
    row = conn.execute(q.limit(1)).first()
    return DisputeRow(*row) if row else None


def list_disputes(
    conn: Connection, filed_by: int | None, state: str | None, before: int | None, limit: int
) -> list[DisputeRow]:
    """Newest first; `filed_by` None lists everyone's (the operator)."""
    q = select(*_DISPUTE_COLUMNS)
    if filed_by is not None:
        q = q.where(disputes.c.filed_by == filed_by)
    if state is not None:
        q = q.where(disputes.c.state == state)
    if before is not None:
        q = q.where(disputes.c.id < before)
    return [DisputeRow(*row) for row in conn.execute(q.order_by(disputes.c.id.desc()).limit(limit))]


def resolve_dispute(conn: Connection, dispute_id: int, state: str, by: int, note: str | None, now: int) -> bool:
    """Close an open dispute; False when it was no longer open (a concurrent resolution won)."""
    done = conn.execute(
        disputes.update()
        .where(disputes.c.id == dispute_id, disputes.c.state == "open")
        .values(state=state, resolved_at=now, resolved_by=by, resolution=note)
    )
    return bool(done.rowcount == 1)


@dataclass(frozen=True)
class DisputeState:
    identifier_id: str
    state: str
    filed_at: int
    resolved_at: int | None


# Built once, like _OF_MANY: the check reads these on every request (benchmarks/fraud_check.py).
_DISPUTES_OF = select(disputes.c.identifier_id, disputes.c.state, disputes.c.filed_at, disputes.c.resolved_at).where(
    disputes.c.identifier_id.in_(bindparam("identifier_ids", expanding=True)),
    disputes.c.state.in_(("open", "upheld")),
)


def disputes_of(conn: Connection, identifier_ids: Sequence[str]) -> dict[str, list[DisputeState]]:
    """The open and upheld disputes of each identifier (rejected and withdrawn ones change nothing)."""
    out: dict[str, list[DisputeState]] = {}
    ids = sorted(set(identifier_ids))
    for start in range(0, len(ids), 500):
        for row in conn.execute(_DISPUTES_OF, {"identifier_ids": ids[start : start + 500]}):
            out.setdefault(row[0], []).append(DisputeState(*row))
    return out


# --- false positives ---


def add_false_positive(conn: Connection, identifier_id: str, org_id: int, note: str | None, now: int) -> bool:
    """Record one organisation's sighting once; a second from it replaces the note and date. True if new."""
    key = (false_positives.c.identifier_id == identifier_id) & (false_positives.c.org_id == org_id)
    if not conn.execute(select(false_positives.c.org_id).where(key)).first():
        try:
            with conn.begin_nested():  # two sightings racing: the loser updates instead of failing
                conn.execute(
                    false_positives.insert().values(identifier_id=identifier_id, org_id=org_id, noted_at=now, note=note)
                )
            return True
        except IntegrityError:
            pass
    conn.execute(false_positives.update().where(key).values(noted_at=now, note=note))
    return False


_FALSE_POSITIVES_OF = select(
    false_positives.c.identifier_id, false_positives.c.org_id, false_positives.c.noted_at
).where(false_positives.c.identifier_id.in_(bindparam("identifier_ids", expanding=True)))


def false_positives_of(conn: Connection, identifier_ids: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
    """(org_id, noted_at) of each identifier's false-positive sightings."""
    out: dict[str, list[tuple[int, int]]] = {}
    ids = sorted(set(identifier_ids))
    for start in range(0, len(ids), 500):
        for row in conn.execute(_FALSE_POSITIVES_OF, {"identifier_ids": ids[start : start + 500]}):
            out.setdefault(row[0], []).append((row[1], row[2]))
    return out


# --- notifications ---


@dataclass(frozen=True)
class NotificationRow:
    id: int
    org_id: int
    created: int
    kind: str
    subject: str | None
    text: str
    read_at: int | None


_NOTE_COLUMNS = [notifications.c[name] for name in NotificationRow.__dataclass_fields__]


def add_notifications(
    conn: Connection, org_ids: Sequence[int], kind: str, subject: str | None, text: str, now: int
) -> None:
    if org_ids:
        rows = [{"org_id": o, "created": now, "kind": kind, "subject": subject, "text": text} for o in org_ids]
        conn.execute(notifications.insert(), rows)


def notifications_of(
    conn: Connection, org_id: int, before: int | None, limit: int, unread_only: bool = False
) -> list[NotificationRow]:
    """Newest first."""
    q = select(*_NOTE_COLUMNS).where(notifications.c.org_id == org_id)
    if before is not None:
        q = q.where(notifications.c.id < before)
    if unread_only:
        q = q.where(notifications.c.read_at.is_(None))
    return [NotificationRow(*row) for row in conn.execute(q.order_by(notifications.c.id.desc()).limit(limit))]


def notification_owner(conn: Connection, notification_id: int) -> int | None:
    row = conn.execute(select(notifications.c.org_id).where(notifications.c.id == notification_id)).first()
    return int(row[0]) if row else None


def mark_read(conn: Connection, notification_id: int, now: int) -> None:
    conn.execute(
        notifications.update()
        .where(notifications.c.id == notification_id, notifications.c.read_at.is_(None))
        .values(read_at=now)
    )
