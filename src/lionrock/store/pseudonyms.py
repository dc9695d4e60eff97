"""Pseudonyms (docs/pseudonyms.md): each pseudonym's sealed value and the organisations that submitted
a document holding it. The clear value is never here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select

from lionrock.store.keys import DESTROYED
from lionrock.store.schema import audit, data_keys, keys, pseudonym_sources, pseudonyms


@dataclass(frozen=True)
class PseudonymRow:
    pseudonym: str
    kind: str
    key_id: int
    data_key_id: int
    sealed: bytes
    first_seen: int


def hmac_key_id(conn: Connection, purpose: str) -> int | None:
    """The data key holding the HMAC key: the first data key wrapped under a live KEK of the purpose
    (a KEK rotation re-wraps it under the successor; its id, and so every pseudonym, stays)."""
    found = conn.execute(
        select(func.min(data_keys.c.id))
        .join(keys, keys.c.id == data_keys.c.kek_id)
        .where(keys.c.purpose == purpose, keys.c.state != DESTROYED)
    ).scalar()
    return int(found) if found is not None else None


def known(conn: Connection, ids: Iterable[str]) -> set[str]:
    wanted = list(set(ids))
    if not wanted:
        return set()
    return set(conn.execute(select(pseudonyms.c.pseudonym).where(pseudonyms.c.pseudonym.in_(wanted))).scalars())


def add(conn: Connection, row: PseudonymRow) -> None:
    conn.execute(insert(pseudonyms).values(**row.__dict__))


def add_source(conn: Connection, pseudonym: str, org_id: int, job_id: str, now: int) -> bool:
    """Record that the organisation submitted a document holding it (the first time only)."""
    exists = conn.execute(
        select(pseudonym_sources.c.org_id).where(
            pseudonym_sources.c.pseudonym == pseudonym, pseudonym_sources.c.org_id == org_id
        )
    ).first()
    if exists:
        return False
    conn.execute(insert(pseudonym_sources).values(pseudonym=pseudonym, org_id=org_id, job_id=job_id, first_seen=now))
    return True


def load(conn: Connection, pseudonym: str) -> PseudonymRow | None:
    found = conn.execute(
        select(*[pseudonyms.c[name] for name in PseudonymRow.__dataclass_fields__]).where(
            pseudonyms.c.pseudonym == pseudonym
        )
    ).first()
    return PseudonymRow(*found) if found else None


def submitters(conn: Connection, pseudonym: str) -> frozenset[int]:
    rows = conn.execute(select(pseudonym_sources.c.org_id).where(pseudonym_sources.c.pseudonym == pseudonym))
    return frozenset(int(r) for r in rows.scalars())


def count_actions(conn: Connection, org_id: int, actions: Iterable[str], since: int) -> int:
    """Audit entries of these actions by the organisation since the time (ix_audit_action_org_at)."""
    return int(
        conn.execute(
            select(func.count())
            .select_from(audit)
            .where(audit.c.action.in_(list(actions)), audit.c.org_id == org_id, audit.c.at >= since)
        ).scalar_one()
    )
