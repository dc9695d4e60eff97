"""Append-only, hash-chained audit log: each entry's hash covers the previous entry's hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson
from sqlalchemy import Connection, insert, select

from lionrock.store.schema import audit

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: int
    org_id: int | None
    token_id: int | None
    action: str
    subject: str | None
    detail: str
    anonymous: bool
    prev_hash: str
    hash: str


def entry_hash(
    prev_hash: str,
    at: int,
    org_id: int | None,
    token_id: int | None,
    action: str,
    subject: str | None,
    detail: str,
    anonymous: bool,
) -> str:
    material = orjson.dumps([prev_hash, at, org_id, token_id, action, subject, detail, anonymous])
    return hashlib.sha256(material).hexdigest()


def append(
    conn: Connection,
    *,
    at: int,
    org_id: int | None,
    token_id: int | None,
    action: str,
    subject: str | None = None,
    detail: dict[str, object] | None = None,
    anonymous: bool = False,
) -> None:
    """Append one entry; callers hold the write transaction, which serialises the chain."""
    last = conn.execute(select(audit.c.hash).order_by(audit.c.seq.desc()).limit(1)).scalar()
    prev = last or GENESIS
    text = orjson.dumps(detail or {}, option=orjson.OPT_SORT_KEYS).decode()
    digest = entry_hash(prev, at, org_id, token_id, action, subject, text, anonymous)
    conn.execute(
        insert(audit).values(
            at=at,
            org_id=org_id,
            token_id=token_id,
            action=action,
            subject=subject,
            detail=text,
            anonymous=anonymous,
            prev_hash=prev,
            hash=digest,
        )
    )


def entries(conn: Connection, org_id: int | None = None, limit: int = 1000) -> list[AuditEntry]:
    """Entries, newest first; restricted to one organisation's own actions when org_id is given."""
    stmt = select(*audit.c).order_by(audit.c.seq.desc()).limit(limit)
    if org_id is not None:
        stmt = stmt.where(audit.c.org_id == org_id)
    return [AuditEntry(*r) for r in conn.execute(stmt)]


def first_broken(conn: Connection) -> tuple[int, str] | None:
    """The first entry whose link or hash does not check, with the reason; None when intact."""
    prev = GENESIS
    for row in conn.execute(select(*audit.c).order_by(audit.c.seq)):
        e = AuditEntry(*row)
        if e.prev_hash != prev:
            return e.seq, "prev_hash does not match the previous entry (an entry was removed or reordered)"
        expected = entry_hash(e.prev_hash, e.at, e.org_id, e.token_id, e.action, e.subject, e.detail, e.anonymous)
        if expected != e.hash:
            return e.seq, "hash does not match the entry's contents (the entry was altered)"
        prev = e.hash
    return None
